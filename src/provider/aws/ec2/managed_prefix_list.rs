//! `aws_ec2_managed_prefix_list`: a named set of CIDR blocks that security group rules and
//! route tables reference as one (`prefix_list_ids`), as the provider's
//! `resourceManagedPrefixList`. Entries, the name and the size change in place with
//! ModifyManagedPrefixList, in the order EC2 allows: entries and size never in one call (a list
//! grows before it gets more entries and loses entries before it shrinks), a description change
//! as a removal and then an addition of its CIDR, each change against the list's current
//! version and waited for until the list is `modify-complete`. The id is the prefix list id.

use super::{read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{aws_err, configured_tags, must_exist, ok_on, opt_str, wait_for, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{cidr, int_at_least, len_between, not_matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{AddPrefixListEntry, ManagedPrefixList, RemovePrefixListEntry, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_ec2_managed_prefix_list` resource type.
pub struct ManagedPrefixListType {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider waits up to 15 minutes for each create, change and delete.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// EC2's code for an unknown prefix list.
const NOT_FOUND: &[&str] = &["InvalidPrefixListID.NotFound"];

/// One entry: CIDR and description (empty when none).
pub type Entry = (String, String);

impl ManagedPrefixListType {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ManagedPrefixListType {
        let schema = resource("aws_ec2_managed_prefix_list")
            .arg("address_family")
            .force_new()
            .check(one_of(&["IPv4", "IPv6"]))
            .arg("max_entries")
            .check(int_at_least(1))
            .arg("name")
            .check(len_between(1, 255))
            .check(not_matches(r"^com\.amazonaws\.", "a name starting with com.amazonaws."))
            .arg("entry.cidr")
            .check(cidr())
            .arg("entry.description")
            .check(len_between(0, 255))
            .args(&["entry", "tags"])
            .build();
        ManagedPrefixListType { c, schema }
    }

    /// DescribeManagedPrefixLists of one id; `None` when it does not exist or is deleted.
    async fn describe(&self, id: &str) -> PResult<Option<ManagedPrefixList>> {
        let r = self
            .c
            .ec2
            .describe_managed_prefix_lists()
            .prefix_list_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let out = match r {
            Ok(out) => out,
            Err(e) if e.code.as_deref().is_some_and(|c| NOT_FOUND.contains(&c)) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(out
            .prefix_lists()
            .iter()
            .find(|p| p.prefix_list_id() == Some(id))
            .filter(|p| !matches!(p.state().map(|s| s.as_str()), Some("delete-complete")))
            .cloned())
    }

    /// Waits until the list has finished a create or a change: `*-complete`, or the reason EC2
    /// gives for `*-failed`.
    async fn settled(&self, id: &str) -> PResult<i64> {
        wait_for(Wait::new(id, "complete", TIMEOUT), || async {
            let Some(p) = self.describe(id).await? else {
                return Ok(Poll::pending("not found yet"));
            };
            let state = p.state().map(|s| s.as_str().to_string()).unwrap_or_default();
            if state.ends_with("-complete") {
                Ok(Poll::Ready(p.version().unwrap_or(0)))
            } else if state.ends_with("-failed") {
                Err(ProviderError::msg(format!(
                    "managed prefix list {id} is {state}: {}",
                    p.state_message().unwrap_or("")
                )))
            } else {
                Ok(Poll::pending(&state))
            }
        })
        .await
    }

    /// One ModifyManagedPrefixList of entries, against the list's current version, waited for.
    async fn modify_entries(&self, id: &str, name: Option<String>, add: &[Entry], remove: &[Entry]) -> PResult<()> {
        if add.is_empty() && remove.is_empty() && name.is_none() {
            return Ok(());
        }
        let version = self.settled(id).await?;
        let has_entries = !add.is_empty() || !remove.is_empty();
        self.c
            .ec2
            .modify_managed_prefix_list()
            .prefix_list_id(id)
            .set_prefix_list_name(name)
            .set_current_version(has_entries.then_some(version))
            .set_add_entries((!add.is_empty()).then(|| {
                add.iter()
                    .map(|(cidr, description)| {
                        AddPrefixListEntry::builder()
                            .cidr(cidr)
                            .set_description((!description.is_empty()).then(|| description.clone()))
                            .build()
                    })
                    .collect()
            }))
            .set_remove_entries((!remove.is_empty()).then(|| {
                remove
                    .iter()
                    .map(|(cidr, _)| RemovePrefixListEntry::builder().cidr(cidr).build())
                    .collect()
            }))
            .send()
            .await
            .map_err(aws_err)?;
        self.settled(id).await.map(|_| ())
    }

    /// One ModifyManagedPrefixList of the size, waited for.
    async fn resize(&self, id: &str, max: i32) -> PResult<()> {
        self.c
            .ec2
            .modify_managed_prefix_list()
            .prefix_list_id(id)
            .max_entries(max)
            .send()
            .await
            .map_err(aws_err)?;
        self.settled(id).await.map(|_| ())
    }
}

/// A list's entries as (CIDR, description), every page: the resource and the data source
/// read them alike.
pub async fn entries(ec2: &aws_sdk_ec2::Client, id: &str) -> PResult<Vec<Entry>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = ec2
            .get_managed_prefix_list_entries()
            .prefix_list_id(id)
            .set_next_token(token)
            .send()
            .await
            .map_err(aws_err)?;
        out.extend(page.entries().iter().map(|e| {
            (
                e.cidr().unwrap_or_default().to_string(),
                e.description().unwrap_or_default().to_string(),
            )
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// The configured entries.
fn configured(v: &Value) -> Vec<Entry> {
    v.get("entry")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|e| {
            (
                e.get("cidr").as_str().unwrap_or_default().to_string(),
                e.get("description").as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// What to add and remove to go from `before` to `after`, and the removals of CIDRs that are
/// also added (a description change), which EC2 takes only in a call of their own.
fn entry_changes(before: &[Entry], after: &[Entry]) -> (Vec<Entry>, Vec<Entry>, Vec<Entry>) {
    let add: Vec<Entry> = after.iter().filter(|e| !before.contains(e)).cloned().collect();
    let (redescribed, remove): (Vec<Entry>, Vec<Entry>) = before
        .iter()
        .filter(|e| !after.contains(e))
        .cloned()
        .partition(|(cidr, _)| add.iter().any(|(c, _)| c == cidr));
    (add, remove, redescribed)
}

#[async_trait]
impl ResourceType for ManagedPrefixListType {
    fn type_name(&self) -> &'static str {
        "aws_ec2_managed_prefix_list"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let entries = configured(planned);
        let out = self
            .c
            .ec2
            .create_managed_prefix_list()
            .set_prefix_list_name(opt_str(planned, "name"))
            .set_address_family(opt_str(planned, "address_family"))
            .set_max_entries(planned.get("max_entries").as_number().map(|n| n as i32))
            .set_entries((!entries.is_empty()).then(|| {
                entries
                    .iter()
                    .map(|(cidr, description)| {
                        AddPrefixListEntry::builder()
                            .cidr(cidr)
                            .set_description((!description.is_empty()).then(|| description.clone()))
                            .build()
                    })
                    .collect()
            }))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::PrefixList))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .prefix_list()
            .and_then(|p| p.prefix_list_id())
            .ok_or_else(|| ProviderError::msg("CreateManagedPrefixList returned no id"))?
            .to_string();
        self.settled(&id).await?;
        must_exist(self.read(ctx, &id, planned).await?, "managed prefix list", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = self.describe(id).await? else {
            return Ok(None);
        };
        let entries = entries(&self.c.ec2, id).await?;
        let s = |v: Option<&str>| v.map(Value::str).unwrap_or(Value::Null);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", s(p.prefix_list_arn())),
            ("name", s(p.prefix_list_name())),
            ("address_family", s(p.address_family())),
            (
                "max_entries",
                p.max_entries().map(|n| Value::from(n as i64)).unwrap_or(Value::Null),
            ),
            ("owner_id", s(p.owner_id())),
            ("version", Value::from(p.version().unwrap_or(0))),
            (
                "entry",
                Value::List(
                    entries
                        .into_iter()
                        .map(|(cidr, description)| {
                            Value::object([
                                ("cidr", Value::str(cidr)),
                                (
                                    "description",
                                    if description.is_empty() {
                                        Value::Null
                                    } else {
                                        Value::str(description)
                                    },
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(p.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (add, remove, redescribed) = entry_changes(&configured(prior), &configured(planned));
        let name = opt_str(planned, "name").filter(|n| Some(n.as_str()) != prior.get("name").as_str());
        // A description change: its CIDR removed in a call of its own, then added back below.
        self.modify_entries(id, None, &[], &redescribed).await?;
        let max = |v: &Value| v.get("max_entries").as_number().map(|n| n as i32);
        match (max(prior), max(planned)) {
            (Some(before), Some(after)) if after > before => {
                self.resize(id, after).await?;
                self.modify_entries(id, name, &add, &remove).await?;
            }
            (Some(before), Some(after)) if after < before => {
                self.modify_entries(id, name, &add, &remove).await?;
                self.resize(id, after).await?;
            }
            _ => self.modify_entries(id, name, &add, &remove).await?,
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "managed prefix list", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_managed_prefix_list()
            .prefix_list_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)?;
        wait_for(Wait::new(id, "deleted", TIMEOUT), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(p) => Poll::pending(p.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(cidr: &str, d: &str) -> Entry {
        (cidr.to_string(), d.to_string())
    }

    #[test]
    fn a_new_description_is_a_removal_then_an_addition() {
        let before = [e("10.0.0.0/16", "vpc"), e("10.1.0.0/16", "peer")];
        let after = [e("10.0.0.0/16", "main vpc"), e("10.2.0.0/16", "")];
        let (add, remove, redescribed) = entry_changes(&before, &after);
        assert_eq!(add, [e("10.0.0.0/16", "main vpc"), e("10.2.0.0/16", "")]);
        assert_eq!(remove, [e("10.1.0.0/16", "peer")]);
        assert_eq!(redescribed, [e("10.0.0.0/16", "vpc")]);
        let (add, remove, redescribed) = entry_changes(&before, &before);
        assert!(add.is_empty() && remove.is_empty() && redescribed.is_empty());
    }
}
