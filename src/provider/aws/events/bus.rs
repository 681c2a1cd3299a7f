//! `aws_cloudwatch_event_bus`: a custom event bus (or a partner bus, named after its event
//! source) that applications put their events on, as the provider's `resourceBus` makes it.
//! The name and the event source replace the bus; the description and the customer-managed
//! key change in place with UpdateEventBus (an unset description is sent empty, which is how
//! AWS clears it), tags with TagResource/UntagResource. The id is the name, which `import`
//! takes. A dead-letter queue for the bus is refused when set (not supported by infractl yet).

use super::{sdk_tags, sync_events_tags, tags_of, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_str, owns, required, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, not_matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_eventbridge::operation::describe_event_bus::DescribeEventBusOutput;
use std::sync::Arc;

/// The `aws_cloudwatch_event_bus` resource type.
pub struct Bus {
    c: Arc<Clients>,
    schema: Schema,
}

impl Bus {
    /// Creates the type with its clients. Validators are the provider's
    /// (`validCustomEventBusName`, `validSourceName`).
    pub fn new(c: Arc<Clients>) -> Bus {
        let schema = resource("aws_cloudwatch_event_bus")
            .arg("name")
            .force_new()
            .check(len_between(1, 256))
            .check(not_matches(r"^default$", "the name of the default bus"))
            .arg("event_source_name")
            .force_new()
            .check(len_between(1, 256))
            .check(matches(
                r"^aws\.partner(/[\.\-_A-Za-z0-9]+){2,}$",
                "a partner event source name (aws.partner/...)",
            ))
            .arg("description")
            .check(len_between(0, 512))
            .arg("kms_key_identifier")
            .check(len_between(1, 2048))
            .args(&["tags"])
            .build();
        Bus { c, schema }
    }

    /// DescribeEventBus; `None` when there is no bus of that name.
    async fn describe(&self, name: &str) -> PResult<Option<DescribeEventBusOutput>> {
        let r = self
            .c
            .events
            .describe_event_bus()
            .name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }
}

/// The bus as state holds it, from DescribeEventBus and its tags.
pub fn bus_state(out: &DescribeEventBusOutput) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let dead_letter: Vec<Value> = out
        .dead_letter_config()
        .map(|d| Value::object([("arn", s(d.arn()))]))
        .into_iter()
        .collect();
    let name = out.name().unwrap_or_default();
    Value::object([
        ("id", Value::str(name)),
        ("name", Value::str(name)),
        ("arn", s(out.arn())),
        ("description", s(out.description())),
        ("kms_key_identifier", s(out.kms_key_identifier())),
        ("dead_letter_config", Value::List(dead_letter)),
    ])
}

#[async_trait]
impl ResourceType for Bus {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_bus"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let tags = sdk_tags(tags_to_write(ctx, planned))?;
        self.c
            .events
            .create_event_bus()
            .name(&name)
            .set_description(opt_str(planned, "description"))
            .set_event_source_name(opt_str(planned, "event_source_name"))
            .set_kms_key_identifier(opt_str(planned, "kms_key_identifier"))
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating EventBridge Event Bus ({name})")))?;
        must_exist(self.read(ctx, &name, planned).await?, "EventBridge event bus", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = self.describe(id).await? else {
            return Ok(None);
        };
        let tags = match out.arn() {
            Some(arn) => tags_of(&self.c, arn).await?,
            None => Vec::new(),
        };
        let mut state = bus_state(&out);
        if let Value::Object(m) = &mut state {
            // The event source is not reported back: state keeps what the blueprint set.
            m.insert("event_source_name".into(), prior.get("event_source_name").clone());
            m.insert("tags".into(), configured_tags(prior));
            m.insert("tags_all".into(), user_tags(tags));
        }
        Ok(Some(state))
    }

    /// UpdateEventBus when anything but the tags changed (the provider's `HasChangesExcept`):
    /// the description is always sent, empty to clear it, and the key when set.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("description") || changed("kms_key_identifier") {
            self.c
                .events
                .update_event_bus()
                .name(id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .set_kms_key_identifier(opt_str(planned, "kms_key_identifier"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if let Some(arn) = opt_str(prior, "arn") {
            sync_events_tags(&self.c, &arn, prior, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "EventBridge event bus", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.events.delete_event_bus().name(id).send().await.map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    /// A bus of the planned name carrying this stack's tags for this address (a run killed
    /// after the create call).
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(out) = self.describe(&name).await? else {
            return Ok(None);
        };
        let Some(arn) = out.arn() else {
            return Ok(None);
        };
        let tags = tags_of(&self.c, arn).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eventbridge::types::DeadLetterConfig;

    #[test]
    fn state_follows_the_providers_read() {
        let out = DescribeEventBusOutput::builder()
            .name("orders")
            .arn("arn:aws:events:us-east-1:123456789012:event-bus/orders")
            .description("order events")
            .dead_letter_config(
                DeadLetterConfig::builder()
                    .arn("arn:aws:sqs:us-east-1:123456789012:dlq")
                    .build(),
            )
            .build();
        let s = bus_state(&out);
        assert_eq!(s.get("id"), &Value::str("orders"));
        assert_eq!(s.get("description"), &Value::str("order events"));
        assert_eq!(s.get("kms_key_identifier"), &Value::Null);
        assert_eq!(s.get("dead_letter_config").as_list().map(|l| l.len()), Some(1));
    }
}
