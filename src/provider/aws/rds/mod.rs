//! RDS resources (DB instances, subnet groups, parameter groups), and the tag helpers they
//! share: RDS tags every object by ARN, and lists tags beside the object only for instances.

pub mod db_instance;
pub mod parameter_group;
pub mod subnet_group;

use super::common::{aws_err, owns, sync_tags, tags_to_write, user_tags};
use crate::provider::{CallCtx, PResult};
use crate::value::Value;
use aws_sdk_rds::types::Tag;

/// Tags to attach at creation: the user's `tags_all` plus infractl's stack and address tags,
/// so that a create whose outcome was lost can be found again.
pub fn tags_for_create(ctx: &CallCtx, planned: &Value) -> Vec<Tag> {
    tags_to_write(ctx, planned)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Key/value pairs of RDS tags.
fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `tags_all` from RDS tags (infractl's own left out).
pub fn read_tags(tags: &[Tag]) -> Value {
    user_tags(pairs(tags))
}

/// True when the tags say this stack created the object for this address.
pub fn owned(tags: &[Tag], ctx: &CallCtx) -> bool {
    let p = pairs(tags);
    owns(p.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
}

/// The tags of an object, by ARN.
pub async fn list_tags(rds: &aws_sdk_rds::Client, arn: &str) -> PResult<Vec<Tag>> {
    let out = rds
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.tag_list().to_vec())
}

/// Brings an object's tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(rds: &aws_sdk_rds::Client, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = rds
                .remove_tags_from_resource()
                .resource_name(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let tags = add
                .into_iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let r = rds
                .add_tags_to_resource()
                .resource_name(arn)
                .set_tags(Some(tags))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}

/// A value kept from the prior state for an argument AWS does not report (how to delete, how
/// to apply changes); the provider's default when there is no prior (after an import).
pub fn kept(prior: &Value, name: &str, default: Value) -> Value {
    match prior.get(name) {
        Value::Null | Value::Unknown => default,
        v => v.clone(),
    }
}

/// What RDS names may hold: DB identifiers, subnet and parameter group names start with a
/// letter and hold lowercase letters, digits and hyphens.
pub const LOWER_NAME: &str = r"^[a-z][a-z0-9-]*$";
