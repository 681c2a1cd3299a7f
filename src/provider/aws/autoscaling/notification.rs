//! `aws_autoscaling_notification`: the events (instance launched, terminated, failed to) that
//! Auto Scaling groups publish to one SNS topic. As the AWS provider 5.100 does: the id is the
//! topic's ARN and a new topic replaces it; the groups and the event types change in place; it
//! exists while any of its groups sends anything to the topic; what a group sends is set with
//! one PutNotificationConfiguration per group (it replaces what that group sent the topic).
//! Groups left out of the blueprint stop sending first; the provider drops every old group
//! before putting the new ones back, which leaves the kept groups silent for a moment, so here
//! only the groups that left are dropped. The provider has no import; infractl imports by the
//! topic's ARN, reading every group that notifies it.

use super::ABSENT_MESSAGE;
use crate::provider::aws::common::{aws_err, list_value, must_exist, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use futures::future::try_join_all;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The `aws_autoscaling_notification` resource type.
pub struct Notification {
    c: Arc<Clients>,
    schema: Schema,
}

impl Notification {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Notification {
        let schema = resource("aws_autoscaling_notification")
            .arg("topic_arn")
            .force_new()
            .args(&["group_names", "notifications"])
            .build();
        Notification { c, schema }
    }

    /// Makes each group send the planned event types to the topic, all groups at once.
    async fn put(&self, topic: &str, groups: &[String], types: &[String]) -> PResult<()> {
        try_join_all(groups.iter().map(|group| {
            self.c
                .autoscaling
                .put_notification_configuration()
                .auto_scaling_group_name(group)
                .topic_arn(topic)
                .set_notification_types(Some(types.to_vec()))
                .send()
        }))
        .await
        .map_err(aws_err)?;
        Ok(())
    }

    /// Stops each group sending to the topic; a group that sends nothing, or is gone, is done.
    async fn drop_groups(&self, topic: &str, groups: &[String]) -> PResult<()> {
        try_join_all(groups.iter().map(|group| async move {
            let r = self
                .c
                .autoscaling
                .delete_notification_configuration()
                .auto_scaling_group_name(group)
                .topic_arn(topic)
                .send()
                .await
                .map_err(aws_err);
            match r {
                Err(e) if is_gone(&e) => Ok(()),
                other => other.map(|_| ()),
            }
        }))
        .await?;
        Ok(())
    }
}

/// What Auto Scaling's ValidationError says when the group or its configuration is not there.
fn is_gone(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("ValidationError")
        && (e.message.contains("doesn't exist") || e.message.contains(ABSENT_MESSAGE))
}

#[async_trait]
impl ResourceType for Notification {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_notification"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let topic = required(planned, "topic_arn")?;
        self.put(
            &topic,
            &str_list(planned, "group_names"),
            &str_list(planned, "notifications"),
        )
        .await?;
        must_exist(
            self.read(ctx, &topic, planned).await?,
            "Auto Scaling Notification",
            &topic,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // The groups state names (every group, on import), paged as the API pages them.
        let groups = str_list(prior, "group_names");
        let mut found_groups = BTreeSet::new();
        let mut found_types = BTreeSet::new();
        let mut token = None;
        loop {
            let out = self
                .c
                .autoscaling
                .describe_notification_configurations()
                .set_auto_scaling_group_names((!groups.is_empty()).then(|| groups.clone()))
                .max_records(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err)?;
            for n in out.notification_configurations() {
                if n.topic_arn() == Some(id) {
                    found_groups.extend(n.auto_scaling_group_name().map(str::to_string));
                    found_types.extend(n.notification_type().map(str::to_string));
                }
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        if found_groups.is_empty() {
            return Ok(None);
        }
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("topic_arn", Value::str(id)),
            ("group_names", list_value(found_groups)),
            ("notifications", list_value(found_types)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let planned_groups = str_list(planned, "group_names");
        let left: Vec<String> = str_list(prior, "group_names")
            .into_iter()
            .filter(|g| !planned_groups.contains(g))
            .collect();
        self.drop_groups(id, &left).await?;
        self.put(id, &planned_groups, &str_list(planned, "notifications"))
            .await?;
        must_exist(self.read(ctx, id, planned).await?, "Auto Scaling Notification", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        self.drop_groups(id, &str_list(prior, "group_names")).await
    }
}
