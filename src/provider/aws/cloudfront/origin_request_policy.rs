//! `aws_cloudfront_origin_request_policy`: the headers, cookies and query strings CloudFront
//! forwards to the origin beyond the cache key. Everything changes in place
//! (UpdateOriginRequestPolicy replaces the whole configuration and needs the current ETag); the
//! id is CloudFront's, as Terraform imports it. The CRUD shape, adoption by name and the data
//! source are [`super::policy`]'s.

use super::policies::{
    build_err, configs_state, etag, NamesConfig, COOKIE_BEHAVIORS, ORIGIN_REQUEST_HEADER_BEHAVIORS,
    QUERY_STRING_BEHAVIORS,
};
use super::policy::{Policy, PolicyData, PolicyKind};
use crate::provider::aws::common::{aws_err, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::types as t;

/// The origin request policy family.
pub struct OriginRequestKind;

/// The `aws_cloudfront_origin_request_policy` resource type.
pub type OriginRequestPolicy = Policy<OriginRequestKind>;

/// The `aws_cloudfront_origin_request_policy` data source.
pub type OriginRequestPolicyData = PolicyData<OriginRequestKind>;

#[async_trait]
impl PolicyKind for OriginRequestKind {
    type Policy = t::OriginRequestPolicy;
    type Config = t::OriginRequestPolicyConfig;
    const TYPE: &'static str = "aws_cloudfront_origin_request_policy";
    const NOUN: &'static str = "origin request policy";
    const ARN_KIND: &'static str = "origin-request-policy";
    const NOT_FOUND: &'static [&'static str] = &["NoSuchOriginRequestPolicy"];

    fn schema() -> Schema {
        resource(Self::TYPE)
            .arg("name")
            .arg("comment")
            .arg("cookies_config.cookie_behavior")
            .check(one_of(COOKIE_BEHAVIORS))
            .arg("headers_config.header_behavior")
            .check(one_of(ORIGIN_REQUEST_HEADER_BEHAVIORS))
            .arg("query_strings_config.query_string_behavior")
            .check(one_of(QUERY_STRING_BEHAVIORS))
            .args(&["cookies_config", "headers_config", "query_strings_config"])
            .build()
    }

    fn config(planned: &Value) -> PResult<t::OriginRequestPolicyConfig> {
        config(planned)
    }

    fn to_state(p: &t::OriginRequestPolicy, etag: Option<&str>, arn: &str) -> Value {
        to_state(p, etag, arn)
    }

    async fn get(c: &Clients, id: &str) -> PResult<(Option<t::OriginRequestPolicy>, Option<String>)> {
        let o = c
            .cloudfront
            .get_origin_request_policy()
            .id(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok((o.origin_request_policy, o.e_tag))
    }

    async fn create(c: &Clients, config: t::OriginRequestPolicyConfig) -> PResult<String> {
        let out = c
            .cloudfront
            .create_origin_request_policy()
            .origin_request_policy_config(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .origin_request_policy()
            .map(|p| p.id().to_string())
            .unwrap_or_default())
    }

    async fn update(
        c: &Clients,
        id: &str,
        if_match: Option<String>,
        config: t::OriginRequestPolicyConfig,
    ) -> PResult<()> {
        c.cloudfront
            .update_origin_request_policy()
            .id(id)
            .set_if_match(if_match)
            .origin_request_policy_config(config)
            .send()
            .await
            .map_err(aws_err)
            .map(|_| ())
    }

    async fn delete(c: &Clients, id: &str, if_match: Option<String>) -> PResult<()> {
        c.cloudfront
            .delete_origin_request_policy()
            .id(id)
            .set_if_match(if_match)
            .send()
            .await
            .map_err(aws_err)
            .map(|_| ())
    }

    async fn list_page(
        c: &Clients,
        custom_only: bool,
        marker: Option<String>,
    ) -> PResult<(Vec<(String, String)>, Option<String>)> {
        let page = c
            .cloudfront
            .list_origin_request_policies()
            .set_type(custom_only.then_some(t::OriginRequestPolicyType::Custom))
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(l) = page.origin_request_policy_list else {
            return Ok((Vec::new(), None));
        };
        let items = l
            .items()
            .iter()
            .filter_map(|s| s.origin_request_policy())
            .map(|p| {
                let name = p.origin_request_policy_config().map(|c| c.name().to_string());
                (p.id().to_string(), name.unwrap_or_default())
            })
            .collect();
        Ok((items, l.next_marker))
    }
}

/// The configuration Create/UpdateOriginRequestPolicy send, from a planned value.
fn config(v: &Value) -> PResult<t::OriginRequestPolicyConfig> {
    let name = required(v, "name")?;
    let headers = NamesConfig::read(v, "headers_config", "header_behavior", "headers");
    let cookies = NamesConfig::read(v, "cookies_config", "cookie_behavior", "cookies");
    let queries = NamesConfig::read(v, "query_strings_config", "query_string_behavior", "query_strings");
    t::OriginRequestPolicyConfig::builder()
        .name(name)
        .set_comment(opt_str(v, "comment"))
        .headers_config(
            t::OriginRequestPolicyHeadersConfig::builder()
                .set_header_behavior(headers.behavior.as_deref().map(Into::into))
                .set_headers(headers.headers()?)
                .build()
                .map_err(build_err)?,
        )
        .cookies_config(
            t::OriginRequestPolicyCookiesConfig::builder()
                .set_cookie_behavior(cookies.behavior.as_deref().map(Into::into))
                .set_cookies(cookies.cookies()?)
                .build()
                .map_err(build_err)?,
        )
        .query_strings_config(
            t::OriginRequestPolicyQueryStringsConfig::builder()
                .set_query_string_behavior(queries.behavior.as_deref().map(Into::into))
                .set_query_strings(queries.query_strings()?)
                .build()
                .map_err(build_err)?,
        )
        .build()
        .map_err(build_err)
}

/// An origin request policy as the provider records it (resource and data source alike).
pub fn to_state(p: &t::OriginRequestPolicy, etag_value: Option<&str>, arn: &str) -> Value {
    let c = p.origin_request_policy_config();
    let h = c.and_then(|c| c.headers_config());
    let ck = c.and_then(|c| c.cookies_config());
    let q = c.and_then(|c| c.query_strings_config());
    let mut pairs: Vec<(&str, Value)> = vec![
        ("id", Value::str(p.id())),
        ("arn", Value::str(arn)),
        ("etag", etag(etag_value)),
        ("name", Value::from(c.map(|c| c.name().to_string()))),
        ("comment", Value::from(c.and_then(|c| c.comment()))),
    ];
    pairs.extend(configs_state(
        (
            h.map(|h| h.header_behavior().as_str()),
            h.and_then(|h| h.headers()).map(|n| n.items()).unwrap_or_default(),
        ),
        (
            ck.map(|c| c.cookie_behavior().as_str()),
            ck.and_then(|c| c.cookies()).map(|n| n.items()).unwrap_or_default(),
        ),
        (
            q.map(|q| q.query_string_behavior().as_str()),
            q.and_then(|q| q.query_strings()).map(|n| n.items()).unwrap_or_default(),
        ),
    ));
    Value::object(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_sent_to_cloudfront() {
        let block = |pairs: Vec<(&str, Value)>| Value::List(vec![Value::object(pairs)]);
        let v = Value::object([
            ("name", Value::str("p")),
            (
                "headers_config",
                block(vec![
                    ("header_behavior", Value::str("allExcept")),
                    ("headers", block(vec![("items", Value::List(vec![Value::str("host")]))])),
                ]),
            ),
            ("cookies_config", block(vec![("cookie_behavior", Value::str("all"))])),
            (
                "query_strings_config",
                block(vec![("query_string_behavior", Value::str("none"))]),
            ),
        ]);
        let c = config(&v).unwrap();
        let h = c.headers_config().unwrap();
        assert_eq!(h.header_behavior().as_str(), "allExcept");
        assert_eq!(h.headers().unwrap().items(), ["host"]);
        assert_eq!(c.cookies_config().unwrap().cookie_behavior().as_str(), "all");
        assert!(c.comment().is_none());
    }

    #[test]
    fn behaviors_are_checked_at_plan() {
        let r = crate::provider::aws::schemas_registry();
        let s = r
            .resource("aws_cloudfront_origin_request_policy")
            .unwrap()
            .schema()
            .clone();
        let hb = &s.blocks["headers_config"].schema.attrs["header_behavior"];
        assert!(!hb.validators.is_empty());
    }
}
