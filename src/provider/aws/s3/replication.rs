//! `aws_s3_bucket_replication_configuration`: the replication rules of a versioned bucket
//! (destination bucket, storage class, encryption, replication time control, filters). The id
//! is the bucket; `token` (sensitive) is sent, never read back.

use super::companion::{built, first, int, At, BucketSetting};
use super::filter::{tags, tags_value};
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, len_between, one_of};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    AccessControlTranslation, DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination,
    EncryptionConfiguration, ExistingObjectReplication, ExistingObjectReplicationStatus, Metrics, MetricsStatus,
    OwnerOverride, ReplicaModifications, ReplicaModificationsStatus, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleAndOperator, ReplicationRuleFilter, ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus,
    ReplicationTimeValue, SourceSelectionCriteria, SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus, StorageClass,
    Tag,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no replication on it.
const ABSENT: &[&str] = &["NoSuchBucket", "ReplicationConfigurationNotFoundError"];

/// The `aws_s3_bucket_replication_configuration` setting.
pub struct Replication;

/// A `{ status = "..." }` block's status.
fn status(v: &Value, block: &str) -> Option<String> {
    first(v, block).and_then(|b| opt_str(b, "status"))
}

/// A `{ status = "..." }` block as state records it.
fn status_block(s: Option<&str>) -> Value {
    Value::List(
        s.map(|s| Value::object([("status", Value::str(s))]))
            .into_iter()
            .collect(),
    )
}

fn filter(f: &Value) -> PResult<ReplicationRuleFilter> {
    let and = first(f, "and")
        .map(|a| -> PResult<_> {
            Ok(ReplicationRuleAndOperator::builder()
                .set_prefix(opt_str(a, "prefix"))
                .set_tags(Some(tags(a.get("tags"))?))
                .build())
        })
        .transpose()?;
    let tag = first(f, "tag")
        .map(|t| {
            built(
                Tag::builder()
                    .key(opt_str(t, "key").unwrap_or_default())
                    .value(opt_str(t, "value").unwrap_or_default())
                    .build(),
            )
        })
        .transpose()?;
    // An empty filter means every object: S3 takes it as an empty prefix.
    let prefix = opt_str(f, "prefix").or_else(|| (and.is_none() && tag.is_none()).then(String::new));
    Ok(ReplicationRuleFilter::builder()
        .set_prefix(prefix)
        .set_tag(tag)
        .set_and(and)
        .build())
}

fn destination(d: &Value) -> PResult<Destination> {
    let translation = first(d, "access_control_translation")
        .map(|a| {
            built(
                AccessControlTranslation::builder()
                    .owner(OwnerOverride::from(opt_str(a, "owner").unwrap_or_default().as_str()))
                    .build(),
            )
        })
        .transpose()?;
    let metrics = first(d, "metrics")
        .map(|m| {
            built(
                Metrics::builder()
                    .status(MetricsStatus::from(opt_str(m, "status").unwrap_or_default().as_str()))
                    .set_event_threshold(
                        first(m, "event_threshold")
                            .map(|t| ReplicationTimeValue::builder().set_minutes(int(t, "minutes")).build()),
                    )
                    .build(),
            )
        })
        .transpose()?;
    let time = first(d, "replication_time")
        .map(|r| {
            built(
                ReplicationTime::builder()
                    .status(ReplicationTimeStatus::from(
                        opt_str(r, "status").unwrap_or_default().as_str(),
                    ))
                    .time(
                        ReplicationTimeValue::builder()
                            .set_minutes(first(r, "time").and_then(|t| int(t, "minutes")))
                            .build(),
                    )
                    .build(),
            )
        })
        .transpose()?;
    built(
        Destination::builder()
            .bucket(opt_str(d, "bucket").unwrap_or_default())
            .set_account(opt_str(d, "account"))
            .set_storage_class(opt_str(d, "storage_class").map(|s| StorageClass::from(s.as_str())))
            .set_access_control_translation(translation)
            .set_encryption_configuration(first(d, "encryption_configuration").map(|e| {
                EncryptionConfiguration::builder()
                    .set_replica_kms_key_id(opt_str(e, "replica_kms_key_id"))
                    .build()
            }))
            .set_metrics(metrics)
            .set_replication_time(time)
            .build(),
    )
}

