//! `aws_s3_bucket_policy`: a bucket's policy document (compared as JSON, not as text).

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_s3_bucket_policy` resource type.
pub struct BucketPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl BucketPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BucketPolicy {
        let schema = Schema::new()
            .required("bucket", Type::String)
            .force_new()
            .required("policy", Type::Any);
        BucketPolicy { c, schema }
    }

    async fn put(&self, bucket: &str, v: &Value) -> PResult<()> {
        let policy = opt_str(v, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        serde_json::from_str::<serde_json::Value>(&policy)
            .map_err(|e| ProviderError::msg(format!("policy is not valid JSON: {e}")))?;
        // A policy naming a principal created a moment ago can be refused until IAM catches up.
        crate::provider::aws::common::retry_while(&["MalformedPolicy"], std::time::Duration::from_secs(60), || async {
            self.c
                .s3
                .put_bucket_policy()
                .bucket(bucket)
                .policy(&policy)
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for BucketPolicy {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = opt_str(planned, "bucket").ok_or_else(|| ProviderError::msg("bucket is required"))?;
        self.put(&bucket, planned).await?;
        must_exist(self.read(ctx, &bucket, planned).await?, "policy of bucket", &bucket)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self.c.s3.get_bucket_policy().bucket(id).send().await.map_err(aws_err);
        let Some(out) = absent_on(out, &["NoSuchBucket", "NoSuchBucketPolicy"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            ("policy", Value::from(out.policy().map(str::to_string))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "policy of bucket", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .s3
            .delete_bucket_policy()
            .bucket(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchBucket", "NoSuchBucketPolicy"]).map(|_| ())
    }
}
