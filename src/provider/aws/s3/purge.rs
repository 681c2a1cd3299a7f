//! Deleting object versions the way the provider's `force_destroy` does, for both the bucket
//! (emptied before its delete) and `aws_s3_object` (every version of its key): with `force`,
//! S3 Object Lock's governance retention is bypassed and a version S3 still refuses is checked
//! for a legal hold, which is lifted before the version is deleted again. Whatever S3 still
//! refuses is reported by key and version, never skipped (a skipped version would leave the
//! bucket's delete failing, or a bucket emptied forever).

use crate::provider::aws::common::{aws_err, build_err};
use crate::provider::{PResult, ProviderError};
use aws_sdk_s3::types::{Delete, ObjectIdentifier, ObjectLockLegalHold, ObjectLockLegalHoldStatus};
use aws_sdk_s3::Client;

/// Codes that mean the version is already gone.
const GONE: &[&str] = &["NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NotFound"];

/// DeleteObjects takes at most this many keys per call.
const PER_CALL: usize = 1000;

/// One version of one key, as ListObjectVersions names it (`None`: an unversioned bucket's
/// object).
#[derive(Clone, Debug, PartialEq)]
pub struct VersionRef {
    /// The object's key.
    pub key: String,
    /// The version (or delete marker) id.
    pub version_id: Option<String>,
}

fn describe(bucket: &str, v: &VersionRef) -> String {
    match &v.version_id {
        Some(id) => format!("s3://{bucket}/{} version {id}", v.key),
        None => format!("s3://{bucket}/{}", v.key),
    }
}

fn refused(bucket: &str, v: &VersionRef, e: ProviderError) -> ProviderError {
    ProviderError {
        message: format!("deleting {}: {}", describe(bucket, v), e.message),
        code: e.code,
    }
}

fn is(e: &ProviderError, codes: &[&str]) -> bool {
    e.code.as_deref().is_some_and(|c| codes.contains(&c))
}

async fn delete_once(s3: &Client, bucket: &str, v: &VersionRef, force: bool) -> PResult<()> {
    let r = s3
        .delete_object()
        .bucket(bucket)
        .key(&v.key)
        .set_version_id(v.version_id.clone())
        .set_bypass_governance_retention(force.then_some(true))
        .send()
        .await
        .map_err(aws_err);
    match r {
        Err(e) if is(&e, GONE) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Lifts the legal hold of a version S3 refused to delete, if it has one; `false` when it has
/// none (the refusal then had another cause, such as compliance-mode retention).
async fn lift_legal_hold(s3: &Client, bucket: &str, v: &VersionRef) -> PResult<bool> {
    let head = s3
        .head_object()
        .bucket(bucket)
        .key(&v.key)
        .set_version_id(v.version_id.clone())
        .send()
        .await
        .map_err(aws_err)?;
    if head.object_lock_legal_hold_status() != Some(&ObjectLockLegalHoldStatus::On) {
        return Ok(false);
    }
    s3.put_object_legal_hold()
        .bucket(bucket)
        .key(&v.key)
        .set_version_id(v.version_id.clone())
        .legal_hold(
            ObjectLockLegalHold::builder()
                .status(ObjectLockLegalHoldStatus::Off)
                .build(),
        )
        .send()
        .await
        .map_err(aws_err)?;
    Ok(true)
}

/// Deletes one version; with `force`, past governance retention and a legal hold.
pub async fn delete_version(s3: &Client, bucket: &str, v: &VersionRef, force: bool) -> PResult<()> {
    match delete_once(s3, bucket, v, force).await {
        Err(e) if force && is(&e, &["AccessDenied"]) => match lift_legal_hold(s3, bucket, v).await {
            Ok(true) => delete_once(s3, bucket, v, force)
                .await
                .map_err(|e| refused(bucket, v, e)),
            Ok(false) => Err(refused(bucket, v, e)),
            Err(lift) => Err(ProviderError {
                message: format!(
                    "deleting {}: {}; lifting its legal hold: {}",
                    describe(bucket, v),
                    e.message,
                    lift.message
                ),
                code: e.code,
            }),
        },
        other => other.map_err(|e| refused(bucket, v, e)),
    }
}

/// Deletes many versions, a thousand per DeleteObjects call; the ones S3 refuses go through
/// [`delete_version`] one by one when `force` is set. Every version still refused is named in
/// the error.
pub async fn delete_versions(s3: &Client, bucket: &str, versions: &[VersionRef], force: bool) -> PResult<()> {
    let mut failures: Vec<ProviderError> = Vec::new();
    for chunk in versions.chunks(PER_CALL) {
        let ids = chunk
            .iter()
            .map(|v| {
                ObjectIdentifier::builder()
                    .key(&v.key)
                    .set_version_id(v.version_id.clone())
                    .build()
                    .map_err(build_err)
            })
            .collect::<PResult<Vec<_>>>()?;
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(build_err)?;
        let r = s3
            .delete_objects()
            .bucket(bucket)
            .delete(delete)
            .set_bypass_governance_retention(force.then_some(true))
            .send()
            .await
            .map_err(aws_err);
        let out = match r {
            Err(e) if is(&e, &["NoSuchBucket"]) => return Ok(()),
            other => other?,
        };
        for err in out.errors() {
            let v = VersionRef {
                key: err.key().unwrap_or_default().to_string(),
                version_id: err.version_id().map(str::to_string),
            };
            let e = ProviderError {
                code: err.code().map(str::to_string),
                message: format!(
                    "{}: {}",
                    err.code().unwrap_or("Error"),
                    err.message().unwrap_or_default()
                ),
            };
            if is(&e, GONE) {
                continue;
            }
            let again = if force && is(&e, &["AccessDenied"]) {
                delete_version(s3, bucket, &v, force).await
            } else {
                Err(refused(bucket, &v, e))
            };
            if let Err(e) = again {
                failures.push(e);
            }
        }
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0)),
        n => Err(ProviderError {
            code: failures[0].code.clone(),
            message: format!(
                "{n} object versions could not be deleted: {}",
                failures
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }),
    }
}
