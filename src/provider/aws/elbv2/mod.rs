//! Elastic Load Balancing v2: load balancers, target groups, listeners, and the helpers they
//! share (tags and attributes live in separate calls keyed by ARN).

pub mod lb;
pub mod lb_data;
pub mod lb_logs;
pub mod listener;
pub mod listener_certificate;
pub mod listener_rule;
pub mod target_group;
pub mod target_group_attachment;
pub mod tg_attributes;

use crate::provider::aws::common::{aws_err, tag_changes, tags_to_write, user_tags};
use crate::provider::aws::renamed::Renamed;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, Registry, ResourceType};
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, RedirectActionConfig, Tag,
};
use std::sync::Arc;

/// Registers the load balancing resource types, each also under the provider's older `aws_alb*`
/// name (same schema and code; state records the name the blueprint used).
pub fn register(r: &mut Registry, c: &Arc<Clients>) {
    let types: [(Arc<dyn ResourceType>, &'static str); 6] = [
        (Arc::new(lb::Lb::new(c.clone())), "aws_alb"),
        (
            Arc::new(target_group::TargetGroup::new(c.clone())),
            "aws_alb_target_group",
        ),
        (Arc::new(listener::Listener::new(c.clone())), "aws_alb_listener"),
        (
            Arc::new(listener_rule::ListenerRule::new(c.clone())),
            "aws_alb_listener_rule",
        ),
        (
            Arc::new(listener_certificate::ListenerCertificate::new(c.clone())),
            "aws_alb_listener_certificate",
        ),
        (
            Arc::new(target_group_attachment::TargetGroupAttachment::new(c.clone())),
            "aws_alb_target_group_attachment",
        ),
    ];
    for (t, alias) in types {
        r.add_resource(Arc::new(Renamed::new(alias, t.clone())));
        r.add_resource(t);
    }
}

/// Tags to write at creation.
pub fn elb_tags(ctx: &CallCtx, planned: &Value) -> Vec<Tag> {
    tags_to_write(ctx, planned)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// `tags_all` of a load balancing object, without infractl's own tags.
pub async fn read_tags(c: &Clients, arn: &str) -> PResult<Value> {
    let out = c
        .elbv2
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(aws_err)?;
    let pairs = out.tag_descriptions().iter().flat_map(|d| d.tags()).map(|t| {
        (
            t.key().unwrap_or_default().to_string(),
            t.value().unwrap_or_default().to_string(),
        )
    });
    Ok(user_tags(pairs))
}

/// Brings tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(c: &Clients, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let (add, remove) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
    if !remove.is_empty() {
        c.elbv2
            .remove_tags()
            .resource_arns(arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(aws_err)?;
    }
    if !add.is_empty() {
        let tags = add
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        c.elbv2
            .add_tags()
            .resource_arns(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(aws_err)?;
    }
    Ok(())
}

/// The ARN's tail used in CloudWatch metrics (`app/name/id`, `targetgroup/name/id`).
pub fn arn_suffix(arn: &str) -> String {
    if let Some((_, rest)) = arn.split_once(":loadbalancer/") {
        return rest.to_string();
    }
    if let Some((_, rest)) = arn.split_once(":targetgroup/") {
        return format!("targetgroup/{rest}");
    }
    String::new()
}

/// Declares `default_action` / `action` blocks (named `block`): forward to one target group,
/// redirect and fixed response; weighted forwards and authentication are not implemented yet.
pub fn declare_actions(d: crate::schema::declare::Decl, block: &str) -> crate::schema::declare::Decl {
    use crate::schema::validators::{arn, int_between, one_of};
    let mut d = d
        .arg(&format!("{block}.type"))
        .check(one_of(&[
            "forward",
            "authenticate-oidc",
            "authenticate-cognito",
            "redirect",
            "fixed-response",
        ]))
        .arg(&format!("{block}.target_group_arn"))
        .check(arn())
        .arg(&format!("{block}.order"))
        .check(int_between(1, 50000))
        .arg(&format!("{block}.redirect.status_code"))
        .check(one_of(&["HTTP_301", "HTTP_302"]))
        .arg(&format!("{block}.fixed_response.content_type"))
        .check(one_of(&[
            "text/plain",
            "text/css",
            "text/html",
            "application/javascript",
            "application/json",
        ]))
        .arg(block);
    for (field, default) in [
        ("host", "#{host}"),
        ("path", "/#{path}"),
        ("port", "#{port}"),
        ("protocol", "#{protocol}"),
        ("query", "#{query}"),
    ] {
        d = d.arg(&format!("{block}.redirect.{field}")).default(default);
    }
    d.not_yet(&[
        &format!("{block}.authenticate_cognito"),
        &format!("{block}.authenticate_oidc"),
        &format!("{block}.forward"),
    ])
}

fn first(v: &Value, block: &str) -> Option<Value> {
    v.get(block).as_list().and_then(|l| l.first()).cloned()
}

/// The first block of a single-block argument, null without one.
pub fn block(v: &Value, name: &str) -> Value {
    first(v, name).unwrap_or_default()
}

/// A value recorded for an argument, or no blocks where it is not known (a block AWS fills that
/// a plan left unknown).
pub fn known_or_empty(v: &Value) -> Value {
    match v {
        Value::Unknown | Value::Null => Value::List(vec![]),
        v => v.clone(),
    }
}

/// Builds SDK actions from action blocks.
pub fn to_actions(blocks: &[Value]) -> Vec<Action> {
    blocks
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let s = |v: &Value, k: &str| v.get(k).to_plain_string();
            let mut b = Action::builder()
                .r#type(ActionTypeEnum::from(s(a, "type").unwrap_or_default().as_str()))
                .set_target_group_arn(s(a, "target_group_arn"))
                .order(a.get("order").as_number().map(|n| n as i32).unwrap_or(i as i32 + 1));
            if let Some(r) = first(a, "redirect") {
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
            if let Some(f) = first(a, "fixed_response") {
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

/// Reads SDK actions back into action blocks.
pub fn from_actions(actions: &[Action]) -> Value {
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(0));
    Value::List(
        sorted
            .into_iter()
            .map(|a| {
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
                Value::object([
                    ("type", Value::from(a.r#type().map(|t| t.as_str().to_string()))),
                    ("target_group_arn", Value::from(a.target_group_arn())),
                    ("order", a.order().map(|o| Value::Number(o as f64)).unwrap_or_default()),
                    ("redirect", Value::List(redirect.into_iter().collect())),
                    ("fixed_response", Value::List(fixed.into_iter().collect())),
                ])
            })
            .collect(),
    )
}
