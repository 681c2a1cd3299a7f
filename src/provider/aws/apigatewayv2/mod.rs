//! API Gateway v2 (HTTP and WebSocket APIs): APIs, VPC links, integrations, routes, stages,
//! deployments and JWT authorizers, with what they share: ARNs and invoke URLs as the provider
//! computes them, tags by ARN, `API/CHILD` import ids, and listing an API's children page by page
//! (so a refresh reads all routes of an API with one call, not one per route).

pub mod api;
pub mod api_mapping;
pub mod authorizer;
pub mod deployment;
pub mod domain_name;
pub mod integration;
pub mod route;
pub mod stage;
pub mod vpc_link;

use crate::provider::aws::common::opt_str;
use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use indexmap::IndexMap;
use std::collections::HashMap;

/// API Gateway's code for an object (or the API holding it) that does not exist.
pub const NOT_FOUND: &[&str] = &["NotFoundException"];

/// How many objects of a type a bulk read takes (the list calls return every one of an API).
pub const BULK: usize = 500;

/// Every item of a paginated API Gateway v2 list call (`GetRoutes`, `GetApis`, ...), which take
/// and return `next_token` but have no paginator in the SDK. Evaluates to `PResult<Vec<_>>`:
/// `list_all!(c.apigatewayv2.get_routes().api_id(id))`.
macro_rules! list_all {
    ($request:expr) => {{
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        let mut result: crate::provider::PResult<()> = Ok(());
        loop {
            match $request.set_next_token(token.take()).send().await {
                Ok(page) => {
                    all.extend(page.items().iter().cloned());
                    match page.next_token() {
                        Some(t) if !t.is_empty() => token = Some(t.to_string()),
                        _ => break,
                    }
                }
                Err(e) => {
                    result = Err(crate::provider::aws::common::aws_err(e));
                    break;
                }
            }
        }
        result.map(|_| all)
    }};
}
pub(crate) use list_all;

/// The ARN of an API (`arn:aws:apigateway:REGION::/apis/ID`), as the provider computes it.
pub fn api_arn(region: &str, api_id: &str) -> String {
    format!("arn:aws:apigateway:{region}::/apis/{api_id}")
}

/// The ARN of a stage.
pub fn stage_arn(region: &str, api_id: &str, stage: &str) -> String {
    format!("arn:aws:apigateway:{region}::/apis/{api_id}/stages/{stage}")
}

/// The ARN of a VPC link.
pub fn vpc_link_arn(region: &str, id: &str) -> String {
    format!("arn:aws:apigateway:{region}::/vpclinks/{id}")
}

/// The ARN IAM policies name an API's routes by (`arn:aws:execute-api:REGION:ACCOUNT:ID`).
pub fn execution_arn(region: &str, account: &str, api_id: &str) -> String {
    format!("arn:aws:execute-api:{region}:{account}:{api_id}")
}

/// The URL a stage is invoked at: `wss://` for WebSocket APIs, and no path for HTTP APIs'
/// `$default` stage, as the provider writes it.
pub fn invoke_url(region: &str, api_id: &str, protocol: &str, stage: &str) -> String {
    let host = format!("{api_id}.execute-api.{region}.amazonaws.com");
    match (protocol, stage) {
        ("WEBSOCKET", _) => format!("wss://{host}/{stage}"),
        (_, "$default") => format!("https://{host}/"),
        _ => format!("https://{host}/{stage}"),
    }
}

/// Splits an import id `API/CHILD` into the API and the child's id; an id without a slash is
/// the child's own, with the API taken from `prior`.
pub fn split_id(id: &str, prior: &Value) -> PResult<(String, String)> {
    if let Some(api) = opt_str(prior, "api_id") {
        return Ok((api, id.to_string()));
    }
    match id.split_once('/') {
        Some((api, child)) if !api.is_empty() && !child.is_empty() => Ok((api.to_string(), child.to_string())),
        _ => Err(ProviderError::msg(format!(
            "cannot tell the API of {id:?}: import takes API-ID/ID"
        ))),
    }
}

