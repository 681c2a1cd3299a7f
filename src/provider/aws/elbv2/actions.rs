//! The action blocks of listeners (`default_action`) and listener rules (`action`): forward (to
//! one target group, or weighted across up to five with group stickiness), redirect, fixed
//! response and authentication (Cognito user pools, OpenID Connect), written to and read from
//! the ELBv2 API as the provider does. ELBv2 never answers an OIDC client secret: state keeps
//! the one the blueprint gave.

use super::block;
use crate::provider::aws::common::{map_value, opt_str, string_pairs};
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, int_between, one_of};
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, AuthenticateCognitoActionConditionalBehaviorEnum as CognitoBehaviour,
    AuthenticateCognitoActionConfig, AuthenticateOidcActionConditionalBehaviorEnum as OidcBehaviour,
    AuthenticateOidcActionConfig, FixedResponseActionConfig, ForwardActionConfig, RedirectActionConfig,
    TargetGroupStickinessConfig, TargetGroupTuple,
};
use std::collections::HashMap;

/// Declares the action blocks named `name`, with the provider's checks and defaults.
pub fn declare_actions(d: Decl, name: &str) -> Decl {
    let mut d = d
        .arg(&format!("{name}.type"))
        .check(one_of(&[
            "forward",
            "authenticate-oidc",
            "authenticate-cognito",
            "redirect",
            "fixed-response",
        ]))
        .arg(&format!("{name}.target_group_arn"))
        .check(arn())
        .arg(&format!("{name}.order"))
        .check(int_between(1, 50000))
        .arg(&format!("{name}.redirect.status_code"))
        .check(one_of(&["HTTP_301", "HTTP_302"]))
        .arg(&format!("{name}.fixed_response.content_type"))
        .check(one_of(&[
            "text/plain",
            "text/css",
            "text/html",
            "application/javascript",
            "application/json",
        ]))
        .arg(&format!("{name}.forward.target_group.arn"))
        .check(arn())
        .arg(&format!("{name}.forward.target_group.weight"))
        .default(1)
        .check(int_between(0, 999))
        // AWS reports stickiness (disabled) for a forward that wrote none: the provider
        // suppresses that difference, so an unset block keeps what AWS has.
        .arg(&format!("{name}.forward.stickiness"))
        .live_if_unset()
        .arg(&format!("{name}.forward.stickiness.duration"))
        .check(int_between(1, 604800))
        .arg(&format!("{name}.forward.stickiness.enabled"))
        .default(false)
        .arg(&format!("{name}.authenticate_cognito.user_pool_arn"))
        .check(arn())
        .arg(name);
    // AWS fills these when left out (authenticate, openid, AWSELBAuthSessionCookie, 7 days);
    // the provider has them Optional+Computed.
    for kind in ["authenticate_cognito", "authenticate_oidc"] {
        d = d
            .arg(&format!("{name}.{kind}.on_unauthenticated_request"))
            .live_if_unset()
            .check(one_of(&["deny", "allow", "authenticate"]));
        for field in ["scope", "session_cookie_name", "session_timeout"] {
            d = d.arg(&format!("{name}.{kind}.{field}")).live_if_unset();
        }
    }
    for (field, default) in [
        ("host", "#{host}"),
        ("path", "/#{path}"),
        ("port", "#{port}"),
        ("protocol", "#{protocol}"),
        ("query", "#{query}"),
    ] {
        d = d.arg(&format!("{name}.redirect.{field}")).default(default);
    }
    d
}

/// A forward block as ELBv2 takes it.
fn forward_config(f: &Value) -> ForwardActionConfig {
    let groups = f.get("target_group").as_list().unwrap_or_default().iter().map(|g| {
        TargetGroupTuple::builder()
            .set_target_group_arn(g.get("arn").to_plain_string())
            .weight(g.get("weight").as_number().unwrap_or(1.0) as i32)
            .build()
    });
    let stickiness = block(f, "stickiness");
    let stickiness = (!stickiness.is_null()).then(|| {
        TargetGroupStickinessConfig::builder()
            .enabled(stickiness.get("enabled").as_bool().unwrap_or(false))
            .set_duration_seconds(
                stickiness
                    .get("duration")
                    .as_number()
                    .map(|n| n as i32)
                    .filter(|n| *n > 0),
            )
            .build()
    });
    ForwardActionConfig::builder()
        .set_target_groups(Some(groups.collect()))
        .set_target_group_stickiness_config(stickiness)
        .build()
}