fn rule(r: &Value) -> PResult<ReplicationRule> {
    let criteria = first(r, "source_selection_criteria")
        .map(|c| -> PResult<_> {
            Ok(SourceSelectionCriteria::builder()
                .set_replica_modifications(
                    status(c, "replica_modifications")
                        .map(|s| {
                            built(
                                ReplicaModifications::builder()
                                    .status(ReplicaModificationsStatus::from(s.as_str()))
                                    .build(),
                            )
                        })
                        .transpose()?,
                )
                .set_sse_kms_encrypted_objects(
                    status(c, "sse_kms_encrypted_objects")
                        .map(|s| {
                            built(
                                SseKmsEncryptedObjects::builder()
                                    .status(SseKmsEncryptedObjectsStatus::from(s.as_str()))
                                    .build(),
                            )
                        })
                        .transpose()?,
                )
                .build())
        })
        .transpose()?;
    let dest = first(r, "destination").ok_or_else(|| ProviderError::msg("rule needs a destination block"))?;
    #[allow(deprecated)]
    let builder = ReplicationRule::builder().set_prefix(opt_str(r, "prefix"));
    built(
        builder
            .set_id(opt_str(r, "id"))
            .set_priority(int(r, "priority"))
            .status(ReplicationRuleStatus::from(
                opt_str(r, "status").unwrap_or_default().as_str(),
            ))
            .set_filter(first(r, "filter").map(filter).transpose()?)
            .set_delete_marker_replication(status(r, "delete_marker_replication").map(|s| {
                DeleteMarkerReplication::builder()
                    .status(DeleteMarkerReplicationStatus::from(s.as_str()))
                    .build()
            }))
            .set_existing_object_replication(
                status(r, "existing_object_replication")
                    .map(|s| {
                        built(
                            ExistingObjectReplication::builder()
                                .status(ExistingObjectReplicationStatus::from(s.as_str()))
                                .build(),
                        )
                    })
                    .transpose()?,
            )
            .set_source_selection_criteria(criteria)
            .destination(destination(dest)?)
            .build(),
    )
}

