//! `aws_secretsmanager_secret_rotation`: a secret's automatic rotation (its schedule and, for
//! secrets no service manages, the Lambda function that rotates it), managed apart from the
//! secret. Its id, and the import id, is the secret as `secret_id` names it (the ARN, as the
//! modules pass it). As the provider does: create and update call RotateSecret, retried while
//! IAM propagates the function's permissions; a read finds it gone when rotation was turned off
//! elsewhere only through `rotation_rules` (empty then, so the plan puts it back); destroy
//! calls CancelRotateSecret. `rotate_immediately` is how to apply, never read back: a change to
//! it alone records it without rotating again.

use crate::provider::aws::attached::{DocNames, Document};
use crate::provider::aws::common::{aws_err, differs, first, opt_bool, retry_while_matching};
use crate::provider::aws::secretsmanager::secret_gone;
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, int_between, matches, Rule};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_secretsmanager::types::RotationRulesType;
use indexmap::IndexMap;
use std::time::Duration;

/// How long RotateSecret is retried while IAM propagates (the provider's `PropagationTimeout`).
const PROPAGATION: Duration = Duration::from_secs(120);

/// The `aws_secretsmanager_secret_rotation` document.
pub struct SecretRotation;

/// True for the refusals IAM propagation explains (Secrets Manager cannot invoke the function
/// or assume its role yet) or a previous rotation still running; the provider retries both
/// codes. Refusals that waiting cannot change are not retried.
fn transient(e: &ProviderError) -> bool {
    match e.code.as_deref() {
        Some("AccessDeniedException") => true,
        Some("InvalidRequestException") => {
            !(e.message.contains("No Lambda rotation function") || super::secret_gone(e))
        }
        _ => false,
    }
}

/// The rules block as RotateSecret takes it: a schedule expression wins over a day count.
fn rules(planned: &Value) -> Option<RotationRulesType> {
    let block = first(planned, "rotation_rules")?;
    let text = |k: &str| block.get(k).as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let days = block
        .get("automatically_after_days")
        .as_number()
        .map(|n| n as i64)
        .filter(|d| *d != 0);
    let expression = text("schedule_expression");
    Some(
        RotationRulesType::builder()
            .set_automatically_after_days(if expression.is_some() { None } else { days })
            .set_schedule_expression(expression)
            .set_duration(text("duration"))
            .build(),
    )
}

/// The rules as state records them: with a schedule expression, the day count AWS derives
/// from it is left out (the provider does, or the block could never match the blueprint).
fn rules_value(r: &RotationRulesType) -> Value {
    let expression = r.schedule_expression().filter(|s| !s.is_empty());
    let days = match expression {
        Some(_) => None,
        None => r.automatically_after_days().filter(|d| *d != 0),
    };
    Value::List(vec![Value::object([
        ("automatically_after_days", Value::from(days)),
        ("duration", Value::from(r.duration())),
        ("schedule_expression", Value::from(expression)),
    ])])
}

#[async_trait]
impl Document for SecretRotation {
    const NAMES: DocNames = DocNames {
        type_name: "aws_secretsmanager_secret_rotation",
        what: "rotation of Secrets Manager secret",
        key: "secret_id",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.arg("rotation_lambda_arn")
            .check(arn())
            .arg("rotate_immediately")
            .default(true)
            .arg("rotation_rules")
            .arg("rotation_rules.automatically_after_days")
            .check(int_between(1, 1000))
            .arg("rotation_rules.duration")
            .check(matches(r"[0-9h]+", "a duration in hours such as 3h"))
            .arg("rotation_rules.schedule_expression")
            .check(matches(
                r"[0-9A-Za-z\(\)#\?\*\-/, ]+",
                "a rate() or cron() schedule expression",
            ))
            .rule_in(
                "rotation_rules",
                Rule::ExactlyOne(&["automatically_after_days", "schedule_expression"]),
            )
    }

    async fn put(&self, c: &Clients, secret: &str, planned: &Value) -> PResult<()> {
        retry_while_matching(transient, PROPAGATION, || async {
            c.secrets
                .rotate_secret()
                .secret_id(secret)
                .client_request_token(uuid::Uuid::new_v4().to_string())
                .set_rotate_immediately(opt_bool(planned, "rotate_immediately"))
                .set_rotation_lambda_arn(planned.get("rotation_lambda_arn").as_str().map(str::to_string))
                .set_rotation_rules(rules(planned))
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        Ok(())
    }

    async fn get(&self, c: &Clients, secret: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let out = match c
            .secrets
            .describe_secret()
            .secret_id(secret)
            .send()
            .await
            .map_err(aws_err)
        {
            Ok(out) if out.deleted_date().is_none() => out,
            Ok(_) => return Ok(None),
            Err(e) if secret_gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let enabled = out.rotation_enabled().unwrap_or(false);
        let (function, rules) = match (enabled, out.rotation_rules()) {
            (true, Some(r)) => (
                Value::from(out.rotation_lambda_arn().filter(|s| !s.is_empty())),
                rules_value(r),
            ),
            _ => (Value::Null, Value::List(vec![])),
        };
        Ok(Some(IndexMap::from([
            ("rotation_enabled".to_string(), Value::Bool(enabled)),
            ("rotation_lambda_arn".to_string(), function),
            ("rotation_rules".to_string(), rules),
            (
                "rotate_immediately".to_string(),
                prior.get("rotate_immediately").clone(),
            ),
        ])))
    }

    async fn remove(&self, c: &Clients, secret: &str, _prior: &Value) -> PResult<()> {
        match c
            .secrets
            .cancel_rotate_secret()
            .secret_id(secret)
            .send()
            .await
            .map_err(aws_err)
        {
            Err(e) if !secret_gone(&e) => Err(e),
            _ => Ok(()),
        }
    }

    fn put_needed(&self, prior: &Value, planned: &Value) -> bool {
        ["rotation_lambda_arn", "rotation_rules"]
            .iter()
            .any(|k| differs(prior, planned, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_expression_hides_the_derived_day_count() {
        let r = RotationRulesType::builder()
            .automatically_after_days(10)
            .schedule_expression("rate(10 days)")
            .duration("3h")
            .build();
        let v = rules_value(&r);
        let block = &v.as_list().unwrap()[0];
        assert_eq!(block.get("automatically_after_days"), &Value::Null);
        assert_eq!(block.get("schedule_expression").as_str(), Some("rate(10 days)"));
        let r = RotationRulesType::builder().automatically_after_days(7).build();
        assert_eq!(
            rules_value(&r).as_list().unwrap()[0].get("automatically_after_days"),
            &Value::from(7i64)
        );
    }

    #[test]
    fn only_propagation_refusals_are_retried() {
        let err = |code: &str, message: &str| ProviderError {
            code: Some(code.into()),
            message: message.into(),
        };
        assert!(transient(&err(
            "AccessDeniedException",
            "Secrets Manager cannot invoke the specified Lambda function"
        )));
        assert!(transient(&err(
            "InvalidRequestException",
            "Secrets Manager is unable to assume the role"
        )));
        assert!(!transient(&err(
            "InvalidRequestException",
            "No Lambda rotation function ARN is associated with this secret."
        )));
        assert!(!transient(&err(
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret."
        )));
    }
}
