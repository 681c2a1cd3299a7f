//! `aws_s3_bucket_public_access_block`: the four public-access switches of a bucket.

use super::companion::{At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, opt_bool};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use indexmap::IndexMap;

/// The four settings, with Terraform's names.
const SWITCHES: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// Not-found codes: no bucket, or no block on it.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"];

/// The `aws_s3_bucket_public_access_block` setting.
pub struct PublicAccessBlock;

#[async_trait]
impl BucketSetting for PublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn what(&self) -> &'static str {
        "public access block of"
    }

    fn declare(&self, d: Decl) -> Decl {
        SWITCHES.iter().fold(d, |d, n| d.arg(n).default(false))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let on = |k: &str| opt_bool(planned, k).unwrap_or(false);
        let config = PublicAccessBlockConfiguration::builder()
            .block_public_acls(on("block_public_acls"))
            .block_public_policy(on("block_public_policy"))
            .ignore_public_acls(on("ignore_public_acls"))
            .restrict_public_buckets(on("restrict_public_buckets"))
            .build();
        c.s3.put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.get_public_access_block()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let c = out.public_access_block_configuration();
        let get = |f: fn(&PublicAccessBlockConfiguration) -> Option<bool>| Value::Bool(c.and_then(f).unwrap_or(false));
        Ok(Some(IndexMap::from([
            (
                "block_public_acls".to_string(),
                get(PublicAccessBlockConfiguration::block_public_acls),
            ),
            (
                "block_public_policy".to_string(),
                get(PublicAccessBlockConfiguration::block_public_policy),
            ),
            (
                "ignore_public_acls".to_string(),
                get(PublicAccessBlockConfiguration::ignore_public_acls),
            ),
            (
                "restrict_public_buckets".to_string(),
                get(PublicAccessBlockConfiguration::restrict_public_buckets),
            ),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.delete_public_access_block()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
