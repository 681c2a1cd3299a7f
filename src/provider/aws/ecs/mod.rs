//! ECS resources, and what they share: tags written and changed through the resource ARN.

pub mod cluster;
pub mod container_definitions;
pub mod service;
pub mod task_definition;
pub mod wire;

use crate::provider::aws::common::{aws_err, sync_tags};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ecs::types::Tag;

/// Key/value pairs as ECS tags.
pub fn ecs_tags(pairs: indexmap::IndexMap<String, String>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Brings an ECS resource's tags from `prior` to `planned` (only the keys that change).
pub async fn update_tags(client: &aws_sdk_ecs::Client, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let r = client
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(ecs_tags(add)))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}
