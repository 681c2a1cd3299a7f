//! Elastic Load Balancing v2: load balancers, target groups, listeners, and the helpers they
//! share (tags and attributes live in separate calls keyed by ARN).

pub mod actions;
pub mod lb;
pub mod lb_data;
pub mod lb_logs;
pub mod listener;
pub mod listener_attributes;
pub mod listener_certificate;
pub mod listener_rule;
pub mod target_group;
pub mod target_group_attachment;
pub mod tg_attributes;
pub mod trust_store;
pub mod trust_store_revocation;

use crate::provider::aws::common::{aws_err, tag_changes, tags_to_write, user_tags};
use crate::provider::aws::renamed::Renamed;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, Registry, ResourceType};
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::Tag;
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
    r.add_resource(Arc::new(trust_store::TrustStore::new(c.clone())));
    r.add_resource(Arc::new(trust_store_revocation::TrustStoreRevocation::new(c.clone())));
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
