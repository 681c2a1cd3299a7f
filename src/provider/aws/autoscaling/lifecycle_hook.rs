//! `aws_autoscaling_lifecycle_hook`: a hook that holds a group's instances in a wait state as
//! they launch or terminate, until the hook is answered or times out. As the AWS provider does:
//! one PutLifecycleHook creates and changes it (a put is an upsert, so a create a killed run
//! left unfinished is simply put again); the id is the hook's name; import takes `GROUP/NAME`;
//! only the name forces a replacement. `default_result` is Optional+Computed (AWS answers
//! `ABANDON` when unset); `heartbeat_timeout` is read back as AWS holds it (3600 when unset), so,
//! as with the provider, a blueprint that leaves it unset plans it back to null after each apply.
//!
//! One deliberate difference: a new `autoscaling_group_name` (an in-place change in the
//! provider's schema) puts the hook on the new group and then deletes it from the old one; the
//! provider leaves the old group's hook behind, out of state.

use super::{absent_as_none, group_and_name, initial_hooks};
use crate::provider::aws::common::{aws_err, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, int_between, len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_autoscaling_lifecycle_hook` resource type.
pub struct LifecycleHook {
    c: Arc<Clients>,
    schema: Schema,
}

/// What DeleteLifecycleHook's ValidationError says of a hook that is not there.
const NO_HOOK: &str = "No Lifecycle Hook found";

impl LifecycleHook {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LifecycleHook {
        let (pattern, pattern_words) = initial_hooks::NAME_PATTERN;
        let schema = resource("aws_autoscaling_lifecycle_hook")
            .arg("name")
            .force_new()
            .check(len_between(1, 255))
            .check(matches(pattern, pattern_words))
            .arg("default_result")
            .check(one_of(initial_hooks::RESULTS))
            .arg("heartbeat_timeout")
            .check(int_between(30, 7200))
            .arg("lifecycle_transition")
            .check(one_of(initial_hooks::TRANSITIONS))
            .arg("notification_target_arn")
            .check(arn())
            .arg("role_arn")
            .check(arn())
            .args(&["autoscaling_group_name", "notification_metadata"])
            .build();
        LifecycleHook { c, schema }
    }

    async fn read_hook(&self, group: &str, name: &str) -> PResult<Option<Value>> {
        let out = self
            .c
            .autoscaling
            .describe_lifecycle_hooks()
            .auto_scaling_group_name(group)
            .lifecycle_hook_names(name)
            .send()
            .await
            .map_err(aws_err);
        let Some(hook) = absent_as_none(out)?.and_then(|o| {
            o.lifecycle_hooks()
                .iter()
                .find(|h| h.lifecycle_hook_name() == Some(name))
                .cloned()
        }) else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
        Ok(Some(Value::object([
            ("id", Value::str(name)),
            ("name", Value::str(name)),
            ("autoscaling_group_name", Value::str(group)),
            ("default_result", s(hook.default_result())),
            ("heartbeat_timeout", Value::from(hook.heartbeat_timeout())),
            ("lifecycle_transition", s(hook.lifecycle_transition())),
            ("notification_metadata", s(hook.notification_metadata())),
            ("notification_target_arn", s(hook.notification_target_arn())),
            ("role_arn", s(hook.role_arn())),
        ])))
    }

    /// Puts the hook on its group and reads it back.
    async fn put(&self, planned: &Value) -> PResult<Value> {
        let group = required(planned, "autoscaling_group_name")?;
        let name = required(planned, "name")?;
        initial_hooks::put(&self.c.autoscaling, &group, planned).await?;
        must_exist(
            self.read_hook(&group, &name).await?,
            "Auto Scaling Lifecycle Hook",
            &name,
        )
    }

    async fn delete_from(&self, group: &str, name: &str) -> PResult<()> {
        let deleted = self
            .c
            .autoscaling
            .delete_lifecycle_hook()
            .auto_scaling_group_name(group)
            .lifecycle_hook_name(name)
            .send()
            .await
            .map_err(aws_err);
        match absent_as_none(deleted) {
            Err(e) if e.message.contains(NO_HOOK) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

#[async_trait]
impl ResourceType for LifecycleHook {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_lifecycle_hook"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.put(planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (group, name) = group_and_name(id, prior)?;
        self.read_hook(&group, &name).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let state = self.put(planned).await?;
        let (old_group, _) = group_and_name(id, prior)?;
        if old_group != required(planned, "autoscaling_group_name")? {
            self.delete_from(&old_group, id).await?;
        }
        Ok(state)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (group, name) = group_and_name(id, prior)?;
        self.delete_from(&group, &name).await
    }
}
