//! Route 53 resources (hosted zones and their records, the zone data source) and what they
//! share: Route 53's ids and names in the provider's spelling, waiting for a change to reach
//! every name server (GetChange until INSYNC), and tags (Route 53 tags a zone or a health check
//! by its kind and id, not at creation, with ChangeTagsForResource).

pub mod health_check;
pub mod record;
pub mod zone;
pub mod zone_data;

use super::common::{aws_err, owns, sync_tags, wait_for, Poll, Wait};
use super::Clients;
use crate::provider::{CallCtx, PResult};
use crate::value::Value;
use aws_sdk_route53::types::{ChangeStatus, HostedZone, RrType, Tag, TagResourceType};
use std::time::Duration;

/// An id as the provider keeps it: Route 53 answers `/hostedzone/Z123` and `/change/C123`,
/// state and references hold `Z123` and `C123`.
pub fn clean_id(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_string()
}

/// A zone name as the provider keeps it (its `normalizeZoneName`): lowercase, without the
/// trailing dot; the root zone `.` stays as it is.
pub fn normalize_zone_name(name: &str) -> String {
    if name == "." {
        return name.to_string();
    }
    name.strip_suffix('.').unwrap_or(name).to_lowercase()
}

/// A name Route 53 returned, as the provider shows it: its octal escapes decoded (Route 53
/// answers `\052` for a wildcard's `*`), lowercase, without the trailing dot.
pub fn clean_record_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal.and_then(|d| u8::from_str_radix(std::str::from_utf8(d).ok()?, 8).ok()) {
            Some(c) => {
                out.push(c as char);
                i += 4;
            }
            None => {
                out.push(bytes[i] as char);
                i += 1;
            }
        }
    }
    normalize_zone_name(&out)
}

/// The full name a record's `name` stands for in the zone `zone` (the provider's
/// `expandRecordName`): a name that does not already end in the zone's name is relative to it,
/// and an empty one is the zone's apex. As there, the test is on the text's suffix, so
/// `notexample.com` stays as it is in `example.com` (and Route 53 refuses it).
pub fn expand_record_name(name: &str, zone: &str) -> String {
    let name = normalize_zone_name(name);
    let zone = normalize_zone_name(zone);
    if name.is_empty() {
        return zone;
    }
    if name.ends_with(&zone) {
        name
    } else {
        format!("{name}.{zone}")
    }
}

/// Plans `name` in the spelling state will hold (the provider's StateFunc on zone and record
/// names), so that references see at plan what they see after apply.
pub fn normalize_planned_name(planned: &mut Value) {
    let name = planned.get("name").as_str().map(normalize_zone_name);
    if let (Value::Object(m), Some(name)) = (planned, name) {
        m.insert("name".into(), Value::String(name));
    }
}

