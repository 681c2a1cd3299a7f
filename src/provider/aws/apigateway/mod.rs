//! API Gateway (REST, v1) resources, and what they share: changes are PATCH operations, and
//! tags are set by the resource's ARN (`arn:aws:apigateway:REGION::/restapis/ID/...`).

pub mod account;
pub mod api_key;
pub mod deployment;
pub mod method_settings;
pub mod rest_api;
pub mod stage;
pub mod usage_plan;
pub mod usage_plan_key;

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_apigateway::types::{Op, PatchOperation};

/// One PATCH operation.
pub fn patch(op: Op, path: &str, value: Option<String>) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).set_value(value).build()
}

/// A replace operation setting `path` to the text of `v` (removing it when `v` is null).
pub fn replace_or_remove(path: &str, v: &Value) -> PatchOperation {
    match v.to_plain_string() {
        Some(text) => patch(Op::Replace, path, Some(text)),
        None => patch(Op::Remove, path, None),
    }
}

/// The ARN API Gateway tags a resource by.
pub fn arn(region: &str, path: &str) -> String {
    format!("arn:aws:apigateway:{region}::{path}")
}

/// Brings an API Gateway resource's tags from `prior` to `planned` by its ARN.
pub async fn update_tags(
    client: &aws_sdk_apigateway::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> PResult<()> {
    sync_tags_by_arn!(client, arn, prior, planned, add => add.into_iter().collect())
}

/// Tags as API Gateway reports them, as key/value pairs.
pub fn tag_pairs(tags: Option<&std::collections::HashMap<String, String>>) -> Vec<(String, String)> {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}
