//! `aws_lambda_function_event_invoke_config`: how Lambda handles a function's asynchronous
//! invocations (how long an event may wait, how many retries, where successes and failures
//! are sent), as the provider's `resourceFunctionEventInvokeConfig`. Create and update are the
//! same PutFunctionEventInvokeConfig, retried while a new destination or the role's permission
//! to reach it propagates. The id is `FUNCTION` or `FUNCTION:QUALIFIER` (the function as
//! configured: a name or an ARN); `import` takes the same.

use super::NOT_FOUND;
use crate::provider::aws::common::{
    absent_on, aws_err, first, must_exist, ok_on, opt_str, required, retry_while_matching,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput;
use aws_sdk_lambda::types::{DestinationConfig, OnFailure, OnSuccess};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lambda_function_event_invoke_config` resource type.
pub struct EventInvokeConfig {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider retries a write while IAM changes propagate (`iamPropagationTimeout`).
const IAM_PROPAGATION: Duration = Duration::from_secs(2 * 60);

impl EventInvokeConfig {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> EventInvokeConfig {
        let schema = resource("aws_lambda_function_event_invoke_config")
            .arg("function_name")
            .force_new()
            .check(len_between(1, usize::MAX))
            .arg("qualifier")
            .force_new()
            .check(len_between(1, usize::MAX))
            .arg("maximum_event_age_in_seconds")
            .check(int_between(60, 21600))
            .arg("maximum_retry_attempts")
            .default(2)
            .check(int_between(0, 2))
            .arg("destination_config.on_failure.destination")
            .check(arn())
            .arg("destination_config.on_success.destination")
            .check(arn())
            .build();
        EventInvokeConfig { c, schema }
    }

    /// PutFunctionEventInvokeConfig with the planned settings (create and update alike).
    async fn put(&self, function: &str, qualifier: Option<&str>, planned: &Value) -> PResult<()> {
        let int = |k: &str| planned.get(k).as_number().map(|n| n as i32);
        let destination = |k: &str| {
            first(planned, "destination_config")
                .and_then(|d| first(d, k))
                .and_then(|d| opt_str(d, "destination"))
        };
        let config = first(planned, "destination_config").map(|_| {
            DestinationConfig::builder()
                .set_on_failure(destination("on_failure").map(|d| OnFailure::builder().destination(d).build()))
                .set_on_success(destination("on_success").map(|d| OnSuccess::builder().destination(d).build()))
                .build()
        });
        retry_while_matching(propagating, IAM_PROPAGATION, || async {
            self.c
                .lambda
                .put_function_event_invoke_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_string))
                .set_maximum_retry_attempts(int("maximum_retry_attempts").or(Some(2)))
                .set_maximum_event_age_in_seconds(int("maximum_event_age_in_seconds"))
                .set_destination_config(config.clone())
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        Ok(())
    }
}

/// True for the errors a write meets while a new destination, or the role's right to reach it,
/// is not yet visible to Lambda (the provider retries these two).
fn propagating(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("InvalidParameterValueException")
        && (e.message.contains("destination ARN") || e.message.contains("does not have permissions"))
}

/// The id of a config: the function as configured, then `:QUALIFIER` when there is one.
fn id_of(function: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("{function}:{q}"),
        None => function.to_string(),
    }
}

/// Function and qualifier from an id, as the provider's `functionEventInvokeConfigParseResourceID`:
/// `NAME`, `NAME:QUALIFIER`, a function ARN, or a function ARN with a qualifier.
fn parse_id(id: &str) -> PResult<(String, Option<String>)> {
    let bad = || {
        ProviderError::msg(format!(
            "unexpected format of ID ({id}), expected FUNCTION_NAME, FUNCTION_NAME:QUALIFIER or a function ARN (with a qualifier)"
        ))
    };
    if let Some(rest) = id.strip_prefix("arn:") {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = rest.split(':').collect();
        return match parts.len() {
            6 => Ok((id.to_string(), None)),
            7 if !parts[6].is_empty() && !parts[5].is_empty() => {
                let qualifier = parts[6];
                Ok((
                    id[..id.len() - qualifier.len() - 1].to_string(),
                    Some(qualifier.to_string()),
                ))
            }
            _ => Err(bad()),
        };
    }
    match id.split(':').collect::<Vec<_>>()[..] {
        [name] if !name.is_empty() => Ok((name.to_string(), None)),
        [name, q] if !name.is_empty() && !q.is_empty() => Ok((name.to_string(), Some(q.to_string()))),
        _ => Err(bad()),
    }
}

/// A destination block as state holds it: a list of one `{ destination }`, or empty when
/// Lambda reports none (it answers `{"Destination": null}` for an unset one).
fn destination_block(d: Option<&str>) -> Value {
    Value::List(
        d.map(|d| Value::object([("destination", Value::str(d))]))
            .into_iter()
            .collect(),
    )
}

/// The config's state from GetFunctionEventInvokeConfig.
fn to_state(id: &str, function: &str, qualifier: Option<&str>, out: &GetFunctionEventInvokeConfigOutput) -> Value {
    let config = out.destination_config();
    let failure = config.and_then(|c| c.on_failure()).and_then(|f| f.destination());
    let success = config.and_then(|c| c.on_success()).and_then(|s| s.destination());
    let destinations = if failure.is_none() && success.is_none() {
        Value::List(Vec::new())
    } else {
        Value::List(vec![Value::object([
            ("on_failure", destination_block(failure)),
            ("on_success", destination_block(success)),
        ])])
    };
    let int = |n: Option<i32>| n.map(|n| Value::from(n as i64)).unwrap_or(Value::Null);
    Value::object([
        ("id", Value::str(id)),
        ("function_name", Value::str(function)),
        ("qualifier", qualifier.map(Value::str).unwrap_or(Value::Null)),
        ("maximum_event_age_in_seconds", int(out.maximum_event_age_in_seconds())),
        ("maximum_retry_attempts", int(out.maximum_retry_attempts())),
        ("destination_config", destinations),
    ])
}

#[async_trait]
impl ResourceType for EventInvokeConfig {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function_event_invoke_config"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let function = required(planned, "function_name")?;
        let qualifier = opt_str(planned, "qualifier");
        self.put(&function, qualifier.as_deref(), planned).await?;
        let id = id_of(&function, qualifier.as_deref());
        must_exist(
            self.read(ctx, &id, planned).await?,
            "Lambda function event invoke config",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (function, qualifier) = parse_id(id)?;
        let r = self
            .c
            .lambda
            .get_function_event_invoke_config()
            .function_name(&function)
            .set_qualifier(qualifier.clone())
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.map(|out| to_state(id, &function, qualifier.as_deref(), &out)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (function, qualifier) = parse_id(id)?;
        self.put(&function, qualifier.as_deref(), planned).await?;
        must_exist(
            self.read(ctx, id, planned).await?,
            "Lambda function event invoke config",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (function, qualifier) = parse_id(id)?;
        let r = self
            .c
            .lambda
            .delete_function_event_invoke_config()
            .function_name(&function)
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
    fn ids_name_the_function_as_configured_and_its_qualifier() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(parse_id("f").unwrap(), ("f".into(), None));
        assert_eq!(parse_id("f:live").unwrap(), ("f".into(), Some("live".into())));
        assert_eq!(parse_id(arn).unwrap(), (arn.into(), None));
        assert_eq!(
            parse_id(&format!("{arn}:$LATEST")).unwrap(),
            (arn.into(), Some("$LATEST".into()))
        );
        assert!(parse_id("f:").is_err());
        assert!(parse_id("a:b:c").is_err());
        assert!(parse_id("arn:aws:lambda:us-east-1:123456789012:function:f:1:2").is_err());
        assert_eq!(id_of("f", Some("2")), "f:2");
        assert_eq!(id_of(arn, None), arn);
    }

    #[test]
    fn unset_destinations_read_as_no_block() {
        let empty = GetFunctionEventInvokeConfigOutput::builder()
            .maximum_retry_attempts(1)
            .destination_config(
                DestinationConfig::builder()
                    .on_failure(OnFailure::builder().build())
                    .on_success(OnSuccess::builder().build())
                    .build(),
            )
            .build();
        let s = to_state("f", "f", None, &empty);
        assert_eq!(s.get("destination_config"), &Value::List(Vec::new()));
        assert_eq!(s.get("maximum_retry_attempts"), &Value::from(1i64));
        let one = GetFunctionEventInvokeConfigOutput::builder()
            .destination_config(
                DestinationConfig::builder()
                    .on_failure(
                        OnFailure::builder()
                            .destination("arn:aws:sqs:us-east-1:123456789012:q")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let s = to_state("f", "f", None, &one);
        let block = first(&s, "destination_config").unwrap();
        assert_eq!(block.get("on_success"), &Value::List(Vec::new()));
        assert_eq!(
            first(block, "on_failure").unwrap().get("destination"),
            &Value::str("arn:aws:sqs:us-east-1:123456789012:q")
        );
    }
}
