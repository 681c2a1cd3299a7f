//! `aws_sqs_queue`: a standard or FIFO queue with its attributes (delays, sizes, retention,
//! visibility, long polling, SSE with SQS-owned or KMS keys, FIFO deduplication and throughput)
//! and the three JSON attributes other resources may own instead (`policy`, `redrive_policy`,
//! `redrive_allow_policy`: optional and computed, so leaving them unset keeps what another
//! resource wrote). The id is the queue URL, as in Terraform (`import` takes the URL).
//!
//! Creates carry the tags (CreateQueue takes them), so a queue this stack made is recognised by
//! its name and tags after a killed run; every write waits until SQS reads back what was written
//! (attribute changes apply asynchronously), bounded by the `timeouts` block.

use super::{attributes, holds, name_from_url, set_attributes, wait_propagated, DELETED_RECENTLY, NO_QUEUE};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, json_as_configured, must_exist, name_or_generated, name_prefix_from_name,
    op_timeout, opt_str, owns, retry_while, sync_tags, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, json, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_sqs_queue` resource type.
pub struct Queue {
    c: Arc<Clients>,
    schema: Schema,
}

/// How a blueprint argument is written as a queue attribute.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Number,
    Text,
    Json,
}

/// Blueprint arguments that are queue attributes, with SQS's names. `fifo_queue` is set only
/// when the queue is made (it forces a new queue).
const ATTRIBUTES: &[(&str, &str, Kind)] = &[
    ("content_based_deduplication", "ContentBasedDeduplication", Kind::Bool),
    ("deduplication_scope", "DeduplicationScope", Kind::Text),
    ("delay_seconds", "DelaySeconds", Kind::Number),
    ("fifo_throughput_limit", "FifoThroughputLimit", Kind::Text),
    (
        "kms_data_key_reuse_period_seconds",
        "KmsDataKeyReusePeriodSeconds",
        Kind::Number,
    ),
    ("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    ("max_message_size", "MaximumMessageSize", Kind::Number),
    ("message_retention_seconds", "MessageRetentionPeriod", Kind::Number),
    ("policy", "Policy", Kind::Json),
    (
        "receive_wait_time_seconds",
        "ReceiveMessageWaitTimeSeconds",
        Kind::Number,
    ),
    ("redrive_allow_policy", "RedriveAllowPolicy", Kind::Json),
    ("redrive_policy", "RedrivePolicy", Kind::Json),
    ("sqs_managed_sse_enabled", "SqsManagedSseEnabled", Kind::Bool),
    ("visibility_timeout_seconds", "VisibilityTimeout", Kind::Number),
];

/// Attributes SQS has only on FIFO queues (and refuses on standard ones).
const FIFO_ONLY: &[&str] = &[
    "content_based_deduplication",
    "deduplication_scope",
    "fifo_throughput_limit",
];

/// The key reuse period SQS reports for a queue that never set one (five minutes); the
/// provider records it so a plan stays clean.
const DEFAULT_KEY_REUSE: i64 = 300;

/// Waits fall back to the provider's default timeouts (3 minutes each).
const TIMEOUT: Duration = Duration::from_secs(180);

impl Queue {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Queue {
        let schema = resource("aws_sqs_queue")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("fifo_queue")
            .force_new()
            .default(false)
            .arg("content_based_deduplication")
            .default(false)
            .arg("delay_seconds")
            .default(0)
            .check(int_between(0, 900))
            .arg("max_message_size")
            .default(262_144)
            .check(int_between(1024, 262_144))
            .arg("message_retention_seconds")
            .default(345_600)
            .check(int_between(60, 1_209_600))
            .arg("receive_wait_time_seconds")
            .default(0)
            .arg("visibility_timeout_seconds")
            .default(30)
            .check(int_between(0, 43_200))
            .arg("kms_data_key_reuse_period_seconds")
            .check(int_between(60, 86_400))
            .arg("deduplication_scope")
            .check(one_of(&["messageGroup", "queue"]))
            .arg("fifo_throughput_limit")
            .check(one_of(&["perQueue", "perMessageGroupId"]))
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("redrive_policy")
            .check(json())
            .arg("redrive_allow_policy")
            .check(json())
            .args(&["kms_master_key_id", "sqs_managed_sse_enabled", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .rule(Rule::Conflicts(&["kms_master_key_id", "sqs_managed_sse_enabled"]))
            .timeouts(3, 3, 3)
            .build();
        Queue { c, schema }
    }

    async fn tags(&self, url: &str) -> PResult<Option<Vec<(String, String)>>> {
        let r = self
            .c
            .sqs
            .list_queue_tags()
            .queue_url(url)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NO_QUEUE)?.map(|out| {
            out.tags()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }))
    }

    async fn url_of(&self, name: &str) -> PResult<Option<String>> {
        let r = self
            .c
            .sqs
            .get_queue_url()
            .queue_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NO_QUEUE)?.and_then(|o| o.queue_url().map(str::to_string)))
    }

    /// True when the queue at `url` carries this stack's tags for this address.
    async fn is_ours(&self, ctx: &CallCtx, url: &str) -> PResult<bool> {
        let tags = self.tags(url).await?.unwrap_or_default();
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx))
    }
}

/// An argument as SQS takes it, `None` when it is unset or not yet known.
fn attr_text(v: &Value, kind: Kind) -> Option<String> {
    match (v, kind) {
        (Value::Null | Value::Unknown, _) => None,
        (Value::Number(n), _) => Some(format!("{}", *n as i64)),
        (v, _) => v.to_plain_string(),
    }
}

/// What CreateQueue is sent: every argument set to something other than SQS's own zero value
/// (as the provider sends them), FIFO settings only for FIFO queues.
fn create_attributes(planned: &Value) -> HashMap<String, String> {
    let fifo = planned.get("fifo_queue").as_bool() == Some(true);
    let mut out = HashMap::new();
    if fifo {
        out.insert("FifoQueue".to_string(), "true".to_string());
    }
    for (ours, theirs, kind) in ATTRIBUTES {
        if FIFO_ONLY.contains(ours) && !fifo {
            continue;
        }
        let Some(text) = attr_text(planned.get(ours), *kind) else {
            continue;
        };
        let send = match kind {
            // A configured sqs_managed_sse_enabled is sent either way: false turns off the
            // SSE that SQS otherwise enables by default.
            Kind::Bool => text == "true" || *ours == "sqs_managed_sse_enabled",
            Kind::Number => text != "0",
            Kind::Text | Kind::Json => !text.is_empty(),
        };
        if send {
            out.insert(theirs.to_string(), text);
        }
    }
    out
}

/// What SetQueueAttributes is sent for an update: the arguments that change.
fn changed_attributes(prior: &Value, planned: &Value) -> HashMap<String, String> {
    let fifo = planned.get("fifo_queue").as_bool() == Some(true);
    ATTRIBUTES
        .iter()
        .filter(|(ours, _, _)| fifo || !FIFO_ONLY.contains(ours))
        .filter(|(ours, _, kind)| {
            let (old, new) = (prior.get(ours), planned.get(ours));
            match kind {
                Kind::Json => match (old.as_str(), new.as_str()) {
                    (Some(a), Some(b)) => !holds(Some(&a.to_string()), b),
                    _ => old != new,
                },
                _ => old != new,
            }
        })
        .filter_map(|(ours, theirs, kind)| {
            let v = planned.get(ours);
            if v.has_unknown() {
                return None;
            }
            // A removed setting goes back to SQS's default, as the provider sends it.
            let text = attr_text(v, *kind).unwrap_or_else(|| match kind {
                Kind::Bool => "false".into(),
                Kind::Number => "0".into(),
                Kind::Text | Kind::Json => String::new(),
            });
            Some((theirs.to_string(), text))
        })
        .collect()
}

/// A queue's state from its attributes.
fn to_state(url: &str, a: &HashMap<String, String>, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let get = |k: &str| a.get(k).filter(|v| !v.is_empty()).cloned();
    let number = |k: &str| {
        get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .map(Value::Number)
            .unwrap_or(Value::Null)
    };
    let flag = |k: &str| Value::Bool(get(k).as_deref() == Some("true"));
    let name = name_from_url(url).to_string();
    let fifo = get("FifoQueue").as_deref() == Some("true");
    // The prefix a generated name was made from, recovered from the name as the provider
    // recovers it (so an import finds the same).
    let name_prefix = Value::from(name_prefix_from_name(&name, if fifo { ".fifo" } else { "" }));
    let key_reuse = match number("KmsDataKeyReusePeriodSeconds") {
        Value::Null => Value::from(DEFAULT_KEY_REUSE),
        n => n,
    };
    let doc = |ours: &str, theirs: &str| json_as_configured(prior.get(ours), get(theirs));
    Value::object([
        ("id", Value::str(url)),
        ("url", Value::str(url)),
        ("arn", Value::from(get("QueueArn"))),
        ("name", Value::str(&name)),
        ("name_prefix", name_prefix),
        ("fifo_queue", Value::Bool(fifo)),
        ("content_based_deduplication", flag("ContentBasedDeduplication")),
        ("deduplication_scope", Value::from(get("DeduplicationScope"))),
        ("fifo_throughput_limit", Value::from(get("FifoThroughputLimit"))),
        ("delay_seconds", number("DelaySeconds")),
        ("max_message_size", number("MaximumMessageSize")),
        ("message_retention_seconds", number("MessageRetentionPeriod")),
        ("receive_wait_time_seconds", number("ReceiveMessageWaitTimeSeconds")),
        ("visibility_timeout_seconds", number("VisibilityTimeout")),
        ("kms_master_key_id", Value::from(get("KmsMasterKeyId"))),
        ("kms_data_key_reuse_period_seconds", key_reuse),
        ("sqs_managed_sse_enabled", flag("SqsManagedSseEnabled")),
        ("policy", doc("policy", "Policy")),
        ("redrive_policy", doc("redrive_policy", "RedrivePolicy")),
        (
            "redrive_allow_policy",
            doc("redrive_allow_policy", "RedriveAllowPolicy"),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

/// SQS's rules on names: letters, digits, `-` and `_`, at most 80 characters, and FIFO queues'
/// names end in `.fifo` (within the 80).
fn check_name(name: &str, fifo: bool) -> Result<(), String> {
    let stem = if fifo {
        name.strip_suffix(".fifo")
            .ok_or_else(|| format!("invalid queue name {name:?}: a FIFO queue's name ends in \".fifo\""))?
    } else {
        name
    };
    let max = if fifo { 75 } else { 80 };
    let ok = !stem.is_empty()
        && stem.len() <= max
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid queue name {name:?}: 1 to {max} letters, digits, hyphens or underscores{}",
            if fifo { ", then \".fifo\"" } else { "" }
        ))
    }
}

#[async_trait]
impl ResourceType for Queue {
    fn type_name(&self) -> &'static str {
        "aws_sqs_queue"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        let fifo = config.get("fifo_queue").as_bool() == Some(true);
        if let Value::String(name) = config.get("name") {
            check_name(name, fifo)?;
        }
        if !fifo && config.get("content_based_deduplication").as_bool() == Some(true) {
            return Err("content-based deduplication can only be set for FIFO queue".into());
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let fifo = planned.get("fifo_queue").as_bool() == Some(true);
        let mut name = name_or_generated(planned, "terraform-", 26);
        if fifo && !name.ends_with(".fifo") {
            name.push_str(".fifo");
        }
        check_name(&name, fifo).map_err(ProviderError::msg)?;
        let attrs = create_attributes(planned);
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        // A name whose queue was deleted in the last minute cannot be used until that minute
        // has passed; the provider waits for it within half the create timeout.
        let out = retry_while(DELETED_RECENTLY, timeout / 2, || async {
            self.c
                .sqs
                .create_queue()
                .queue_name(&name)
                .set_attributes(Some(
                    attrs.iter().map(|(k, v)| (k.as_str().into(), v.clone())).collect(),
                ))
                .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        let url = out
            .queue_url()
            .ok_or_else(|| ProviderError::msg("CreateQueue returned no URL"))?
            .to_string();
        wait_propagated(&self.c, &url, &attrs, timeout, false).await?;
        must_exist(self.read(ctx, &url, planned).await?, "SQS queue", &url)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(a) = attributes(&self.c, id).await? else {
            return Ok(None);
        };
        let Some(tags) = self.tags(id).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(id, &a, tags, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let attrs = changed_attributes(prior, planned);
        if !attrs.is_empty() {
            set_attributes(&self.c, id, &attrs).await?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
            wait_propagated(&self.c, id, &attrs, timeout, false).await?;
        }
        let sqs = &self.c.sqs;
        sync_tags(
            prior,
            planned,
            |keys| async move {
                let r = sqs.untag_queue().queue_url(id).set_tag_keys(Some(keys)).send().await;
                r.map(|_| ()).map_err(aws_err)
            },
            |add| async move {
                let r = sqs
                    .tag_queue()
                    .queue_url(id)
                    .set_tags(Some(add.into_iter().collect()))
                    .send()
                    .await;
                r.map(|_| ()).map_err(aws_err)
            },
        )
        .await?;
        must_exist(self.read(ctx, id, planned).await?, "SQS queue", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self.c.sqs.delete_queue().queue_url(id).send().await.map_err(aws_err);
        if absent_on(r, NO_QUEUE)?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match attributes(&self.c, id).await? {
                None => Poll::Ready(()),
                Some(_) => Poll::pending("exists"),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let fifo = planned.get("fifo_queue").as_bool() == Some(true);
        if let Some(mut name) = opt_str(planned, "name") {
            if fifo && !name.ends_with(".fifo") {
                name.push_str(".fifo");
            }
            return match self.url_of(&name).await? {
                Some(url) if self.is_ours(ctx, &url).await? => Ok(Some(url)),
                _ => Ok(None),
            };
        }
        // A generated name is not known again: look among the queues of its prefix.
        let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
        let mut pages = self
            .c
            .sqs
            .list_queues()
            .queue_name_prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for url in page.map_err(aws_err)?.queue_urls() {
                if self.is_ours(ctx, url).await? {
                    return Ok(Some(url.clone()));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_recovered_from_generated_names() {
        let generated = format!("jobs-{}", "0a1b2c3d4e5f60718293a4b5c6");
        assert_eq!(name_prefix_from_name(&generated, "").as_deref(), Some("jobs-"));
        assert_eq!(
            name_prefix_from_name(&format!("{generated}.fifo"), ".fifo").as_deref(),
            Some("jobs-")
        );
        assert_eq!(name_prefix_from_name("jobs-dlq", ""), None);
        assert_eq!(name_prefix_from_name(&format!("jobs-{}", "z".repeat(26)), ""), None);
    }

    #[test]
    fn names_follow_sqs_rules() {
        assert!(check_name("jobs-dlq_1", false).is_ok());
        assert!(check_name("jobs.fifo", true).is_ok());
        assert!(check_name("jobs", true).is_err());
        assert!(check_name("jobs.fifo", false).is_err());
        assert!(check_name(&"a".repeat(81), false).is_err());
        assert!(check_name(&format!("{}.fifo", "a".repeat(76)), true).is_err());
    }

    #[test]
    fn creates_send_what_differs_from_sqs_zero_values_and_updates_what_changes() {
        let planned = Value::object([
            ("fifo_queue", Value::Bool(false)),
            ("content_based_deduplication", Value::Bool(false)),
            ("delay_seconds", Value::from(0)),
            ("visibility_timeout_seconds", Value::from(60)),
            ("redrive_policy", Value::str(r#"{"maxReceiveCount":3}"#)),
            ("policy", Value::Unknown),
            ("sqs_managed_sse_enabled", Value::Bool(false)),
        ]);
        let sent = create_attributes(&planned);
        assert_eq!(sent.get("VisibilityTimeout").map(String::as_str), Some("60"));
        assert_eq!(sent.get("SqsManagedSseEnabled").map(String::as_str), Some("false"));
        assert!(sent.contains_key("RedrivePolicy"));
        for absent in ["DelaySeconds", "ContentBasedDeduplication", "Policy", "FifoQueue"] {
            assert!(!sent.contains_key(absent), "{absent} sent: {sent:?}");
        }
        let mut next = planned.clone();
        if let Value::Object(m) = &mut next {
            m.insert("redrive_policy".into(), Value::str(r#"{ "maxReceiveCount" : 3 }"#));
            m.insert("delay_seconds".into(), Value::from(5));
        }
        let changed = changed_attributes(&planned, &next);
        assert_eq!(
            changed,
            HashMap::from([("DelaySeconds".to_string(), "5".to_string())]),
            "the same redrive policy spelled differently is no change"
        );
    }
}
