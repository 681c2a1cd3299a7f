//! `aws_cloudfront_origin_request_policy`: the headers, cookies and query strings CloudFront
//! forwards to the origin beyond the cache key. Everything changes in place
//! (UpdateOriginRequestPolicy replaces the whole configuration and needs the current ETag); the
//! id is CloudFront's, as Terraform imports it.

use super::policies::{
    arn, build_err, configs_state, etag, NamesConfig, COOKIE_BEHAVIORS, ORIGIN_REQUEST_HEADER_BEHAVIORS,
    QUERY_STRING_BEHAVIORS,
};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::types as t;
use std::sync::Arc;

/// CloudFront's code for an origin request policy id it does not know.
pub const NOT_FOUND: &[&str] = &["NoSuchOriginRequestPolicy"];

/// The `aws_cloudfront_origin_request_policy` resource type.
pub struct OriginRequestPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl OriginRequestPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OriginRequestPolicy {
        let schema = resource("aws_cloudfront_origin_request_policy")
            .arg("name")
            .arg("comment")
            .arg("cookies_config.cookie_behavior")
            .check(one_of(COOKIE_BEHAVIORS))
            .arg("headers_config.header_behavior")
            .check(one_of(ORIGIN_REQUEST_HEADER_BEHAVIORS))
            .arg("query_strings_config.query_string_behavior")
            .check(one_of(QUERY_STRING_BEHAVIORS))
            .args(&["cookies_config", "headers_config", "query_strings_config"])
            .build();
        OriginRequestPolicy { c, schema }
    }

    /// The policy and its ETag; `None` when CloudFront has no policy with this id.
    async fn get(&self, id: &str) -> PResult<Option<(t::OriginRequestPolicy, Option<String>)>> {
        get(&self.c, id).await
    }
}

/// An origin request policy and its ETag; `None` when CloudFront has no policy with this id.
pub async fn get(c: &Clients, id: &str) -> PResult<Option<(t::OriginRequestPolicy, Option<String>)>> {
    let r = c
        .cloudfront
        .get_origin_request_policy()
        .id(id)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.origin_request_policy.map(|p| (p, o.e_tag))))
}

/// `(id, name)` of every origin request policy CloudFront lists, of one type or all.
pub async fn list(c: &Clients, kind: Option<t::OriginRequestPolicyType>) -> PResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = c
            .cloudfront
            .list_origin_request_policies()
            .set_type(kind.clone())
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(l) = page.origin_request_policy_list else {
            break;
        };
        for s in l.items() {
            if let Some(p) = s.origin_request_policy() {
                let name = p
                    .origin_request_policy_config()
                    .map(|c| c.name().to_string())
                    .unwrap_or_default();
                out.push((p.id().to_string(), name));
            }
        }
        marker = l.next_marker.filter(|m| !m.is_empty());
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The configuration Create/UpdateOriginRequestPolicy send, from a planned value.
fn config(v: &Value) -> PResult<t::OriginRequestPolicyConfig> {
    let name = opt_str(v, "name").ok_or_else(|| ProviderError::msg("name is required"))?;
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
        ("comment", Value::from(c.and_then(|c| c.comment()).map(str::to_string))),
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

#[async_trait]
impl ResourceType for OriginRequestPolicy {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_origin_request_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .cloudfront
            .create_origin_request_policy()
            .origin_request_policy_config(config(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .origin_request_policy()
            .map(|p| p.id().to_string())
            .unwrap_or_default();
        must_exist(self.read(ctx, &id, planned).await?, "origin request policy", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let Some((p, e)) = self.get(id).await? else {
            return Ok(None);
        };
        let arn = arn(&self.c, "origin-request-policy", id).await?;
        Ok(Some(to_state(&p, e.as_deref(), &arn)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // The ETag of the policy as it is now: state's may be stale after a drift.
        let current = self.get(id).await?.and_then(|(_, e)| e);
        self.c
            .cloudfront
            .update_origin_request_policy()
            .id(id)
            .set_if_match(current)
            .origin_request_policy_config(config(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "origin request policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let Some((_, e)) = self.get(id).await? else {
            return Ok(());
        };
        let r = self
            .c
            .cloudfront
            .delete_origin_request_policy()
            .id(id)
            .set_if_match(e)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Policies carry no tags: only a create this address began and never recorded is
        // taken back, by its unique name.
        let (true, Some(name)) = (ctx.resumed, opt_str(planned, "name")) else {
            return Ok(None);
        };
        Ok(list(&self.c, Some(t::OriginRequestPolicyType::Custom))
            .await?
            .into_iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| id))
    }
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
