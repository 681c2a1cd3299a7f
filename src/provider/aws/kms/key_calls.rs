//! The calls every KMS key type makes on a key it manages, whatever made the key (CreateKey,
//! CreateKey with imported material, ReplicateKey): enabling and disabling, the description,
//! tags, scheduled deletion, key material import and replication, each followed by the wait the
//! provider makes until KMS reports the change (KMS is eventually consistent). Kept apart from
//! the four key types so that each states only what differs.

use super::{
    describe_key, get_key_policy, key_tags, kms_tags, policy_as_configured, put_key_policy, ABSENT, PROPAGATION,
};
use crate::provider::aws::common::{
    absent_on, aws_err, opt_bool, opt_str, retry_while, sync_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::AttrSchema;
use crate::value::Value;
use aws_sdk_kms::operation::create_key::builders::CreateKeyFluentBuilder;
use aws_sdk_kms::types::{
    AlgorithmSpec, ExpirationModelType, KeyMetadata, KeyState, MultiRegionKeyType, OriginType, Tag, WrappingKeySpec,
};
use base64::Engine;
use std::time::Duration;

/// How long a scheduled deletion may take to show (the provider's delete timeout).
const DELETION: Duration = Duration::from_secs(20 * 60);

/// `req` with what every key type made by CreateKey sets alike: the lockout check bypass,
/// description, policy, tags and the multi-Region flag. The caller adds origin, spec and usage.
pub fn with_common_create_args(req: CreateKeyFluentBuilder, planned: &Value, tags: Vec<Tag>) -> CreateKeyFluentBuilder {
    let req = req
        .bypass_policy_lockout_safety_check(opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false))
        .set_description(opt_str(planned, "description"))
        .set_policy(opt_str(planned, "policy"))
        .set_tags((!tags.is_empty()).then_some(tags));
    if opt_bool(planned, "multi_region") == Some(true) {
        req.multi_region(true)
    } else {
        req
    }
}

/// Sends CreateKey and returns the new key's id once DescribeKey shows it. AWS refuses a policy
/// naming principals it does not know yet; a role created a moment ago becomes known within
/// `timeout`, so that refusal is retried (the provider retries likewise).
pub async fn send_create_key(c: &Clients, req: CreateKeyFluentBuilder, timeout: Duration) -> PResult<String> {
    let out = retry_while(&["MalformedPolicyDocumentException"], timeout, || {
        let req = req.clone();
        async move { req.send().await.map_err(aws_err) }
    })
    .await?;
    let id = out
        .key_metadata()
        .map(|m| m.key_id().to_string())
        .ok_or_else(|| ProviderError::msg("CreateKey returned no key metadata"))?;
    // KMS shows a new key to reads a little after its create.
    wait_metadata(c, &id, "readable", |_| true).await?;
    Ok(id)
}

/// Waits until DescribeKey shows what `seen` looks for.
pub async fn wait_metadata<F>(c: &Clients, id: &str, goal: &str, seen: F) -> PResult<KeyMetadata>
where
    F: Fn(&KeyMetadata) -> bool,
{
    wait_for(Wait::new(format!("KMS key {id}"), goal, PROPAGATION), || async {
        Ok(match describe_key(c, id).await? {
            Some(m) if seen(&m) => Poll::Ready(m),
            Some(m) => Poll::pending(m.key_state().map(|s| s.as_str().to_string()).unwrap_or_default()),
            None => Poll::pending("not found"),
        })
    })
    .await
}

/// Enables or disables the key, then waits until KMS reports it so.
pub async fn set_enabled(c: &Clients, id: &str, enabled: bool) -> PResult<()> {
    retry_while(&["NotFoundException"], PROPAGATION, || async {
        if enabled {
            c.kms.enable_key().key_id(id).send().await.map(|_| ()).map_err(aws_err)
        } else {
            c.kms.disable_key().key_id(id).send().await.map(|_| ()).map_err(aws_err)
        }
    })
    .await?;
    let goal = if enabled { "enabled" } else { "disabled" };
    wait_metadata(c, id, goal, |m| m.enabled() == enabled).await.map(|_| ())
}

/// Sets the description, then waits until KMS reports it.
pub async fn set_description(c: &Clients, id: &str, description: &str) -> PResult<()> {
    c.kms
        .update_key_description()
        .key_id(id)
        .description(description)
        .send()
        .await
        .map_err(aws_err)?;
    wait_metadata(c, id, "described", |m| {
        m.description().unwrap_or_default() == description
    })
    .await
    .map(|_| ())
}