/// The settings both authentication actions share, as ELBv2 takes them.
struct Session {
    extra: Option<HashMap<String, String>>,
    scope: Option<String>,
    cookie: Option<String>,
    timeout: Option<i64>,
    unauthenticated: Option<String>,
}

impl Session {
    fn of(v: &Value) -> Session {
        let extra = string_pairs(v.get("authentication_request_extra_params"));
        Session {
            extra: (!extra.is_empty()).then(|| extra.into_iter().collect()),
            scope: opt_str(v, "scope"),
            cookie: opt_str(v, "session_cookie_name"),
            timeout: v
                .get("session_timeout")
                .as_number()
                .map(|n| n as i64)
                .filter(|n| *n != 0),
            unauthenticated: opt_str(v, "on_unauthenticated_request"),
        }
    }
}

/// An `authenticate_cognito` block as ELBv2 takes it.
fn cognito_config(v: &Value) -> AuthenticateCognitoActionConfig {
    let s = Session::of(v);
    AuthenticateCognitoActionConfig::builder()
        .set_user_pool_arn(opt_str(v, "user_pool_arn"))
        .set_user_pool_client_id(opt_str(v, "user_pool_client_id"))
        .set_user_pool_domain(opt_str(v, "user_pool_domain"))
        .set_authentication_request_extra_params(s.extra)
        .set_scope(s.scope)
        .set_session_cookie_name(s.cookie)
        .set_session_timeout(s.timeout)
        .set_on_unauthenticated_request(s.unauthenticated.map(|u| CognitoBehaviour::from(u.as_str())))
        .build()
}

/// An `authenticate_oidc` block as ELBv2 takes it.
fn oidc_config(v: &Value) -> AuthenticateOidcActionConfig {
    let s = Session::of(v);
    AuthenticateOidcActionConfig::builder()
        .set_issuer(opt_str(v, "issuer"))
        .set_authorization_endpoint(opt_str(v, "authorization_endpoint"))
        .set_token_endpoint(opt_str(v, "token_endpoint"))
        .set_user_info_endpoint(opt_str(v, "user_info_endpoint"))
        .set_client_id(opt_str(v, "client_id"))
        .set_client_secret(opt_str(v, "client_secret"))
        .set_authentication_request_extra_params(s.extra)
        .set_scope(s.scope)
        .set_session_cookie_name(s.cookie)
        .set_session_timeout(s.timeout)
        .set_on_unauthenticated_request(s.unauthenticated.map(|u| OidcBehaviour::from(u.as_str())))
        .build()
}

