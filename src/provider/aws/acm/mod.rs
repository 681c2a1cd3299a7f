//! ACM resources (certificates, their validation, the certificate data source) and what they
//! share: reading a certificate (DescribeCertificate) and its tags, which ACM keeps by ARN.

pub mod certificate;
pub mod certificate_data;
pub mod certificate_validation;

use super::common::{absent_on, aws_err, build_err, sync_tags};
use super::Clients;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_acm::types::{CertificateDetail, Tag};

/// The error codes ACM answers for a certificate that does not exist.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The certificate `arn`, `None` when it does not exist.
pub async fn describe(c: &Clients, arn: &str) -> PResult<Option<CertificateDetail>> {
    let r = c
        .acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.certificate().cloned()))
}

/// The certificate's tags as `(key, value)` pairs, `None` when the certificate is gone: a
/// certificate listed a moment ago may have been deleted since by someone else, and a search
/// over the account's certificates must pass over it rather than fail.
pub async fn tags(c: &Clients, arn: &str) -> PResult<Option<Vec<(String, String)>>> {
    let r = c
        .acm
        .list_tags_for_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NOT_FOUND)?.map(|out| {
        out.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
            .collect()
    }))
}

/// Tags as ACM takes them.
pub fn acm_tags(pairs: impl IntoIterator<Item = (String, String)>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs)
}

/// Brings the certificate's tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let gone = keys
                .into_iter()
                .map(|k| Tag::builder().key(k).build().map_err(build_err))
                .collect::<PResult<Vec<_>>>()?;
            c.acm
                .remove_tags_from_certificate()
                .certificate_arn(arn)
                .set_tags(Some(gone))
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        },
        |add| async move {
            c.acm
                .add_tags_to_certificate()
                .certificate_arn(arn)
                .set_tags(Some(acm_tags(add)?))
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        },
    )
    .await
}

/// A certificate's status as ACM spells it (`ISSUED`, `PENDING_VALIDATION`, ...).
pub fn status(c: &CertificateDetail) -> String {
    c.status().map(|s| s.as_str().to_string()).unwrap_or_default()
}
