//! `aws_sns_topic_data_protection_policy`: the data protection policy of a topic (which message
//! data SNS audits, masks or blocks), managed apart from the topic. Its id is the topic's ARN;
//! destroying it puts an empty policy, which is how SNS removes one.

use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, json};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// The `aws_sns_topic_data_protection_policy` document.
pub struct TopicDataProtectionPolicy;

/// Codes SNS answers for a topic that does not exist.
const NO_TOPIC: &[&str] = &["NotFound", "NotFoundException", "ResourceNotFound"];

async fn put_policy(c: &Clients, topic: &str, policy: &str) -> PResult<()> {
    c.sns
        .put_data_protection_policy()
        .resource_arn(topic)
        .data_protection_policy(policy)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

#[async_trait]
impl Document for TopicDataProtectionPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_sns_topic_data_protection_policy",
        what: "data protection policy of SNS topic",
        key: "arn",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.check(arn()).arg("policy").check(json())
    }

    async fn put(&self, c: &Clients, topic: &str, planned: &Value) -> PResult<()> {
        put_policy(c, topic, &required(planned, "policy")?).await
    }

    async fn get(&self, c: &Clients, topic: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .sns
            .get_data_protection_policy()
            .resource_arn(topic)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NO_TOPIC)? else {
            return Ok(None);
        };
        let policy = out.data_protection_policy().filter(|p| !p.is_empty());
        Ok(policy.map(|p| IndexMap::from([policy_attr(prior, Some(p))])))
    }

    async fn remove(&self, c: &Clients, topic: &str, _prior: &Value) -> PResult<()> {
        // A topic deleted already has no policy left to remove.
        absent_on(put_policy(c, topic, "").await, NO_TOPIC).map(|_| ())
    }
}
