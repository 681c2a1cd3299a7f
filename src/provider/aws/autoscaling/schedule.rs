//! `aws_autoscaling_schedule`: a scheduled action that sets a group's sizes at a time or on a
//! recurrence. As the AWS provider does: one PutScheduledUpdateGroupAction creates and changes
//! it; a size left unset is sent as 0 on the create (the provider's documented default) and -1
//! means "leave this size alone" (not sent, read back as -1); times are UTC in
//! `2006-01-02T15:04:05Z` form. The id is the action's name; import takes `GROUP/ACTION`.

use super::{absent_as_none, group_and_name};
use crate::provider::aws::common::{aws_err, must_exist, opt_i32, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::matches;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_autoscaling::primitives::{DateTime, DateTimeFormat};
use aws_sdk_autoscaling::types::ScheduledUpdateGroupAction;
use std::sync::Arc;

/// The `aws_autoscaling_schedule` resource type.
pub struct Schedule {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's time layout, as a pattern (Go's `time.Parse` with `2006-01-02T15:04:05Z`).
const TIME: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$";

impl Schedule {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Schedule {
        let when = "a UTC time such as 2026-12-31T23:59:00Z";
        let schema = resource("aws_autoscaling_schedule")
            .arg("autoscaling_group_name")
            .force_new()
            .arg("scheduled_action_name")
            .force_new()
            .arg("start_time")
            .check(matches(TIME, when))
            .arg("end_time")
            .check(matches(TIME, when))
            .args(&["desired_capacity", "max_size", "min_size", "recurrence", "time_zone"])
            .build();
        Schedule { c, schema }
    }

    async fn describe(&self, group: &str, name: &str) -> PResult<Option<ScheduledUpdateGroupAction>> {
        let out = self
            .c
            .autoscaling
            .describe_scheduled_actions()
            .auto_scaling_group_name(group)
            .scheduled_action_names(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_as_none(out)?.and_then(|o| {
            o.scheduled_update_group_actions()
                .iter()
                .find(|a| a.scheduled_action_name() == Some(name))
                .cloned()
        }))
    }

    async fn put(&self, planned: &Value) -> PResult<String> {
        let name = required(planned, "scheduled_action_name")?;
        // Unset sizes are unknown at a create (the provider reads them as 0) and hold the
        // prior value on a change; -1 leaves that size out of the action.
        let size = |k: &str| Some(opt_i32(planned, k).unwrap_or(0)).filter(|n| *n != -1);
        self.c
            .autoscaling
            .put_scheduled_update_group_action()
            .auto_scaling_group_name(required(planned, "autoscaling_group_name")?)
            .scheduled_action_name(&name)
            .set_start_time(time(planned, "start_time")?)
            .set_end_time(time(planned, "end_time")?)
            .set_recurrence(opt_str(planned, "recurrence").filter(|r| !r.is_empty()))
            .set_time_zone(opt_str(planned, "time_zone").filter(|z| !z.is_empty()))
            .set_min_size(size("min_size"))
            .set_max_size(size("max_size"))
            .set_desired_capacity(size("desired_capacity"))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(name)
    }

    async fn read_action(&self, group: &str, name: &str) -> PResult<Option<Value>> {
        let Some(a) = self.describe(group, name).await? else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
        let size = |n: Option<i32>| Value::from(n.unwrap_or(-1));
        let at = |t: Option<&DateTime>| {
            Value::str(
                t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
                    .map(seconds)
                    .unwrap_or_default(),
            )
        };
        Ok(Some(Value::object([
            ("id", Value::str(name)),
            ("arn", Value::from(a.scheduled_action_arn())),
            ("autoscaling_group_name", s(a.auto_scaling_group_name())),
            ("scheduled_action_name", Value::str(name)),
            ("desired_capacity", size(a.desired_capacity())),
            ("min_size", size(a.min_size())),
            ("max_size", size(a.max_size())),
            ("start_time", at(a.start_time())),
            ("end_time", at(a.end_time())),
            ("recurrence", s(a.recurrence())),
            ("time_zone", s(a.time_zone())),
        ])))
    }
}

/// A time in the provider's layout, whole seconds, as the SDK writes `2026-12-31T23:59:00Z`
/// (it adds fractions when there are any).
fn seconds(t: String) -> String {
    match t.split_once('.') {
        Some((whole, _)) => format!("{whole}Z"),
        None => t,
    }
}

/// A configured time, sent as AWS takes it; empty means unset.
fn time(planned: &Value, k: &str) -> PResult<Option<DateTime>> {
    let Some(text) = opt_str(planned, k).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    DateTime::from_str(&text, DateTimeFormat::DateTime)
        .map(Some)
        .map_err(|e| {
            ProviderError::msg(format!(
                "{k}: {text:?} cannot be parsed as iso8601 Timestamp Format: {e}"
            ))
        })
}

#[async_trait]
impl ResourceType for Schedule {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_schedule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = self.put(planned).await?;
        let group = required(planned, "autoscaling_group_name")?;
        must_exist(
            self.read_action(&group, &name).await?,
            "Auto Scaling Scheduled Action",
            &name,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = group_and_name(id, prior)?;
        self.read_action(&group, &name).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        let group = required(planned, "autoscaling_group_name")?;
        must_exist(self.read_action(&group, id).await?, "Auto Scaling Scheduled Action", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let deleted = self
            .c
            .autoscaling
            .delete_scheduled_action()
            .auto_scaling_group_name(required(prior, "autoscaling_group_name")?)
            .scheduled_action_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_as_none(deleted).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_the_provider_layout() {
        assert_eq!(seconds("2026-12-31T23:59:00Z".into()), "2026-12-31T23:59:00Z");
        assert_eq!(seconds("2026-12-31T23:59:00.5Z".into()), "2026-12-31T23:59:00Z");
        let v = Value::object([("start_time", Value::str("2026-12-31T23:59:00Z"))]);
        assert_eq!(time(&v, "start_time").unwrap().map(|t| t.secs()), Some(1798761540));
        assert!(time(&Value::object([("start_time", Value::str("tomorrow"))]), "start_time").is_err());
    }
}
