//! `aws_cloudfront_cache_policy`: what CloudFront puts in the cache key (headers, cookies,
//! query strings, compressed encodings) and the TTLs it caches for. Everything changes in place
//! (UpdateCachePolicy replaces the whole configuration and needs the current ETag); the id is
//! CloudFront's, as Terraform imports it.
//! The CRUD shape, adoption by name and the data source are [`super::policy`]'s.

use super::policies::{
    build_err, configs_state, etag, NamesConfig, CACHE_HEADER_BEHAVIORS, COOKIE_BEHAVIORS, QUERY_STRING_BEHAVIORS,
};
use super::policy::{Policy, PolicyData, PolicyKind};
use crate::provider::aws::common::{aws_err, first, opt_bool, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::types as t;

const PARAMS: &str = "parameters_in_cache_key_and_forwarded_to_origin";

/// The cache policy family.
pub struct CacheKind;

/// The `aws_cloudfront_cache_policy` resource type.
pub type CachePolicy = Policy<CacheKind>;

/// The `aws_cloudfront_cache_policy` data source.
pub type CachePolicyData = PolicyData<CacheKind>;

#[async_trait]
impl PolicyKind for CacheKind {
    type Policy = t::CachePolicy;
    type Config = t::CachePolicyConfig;
    const TYPE: &'static str = "aws_cloudfront_cache_policy";
    const NOUN: &'static str = "cache policy";
    const ARN_KIND: &'static str = "cache-policy";
    const NOT_FOUND: &'static [&'static str] = &["NoSuchCachePolicy"];

    fn schema() -> Schema {
        resource(Self::TYPE)
            .arg("name")
            .arg("comment")
            .arg("default_ttl")
            .default(86400i64)
            .arg("max_ttl")
            .default(31_536_000i64)
            .arg("min_ttl")
            .arg(PARAMS)
            .arg(&format!("{PARAMS}.cookies_config.cookie_behavior"))
            .check(one_of(COOKIE_BEHAVIORS))
            .arg(&format!("{PARAMS}.headers_config.header_behavior"))
            .check(one_of(CACHE_HEADER_BEHAVIORS))
            .arg(&format!("{PARAMS}.query_strings_config.query_string_behavior"))
            .check(one_of(QUERY_STRING_BEHAVIORS))
            .build()
    }

    fn config(planned: &Value) -> PResult<t::CachePolicyConfig> {
        config(planned)
    }

    fn to_state(p: &t::CachePolicy, etag: Option<&str>, arn: &str) -> Value {
        to_state(p, etag, arn)
    }

    async fn get(c: &Clients, id: &str) -> PResult<(Option<t::CachePolicy>, Option<String>)> {
        let o = c.cloudfront.get_cache_policy().id(id).send().await.map_err(aws_err)?;
        Ok((o.cache_policy, o.e_tag))
    }

    async fn create(c: &Clients, config: t::CachePolicyConfig) -> PResult<String> {
        let out = c
            .cloudfront
            .create_cache_policy()
            .cache_policy_config(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.cache_policy().map(|p| p.id().to_string()).unwrap_or_default())
    }

    async fn update(c: &Clients, id: &str, if_match: Option<String>, config: t::CachePolicyConfig) -> PResult<()> {
        c.cloudfront
            .update_cache_policy()
            .id(id)
            .set_if_match(if_match)
            .cache_policy_config(config)
            .send()
            .await
            .map_err(aws_err)
            .map(|_| ())
    }

    async fn delete(c: &Clients, id: &str, if_match: Option<String>) -> PResult<()> {
        c.cloudfront
            .delete_cache_policy()
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
            .list_cache_policies()
            .set_type(custom_only.then_some(t::CachePolicyType::Custom))
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(l) = page.cache_policy_list else {
            return Ok((Vec::new(), None));
        };
        let items = l
            .items()
            .iter()
            .filter_map(|s| s.cache_policy())
            .map(|p| {
                let name = p.cache_policy_config().map(|c| c.name().to_string());
                (p.id().to_string(), name.unwrap_or_default())
            })
            .collect();
        Ok((items, l.next_marker))
    }
}

