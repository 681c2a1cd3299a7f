//! KMS resources: customer-managed keys (`aws_kms_key`), keys with imported material
//! (`aws_kms_external_key`), multi-Region replicas (`aws_kms_replica_key`,
//! `aws_kms_replica_external_key`), their aliases (`aws_kms_alias`), grants (`aws_kms_grant`)
//! and the data sources that look keys and aliases up, and what they
//! share: the key lookup that treats a key pending deletion as gone (as the provider does: such
//! a key can only be cancelled, never used), key ids and ARNs as one, and the alias name rules.

pub mod alias;
pub mod alias_data;
pub mod external_key;
pub mod grant;
pub mod key;
pub mod key_calls;
pub mod key_data;
pub mod key_policy;
pub mod managed_key;
pub mod replica_external_key;
pub mod replica_key;

use crate::provider::aws::common::{absent_on, aws_err, retry_while, wait_for, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::AttrSchema;
use crate::value::Value;
use aws_sdk_kms::types::{KeyMetadata, KeyState, Tag};
use indexmap::IndexMap;
use std::time::Duration;

/// The only key policy name KMS has.
const POLICY_NAME: &str = "default";

/// How long the provider waits for KMS to report a change it accepted (its propagation
/// timeouts): the emulator reports it at once.
pub const PROPAGATION: Duration = Duration::from_secs(10 * 60);

/// A key's policy document.
pub async fn get_key_policy(c: &Clients, id: &str) -> PResult<Option<String>> {
    let out = c
        .kms
        .get_key_policy()
        .key_id(id)
        .policy_name(POLICY_NAME)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.policy().map(str::to_string))
}

/// Puts a key's policy, retrying while KMS does not know the key or the policy's principals
/// yet, then waits until GetKeyPolicy reports a policy equal to it (`attr` compares them), as
/// the provider's `updateKeyPolicy` does.
pub async fn put_key_policy(c: &Clients, attr: &AttrSchema, id: &str, policy: &str, bypass: bool) -> PResult<()> {
    retry_while(
        &["NotFoundException", "MalformedPolicyDocumentException"],
        PROPAGATION,
        || async {
            c.kms
                .put_key_policy()
                .key_id(id)
                .policy_name(POLICY_NAME)
                .policy(policy)
                .bypass_policy_lockout_safety_check(bypass)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        },
    )
    .await?;
    wait_policy(c, attr, id, policy).await
}

/// Waits until GetKeyPolicy reports a policy equal to `policy`.
pub async fn wait_policy(c: &Clients, attr: &AttrSchema, id: &str, policy: &str) -> PResult<()> {
    let want = Value::str(policy);
    wait_for(
        Wait::new(format!("KMS key {id}"), "policy updated", PROPAGATION),
        || async {
            let live = absent_on(get_key_policy(c, id).await, ABSENT)?.flatten();
            Ok(match live {
                Some(l) if crate::plan::diff::same_attr(attr, &want, &Value::str(l.clone())) => Poll::Ready(()),
                Some(_) => Poll::pending("another policy"),
                None => Poll::pending("not found"),
            })
        },
    )
    .await
}

/// The policy as state should record it: the configured text when KMS's copy means the same
/// policy (KMS keeps its own spelling; `attr` compares them), else KMS's copy.
pub fn policy_as_configured(attr: &AttrSchema, configured: &Value, live: Option<String>) -> Value {
    match (live, configured) {
        (Some(l), Value::String(_)) if crate::plan::diff::same_attr(attr, configured, &Value::str(l.clone())) => {
            configured.clone()
        }
        (l, _) => Value::from(l),
    }
}

/// KMS's not-found code.
pub const ABSENT: &[&str] = &["NotFoundException"];

/// An alias name as the provider accepts it for a resource: `alias/` then letters, digits and
/// `:/_-`.
pub const ALIAS_NAME: &str = r"^alias/[a-zA-Z0-9:/_-]+$";

/// Aliases under `alias/aws/` belong to AWS-managed keys: the provider refuses them for a
/// resource (a data source may read them).
pub const RESERVED_ALIAS: &str = r"^alias/aws";

/// The key id of a key id or key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), so that either
/// spelling compares as one key (the provider's `KeyARNOrIDEqual`). Other text is kept.
pub fn key_id_of(id_or_arn: &str) -> String {
    match id_or_arn.strip_prefix("arn:") {
        Some(rest) => match rest.split_once(":key/") {
            Some((_, id)) => id.to_string(),
            None => id_or_arn.to_string(),
        },
        None => id_or_arn.to_string(),
    }
}

/// A key's metadata by id, ARN, alias name or alias ARN; `None` when it does not exist or is
/// pending deletion (the provider's `findKeyByID`: such a key is logically deleted).
pub async fn describe_key(c: &Clients, id: &str) -> PResult<Option<KeyMetadata>> {
    let r = c.kms.describe_key().key_id(id).send().await.map_err(aws_err);
    Ok(absent_on(r, ABSENT)?
        .and_then(|o| o.key_metadata)
        .filter(|m| !pending_deletion(m)))
}

/// True for a key scheduled for deletion (or a replica's deletion).
pub fn pending_deletion(m: &KeyMetadata) -> bool {
    matches!(
        m.key_state(),
        Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
    )
}

/// A key's tags as `(key, value)` pairs (every page).
pub async fn key_tags(c: &Clients, key_id: &str) -> PResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = c
            .kms
            .list_resource_tags()
            .key_id(key_id)
            .set_marker(marker)
            .send()
            .await
            .map_err(aws_err)?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string())),
        );
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Tags as KMS takes them.
pub fn kms_tags(pairs: IndexMap<String, String>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs, tag_key, tag_value)
}

/// The key ARN an alias points at, from the alias ARN (same partition, region and account) and
/// the target key id, as the provider derives `target_key_arn`.
pub fn target_key_arn(alias_arn: &str, target_key_id: &str) -> Option<String> {
    let (head, _) = alias_arn.split_once(":alias/")?;
    Some(format!("{head}:key/{target_key_id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_arn_and_its_id_are_one_key() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(key_id_of(&format!("arn:aws:kms:us-east-1:123456789012:key/{id}")), id);
        assert_eq!(key_id_of(id), id);
        assert_eq!(key_id_of("alias/app"), "alias/app");
        assert_eq!(
            key_id_of("arn:aws:kms:us-east-1:123456789012:alias/app"),
            "arn:aws:kms:us-east-1:123456789012:alias/app"
        );
    }

    #[test]
    fn the_target_key_arn_follows_the_alias_arn() {
        assert_eq!(
            target_key_arn("arn:aws:kms:eu-west-1:123456789012:alias/app", "k-1").as_deref(),
            Some("arn:aws:kms:eu-west-1:123456789012:key/k-1")
        );
        assert_eq!(target_key_arn("garbage", "k-1"), None);
    }
}
