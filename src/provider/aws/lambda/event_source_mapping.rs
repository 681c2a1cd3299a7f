//! `aws_lambda_event_source_mapping`: Lambda polling an SQS queue, a DynamoDB stream or a
//! Kinesis stream and invoking a function with batches of what it finds, as the provider's
//! `resourceEventSourceMapping` does it. The source and the starting position replace the
//! mapping; everything else (the function too) changes in place with UpdateEventSourceMapping.
//! Create and update are retried while the function's role is not yet usable by Lambda, then
//! wait for the mapping to settle `Enabled` or `Disabled`; delete waits until it is gone. The
//! id is the mapping's UUID, which `import` takes.
//!
//! As in the provider, `function_name` is read back as the function's ARN and a name and an
//! ARN of one function are the same; an unset `batch_size` is the source's default (10 for
//! SQS, 100 for streams), and an unset `destination_config` keeps what Lambda has (the
//! provider suppresses that difference). Kafka, MQ and DocumentDB sources, queues, topics,
//! metrics and provisioned pollers are refused when set (not supported by infractl yet).

use super::{keep_equivalent_function, same_function, sync_lambda_tags, NOT_FOUND, PROPAGATION};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, first, list_value, must_exist, opt_bool, opt_i32, opt_str, owns,
    required, retry_while, retry_while_matching, str_list, tags_to_write, user_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, arn, int_at_least, int_between, int_in, len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput;
