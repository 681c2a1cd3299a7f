//! A target group's attributes (ModifyTargetGroupAttributes / DescribeTargetGroupAttributes):
//! the arguments kept as one attribute each, and the blocks kept as several, written and read
//! as the provider does — only for the target types and protocols AWS takes them for.

use super::{block, known_or_empty};
use crate::provider::aws::common::{opt_str, recorded};
use crate::schema::Schema;
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::TargetGroupAttribute;
use indexmap::IndexMap;

/// Which target groups take an attribute (the provider's supported target types).
#[derive(Clone, Copy, PartialEq)]
enum Targets {
    InstanceOrIp,
    Lambda,
}

/// Arguments kept as one attribute: (argument, AWS key, the value written when the argument is
/// unset — none: written only when set — and the target types that take it).
const ATTRIBUTES: &[(&str, &str, Option<&str>, Targets)] = &[
    (
        "deregistration_delay",
        "deregistration_delay.timeout_seconds",
        Some("300"),
        Targets::InstanceOrIp,
    ),
    (
        "slow_start",
        "slow_start.duration_seconds",
        Some("0"),
        Targets::InstanceOrIp,
    ),
    (
        "proxy_protocol_v2",
        "proxy_protocol_v2.enabled",
        Some("false"),
        Targets::InstanceOrIp,
    ),
    (
        "lambda_multi_value_headers_enabled",
        "lambda.multi_value_headers.enabled",
        Some("false"),
        Targets::Lambda,
    ),
    (
        "connection_termination",
        "deregistration_delay.connection_termination.enabled",
        None,
        Targets::InstanceOrIp,
    ),
    (
        "preserve_client_ip",
        "preserve_client_ip.enabled",
        None,
        Targets::InstanceOrIp,
    ),
    (
        "load_balancing_algorithm_type",
        "load_balancing.algorithm.type",
        None,
        Targets::InstanceOrIp,
    ),
    (
        "load_balancing_anomaly_mitigation",
        "load_balancing.algorithm.anomaly_mitigation",
        None,
        Targets::InstanceOrIp,
    ),
    (
        "load_balancing_cross_zone_enabled",
        "load_balancing.cross_zone.enabled",
        None,
        Targets::InstanceOrIp,
    ),
];

/// Blocks kept as several attributes, written only for instance and ip targets.
const BLOCKS: &[&str] = &[
    "stickiness",
    "target_failover",
    "target_group_health",
    "target_health_state",
];

const STICKY_LB_COOKIE_DURATION: &str = "stickiness.lb_cookie.duration_seconds";
const STICKY_APP_COOKIE_NAME: &str = "stickiness.app_cookie.cookie_name";
const STICKY_APP_COOKIE_DURATION: &str = "stickiness.app_cookie.duration_seconds";
const FAILOVER: [(&str, &str); 2] = [
    ("on_deregistration", "target_failover.on_deregistration"),
    ("on_unhealthy", "target_failover.on_unhealthy"),
];
/// `target_group_health` sub-blocks and their fields: (block, field, AWS key).
const GROUP_HEALTH: [(&str, &str, &str); 4] = [
    (
        "dns_failover",
        "minimum_healthy_targets_count",
        "target_group_health.dns_failover.minimum_healthy_targets.count",
    ),
    (
        "dns_failover",
        "minimum_healthy_targets_percentage",
        "target_group_health.dns_failover.minimum_healthy_targets.percentage",
    ),
    (
        "unhealthy_state_routing",
        "minimum_healthy_targets_count",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
    ),
    (
        "unhealthy_state_routing",
        "minimum_healthy_targets_percentage",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
    ),
];
const HEALTH_STATE: [(&str, &str); 2] = [
    (
        "enable_unhealthy_connection_termination",
        "target_health_state.unhealthy.connection_termination.enabled",
    ),
    (
        "unhealthy_draining_interval",
        "target_health_state.unhealthy.draining_interval_seconds",
    ),
];

/// The family of attributes a target group takes: none for `alb` targets.
fn targets(v: &Value) -> Option<Targets> {
    match opt_str(v, "target_type").as_deref() {
        Some("lambda") => Some(Targets::Lambda),
        Some("alb") => None,
        _ => Some(Targets::InstanceOrIp),
    }
}

