//! API Gateway (REST, v1) resources, and what they share: changes are PATCH operations, and
//! tags are set by the resource's ARN (`arn:aws:apigateway:REGION::/restapis/ID/...`).

/// Sets a method's three-part key (REST API, resource, HTTP method, as [`method_key`] gives
/// it) on one of the SDK's method- or integration-level calls, which share those setters but
/// no trait: `keyed!(client.get_method(), &key)`.
macro_rules! keyed {
    ($call:expr, $key:expr) => {{
        let (api, resource, verb): &(String, String, String) = $key;
        $call.rest_api_id(api).resource_id(resource).http_method(verb)
    }};
}

pub mod account;
pub mod api_key;
pub mod deployment;
pub mod integration;
pub mod method;
pub mod method_settings;
pub mod resource;
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

/// The PATCH operations that take a map argument from `old` to `new`, one per key at
/// `PREFIX/KEY` (a `/` in the key written `~1`, as JSON pointers do): removed keys removed,
/// new keys added, changed ones replaced, values as text.
pub fn map_ops(prefix: &str, old: &Value, new: &Value) -> Vec<PatchOperation> {
    let entries = |v: &Value| -> Vec<(String, String)> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, x)| (k.clone(), x.to_plain_string().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (entries(old), entries(new));
    let path = |k: &str| format!("{prefix}/{}", k.replace('~', "~0").replace('/', "~1"));
    let mut ops: Vec<PatchOperation> = old
        .iter()
        .filter(|(k, _)| !new.iter().any(|(n, _)| n == k))
        .map(|(k, _)| patch(Op::Remove, &path(k), None))
        .collect();
    for (k, v) in &new {
        match old.iter().find(|(o, _)| o == k) {
            Some((_, before)) if before == v => {}
            Some(_) => ops.push(patch(Op::Replace, &path(k), Some(v.clone()))),
            None => ops.push(patch(Op::Add, &path(k), Some(v.clone()))),
        }
    }
    ops
}

/// A string map as the SDKs take it; `None` when empty, as the provider leaves it out.
pub fn string_map(v: &Value) -> Option<std::collections::HashMap<String, String>> {
    let m: std::collections::HashMap<String, String> = v
        .as_object()?
        .iter()
        .map(|(k, x)| (k.clone(), x.to_plain_string().unwrap_or_default()))
        .collect();
    (!m.is_empty()).then_some(m)
}

/// The three parts of a method's or integration's identity (REST API, resource, HTTP method):
/// from the prior value, else from an import id `API/RESOURCE/METHOD`, else from the provider's
/// own id `PREFIX-API-RESOURCE-METHOD` (API Gateway ids hold no hyphen).
pub fn method_key(id: &str, prior: &Value) -> crate::provider::PResult<(String, String, String)> {
    let known = |k: &str| crate::provider::aws::common::opt_str(prior, k);
    if let (Some(a), Some(r), Some(m)) = (known("rest_api_id"), known("resource_id"), known("http_method")) {
        return Ok((a, r, m));
    }
    let parts: Vec<&str> = if id.contains('/') {
        id.split('/').collect()
    } else {
        id.splitn(4, '-').skip(1).collect()
    };
    match parts.as_slice() {
        [a, r, m] if !a.is_empty() && !r.is_empty() && !m.is_empty() => {
            Ok((a.to_string(), r.to_string(), m.to_string()))
        }
        _ => Err(crate::provider::ProviderError::msg(format!(
            "unexpected id {id:?}: import takes REST-API-ID/RESOURCE-ID/HTTP-METHOD"
        ))),
    }
}

/// The identity attributes of a method or integration: the provider's id (`PREFIX-API-RESOURCE-
/// METHOD`, `agm` for methods, `agi` for integrations) and the three parts of its key.
pub fn key_fields(prefix: &str, key: &(String, String, String)) -> [(&'static str, Value); 4] {
    let (api, resource, verb) = key;
    [
        ("id", Value::str(format!("{prefix}-{api}-{resource}-{verb}"))),
        ("rest_api_id", Value::str(api)),
        ("resource_id", Value::str(resource)),
        ("http_method", Value::str(verb)),
    ]
}

/// A string the provider's read records with `d.Set` from a pointer: `""` when AWS sends none,
/// which is what expressions (and `jsonencode` of the object) see in Terraform.
pub fn text(x: Option<&str>) -> Value {
    Value::str(x.unwrap_or_default())
}

/// The HTTP methods API Gateway takes (the provider's check).
pub const HTTP_METHODS: &[&str] = &["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

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
