//! `aws_sns_topic_policy`: the access policy of a topic, managed apart from the topic. Its id is
//! the topic's ARN. A topic always has a policy, so destroying this puts back the default one
//! SNS gives new topics, as the provider does.

use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, opt_str, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, iam_policy};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// Codes SNS answers for a topic that does not exist.
const NO_TOPIC: &[&str] = &["NotFound", "NotFoundException"];

/// The `aws_sns_topic_policy` document.
pub struct TopicPolicy;

async fn set_policy(c: &Clients, topic: &str, policy: &str) -> PResult<()> {
    c.sns
        .set_topic_attributes()
        .topic_arn(topic)
        .attribute_name("Policy")
        .attribute_value(policy)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
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
impl Document for TopicPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_sns_topic_policy",
        what: "policy of SNS topic",
        key: "arn",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.check(arn()).arg("policy").check(iam_policy())
    }

    async fn put(&self, c: &Clients, topic: &str, planned: &Value) -> PResult<()> {
        set_policy(c, topic, &required(planned, "policy")?).await
    }

    async fn get(&self, c: &Clients, topic: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .sns
            .get_topic_attributes()
            .topic_arn(topic)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NO_TOPIC)? else {
            return Ok(None);
        };
        let attrs = out.attributes().cloned().unwrap_or_default();
        let Some(policy) = attrs.get("Policy").filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        Ok(Some(IndexMap::from([
            policy_attr(prior, Some(policy)),
            ("owner".to_string(), Value::from(attrs.get("Owner").cloned())),
        ])))
    }

    async fn remove(&self, c: &Clients, topic: &str, prior: &Value) -> PResult<()> {
        let owner = match opt_str(prior, "owner") {
            Some(o) => o,
            None => c.account_id().await?,
        };
        // A topic deleted already has no policy to put back.
        absent_on(set_policy(c, topic, &default_policy(topic, &owner)).await, NO_TOPIC).map(|_| ())
    }
}