/// The shared settings of an authentication action as block fields.
fn session_fields(
    extra: Option<&HashMap<String, String>>,
    scope: Option<&str>,
    cookie: Option<&str>,
    timeout: Option<i64>,
    unauthenticated: Option<&str>,
) -> [(&'static str, Value); 5] {
    [
        ("authentication_request_extra_params", map_value(extra)),
        ("on_unauthenticated_request", Value::from(unauthenticated)),
        ("scope", Value::from(scope)),
        ("session_cookie_name", Value::from(cookie)),
        ("session_timeout", Value::from(timeout)),
    ]
}

/// Builds SDK actions from action blocks. A forward sends its `target_group_arn` when set, else
/// its `forward` block, as the provider sends them.
pub fn to_actions(blocks: &[Value]) -> Vec<Action> {
    blocks
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let s = |v: &Value, k: &str| v.get(k).to_plain_string();
            let kind = s(a, "type").unwrap_or_default();
            let target = s(a, "target_group_arn").filter(|t| !t.is_empty());
            let mut b = Action::builder()
                .r#type(ActionTypeEnum::from(kind.as_str()))
                .order(a.get("order").as_number().map(|n| n as i32).unwrap_or(i as i32 + 1));
            let forward = block(a, "forward");
            if kind == "forward" {
                b = match target {
                    Some(t) => b.target_group_arn(t),
                    None if !forward.is_null() => b.forward_config(forward_config(&forward)),
                    None => b,
                };
            }
            let r = block(a, "redirect");
            if !r.is_null() {
                b = b.redirect_config(
                    RedirectActionConfig::builder()
                        .set_host(s(&r, "host"))
                        .set_path(s(&r, "path"))
                        .set_port(s(&r, "port"))
                        .set_protocol(s(&r, "protocol"))
                        .set_query(s(&r, "query"))
                        .set_status_code(s(&r, "status_code").map(|c| c.as_str().into()))
                        .build(),
                );
            }
            let c = block(a, "authenticate_cognito");
            if !c.is_null() {
                b = b.authenticate_cognito_config(cognito_config(&c));
            }
            let o = block(a, "authenticate_oidc");
            if !o.is_null() {
                b = b.authenticate_oidc_config(oidc_config(&o));
            }
            let f = block(a, "fixed_response");
            if !f.is_null() {
                b = b.fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .set_content_type(s(&f, "content_type"))
                        .set_message_body(s(&f, "message_body"))
                        .set_status_code(s(&f, "status_code").or(Some("200".into())))
                        .build(),
                );
            }
            b.build()
        })
        .collect()
}

/// A forward configuration as a `forward` block.
fn forward_block(f: &ForwardActionConfig) -> Value {
    let groups = f
        .target_groups()
        .iter()
        .map(|g| {
            Value::object([
                ("arn", Value::from(g.target_group_arn())),
                ("weight", Value::Number(f64::from(g.weight().unwrap_or(1)))),
            ])
        })
        .collect();
    let stickiness = f.target_group_stickiness_config().map(|s| {
        Value::object([
            ("duration", Value::from(s.duration_seconds().map(i64::from))),
            ("enabled", Value::Bool(s.enabled().unwrap_or(false))),
        ])
    });
    Value::object([
        ("stickiness", Value::List(stickiness.into_iter().collect())),
        ("target_group", Value::List(groups)),
    ])
}

