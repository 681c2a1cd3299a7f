//! Tags of SSM objects. SSM tags every kind of object (parameters, documents, ...) through one
//! pair of calls that names the kind, not by ARN, so the sync shared with other services does
//! not fit; parameters and documents share this instead.

use crate::provider::aws::common::{aws_err, sdk_tags, sync_tags};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ssm::types::{ResourceTypeForTagging, Tag};
use aws_sdk_ssm::Client;
use indexmap::IndexMap;

/// Key/value pairs as SSM's tag list.
pub(super) fn ssm_tags(pairs: IndexMap<String, String>) -> PResult<Vec<Tag>> {
    sdk_tags!(Tag, pairs)
}

/// The tags AWS holds on the object (ListTagsForResource).
pub(super) async fn tag_pairs(
    client: &Client,
    kind: ResourceTypeForTagging,
    id: &str,
) -> PResult<Vec<(String, String)>> {
    let out = client
        .list_tags_for_resource()
        .resource_type(kind)
        .resource_id(id)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .tag_list()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Brings the object's tags from `prior`'s to `planned`'s with RemoveTagsFromResource and
/// AddTagsToResource, sending only the keys that change.
pub(super) async fn sync_ssm_tags(
    client: &Client,
    kind: ResourceTypeForTagging,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> PResult<()> {
    let untag_kind = kind.clone();
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = client
                .remove_tags_from_resource()
                .resource_type(untag_kind)
                .resource_id(id)
                .set_tag_keys(Some(keys))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let r = client
                .add_tags_to_resource()
                .resource_type(kind)
                .resource_id(id)
                .set_tags(Some(ssm_tags(add)?))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}
