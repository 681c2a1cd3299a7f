//! IAM resources, and what they share: IAM returns policy documents URL-encoded, and its
//! changes take a moment to reach the services that use them.

pub mod policy;
pub mod role;
pub mod role_policy;
pub mod role_policy_attachment;

use crate::provider::aws::common::tags_to_write;
use crate::provider::{CallCtx, PResult, ProviderError};
use crate::value::Value;

/// Decodes a policy document as IAM returns it (URL-encoded JSON).
pub fn decode_document(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .to_string()
}

/// Checks that a policy argument is JSON before sending it, for a clearer error than IAM's.
pub fn check_document(name: &str, v: &Value) -> PResult<String> {
    let text = v
        .get(name)
        .to_plain_string()
        .ok_or_else(|| ProviderError::msg(format!("{name} is required")))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| ProviderError::msg(format!("{name} is not valid JSON: {e}")))?;
    Ok(text)
}

/// Tags to write, as IAM takes them.
pub fn iam_tags(ctx: &CallCtx, planned: &Value) -> PResult<Vec<aws_sdk_iam::types::Tag>> {
    to_iam_tags(tags_to_write(ctx, planned))
}

/// Key/value pairs as IAM tags.
pub fn to_iam_tags(pairs: indexmap::IndexMap<String, String>) -> PResult<Vec<aws_sdk_iam::types::Tag>> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ProviderError::msg(e.to_string()))
        })
        .collect()
}