fn instance_or_ip(v: &Value) -> bool {
    matches!(
        opt_str(v, "target_type").as_deref(),
        None | Some("instance") | Some("ip")
    )
}

fn protocol(v: &Value) -> String {
    opt_str(v, "protocol").unwrap_or_default().to_uppercase()
}

fn http(v: &Value) -> bool {
    matches!(protocol(v).as_str(), "HTTP" | "HTTPS")
}

fn attr(key: &str, value: String) -> TargetGroupAttribute {
    TargetGroupAttribute::builder().key(key).value(value).build()
}

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k) {
        Value::Null | Value::Unknown => None,
        x => x.to_plain_string(),
    }
}

/// The attributes of a block as planned, for the target group's protocol.
fn block_attributes(planned: &Value, name: &str) -> Vec<TargetGroupAttribute> {
    let b = block(planned, name);
    if b.is_null() || matches!(b, Value::Unknown) {
        return vec![];
    }
    let proto = protocol(planned);
    let mut out = Vec::new();
    let mut push = |key: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push(attr(key, v));
        }
    };
    match name {
        "stickiness" => {
            push("stickiness.enabled", text(&b, "enabled"));
            push("stickiness.type", text(&b, "type"));
            if http(planned) {
                match text(&b, "type").as_deref() {
                    Some("lb_cookie") => push(STICKY_LB_COOKIE_DURATION, text(&b, "cookie_duration")),
                    Some("app_cookie") => {
                        push(STICKY_APP_COOKIE_NAME, text(&b, "cookie_name"));
                        push(STICKY_APP_COOKIE_DURATION, text(&b, "cookie_duration"));
                    }
                    _ => {}
                }
            }
        }
        "target_failover" if proto == "GENEVE" => {
            for (field, key) in FAILOVER {
                push(key, text(&b, field));
            }
        }
        "target_group_health" if proto != "GENEVE" => {
            for (sub, field, key) in GROUP_HEALTH {
                let inner = block(&b, sub);
                if !inner.is_null() && !matches!(inner, Value::Unknown) {
                    push(key, text(&inner, field));
                }
            }
        }
        "target_health_state" if matches!(proto.as_str(), "TCP" | "TLS") => {
            for (field, key) in HEALTH_STATE {
                push(key, text(&b, field));
            }
        }
        _ => {}
    }
    out
}

/// The attributes to write after CreateTargetGroup: arguments set away from what AWS starts
/// with, and the blocks the blueprint sets.
pub fn at_create(planned: &Value) -> Vec<TargetGroupAttribute> {
    let kind = targets(planned);
    let mut out: Vec<TargetGroupAttribute> = ATTRIBUTES
        .iter()
        .filter(|(.., to)| Some(*to) == kind)
        .filter_map(|(arg, key, default, _)| {
            let v = text(planned, arg)?;
            (Some(v.as_str()) != *default).then(|| attr(key, v))
        })
        .collect();
    if instance_or_ip(planned) {
        for name in BLOCKS {
            out.extend(block_attributes(planned, name));
        }
    }
    out
}

/// The attributes to write for an update from `prior` to `planned`: what changed. Stickiness
/// taken away is turned off, as the provider does.
pub fn at_update(prior: &Value, planned: &Value) -> Vec<TargetGroupAttribute> {
    let kind = targets(planned);
    let mut out: Vec<TargetGroupAttribute> = ATTRIBUTES
        .iter()
        .filter(|(.., to)| Some(*to) == kind)
        .filter(|(arg, ..)| prior.get(arg) != planned.get(arg))
        .filter_map(|(arg, key, default, _)| {
            text(planned, arg)
                .or_else(|| default.map(str::to_string))
                .map(|v| attr(key, v))
        })
        .collect();
    if instance_or_ip(planned) {
        for name in BLOCKS.iter().filter(|n| prior.get(n) != planned.get(n)) {
            let written = block_attributes(planned, name);
            if written.is_empty() && *name == "stickiness" {
                out.push(attr("stickiness.enabled", "false".into()));
            }
            out.extend(written);
        }
    }
    out
}