/// Brings the key's tags from `prior`'s `tags_all` to `planned`'s.
pub async fn update_tags(c: &Clients, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let kms = &c.kms;
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = kms.untag_resource().key_id(id).set_tag_keys(Some(keys)).send().await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let r = kms
                .tag_resource()
                .key_id(id)
                .set_tags(Some(kms_tags(add)?))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}

/// Schedules the key's deletion after `deletion_window_in_days` (AWS's 30 when unset) and
/// waits until the key reads as pending deletion. A key gone or already pending deletion is
/// done, as the provider has it.
pub async fn schedule_deletion(c: &Clients, id: &str, prior: &Value) -> PResult<()> {
    let window = prior.get("deletion_window_in_days").as_number().map(|n| n as i32);
    let r = c
        .kms
        .schedule_key_deletion()
        .key_id(id)
        .set_pending_window_in_days(window)
        .send()
        .await
        .map_err(aws_err);
    match r {
        Ok(_) => {}
        Err(e) if e.code.as_deref().is_some_and(|c| ABSENT.contains(&c)) => return Ok(()),
        Err(e)
            if e.code.as_deref() == Some("KMSInvalidStateException") && e.message.contains("is pending deletion") =>
        {
            return Ok(())
        }
        Err(e) => return Err(e),
    }
    wait_for(
        Wait::new(format!("KMS key {id}"), "pending deletion", DELETION),
        || async {
            Ok(match describe_key(c, id).await? {
                None => Poll::Ready(()),
                Some(m) => Poll::pending(m.key_state().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        },
    )
    .await
}

/// Imports `key_material_base64` into a key with Origin EXTERNAL, as the provider does: the
/// material is wrapped with RSAES_OAEP_SHA_256 under the RSA 2048 public key GetParametersForImport
/// hands out, to expire at `valid_to` (RFC 3339) or never. Then waits until the key is usable
/// and reports that expiry.
pub async fn import_material(c: &Clients, id: &str, material_base64: &str, valid_to: Option<&str>) -> PResult<()> {
    let material = base64::engine::general_purpose::STANDARD
        .decode(material_base64.trim())
        .map_err(|e| ProviderError::msg(format!("key_material_base64 is not Base64: {e}")))?;
    let expires = valid_to.map(parse_rfc3339).transpose()?;
    let params = retry_while(&["NotFoundException"], PROPAGATION, || async {
        c.kms
            .get_parameters_for_import()
            .key_id(id)
            .wrapping_algorithm(AlgorithmSpec::RsaesOaepSha256)
            .wrapping_key_spec(WrappingKeySpec::Rsa2048)
            .send()
            .await
            .map_err(aws_err)
    })
    .await?;
    let public = params
        .public_key()
        .ok_or_else(|| ProviderError::msg("GetParametersForImport returned no public key"))?;
    let token = params
        .import_token()
        .ok_or_else(|| ProviderError::msg("GetParametersForImport returned no import token"))?;
    let wrapped = wrap_material(public.as_ref(), &material)?;
    let model = if expires.is_some() {
        ExpirationModelType::KeyMaterialExpires
    } else {
        ExpirationModelType::KeyMaterialDoesNotExpire
    };
    retry_while(&["NotFoundException"], PROPAGATION, || async {
        c.kms
            .import_key_material()
            .key_id(id)
            .import_token(token.clone())
            .encrypted_key_material(aws_smithy_types::Blob::new(wrapped.clone()))
            .expiration_model(model.clone())
            .set_valid_to(expires)
            .send()
            .await
            .map_err(aws_err)
    })
    .await?;
    wait_metadata(c, id, "key material imported", |m| {
        m.key_state() != Some(&KeyState::PendingImport) && m.valid_to().map(|t| t.secs()) == expires.map(|t| t.secs())
    })
    .await
    .map(|_| ())
}

/// The material encrypted for KMS: RSA-OAEP with SHA-256 (and MGF1 SHA-256) under the DER
/// SubjectPublicKeyInfo KMS gave.
fn wrap_material(public_der: &[u8], material: &[u8]) -> PResult<Vec<u8>> {
    use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA256_MGF1SHA256};
    let key = PublicEncryptingKey::from_der(public_der)
        .map_err(|e| ProviderError::msg(format!("parsing the import public key KMS gave: {e}")))?;
    let key = OaepPublicEncryptingKey::new(key)
        .map_err(|_| ProviderError::msg("the import public key KMS gave is not an RSA key"))?;
    let mut out = vec![0u8; key.ciphertext_size()];
    let n = key
        .encrypt(&OAEP_SHA256_MGF1SHA256, material, &mut out, None)
        .map_err(|_| ProviderError::msg("encrypting key material: the material is too long for the wrapping key"))?
        .len();
    out.truncate(n);
    Ok(out)
}

/// A configured RFC 3339 time as the SDK takes it.
fn parse_rfc3339(text: &str) -> PResult<aws_smithy_types::DateTime> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| ProviderError::msg(format!("valid_to {text:?} is not an RFC 3339 time: {e}")))?;
    Ok(aws_smithy_types::DateTime::from_secs(t.unix_timestamp()))
}

