//! `aws_sns_topic`: a topic with its attributes (display name, policy, delivery policy, KMS
//! key, FIFO settings) and tags. CreateTopic answers with the existing topic when the name is
//! taken with the same attributes, so a create repeated after a crash finds the same topic; the
//! ownership tags tell it apart from someone else's. The id is the topic ARN.

use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, json_as_configured, must_exist, name_or_generated, name_prefix_read, opt_bool,
    opt_str, owns, read_beside, sync_tags, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, json, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_sns::types::Tag;
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_sns_topic` resource type.
pub struct Topic {
    c: Arc<Clients>,
    schema: Schema,
}

/// How a topic attribute reads back into the blueprint's value.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    Bool,
    /// A JSON document, compared by meaning.
    Json,
}

/// Blueprint arguments that are topic attributes, with SNS's attribute names.
const SETTABLE: &[(&str, &str, Kind)] = &[
    ("display_name", "DisplayName", Kind::Text),
    ("policy", "Policy", Kind::Json),
    ("delivery_policy", "DeliveryPolicy", Kind::Json),
    ("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    ("content_based_deduplication", "ContentBasedDeduplication", Kind::Bool),
    ("signature_version", "SignatureVersion", Kind::Number),
    ("tracing_config", "TracingConfig", Kind::Text),
    ("archive_policy", "ArchivePolicy", Kind::Json),
    ("fifo_throughput_scope", "FifoThroughputScope", Kind::Text),
    (
        "application_success_feedback_role_arn",
        "ApplicationSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "application_success_feedback_sample_rate",
        "ApplicationSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    (
        "application_failure_feedback_role_arn",
        "ApplicationFailureFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "http_success_feedback_role_arn",
        "HTTPSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "http_success_feedback_sample_rate",
        "HTTPSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    (
        "http_failure_feedback_role_arn",
        "HTTPFailureFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "lambda_success_feedback_role_arn",
        "LambdaSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "lambda_success_feedback_sample_rate",
        "LambdaSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    (
        "lambda_failure_feedback_role_arn",
        "LambdaFailureFeedbackRoleArn",
        Kind::Text,
    ),
    ("sqs_success_feedback_role_arn", "SQSSuccessFeedbackRoleArn", Kind::Text),
    (
        "sqs_success_feedback_sample_rate",
        "SQSSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    ("sqs_failure_feedback_role_arn", "SQSFailureFeedbackRoleArn", Kind::Text),
    (
        "firehose_success_feedback_role_arn",
        "FirehoseSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    (
        "firehose_success_feedback_sample_rate",
        "FirehoseSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    (
        "firehose_failure_feedback_role_arn",
        "FirehoseFailureFeedbackRoleArn",
        Kind::Text,
    ),
];

impl Topic {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Topic {
        let schema = resource("aws_sns_topic")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("fifo_topic")
            .force_new()
            .default(false)
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("tracing_config")
            .check(one_of(&["Active", "PassThrough"]))
            .arg("signature_version")
            .check(int_between(1, 2))
            .arg("delivery_policy")
            .check(json())
            .arg("content_based_deduplication")
            .default(false)
            .arg("archive_policy")
            .check(json())
            .arg("fifo_throughput_scope")
            .check(one_of(&["Topic", "MessageGroup"]))
            .args(&["display_name", "kms_master_key_id", "tags"])
            .args(
                &SETTABLE
                    .iter()
                    .map(|(ours, _, _)| *ours)
                    .filter(|a| a.contains("_feedback_"))
                    .collect::<Vec<_>>(),
            )
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .build();
        Topic { c, schema }
    }

    async fn attributes(&self, arn: &str) -> PResult<Option<HashMap<String, String>>> {
        let r = self
            .c
            .sns
            .get_topic_attributes()
            .topic_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["NotFound", "NotFoundException"])?.map(|o| o.attributes().cloned().unwrap_or_default()))
    }

    async fn tags(&self, arn: &str) -> PResult<Vec<(String, String)>> {
        let out = self
            .c
            .sns
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect())
    }
}

/// An attribute value as SNS takes it (bools and numbers as text).
fn attr_text(planned: &Value, name: &str) -> Option<String> {
    match planned.get(name) {
        Value::Null | Value::Unknown => None,
        v => v.to_plain_string(),
    }
}

fn sns_tags(pairs: indexmap::IndexMap<String, String>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs)
}

#[async_trait]
impl ResourceType for Topic {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let fifo = opt_bool(planned, "fifo_topic") == Some(true);
        let mut name = name_or_generated(planned, "terraform-", 26);
        if fifo && !name.ends_with(".fifo") && opt_str(planned, "name").is_none() {
            name.push_str(".fifo");
        }
        let mut attributes: HashMap<String, String> = SETTABLE
            .iter()
            .filter(|(ours, _, _)| *ours != "content_based_deduplication" || fifo)
            // An empty value is no attribute, as the provider's create leaves it out.
            .filter_map(|(ours, theirs, _)| attr_text(planned, ours).map(|v| (theirs.to_string(), v)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        if fifo {
            attributes.insert("FifoTopic".into(), "true".into());
        }
        let out = self
            .c
            .sns
            .create_topic()
            .name(&name)
            .set_attributes(Some(attributes).filter(|a| !a.is_empty()))
            .set_tags(Some(sns_tags(tags_to_write(ctx, planned))?))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .topic_arn()
            .ok_or_else(|| ProviderError::msg("CreateTopic returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "SNS topic", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // The tags are read beside the attributes: both need only the topic's ARN.
        let Some((a, tags)) = read_beside(self.attributes(id), self.tags(id)).await? else {
            return Ok(None);
        };
        let get = |k: &str| a.get(k).filter(|v| !v.is_empty()).cloned();
        let name = id.rsplit(':').next().unwrap_or(id).to_string();
        let mut v = Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(&name)),
            (
                "name_prefix",
                name_prefix_read(prior, Some(&name), if name.ends_with(".fifo") { ".fifo" } else { "" }),
            ),
            ("fifo_topic", Value::Bool(get("FifoTopic").as_deref() == Some("true"))),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
            ("arn", Value::str(id)),
            ("owner", Value::from(get("Owner"))),
        ]);
        if let Value::Object(map) = &mut v {
            for (ours, theirs, kind) in SETTABLE {
                let value = match kind {
                    Kind::Text => Value::from(get(theirs)),
                    Kind::Number => get(theirs)
                        .and_then(|x| x.parse::<f64>().ok())
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                    Kind::Bool => Value::Bool(get(theirs).as_deref() == Some("true")),
                    // Documents compare by meaning; the configured spelling stays when equal.
                    Kind::Json => json_as_configured(prior.get(ours), get(theirs)),
                };
                map.insert(ours.to_string(), value);
            }
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        for (ours, theirs, _) in SETTABLE {
            if prior.get(ours) == planned.get(ours) || planned.get(ours).has_unknown() {
                continue;
            }
            self.c
                .sns
                .set_topic_attributes()
                .topic_arn(id)
                .attribute_name(*theirs)
                .set_attribute_value(Some(attr_text(planned, ours).unwrap_or_default()))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let sns = &self.c.sns;
        sync_tags(
            prior,
            planned,
            |keys| async move {
                let r = sns
                    .untag_resource()
                    .resource_arn(id)
                    .set_tag_keys(Some(keys))
                    .send()
                    .await;
                r.map(|_| ()).map_err(aws_err)
            },
            |add| async move {
                let r = sns
                    .tag_resource()
                    .resource_arn(id)
                    .set_tags(Some(sns_tags(add)?))
                    .send()
                    .await;
                r.map(|_| ()).map_err(aws_err)
            },
        )
        .await?;
        must_exist(self.read(ctx, id, planned).await?, "SNS topic", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.sns.delete_topic().topic_arn(id).send().await.map_err(aws_err);
        absent_on(r, &["NotFound", "NotFoundException"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        let arn = format!("arn:aws:sns:{}:{account}:{name}", self.c.region);
        if self.attributes(&arn).await?.is_none() {
            return Ok(None);
        }
        let tags = self.tags(&arn).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(arn))
    }
}
