//! `aws_lambda_function_url`: a dedicated HTTPS endpoint for a function (or one of its aliases),
//! the simplest way to expose a webhook without API Gateway. Auth type, CORS and invoke mode
//! change in place with UpdateFunctionUrlConfig; the function or qualifier replace it. A URL
//! without IAM auth (`NONE`) also gets the public `lambda:InvokeFunctionUrl` permission the
//! console adds, as the provider does. The id is `FUNCTION` or `FUNCTION/QUALIFIER`, which
//! `import` takes.

use super::{keep_equivalent_function, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, first, must_exist, ok_on, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigOutput;
use aws_sdk_lambda::types::{Cors, FunctionUrlAuthType, InvokeMode};
use std::sync::Arc;

/// The `aws_lambda_function_url` resource type.
pub struct FunctionUrl {
    c: Arc<Clients>,
    schema: Schema,
}

/// The statement id of the public permission a `NONE` URL gets (the provider's).
const PUBLIC_STATEMENT: &str = "FunctionURLAllowPublicAccess";

impl FunctionUrl {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> FunctionUrl {
        let schema = resource("aws_lambda_function_url")
            .arg("function_name")
            .force_new()
            .arg("qualifier")
            .force_new()
            .arg("authorization_type")
            .check(one_of(FunctionUrlAuthType::values()))
            .arg("invoke_mode")
            .default("BUFFERED")
            .check(one_of(InvokeMode::values()))
            .arg("cors.max_age")
            .check(int_between(0, 86400))
            .args(&[
                "cors.allow_credentials",
                "cors.allow_headers",
                "cors.allow_methods",
                "cors.allow_origins",
                "cors.expose_headers",
            ])
            .build();
        FunctionUrl { c, schema }
    }

    /// GetFunctionUrlConfig; `None` when the function or its URL does not exist.
    async fn get(&self, function: &str, qualifier: Option<&str>) -> PResult<Option<GetFunctionUrlConfigOutput>> {
        let r = self
            .c
            .lambda
            .get_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier.map(str::to_string))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }
}

/// The CORS settings to send: the configured block, or empty ones (which clear them).
fn cors(planned: &Value) -> Cors {
    let Some(block) = first(planned, "cors") else {
        return Cors::builder().build();
    };
    let list = |k: &str| Some(str_list(block, k)).filter(|l| !l.is_empty());
    Cors::builder()
        .set_allow_credentials(block.get("allow_credentials").as_bool())
        .set_allow_headers(list("allow_headers"))
        .set_allow_methods(list("allow_methods"))
        .set_allow_origins(list("allow_origins"))
        .set_expose_headers(list("expose_headers"))
        .set_max_age(block.get("max_age").as_number().filter(|n| *n > 0.0).map(|n| n as i32))
        .build()
}

/// Function and qualifier from an id: `FUNCTION` or `FUNCTION/QUALIFIER` (the provider's
/// `FunctionURLParseResourceID`).
fn parse_id(id: &str) -> PResult<(String, Option<String>)> {
    match id.split('/').collect::<Vec<_>>()[..] {
        [f] if !f.is_empty() => Ok((f.to_string(), None)),
        [f, q] if !f.is_empty() && !q.is_empty() => Ok((f.to_string(), Some(q.to_string()))),
        _ => Err(ProviderError::msg(format!(
            "unexpected format for ID ({id}), expected FUNCTION-NAME/QUALIFIER or FUNCTION-NAME"
        ))),
    }
}

/// The URL's id in its host name (`https://URLID.lambda-url.REGION.on.aws/`).
fn url_id(url: &str) -> Option<&str> {
    url.strip_prefix("https://")?.split('.').next()
}

/// A string set as state holds it (sorted; empty when AWS reports none).
fn set_of(items: &[String]) -> Value {
    let mut items = items.to_vec();
    items.sort();
    Value::List(items.into_iter().map(Value::String).collect())
}