/// A time as the provider writes `valid_to` back (Go's RFC 3339 format: UTC, whole seconds).
pub fn rfc3339_seconds(t: &aws_smithy_types::DateTime) -> String {
    time::OffsetDateTime::from_unix_timestamp(t.secs())
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Starts a replica of the multi-Region key `primary_key_arn` in this provider's Region: the
/// call goes to the primary's Region, with this replica's description, policy and tags, and
/// is retried while the policy's principals are unknown to KMS. Waits until the replica leaves
/// `Creating` and answers its key id.
pub async fn replicate(
    c: &Clients,
    planned: &Value,
    tags: Vec<aws_sdk_kms::types::Tag>,
    timeout: Duration,
) -> PResult<String> {
    let arn = crate::provider::aws::common::required(planned, "primary_key_arn")?;
    let (region, key_id) = primary_region_and_id(&arn)
        .ok_or_else(|| ProviderError::msg(format!("primary_key_arn {arn:?} is not a KMS key ARN")))?;
    let kms = crate::provider::aws::common::client_in!(aws_sdk_kms, c.kms, region);
    let req = kms
        .replicate_key()
        .key_id(key_id)
        .replica_region(&c.region)
        .bypass_policy_lockout_safety_check(opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false))
        .set_description(opt_str(planned, "description"))
        .set_policy(opt_str(planned, "policy"))
        .set_tags((!tags.is_empty()).then_some(tags));
    let out = retry_while(&["MalformedPolicyDocumentException"], timeout, || {
        let req = req.clone();
        async move { req.send().await.map_err(aws_err) }
    })
    .await?;
    let id = out
        .replica_key_metadata()
        .map(|m| m.key_id().to_string())
        .ok_or_else(|| ProviderError::msg("ReplicateKey returned no replica key metadata"))?;
    wait_metadata(c, &id, "created", |m| m.key_state() != Some(&KeyState::Creating)).await?;
    Ok(id)
}

/// The Region and key id of a key ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`).
fn primary_region_and_id(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "kms", region, _, resource] if !region.is_empty() => Some((region, resource.strip_prefix("key/")?)),
        _ => None,
    }
}

/// What a read of any key type starts from: the key's metadata, its policy as state records it
/// (the configured text when KMS's copy means the same) and its tags. `None` when the key is
/// gone or pending deletion.
pub struct KeyRead {
    /// DescribeKey's answer.
    pub metadata: KeyMetadata,
    /// `policy` for state.
    pub policy: Value,
    /// The key's tags.
    pub tags: Vec<(String, String)>,
}