/// The name servers of a zone that has no delegation set (a private zone): the values of its
/// own NS record, at its apex.
pub async fn apex_name_servers(c: &Clients, zone: &HostedZone) -> PResult<Vec<String>> {
    let out = c
        .route53
        .list_resource_record_sets()
        .hosted_zone_id(clean_id(zone.id()))
        .start_record_name(zone.name())
        .start_record_type(RrType::Ns)
        .max_items(1)
        .send()
        .await
        .map_err(aws_err)?;
    let apex = normalize_zone_name(zone.name());
    Ok(out
        .resource_record_sets()
        .iter()
        .find(|r| r.r#type() == &RrType::Ns && normalize_zone_name(r.name()) == apex)
        .map(|r| r.resource_records().iter().map(|v| v.value().to_string()).collect())
        .unwrap_or_default())
}

/// Waits until Route 53 says the change `change` reached all its name servers (INSYNC),
/// within `timeout`, as the provider does after every zone and record change.
pub async fn wait_change(c: &Clients, change: &str, timeout: Duration) -> PResult<()> {
    let id = clean_id(change);
    wait_for(
        Wait::new(format!("Route 53 change {id}"), "INSYNC", timeout),
        || async {
            let out = c.route53.get_change().id(&id).send().await.map_err(aws_err)?;
            let status = out.change_info().map(|i| i.status().clone());
            Ok(match status {
                Some(ChangeStatus::Insync) => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("unknown"),
            })
        },
    )
    .await
}

/// The tags on the zone `zone_id` as `(key, value)` pairs.
pub async fn zone_tags(c: &Clients, zone_id: &str) -> PResult<Vec<(String, String)>> {
    resource_tags(c, TagResourceType::Hostedzone, zone_id).await
}

/// The tags on the Route 53 object `id` of this kind as `(key, value)` pairs.
pub async fn resource_tags(c: &Clients, kind: TagResourceType, id: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .route53
        .list_tags_for_resource()
        .resource_type(kind)
        .resource_id(clean_id(id))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out
        .resource_tag_set()
        .map(|s| s.tags())
        .unwrap_or_default()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// True when the zone carries this stack's tags for this address.
pub async fn zone_is_ours(c: &Clients, ctx: &CallCtx, zone_id: &str) -> PResult<bool> {
    let tags = zone_tags(c, zone_id).await?;
    Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx))
}

/// True when the zone was made by this stack (any of its addresses): the records in it that
/// state lost are the stack's too.
pub async fn zone_in_stack(c: &Clients, ctx: &CallCtx, zone_id: &str) -> PResult<bool> {
    let tags = zone_tags(c, zone_id).await?;
    Ok(!ctx.stack.is_empty()
        && tags
            .iter()
            .any(|(k, v)| k == crate::provider::STACK_TAG && *v == ctx.stack))
}

/// Adds tags to a zone or health check (Route 53 takes no tags at creation).
pub async fn add_tags(
    c: &Clients,
    kind: TagResourceType,
    id: &str,
    tags: impl IntoIterator<Item = (String, String)>,
) -> PResult<()> {
    let tags: Vec<Tag> = tags
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    if tags.is_empty() {
        return Ok(());
    }
    c.route53
        .change_tags_for_resource()
        .resource_type(kind)
        .resource_id(clean_id(id))
        .set_add_tags(Some(tags))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// Brings a zone's or health check's tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(c: &Clients, kind: TagResourceType, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    let untag_kind = kind.clone();
    sync_tags(
        prior,
        planned,
        |keys| async move {
            c.route53
                .change_tags_for_resource()
                .resource_type(untag_kind)
                .resource_id(clean_id(id))
                .set_remove_tag_keys(Some(keys))
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        },
        |add| add_tags(c, kind, id, add),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_as_the_provider_keeps_them() {
        assert_eq!(normalize_zone_name("Example.COM."), "example.com");
        assert_eq!(normalize_zone_name("example.com"), "example.com");
        assert_eq!(normalize_zone_name("."), ".");
        assert_eq!(clean_record_name("\\052.example.com."), "*.example.com");
        assert_eq!(clean_record_name("_A1.Example.com."), "_a1.example.com");
        assert_eq!(clean_record_name("a\\0401.example.com."), "a 1.example.com");
        assert_eq!(clean_id("/hostedzone/Z123ABC"), "Z123ABC");
        assert_eq!(clean_id("/change/C9"), "C9");
        assert_eq!(clean_id("Z123"), "Z123");
    }

    #[test]
    fn record_names_are_relative_to_their_zone_unless_full() {
        assert_eq!(expand_record_name("www", "example.com."), "www.example.com");
        assert_eq!(expand_record_name("WWW.example.com.", "example.com"), "www.example.com");
        assert_eq!(expand_record_name("", "example.com"), "example.com");
        assert_eq!(expand_record_name("example.com", "example.com"), "example.com");
        // The provider compares text: a name merely ending in the zone's letters is left as is.
        assert_eq!(expand_record_name("notexample.com", "example.com"), "notexample.com");
    }
}
