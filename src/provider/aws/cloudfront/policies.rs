//! What CloudFront's cache and origin request policies share: their `*_config` blocks (a
//! behavior and a set of names: headers, cookies or query strings), the behaviors CloudFront
//! accepts, policy ARNs, and finding a policy by name among the managed and custom ones.
//!
//! CloudFront sends names as `Quantity` + `Items`; the provider records a names block only when
//! it holds at least one name, and an unset names block as none.

use crate::provider::aws::common::first;
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_cloudfront::types::{CookieNames, Headers, QueryStringNames};

/// Cookie behaviors of both policy kinds (CachePolicyCookieBehavior, OriginRequestPolicyCookieBehavior).
pub const COOKIE_BEHAVIORS: &[&str] = &["none", "whitelist", "allExcept", "all"];
/// Query string behaviors of both policy kinds.
pub const QUERY_STRING_BEHAVIORS: &[&str] = &["none", "whitelist", "allExcept", "all"];
/// Header behaviors of a cache policy (only named headers can be part of a cache key).
pub const CACHE_HEADER_BEHAVIORS: &[&str] = &["none", "whitelist"];
/// Header behaviors of an origin request policy.
pub const ORIGIN_REQUEST_HEADER_BEHAVIORS: &[&str] = &[
    "none",
    "whitelist",
    "allViewer",
    "allViewerAndWhitelistCloudFront",
    "allExcept",
];

/// One `*_config` block as written: its behavior and the names of its names block, if any.
#[derive(Debug, Default, PartialEq)]
pub struct NamesConfig {
    /// `cookie_behavior`, `header_behavior` or `query_string_behavior`.
    pub behavior: Option<String>,
    /// The names block's `items`; `None` when the block or its items are absent.
    pub items: Option<Vec<String>>,
}

impl NamesConfig {
    /// Reads block `block` of `parent` (its `behavior` attribute and `names` block).
    pub fn read(parent: &Value, block: &str, behavior: &str, names: &str) -> NamesConfig {
        let Some(b) = first(parent, block) else {
            return NamesConfig::default();
        };
        let items = first(b, names).and_then(|n| n.get("items").as_list()).map(|l| {
            let mut v: Vec<String> = l.iter().filter_map(Value::to_plain_string).collect();
            v.sort();
            v
        });
        NamesConfig {
            behavior: b.get(behavior).to_plain_string().filter(|s| !s.is_empty()),
            items: items.filter(|v| !v.is_empty()),
        }
    }

    /// The block as state records it: `[{behavior, names}]`, names `[]` when there are none.
    pub fn to_value(behavior_key: &str, behavior: Option<&str>, names_key: &str, items: &[String]) -> Value {
        let names = if items.is_empty() {
            Value::List(vec![])
        } else {
            let mut sorted = items.to_vec();
            sorted.sort();
            Value::List(vec![Value::object([(
                "items",
                Value::List(sorted.into_iter().map(Value::String).collect()),
            )])])
        };
        Value::List(vec![Value::object([
            (behavior_key, Value::from(behavior)),
            (names_key, names),
        ])])
    }

    fn quantity(&self) -> i32 {
        self.items.as_ref().map_or(0, |v| v.len() as i32)
    }

    /// The names as CloudFront's `Headers`.
    pub fn headers(&self) -> PResult<Option<Headers>> {
        self.items
            .as_ref()
            .map(|_| {
                Headers::builder()
                    .quantity(self.quantity())
                    .set_items(self.items.clone())
                    .build()
                    .map_err(build_err)
            })
            .transpose()
    }

    /// The names as CloudFront's `CookieNames`.
    pub fn cookies(&self) -> PResult<Option<CookieNames>> {
        self.items
            .as_ref()
            .map(|_| {
                CookieNames::builder()
                    .quantity(self.quantity())
                    .set_items(self.items.clone())
                    .build()
                    .map_err(build_err)
            })
            .transpose()
    }

    /// The names as CloudFront's `QueryStringNames`.
    pub fn query_strings(&self) -> PResult<Option<QueryStringNames>> {
        self.items
            .as_ref()
            .map(|_| {
                QueryStringNames::builder()
                    .quantity(self.quantity())
                    .set_items(self.items.clone())
                    .build()
                    .map_err(build_err)
            })
            .transpose()
    }
}

