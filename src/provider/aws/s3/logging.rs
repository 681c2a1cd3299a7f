//! `aws_s3_bucket_logging`: server access logs of a bucket, delivered to another bucket under
//! a prefix, with optional grants and key format. Deleting turns logging off.

use super::companion::{account_id, built, first, get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, opt_str, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{len_between, one_of, Rule};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLoggingStatus, BucketLogsPermission, Grantee, LoggingEnabled, PartitionDateSource, PartitionedPrefix,
    SimplePrefix, TargetGrant, TargetObjectKeyFormat, Type as GranteeType,
};
use indexmap::IndexMap;

/// The `aws_s3_bucket_logging` setting.
pub struct Logging;

/// A grantee block (logging and ACL grants share its shape) as S3 takes it.
pub fn grantee(g: &Value) -> PResult<Grantee> {
    built(
        Grantee::builder()
            .set_email_address(opt_str(g, "email_address"))
            .set_id(opt_str(g, "id"))
            .set_uri(opt_str(g, "uri"))
            .set_type(opt_str(g, "type").map(|t| GranteeType::from(t.as_str())))
            .build(),
    )
}

/// A grantee as state records it.
pub fn grantee_value(g: &Grantee) -> Value {
    Value::object([
        ("display_name", Value::from(g.display_name())),
        ("email_address", Value::from(g.email_address())),
        ("id", Value::from(g.id())),
        ("type", Value::str(g.r#type().as_str())),
        ("uri", Value::from(g.uri())),
    ])
}

/// The grantee types and permissions S3 knows, for validators.
pub const GRANTEE_TYPES: &[&str] = &["CanonicalUser", "AmazonCustomerByEmail", "Group"];

#[async_trait]
impl BucketSetting for Logging {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_logging"
    }

    fn what(&self) -> &'static str {
        "logging of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("bucket")
            .check(len_between(1, 63))
            .arg("expected_bucket_owner")
            .force_new()
            .check(account_id())
            .args(&[
                "target_bucket",
                "target_prefix",
                "target_grant",
                "target_object_key_format",
            ])
            .arg("target_grant.permission")
            .check(one_of(&["FULL_CONTROL", "READ", "WRITE"]))
            .arg("target_grant.grantee.type")
            .check(one_of(GRANTEE_TYPES))
            .arg("target_object_key_format.partitioned_prefix.partition_date_source")
            .check(one_of(&["EventTime", "DeliveryTime"]))
            .rule_in(
                "target_object_key_format",
                Rule::ExactlyOne(&["partitioned_prefix", "simple_prefix"]),
            )
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let target = required(planned, "target_bucket")?;
        let grants = planned
            .get("target_grant")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|g| {
                Ok(TargetGrant::builder()
                    .set_grantee(first(g, "grantee").map(grantee).transpose()?)
                    .set_permission(opt_str(g, "permission").map(|p| BucketLogsPermission::from(p.as_str())))
                    .build())
            })
            .collect::<PResult<Vec<_>>>()?;
        let format = first(planned, "target_object_key_format").map(|f| {
            let partitioned = first(f, "partitioned_prefix").map(|p| {
                PartitionedPrefix::builder()
                    .set_partition_date_source(
                        opt_str(p, "partition_date_source").map(|s| PartitionDateSource::from(s.as_str())),
                    )
                    .build()
            });
            TargetObjectKeyFormat::builder()
                .set_partitioned_prefix(partitioned)
                .set_simple_prefix(first(f, "simple_prefix").map(|_| SimplePrefix::builder().build()))
                .build()
        });
        let enabled = built(
            LoggingEnabled::builder()
                .target_bucket(target)
                .target_prefix(opt_str(planned, "target_prefix").unwrap_or_default())
                .set_target_grants((!grants.is_empty()).then_some(grants))
                .set_target_object_key_format(format)
                .build(),
        )?;
        c.s3.put_bucket_logging()
            .bucket(&at.bucket)
            .set_expected_bucket_owner(at.owner.clone())
            .bucket_logging_status(BucketLoggingStatus::builder().logging_enabled(enabled).build())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = get_once(c, "GetBucketLogging", &at.bucket, at.owner.as_deref(), async {
            c.s3.get_bucket_logging()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone())
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        let Some(l) = absent_on(r, &["NoSuchBucket"])?.and_then(|o| o.logging_enabled().cloned()) else {
            return Ok(None);
        };
        let grants: Vec<Value> = l
            .target_grants()
            .iter()
            .map(|g| {
                Value::object([
                    (
                        "permission",
                        Value::from(g.permission().map(|p| p.as_str().to_string())),
                    ),
                    (
                        "grantee",
                        Value::List(g.grantee().map(grantee_value).into_iter().collect()),
                    ),
                ])
            })
            .collect();
        let format: Vec<Value> = l
            .target_object_key_format()
            .map(|f| {
                let partitioned: Vec<Value> = f
                    .partitioned_prefix()
                    .map(|p| {
                        Value::object([(
                            "partition_date_source",
                            Value::from(p.partition_date_source().map(|s| s.as_str().to_string())),
                        )])
                    })
                    .into_iter()
                    .collect();
                let simple: Vec<Value> = f
                    .simple_prefix()
                    .map(|_| Value::Object(indexmap::IndexMap::new()))
                    .into_iter()
                    .collect();
                Value::object([
                    ("partitioned_prefix", Value::List(partitioned)),
                    ("simple_prefix", Value::List(simple)),
                ])
            })
            .into_iter()
            .collect();
        Ok(Some(IndexMap::from([
            ("target_bucket".to_string(), Value::str(l.target_bucket())),
            ("target_prefix".to_string(), Value::str(l.target_prefix())),
            ("target_grant".to_string(), Value::List(grants)),
            ("target_object_key_format".to_string(), Value::List(format)),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let r =
            c.s3.put_bucket_logging()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone())
                .bucket_logging_status(BucketLoggingStatus::builder().build())
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, &["NoSuchBucket"]).map(|_| ())
    }
}
