//! `aws_s3_bucket_ownership_controls`: who owns objects written to the bucket
//! (`BucketOwnerEnforced` turns ACLs off).

use super::companion::{first, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, build_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls as Controls, OwnershipControlsRule};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no ownership controls on it.
const ABSENT: &[&str] = &["NoSuchBucket", "OwnershipControlsNotFoundError"];

/// The `aws_s3_bucket_ownership_controls` setting.
pub struct OwnershipControls;

#[async_trait]
impl BucketSetting for OwnershipControls {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_ownership_controls"
    }

    fn what(&self) -> &'static str {
        "ownership controls of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.args(&["rule"]).arg("rule.object_ownership").check(one_of(&[
            "BucketOwnerPreferred",
            "ObjectWriter",
            "BucketOwnerEnforced",
        ]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let ownership = first(planned, "rule")
            .and_then(|r| opt_str(r, "object_ownership"))
            .ok_or_else(|| ProviderError::msg("rule { object_ownership } is required"))?;
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::from(ownership.as_str()))
            .build()
            .map_err(build_err)?;
        let controls = Controls::builder().rules(rule).build().map_err(build_err)?;
        c.s3.put_bucket_ownership_controls()
            .bucket(bucket)
            .ownership_controls(controls)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.get_bucket_ownership_controls()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let rules: Vec<Value> = out
            .ownership_controls()
            .map(|o| o.rules())
            .unwrap_or_default()
            .iter()
            .map(|r| Value::object([("object_ownership", Value::str(r.object_ownership().as_str()))]))
            .collect();
        Ok(Some(IndexMap::from([("rule".to_string(), Value::List(rules))])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.delete_bucket_ownership_controls()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
