//! `aws_s3_bucket_notification`: the events a bucket sends to SNS topics, SQS queues, Lambda
//! functions and EventBridge. The id is the bucket; deleting sends an empty configuration.

use super::companion::{built, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, list_value, opt_bool, opt_str, str_list};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, one_of};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    Event, EventBridgeConfiguration, FilterRule, FilterRuleName, LambdaFunctionConfiguration,
    NotificationConfiguration, NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter, TopicConfiguration,
};
use indexmap::IndexMap;

/// The `aws_s3_bucket_notification` setting.
pub struct Notification;

/// The destination kinds: block name and the block's ARN argument.
const KINDS: [(&str, &str); 3] = [
    ("topic", "topic_arn"),
    ("queue", "queue_arn"),
    ("lambda_function", "lambda_function_arn"),
];

/// A destination block's key filter, events and id, as S3 takes them.
fn parts(v: &Value) -> (Option<String>, Vec<Event>, Option<NotificationConfigurationFilter>) {
    let rules: Vec<FilterRule> = [("prefix", "filter_prefix"), ("suffix", "filter_suffix")]
        .into_iter()
        .filter_map(|(name, arg)| {
            opt_str(v, arg).map(|x| FilterRule::builder().name(FilterRuleName::from(name)).value(x).build())
        })
        .collect();
    let filter = (!rules.is_empty()).then(|| {
        NotificationConfigurationFilter::builder()
            .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
            .build()
    });
    let events = str_list(v, "events").iter().map(|e| Event::from(e.as_str())).collect();
    (opt_str(v, "id"), events, filter)
}

/// A destination as state records it.
fn block(
    id: Option<&str>,
    arn_arg: &str,
    arn: &str,
    events: &[Event],
    filter: Option<&NotificationConfigurationFilter>,
) -> Value {
    let rule = |name: &str| {
        filter
            .and_then(|f| f.key())
            .and_then(|k| {
                k.filter_rules()
                    .iter()
                    .find(|r| r.name().is_some_and(|n| n.as_str().eq_ignore_ascii_case(name)))
            })
            .and_then(|r| r.value().map(str::to_string))
    };
    Value::object([
        ("id", Value::from(id)),
        (arn_arg, Value::str(arn)),
        ("events", list_value(events.iter().map(|e| e.as_str().to_string()))),
        ("filter_prefix", Value::from(rule("prefix"))),
        ("filter_suffix", Value::from(rule("suffix"))),
    ])
}

#[async_trait]
impl BucketSetting for Notification {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_notification"
    }

    fn what(&self) -> &'static str {
        "notifications of"
    }

    fn declare(&self, d: Decl) -> Decl {
        let mut d = d
            .arg("eventbridge")
            .default(false)
            .args(&["topic", "queue", "lambda_function"]);
        for (kind, arn_arg) in KINDS {
            d = d
                .arg(&format!("{kind}.events"))
                .check(one_of(Event::values()))
                .arg(&format!("{kind}.{arn_arg}"))
                .check(arn());
        }
        d
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let list = |k: &str| planned.get(k).as_list().unwrap_or(&[]).to_vec();
        let topics = list("topic")
            .iter()
            .map(|t| {
                let (id, events, filter) = parts(t);
                built(
                    TopicConfiguration::builder()
                        .set_id(id)
                        .topic_arn(opt_str(t, "topic_arn").unwrap_or_default())
                        .set_events(Some(events))
                        .set_filter(filter)
                        .build(),
                )
            })
            .collect::<PResult<Vec<_>>>()?;
        let queues = list("queue")
            .iter()
            .map(|q| {
                let (id, events, filter) = parts(q);
                built(
                    QueueConfiguration::builder()
                        .set_id(id)
                        .queue_arn(opt_str(q, "queue_arn").unwrap_or_default())
                        .set_events(Some(events))
                        .set_filter(filter)
                        .build(),
                )
            })
            .collect::<PResult<Vec<_>>>()?;
        let functions = list("lambda_function")
            .iter()
            .map(|f| {
                let (id, events, filter) = parts(f);
                built(
                    LambdaFunctionConfiguration::builder()
                        .set_id(id)
                        .lambda_function_arn(opt_str(f, "lambda_function_arn").unwrap_or_default())
                        .set_events(Some(events))
                        .set_filter(filter)
                        .build(),
                )
            })
            .collect::<PResult<Vec<_>>>()?;
        let config = NotificationConfiguration::builder()
            .set_topic_configurations(Some(topics))
            .set_queue_configurations(Some(queues))
            .set_lambda_function_configurations(Some(functions))
            .set_event_bridge_configuration(
                (opt_bool(planned, "eventbridge") == Some(true)).then(|| EventBridgeConfiguration::builder().build()),
            )
            .build();
        c.s3.put_bucket_notification_configuration()
            .bucket(&at.bucket)
            .notification_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_notification_configuration()
                .bucket(&at.bucket)
                .send()
                .await
                .map_err(aws_err);
        let Some(out) = absent_on(r, &["NoSuchBucket"])? else {
            return Ok(None);
        };
        let topics = out
            .topic_configurations()
            .iter()
            .map(|t| block(t.id(), "topic_arn", t.topic_arn(), t.events(), t.filter()))
            .collect();
        let queues = out
            .queue_configurations()
            .iter()
            .map(|q| block(q.id(), "queue_arn", q.queue_arn(), q.events(), q.filter()))
            .collect();
        let functions = out
            .lambda_function_configurations()
            .iter()
            .map(|f| {
                block(
                    f.id(),
                    "lambda_function_arn",
                    f.lambda_function_arn(),
                    f.events(),
                    f.filter(),
                )
            })
            .collect();
        Ok(Some(IndexMap::from([
            (
                "eventbridge".to_string(),
                Value::Bool(out.event_bridge_configuration().is_some()),
            ),
            ("topic".to_string(), Value::List(topics)),
            ("queue".to_string(), Value::List(queues)),
            ("lambda_function".to_string(), Value::List(functions)),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.put_bucket_notification_configuration()
                .bucket(&at.bucket)
                .notification_configuration(NotificationConfiguration::builder().build())
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, &["NoSuchBucket"]).map(|_| ())
    }
}