/// Reads the attribute arguments and blocks into `m` from the attributes AWS reports. What AWS
/// does not report for this target group (another protocol's, another target type's) keeps
/// the recorded value.
pub fn read_into(
    m: &mut IndexMap<String, Value>,
    schema: &Schema,
    attrs: &[TargetGroupAttribute],
    prior: &Value,
    protocol_name: &str,
    target_type: &str,
) {
    let live = |key: &str| {
        attrs
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .map(str::to_string)
    };
    for (arg, key, ..) in ATTRIBUTES {
        let v = match (live(key), schema.attrs.get(arg)) {
            (Some(text), Some(a)) => a.ty.convert(Value::str(text)).unwrap_or(Value::Null),
            _ => recorded(prior, arg),
        };
        m.insert(arg.to_string(), v);
    }
    let proto = protocol_name.to_uppercase();
    let http = matches!(proto.as_str(), "HTTP" | "HTTPS");
    let number = |key: &str| live(key).and_then(|t| t.parse::<f64>().ok()).map(Value::Number);
    let keep = |name: &str| known_or_empty(prior.get(name));
    let lambda = target_type == "lambda";

    let sticky_type = live("stickiness.type");
    let stickiness = if lambda || (live("stickiness.enabled").is_none() && sticky_type.is_none()) {
        keep("stickiness")
    } else {
        let prior_block = block(prior, "stickiness");
        let duration = match sticky_type.as_deref() {
            _ if !http => prior_block.get("cookie_duration").clone(),
            Some("lb_cookie") => number(STICKY_LB_COOKIE_DURATION).unwrap_or_default(),
            Some("app_cookie") => number(STICKY_APP_COOKIE_DURATION).unwrap_or_default(),
            _ => Value::Null,
        };
        let duration = if matches!(duration, Value::Unknown) {
            Value::Null
        } else {
            duration
        };
        let name = match sticky_type.as_deref() {
            Some("app_cookie") if http => Value::from(live(STICKY_APP_COOKIE_NAME)),
            _ => Value::Null,
        };
        Value::List(vec![Value::object([
            ("cookie_duration", duration),
            ("cookie_name", name),
            (
                "enabled",
                Value::Bool(live("stickiness.enabled").as_deref() == Some("true")),
            ),
            ("type", Value::from(sticky_type)),
        ])])
    };
    m.insert("stickiness".into(), stickiness);

    let failover = if proto == "GENEVE" && FAILOVER.iter().any(|(_, k)| live(k).is_some()) {
        Value::List(vec![Value::object(
            FAILOVER.map(|(field, key)| (field, Value::from(live(key)))),
        )])
    } else {
        keep("target_failover")
    };
    m.insert("target_failover".into(), failover);

    let group_health = if proto != "GENEVE" && !lambda && GROUP_HEALTH.iter().any(|(.., k)| live(k).is_some()) {
        let sub = |name: &str| {
            let fields = GROUP_HEALTH.iter().filter(|(b, ..)| *b == name).map(|(_, field, key)| {
                let v = if name == "unhealthy_state_routing" && *field == "minimum_healthy_targets_count" {
                    number(key).unwrap_or_default()
                } else {
                    Value::from(live(key))
                };
                (*field, v)
            });
            Value::List(vec![Value::object(fields)])
        };
        Value::List(vec![Value::object([
            ("dns_failover", sub("dns_failover")),
            ("unhealthy_state_routing", sub("unhealthy_state_routing")),
        ])])
    } else {
        keep("target_group_health")
    };
    m.insert("target_group_health".into(), group_health);

    let health_state = if matches!(proto.as_str(), "TCP" | "TLS") && HEALTH_STATE.iter().any(|(_, k)| live(k).is_some())
    {
        let (term, drain) = (HEALTH_STATE[0].1, HEALTH_STATE[1].1);
        Value::List(vec![Value::object([
            (
                "enable_unhealthy_connection_termination",
                Value::Bool(live(term).as_deref() == Some("true")),
            ),
            ("unhealthy_draining_interval", number(drain).unwrap_or_default()),
        ])])
    } else {
        keep("target_health_state")
    };
    m.insert("target_health_state".into(), health_state);
}
