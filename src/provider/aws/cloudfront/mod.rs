//! CloudFront (a global service, called in us-east-1): distributions, origin access controls,
//! cache, origin request and response headers policies, and what they share. Every CloudFront
//! object carries an ETag that changes with each version, and updates and deletes must name the
//! current one (`IfMatch`), so a change made elsewhere is refused rather than overwritten; tags
//! are set by ARN; builders of its nested structures refuse missing required members, which
//! here become provider errors rather than panics.

pub mod cache_policy;
pub mod distribution;
pub mod distribution_config;
pub mod function;
pub mod log_delivery_canonical_user_id;
pub mod origin_access_control;
pub mod origin_request_policy;
pub mod policies;
pub mod policy;
pub mod response_headers_policy;

use crate::provider::aws::common::{aws_err, sync_tags};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_cloudfront::types::{Tag, TagKeys, Tags};
use indexmap::IndexMap;

/// The codes CloudFront answers for objects that do not exist.
pub const NOT_FOUND: &[&str] = &[
    "NoSuchDistribution",
    "NoSuchOriginAccessControl",
    "NoSuchCachePolicy",
    "NoSuchOriginRequestPolicy",
    "NoSuchResponseHeadersPolicy",
    "NoSuchFunctionExists",
    "NoSuchResource",
];

/// The codes CloudFront answers when `IfMatch` is not the object's current ETag: someone else
/// changed it since it was read.
pub const STALE_ETAG: &[&str] = &["PreconditionFailed", "InvalidIfMatchVersion"];

/// A structure the SDK's builder refused (a required member missing), as a provider error.
pub fn built<T>(r: Result<T, aws_smithy_types::error::operation::BuildError>) -> PResult<T> {
    r.map_err(|e| ProviderError::msg(format!("invalid CloudFront request: {e}")))
}

/// The ETag an answer carried; CloudFront always sends one, and every later update or delete
/// needs it.
pub fn etag_of(etag: Option<&str>, what: &str) -> PResult<String> {
    etag.map(str::to_string)
        .ok_or_else(|| ProviderError::msg(format!("CloudFront answered for {what} without an ETag")))
}

/// The tags of a CloudFront object, by ARN.
pub async fn tags_of(c: &Clients, arn: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .cloudfront
        .list_tags_for_resource()
        .resource(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .tags()
        .map(|t| {
            t.items()
                .iter()
                .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default())
}

/// Tags as CloudFront takes them.
pub fn tag_list(tags: &IndexMap<String, String>) -> PResult<Tags> {
    let items = tags
        .iter()
        .map(|(k, v)| built(Tag::builder().key(k).value(v).build()))
        .collect::<PResult<Vec<_>>>()?;
    Ok(Tags::builder().set_items(Some(items)).build())
}

/// Brings an object's tags from `prior`'s `tags_all` to `planned`'s.
pub async fn update_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            c.cloudfront
                .untag_resource()
                .resource(arn)
                .tag_keys(TagKeys::builder().set_items(Some(keys)).build())
                .send()
                .await
                .map_err(aws_err)
                .map(|_| ())
        },
        |add| async move {
            c.cloudfront
                .tag_resource()
                .resource(arn)
                .tags(tag_list(&add)?)
                .send()
                .await
                .map_err(aws_err)
                .map(|_| ())
        },
    )
    .await
}

/// The ARN of a CloudFront object (`arn:aws:cloudfront::ACCOUNT:KIND/ID`): CloudFront is
/// global, so its ARNs name no region.
pub fn arn(account: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:cloudfront::{account}:{kind}/{id}")
}
