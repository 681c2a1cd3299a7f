//! `aws_sns_topic_policy`: the access policy of a topic, managed apart from the topic. Its id is
//! the topic's ARN. A topic always has a policy, so destroying this puts back the default one
//! SNS gives new topics, as the provider does.

use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, iam_policy};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_sns_topic_policy` resource type.
pub struct TopicPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl TopicPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TopicPolicy {
        let schema = resource("aws_sns_topic_policy")
            .arg("arn")
            .force_new()
            .check(arn())
            .arg("policy")
            .check(iam_policy())
            .build();
        TopicPolicy { c, schema }
    }

    async fn put(&self, topic: &str, policy: &str) -> PResult<()> {
        self.c
            .sns
            .set_topic_attributes()
            .topic_arn(topic)
            .attribute_name("Policy")
            .attribute_value(policy)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

/// The policy SNS gives a new topic: the owning account may do everything with it.
pub fn default_policy(topic: &str, owner: &str) -> String {
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes",
                "SNS:SetTopicAttributes",
                "SNS:AddPermission",
                "SNS:RemovePermission",
                "SNS:DeleteTopic",
                "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic",
                "SNS:Publish",
                "SNS:Receive"
            ],
            "Resource": topic,
            "Condition": {"StringEquals": {"AWS:SourceOwner": owner}}
        }]
    })
    .to_string()
}

#[async_trait]
impl ResourceType for TopicPolicy {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let topic = opt_str(planned, "arn").ok_or_else(|| ProviderError::msg("arn is required"))?;
        let policy = opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        self.put(&topic, &policy).await?;
        must_exist(self.read(ctx, &topic, planned).await?, "policy of SNS topic", &topic)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .sns
            .get_topic_attributes()
            .topic_arn(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["NotFound", "NotFoundException"])? else {
            return Ok(None);
        };
        let attrs = out.attributes().cloned().unwrap_or_default();
        let Some(policy) = attrs.get("Policy").filter(|p| !p.is_empty()).cloned() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", Value::str(id)),
            ("policy", json_as_configured(prior.get("policy"), Some(policy))),
            ("owner", Value::from(attrs.get("Owner").cloned())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let policy = opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        self.put(id, &policy).await?;
        must_exist(self.read(ctx, id, planned).await?, "policy of SNS topic", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let owner = match opt_str(prior, "owner") {
            Some(o) => o,
            None => self.c.account_id().await?,
        };
        // A topic deleted already has no policy to put back.
        absent_on(
            self.put(id, &default_policy(id, &owner)).await,
            &["NotFound", "NotFoundException"],
        )
        .map(|_| ())
    }
}
