//! `aws_cloudwatch_composite_alarm`: an alarm whose state is a rule over other alarms
//! (`ALARM("a") OR ALARM("b")`), with its actions and an optional actions suppressor (another
//! alarm whose ALARM state holds the actions back, with a wait and an extension period).
//! PutCompositeAlarm creates or replaces the alarm by name, so every change is in place but the
//! name and, as the AWS provider 5.100 declares it, `actions_enabled`. The id is the name.

use super::alarms::{
    adoptable, cw_tags, delete_alarm, describe_named, read_alarms, refuse_taken_name, settings_changed,
    sync_alarm_tags, NAMES_PER_CALL,
};
use crate::provider::aws::common::{
    aws_err, configured_tags, must_exist, opt_bool, opt_str, required, str_list, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, items_at_most, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{CompositeAlarm as Alarm, Tag};
use std::sync::Arc;

/// The `aws_cloudwatch_composite_alarm` resource type.
pub struct CompositeAlarm {
    c: Arc<Clients>,
    schema: Schema,
}

/// The three action sets, each of at most five ARNs (the provider's `MaxItems: 5`).
const ACTION_SETS: [&str; 3] = ["alarm_actions", "ok_actions", "insufficient_data_actions"];

impl CompositeAlarm {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CompositeAlarm {
        let mut decl = resource("aws_cloudwatch_composite_alarm")
            .arg("alarm_name")
            .force_new()
            .check(len_between(0, 255))
            .arg("actions_enabled")
            .default(true)
            .force_new()
            .arg("alarm_rule")
            .check(len_between(1, 10240))
            .arg("alarm_description")
            .check(len_between(0, 1024))
            .args(&["actions_suppressor", "tags"]);
        for set in ACTION_SETS {
            decl = decl.arg(set).check(arn()).check(items_at_most(5));
        }
        CompositeAlarm {
            c,
            schema: decl.build(),
        }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Alarm>> {
        Ok(describe_named::<Alarm>(&self.c.cloudwatch, &[name]).await?.remove(name))
    }

    /// PutCompositeAlarm with every setting of `planned` (it replaces the whole alarm); `tags`
    /// only on create, as AWS ignores them on an alarm that exists.
    async fn put(&self, planned: &Value, tags: Option<Vec<Tag>>) -> PResult<String> {
        let name = required(planned, "alarm_name")?;
        let set = |k: &str| Some(str_list(planned, k)).filter(|l| !l.is_empty());
        let suppressor = planned.get("actions_suppressor").as_list().and_then(|l| l.first());
        let period = |k: &str| suppressor.and_then(|s| s.get(k).as_number()).map(|n| n as i32);
        self.c
            .cloudwatch
            .put_composite_alarm()
            .alarm_name(&name)
            .set_alarm_rule(planned.get("alarm_rule").to_plain_string())
            .set_alarm_description(opt_str(planned, "alarm_description"))
            .actions_enabled(opt_bool(planned, "actions_enabled").unwrap_or(true))
            .set_alarm_actions(set("alarm_actions"))
            .set_ok_actions(set("ok_actions"))
            .set_insufficient_data_actions(set("insufficient_data_actions"))
            .set_actions_suppressor(suppressor.and_then(|s| opt_str(s, "alarm")))
            .set_actions_suppressor_wait_period(period("wait_period"))
            .set_actions_suppressor_extension_period(period("extension_period"))
            .set_tags(tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(name)
    }
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(Value::str).collect())
}

fn num(n: Option<i32>) -> Value {
    n.map(|n| Value::from(n as i64)).unwrap_or(Value::Null)
}

fn to_state(a: &Alarm, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let name = a.alarm_name().unwrap_or_default();
    // The provider writes the block only when the alarm has a suppressor.
    let suppressor = a.actions_suppressor().map(|alarm| {
        Value::object([
            ("alarm", Value::str(alarm)),
            ("extension_period", num(a.actions_suppressor_extension_period())),
            ("wait_period", num(a.actions_suppressor_wait_period())),
        ])
    });
    Value::object([
        ("id", Value::str(name)),
        ("alarm_name", Value::str(name)),
        ("alarm_rule", Value::from(a.alarm_rule())),
        ("alarm_description", Value::from(a.alarm_description())),
        ("actions_enabled", Value::Bool(a.actions_enabled().unwrap_or(true))),
        ("alarm_actions", strings(a.alarm_actions())),
        ("ok_actions", strings(a.ok_actions())),
        ("insufficient_data_actions", strings(a.insufficient_data_actions())),
        ("actions_suppressor", Value::List(suppressor.into_iter().collect())),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
        ("arn", Value::from(a.alarm_arn())),
    ])
}

#[async_trait]
impl ResourceType for CompositeAlarm {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_composite_alarm"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        // PutCompositeAlarm replaces an alarm of the same name without a word; one this stack
        // did not make (adoption already looked for ours) is refused instead.
        if let Some(name) = opt_str(planned, "alarm_name") {
            refuse_taken_name(&self.c.cloudwatch, &name).await?;
        }
        let name = self.put(planned, Some(cw_tags(tags_to_write(ctx, planned)))).await?;
        must_exist(self.read(ctx, &name, planned).await?, "composite alarm", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let items = [(id.to_string(), prior.clone())];
        Ok(read_alarms(&self.c.cloudwatch, &items, to_state).await?.pop().flatten())
    }

    fn bulk_read_limit(&self) -> usize {
        NAMES_PER_CALL
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_alarms(&self.c.cloudwatch, items, to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if settings_changed(&self.schema, prior, planned) {
            self.put(planned, None).await?;
        }
        sync_alarm_tags(&self.c.cloudwatch, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "composite alarm", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        delete_alarm(&self.c.cloudwatch, id).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "alarm_name") else {
            return Ok(None);
        };
        let Some(a) = self.describe(&name).await? else {
            return Ok(None);
        };
        adoptable(&self.c.cloudwatch, ctx, name, a.alarm_arn()).await
    }
}
