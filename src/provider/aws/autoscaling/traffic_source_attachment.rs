//! `aws_autoscaling_traffic_source_attachment`: a traffic source (an ELB target group, a Classic
//! Load Balancer or a VPC Lattice target group) attached to an Auto Scaling group apart from the
//! group's own arguments, as the autoscaling module attaches its target groups.
//!
//! As the provider: the id is `GROUP,TYPE,IDENTIFIER`; everything forces a replacement; a create
//! (AttachTrafficSources) waits until the source is `Added` or `InService`, a delete
//! (DetachTrafficSources) until it is no longer described, 30 minutes each by default. The read
//! fills the group and the source from the id, so an import needs nothing else.

use super::absent_as_none;
use super::group_blocks::traffic_sources;
use crate::provider::aws::common::{aws_err, first, must_exist, op_timeout, required, wait_for, Op, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_autoscaling::types::TrafficSourceIdentifier;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_autoscaling_traffic_source_attachment` resource type.
pub struct TrafficSourceAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

/// The three parts of an attachment: the group, the source's type and its identifier.
#[derive(Debug, PartialEq)]
struct Key {
    group: String,
    kind: String,
    identifier: String,
}

impl Key {
    /// The key a planned attachment names.
    fn of(planned: &Value) -> PResult<Key> {
        let source = first(planned, "traffic_source")
            .ok_or_else(|| ProviderError::msg("a traffic source attachment needs a traffic_source block"))?;
        Ok(Key {
            group: required(planned, "autoscaling_group_name")?,
            kind: required(source, "type")?,
            identifier: required(source, "identifier")?,
        })
    }

    /// The key an id `GROUP,TYPE,IDENTIFIER` names (the provider's format).
    fn parse(id: &str) -> PResult<Key> {
        match id.split(',').collect::<Vec<_>>()[..] {
            [group, kind, identifier] if !group.is_empty() && !kind.is_empty() && !identifier.is_empty() => Ok(Key {
                group: group.into(),
                kind: kind.into(),
                identifier: identifier.into(),
            }),
            _ => Err(ProviderError::msg(format!(
                "unexpected format for ID ({id}), expected asg-name,traffic-source-type,traffic-source-id"
            ))),
        }
    }

    fn id(&self) -> String {
        format!("{},{},{}", self.group, self.kind, self.identifier)
    }

    fn source(&self) -> TrafficSourceIdentifier {
        TrafficSourceIdentifier::builder()
            .identifier(&self.identifier)
            .r#type(&self.kind)
            .build()
    }
}

impl TrafficSourceAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TrafficSourceAttachment {
        let schema = resource("aws_autoscaling_traffic_source_attachment")
            .arg("autoscaling_group_name")
            .force_new()
            .arg("traffic_source")
            .force_new()
            .arg("traffic_source.identifier")
            .force_new()
            .check(len_between(1, 2048))
            .arg("traffic_source.type")
            .force_new()
            .check(len_between(1, 2048))
            .timeouts(30, 0, 30)
            .build();
        TrafficSourceAttachment { c, schema }
    }

    /// The source's state (`Adding`, `Added`, `InService`, `Removing`, `Removed`), `None` when
    /// the group does not describe it (or the group is gone).
    async fn state(&self, key: &Key) -> PResult<Option<String>> {
        let sources = traffic_sources(&self.c.autoscaling, &key.group, Some(&key.kind)).await?;
        Ok(sources
            .unwrap_or_default()
            .into_iter()
            .find(|(identifier, _)| *identifier == key.identifier)
            .map(|(_, state)| state))
    }

    fn value(key: &Key) -> Value {
        Value::object([
            ("id", Value::str(key.id())),
            ("autoscaling_group_name", Value::str(&key.group)),
            (
                "traffic_source",
                Value::List(vec![Value::object([
                    ("identifier", Value::str(&key.identifier)),
                    ("type", Value::str(&key.kind)),
                ])]),
            ),
        ])
    }
}

#[async_trait]
impl ResourceType for TrafficSourceAttachment {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_traffic_source_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key = Key::of(planned)?;
        self.c
            .autoscaling
            .attach_traffic_sources()
            .auto_scaling_group_name(&key.group)
            .traffic_sources(key.source())
            .send()
            .await
            .map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        wait_for(Wait::new(key.id(), "Added or InService", timeout), || async {
            Ok(match self.state(&key).await?.as_deref() {
                Some("Added" | "InService") => Poll::Ready(()),
                Some(other) => Poll::pending(other),
                None => Poll::pending("not described yet"),
            })
        })
        .await?;
        Ok(Self::value(&key))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let key = Key::parse(id)?;
        Ok(self.state(&key).await?.map(|_| Self::value(&key)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "traffic source attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let key = Key::parse(id)?;
        let detached = self
            .c
            .autoscaling
            .detach_traffic_sources()
            .auto_scaling_group_name(&key.group)
            .traffic_sources(key.source())
            .send()
            .await
            .map_err(aws_err);
        if absent_as_none(detached)?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1800));
        wait_for(Wait::new(key.id(), "detached", timeout), || async {
            Ok(match self.state(&key).await? {
                None => Poll::Ready(()),
                Some(state) => Poll::pending(state),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_names_the_group_the_type_and_the_source() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
        let key = Key::parse(&format!("asg,elbv2,{arn}")).unwrap();
        assert_eq!(
            (key.group.as_str(), key.kind.as_str(), key.identifier.as_str()),
            ("asg", "elbv2", arn)
        );
        assert_eq!(key.id(), format!("asg,elbv2,{arn}"));
        assert!(Key::parse("asg,elbv2").is_err());
        assert!(Key::parse("asg,,x").is_err());
    }
}
