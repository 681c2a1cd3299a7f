//! ECS resources, and what they share: tags written and changed through the resource ARN.

pub mod capacity_provider;
pub mod cluster;
pub mod cluster_capacity_providers;
pub mod cluster_data;
pub mod container_definitions;
pub mod service;
pub mod task_definition;
pub mod task_definition_data;
pub mod wire;

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::common::{build_err, opt_str};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ecs::types::{CapacityProviderStrategyItem, Tag};

/// Key/value pairs as ECS tags.
pub fn ecs_tags(pairs: indexmap::IndexMap<String, String>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Brings an ECS resource's tags from `prior` to `planned` (only the keys that change).
pub async fn update_tags(client: &aws_sdk_ecs::Client, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags_by_arn!(client, arn, prior, planned, add => ecs_tags(add))
}

/// A capacity provider strategy (`capacity_provider_strategy`, a cluster's
/// `default_capacity_provider_strategy`) as ECS takes it.
pub fn strategy(v: &Value, name: &str) -> PResult<Vec<CapacityProviderStrategyItem>> {
    v.get(name)
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|item| {
            CapacityProviderStrategyItem::builder()
                .capacity_provider(opt_str(item, "capacity_provider").unwrap_or_default())
                .set_weight(item.get("weight").as_number().map(|n| n as i32))
                .set_base(item.get("base").as_number().map(|n| n as i32))
                .build()
                .map_err(build_err)
        })
        .collect()
}

/// A strategy as state records it; ECS's defaults (weight and base 0) where it leaves them out.
pub fn strategy_state(items: &[CapacityProviderStrategyItem]) -> Value {
    Value::List(
        items
            .iter()
            .map(|i| {
                Value::object([
                    ("capacity_provider", Value::str(i.capacity_provider())),
                    ("weight", Value::from(i.weight() as i64)),
                    ("base", Value::from(i.base() as i64)),
                ])
            })
            .collect(),
    )
}
