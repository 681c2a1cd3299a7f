//! `aws_appautoscaling_scheduled_action`: sets a scalable target's minimum and maximum at a time
//! or on a schedule. As the AWS provider does: one PutScheduledAction creates and changes it,
//! retried while the target registered just before is not visible yet; the id is
//! `NAME-NAMESPACE-RESOURCE_ID`; the name and the target force a replacement; `timezone` is
//! `UTC` when unset; the capacities are "nullable int" strings; start and end times are RFC 3339
//! and compared as instants (AWS answers them in UTC). AWS deletes the start and end times a
//! put does not send, so a change sends every configured setting (the provider sends only the
//! changed ones, which drops unchanged times on AWS while its state keeps them). Import (not in
//! the provider) takes `NAMESPACE/RESOURCE-ID/DIMENSION/NAME`, as `aws_appautoscaling_policy`'s.

use super::{is_settling, on_target, target_and_name, TargetKey};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required, retry_while_matching};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::builtin::time::{format_rfc3339, parse_rfc3339};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, int_at_least, matches, rfc3339, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_applicationautoscaling::primitives::DateTime;
use aws_sdk_applicationautoscaling::types::{ScalableTargetAction, ScheduledAction as Action};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_appautoscaling_scheduled_action` resource type.
pub struct ScheduledAction {
    c: Arc<Clients>,
    schema: Schema,
}

/// A time in the form AWS answers it (UTC, whole seconds), so that `10:00:00+02:00` and
/// `08:00:00Z` compare equal, as the provider's `suppressEquivalentTime` makes them.
fn utc(text: &str) -> String {
    parse_rfc3339(text)
        .map(format_rfc3339)
        .unwrap_or_else(|_| text.to_string())
}

impl ScheduledAction {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ScheduledAction {
        let nullable_count = || any_of(vec![int_at_least(0), matches(r"^$", "an empty string (no value)")]);
        let schema = resource("aws_appautoscaling_scheduled_action")
            .arg("name")
            .force_new()
            .arg("service_namespace")
            .force_new()
            .arg("resource_id")
            .force_new()
            .arg("scalable_dimension")
            .force_new()
            .arg("start_time")
            .check(rfc3339())
            .normalized(utc)
            .arg("end_time")
            .check(rfc3339())
            .normalized(utc)
            .arg("timezone")
            .default("UTC")
            .arg("scalable_target_action.max_capacity")
            .check(nullable_count())
            .arg("scalable_target_action.min_capacity")
            .check(nullable_count())
            .rule_in(
                "scalable_target_action",
                Rule::AtLeastOne(&["max_capacity", "min_capacity"]),
            )
            .args(&["schedule", "scalable_target_action"])
            .build();
        ScheduledAction { c, schema }
    }

    async fn describe(&self, key: &TargetKey, name: &str) -> PResult<Option<Action>> {
        let out = on_target!(self.c.appautoscaling.describe_scheduled_actions(), key)
            .scheduled_action_names(name)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .scheduled_actions()
            .iter()
            .find(|a| a.scheduled_action_name() == name && a.resource_id() == key.resource_id)
            .cloned())
    }

    async fn put(&self, key: &TargetKey, planned: &Value) -> PResult<()> {
        let req = on_target!(self.c.appautoscaling.put_scheduled_action(), key)
            .scheduled_action_name(required(planned, "name")?)
            .set_schedule(opt_str(planned, "schedule"))
            .set_timezone(opt_str(planned, "timezone"))
            .set_start_time(time(planned, "start_time")?)
            .set_end_time(time(planned, "end_time")?)
            .set_scalable_target_action(target_action(planned)?);
        retry_while_matching(
            |e| is_settling(e) || e.code.as_deref() == Some("ObjectNotFoundException"),
            Duration::from_secs(300),
            || async { req.clone().send().await.map_err(aws_err) },
        )
        .await
        .map(|_| ())
    }
}

/// A configured time as the SDK takes it; empty is unset.
fn time(planned: &Value, k: &str) -> PResult<Option<DateTime>> {
    let Some(text) = opt_str(planned, k).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    parse_rfc3339(&text)
        .map(|secs| Some(DateTime::from_secs(secs)))
        .map_err(|e| ProviderError::msg(format!("{k}: {e}")))
}

/// The `scalable_target_action` block: an empty capacity is no value.
fn target_action(planned: &Value) -> PResult<Option<ScalableTargetAction>> {
    let Some(block) = planned.get("scalable_target_action").as_list().and_then(|l| l.first()) else {
        return Ok(None);
    };
    let capacity = |k: &str| -> PResult<Option<i32>> {
        match opt_str(block, k).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse().map(Some).map_err(|_| {
                ProviderError::msg(format!("scalable_target_action.{k} must be a whole number, got {s:?}"))
            }),
        }
    };
    Ok(Some(
        ScalableTargetAction::builder()
            .set_max_capacity(capacity("max_capacity")?)
            .set_min_capacity(capacity("min_capacity")?)
            .build(),
    ))
}

/// The action as state holds it; a time AWS does not answer keeps the prior one, as the
/// provider keeps it.
fn to_state(a: &Action, key: &TargetKey, prior: &Value) -> Value {
    let at = |t: Option<&DateTime>, k: &str| match t {
        Some(t) => Value::str(format_rfc3339(t.secs())),
        None => prior.get(k).clone(),
    };
    let capacity = |n: Option<i32>| Value::str(n.map(|n| n.to_string()).unwrap_or_default());
    let action = a.scalable_target_action().map(|t| {
        Value::object([
            ("max_capacity", capacity(t.max_capacity())),
            ("min_capacity", capacity(t.min_capacity())),
        ])
    });
    Value::object([
        (
            "id",
            Value::str(format!(
                "{}-{}-{}",
                a.scheduled_action_name(),
                key.namespace,
                key.resource_id
            )),
        ),
        ("name", Value::str(a.scheduled_action_name())),
        ("arn", Value::str(a.scheduled_action_arn())),
        ("service_namespace", Value::str(&key.namespace)),
        ("resource_id", Value::str(&key.resource_id)),
        ("scalable_dimension", Value::str(&key.dimension)),
        ("schedule", Value::str(a.schedule())),
        ("timezone", Value::from(a.timezone())),
        ("start_time", at(a.start_time(), "start_time")),
        ("end_time", at(a.end_time(), "end_time")),
        ("scalable_target_action", Value::List(action.into_iter().collect())),
    ])
}

/// Target key and name from a prior value or an import id.
fn locate(id: &str, prior: &Value) -> PResult<(TargetKey, String)> {
    target_and_name(id, prior, ("scheduled action", "NAME"))
}

#[async_trait]
impl ResourceType for ScheduledAction {
    fn type_name(&self) -> &'static str {
        "aws_appautoscaling_scheduled_action"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (key, name) = locate("", planned)?;
        self.put(&key, planned).await?;
        let read = self.describe(&key, &name).await?.map(|a| to_state(&a, &key, planned));
        must_exist(read, "Application Auto Scaling Scheduled Action", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (key, name) = locate(id, prior)?;
        Ok(self.describe(&key, &name).await?.map(|a| to_state(&a, &key, prior)))
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (key, name) = locate(id, planned)?;
        self.put(&key, planned).await?;
        let read = self.describe(&key, &name).await?.map(|a| to_state(&a, &key, planned));
        must_exist(read, "Application Auto Scaling Scheduled Action", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (key, name) = locate(id, prior)?;
        let r = on_target!(self.c.appautoscaling.delete_scheduled_action(), key)
            .scheduled_action_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ObjectNotFoundException"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_compare_as_instants() {
        assert_eq!(utc("2031-01-01T10:00:00+02:00"), "2031-01-01T08:00:00Z");
        assert_eq!(utc("2031-01-01T08:00:00Z"), "2031-01-01T08:00:00Z");
        assert_eq!(utc("tomorrow"), "tomorrow");
    }
}
