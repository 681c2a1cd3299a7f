//! `aws_s3_bucket_accelerate_configuration`: Transfer Acceleration (`Enabled`/`Suspended`).
//! Deleting suspends it, as the provider does: a bucket cannot go back to "never configured".

use super::companion::{account_id, get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{AccelerateConfiguration, BucketAccelerateStatus};
use indexmap::IndexMap;

/// The `aws_s3_bucket_accelerate_configuration` setting.
pub struct Accelerate;

/// Sets Transfer Acceleration (`Enabled` or `Suspended`); shared with the inline
/// `acceleration_status` of `aws_s3_bucket`.
pub async fn put_status(c: &Clients, at: &At, status: &str) -> PResult<()> {
    let config = AccelerateConfiguration::builder()
        .status(BucketAccelerateStatus::from(status))
        .build();
    c.s3.put_bucket_accelerate_configuration()
        .bucket(&at.bucket)
        .set_expected_bucket_owner(at.owner.clone())
        .accelerate_configuration(config)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

#[async_trait]
impl BucketSetting for Accelerate {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_accelerate_configuration"
    }

    fn what(&self) -> &'static str {
        "accelerate configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(account_id())
            .arg("status")
            .check(one_of(&["Enabled", "Suspended"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let status = required(planned, "status")?;
        put_status(c, at, &status).await
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = get_once(
            c,
            "GetBucketAccelerateConfiguration",
            &at.bucket,
            at.owner.as_deref(),
            async {
                c.s3.get_bucket_accelerate_configuration()
                    .bucket(&at.bucket)
                    .set_expected_bucket_owner(at.owner.clone())
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await;
        let status = absent_on(r, &["NoSuchBucket"])?.and_then(|o| o.status().map(|s| s.as_str().to_string()));
        Ok(status.map(|s| IndexMap::from([("status".to_string(), Value::str(s))])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        absent_on(put_status(c, at, "Suspended").await, &["NoSuchBucket"]).map(|_| ())
    }
}
