//! `aws_lambda_permission`: one statement of a function's resource policy, letting a service
//! (`apigateway.amazonaws.com`, `s3.amazonaws.com`), an account or an organisation invoke it,
//! made by AddPermission and read back from GetPolicy by its statement id. Every argument forces
//! a new statement, as in the provider (there is no update call). The id is the statement id;
//! `import` takes `FUNCTION/STATEMENT` or `FUNCTION:QUALIFIER/STATEMENT`.

use super::{retry_function_op, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, name_prefix_from_name, ok_on, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::types::FunctionUrlAuthType;
use serde_json::Value as Json;
use std::sync::Arc;

/// The `aws_lambda_permission` resource type.
pub struct Permission {
    c: Arc<Clients>,
    schema: Schema,
}

/// A statement id: letters, digits, hyphens and underscores (the provider's
/// `validPolicyStatementID`).
const STATEMENT_ID: &str = r"^[0-9A-Za-z_-]*$";

impl Permission {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Permission {
        let id_rule = || matches(STATEMENT_ID, "letters, digits, hyphens or underscores");
        let schema = resource("aws_lambda_permission")
            .arg("action")
            .force_new()
            .check(matches(
                r"^(lambda:[*]|lambda:[A-Za-z]+|[*])$",
                "lambda:ACTION, lambda:* or *",
            ))
            .arg("function_name")
            .force_new()
            .check(super::function_name())
            .arg("principal")
            .force_new()
            .arg("qualifier")
            .force_new()
            .check(super::qualifier())
            .arg("source_account")
            .force_new()
            .check(matches(r"^\d{12}$", "a 12-digit account id"))
            .arg("source_arn")
            .force_new()
            .check(arn())
            .arg("event_source_token")
            .force_new()
            .check(matches(
                r"^[0-9A-Za-z_-]{0,256}$",
                "up to 256 letters, digits, hyphens or underscores",
            ))
            .arg("function_url_auth_type")
            .force_new()
            .check(one_of(FunctionUrlAuthType::values()))
            .arg("principal_org_id")
            .force_new()
            .check(matches(r"^o-[0-9a-z]{10,32}$", "an organization id (o-...)"))
            .arg("statement_id")
            .force_new()
            .check(id_rule())
            .check(len_between(0, 100))
            .arg("statement_id_prefix")
            .force_new()
            .check(id_rule())
            .check(len_between(0, 74))
            .rule(Rule::Conflicts(&["statement_id", "statement_id_prefix"]))
            .build();
        Permission { c, schema }
    }

    /// The function's resource policy (of a version or alias when `qualifier` is set);
    /// `None` when the function or its policy does not exist.
    async fn policy(&self, function: &str, qualifier: Option<&str>) -> PResult<Option<Json>> {
        let r = self
            .c
            .lambda
            .get_policy()
            .function_name(function)
            .set_qualifier(qualifier.map(str::to_string))
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        let text = out.policy().unwrap_or("{}");
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| ProviderError::msg(format!("Lambda returned a policy that is not JSON: {e}")))
    }
}

/// Function, qualifier and statement id from the prior value, or from an import id
/// `FUNCTION[:QUALIFIER]/STATEMENT`.
fn locate(id: &str, prior: &Value) -> PResult<(String, Option<String>, String)> {
    if let Some(function) = opt_str(prior, "function_name") {
        return Ok((function, opt_str(prior, "qualifier"), id.to_string()));
    }
    let (function, statement) = id.split_once('/').ok_or_else(|| {
        ProviderError::msg(format!(
            "cannot tell the permission from id {id:?}: import takes FUNCTION_NAME/STATEMENT_ID or FUNCTION_NAME:QUALIFIER/STATEMENT_ID"
        ))
    })?;
    // A qualifier follows the name after a colon (an ARN's own colons come before it).
    let (function, qualifier) = if function.starts_with("arn:") {
        let parts: Vec<&str> = function.split(':').collect();
        if parts.len() == 8 {
            (parts[..7].join(":"), Some(parts[7].to_string()))
        } else {
            (function.to_string(), None)
        }
    } else {
        match function.split_once(':') {
            Some((f, q)) => (f.to_string(), Some(q.to_string())),
            None => (function.to_string(), None),
        }
    };
    Ok((function, qualifier, statement.to_string()))
}

/// A string or the only string of a list (policy documents write single values either way).
fn one_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Array(a) if a.len() == 1 => a[0].as_str().map(str::to_string),
        _ => None,
    }
}

