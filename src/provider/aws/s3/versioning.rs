//! `aws_s3_bucket_versioning`: a bucket's versioning state.

use super::companion::get_once;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, VersioningConfiguration};
use std::sync::Arc;

/// The `aws_s3_bucket_versioning` resource type.
pub struct BucketVersioning {
    c: Arc<Clients>,
    schema: Schema,
}

impl BucketVersioning {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BucketVersioning {
        let schema = resource("aws_s3_bucket_versioning")
            .arg("bucket")
            .force_new()
            .arg("expected_bucket_owner")
            .force_new()
            .args(&["versioning_configuration", "mfa"])
            .arg("expected_bucket_owner")
            .check(super::companion::account_id())
            .arg("versioning_configuration.status")
            .check(one_of(&["Enabled", "Suspended", "Disabled"]))
            .arg("versioning_configuration.mfa_delete")
            .check(one_of(&["Enabled", "Disabled"]))
            .build();
        BucketVersioning { c, schema }
    }
}

/// What PutBucketVersioning sends beside the status: the MFA delete setting (`Enabled` or
/// `Disabled`, sent only when written, as the provider does) and the `x-amz-mfa` header ("serial
/// token") S3 requires to change it.
#[derive(Default)]
pub struct Mfa {
    /// The `mfa_delete` setting.
    pub delete: Option<String>,
    /// The device serial number and its current code.
    pub device: Option<String>,
}

/// Sets a bucket's versioning status (`Enabled` or `Suspended`) and MFA delete; shared with the
/// inline `versioning` block of `aws_s3_bucket`.
pub async fn put_status(c: &Clients, bucket: &str, status: &str, mfa: &Mfa) -> PResult<()> {
    let status = match status {
        "Enabled" => BucketVersioningStatus::Enabled,
        "Suspended" => BucketVersioningStatus::Suspended,
        other => {
            return Err(ProviderError::msg(format!(
                "versioning status must be Enabled or Suspended, not \"{other}\""
            )))
        }
    };
    c.s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(status)
                .set_mfa_delete(mfa.delete.as_deref().map(MfaDelete::from))
                .build(),
        )
        .set_mfa(mfa.device.clone())
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// A bucket's versioning status (`Disabled` when never configured) and MFA delete setting;
/// `None` when the bucket is gone. Shared with the inline `versioning` block of `aws_s3_bucket`.
pub async fn get_status(c: &Clients, bucket: &str) -> PResult<Option<(String, Option<String>)>> {
    let out = get_once(c, "GetBucketVersioning", bucket, None, async {
        c.s3.get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .map_err(aws_err)
    })
    .await;
    Ok(absent_on(out, &["NoSuchBucket"])?.map(|out| {
        let status = out
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "Disabled".into());
        (status, out.mfa_delete().map(|m| m.as_str().to_string()))
    }))
}

/// The MFA settings a planned `aws_s3_bucket_versioning` sends.
fn mfa(v: &Value) -> Mfa {
    let config = v.get("versioning_configuration").as_list().and_then(|l| l.first());
    Mfa {
        delete: config.and_then(|c| opt_str(c, "mfa_delete")),
        device: opt_str(v, "mfa"),
    }
}

fn status(v: &Value) -> String {
    v.get("versioning_configuration")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|c| opt_str(c, "status"))
        .unwrap_or_else(|| "Enabled".into())
}

#[async_trait]
impl ResourceType for BucketVersioning {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bucket = required(planned, "bucket")?;
        // "Disabled" is only valid for a bucket that never had versioning: nothing to call.
        if status(planned) != "Disabled" {
            put_status(&self.c, &bucket, &status(planned), &mfa(planned)).await?;
        }
        must_exist(self.read(ctx, &bucket, planned).await?, "bucket versioning of", &bucket)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((status, mfa)) = get_status(&self.c, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("bucket", Value::str(id)),
            ("expected_bucket_owner", prior.get("expected_bucket_owner").clone()),
            (
                "versioning_configuration",
                Value::List(vec![Value::object([
                    ("status", Value::str(status)),
                    ("mfa_delete", Value::from(mfa)),
                ])]),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        put_status(&self.c, id, &status(planned), &mfa(planned)).await?;
        must_exist(self.read(ctx, id, planned).await?, "bucket versioning of", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // Versioning cannot be switched off once on; like the AWS provider, suspend it.
        if status(prior) == "Enabled" {
            let r = put_status(&self.c, id, "Suspended", &Mfa::default()).await;
            return absent_on(r, &["NoSuchBucket"]).map(|_| ());
        }
        Ok(())
    }
}
