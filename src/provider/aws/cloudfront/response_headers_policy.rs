//! `aws_cloudfront_response_headers_policy`: the HTTP headers CloudFront adds to, or removes
//! from, the responses of the cache behaviors that name the policy: CORS headers, security
//! headers (CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, HSTS,
//! X-XSS-Protection), custom headers, headers to remove, and Server-Timing. Everything changes in
//! place (UpdateResponseHeadersPolicy replaces the whole configuration and needs the current
//! ETag); the id is CloudFront's, as Terraform imports it. The CRUD shape, adoption by name
//! and the data source (`Managed-SecurityHeadersPolicy`, `Managed-CORS-With-Preflight`, ...) are
//! [`super::policy`]'s.
//!
//! CloudFront sends header names, origins and methods as `Quantity` + `Items`; the provider
//! records them as sets (`[{items = [...]}]`), sorted here, and a CORS list block only when it
//! holds a name.

use super::policies::{build_err, etag};
use super::policy::{Policy, PolicyData, PolicyKind};
use crate::provider::aws::common::{aws_err, first, opt_bool, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::validators::{float_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::types as t;

/// X-Frame-Options values CloudFront takes (FrameOptionsList).
pub const FRAME_OPTIONS: &[&str] = &["DENY", "SAMEORIGIN"];

/// Referrer-Policy values CloudFront takes (ReferrerPolicyList).
pub const REFERRER_POLICIES: &[&str] = &[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

const CORS: &str = "cors_config";
const SECURITY: &str = "security_headers_config";

/// The response headers policy family.
pub struct ResponseHeadersKind;

/// The `aws_cloudfront_response_headers_policy` resource type.
pub type ResponseHeadersPolicy = Policy<ResponseHeadersKind>;

/// The `aws_cloudfront_response_headers_policy` data source.
pub type ResponseHeadersPolicyData = PolicyData<ResponseHeadersKind>;

#[async_trait]
impl PolicyKind for ResponseHeadersKind {
    type Policy = t::ResponseHeadersPolicy;
    type Config = t::ResponseHeadersPolicyConfig;
    const TYPE: &'static str = "aws_cloudfront_response_headers_policy";
    const NOUN: &'static str = "response headers policy";
    const ARN_KIND: &'static str = "response-headers-policy";
    const NOT_FOUND: &'static [&'static str] = &["NoSuchResponseHeadersPolicy"];

    fn schema() -> Schema {
        // The provider checks the two enums and the sampling rate at plan (`terraform
        // validate`); it leaves the CORS method names to CloudFront.
        resource(Self::TYPE)
            .args(&[
                "name",
                "comment",
                "etag",
                CORS,
                "custom_headers_config",
                "remove_headers_config",
                SECURITY,
                "server_timing_headers_config",
            ])
            .arg("security_headers_config.frame_options.frame_option")
            .check(one_of(FRAME_OPTIONS))
            .arg("security_headers_config.referrer_policy.referrer_policy")
            .check(one_of(REFERRER_POLICIES))
            .arg("server_timing_headers_config.sampling_rate")
            .check(float_between(0.0, 100.0))
            .build()
    }

    fn config(planned: &Value) -> PResult<t::ResponseHeadersPolicyConfig> {
        config(planned)
    }

    fn to_state(p: &t::ResponseHeadersPolicy, etag: Option<&str>, arn: &str) -> Value {
        to_state(p, etag, arn)
    }

    async fn get(c: &Clients, id: &str) -> PResult<(Option<t::ResponseHeadersPolicy>, Option<String>)> {
        let o = c
            .cloudfront
            .get_response_headers_policy()
            .id(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok((o.response_headers_policy, o.e_tag))
    }

    async fn create(c: &Clients, config: t::ResponseHeadersPolicyConfig) -> PResult<String> {
        let out = c
            .cloudfront
            .create_response_headers_policy()
            .response_headers_policy_config(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .response_headers_policy()
            .map(|p| p.id().to_string())
            .unwrap_or_default())
    }

    async fn update(
        c: &Clients,
        id: &str,
        if_match: Option<String>,
        config: t::ResponseHeadersPolicyConfig,
    ) -> PResult<()> {
        c.cloudfront
            .update_response_headers_policy()
            .id(id)
            .set_if_match(if_match)
            .response_headers_policy_config(config)
            .send()
            .await
            .map_err(aws_err)
            .map(|_| ())
    }

    async fn delete(c: &Clients, id: &str, if_match: Option<String>) -> PResult<()> {
        c.cloudfront
            .delete_response_headers_policy()
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
            .list_response_headers_policies()
            .set_type(custom_only.then_some(t::ResponseHeadersPolicyType::Custom))
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(l) = page.response_headers_policy_list else {
            return Ok((Vec::new(), None));
        };
        let items = l
            .items()
            .iter()
            .filter_map(|s| s.response_headers_policy())
            .map(|p| {
                let name = p.response_headers_policy_config().map(|c| c.name().to_string());
                (p.id().to_string(), name.unwrap_or_default())
            })
            .collect();
        Ok((items, l.next_marker))
    }
}

/// The `items` of block `block` of `parent` (`[{items = [...]}]`), sorted; empty when absent.
fn items_of(parent: &Value, block: &str) -> Vec<String> {
    let mut v: Vec<String> = first(parent, block)
        .and_then(|b| b.get("items").as_list())
        .map(|l| l.iter().filter_map(Value::to_plain_string).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A names block as state records it: `[{items}]` when there are names, `[]` otherwise.
fn items_block(items: &[String]) -> Value {
    if items.is_empty() {
        return Value::List(vec![]);
    }
    let mut sorted = items.to_vec();
    sorted.sort();
    Value::List(vec![Value::object([(
        "items",
        Value::List(sorted.into_iter().map(Value::String).collect()),
    )])])
}

fn quantity(items: &[impl Sized]) -> i32 {
    i32::try_from(items.len()).unwrap_or(i32::MAX)
}

use crate::provider::aws::common::opt_i32 as int;

fn one(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![Value::object(pairs)])
}

fn cors(v: &Value) -> PResult<t::ResponseHeadersPolicyCorsConfig> {
    let origins = items_of(v, "access_control_allow_origins");
    let headers = items_of(v, "access_control_allow_headers");
    let methods = items_of(v, "access_control_allow_methods");
    let expose = first(v, "access_control_expose_headers").map(|_| items_of(v, "access_control_expose_headers"));
    t::ResponseHeadersPolicyCorsConfig::builder()
        .access_control_allow_origins(
            t::ResponseHeadersPolicyAccessControlAllowOrigins::builder()
                .quantity(quantity(&origins))
                .set_items(Some(origins))
                .build()
                .map_err(build_err)?,
        )
        .access_control_allow_headers(
            t::ResponseHeadersPolicyAccessControlAllowHeaders::builder()
                .quantity(quantity(&headers))
                .set_items(Some(headers))
                .build()
                .map_err(build_err)?,
        )
        .access_control_allow_methods(
            t::ResponseHeadersPolicyAccessControlAllowMethods::builder()
                .quantity(quantity(&methods))
                .set_items(Some(methods.iter().map(|m| m.as_str().into()).collect()))
                .build()
                .map_err(build_err)?,
        )
        .set_access_control_expose_headers(
            expose
                .map(|e| {
                    t::ResponseHeadersPolicyAccessControlExposeHeaders::builder()
                        .quantity(quantity(&e))
                        .set_items((!e.is_empty()).then_some(e))
                        .build()
                        .map_err(build_err)
                })
                .transpose()?,
        )
        .access_control_allow_credentials(opt_bool(v, "access_control_allow_credentials").unwrap_or(false))
        .origin_override(opt_bool(v, "origin_override").unwrap_or(false))
        // The provider sends no max age for 0 (its zero value: unset).
        .set_access_control_max_age_sec(int(v, "access_control_max_age_sec").filter(|n| *n != 0))
        .build()
        .map_err(build_err)
}

fn security(v: &Value) -> PResult<t::ResponseHeadersPolicySecurityHeadersConfig> {
    let over = |b: &Value| opt_bool(b, "override").unwrap_or(false);
    let csp = first(v, "content_security_policy")
        .map(|b| {
            t::ResponseHeadersPolicyContentSecurityPolicy::builder()
                .r#override(over(b))
                .content_security_policy(opt_str(b, "content_security_policy").unwrap_or_default())
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    let cto = first(v, "content_type_options")
        .map(|b| {
            t::ResponseHeadersPolicyContentTypeOptions::builder()
                .r#override(over(b))
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    let frame = first(v, "frame_options")
        .map(|b| {
            t::ResponseHeadersPolicyFrameOptions::builder()
                .r#override(over(b))
                .frame_option(opt_str(b, "frame_option").unwrap_or_default().as_str().into())
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    let referrer = first(v, "referrer_policy")
        .map(|b| {
            t::ResponseHeadersPolicyReferrerPolicy::builder()
                .r#override(over(b))
                .referrer_policy(opt_str(b, "referrer_policy").unwrap_or_default().as_str().into())
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    let hsts = first(v, "strict_transport_security")
        .map(|b| {
            t::ResponseHeadersPolicyStrictTransportSecurity::builder()
                .r#override(over(b))
                .access_control_max_age_sec(int(b, "access_control_max_age_sec").unwrap_or(0))
                .include_subdomains(opt_bool(b, "include_subdomains").unwrap_or(false))
                .preload(opt_bool(b, "preload").unwrap_or(false))
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    let xss = first(v, "xss_protection")
        .map(|b| {
            t::ResponseHeadersPolicyXssProtection::builder()
                .r#override(over(b))
                .protection(opt_bool(b, "protection").unwrap_or(false))
                .mode_block(opt_bool(b, "mode_block").unwrap_or(false))
                .set_report_uri(opt_str(b, "report_uri").filter(|s| !s.is_empty()))
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    Ok(t::ResponseHeadersPolicySecurityHeadersConfig::builder()
        .set_content_security_policy(csp)
        .set_content_type_options(cto)
        .set_frame_options(frame)
        .set_referrer_policy(referrer)
        .set_strict_transport_security(hsts)
        .set_xss_protection(xss)
        .build())
}

/// The `items` blocks of a custom or remove headers block.
fn header_items(v: &Value) -> Vec<&Value> {
    v.get("items").as_list().map(|l| l.iter().collect()).unwrap_or_default()
}

fn custom_headers(v: &Value) -> PResult<t::ResponseHeadersPolicyCustomHeadersConfig> {
    let items = header_items(v)
        .into_iter()
        .map(|h| {
            t::ResponseHeadersPolicyCustomHeader::builder()
                .header(opt_str(h, "header").unwrap_or_default())
                .value(opt_str(h, "value").unwrap_or_default())
                .r#override(opt_bool(h, "override").unwrap_or(false))
                .build()
                .map_err(build_err)
        })
        .collect::<PResult<Vec<_>>>()?;
    t::ResponseHeadersPolicyCustomHeadersConfig::builder()
        .quantity(quantity(&items))
        .set_items((!items.is_empty()).then_some(items))
        .build()
        .map_err(build_err)
}

fn remove_headers(v: &Value) -> PResult<t::ResponseHeadersPolicyRemoveHeadersConfig> {
    let items = header_items(v)
        .into_iter()
        .map(|h| {
            t::ResponseHeadersPolicyRemoveHeader::builder()
                .header(opt_str(h, "header").unwrap_or_default())
                .build()
                .map_err(build_err)
        })
        .collect::<PResult<Vec<_>>>()?;
    t::ResponseHeadersPolicyRemoveHeadersConfig::builder()
        .quantity(quantity(&items))
        .set_items((!items.is_empty()).then_some(items))
        .build()
        .map_err(build_err)
}

/// The configuration Create/UpdateResponseHeadersPolicy send, from a planned value.
fn config(v: &Value) -> PResult<t::ResponseHeadersPolicyConfig> {
    let name = required(v, "name")?;
    let server_timing = first(v, "server_timing_headers_config")
        .map(|b| {
            t::ResponseHeadersPolicyServerTimingHeadersConfig::builder()
                .enabled(opt_bool(b, "enabled").unwrap_or(false))
                .set_sampling_rate(b.get("sampling_rate").as_number())
                .build()
                .map_err(build_err)
        })
        .transpose()?;
    t::ResponseHeadersPolicyConfig::builder()
        .name(name)
        .set_comment(opt_str(v, "comment"))
        .set_cors_config(first(v, CORS).map(cors).transpose()?)
        .set_security_headers_config(first(v, SECURITY).map(security).transpose()?)
        .set_custom_headers_config(first(v, "custom_headers_config").map(custom_headers).transpose()?)
        .set_remove_headers_config(first(v, "remove_headers_config").map(remove_headers).transpose()?)
        .set_server_timing_headers_config(server_timing)
        .build()
        .map_err(build_err)
}

fn cors_state(c: &t::ResponseHeadersPolicyCorsConfig) -> Value {
    let methods: Vec<String> = c
        .access_control_allow_methods()
        .map(|m| m.items().iter().map(|m| m.as_str().to_string()).collect())
        .unwrap_or_default();
    one(vec![
        (
            "access_control_allow_credentials",
            Value::Bool(c.access_control_allow_credentials()),
        ),
        (
            "access_control_allow_headers",
            items_block(c.access_control_allow_headers().map(|h| h.items()).unwrap_or_default()),
        ),
        ("access_control_allow_methods", items_block(&methods)),
        (
            "access_control_allow_origins",
            items_block(c.access_control_allow_origins().map(|o| o.items()).unwrap_or_default()),
        ),
        (
            "access_control_expose_headers",
            items_block(c.access_control_expose_headers().map(|e| e.items()).unwrap_or_default()),
        ),
        (
            "access_control_max_age_sec",
            Value::from(c.access_control_max_age_sec().map(i64::from)),
        ),
        ("origin_override", Value::Bool(c.origin_override())),
    ])
}

fn security_state(s: &t::ResponseHeadersPolicySecurityHeadersConfig) -> Value {
    let block = |v: Option<Vec<(&str, Value)>>| v.map(one).unwrap_or(Value::List(vec![]));
    one(vec![
        (
            "content_security_policy",
            block(s.content_security_policy().map(|c| {
                vec![
                    ("content_security_policy", Value::str(c.content_security_policy())),
                    ("override", Value::Bool(c.r#override())),
                ]
            })),
        ),
        (
            "content_type_options",
            block(
                s.content_type_options()
                    .map(|c| vec![("override", Value::Bool(c.r#override()))]),
            ),
        ),
        (
            "frame_options",
            block(s.frame_options().map(|f| {
                vec![
                    ("frame_option", Value::str(f.frame_option().as_str())),
                    ("override", Value::Bool(f.r#override())),
                ]
            })),
        ),
        (
            "referrer_policy",
            block(s.referrer_policy().map(|r| {
                vec![
                    ("override", Value::Bool(r.r#override())),
                    ("referrer_policy", Value::str(r.referrer_policy().as_str())),
                ]
            })),
        ),
        (
            "strict_transport_security",
            block(s.strict_transport_security().map(|h| {
                vec![
                    (
                        "access_control_max_age_sec",
                        Value::from(i64::from(h.access_control_max_age_sec())),
                    ),
                    ("include_subdomains", Value::from(h.include_subdomains())),
                    ("override", Value::Bool(h.r#override())),
                    ("preload", Value::from(h.preload())),
                ]
            })),
        ),
        (
            "xss_protection",
            block(s.xss_protection().map(|x| {
                vec![
                    ("mode_block", Value::from(x.mode_block())),
                    ("override", Value::Bool(x.r#override())),
                    ("protection", Value::Bool(x.protection())),
                    ("report_uri", Value::from(x.report_uri())),
                ]
            })),
        ),
    ])
}

/// A response headers policy as the provider records it (resource and data source alike).
pub fn to_state(p: &t::ResponseHeadersPolicy, etag_value: Option<&str>, arn: &str) -> Value {
    let c = p.response_headers_policy_config();
    let custom = c.and_then(|c| c.custom_headers_config()).map(|h| {
        let items = h
            .items()
            .iter()
            .map(|i| {
                Value::object([
                    ("header", Value::str(i.header())),
                    ("override", Value::Bool(i.r#override())),
                    ("value", Value::str(i.value())),
                ])
            })
            .collect();
        one(vec![("items", Value::List(items))])
    });
    let remove = c.and_then(|c| c.remove_headers_config()).map(|h| {
        let items = h
            .items()
            .iter()
            .map(|i| Value::object([("header", Value::str(i.header()))]))
            .collect();
        one(vec![("items", Value::List(items))])
    });
    let timing = c.and_then(|c| c.server_timing_headers_config()).map(|s| {
        one(vec![
            ("enabled", Value::Bool(s.enabled())),
            ("sampling_rate", Value::from(s.sampling_rate().map(Value::Number))),
        ])
    });
    let or_none = |v: Option<Value>| v.unwrap_or(Value::List(vec![]));
    Value::object([
        ("id", Value::str(p.id())),
        ("arn", Value::str(arn)),
        ("etag", etag(etag_value)),
        ("name", Value::from(c.map(|c| c.name().to_string()))),
        ("comment", Value::from(c.and_then(|c| c.comment()))),
        (CORS, or_none(c.and_then(|c| c.cors_config()).map(cors_state))),
        ("custom_headers_config", or_none(custom)),
        ("remove_headers_config", or_none(remove)),
        (
            SECURITY,
            or_none(c.and_then(|c| c.security_headers_config()).map(security_state)),
        ),
        ("server_timing_headers_config", or_none(timing)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Type;

    fn items(v: &[&str]) -> Value {
        one(vec![("items", Value::List(v.iter().map(|s| Value::str(*s)).collect()))])
    }

    fn planned() -> Value {
        Value::object([
            ("name", Value::str("p")),
            (
                CORS,
                one(vec![
                    ("access_control_allow_credentials", Value::Bool(false)),
                    ("origin_override", Value::Bool(true)),
                    ("access_control_allow_headers", items(&["x-b", "x-a"])),
                    ("access_control_allow_methods", items(&["GET", "OPTIONS"])),
                    ("access_control_allow_origins", items(&["https://a.example"])),
                    ("access_control_max_age_sec", Value::from(600i64)),
                ]),
            ),
            (
                SECURITY,
                one(vec![
                    (
                        "frame_options",
                        one(vec![
                            ("frame_option", Value::str("DENY")),
                            ("override", Value::Bool(true)),
                        ]),
                    ),
                    (
                        "strict_transport_security",
                        one(vec![
                            ("access_control_max_age_sec", Value::from(63_072_000i64)),
                            ("override", Value::Bool(true)),
                            ("preload", Value::Bool(true)),
                        ]),
                    ),
                ]),
            ),
            (
                "custom_headers_config",
                one(vec![(
                    "items",
                    Value::List(vec![Value::object([
                        ("header", Value::str("X-Team")),
                        ("value", Value::str("web")),
                        ("override", Value::Bool(false)),
                    ])]),
                )]),
            ),
            (
                "server_timing_headers_config",
                one(vec![
                    ("enabled", Value::Bool(true)),
                    ("sampling_rate", Value::Number(12.5)),
                ]),
            ),
        ])
    }

    #[test]
    fn configuration_sent_to_cloudfront() {
        let c = config(&planned()).unwrap();
        let cors = c.cors_config().unwrap();
        let h = cors.access_control_allow_headers().unwrap();
        assert_eq!(
            (h.quantity(), h.items()),
            (2, &["x-a".to_string(), "x-b".to_string()][..])
        );
        assert_eq!(cors.access_control_allow_methods().unwrap().quantity(), 2);
        assert!(cors.access_control_expose_headers().is_none());
        assert_eq!(cors.access_control_max_age_sec(), Some(600));
        assert!(cors.origin_override() && !cors.access_control_allow_credentials());
        let s = c.security_headers_config().unwrap();
        assert_eq!(s.frame_options().unwrap().frame_option(), &t::FrameOptionsList::Deny);
        let hsts = s.strict_transport_security().unwrap();
        assert_eq!(hsts.access_control_max_age_sec(), 63_072_000);
        assert_eq!((hsts.preload(), hsts.include_subdomains()), (Some(true), Some(false)));
        assert!(s.xss_protection().is_none() && s.referrer_policy().is_none());
        let custom = c.custom_headers_config().unwrap();
        assert_eq!(custom.quantity(), 1);
        assert_eq!(custom.items()[0].header(), "X-Team");
        assert!(c.remove_headers_config().is_none());
        assert_eq!(c.server_timing_headers_config().unwrap().sampling_rate(), Some(12.5));
        assert!(config(&Value::object([("name", Value::Null)])).is_err());
    }

    #[test]
    fn state_reads_back_what_was_sent() {
        let sent = config(&planned()).unwrap();
        let p = t::ResponseHeadersPolicy::builder()
            .id("rhp1")
            .last_modified_time(aws_smithy_types::DateTime::from_secs(0))
            .response_headers_policy_config(sent)
            .build()
            .unwrap();
        let s = to_state(&p, Some("E1"), "arn:aws:cloudfront::1:response-headers-policy/rhp1");
        assert_eq!(s.get("etag"), &Value::str("E1"));
        let cors = first(&s, CORS).unwrap();
        assert_eq!(items_of(cors, "access_control_allow_methods"), ["GET", "OPTIONS"]);
        assert_eq!(cors.get("access_control_expose_headers"), &Value::List(vec![]));
        let sec = first(&s, SECURITY).unwrap();
        assert_eq!(
            first(sec, "frame_options").unwrap().get("frame_option"),
            &Value::str("DENY")
        );
        assert_eq!(sec.get("xss_protection"), &Value::List(vec![]));
        assert_eq!(s.get("remove_headers_config"), &Value::List(vec![]));
        // What state holds builds the same request again.
        assert_eq!(config(&s).unwrap(), config(&planned()).unwrap());
    }

    #[test]
    fn provider_checks_refuse_bad_values_at_plan() {
        let r = crate::provider::aws::schemas_registry();
        let s = r.resource(ResponseHeadersKind::TYPE).unwrap().schema().clone();
        let sec = &s.blocks[SECURITY].schema;
        let frame = &sec.blocks["frame_options"].schema.attrs["frame_option"];
        assert!(frame.validators.iter().all(|v| v.check(&Value::str("DENY")).is_ok()));
        let refused = frame
            .validators
            .iter()
            .find_map(|v| v.check(&Value::str("ALLOW")).err())
            .expect("ALLOW is refused");
        assert!(refused.contains("SAMEORIGIN"), "{refused}");
        let referrer = &sec.blocks["referrer_policy"].schema.attrs["referrer_policy"];
        assert!(referrer
            .validators
            .iter()
            .any(|v| v.check(&Value::str("bogus")).is_err()));
        assert!(referrer
            .validators
            .iter()
            .all(|v| v.check(&Value::str("strict-origin-when-cross-origin")).is_ok()));
        let rate = &s.blocks["server_timing_headers_config"].schema.attrs["sampling_rate"];
        assert!(rate.validators.iter().any(|v| v.check(&Value::Number(150.0)).is_err()));
        assert!(rate.validators.iter().all(|v| v.check(&Value::Number(12.5)).is_ok()));
        let methods = &s.blocks[CORS].schema.blocks["access_control_allow_methods"]
            .schema
            .attrs["items"];
        assert!(matches!(methods.ty, Type::Set(_)), "methods compare as a set");
        assert!(!s.attrs["name"].force_new);
    }
}