/// The state of the statement `sid` of a policy document, `None` when it has none such.
fn to_state(doc: &Json, sid: &str, function: &str, qualifier: Option<&str>, prior: &Value) -> Option<Value> {
    let statements = doc.get("Statement")?.as_array()?;
    let st = statements
        .iter()
        .find(|s| s.get("Sid").and_then(Json::as_str) == Some(sid))?;
    let principal = match st.get("Principal") {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Object(m)) => m
            .get("Service")
            .or_else(|| m.get("AWS"))
            .or_else(|| m.get("Federated"))
            .and_then(one_text)
            .unwrap_or_default(),
        _ => String::new(),
    };
    // An account written as its id reads back as its root ARN: keep the id as configured.
    let principal = match prior.get("principal").as_str() {
        Some(configured) if principal.ends_with(&format!(":{configured}:root")) => configured.to_string(),
        _ => principal,
    };
    let condition = |op: &str, key: &str| {
        st.get("Condition")
            .and_then(|c| c.get(op))
            .and_then(|c| c.as_object())
            .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
            .and_then(one_text)
            .map(Value::str)
            .unwrap_or(Value::Null)
    };
    let text = |v: Option<String>| v.map(Value::str).unwrap_or(Value::Null);
    Some(Value::object([
        ("id", Value::str(sid)),
        ("statement_id", Value::str(sid)),
        (
            "statement_id_prefix",
            Value::str(name_prefix_from_name(sid, "").unwrap_or_default()),
        ),
        ("function_name", Value::str(function)),
        ("qualifier", text(qualifier.map(str::to_string))),
        ("principal", Value::str(principal)),
        ("action", text(st.get("Action").and_then(one_text))),
        ("source_arn", condition("ArnLike", "AWS:SourceArn")),
        ("source_account", condition("StringEquals", "AWS:SourceAccount")),
        (
            "event_source_token",
            condition("StringEquals", "lambda:EventSourceToken"),
        ),
        ("principal_org_id", condition("StringEquals", "aws:PrincipalOrgID")),
        (
            "function_url_auth_type",
            condition("StringEquals", "lambda:FunctionUrlAuthType"),
        ),
    ]))
}

#[async_trait]
impl ResourceType for Permission {
    fn type_name(&self) -> &'static str {
        "aws_lambda_permission"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let function = required(planned, "function_name")?;
        let sid = match opt_str(planned, "statement_id") {
            Some(s) => s,
            None => {
                let prefix = opt_str(planned, "statement_id_prefix").unwrap_or_else(|| "terraform-".into());
                let unique = uuid::Uuid::new_v4().simple().to_string();
                format!("{prefix}{}", &unique[..26])
            }
        };
        let qualifier = opt_str(planned, "qualifier");
        retry_function_op(|| async {
            self.c
                .lambda
                .add_permission()
                .function_name(&function)
                .statement_id(&sid)
                .set_action(opt_str(planned, "action"))
                .set_principal(opt_str(planned, "principal"))
                .set_qualifier(qualifier.clone())
                .set_source_arn(opt_str(planned, "source_arn"))
                .set_source_account(opt_str(planned, "source_account"))
                .set_event_source_token(opt_str(planned, "event_source_token"))
                .set_principal_org_id(opt_str(planned, "principal_org_id"))
                .set_function_url_auth_type(
                    opt_str(planned, "function_url_auth_type").map(|t| FunctionUrlAuthType::from(t.as_str())),
                )
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        must_exist(self.read(ctx, &sid, planned).await?, "Lambda permission", &sid)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (function, qualifier, sid) = locate(id, prior)?;
        let Some(doc) = self.policy(&function, qualifier.as_deref()).await? else {
            return Ok(None);
        };
        Ok(to_state(&doc, &sid, &function, qualifier.as_deref(), prior))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a new statement; only `timeouts`-like bookkeeping gets here.
        must_exist(self.read(ctx, id, planned).await?, "Lambda permission", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (function, qualifier, sid) = locate(id, prior)?;
        let r = self
            .c
            .lambda
            .remove_permission()
            .function_name(&function)
            .statement_id(&sid)
            .set_qualifier(qualifier)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_read_back_by_their_id() {
        let doc: Json = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "other", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"},
                {
                    "Sid": "AllowApi",
                    "Effect": "Allow",
                    "Principal": {"Service": "apigateway.amazonaws.com"},
                    "Action": "lambda:InvokeFunction",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*"}}
                },
                {
                    "Sid": "Acct",
                    "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    "Action": "lambda:GetFunction"
                }
            ]
        });
        let s = to_state(&doc, "AllowApi", "f", None, &Value::Null).unwrap();
        assert_eq!(s.get("principal"), &Value::str("apigateway.amazonaws.com"));
        assert_eq!(
            s.get("source_arn"),
            &Value::str("arn:aws:execute-api:us-east-1:123456789012:abc/*")
        );
        assert_eq!(s.get("source_account"), &Value::Null);
        assert_eq!(s.get("qualifier"), &Value::Null);
        let prior = Value::object([("principal", Value::str("210987654321"))]);
        let a = to_state(&doc, "Acct", "f", None, &prior).unwrap();
        assert_eq!(a.get("principal"), &Value::str("210987654321"));
        assert!(to_state(&doc, "missing", "f", None, &Value::Null).is_none());
    }

    #[test]
    fn import_ids_name_function_qualifier_and_statement() {
        assert_eq!(
            locate("f/s", &Value::Null).unwrap(),
            ("f".to_string(), None, "s".to_string())
        );
        assert_eq!(
            locate("f:live/s", &Value::Null).unwrap(),
            ("f".to_string(), Some("live".to_string()), "s".to_string())
        );
        assert_eq!(
            locate("arn:aws:lambda:us-east-1:123456789012:function:f:2/s", &Value::Null).unwrap(),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:f".to_string(),
                Some("2".to_string()),
                "s".to_string()
            )
        );
        assert!(locate("nothing", &Value::Null).is_err());
    }
}
