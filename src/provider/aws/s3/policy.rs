//! `aws_s3_bucket_policy`: a bucket's policy document (compared as JSON, not as text).

use super::companion::{get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, required, retry_while};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::iam_policy;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no policy on it.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchBucketPolicy"];

/// The `aws_s3_bucket_policy` setting.
pub struct BucketPolicy;

#[async_trait]
impl BucketSetting for BucketPolicy {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn what(&self) -> &'static str {
        "policy of bucket"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("policy").check(iam_policy())
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let policy = required(planned, "policy")?;
        serde_json::from_str::<serde_json::Value>(&policy)
            .map_err(|e| ProviderError::msg(format!("policy is not valid JSON: {e}")))?;
        // A policy naming a principal created a moment ago can be refused until IAM catches up.
        retry_while(&["MalformedPolicy"], std::time::Duration::from_secs(60), || async {
            c.s3.put_bucket_policy()
                .bucket(bucket)
                .policy(&policy)
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r = get_once(c, "GetBucketPolicy", bucket, None, async {
            c.s3.get_bucket_policy().bucket(bucket).send().await.map_err(aws_err)
        })
        .await;
        Ok(absent_on(r, ABSENT)?.map(|out| IndexMap::from([("policy".to_string(), Value::from(out.policy()))])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r = c.s3.delete_bucket_policy().bucket(bucket).send().await.map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