/// Groups bulk-read items by their API (from prior state), keeping their positions.
pub fn by_api(items: &[(String, Value)]) -> IndexMap<String, Vec<usize>> {
    let mut groups: IndexMap<String, Vec<usize>> = IndexMap::new();
    for (i, (id, prior)) in items.iter().enumerate() {
        if let Ok((api, _)) = split_id(id, prior) {
            groups.entry(api).or_default().push(i);
        }
    }
    groups
}

/// Reads objects that live inside APIs (routes, integrations, stages, ...) with one list call per
/// API: `list(api)` returns the API's objects (an API that is gone has none), `id_of` names one,
/// `state(api, object, prior)` makes its state. Single reads go through here too, so a type has
/// one way of reading.
pub async fn read_children<T, F, Fut>(
    items: &[(String, Value)],
    list: F,
    id_of: impl Fn(&T) -> Option<&str>,
    state: impl Fn(&str, &T, &Value) -> Value,
) -> PResult<Vec<Option<Value>>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = PResult<Vec<T>>>,
{
    let mut out = vec![None; items.len()];
    for (api, positions) in by_api(items) {
        let Some(listed) = crate::provider::aws::common::absent_on(list(api.clone()).await, NOT_FOUND)? else {
            continue;
        };
        for i in positions {
            let (id, prior) = &items[i];
            let (_, child) = split_id(id, prior)?;
            out[i] = listed
                .iter()
                .find(|t| id_of(t) == Some(child.as_str()))
                .map(|t| state(&api, t, prior));
        }
    }
    Ok(out)
}

/// One object read through [`read_children`].
pub async fn read_child<T, F, Fut>(
    id: &str,
    prior: &Value,
    list: F,
    id_of: impl Fn(&T) -> Option<&str>,
    state: impl Fn(&str, &T, &Value) -> Value,
) -> PResult<Option<Value>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = PResult<Vec<T>>>,
{
    split_id(id, prior)?;
    let items = [(id.to_string(), prior.clone())];
    Ok(read_children(&items, list, id_of, state).await?.pop().flatten())
}

/// Tags as API Gateway takes them.
pub fn tag_map(tags: IndexMap<String, String>) -> HashMap<String, String> {
    tags.into_iter().collect()
}

/// A tag map read from API Gateway as `(key, value)` pairs.
pub fn tag_pairs(tags: Option<&HashMap<String, String>>) -> Vec<(String, String)> {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Brings the tags on `arn` from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let gw = &c.apigatewayv2;
    sync_tags_by_arn!(gw, arn, prior, planned, add => tag_map(add))
}

/// A string map attribute of a planned value, `None` when unset or empty.
pub fn str_map(v: &Value, name: &str) -> Option<HashMap<String, String>> {
    let m: HashMap<String, String> = v
        .get(name)
        .as_object()?
        .iter()
        .filter_map(|(k, x)| x.to_plain_string().map(|x| (k.clone(), x)))
        .collect();
    (!m.is_empty()).then_some(m)
}

pub use crate::provider::aws::common::{first, map_value};

/// The shared number helper, under the name this module's code uses.
pub use crate::provider::aws::common::opt_i32 as int;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoke_urls_and_import_ids_as_the_provider_writes_them() {
        assert_eq!(
            invoke_url("eu-west-1", "a1", "HTTP", "$default"),
            "https://a1.execute-api.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            invoke_url("eu-west-1", "a1", "HTTP", "prod"),
            "https://a1.execute-api.eu-west-1.amazonaws.com/prod"
        );
        assert_eq!(
            invoke_url("eu-west-1", "a1", "WEBSOCKET", "prod"),
            "wss://a1.execute-api.eu-west-1.amazonaws.com/prod"
        );
        assert_eq!(
            split_id("a1/r9", &Value::Null).unwrap(),
            ("a1".to_string(), "r9".to_string())
        );
        let prior = Value::object([("api_id", Value::str("a2"))]);
        assert_eq!(split_id("r9", &prior).unwrap(), ("a2".to_string(), "r9".to_string()));
        assert!(split_id("r9", &Value::Null).is_err());
    }
}