/// The three `*_config` blocks of a policy as state records them, from CloudFront's behaviors
/// and names (both policy kinds spell them alike).
pub fn configs_state(
    headers: (Option<&str>, &[String]),
    cookies: (Option<&str>, &[String]),
    queries: (Option<&str>, &[String]),
) -> [(&'static str, Value); 3] {
    [
        (
            "headers_config",
            NamesConfig::to_value("header_behavior", headers.0, "headers", headers.1),
        ),
        (
            "cookies_config",
            NamesConfig::to_value("cookie_behavior", cookies.0, "cookies", cookies.1),
        ),
        (
            "query_strings_config",
            NamesConfig::to_value("query_string_behavior", queries.0, "query_strings", queries.1),
        ),
    ]
}

/// The shared wording of a request the SDK refuses to build, for the policy types here.
pub use crate::provider::aws::common::build_err;

/// A policy's ARN (`arn:PARTITION:cloudfront::ACCOUNT:KIND/ID`), as the provider computes it.
pub async fn arn(c: &Clients, kind: &str, id: &str) -> PResult<String> {
    let account = c.account_id().await?;
    let (partition, ..) = crate::provider::aws::meta::partition::of_region(&c.region);
    Ok(format!("arn:{partition}:cloudfront::{account}:{kind}/{id}"))
}

/// An ETag from a Get call: Update and Delete must send it back (If-Match).
pub fn etag(e: Option<&str>) -> Value {
    Value::from(e)
}

/// The id of a data source's policy: `id` as given, or the one policy named `name` among
/// `(id, name)` pairs of every policy (managed and custom) CloudFront lists.
pub fn pick_id(config: &Value, kind: &str, listed: &[(String, String)]) -> PResult<String> {
    if let Some(id) = config.get("id").to_plain_string().filter(|s| !s.is_empty()) {
        return Ok(id);
    }
    let Some(name) = config.get("name").to_plain_string().filter(|s| !s.is_empty()) else {
        return Err(ProviderError::msg(format!(
            "one of `id` or `name` is required to find a {kind}"
        )));
    };
    listed
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(id, _)| id.clone())
        .ok_or_else(|| ProviderError::msg(format!("no CloudFront {kind} named {name:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_blocks_round_trip_as_the_provider_records_them() {
        let parent = Value::object([(
            "headers_config",
            Value::List(vec![Value::object([
                ("header_behavior", Value::str("whitelist")),
                (
                    "headers",
                    Value::List(vec![Value::object([(
                        "items",
                        Value::List(vec![Value::str("b"), Value::str("a")]),
                    )])]),
                ),
            ])]),
        )]);
        let c = NamesConfig::read(&parent, "headers_config", "header_behavior", "headers");
        assert_eq!(c.behavior.as_deref(), Some("whitelist"));
        assert_eq!(c.items, Some(vec!["a".to_string(), "b".to_string()]));
        let h = c.headers().unwrap().unwrap();
        assert_eq!(h.quantity(), 2);
        let back = NamesConfig::to_value("header_behavior", Some("whitelist"), "headers", h.items());
        // State holds the set sorted, whatever order the blueprint or CloudFront used.
        let sorted = NamesConfig::read(
            &Value::object([("headers_config", back)]),
            "headers_config",
            "header_behavior",
            "headers",
        );
        assert_eq!(sorted, c);
        // No names block (or an empty one): nothing sent, `[]` recorded.
        let none = NamesConfig::read(&Value::Null, "headers_config", "header_behavior", "headers");
        assert_eq!(none, NamesConfig::default());
        assert!(none.headers().unwrap().is_none());
        assert_eq!(
            NamesConfig::to_value("cookie_behavior", Some("none"), "cookies", &[])
                .as_list()
                .unwrap()[0]
                .get("cookies"),
            &Value::List(vec![])
        );
    }

    #[test]
    fn data_sources_find_a_policy_by_id_or_name() {
        let listed = vec![("658327ea".to_string(), "Managed-CachingOptimized".to_string())];
        let by_name = Value::object([("name", Value::str("Managed-CachingOptimized"))]);
        assert_eq!(pick_id(&by_name, "cache policy", &listed).unwrap(), "658327ea");
        let by_id = Value::object([("id", Value::str("x"))]);
        assert_eq!(pick_id(&by_id, "cache policy", &[]).unwrap(), "x");
        let missing = Value::object([("name", Value::str("nope"))]);
        assert!(pick_id(&missing, "cache policy", &listed)
            .unwrap_err()
            .message
            .contains("nope"));
        assert!(pick_id(&Value::Null, "cache policy", &listed).is_err());
    }
}
