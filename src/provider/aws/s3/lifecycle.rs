//! `aws_s3_bucket_lifecycle_configuration`: expiry and transition rules of a bucket.

use super::companion::get_once;
use crate::provider::aws::common::{absent_on, aws_err, build_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_at_least, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag,
    Transition, TransitionDefaultMinimumObjectSize, TransitionStorageClass,
};
use std::sync::Arc;

/// The `aws_s3_bucket_lifecycle_configuration` resource type.
pub struct BucketLifecycle {
    c: Arc<Clients>,
    schema: Schema,
}

fn first(v: &Value, block: &str) -> Option<Value> {
    v.get(block).as_list().and_then(|l| l.first()).cloned()
}

use crate::provider::aws::common::opt_i32 as int;

/// A `rule` block as S3 takes it.
pub fn to_rule(r: &Value) -> PResult<LifecycleRule> {
    let status = match opt_str(r, "status").as_deref() {
        Some("Enabled") => ExpirationStatus::Enabled,
        Some("Disabled") => ExpirationStatus::Disabled,
        other => {
            return Err(ProviderError::msg(format!(
                "rule status must be Enabled or Disabled, not {other:?}"
            )))
        }
    };
    let mut rule = LifecycleRule::builder().set_id(opt_str(r, "id")).status(status);
    let filter = match first(r, "filter") {
        Some(f) => {
            let tag = match first(&f, "tag") {
                Some(t) => Some(
                    Tag::builder()
                        .key(opt_str(&t, "key").unwrap_or_default())
                        .value(opt_str(&t, "value").unwrap_or_default())
                        .build()
                        .map_err(build_err)?,
                ),
                None => None,
            };
            let and = first(&f, "and").map(|a| and_operator(&a)).transpose()?;
            LifecycleRuleFilter::builder()
                .set_and(and)
                .set_prefix(f.get("prefix").to_plain_string())
                .set_object_size_greater_than(f.get("object_size_greater_than").as_number().map(|n| n as i64))
                .set_object_size_less_than(f.get("object_size_less_than").as_number().map(|n| n as i64))
                .set_tag(tag)
                .build()
        }
        // No filter and no prefix: the rule applies to every object.
        None => LifecycleRuleFilter::builder()
            .prefix(opt_str(r, "prefix").unwrap_or_default())
            .build(),
    };
    rule = rule.filter(filter);
    if let Some(e) = first(r, "expiration") {
        rule = rule.expiration(
            LifecycleExpiration::builder()
                .set_date(date(&e)?)
                .set_days(int(&e, "days"))
                .set_expired_object_delete_marker(e.get("expired_object_delete_marker").as_bool())
                .build(),
        );
    }
    if let Some(e) = first(r, "noncurrent_version_expiration") {
        rule = rule.noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(int(&e, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(&e, "newer_noncurrent_versions"))
                .build(),
        );
    }
    if let Some(a) = first(r, "abort_incomplete_multipart_upload") {
        rule = rule.abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(int(&a, "days_after_initiation"))
                .build(),
        );
    }
    for t in r.get("transition").as_list().unwrap_or(&[]) {
        rule = rule.transitions(
            Transition::builder()
                .set_date(date(t)?)
                .set_days(int(t, "days"))
                .storage_class(TransitionStorageClass::from(
                    opt_str(t, "storage_class").unwrap_or_default().as_str(),
                ))
                .build(),
        );
    }
    for t in r.get("noncurrent_version_transition").as_list().unwrap_or(&[]) {
        rule = rule.noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(int(t, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(t, "newer_noncurrent_versions"))
                .storage_class(TransitionStorageClass::from(
                    opt_str(t, "storage_class").unwrap_or_default().as_str(),
                ))
                .build(),
        );
    }
    rule.build().map_err(build_err)
}

/// A block's `date`: RFC 3339 (`2030-01-01T00:00:00Z`), or a day (`2030-01-01`), midnight UTC
/// as the provider's legacy `lifecycle_rule` blocks write it.
fn date(v: &Value) -> PResult<Option<aws_smithy_types::DateTime>> {
    let Some(d) = opt_str(v, "date").filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let full = if d.len() == 10 {
        format!("{d}T00:00:00Z")
    } else {
        d.clone()
    };
    aws_smithy_types::DateTime::from_str(&full, aws_smithy_types::date_time::Format::DateTime)
        .map(Some)
        .map_err(|e| ProviderError::msg(format!("invalid date \"{d}\": {e}")))
}