/// Reads SDK actions back into action blocks, against the blocks recorded before (`prior`, a
/// list; null on import). A forward reads in the form(s) that action was written in, its
/// `forward` block and/or its `target_group_arn`; on import, as both, as the provider reads it.
pub fn from_actions(actions: &[Action], prior: &Value) -> Value {
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(0));
    let before = prior.as_list().unwrap_or_default();
    Value::List(
        sorted
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let redirect = a.redirect_config().map(|r| {
                    Value::object([
                        ("host", Value::from(r.host())),
                        ("path", Value::from(r.path())),
                        ("port", Value::from(r.port())),
                        ("protocol", Value::from(r.protocol())),
                        ("query", Value::from(r.query())),
                        (
                            "status_code",
                            Value::from(r.status_code().map(|c| c.as_str().to_string())),
                        ),
                    ])
                });
                let fixed = a.fixed_response_config().map(|f| {
                    Value::object([
                        ("content_type", Value::from(f.content_type())),
                        ("message_body", Value::from(f.message_body())),
                        ("status_code", Value::from(f.status_code())),
                    ])
                });
                let was = before.get(i).cloned().unwrap_or_default();
                let wrote = |k: &str| before.get(i).is_none() || written(&was, k) != Some(false);
                let forwards = a.r#type() == Some(&ActionTypeEnum::Forward);
                let target = a.target_group_arn().filter(|_| forwards && wrote("target_group_arn"));
                let forward = a.forward_config().filter(|_| forwards && wrote("forward"));
                let forward = forward.map(forward_block);
                let cognito = a.authenticate_cognito_config().map(|c| {
                    let shared = session_fields(
                        c.authentication_request_extra_params(),
                        c.scope(),
                        c.session_cookie_name(),
                        c.session_timeout(),
                        c.on_unauthenticated_request().map(|u| u.as_str()),
                    );
                    Value::object(shared.into_iter().chain([
                        ("user_pool_arn", Value::from(c.user_pool_arn())),
                        ("user_pool_client_id", Value::from(c.user_pool_client_id())),
                        ("user_pool_domain", Value::from(c.user_pool_domain())),
                    ]))
                });
                let oidc = a.authenticate_oidc_config().map(|o| {
                    let shared = session_fields(
                        o.authentication_request_extra_params(),
                        o.scope(),
                        o.session_cookie_name(),
                        o.session_timeout(),
                        o.on_unauthenticated_request().map(|u| u.as_str()),
                    );
                    let secret = block(&was, "authenticate_oidc").get("client_secret").clone();
                    Value::object(shared.into_iter().chain([
                        ("authorization_endpoint", Value::from(o.authorization_endpoint())),
                        ("client_id", Value::from(o.client_id())),
                        ("client_secret", secret),
                        ("issuer", Value::from(o.issuer())),
                        ("token_endpoint", Value::from(o.token_endpoint())),
                        ("user_info_endpoint", Value::from(o.user_info_endpoint())),
                    ]))
                });
                Value::object([
                    ("type", Value::from(a.r#type().map(|t| t.as_str().to_string()))),
                    ("target_group_arn", Value::from(target)),
                    ("order", a.order().map(|o| Value::Number(o as f64)).unwrap_or_default()),
                    ("forward", Value::List(forward.into_iter().collect())),
                    ("authenticate_cognito", Value::List(cognito.into_iter().collect())),
                    ("authenticate_oidc", Value::List(oidc.into_iter().collect())),
                    ("redirect", Value::List(redirect.into_iter().collect())),
                    ("fixed_response", Value::List(fixed.into_iter().collect())),
                ])
            })
            .collect(),
    )
}

/// Whether an action block sets `k` (a string or blocks); `None` while it is unknown.
fn written(a: &Value, k: &str) -> Option<bool> {
    match a.get(k) {
        Value::Unknown => None,
        Value::String(s) => Some(!s.is_empty()),
        Value::List(l) => Some(!l.is_empty()),
        _ => Some(false),
    }
}

/// The provider's checks of action blocks: a forward names its target group(s), a redirect or
/// fixed response has its block (checked at plan by provider 5.100), and no action carries
/// another kind's settings (which the provider finds only at apply). Unknown values are left
/// alone.
pub fn check_actions(config: &Value, name: &str) -> Result<(), String> {
    for (i, a) in config.get(name).as_list().unwrap_or_default().iter().enumerate() {
        let Some(kind) = a.get("type").as_str() else { continue };
        let at = |k: &str| format!("{name}[{i}].{k}");
        let (target, forward) = (written(a, "target_group_arn"), written(a, "forward"));
        let needs = match kind {
            "forward" if target == Some(false) && forward == Some(false) => {
                return Err(format!(
                    "Either {} or {} must be specified when {} is \"forward\".",
                    at("target_group_arn"),
                    at("forward"),
                    at("type")
                ))
            }
            "redirect" => Some("redirect"),
            "fixed-response" => Some("fixed_response"),
            "authenticate-cognito" => Some("authenticate_cognito"),
            "authenticate-oidc" => Some("authenticate_oidc"),
            _ => None,
        };
        if let Some(block) = needs.filter(|b| written(a, b) == Some(false)) {
            return Err(format!("{} is required when {} is \"{kind}\".", at(block), at("type")));
        }
        let own = |k: &str| match k {
            "target_group_arn" | "forward" => kind == "forward",
            _ => kind.replace('-', "_") == k,
        };
        for k in [
            "target_group_arn",
            "forward",
            "redirect",
            "fixed_response",
            "authenticate_cognito",
            "authenticate_oidc",
        ] {
            if !own(k) && written(a, k) == Some(true) {
                return Err(format!(
                    "{} cannot be specified when {} is \"{kind}\".",
                    at(k),
                    at("type")
                ));
            }
        }
    }
    Ok(())
}
