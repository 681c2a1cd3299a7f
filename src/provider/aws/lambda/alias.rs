//! `aws_lambda_alias`: a name (`live`, `prod`) pointing at one published version of a function,
//! optionally shifting a share of invocations to a second version (`routing_config`), so that
//! callers and triggers keep one ARN while deployments move it. Version, description and
//! weights change in place with UpdateAlias; the name or the function replace it, as in the
//! provider. The id is the alias ARN; `import` takes `FUNCTION/ALIAS` or the ARN.

use super::{invoke_arn, keep_equivalent_function, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, first, must_exist, ok_on, op_timeout, opt_str, required, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::types::AliasRoutingConfiguration;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lambda_alias` resource type.
pub struct Alias {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long an update waits for cleared routing weights to be gone (the provider's update
/// timeout).
const UPDATE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

impl Alias {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Alias {
        let schema = resource("aws_lambda_alias")
            .arg("name")
            .force_new()
            .arg("function_name")
            .force_new()
            .arg("function_version")
            .arg("description")
            .arg("routing_config.additional_version_weights")
            .build();
        Alias { c, schema }
    }

    /// GetAlias; `None` when the function or the alias does not exist.
    async fn get(&self, function: &str, name: &str) -> PResult<Option<GetAliasOutput>> {
        get_alias(&self.c, function, name).await
    }
}

/// GetAlias of `function` (a name or an ARN) and `name`; `None` when either does not exist
/// (shared with the data source).
pub async fn get_alias(c: &Clients, function: &str, name: &str) -> PResult<Option<GetAliasOutput>> {
    let r = c
        .lambda
        .get_alias()
        .function_name(function)
        .name(name)
        .send()
        .await
        .map_err(aws_err);
    absent_on(r, NOT_FOUND)
}

/// The routing configuration to send: the configured weights, or none (which clears them, as
/// the provider sends an empty configuration when the block is absent).
fn routing(planned: &Value) -> AliasRoutingConfiguration {
    let weights: Option<HashMap<String, f64>> = first(planned, "routing_config")
        .and_then(|r| r.get("additional_version_weights").as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(version, w)| w.as_number().map(|w| (version.clone(), w)))
                .collect()
        });
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights(weights)
        .build()
}

/// Function and alias names from an id: an alias ARN
/// (`arn:PARTITION:lambda:REGION:ACCOUNT:function:FUNCTION:ALIAS`) or `FUNCTION/ALIAS`.
pub fn parse_id(id: &str) -> PResult<(String, String)> {
    if id.starts_with("arn:") {
        let parts: Vec<&str> = id.split(':').collect();
        if let [_, _, "lambda", _, _, "function", function, alias] = parts[..] {
            if !function.is_empty() && !alias.is_empty() {
                return Ok((function.to_string(), alias.to_string()));
            }
        }
    } else if let Some((function, alias)) = id.rsplit_once('/') {
        if !function.is_empty() && !alias.is_empty() {
            return Ok((function.to_string(), alias.to_string()));
        }
    }
    Err(ProviderError::msg(format!(
        "unexpected format of ID ({id}), expected FUNCTION_NAME/ALIAS or an alias ARN"
    )))
}

/// An alias as state holds it; `function` is the function as configured (a name or an ARN).
pub fn alias_state(region: &str, function: &str, out: &GetAliasOutput) -> Value {
    let arn = out.alias_arn().unwrap_or_default();
    let weights = out.routing_config().and_then(|r| r.additional_version_weights());
    let routing = match weights {
        Some(w) => vec![Value::object([(
            "additional_version_weights",
            Value::Object(w.iter().map(|(k, v)| (k.clone(), Value::Number(*v))).collect()),
        )])],
        None => Vec::new(),
    };
    Value::object([
        ("id", Value::str(arn)),
        ("arn", Value::str(arn)),
        ("name", Value::from(out.name())),
        ("function_name", Value::str(function)),
        ("function_version", Value::from(out.function_version())),
        ("description", Value::str(out.description().unwrap_or_default())),
        ("invoke_arn", Value::str(invoke_arn(region, arn))),
        ("routing_config", Value::List(routing)),
    ])
}

#[async_trait]
impl ResourceType for Alias {
    fn type_name(&self) -> &'static str {
        "aws_lambda_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (function, name) = (required(planned, "function_name")?, required(planned, "name")?);
        let out = self
            .c
            .lambda
            .create_alias()
            .function_name(&function)
            .name(&name)
            .function_version(required(planned, "function_version")?)
            .description(opt_str(planned, "description").unwrap_or_default())
            .routing_config(routing(planned))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .alias_arn()
            .ok_or_else(|| ProviderError::msg("CreateAlias returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "Lambda alias", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (from_id, name) = parse_id(id)?;
        // The function as configured (a name or an ARN); on import, as the id gives it.
        let function = opt_str(prior, "function_name").unwrap_or(from_id);
        Ok(self
            .get(&function, &name)
            .await?
            .map(|out| alias_state(&self.c.region, &function, &out)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (_, name) = parse_id(id)?;
        let function = required(prior, "function_name")?;
        let routing = routing(planned);
        self.c
            .lambda
            .update_alias()
            .function_name(&function)
            .name(&name)
            .set_function_version(opt_str(planned, "function_version"))
            .description(opt_str(planned, "description").unwrap_or_default())
            .routing_config(routing.clone())
            .send()
            .await
            .map_err(aws_err)?;
        // Cleared weights can linger while Lambda shifts traffic back (the provider waits for
        // them to go, except on an alias named like a version number).
        let cleared = routing.additional_version_weights().is_none_or(|w| w.is_empty());
        if cleared && name.parse::<u64>().is_err() {
            let timeout = op_timeout(&self.schema, planned, Op::Update, UPDATE_TIMEOUT);
            wait_for(Wait::new(id, "routing weights cleared", timeout), || async {
                match self.get(&function, &name).await? {
                    Some(out)
                        if out
                            .routing_config()
                            .and_then(|r| r.additional_version_weights())
                            .is_some_and(|w| !w.is_empty()) =>
                    {
                        Ok(Poll::pending("weights still set"))
                    }
                    _ => Ok(Poll::Ready(())),
                }
            })
            .await?;
        }
        must_exist(self.read(ctx, id, prior).await?, "Lambda alias", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (from_id, name) = parse_id(id)?;
        let function = opt_str(prior, "function_name").unwrap_or(from_id);
        let r = self
            .c
            .lambda
            .delete_alias()
            .function_name(function)
            .name(name)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    /// A function named by its ARN in one place and by its name in the other is the same
    /// function: no replacement (the provider's `suppressEquivalentFunctionNameOrARN`).
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        keep_equivalent_function(prior, planned);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_an_arn_or_function_slash_alias() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:hello:live";
        assert_eq!(parse_id(arn).unwrap(), ("hello".into(), "live".into()));
        assert_eq!(parse_id("hello/live").unwrap(), ("hello".into(), "live".into()));
        assert!(parse_id("hello").is_err());
        assert!(parse_id("hello/").is_err());
        assert!(parse_id("arn:aws:lambda:us-east-1:123456789012:function:hello").is_err());
    }

    #[test]
    fn absent_routing_clears_the_weights() {
        assert!(routing(&Value::object([("routing_config", Value::List(vec![]))]))
            .additional_version_weights()
            .is_none());
        let planned = Value::object([(
            "routing_config",
            Value::List(vec![Value::object([(
                "additional_version_weights",
                Value::object([("2", Value::Number(0.25))]),
            )])]),
        )]);
        assert_eq!(
            routing(&planned).additional_version_weights().and_then(|w| w.get("2")),
            Some(&0.25)
        );
    }
}