/// A date S3 holds, as RFC 3339.
fn date_value(d: Option<&aws_smithy_types::DateTime>) -> Value {
    Value::from(d.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()))
}

/// A filter's `and` block: every condition must hold. A size bound of 0 below is no bound
/// (the provider's legacy handling of the Computed attribute), and no tags are none.
fn and_operator(a: &Value) -> PResult<LifecycleRuleAndOperator> {
    let tags = super::filter::tags(a.get("tags"))?;
    Ok(LifecycleRuleAndOperator::builder()
        .set_prefix(opt_str(a, "prefix"))
        .set_object_size_greater_than(a.get("object_size_greater_than").as_number().map(|n| n as i64))
        .set_object_size_less_than(
            a.get("object_size_less_than")
                .as_number()
                .map(|n| n as i64)
                .filter(|n| *n != 0),
        )
        .set_tags(Some(tags).filter(|t| !t.is_empty()))
        .build())
}

/// S3's `And` operator as the `and` block; absent conditions read as the provider's legacy
/// zero values (0, "").
fn and_value(a: &LifecycleRuleAndOperator) -> Value {
    Value::object([
        (
            "object_size_greater_than",
            Value::Number(a.object_size_greater_than().unwrap_or(0) as f64),
        ),
        (
            "object_size_less_than",
            Value::Number(a.object_size_less_than().unwrap_or(0) as f64),
        ),
        ("prefix", Value::str(a.prefix().unwrap_or_default())),
        ("tags", super::filter::tags_value(a.tags())),
    ])
}

fn num(n: Option<i32>) -> Value {
    n.map(|x| Value::Number(x as f64)).unwrap_or(Value::Null)
}

fn single(v: Option<Value>) -> Value {
    Value::List(v.into_iter().collect())
}

