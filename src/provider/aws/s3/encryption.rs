//! `aws_s3_bucket_server_side_encryption_configuration`: a bucket's default encryption.

use super::companion::get_once;
use crate::provider::aws::common::{absent_on, aws_err, build_err, must_exist, opt_bool, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use std::sync::Arc;

/// The default encryption algorithms S3 takes.
pub const ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// The `aws_s3_bucket_server_side_encryption_configuration` resource type.
pub struct BucketEncryption {
    c: Arc<Clients>,
    schema: Schema,
}

impl BucketEncryption {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BucketEncryption {
        let schema = resource("aws_s3_bucket_server_side_encryption_configuration")
            .arg("bucket")
            .force_new()
            .arg("expected_bucket_owner")
            .force_new()
            .arg("rule")
            .arg("rule.bucket_key_enabled")
            .default(false)
            .arg("expected_bucket_owner")
            .check(super::companion::account_id())
            .arg("rule.apply_server_side_encryption_by_default.sse_algorithm")
            .check(one_of(ALGORITHMS))
            .build();
        BucketEncryption { c, schema }
    }
}

#[async_trait]
impl ResourceType for BucketEncryption {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_server_side_encryption_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = required(planned, "bucket")?;
        put_config(&self.c, &bucket, planned).await?;
        must_exist(
            self.read(ctx, &bucket, planned).await?,
            "encryption configuration of bucket",
            &bucket,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(rules) = get_rules(&self.c, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            ("expected_bucket_owner", prior.get("expected_bucket_owner").clone()),
            ("rule", rules),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        put_config(&self.c, id, planned).await?;
        must_exist(
            self.read(ctx, id, planned).await?,
            "encryption configuration of bucket",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .s3
            .delete_bucket_encryption()
            .bucket(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchBucket"]).map(|_| ())
    }
}

/// Writes the `rule` blocks of `v` as the bucket's default encryption; shared with the inline
/// `server_side_encryption_configuration` block of `aws_s3_bucket`, whose blocks have this shape.
pub async fn put_config(c: &Clients, bucket: &str, v: &Value) -> PResult<()> {
    let mut rules = Vec::new();
    for r in v.get("rule").as_list().unwrap_or(&[]) {
        let mut rule = ServerSideEncryptionRule::builder().set_bucket_key_enabled(opt_bool(r, "bucket_key_enabled"));
        if let Some(d) = r
            .get("apply_server_side_encryption_by_default")
            .as_list()
            .and_then(|l| l.first())
        {
            let algorithm = opt_str(d, "sse_algorithm").unwrap_or_else(|| "AES256".into());
            let by_default = ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::from(algorithm.as_str()))
                .set_kms_master_key_id(opt_str(d, "kms_master_key_id"))
                .build()
                .map_err(build_err)?;
            rule = rule.apply_server_side_encryption_by_default(by_default);
        }
        rules.push(rule.build());
    }
    if rules.is_empty() {
        return Err(ProviderError::msg("at least one rule block is required"));
    }
    let config = ServerSideEncryptionConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(build_err)?;
    c.s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(config)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// The bucket's default encryption as `rule` blocks; `None` when the bucket is gone or has none.
/// Shared with the inline `server_side_encryption_configuration` block of `aws_s3_bucket`.
pub async fn get_rules(c: &Clients, bucket: &str) -> PResult<Option<Value>> {
    let out = get_once(c, "GetBucketEncryption", bucket, None, async {
        c.s3.get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .map_err(aws_err)
    })
    .await;
    let Some(out) = absent_on(out, &["NoSuchBucket", "ServerSideEncryptionConfigurationNotFoundError"])? else {
        return Ok(None);
    };
    Ok(Some(Value::List(
        out.server_side_encryption_configuration()
            .map(|c| c.rules())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let by_default = r.apply_server_side_encryption_by_default().map(|d| {
                    Value::object([
                        ("sse_algorithm", Value::str(d.sse_algorithm().as_str())),
                        ("kms_master_key_id", Value::from(d.kms_master_key_id())),
                    ])
                });
                Value::object([
                    (
                        "apply_server_side_encryption_by_default",
                        Value::List(by_default.into_iter().collect()),
                    ),
                    ("bucket_key_enabled", Value::from(r.bucket_key_enabled())),
                ])
            })
            .collect(),
    )))
}
