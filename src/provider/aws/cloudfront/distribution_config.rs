//! The mapping between `aws_cloudfront_distribution`'s blocks and CloudFront's
//! `DistributionConfig`, both ways, as the AWS provider maps them: what it always sends (empty
//! lists with their `Quantity`, `""` for unset strings, TTLs only without a cache policy, an empty
//! S3 origin config for an origin with neither kind), and what it reads back (an origin shield
//! only when enabled, logging only when enabled, a certificate's support method only with its
//! certificate). CloudFront takes the whole configuration on every update, so the same expansion
//! serves create and update.

// The legacy cache settings (forwarded_values, TTLs on the behavior) are deprecated in the SDK in
// favour of cache policies, but the provider's schema keeps them and blueprints still use them.
#![allow(deprecated)]

use super::built;
use crate::provider::aws::common::{first, opt_str, str_list};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_cloudfront::types::builders::DistributionConfigBuilder;
use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CacheBehavior, CacheBehaviors, CachedMethods, CookieNames, CookiePreference,
    CustomErrorResponse, CustomErrorResponses, CustomHeaders, CustomOriginConfig, DefaultCacheBehavior,
    DistributionConfig, EventType, ForwardedValues, FunctionAssociation, FunctionAssociations, GeoRestriction,
    GeoRestrictionType, GrpcConfig, Headers, HttpVersion, ItemSelection, LambdaFunctionAssociation,
    LambdaFunctionAssociations, LoggingConfig, Method, MinimumProtocolVersion, Origin, OriginCustomHeader, OriginGroup,
    OriginGroupFailoverCriteria, OriginGroupMember, OriginGroupMembers, OriginGroups, OriginProtocolPolicy,
    OriginShield, OriginSslProtocols, Origins, PriceClass, QueryStringCacheKeys, Restrictions, S3OriginConfig,
    SslProtocol, SslSupportMethod, StatusCodes, TrustedKeyGroups, TrustedSigners, ViewerCertificate,
    ViewerProtocolPolicy,
};
use indexmap::IndexMap;

/// A string argument, `""` when unset (what the provider sends for it).
fn s(v: &Value, k: &str) -> String {
    opt_str(v, k).unwrap_or_default()
}

/// A number argument as CloudFront's 64-bit fields take it.
fn n(v: &Value, k: &str) -> Option<i64> {
    v.get(k).as_number().map(|x| x as i64)
}

/// A number argument as CloudFront's 32-bit fields take it.
fn n32(v: &Value, k: &str) -> Option<i32> {
    n(v, k).and_then(|x| i32::try_from(x).ok())
}

/// A bool argument, false when unset.
fn b(v: &Value, k: &str) -> bool {
    v.get(k).as_bool().unwrap_or(false)
}

/// The blocks of a nested block type.
fn blocks<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).as_list().unwrap_or(&[])
}

