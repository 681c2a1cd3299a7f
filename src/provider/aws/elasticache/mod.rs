//! ElastiCache: cache clusters, their parameter groups and the subnet groups they are placed in.

pub mod cluster;
pub mod cluster_data;
pub mod parameter_group;
pub mod subnet_group;

use crate::provider::aws::common::{aws_err, sync_tags};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_elasticache::types::Tag;
use aws_sdk_elasticache::Client;

/// The tags of an ElastiCache object, by ARN (every ElastiCache type keeps them apart from
/// the object, behind ListTagsForResource).
pub async fn tags(client: &Client, arn: &str) -> PResult<Vec<Tag>> {
    let out = client
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.tag_list().to_vec())
}

/// One tag as ElastiCache takes it.
pub fn tag(k: String, v: String) -> Tag {
    Tag::builder().key(k).value(v).build()
}

/// Tags as key/value pairs, for the ownership check and the state's `tags_all`.
pub fn pairs(tags: &[Tag]) -> impl Iterator<Item = (&str, &str)> {
    tags.iter()
        .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
}

/// Brings an object's tags from `prior`'s to `planned`'s with AddTagsToResource and
/// RemoveTagsFromResource.
pub async fn update_tags(client: &Client, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            client
                .remove_tags_from_resource()
                .resource_name(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await
                .map_err(aws_err)
                .map(|_| ())
        },
        |add| async move {
            client
                .add_tags_to_resource()
                .resource_name(arn)
                .set_tags(Some(add.into_iter().map(|(k, v)| tag(k, v)).collect()))
                .send()
                .await
                .map_err(aws_err)
                .map(|_| ())
        },
    )
    .await
}
