//! `aws_sns_topic_data_protection_policy`: the data protection policy of a topic (which message
//! data SNS audits, masks or blocks), managed apart from the topic. Its id is the topic's ARN;
//! destroying it puts an empty policy, which is how SNS removes one.

use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, json};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_sns_topic_data_protection_policy` resource type.
pub struct TopicDataProtectionPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

/// Codes SNS answers for a topic that does not exist.
const NO_TOPIC: &[&str] = &["NotFound", "NotFoundException", "ResourceNotFound"];

impl TopicDataProtectionPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TopicDataProtectionPolicy {
        let schema = resource("aws_sns_topic_data_protection_policy")
            .arg("arn")
            .force_new()
            .check(arn())
            .arg("policy")
            .check(json())
            .build();
        TopicDataProtectionPolicy { c, schema }
    }

    async fn put(&self, topic: &str, policy: &str) -> PResult<()> {
        self.c
            .sns
            .put_data_protection_policy()
            .resource_arn(topic)
            .data_protection_policy(policy)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    /// Writes the planned policy and reads back what SNS holds.
    async fn upsert(&self, ctx: &CallCtx, topic: &str, planned: &Value) -> PResult<Value> {
        let policy = opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        self.put(topic, &policy).await?;
        must_exist(
            self.read(ctx, topic, planned).await?,
            "data protection policy of SNS topic",
            topic,
        )
    }
}

#[async_trait]
impl ResourceType for TopicDataProtectionPolicy {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_data_protection_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let topic = opt_str(planned, "arn").ok_or_else(|| ProviderError::msg("arn is required"))?;
        self.upsert(ctx, &topic, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .sns
            .get_data_protection_policy()
            .resource_arn(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NO_TOPIC)? else {
            return Ok(None);
        };
        let Some(policy) = out.data_protection_policy().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(id)),
            (
                "policy",
                json_as_configured(prior.get("policy"), Some(policy.to_string())),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.upsert(ctx, id, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // A topic deleted already has no policy left to remove.
        absent_on(self.put(id, "").await, NO_TOPIC).map(|_| ())
    }
}
