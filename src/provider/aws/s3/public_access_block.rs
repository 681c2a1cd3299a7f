//! `aws_s3_bucket_public_access_block`: the four public-access switches of a bucket.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_bool, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use std::sync::Arc;

/// The four settings, with Terraform's names.
const SWITCHES: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// The `aws_s3_bucket_public_access_block` resource type.
pub struct PublicAccessBlock {
    c: Arc<Clients>,
    schema: Schema,
}

impl PublicAccessBlock {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PublicAccessBlock {
        let schema = SWITCHES
            .iter()
            .fold(Schema::new().required("bucket", Type::String).force_new(), |s, n| {
                s.optional(n, Type::Bool).default(false)
            });
        PublicAccessBlock { c, schema }
    }

    async fn put(&self, bucket: &str, v: &Value) -> PResult<()> {
        let on = |k: &str| opt_bool(v, k).unwrap_or(false);
        let config = PublicAccessBlockConfiguration::builder()
            .block_public_acls(on("block_public_acls"))
            .block_public_policy(on("block_public_policy"))
            .ignore_public_acls(on("ignore_public_acls"))
            .restrict_public_buckets(on("restrict_public_buckets"))
            .build();
        self.c
            .s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for PublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = opt_str(planned, "bucket").ok_or_else(|| ProviderError::msg("bucket is required"))?;
        self.put(&bucket, planned).await?;
        must_exist(
            self.read(ctx, &bucket, planned).await?,
            "public access block of",
            &bucket,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .s3
            .get_public_access_block()
            .bucket(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"])? else {
            return Ok(None);
        };
        let c = out.public_access_block_configuration();
        let get = |f: fn(&PublicAccessBlockConfiguration) -> Option<bool>| Value::Bool(c.and_then(f).unwrap_or(false));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            (
                "block_public_acls",
                get(PublicAccessBlockConfiguration::block_public_acls),
            ),
            (
                "block_public_policy",
                get(PublicAccessBlockConfiguration::block_public_policy),
            ),
            (
                "ignore_public_acls",
                get(PublicAccessBlockConfiguration::ignore_public_acls),
            ),
            (
                "restrict_public_buckets",
                get(PublicAccessBlockConfiguration::restrict_public_buckets),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "public access block of", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .s3
            .delete_public_access_block()
            .bucket(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"]).map(|_| ())
    }
}