/// Reads a key, refusing one of another kind than the type manages (the provider's checks of
/// Origin and multi-Region key type): `origin` it must have, and `replica` whether it must be
/// a multi-Region replica (`false`: it must not be one).
pub async fn read_key(
    c: &Clients,
    id: &str,
    prior: &Value,
    policy_attr: &AttrSchema,
    origin: OriginType,
    replica: bool,
) -> PResult<Option<KeyRead>> {
    let Some(m) = describe_key(c, id).await? else {
        return Ok(None);
    };
    let key_id = m.key_id().to_string();
    if m.origin() != Some(&origin) {
        return Err(ProviderError::msg(format!(
            "KMS key ({key_id}) has invalid Origin: {}",
            m.origin().map(|o| o.as_str()).unwrap_or_default()
        )));
    }
    let is_replica = m.multi_region() == Some(true)
        && m.multi_region_configuration()
            .and_then(|c| c.multi_region_key_type())
            .is_some_and(|t| *t == MultiRegionKeyType::Replica);
    if is_replica != replica {
        let what = if replica {
            "is not a multi-Region replica key"
        } else {
            "is not a multi-Region primary key"
        };
        return Err(ProviderError::msg(format!("KMS key ({key_id}) {what}")));
    }
    let Some(policy) = absent_on(get_key_policy(c, &key_id).await, ABSENT)? else {
        return Ok(None);
    };
    let Some(tags) = absent_on(key_tags(c, &key_id).await, ABSENT)? else {
        return Ok(None);
    };
    Ok(Some(KeyRead {
        policy: policy_as_configured(policy_attr, prior.get("policy"), policy),
        metadata: m,
        tags,
    }))
}

/// The changes the external and replica key types take in place, in the provider's order: a
/// disabled key takes no changes, so it is enabled first and disabled last; a key waiting for
/// its material can be neither. A new `valid_to` imports the material again.
pub async fn update_in_place(
    c: &Clients,
    policy_attr: &AttrSchema,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> PResult<()> {
    let changed = |k: &str| prior.get(k) != planned.get(k);
    let pending_import = prior.get("key_state").as_str() == Some(KeyState::PendingImport.as_str());
    let enabled = opt_bool(planned, "enabled");
    let toggle = changed("enabled") && !pending_import && enabled.is_some();
    if toggle && enabled == Some(true) {
        set_enabled(c, id, true).await?;
    }
    if changed("description") && *planned.get("description") != Value::Unknown {
        set_description(c, id, &opt_str(planned, "description").unwrap_or_default()).await?;
    }
    if changed("policy") && !planned.get("policy").has_unknown() {
        if let Some(policy) = opt_str(planned, "policy") {
            let bypass = opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false);
            put_key_policy(c, policy_attr, id, &policy, bypass).await?;
        }
    }
    if changed("valid_to") {
        let material = opt_str(planned, "key_material_base64").ok_or_else(|| {
            ProviderError::msg("a new valid_to imports the key material again: set key_material_base64")
        })?;
        import_material(c, id, &material, opt_str(planned, "valid_to").as_deref()).await?;
    }
    if toggle && enabled == Some(false) {
        set_enabled(c, id, false).await?;
    }
    update_tags(c, id, prior, planned).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_primary_key_arn_names_its_region_and_key() {
        assert_eq!(
            primary_region_and_id("arn:aws:kms:us-east-2:111122223333:key/mrk-1234abcd"),
            Some(("us-east-2", "mrk-1234abcd"))
        );
        assert_eq!(
            primary_region_and_id("arn:aws:kms:us-east-2:111122223333:alias/app"),
            None
        );
        assert_eq!(primary_region_and_id("mrk-1234abcd"), None);
    }

    #[test]
    fn valid_to_is_read_as_rfc_3339_and_written_back_in_utc_seconds() {
        let t = parse_rfc3339("2023-11-21T23:20:50Z").unwrap();
        assert_eq!(rfc3339_seconds(&t), "2023-11-21T23:20:50Z");
        let offset = parse_rfc3339("2023-11-22T01:20:50+02:00").unwrap();
        assert_eq!(rfc3339_seconds(&offset), "2023-11-21T23:20:50Z");
        assert!(parse_rfc3339("2023-11-21 23:20:50").is_err());
    }

    #[test]
    fn material_is_wrapped_so_that_the_private_key_recovers_it() {
        use aws_lc_rs::encoding::AsDer;
        use aws_lc_rs::rsa::{KeySize, OaepPrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA256_MGF1SHA256};
        let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let public_der = private.public_key().as_der().unwrap();
        let material = [7u8; 32];
        let wrapped = wrap_material(public_der.as_ref(), &material).unwrap();
        assert_eq!(wrapped.len(), 256);
        let decrypting = OaepPrivateDecryptingKey::new(private).unwrap();
        let mut out = vec![0u8; decrypting.min_output_size()];
        let plain = decrypting
            .decrypt(&OAEP_SHA256_MGF1SHA256, &wrapped, &mut out, None)
            .unwrap();
        assert_eq!(plain, material);
        assert!(wrap_material(b"not a key", &material).is_err());
    }
}