/// The configuration CreateCachePolicy and UpdateCachePolicy send, from a planned value.
fn config(v: &Value) -> PResult<t::CachePolicyConfig> {
    let name = required(v, "name")?;
    let p = first(v, PARAMS).cloned().unwrap_or(Value::Null);
    let headers = NamesConfig::read(&p, "headers_config", "header_behavior", "headers");
    let cookies = NamesConfig::read(&p, "cookies_config", "cookie_behavior", "cookies");
    let queries = NamesConfig::read(&p, "query_strings_config", "query_string_behavior", "query_strings");
    let params = t::ParametersInCacheKeyAndForwardedToOrigin::builder()
        .enable_accept_encoding_gzip(opt_bool(&p, "enable_accept_encoding_gzip").unwrap_or(false))
        .enable_accept_encoding_brotli(opt_bool(&p, "enable_accept_encoding_brotli").unwrap_or(false))
        .headers_config(
            t::CachePolicyHeadersConfig::builder()
                .set_header_behavior(headers.behavior.as_deref().map(Into::into))
                .set_headers(headers.headers()?)
                .build()
                .map_err(build_err)?,
        )
        .cookies_config(
            t::CachePolicyCookiesConfig::builder()
                .set_cookie_behavior(cookies.behavior.as_deref().map(Into::into))
                .set_cookies(cookies.cookies()?)
                .build()
                .map_err(build_err)?,
        )
        .query_strings_config(
            t::CachePolicyQueryStringsConfig::builder()
                .set_query_string_behavior(queries.behavior.as_deref().map(Into::into))
                .set_query_strings(queries.query_strings()?)
                .build()
                .map_err(build_err)?,
        )
        .build()
        .map_err(build_err)?;
    let num = |k: &str, d: i64| v.get(k).as_number().map(|n| n as i64).unwrap_or(d);
    t::CachePolicyConfig::builder()
        .name(name)
        .set_comment(opt_str(v, "comment"))
        .default_ttl(num("default_ttl", 86400))
        .max_ttl(num("max_ttl", 31_536_000))
        .min_ttl(num("min_ttl", 0))
        .parameters_in_cache_key_and_forwarded_to_origin(params)
        .build()
        .map_err(build_err)
}

/// A cache policy as the provider records it (resource and data source alike).
pub fn to_state(p: &t::CachePolicy, etag_value: Option<&str>, arn: &str) -> Value {
    let c = p.cache_policy_config();
    let params = c
        .and_then(|c| c.parameters_in_cache_key_and_forwarded_to_origin())
        .map(|k| {
            let h = k.headers_config();
            let ck = k.cookies_config();
            let q = k.query_strings_config();
            let mut pairs: Vec<(&str, Value)> = vec![
                (
                    "enable_accept_encoding_gzip",
                    Value::Bool(k.enable_accept_encoding_gzip()),
                ),
                (
                    "enable_accept_encoding_brotli",
                    Value::Bool(k.enable_accept_encoding_brotli().unwrap_or(false)),
                ),
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
            Value::List(vec![Value::object(pairs)])
        });
    Value::object([
        ("id", Value::str(p.id())),
        ("arn", Value::str(arn)),
        ("etag", etag(etag_value)),
        ("name", Value::from(c.map(|c| c.name().to_string()))),
        ("comment", Value::from(c.and_then(|c| c.comment()))),
        ("default_ttl", Value::from(c.and_then(|c| c.default_ttl()))),
        ("max_ttl", Value::from(c.and_then(|c| c.max_ttl()))),
        ("min_ttl", Value::from(c.map(|c| c.min_ttl()))),
        (PARAMS, params.unwrap_or(Value::List(vec![]))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Type;

    fn params(header_behavior: &str) -> Value {
        let block = |pairs: Vec<(&str, Value)>| Value::List(vec![Value::object(pairs)]);
        Value::object([
            ("name", Value::str("p")),
            (
                PARAMS,
                block(vec![
                    ("enable_accept_encoding_gzip", Value::Bool(true)),
                    (
                        "headers_config",
                        block(vec![("header_behavior", Value::str(header_behavior))]),
                    ),
                    ("cookies_config", block(vec![("cookie_behavior", Value::str("none"))])),
                    (
                        "query_strings_config",
                        block(vec![
                            ("query_string_behavior", Value::str("whitelist")),
                            (
                                "query_strings",
                                block(vec![("items", Value::List(vec![Value::str("q")]))]),
                            ),
                        ]),
                    ),
                ]),
            ),
        ])
    }

    #[test]
    fn schema_follows_the_provider() {
        let r = crate::provider::aws::schemas_registry();
        let s = r.resource("aws_cloudfront_cache_policy").unwrap().schema().clone();
        assert_eq!(s.attrs["default_ttl"].default, Some(Value::from(86400i64)));
        assert_eq!(s.attrs["max_ttl"].default, Some(Value::from(31_536_000i64)));
        assert!(!s.attrs["name"].force_new);
        let p = &s.blocks[PARAMS].schema;
        let names = &p.blocks["query_strings_config"].schema.blocks["query_strings"]
            .schema
            .attrs["items"];
        assert!(matches!(names.ty, Type::Set(_)), "names compare as sets");
    }

    #[test]
    fn configuration_sent_to_cloudfront() {
        let c = config(&params("whitelist")).unwrap();
        assert_eq!(
            (c.default_ttl(), c.max_ttl(), c.min_ttl()),
            (Some(86400), Some(31_536_000), 0)
        );
        let k = c.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
        assert!(k.enable_accept_encoding_gzip());
        assert_eq!(k.enable_accept_encoding_brotli(), Some(false));
        let q = k.query_strings_config().unwrap();
        assert_eq!(q.query_strings().unwrap().items(), ["q"]);
        assert_eq!(q.query_strings().unwrap().quantity(), 1);
        assert!(k.headers_config().unwrap().headers().is_none());
        assert!(config(&Value::object([("name", Value::Null)])).is_err());
    }
}