/// A lifecycle rule as a `rule` block; `configured` is the blueprint's block of the same id.
pub fn from_rule(r: &LifecycleRule, configured: Option<&Value>) -> Value {
    let filter = r.filter().map(|f| {
        Value::object([
            ("and", single(f.and().map(and_value))),
            ("prefix", Value::from(f.prefix())),
            (
                "object_size_greater_than",
                f.object_size_greater_than()
                    .map(|n| Value::Number(n as f64))
                    .unwrap_or_default(),
            ),
            (
                "object_size_less_than",
                f.object_size_less_than()
                    .map(|n| Value::Number(n as f64))
                    .unwrap_or_default(),
            ),
            (
                "tag",
                single(
                    f.tag()
                        .map(|t| Value::object([("key", Value::str(t.key())), ("value", Value::str(t.value()))])),
                ),
            ),
        ])
    });
    // A rule written without filter is sent with an empty prefix filter; read it back the same way.
    let filter = match (
        filter,
        configured.map(|c| c.get("filter").as_list().is_some_and(|l| !l.is_empty())),
    ) {
        (Some(f), Some(false)) if f.get("prefix").as_str().unwrap_or("").is_empty() => None,
        (f, _) => f,
    };
    Value::object([
        ("id", Value::from(r.id())),
        ("status", Value::str(r.status().as_str())),
        (
            "prefix",
            configured.map(|c| c.get("prefix").clone()).unwrap_or_default(),
        ),
        ("filter", single(filter)),
        (
            "expiration",
            single(r.expiration().map(|e| {
                Value::object([
                    ("days", num(e.days())),
                    ("date", date_value(e.date())),
                    (
                        "expired_object_delete_marker",
                        Value::from(e.expired_object_delete_marker()),
                    ),
                ])
            })),
        ),
        (
            "noncurrent_version_expiration",
            single(r.noncurrent_version_expiration().map(|e| {
                Value::object([
                    ("noncurrent_days", num(e.noncurrent_days())),
                    ("newer_noncurrent_versions", num(e.newer_noncurrent_versions())),
                ])
            })),
        ),
        (
            "abort_incomplete_multipart_upload",
            single(
                r.abort_incomplete_multipart_upload()
                    .map(|a| Value::object([("days_after_initiation", num(a.days_after_initiation()))])),
            ),
        ),
        (
            "transition",
            Value::List(
                r.transitions()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("days", num(t.days())),
                            ("date", date_value(t.date())),
                            (
                                "storage_class",
                                Value::from(t.storage_class().map(|s| s.as_str().to_string())),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_transition",
            Value::List(
                r.noncurrent_version_transitions()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("noncurrent_days", num(t.noncurrent_days())),
                            ("newer_noncurrent_versions", num(t.newer_noncurrent_versions())),
                            (
                                "storage_class",
                                Value::from(t.storage_class().map(|s| s.as_str().to_string())),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

/// The smallest object S3 transitions when the blueprint says nothing: the provider plans
/// this for general purpose buckets whenever the argument is unset.
const TDMOS_DEFAULT: &str = "all_storage_classes_128K";

/// Where lifecycle transitions may move objects.
pub const STORAGE_CLASSES: &[&str] = &[
    "GLACIER",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
];

impl BucketLifecycle {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BucketLifecycle {
        let schema = resource("aws_s3_bucket_lifecycle_configuration")
            .arg("bucket")
            .force_new()
            .arg("expected_bucket_owner")
            .force_new()
            .args(&["rule"])
            .arg("transition_default_minimum_object_size")
            .default_when_unset(TDMOS_DEFAULT)
            .check(one_of(&["varies_by_storage_class", TDMOS_DEFAULT]))
            .arg("rule.filter.and.object_size_greater_than")
            .check(int_at_least(0))
            .arg("rule.filter.and.object_size_less_than")
            .check(int_at_least(1))
            .arg("expected_bucket_owner")
            .check(super::companion::account_id())
            .arg("rule.id")
            .check(len_between(1, 255))
            .arg("rule.status")
            .check(one_of(&["Disabled", "Enabled"]))
            .arg("rule.transition.storage_class")
            .check(one_of(STORAGE_CLASSES))
            .arg("rule.noncurrent_version_transition.storage_class")
            .check(one_of(STORAGE_CLASSES))
            .timeouts(3, 3, 0)
            .build();
        BucketLifecycle { c, schema }
    }
}

#[async_trait]
impl ResourceType for BucketLifecycle {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_lifecycle_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = required(planned, "bucket")?;
        put_config(&self.c, &bucket, planned).await?;
        must_exist(
            self.read(ctx, &bucket, planned).await?,
            "lifecycle configuration of bucket",
            &bucket,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((rules, minimum)) = get_config(&self.c, id).await? else {
            return Ok(None);
        };
        let configured = prior.get("rule").as_list().unwrap_or(&[]).to_vec();
        let rules: Vec<Value> = rules
            .iter()
            .map(|r| {
                let mine = configured.iter().find(|c| c.get("id").as_str() == r.id());
                from_rule(r, mine)
            })
            .collect();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            ("expected_bucket_owner", prior.get("expected_bucket_owner").clone()),
            ("rule", Value::List(rules)),
            ("transition_default_minimum_object_size", Value::from(minimum)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        put_config(&self.c, id, planned).await?;
        must_exist(
            self.read(ctx, id, planned).await?,
            "lifecycle configuration of bucket",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .s3
            .delete_bucket_lifecycle()
            .bucket(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchBucket"]).map(|_| ())
    }
}

/// Writes the `rule` blocks of `v` (and its `transition_default_minimum_object_size`) as the
/// bucket's lifecycle configuration; the inline `lifecycle_rule` blocks of `aws_s3_bucket` are
/// converted to this shape and written here too.
pub async fn put_config(c: &Clients, bucket: &str, v: &Value) -> PResult<()> {
    let rules = v
        .get("rule")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(to_rule)
        .collect::<PResult<Vec<_>>>()?;
    if rules.is_empty() {
        return Err(ProviderError::msg("at least one rule block is required"));
    }
    let config = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(build_err)?;
    c.s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(config)
        .set_transition_default_minimum_object_size(
            opt_str(v, "transition_default_minimum_object_size")
                .map(|s| TransitionDefaultMinimumObjectSize::from(s.as_str())),
        )
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// The bucket's lifecycle rules and its `transition_default_minimum_object_size`; `None` when the
/// bucket is gone or has no lifecycle configuration. Shared with the inline `lifecycle_rule`
/// blocks of `aws_s3_bucket`.
pub async fn get_config(c: &Clients, bucket: &str) -> PResult<Option<(Vec<LifecycleRule>, Option<String>)>> {
    let out = get_once(c, "GetBucketLifecycleConfiguration", bucket, None, async {
        c.s3.get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
            .map_err(aws_err)
    })
    .await;
    Ok(
        absent_on(out, &["NoSuchBucket", "NoSuchLifecycleConfiguration"])?.map(|out| {
            let minimum = out
                .transition_default_minimum_object_size()
                .map(|s| s.as_str().to_string());
            (out.rules().to_vec(), minimum)
        }),
    )
}