fn quantity(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

/// Builds the whole configuration from a planned value; `caller_reference` identifies it for
/// good (CloudFront refuses a second create with it, and an update must repeat it).
pub fn expand(planned: &Value, caller_reference: &str) -> PResult<DistributionConfig> {
    let logging = match first(planned, "logging_config") {
        Some(l) => LoggingConfig::builder()
            .enabled(true)
            .bucket(s(l, "bucket"))
            .prefix(s(l, "prefix"))
            .include_cookies(b(l, "include_cookies"))
            .build(),
        None => LoggingConfig::builder()
            .enabled(false)
            .bucket("")
            .prefix("")
            .include_cookies(false)
            .build(),
    };
    let aliases = str_list(planned, "aliases");
    let default_behavior = first(planned, "default_cache_behavior")
        .ok_or_else(|| crate::provider::ProviderError::msg("default_cache_behavior is required"))?;
    let ordered = blocks(planned, "ordered_cache_behavior")
        .iter()
        .map(expand_ordered_behavior)
        .collect::<PResult<Vec<_>>>()?;
    let errors = blocks(planned, "custom_error_response")
        .iter()
        .map(expand_error_response)
        .collect::<PResult<Vec<_>>>()?;
    let origins = blocks(planned, "origin")
        .iter()
        .map(expand_origin)
        .collect::<PResult<Vec<_>>>()?;
    let groups = blocks(planned, "origin_group")
        .iter()
        .map(expand_origin_group)
        .collect::<PResult<Vec<_>>>()?;
    let mut config = DistributionConfig::builder()
        .caller_reference(caller_reference)
        .comment(s(planned, "comment"))
        .continuous_deployment_policy_id(s(planned, "continuous_deployment_policy_id"))
        .default_root_object(s(planned, "default_root_object"))
        .enabled(b(planned, "enabled"))
        .is_ipv6_enabled(b(planned, "is_ipv6_enabled"))
        .http_version(HttpVersion::from(s(planned, "http_version").as_str()))
        .price_class(PriceClass::from(s(planned, "price_class").as_str()))
        .staging(b(planned, "staging"))
        .web_acl_id(s(planned, "web_acl_id"))
        .logging(logging)
        .aliases(built(
            Aliases::builder()
                .quantity(quantity(aliases.len()))
                .set_items((!aliases.is_empty()).then_some(aliases))
                .build(),
        )?)
        .default_cache_behavior(expand_default_behavior(default_behavior)?)
        .cache_behaviors(built(
            CacheBehaviors::builder()
                .quantity(quantity(ordered.len()))
                .set_items((!ordered.is_empty()).then_some(ordered))
                .build(),
        )?)
        .custom_error_responses(built(
            CustomErrorResponses::builder()
                .quantity(quantity(errors.len()))
                .set_items(Some(errors))
                .build(),
        )?)
        .origins(built(
            Origins::builder()
                .quantity(quantity(origins.len()))
                .set_items(Some(origins))
                .build(),
        )?)
        .origin_groups(built(
            OriginGroups::builder()
                .quantity(quantity(groups.len()))
                .set_items((!groups.is_empty()).then_some(groups))
                .build(),
        )?);
    if let Some(r) = first(planned, "restrictions").and_then(|r| first(r, "geo_restriction")) {
        let locations = str_list(r, "locations");
        config = config.restrictions(
            Restrictions::builder()
                .geo_restriction(built(
                    GeoRestriction::builder()
                        .restriction_type(GeoRestrictionType::from(s(r, "restriction_type").as_str()))
                        .quantity(quantity(locations.len()))
                        .set_items((!locations.is_empty()).then_some(locations))
                        .build(),
                )?)
                .build(),
        );
    }
    if let Some(c) = first(planned, "viewer_certificate") {
        config = config.viewer_certificate(expand_certificate(c));
    }
    built(config.build())
}

fn expand_certificate(c: &Value) -> ViewerCertificate {
    let method = || SslSupportMethod::from(s(c, "ssl_support_method").as_str());
    let mut v = ViewerCertificate::builder();
    if let Some(iam) = opt_str(c, "iam_certificate_id") {
        v = v.iam_certificate_id(iam).ssl_support_method(method());
    } else if let Some(acm) = opt_str(c, "acm_certificate_arn") {
        v = v.acm_certificate_arn(acm).ssl_support_method(method());
    } else {
        v = v.cloud_front_default_certificate(b(c, "cloudfront_default_certificate"));
    }
    if let Some(p) = opt_str(c, "minimum_protocol_version") {
        v = v.minimum_protocol_version(MinimumProtocolVersion::from(p.as_str()));
    }
    v.build()
}

fn expand_error_response(e: &Value) -> PResult<CustomErrorResponse> {
    let code = n32(e, "response_code").filter(|c| *c != 0).map(|c| c.to_string());
    built(
        CustomErrorResponse::builder()
            .error_code(n32(e, "error_code").unwrap_or_default())
            .error_caching_min_ttl(n(e, "error_caching_min_ttl").unwrap_or_default())
            .response_code(code.unwrap_or_default())
            .response_page_path(s(e, "response_page_path"))
            .build(),
    )
}

/// The status codes of a failover criteria, in ascending order (a set in the schema).
fn status_codes(f: &Value) -> Vec<i32> {
    let mut codes: Vec<i32> = f
        .get("status_codes")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| c.as_number())
        .filter_map(|c| i32::try_from(c as i64).ok())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// An origin group: the origin CloudFront fails over from (the first member) to the second
/// when the first answers one of the status codes.
fn expand_origin_group(g: &Value) -> PResult<OriginGroup> {
    let codes = first(g, "failover_criteria").map(status_codes).unwrap_or_default();
    let members = blocks(g, "member")
        .iter()
        .map(|m| built(OriginGroupMember::builder().origin_id(s(m, "origin_id")).build()))
        .collect::<PResult<Vec<_>>>()?;
    built(
        OriginGroup::builder()
            .id(s(g, "origin_id"))
            .failover_criteria(
                OriginGroupFailoverCriteria::builder()
                    .status_codes(built(
                        StatusCodes::builder()
                            .quantity(quantity(codes.len()))
                            .set_items(Some(codes))
                            .build(),
                    )?)
                    .build(),
            )
            .members(built(
                OriginGroupMembers::builder()
                    .quantity(quantity(members.len()))
                    .set_items(Some(members))
                    .build(),
            )?)
            .build(),
    )
}

fn flatten_origin_group(g: &OriginGroup) -> Value {
    let mut codes: Vec<i32> = g
        .failover_criteria()
        .and_then(|f| f.status_codes())
        .map(|c| c.items().to_vec())
        .unwrap_or_default();
    codes.sort_unstable();
    let members: Vec<Value> = g
        .members()
        .map(|m| m.items())
        .unwrap_or_default()
        .iter()
        .map(|m| Value::object([("origin_id", Value::str(m.origin_id()))]))
        .collect();
    Value::object([
        ("origin_id", Value::str(g.id())),
        (
            "failover_criteria",
            Value::List(vec![Value::object([(
                "status_codes",
                Value::List(codes.into_iter().map(int).collect()),
            )])]),
        ),
        ("member", Value::List(members)),
    ])
}

fn expand_origin(o: &Value) -> PResult<Origin> {
    let headers = blocks(o, "custom_header")
        .iter()
        .map(|h| {
            built(
                OriginCustomHeader::builder()
                    .header_name(s(h, "name"))
                    .header_value(s(h, "value"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    let mut origin = Origin::builder()
        .id(s(o, "origin_id"))
        .domain_name(s(o, "domain_name"))
        .set_connection_attempts(n32(o, "connection_attempts"))
        .set_connection_timeout(n32(o, "connection_timeout"))
        .custom_headers(built(
            CustomHeaders::builder()
                .quantity(quantity(headers.len()))
                .set_items(Some(headers))
                .build(),
        )?)
        .origin_access_control_id(s(o, "origin_access_control_id"))
        .origin_path(s(o, "origin_path"));
    let custom = first(o, "custom_origin_config");
    if let Some(c) = custom {
        let protocols: Vec<SslProtocol> = str_list(c, "origin_ssl_protocols")
            .iter()
            .map(|p| SslProtocol::from(p.as_str()))
            .collect();
        origin = origin.custom_origin_config(built(
            CustomOriginConfig::builder()
                .http_port(n32(c, "http_port").unwrap_or_default())
                .https_port(n32(c, "https_port").unwrap_or_default())
                .origin_protocol_policy(OriginProtocolPolicy::from(s(c, "origin_protocol_policy").as_str()))
                .origin_ssl_protocols(built(
                    OriginSslProtocols::builder()
                        .quantity(quantity(protocols.len()))
                        .set_items(Some(protocols))
                        .build(),
                )?)
                .set_origin_read_timeout(n32(c, "origin_read_timeout"))
                .set_origin_keepalive_timeout(n32(c, "origin_keepalive_timeout"))
                .build(),
        )?);
    }
    if let Some(sh) = first(o, "origin_shield") {
        origin = origin.origin_shield(built(
            OriginShield::builder()
                .enabled(b(sh, "enabled"))
                .origin_shield_region(s(sh, "origin_shield_region"))
                .build(),
        )?);
    }
    // One kind of origin or the other must be given; an S3 origin may be "empty" (no origin
    // access identity: an origin access control signs, or the bucket is public).
    match first(o, "s3_origin_config") {
        Some(s3) => {
            origin = origin.s3_origin_config(
                S3OriginConfig::builder()
                    .origin_access_identity(s(s3, "origin_access_identity"))
                    .build(),
            )
        }
        None if custom.is_none() => {
            origin = origin.s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        }
        None => {}
    }
    built(origin.build())
}

/// The parts of a cache behavior, shared by the default and the ordered ones.
struct Behavior {
    allowed: AllowedMethods,
    trusted_signers: TrustedSigners,
    trusted_key_groups: TrustedKeyGroups,
    lambdas: LambdaFunctionAssociations,
    functions: FunctionAssociations,
    grpc: Option<GrpcConfig>,
    forwarded: Option<ForwardedValues>,
    ttls: Option<(i64, i64, i64)>,
}

fn behavior_parts(v: &Value) -> PResult<Behavior> {
    let methods = |k: &str| -> Vec<Method> { str_list(v, k).iter().map(|m| Method::from(m.as_str())).collect() };
    let cached = methods("cached_methods");
    let allowed = methods("allowed_methods");
    let signers = str_list(v, "trusted_signers");
    let groups = str_list(v, "trusted_key_groups");
    let lambdas = blocks(v, "lambda_function_association")
        .iter()
        .map(|l| {
            built(
                LambdaFunctionAssociation::builder()
                    .event_type(EventType::from(s(l, "event_type").as_str()))
                    .lambda_function_arn(s(l, "lambda_arn"))
                    .include_body(b(l, "include_body"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    let functions = blocks(v, "function_association")
        .iter()
        .map(|f| {
            built(
                FunctionAssociation::builder()
                    .event_type(EventType::from(s(f, "event_type").as_str()))
                    .function_arn(s(f, "function_arn"))
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    let forwarded = first(v, "forwarded_values").map(expand_forwarded).transpose()?;
    // Sent only when written: AWS keeps gRPC off otherwise (and answers it so).
    let grpc = first(v, "grpc_config")
        .map(|g| built(GrpcConfig::builder().enabled(b(g, "enabled")).build()))
        .transpose()?;
    // TTLs belong to the cache policy when there is one; AWS refuses both.
    let ttls = opt_str(v, "cache_policy_id").is_none().then(|| {
        (
            n(v, "min_ttl").unwrap_or_default(),
            n(v, "default_ttl").unwrap_or_default(),
            n(v, "max_ttl").unwrap_or_default(),
        )
    });
    Ok(Behavior {
        allowed: built(
            AllowedMethods::builder()
                .quantity(quantity(allowed.len()))
                .set_items(Some(allowed))
                .cached_methods(built(
                    CachedMethods::builder()
                        .quantity(quantity(cached.len()))
                        .set_items(Some(cached))
                        .build(),
                )?)
                .build(),
        )?,
        trusted_signers: built(
            TrustedSigners::builder()
                .enabled(!signers.is_empty())
                .quantity(quantity(signers.len()))
                .set_items((!signers.is_empty()).then_some(signers))
                .build(),
        )?,
        trusted_key_groups: built(
            TrustedKeyGroups::builder()
                .enabled(!groups.is_empty())
                .quantity(quantity(groups.len()))
                .set_items((!groups.is_empty()).then_some(groups))
                .build(),
        )?,
        lambdas: built(
            LambdaFunctionAssociations::builder()
                .quantity(quantity(lambdas.len()))
                .set_items((!lambdas.is_empty()).then_some(lambdas))
                .build(),
        )?,
        functions: built(
            FunctionAssociations::builder()
                .quantity(quantity(functions.len()))
                .set_items((!functions.is_empty()).then_some(functions))
                .build(),
        )?,
        grpc,
        forwarded,
        ttls,
    })
}

fn expand_forwarded(f: &Value) -> PResult<ForwardedValues> {
    let mut fv = ForwardedValues::builder().query_string(b(f, "query_string"));
    if let Some(c) = first(f, "cookies") {
        let names = str_list(c, "whitelisted_names");
        fv = fv.cookies(built(
            CookiePreference::builder()
                .forward(ItemSelection::from(s(c, "forward").as_str()))
                .whitelisted_names(built(
                    CookieNames::builder()
                        .quantity(quantity(names.len()))
                        .set_items(Some(names))
                        .build(),
                )?)
                .build(),
        )?);
    }
    let headers = str_list(f, "headers");
    let keys = str_list(f, "query_string_cache_keys");
    built(
        fv.headers(built(
            Headers::builder()
                .quantity(quantity(headers.len()))
                .set_items(Some(headers))
                .build(),
        )?)
        .query_string_cache_keys(built(
            QueryStringCacheKeys::builder()
                .quantity(quantity(keys.len()))
                .set_items(Some(keys))
                .build(),
        )?)
        .build(),
    )
}

/// Fills a behavior builder (the default's or an ordered one's: the SDK has one type for each
/// with the same members) from a planned block.
macro_rules! fill_behavior {
    ($builder:expr, $v:expr, $parts:expr) => {{
        let v = $v;
        let p = $parts;
        let mut bld = $builder
            .target_origin_id(s(v, "target_origin_id"))
            .viewer_protocol_policy(ViewerProtocolPolicy::from(s(v, "viewer_protocol_policy").as_str()))
            .cache_policy_id(s(v, "cache_policy_id"))
            .origin_request_policy_id(s(v, "origin_request_policy_id"))
            .response_headers_policy_id(s(v, "response_headers_policy_id"))
            .field_level_encryption_id(s(v, "field_level_encryption_id"))
            .set_realtime_log_config_arn(opt_str(v, "realtime_log_config_arn"))
            .compress(b(v, "compress"))
            .smooth_streaming(b(v, "smooth_streaming"))
            .allowed_methods(p.allowed)
            .trusted_signers(p.trusted_signers)
            .trusted_key_groups(p.trusted_key_groups)
            .lambda_function_associations(p.lambdas)
            .function_associations(p.functions)
            .set_grpc_config(p.grpc)
            .set_forwarded_values(p.forwarded);
        if let Some((min, default, max)) = p.ttls {
            bld = bld.min_ttl(min).default_ttl(default).max_ttl(max);
        }
        built(bld.build())
    }};
}

fn expand_default_behavior(v: &Value) -> PResult<DefaultCacheBehavior> {
    fill_behavior!(DefaultCacheBehavior::builder(), v, behavior_parts(v)?)
}

fn expand_ordered_behavior(v: &Value) -> PResult<CacheBehavior> {
    fill_behavior!(
        CacheBehavior::builder().path_pattern(s(v, "path_pattern")),
        v,
        behavior_parts(v)?
    )
}

/// A string list as a value.
fn strings<T: AsRef<str>>(items: &[T]) -> Value {
    Value::List(items.iter().map(|i| Value::str(i.as_ref())).collect())
}

fn int(x: impl Into<i64>) -> Value {
    Value::from(x.into())
}

/// Reads a behavior back (the default's or an ordered one's), as the provider flattens it.
macro_rules! flatten_behavior {
    ($cb:expr) => {{
        let cb = $cb;
        let mut m: IndexMap<String, Value> = IndexMap::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("cache_policy_id", Value::str(cb.cache_policy_id().unwrap_or_default()));
        put("compress", Value::Bool(cb.compress().unwrap_or(false)));
        put(
            "field_level_encryption_id",
            Value::str(cb.field_level_encryption_id().unwrap_or_default()),
        );
        put(
            "viewer_protocol_policy",
            Value::str(cb.viewer_protocol_policy().as_str()),
        );
        put("target_origin_id", Value::str(cb.target_origin_id()));
        put("min_ttl", int(cb.min_ttl().unwrap_or_default()));
        put(
            "origin_request_policy_id",
            Value::str(cb.origin_request_policy_id().unwrap_or_default()),
        );
        put(
            "realtime_log_config_arn",
            Value::str(cb.realtime_log_config_arn().unwrap_or_default()),
        );
        put(
            "response_headers_policy_id",
            Value::str(cb.response_headers_policy_id().unwrap_or_default()),
        );
        put(
            "forwarded_values",
            Value::List(cb.forwarded_values().map(flatten_forwarded).into_iter().collect()),
        );
        put(
            "trusted_key_groups",
            strings(cb.trusted_key_groups().map(|t| t.items()).unwrap_or_default()),
        );
        put(
            "trusted_signers",
            strings(cb.trusted_signers().map(|t| t.items()).unwrap_or_default()),
        );
        put(
            "lambda_function_association",
            Value::List(
                cb.lambda_function_associations()
                    .map(|l| l.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|l| {
                        Value::object([
                            ("event_type", Value::str(l.event_type().as_str())),
                            ("lambda_arn", Value::str(l.lambda_function_arn())),
                            ("include_body", Value::Bool(l.include_body().unwrap_or(false))),
                        ])
                    })
                    .collect(),
            ),
        );
        put(
            "function_association",
            Value::List(
                cb.function_associations()
                    .map(|l| l.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|f| {
                        Value::object([
                            ("event_type", Value::str(f.event_type().as_str())),
                            ("function_arn", Value::str(f.function_arn())),
                        ])
                    })
                    .collect(),
            ),
        );
        put(
            "grpc_config",
            Value::List(
                cb.grpc_config()
                    .map(|g| Value::object([("enabled", Value::Bool(g.enabled()))]))
                    .into_iter()
                    .collect(),
            ),
        );
        put("max_ttl", Value::from(cb.max_ttl()));
        put("default_ttl", Value::from(cb.default_ttl()));
        put("smooth_streaming", Value::from(cb.smooth_streaming()));
        if let Some(a) = cb.allowed_methods() {
            put(
                "allowed_methods",
                Value::List(a.items().iter().map(|m| Value::str(m.as_str())).collect()),
            );
            put(
                "cached_methods",
                Value::List(
                    a.cached_methods()
                        .map(|c| c.items())
                        .unwrap_or_default()
                        .iter()
                        .map(|m| Value::str(m.as_str()))
                        .collect(),
                ),
            );
        }
        m
    }};
}

fn flatten_forwarded(f: &ForwardedValues) -> Value {
    let mut m: IndexMap<String, Value> = IndexMap::new();
    m.insert("query_string".into(), Value::Bool(f.query_string()));
    let cookies: Vec<Value> = f
        .cookies()
        .map(|c| {
            Value::object([
                ("forward", Value::str(c.forward().as_str())),
                (
                    "whitelisted_names",
                    c.whitelisted_names().map(|w| strings(w.items())).unwrap_or(Value::Null),
                ),
            ])
        })
        .into_iter()
        .collect();
    m.insert("cookies".into(), Value::List(cookies));
    m.insert(
        "headers".into(),
        f.headers().map(|h| strings(h.items())).unwrap_or(Value::Null),
    );
    m.insert(
        "query_string_cache_keys".into(),
        f.query_string_cache_keys()
            .map(|k| strings(k.items()))
            .unwrap_or(Value::Null),
    );
    Value::Object(m)
}

fn flatten_origin(o: &Origin) -> Value {
    let custom: Vec<Value> = o
        .custom_origin_config()
        .map(|c| {
            Value::object([
                ("http_port", int(c.http_port())),
                ("https_port", int(c.https_port())),
                (
                    "origin_protocol_policy",
                    Value::str(c.origin_protocol_policy().as_str()),
                ),
                (
                    "origin_ssl_protocols",
                    Value::List(
                        c.origin_ssl_protocols()
                            .map(|p| p.items())
                            .unwrap_or_default()
                            .iter()
                            .map(|p| Value::str(p.as_str()))
                            .collect(),
                    ),
                ),
                ("origin_read_timeout", int(c.origin_read_timeout().unwrap_or_default())),
                (
                    "origin_keepalive_timeout",
                    int(c.origin_keepalive_timeout().unwrap_or_default()),
                ),
            ])
        })
        .into_iter()
        .collect();
    let shield: Vec<Value> = o
        .origin_shield()
        .filter(|s| s.enabled())
        .map(|s| {
            Value::object([
                ("enabled", Value::Bool(true)),
                (
                    "origin_shield_region",
                    Value::str(s.origin_shield_region().unwrap_or_default()),
                ),
            ])
        })
        .into_iter()
        .collect();
    let s3: Vec<Value> = o
        .s3_origin_config()
        .filter(|s| !s.origin_access_identity().is_empty())
        .map(|s| Value::object([("origin_access_identity", Value::str(s.origin_access_identity()))]))
        .into_iter()
        .collect();
    let headers: Vec<Value> = o
        .custom_headers()
        .map(|h| h.items())
        .unwrap_or_default()
        .iter()
        .map(|h| {
            Value::object([
                ("name", Value::str(h.header_name())),
                ("value", Value::str(h.header_value())),
            ])
        })
        .collect();
    Value::object([
        ("origin_id", Value::str(o.id())),
        ("domain_name", Value::str(o.domain_name())),
        (
            "connection_attempts",
            Value::from(o.connection_attempts().map(i64::from)),
        ),
        ("connection_timeout", Value::from(o.connection_timeout().map(i64::from))),
        ("custom_header", Value::List(headers)),
        ("custom_origin_config", Value::List(custom)),
        (
            "origin_access_control_id",
            Value::str(o.origin_access_control_id().unwrap_or_default()),
        ),
        ("origin_path", Value::str(o.origin_path().unwrap_or_default())),
        ("origin_shield", Value::List(shield)),
        ("s3_origin_config", Value::List(s3)),
        ("vpc_origin_config", Value::List(vec![])),
    ])
}

fn flatten_certificate(c: &ViewerCertificate) -> Value {
    let mut m: IndexMap<String, Value> = IndexMap::new();
    let method = || Value::str(c.ssl_support_method().map(|m| m.as_str()).unwrap_or_default());
    if let Some(iam) = c.iam_certificate_id().filter(|i| !i.is_empty()) {
        m.insert("iam_certificate_id".into(), Value::str(iam));
        m.insert("ssl_support_method".into(), method());
    }
    if let Some(acm) = c.acm_certificate_arn().filter(|a| !a.is_empty()) {
        m.insert("acm_certificate_arn".into(), Value::str(acm));
        m.insert("ssl_support_method".into(), method());
    }
    m.insert(
        "cloudfront_default_certificate".into(),
        Value::Bool(c.cloud_front_default_certificate().unwrap_or(false)),
    );
    m.insert(
        "minimum_protocol_version".into(),
        Value::from(c.minimum_protocol_version().map(|p| p.as_str().to_string())),
    );
    Value::Object(m)
}

/// The configuration's arguments as state records them, read from CloudFront.
pub fn flatten(c: &DistributionConfig) -> IndexMap<String, Value> {
    let mut m: IndexMap<String, Value> = IndexMap::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("caller_reference", Value::str(c.caller_reference()));
    put(
        "comment",
        if c.comment().is_empty() {
            Value::Null
        } else {
            Value::str(c.comment())
        },
    );
    put("enabled", Value::Bool(c.enabled()));
    put("is_ipv6_enabled", Value::Bool(c.is_ipv6_enabled().unwrap_or(false)));
    put(
        "price_class",
        Value::from(c.price_class().map(|p| p.as_str().to_string())),
    );
    put(
        "http_version",
        Value::from(c.http_version().map(|p| p.as_str().to_string())),
    );
    put(
        "default_root_object",
        Value::str(c.default_root_object().unwrap_or_default()),
    );
    put("staging", Value::Bool(c.staging().unwrap_or(false)));
    put("web_acl_id", Value::str(c.web_acl_id().unwrap_or_default()));
    put(
        "continuous_deployment_policy_id",
        Value::str(c.continuous_deployment_policy_id().unwrap_or_default()),
    );
    put(
        "default_cache_behavior",
        Value::List(
            c.default_cache_behavior()
                .map(|d| Value::Object(flatten_behavior!(d)))
                .into_iter()
                .collect(),
        ),
    );
    put(
        "ordered_cache_behavior",
        Value::List(
            c.cache_behaviors()
                .map(|b| b.items())
                .unwrap_or_default()
                .iter()
                .map(|cb| {
                    let mut m = flatten_behavior!(cb);
                    m.insert("path_pattern".into(), Value::str(cb.path_pattern()));
                    Value::Object(m)
                })
                .collect(),
        ),
    );
    put(
        "custom_error_response",
        Value::List(
            c.custom_error_responses()
                .map(|e| e.items())
                .unwrap_or_default()
                .iter()
                .map(|e| {
                    Value::object([
                        ("error_code", int(e.error_code())),
                        ("error_caching_min_ttl", Value::from(e.error_caching_min_ttl())),
                        (
                            "response_code",
                            int(e.response_code().and_then(|r| r.parse::<i64>().ok()).unwrap_or(0)),
                        ),
                        (
                            "response_page_path",
                            Value::str(e.response_page_path().unwrap_or_default()),
                        ),
                    ])
                })
                .collect(),
        ),
    );
    put(
        "logging_config",
        Value::List(
            c.logging()
                .filter(|l| l.enabled())
                .map(|l| {
                    Value::object([
                        ("bucket", Value::str(l.bucket())),
                        ("include_cookies", Value::Bool(l.include_cookies())),
                        ("prefix", Value::str(l.prefix())),
                    ])
                })
                .into_iter()
                .collect(),
        ),
    );
    put("aliases", strings(c.aliases().map(|a| a.items()).unwrap_or_default()));
    put(
        "restrictions",
        Value::List(
            c.restrictions()
                .and_then(|r| r.geo_restriction())
                .map(|g| {
                    let geo = Value::object([
                        ("restriction_type", Value::str(g.restriction_type().as_str())),
                        ("locations", strings(g.items())),
                    ]);
                    Value::object([("geo_restriction", Value::List(vec![geo]))])
                })
                .into_iter()
                .collect(),
        ),
    );
    put(
        "origin",
        Value::List(
            c.origins()
                .map(|o| o.items())
                .unwrap_or_default()
                .iter()
                .map(flatten_origin)
                .collect(),
        ),
    );
    put(
        "origin_group",
        Value::List(
            c.origin_groups()
                .map(|g| g.items())
                .unwrap_or_default()
                .iter()
                .map(flatten_origin_group)
                .collect(),
        ),
    );
    put(
        "viewer_certificate",
        Value::List(c.viewer_certificate().map(flatten_certificate).into_iter().collect()),
    );
    m
}

/// A configuration that is the same but disabled: the first step of deleting a distribution
/// (CloudFront refuses to delete an enabled one).
pub fn disabled(c: &DistributionConfig) -> PResult<DistributionConfig> {
    rebuilt(c, |b| b.enabled(false))
}

/// The same configuration with some members changed by `change`: every member is carried over,
/// those infractl does not manage too, so nothing else changes (CloudFront takes the whole
/// configuration on every update).
pub fn rebuilt(
    c: &DistributionConfig,
    change: impl FnOnce(DistributionConfigBuilder) -> DistributionConfigBuilder,
) -> PResult<DistributionConfig> {
    let copy = DistributionConfig::builder()
        .caller_reference(c.caller_reference())
        .set_aliases(c.aliases().cloned())
        .set_default_root_object(c.default_root_object().map(str::to_string))
        .set_origins(c.origins().cloned())
        .set_origin_groups(c.origin_groups().cloned())
        .set_default_cache_behavior(c.default_cache_behavior().cloned())
        .set_cache_behaviors(c.cache_behaviors().cloned())
        .set_custom_error_responses(c.custom_error_responses().cloned())
        .comment(c.comment())
        .set_logging(c.logging().cloned())
        .set_price_class(c.price_class().cloned())
        .enabled(c.enabled())
        .set_viewer_certificate(c.viewer_certificate().cloned())
        .set_restrictions(c.restrictions().cloned())
        .set_web_acl_id(c.web_acl_id().map(str::to_string))
        .set_http_version(c.http_version().cloned())
        .set_is_ipv6_enabled(c.is_ipv6_enabled())
        .set_continuous_deployment_policy_id(c.continuous_deployment_policy_id().map(str::to_string))
        .set_staging(c.staging())
        .set_anycast_ip_list_id(c.anycast_ip_list_id().map(str::to_string))
        .set_tenant_config(c.tenant_config().cloned())
        .set_connection_mode(c.connection_mode().cloned())
        .set_viewer_mtls_config(c.viewer_mtls_config().cloned())
        .set_connection_function_association(c.connection_function_association().cloned())
        .set_cache_tag_config(c.cache_tag_config().cloned());
    built(change(copy).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned() -> Value {
        Value::from_json(&serde_json::json!({
            "enabled": true,
            "http_version": "http2",
            "price_class": "PriceClass_All",
            "origin": [
                {"origin_id": "a", "domain_name": "a.example.com"},
                {"origin_id": "b", "domain_name": "b.example.com"}
            ],
            "origin_group": [{
                "origin_id": "failover",
                "failover_criteria": [{"status_codes": [503, 500, 502]}],
                "member": [{"origin_id": "a"}, {"origin_id": "b"}]
            }],
            "default_cache_behavior": [{
                "target_origin_id": "failover",
                "viewer_protocol_policy": "https-only",
                "allowed_methods": ["GET", "HEAD"],
                "cached_methods": ["GET", "HEAD"],
                "grpc_config": [{"enabled": true}]
            }],
            "ordered_cache_behavior": [{
                "path_pattern": "/plain/*",
                "target_origin_id": "a",
                "viewer_protocol_policy": "allow-all",
                "allowed_methods": ["GET", "HEAD"],
                "cached_methods": ["GET", "HEAD"]
            }]
        }))
    }

    #[test]
    fn origin_groups_and_grpc_go_to_cloudfront_and_read_back_the_same() {
        let c = expand(&planned(), "ref").unwrap();
        let groups = c.origin_groups().unwrap();
        assert_eq!(groups.quantity(), 1);
        let g = &groups.items()[0];
        assert_eq!(g.id(), "failover");
        let codes = g.failover_criteria().unwrap().status_codes().unwrap();
        assert_eq!((codes.quantity(), codes.items()), (3, &[500, 502, 503][..]));
        let members: Vec<&str> = g.members().unwrap().items().iter().map(|m| m.origin_id()).collect();
        assert_eq!(members, ["a", "b"], "the order is the failover order");
        let grpc = c.default_cache_behavior().unwrap().grpc_config().unwrap();
        assert!(grpc.enabled());
        // Not written: not sent (AWS keeps gRPC off).
        assert!(c.cache_behaviors().unwrap().items()[0].grpc_config().is_none());

        let back = flatten(&c);
        assert_eq!(
            back["origin_group"],
            Value::from_json(&serde_json::json!([{
                "origin_id": "failover",
                "failover_criteria": [{"status_codes": [500.0, 502.0, 503.0]}],
                "member": [{"origin_id": "a"}, {"origin_id": "b"}]
            }]))
        );
        assert_eq!(
            back["default_cache_behavior"].as_list().unwrap()[0].get("grpc_config"),
            &Value::from_json(&serde_json::json!([{"enabled": true}]))
        );
    }

    #[test]
    fn no_origin_group_is_an_empty_list_with_its_quantity() {
        let mut v = planned();
        if let Value::Object(m) = &mut v {
            m.shift_remove("origin_group");
        }
        let c = expand(&v, "ref").unwrap();
        assert_eq!(c.origin_groups().unwrap().quantity(), 0);
        assert!(c.origin_groups().unwrap().items().is_empty());
        assert_eq!(flatten(&c)["origin_group"], Value::List(vec![]));
    }
}
