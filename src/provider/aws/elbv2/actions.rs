//! The action blocks of listeners (`default_action`) and listener rules (`action`): forward (to
//! one target group, or weighted across up to five with group stickiness), redirect and fixed
//! response, written to and read from the ELBv2 API as the provider does. Authentication
//! actions are not implemented yet.

use super::block;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, int_between, one_of};
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, ForwardActionConfig, RedirectActionConfig,
    TargetGroupStickinessConfig, TargetGroupTuple,
};

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
        .arg(name);
    for (field, default) in [
        ("host", "#{host}"),
        ("path", "/#{path}"),
        ("port", "#{port}"),
        ("protocol", "#{protocol}"),
        ("query", "#{query}"),
    ] {
        d = d.arg(&format!("{name}.redirect.{field}")).default(default);
    }
    d.not_yet(&[
        &format!("{name}.authenticate_cognito"),
        &format!("{name}.authenticate_oidc"),
    ])
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
                Value::object([
                    ("type", Value::from(a.r#type().map(|t| t.as_str().to_string()))),
                    ("target_group_arn", Value::from(target)),
                    ("order", a.order().map(|o| Value::Number(o as f64)).unwrap_or_default()),
                    ("forward", Value::List(forward.into_iter().collect())),
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
            _ => None,
        };
        if let Some(block) = needs.filter(|b| written(a, b) == Some(false)) {
            return Err(format!("{} is required when {} is \"{kind}\".", at(block), at("type")));
        }
        let own = |k: &str| match k {
            "target_group_arn" | "forward" => kind == "forward",
            "redirect" => kind == "redirect",
            _ => kind == "fixed-response",
        };
        for k in ["target_group_arn", "forward", "redirect", "fixed_response"] {
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