/// The URL as state holds it.
fn to_state(id: &str, function: &str, qualifier: Option<&str>, out: &GetFunctionUrlConfigOutput) -> Value {
    let cors = out
        .cors()
        .map(|c| {
            vec![Value::object([
                ("allow_credentials", Value::Bool(c.allow_credentials().unwrap_or(false))),
                ("allow_headers", set_of(c.allow_headers())),
                ("allow_methods", set_of(c.allow_methods())),
                ("allow_origins", set_of(c.allow_origins())),
                ("expose_headers", set_of(c.expose_headers())),
                ("max_age", Value::from(i64::from(c.max_age().unwrap_or(0)))),
            ])]
        })
        .unwrap_or_default();
    let url = out.function_url();
    Value::object([
        ("id", Value::str(id)),
        ("function_name", Value::str(function)),
        ("qualifier", qualifier.map(Value::str).unwrap_or(Value::Null)),
        ("authorization_type", Value::str(out.auth_type().as_str())),
        ("cors", Value::List(cors)),
        ("function_arn", Value::str(out.function_arn())),
        ("function_url", Value::str(url)),
        ("url_id", url_id(url).map(Value::str).unwrap_or(Value::Null)),
        (
            "invoke_mode",
            Value::str(out.invoke_mode().map(|m| m.as_str()).unwrap_or("BUFFERED")),
        ),
    ])
}

#[async_trait]
impl ResourceType for FunctionUrl {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function_url"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let function = required(planned, "function_name")?;
        let qualifier = opt_str(planned, "qualifier");
        let auth = required(planned, "authorization_type")?;
        self.c
            .lambda
            .create_function_url_config()
            .function_name(&function)
            .set_qualifier(qualifier.clone())
            .auth_type(FunctionUrlAuthType::from(auth.as_str()))
            .set_cors(first(planned, "cors").map(|_| cors(planned)))
            .set_invoke_mode(opt_str(planned, "invoke_mode").map(|m| InvokeMode::from(m.as_str())))
            .send()
            .await
            .map_err(aws_err)?;
        if auth == FunctionUrlAuthType::None.as_str() {
            // The permission anyone needs to call a URL without IAM auth; one left by an earlier
            // URL of the same function is fine.
            let r = self
                .c
                .lambda
                .add_permission()
                .function_name(&function)
                .set_qualifier(qualifier.clone())
                .action("lambda:InvokeFunctionUrl")
                .principal("*")
                .function_url_auth_type(FunctionUrlAuthType::None)
                .statement_id(PUBLIC_STATEMENT)
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, &["ResourceConflictException"])?;
        }
        let id = match &qualifier {
            Some(q) => format!("{function}/{q}"),
            None => function.clone(),
        };
        must_exist(self.read(ctx, &id, planned).await?, "Lambda function URL", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (function, qualifier) = parse_id(id)?;
        Ok(self
            .get(&function, qualifier.as_deref())
            .await?
            .map(|out| to_state(id, &function, qualifier.as_deref(), &out)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (function, qualifier) = parse_id(id)?;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut req = self
            .c
            .lambda
            .update_function_url_config()
            .function_name(&function)
            .set_qualifier(qualifier);
        if changed("authorization_type") {
            let auth = opt_str(planned, "authorization_type").unwrap_or_default();
            req = req.auth_type(FunctionUrlAuthType::from(auth.as_str()));
        }
        if changed("cors") {
            req = req.cors(cors(planned));
        }
        if changed("invoke_mode") {
            req = req.set_invoke_mode(opt_str(planned, "invoke_mode").map(|m| InvokeMode::from(m.as_str())));
        }
        req.send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "Lambda function URL", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (function, qualifier) = parse_id(id)?;
        let r = self
            .c
            .lambda
            .delete_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    /// A function named by its ARN in one place and by its name in the other is the same
    /// function: no replacement (the provider's DiffSuppressFunc on `function_name`).
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        keep_equivalent_function(prior, planned);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_url_ids_follow_the_providers_format() {
        assert_eq!(parse_id("hook").unwrap(), ("hook".into(), None));
        assert_eq!(parse_id("hook/live").unwrap(), ("hook".into(), Some("live".into())));
        assert!(parse_id("hook/").is_err() && parse_id("a/b/c").is_err());
        assert_eq!(
            url_id("https://abcdef0123456789abcdef0123456789.lambda-url.us-east-1.on.aws/"),
            Some("abcdef0123456789abcdef0123456789")
        );
    }

    #[test]
    fn an_absent_cors_block_sends_empty_settings() {
        let c = cors(&Value::object([("cors", Value::List(vec![]))]));
        assert!(c.allow_origins().is_empty() && c.max_age().is_none());
        let planned = Value::object([(
            "cors",
            Value::List(vec![Value::object([
                ("allow_origins", Value::List(vec![Value::str("https://example.com")])),
                ("max_age", Value::Number(300.0)),
            ])]),
        )]);
        let c = cors(&planned);
        assert_eq!(c.allow_origins(), ["https://example.com"]);
        assert_eq!(c.max_age(), Some(300));
    }
}