fn rule_value(r: &ReplicationRule) -> Value {
    let filter: Vec<Value> = r
        .filter()
        .map(|f| {
            let and: Vec<Value> = f
                .and()
                .map(|a| {
                    Value::object([
                        ("prefix", Value::from(a.prefix().filter(|p| !p.is_empty()))),
                        ("tags", tags_value(a.tags())),
                    ])
                })
                .into_iter()
                .collect();
            let tag: Vec<Value> = f
                .tag()
                .map(|t| Value::object([("key", Value::str(t.key())), ("value", Value::str(t.value()))]))
                .into_iter()
                .collect();
            Value::object([
                ("prefix", Value::from(f.prefix().filter(|p| !p.is_empty()))),
                ("and", Value::List(and)),
                ("tag", Value::List(tag)),
            ])
        })
        .into_iter()
        .collect();
    let d = r.destination();
    let dest = Value::object([
        ("bucket", Value::from(d.map(|d| d.bucket().to_string()))),
        ("account", Value::from(d.and_then(|d| d.account()))),
        (
            "storage_class",
            Value::from(d.and_then(|d| d.storage_class()).map(|s| s.as_str().to_string())),
        ),
        (
            "access_control_translation",
            Value::List(
                d.and_then(|d| d.access_control_translation())
                    .map(|a| Value::object([("owner", Value::str(a.owner().as_str()))]))
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "encryption_configuration",
            Value::List(
                d.and_then(|d| d.encryption_configuration())
                    .map(|e| Value::object([("replica_kms_key_id", Value::from(e.replica_kms_key_id()))]))
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "metrics",
            Value::List(
                d.and_then(|d| d.metrics())
                    .map(|m| {
                        let threshold: Vec<Value> = m
                            .event_threshold()
                            .and_then(|t| t.minutes())
                            .map(|n| Value::object([("minutes", Value::from(n as i64))]))
                            .into_iter()
                            .collect();
                        Value::object([
                            ("status", Value::str(m.status().as_str())),
                            ("event_threshold", Value::List(threshold)),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "replication_time",
            Value::List(
                d.and_then(|d| d.replication_time())
                    .map(|t| {
                        let minutes = t.time().and_then(|v| v.minutes()).map(|n| Value::from(n as i64));
                        Value::object([
                            ("status", Value::str(t.status().as_str())),
                            (
                                "time",
                                Value::List(vec![Value::object([("minutes", minutes.unwrap_or(Value::Null))])]),
                            ),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
    ]);
    let criteria: Vec<Value> = r
        .source_selection_criteria()
        .map(|c| {
            Value::object([
                (
                    "replica_modifications",
                    status_block(c.replica_modifications().map(|m| m.status().as_str())),
                ),
                (
                    "sse_kms_encrypted_objects",
                    status_block(c.sse_kms_encrypted_objects().map(|m| m.status().as_str())),
                ),
            ])
        })
        .into_iter()
        .collect();
    #[allow(deprecated)]
    let prefix = r.prefix().filter(|p| !p.is_empty()).map(str::to_string);
    Value::object([
        ("id", Value::from(r.id())),
        ("prefix", Value::from(prefix)),
        ("priority", Value::from(r.priority().map(|p| p as i64))),
        ("status", Value::str(r.status().as_str())),
        (
            "delete_marker_replication",
            status_block(
                r.delete_marker_replication()
                    .and_then(|m| m.status())
                    .map(|s| s.as_str()),
            ),
        ),
        ("destination", Value::List(vec![dest])),
        (
            "existing_object_replication",
            status_block(r.existing_object_replication().map(|m| m.status().as_str())),
        ),
        ("filter", Value::List(filter)),
        ("source_selection_criteria", Value::List(criteria)),
    ])
}

#[async_trait]
impl BucketSetting for Replication {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_replication_configuration"
    }

    fn what(&self) -> &'static str {
        "replication configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        let on_off = || one_of(&["Enabled", "Disabled"]);
        d.arg("role")
            .check(arn())
            .args(&["rule", "token"])
            .arg("rule.id")
            .check(len_between(0, 255))
            // S3 gives a rule without one a priority of its own.
            .arg("rule.priority")
            .live_if_unset()
            .arg("rule.prefix")
            .check(len_between(0, 1024))
            .arg("rule.status")
            .check(on_off())
            .arg("rule.delete_marker_replication.status")
            .check(on_off())
            .arg("rule.existing_object_replication.status")
            .check(on_off())
            .arg("rule.destination.bucket")
            .check(arn())
            .arg("rule.destination.storage_class")
            .check(one_of(StorageClass::values()))
            .arg("rule.destination.access_control_translation.owner")
            .check(one_of(&["Destination"]))
            .arg("rule.destination.metrics.status")
            .check(on_off())
            .arg("rule.destination.replication_time.status")
            .check(on_off())
            .arg("rule.source_selection_criteria.replica_modifications.status")
            .check(on_off())
            .arg("rule.source_selection_criteria.sse_kms_encrypted_objects.status")
            .check(on_off())
            .arg("rule.filter.prefix")
            .check(len_between(0, 1024))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let rules = planned
            .get("rule")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(rule)
            .collect::<PResult<Vec<_>>>()?;
        let config = built(
            ReplicationConfiguration::builder()
                .role(opt_str(planned, "role").unwrap_or_default())
                .set_rules(Some(rules))
                .build(),
        )?;
        c.s3.put_bucket_replication()
            .bucket(&at.bucket)
            .set_token(opt_str(planned, "token"))
            .replication_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_replication()
                .bucket(&at.bucket)
                .send()
                .await
                .map_err(aws_err);
        let Some(config) = absent_on(r, ABSENT)?.and_then(|o| o.replication_configuration().cloned()) else {
            return Ok(None);
        };
        Ok(Some(IndexMap::from([
            ("role".to_string(), Value::str(config.role())),
            (
                "rule".to_string(),
                Value::List(config.rules().iter().map(rule_value).collect()),
            ),
            ("token".to_string(), prior.get("token").clone()),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.delete_bucket_replication()
                .bucket(&at.bucket)
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