use aws_sdk_lambda::types::{
    DestinationConfig, EventSourcePosition, Filter, FilterCriteria, FunctionResponseType, OnFailure, ScalingConfig,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lambda_event_source_mapping` resource type.
pub struct EventSourceMapping {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider waits for a new or changed mapping to settle (its waiters' timeout).
const SETTLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// How long the provider waits for a mapping to go, and retries a delete while it is in use.
const DELETE_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// States a mapping passes through on its way to `Enabled` or `Disabled`.
const SETTLING: &[&str] = &["Creating", "Enabling", "Disabling", "Updating"];

impl EventSourceMapping {
    /// Creates the type with its clients. Validators are the provider's.
    pub fn new(c: Arc<Clients>) -> EventSourceMapping {
        let schema = resource("aws_lambda_event_source_mapping")
            .arg("event_source_arn")
            .force_new()
            .arg("function_name")
            .arg("enabled")
            .default(true)
            .arg("batch_size")
            .arg("maximum_batching_window_in_seconds")
            .arg("starting_position")
            .force_new()
            .check(one_of(&["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]))
            .arg("filter_criteria.filter.pattern")
            .check(len_between(0, 4096))
            .arg("scaling_config.maximum_concurrency")
            .check(int_at_least(2))
            .arg("function_response_types")
            .check(one_of(&["ReportBatchItemFailures"]))
            .arg("destination_config")
            .live_if_unset()
            .arg("destination_config.on_failure.destination_arn")
            .check(arn())
            .arg("bisect_batch_on_function_error")
            .arg("maximum_record_age_in_seconds")
            .check(any_of(vec![int_in(&[-1]), int_between(60, 604_800)]))
            .arg("maximum_retry_attempts")
            .check(int_between(-1, 10_000))
            .arg("parallelization_factor")
            .check(int_between(1, 10))
            .arg("tumbling_window_in_seconds")
            .check(int_between(0, 900))
            .arg("kms_key_arn")
            .check(arn())
            .args(&["tags"])
            .rule(Rule::ExactlyOne(&["event_source_arn", "self_managed_event_source"]))
            .build();
        EventSourceMapping { c, schema }
    }

    /// GetEventSourceMapping; `None` when Lambda has no mapping of that UUID.
    async fn get(&self, uuid: &str) -> PResult<Option<GetEventSourceMappingOutput>> {
        let r = self
            .c
            .lambda
            .get_event_source_mapping()
            .uuid(uuid)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }

    /// Waits for the mapping to leave the transitional states for `Enabled` or `Disabled` (the
    /// provider's `waitEventSourceMappingCreated`/`Updated`); another state ends the wait with
    /// Lambda's reason.
    async fn wait_settled(&self, uuid: &str) -> PResult<()> {
        wait_for(Wait::new(uuid, "Enabled or Disabled", SETTLE_TIMEOUT), || async {
            let Some(out) = self.get(uuid).await? else {
                return Ok(Poll::pending("not found yet"));
            };
            match out.state().unwrap_or_default() {
                "Enabled" | "Disabled" => Ok(Poll::Ready(())),
                s if SETTLING.contains(&s) => Ok(Poll::pending(s)),
                s => Err(ProviderError::msg(format!(
                    "Lambda event source mapping {uuid} is {s}: {}",
                    out.state_transition_reason().unwrap_or("no reason given")
                ))),
            }
        })
        .await
    }

    /// The mapping's tags (ListTags on its ARN).
    async fn tags(&self, arn: &str) -> PResult<Vec<(String, String)>> {
        let out = self.c.lambda.list_tags().resource(arn).send().await.map_err(aws_err)?;
        let mut tags: Vec<(String, String)> = out
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        tags.sort();
        Ok(tags)
    }
}

/// True for the errors the provider's `retryEventSourceMapping` retries: the function's role
/// not yet usable by Lambda, or not yet allowed to read the source.
fn role_settling(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("InvalidParameterValueException")
        && [
            "cannot be assumed by Lambda",
            "execution role does not have permissions",
            "ensure the role can perform",
        ]
        .iter()
        .any(|s| e.message.contains(s))
}

/// The batch size Lambda gives a mapping of this source when none is sent, by the service in
/// its ARN (the provider's `batch_size` DiffSuppressFunc); `None` for a service it does not
/// know.
pub fn default_batch_size(source_arn: &str) -> Option<i64> {
    match source_arn.split(':').nth(2)? {
        "dynamodb" | "kinesis" | "kafka" | "mq" | "rds" => Some(100),
        "sqs" => Some(10),
        _ => None,
    }
}

/// A number argument the provider sends only when set and not zero (its `GetOk`).
fn nonzero(v: &Value, k: &str) -> Option<i32> {
    opt_i32(v, k).filter(|n| *n != 0)
}

/// `destination_config` as Lambda takes it, when the blueprint has the block.
fn destination(planned: &Value) -> Option<DestinationConfig> {
    let block = first(planned, "destination_config")?;
    let on_failure = first(block, "on_failure").map(|f| {
        OnFailure::builder()
            .set_destination(opt_str(f, "destination_arn"))
            .build()
    });
    Some(DestinationConfig::builder().set_on_failure(on_failure).build())
}

/// `filter_criteria` as Lambda takes it; an empty one (no filters) when the block is absent,
/// which is how an update removes them (Lambda ignores a removal sent as nothing).
fn filter_criteria(planned: &Value) -> FilterCriteria {
    let filters: Vec<Filter> = first(planned, "filter_criteria")
        .and_then(|c| c.get("filter").as_list())
        .map(|l| {
            l.iter()
                .map(|f| {
                    Filter::builder()
                        .pattern(f.get("pattern").to_plain_string().unwrap_or_default())
                        .build()
                })
                .collect()
        })
        .unwrap_or_default();
    FilterCriteria::builder()
        .set_filters((!filters.is_empty()).then_some(filters))
        .build()
}

/// `scaling_config` as Lambda takes it; an empty one when the block is absent (the removal).
fn scaling(planned: &Value) -> ScalingConfig {
    ScalingConfig::builder()
        .set_maximum_concurrency(first(planned, "scaling_config").and_then(|s| nonzero(s, "maximum_concurrency")))
        .build()
}

/// `function_response_types` as Lambda takes them.
fn response_types(planned: &Value) -> Vec<FunctionResponseType> {
    str_list(planned, "function_response_types")
        .iter()
        .map(|t| FunctionResponseType::from(t.as_str()))
        .collect()
}

/// True when the blueprint has the block.
fn has_block(planned: &Value, k: &str) -> bool {
    first(planned, k).is_some()
}

/// The mapping as state holds it, from GetEventSourceMapping and its tags.
fn to_state(out: &GetEventSourceMappingOutput, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let n = |v: Option<i32>| Value::from(v.map(i64::from));
    let uuid = out.uuid().unwrap_or_default();
    let enabled = match out.state() {
        Some("Enabled" | "Enabling") => Value::Bool(true),
        Some("Disabled" | "Disabling") => Value::Bool(false),
        _ => Value::Null,
    };
    // Criteria without a filter are none (Lambda answers that way once they are removed).
    let filters: Vec<Value> = out
        .filter_criteria()
        .map(|c| {
            c.filters()
                .iter()
                .map(|f| Value::object([("pattern", s(f.pattern()))]))
                .collect()
        })
        .unwrap_or_default();
    let filter_criteria = if filters.is_empty() {
        Vec::new()
    } else {
        vec![Value::object([("filter", Value::List(filters))])]
    };
    let scaling_config: Vec<Value> = out
        .scaling_config()
        .map(|c| Value::object([("maximum_concurrency", n(c.maximum_concurrency()))]))
        .into_iter()
        .collect();
    let destination_config: Vec<Value> = out
        .destination_config()
        .map(|d| {
            let on_failure: Vec<Value> = d
                .on_failure()
                .map(|f| Value::object([("destination_arn", s(f.destination()))]))
                .into_iter()
                .collect();
            Value::object([("on_failure", Value::List(on_failure))])
        })
        .into_iter()
        .collect();
    Value::object([
        ("id", Value::str(uuid)),
        ("uuid", Value::str(uuid)),
        ("arn", s(out.event_source_mapping_arn())),
        ("event_source_arn", s(out.event_source_arn())),
        // The provider reads the function back as its ARN.
        ("function_name", s(out.function_arn())),
        ("function_arn", s(out.function_arn())),
        ("enabled", enabled),
        ("batch_size", n(out.batch_size())),
        (
            "maximum_batching_window_in_seconds",
            n(out.maximum_batching_window_in_seconds()),
        ),
        ("starting_position", s(out.starting_position().map(|p| p.as_str()))),
        (
            "starting_position_timestamp",
            Value::from(out.starting_position_timestamp().map(rfc3339)),
        ),
        ("filter_criteria", Value::List(filter_criteria)),
        ("scaling_config", Value::List(scaling_config)),
        (
            "function_response_types",
            list_value(out.function_response_types().iter().map(|t| t.as_str().to_string())),
        ),
        ("destination_config", Value::List(destination_config)),
        (
            "bisect_batch_on_function_error",
            Value::from(out.bisect_batch_on_function_error()),
        ),
        ("maximum_record_age_in_seconds", n(out.maximum_record_age_in_seconds())),
        ("maximum_retry_attempts", n(out.maximum_retry_attempts())),
        ("parallelization_factor", n(out.parallelization_factor())),
        ("tumbling_window_in_seconds", n(out.tumbling_window_in_seconds())),
        ("kms_key_arn", s(out.kms_key_arn())),
        ("queues", list_value(out.queues().iter().cloned())),
        ("topics", list_value(out.topics().iter().cloned())),
        ("state", s(out.state())),
        ("state_transition_reason", s(out.state_transition_reason())),
        ("last_modified", Value::from(out.last_modified().map(rfc3339))),
        ("last_processing_result", s(out.last_processing_result())),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for EventSourceMapping {
    fn type_name(&self) -> &'static str {
        "aws_lambda_event_source_mapping"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (function, source) = (
            required(planned, "function_name")?,
            required(planned, "event_source_arn")?,
        );
        let tags: HashMap<String, String> = tags_to_write(ctx, planned).into_iter().collect();
        let types = response_types(planned);
        let req = self
            .c
            .lambda
            .create_event_source_mapping()
            .function_name(&function)
            .event_source_arn(&source)
            .enabled(opt_bool(planned, "enabled").unwrap_or(true))
            .set_batch_size(nonzero(planned, "batch_size"))
            .set_bisect_batch_on_function_error(opt_bool(planned, "bisect_batch_on_function_error").filter(|b| *b))
            .set_destination_config(destination(planned))
            .set_filter_criteria(has_block(planned, "filter_criteria").then(|| filter_criteria(planned)))
            .set_function_response_types((!types.is_empty()).then_some(types))
            .set_kms_key_arn(opt_str(planned, "kms_key_arn"))
            .set_maximum_batching_window_in_seconds(nonzero(planned, "maximum_batching_window_in_seconds"))
            .set_maximum_record_age_in_seconds(nonzero(planned, "maximum_record_age_in_seconds"))
            .set_maximum_retry_attempts(opt_i32(planned, "maximum_retry_attempts"))
            .set_parallelization_factor(nonzero(planned, "parallelization_factor"))
            .set_scaling_config(has_block(planned, "scaling_config").then(|| scaling(planned)))
            .set_starting_position(opt_str(planned, "starting_position").map(|p| EventSourcePosition::from(p.as_str())))
            .set_tumbling_window_in_seconds(nonzero(planned, "tumbling_window_in_seconds"))
            .set_tags((!tags.is_empty()).then_some(tags));
        let out = retry_while_matching(role_settling, PROPAGATION, || async {
            req.clone().send().await.map_err(aws_err)
        })
        .await
        .map_err(|e| e.context(format!("creating Lambda event source mapping ({source})")))?;
        let uuid = out
            .uuid()
            .ok_or_else(|| ProviderError::msg("CreateEventSourceMapping returned no UUID"))?
            .to_string();
        self.wait_settled(&uuid).await?;
        must_exist(
            self.read(ctx, &uuid, planned).await?,
            "Lambda event source mapping",
            &uuid,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = self.get(id).await? else {
            return Ok(None);
        };
        let tags = match out.event_source_mapping_arn() {
            Some(arn) => self.tags(arn).await?,
            None => Vec::new(),
        };
        Ok(Some(to_state(&out, tags, prior)))
    }

    /// UpdateEventSourceMapping with what changed (the provider's `HasChange` list); removed
    /// filter criteria and scaling are sent empty, which is how Lambda takes their removal.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // The value sent to update is planned without the type's plan refinements, so an
        // unset batch size is the source's default here too, a function named by its name
        // is the one state holds by its ARN, and an unset number or switch is the zero AWS
        // reports (the provider's SDK holds them so).
        let zero = |v: &Value| v.is_null() || v.as_number() == Some(0.0) || v.as_bool() == Some(false);
        let ch = |k: &str| differs(prior, planned, k) && !(zero(prior.get(k)) && zero(planned.get(k)));
        let int = |k: &str| ch(k).then(|| opt_i32(planned, k).unwrap_or(0));
        let batch_size = nonzero(planned, "batch_size").or_else(|| {
            opt_str(planned, "event_source_arn")
                .and_then(|a| default_batch_size(&a))
                .map(|n| n as i32)
        });
        let batch_changed = batch_size.is_some() && batch_size != opt_i32(prior, "batch_size");
        let function_changed = match (opt_str(prior, "function_name"), opt_str(planned, "function_name")) {
            (Some(old), Some(new)) => !same_function(&old, &new),
            (_, new) => new.is_some(),
        };
        let req = self
            .c
            .lambda
            .update_event_source_mapping()
            .uuid(id)
            .set_batch_size(batch_size.filter(|_| batch_changed))
            .set_bisect_batch_on_function_error(
                ch("bisect_batch_on_function_error")
                    .then(|| opt_bool(planned, "bisect_batch_on_function_error").unwrap_or(false)),
            )
            .set_destination_config(ch("destination_config").then(|| destination(planned)).flatten())
            .set_enabled(ch("enabled").then(|| opt_bool(planned, "enabled").unwrap_or(true)))
            .set_filter_criteria(ch("filter_criteria").then(|| filter_criteria(planned)))
            .set_function_name(function_changed.then(|| opt_str(planned, "function_name")).flatten())
            .set_function_response_types(ch("function_response_types").then(|| response_types(planned)))
            .set_kms_key_arn(ch("kms_key_arn").then(|| opt_str(planned, "kms_key_arn").unwrap_or_default()))
            .set_maximum_batching_window_in_seconds(int("maximum_batching_window_in_seconds"))
            .set_maximum_record_age_in_seconds(int("maximum_record_age_in_seconds"))
            .set_maximum_retry_attempts(int("maximum_retry_attempts"))
            .set_parallelization_factor(int("parallelization_factor"))
            .set_scaling_config(ch("scaling_config").then(|| scaling(planned)))
            .set_tumbling_window_in_seconds(int("tumbling_window_in_seconds"));
        let settings = [
            "bisect_batch_on_function_error",
            "destination_config",
            "enabled",
            "filter_criteria",
            "function_response_types",
            "kms_key_arn",
            "maximum_batching_window_in_seconds",
            "maximum_record_age_in_seconds",
            "maximum_retry_attempts",
            "parallelization_factor",
            "scaling_config",
            "tumbling_window_in_seconds",
        ];
        if batch_changed || function_changed || settings.iter().any(|&k| ch(k)) {
            retry_while_matching(role_settling, PROPAGATION, || async {
                req.clone().send().await.map_err(aws_err)
            })
            .await?;
            self.wait_settled(id).await?;
        }
        if let Some(arn) = opt_str(prior, "arn") {
            sync_lambda_tags(&self.c, &arn, prior, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "Lambda event source mapping", id)
    }

    /// DeleteEventSourceMapping, retried while Lambda says the mapping is in use, then waits
    /// until it is gone.
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = retry_while(&["ResourceInUseException"], DELETE_TIMEOUT, || async {
            self.c
                .lambda
                .delete_event_source_mapping()
                .uuid(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        if absent_on(r, NOT_FOUND)?.is_none() {
            return Ok(());
        }
        wait_for(Wait::new(id, "deleted", DELETE_TIMEOUT), || async {
            Ok(match self.get(id).await? {
                None => Poll::Ready(()),
                Some(out) => Poll::pending(out.state().unwrap_or("Deleting")),
            })
        })
        .await
    }

    /// A mapping this stack created for this address (a run killed after the create call):
    /// one of the same source and function carrying the stack's tags, which the create wrote.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(source), Some(function)) = (opt_str(planned, "event_source_arn"), opt_str(planned, "function_name"))
        else {
            return Ok(None);
        };
        let out = self
            .c
            .lambda
            .list_event_source_mappings()
            .event_source_arn(&source)
            .send()
            .await
            .map_err(aws_err)?;
        for m in out.event_source_mappings() {
            let (Some(uuid), Some(arn)) = (m.uuid(), m.event_source_mapping_arn()) else {
                continue;
            };
            if !m.function_arn().is_some_and(|f| same_function(f, &function)) {
                continue;
            }
            let tags = self.tags(arn).await?;
            if owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) {
                return Ok(Some(uuid.to_string()));
            }
        }
        Ok(None)
    }

    /// A function named by its ARN in one place and by its name in the other is the same
    /// function (the provider's `suppressEquivalentFunctionNameOrARN`), and an unset batch size
    /// is the source's default, which Lambda reports (the provider's `batch_size`
    /// DiffSuppressFunc): neither is a change.
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        keep_equivalent_function(prior, planned);
        let unset = config.get("batch_size").is_null() || config.get("batch_size").as_number() == Some(0.0);
        let default = opt_str(planned, "event_source_arn").and_then(|a| default_batch_size(&a));
        if let (true, Some(n), Value::Object(m)) = (unset, default, &mut *planned) {
            m.insert("batch_size".into(), Value::from(n));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_sizes_default_by_the_sources_service() {
        assert_eq!(default_batch_size("arn:aws:sqs:us-east-1:123456789012:q"), Some(10));
        assert_eq!(
            default_batch_size("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000"),
            Some(100)
        );
        assert_eq!(
            default_batch_size("arn:aws:kinesis:us-east-1:123456789012:stream/s"),
            Some(100)
        );
        assert_eq!(default_batch_size("arn:aws:s3:::bucket"), None);
        assert_eq!(default_batch_size("not an arn"), None);
    }

    #[test]
    fn removed_criteria_and_scaling_are_sent_empty() {
        let none = Value::object([
            ("filter_criteria", Value::List(vec![])),
            ("scaling_config", Value::Null),
        ]);
        assert!(filter_criteria(&none).filters().is_empty());
        assert_eq!(scaling(&none).maximum_concurrency(), None);
        let set = Value::object([
            (
                "filter_criteria",
                Value::List(vec![Value::object([(
                    "filter",
                    Value::List(vec![Value::object([(
                        "pattern",
                        Value::str(r#"{"body":{"a":["1"]}}"#),
                    )])]),
                )])]),
            ),
            (
                "scaling_config",
                Value::List(vec![Value::object([("maximum_concurrency", Value::from(5i64))])]),
            ),
        ]);
        assert_eq!(
            filter_criteria(&set).filters()[0].pattern(),
            Some(r#"{"body":{"a":["1"]}}"#)
        );
        assert_eq!(scaling(&set).maximum_concurrency(), Some(5));
    }

    #[test]
    fn a_role_not_yet_usable_is_retried_and_other_errors_are_not() {
        let err = |code: &str, msg: &str| ProviderError {
            code: Some(code.into()),
            message: msg.into(),
        };
        assert!(role_settling(&err(
            "InvalidParameterValueException",
            "The function execution role does not have permissions to call ReceiveMessage on SQS"
        )));
        assert!(!role_settling(&err(
            "InvalidParameterValueException",
            "Unsupported event source type"
        )));
        assert!(!role_settling(&err(
            "ResourceConflictException",
            "cannot be assumed by Lambda"
        )));
    }

    #[test]
    fn state_follows_the_providers_read() {
        let out = GetEventSourceMappingOutput::builder()
            .uuid("u-1")
            .state("Disabling")
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:f")
            .filter_criteria(FilterCriteria::builder().build())
            .batch_size(10)
            .build();
        let s = to_state(&out, vec![], &Value::Null);
        assert_eq!(s.get("id"), &Value::str("u-1"));
        assert_eq!(s.get("enabled"), &Value::Bool(false));
        assert_eq!(s.get("function_name"), s.get("function_arn"));
        assert_eq!(s.get("filter_criteria"), &Value::List(vec![]));
        assert_eq!(s.get("batch_size"), &Value::from(10i64));
    }
}
