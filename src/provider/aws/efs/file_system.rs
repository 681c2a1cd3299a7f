//! `aws_efs_file_system`: an EFS file system, as the provider's `resourceFileSystem` makes it.
//! Created with a creation token (the blueprint's, else a generated `terraform-…` one, which
//! makes a retried create answer FileSystemAlreadyExists instead of a second file system) and
//! waited for until `available`; its lifecycle policies and replication overwrite protection
//! are set after. Throughput mode and provisioned throughput, lifecycle policies, protection
//! and tags change in place; everything else replaces it. Delete waits until it is gone.

use super::{efs_tags, file_system_dns, sync_efs_tags, tag_pairs, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, first, must_exist, ok_on, op_timeout, opt_bool, opt_str, owns,
    read_beside, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, len_between, not_empty, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{
    FileSystemDescription, LifeCycleState, LifecyclePolicy, PerformanceMode, ReplicationOverwriteProtection,
    ThroughputMode, TransitionToArchiveRules, TransitionToIaRules, TransitionToPrimaryStorageClassRules,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_efs_file_system` resource type.
pub struct FileSystem {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider waits for a file system to become available or go (it has no
/// `timeouts` block).
const WAIT: Duration = Duration::from_secs(600);

impl FileSystem {
    /// Creates the type with its clients; checks and defaults are the provider's.
    pub fn new(c: Arc<Clients>) -> FileSystem {
        let schema = resource("aws_efs_file_system")
            .arg("availability_zone_name")
            .force_new()
            .check(not_empty())
            .arg("creation_token")
            .force_new()
            .check(len_between(0, 64))
            .arg("encrypted")
            .force_new()
            .arg("kms_key_id")
            .force_new()
            .check(arn())
            .arg("performance_mode")
            .force_new()
            .check(one_of(PerformanceMode::values()))
            .arg("throughput_mode")
            .default("bursting")
            .check(one_of(ThroughputMode::values()))
            .arg("lifecycle_policy.transition_to_archive")
            .check(one_of(TransitionToArchiveRules::values()))
            .arg("lifecycle_policy.transition_to_ia")
            .check(one_of(TransitionToIaRules::values()))
            .arg("lifecycle_policy.transition_to_primary_storage_class")
            .check(one_of(TransitionToPrimaryStorageClassRules::values()))
            .arg("protection.replication_overwrite")
            .check(one_of(&["ENABLED", "DISABLED"]))
            .computed_blocks(&["protection"])
            .args(&[
                "provisioned_throughput_in_mibps",
                "lifecycle_policy",
                "protection",
                "tags",
            ])
            .build();
        FileSystem { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<FileSystemDescription>> {
        let r = self
            .c
            .efs
            .describe_file_systems()
            .file_system_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?
            .and_then(|out| out.file_systems().first().cloned())
            .filter(|fs| fs.life_cycle_state() != &LifeCycleState::Deleted))
    }

    /// Waits until the file system is `available` (the provider's `waitFileSystemAvailable`).
    async fn wait_available(&self, id: &str) -> PResult<()> {
        wait_for(Wait::new(id, "available", WAIT), || async {
            match self.describe(id).await? {
                Some(fs) if fs.life_cycle_state() == &LifeCycleState::Available => Ok(Poll::Ready(())),
                Some(fs)
                    if matches!(
                        fs.life_cycle_state(),
                        LifeCycleState::Creating | LifeCycleState::Updating
                    ) =>
                {
                    Ok(Poll::pending(fs.life_cycle_state().as_str()))
                }
                Some(fs) => Err(ProviderError::msg(format!(
                    "EFS file system {id} is {} while waiting for it to be available",
                    fs.life_cycle_state().as_str()
                ))),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
    }

    async fn put_lifecycle(&self, id: &str, planned: &Value) -> PResult<()> {
        self.c
            .efs
            .put_lifecycle_configuration()
            .file_system_id(id)
            .set_lifecycle_policies(Some(lifecycle_request(planned)))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("putting EFS File System ({id}) lifecycle configuration")))?;
        Ok(())
    }

    async fn put_protection(&self, id: &str, planned: &Value) -> PResult<()> {
        let Some(value) = first(planned, "protection").and_then(|p| opt_str(p, "replication_overwrite")) else {
            return Ok(());
        };
        self.c
            .efs
            .update_file_system_protection()
            .file_system_id(id)
            .replication_overwrite_protection(ReplicationOverwriteProtection::from(value.as_str()))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("updating EFS File System ({id}) protection")))?;
        Ok(())
    }
}

/// A file system's lifecycle policies (DescribeLifecycleConfiguration).
pub(super) async fn lifecycle_policies(c: &Clients, id: &str) -> PResult<Vec<LifecyclePolicy>> {
    let out = c
        .efs
        .describe_lifecycle_configuration()
        .file_system_id(id)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.lifecycle_policies().to_vec())
}

/// The throughput mode to send (`bursting` when unset, the provider's default) and the
/// provisioned throughput, which EFS takes only in `provisioned` mode (the provider sends it then
/// alone), for CreateFileSystem and UpdateFileSystem alike.
fn throughput(planned: &Value) -> (ThroughputMode, Option<f64>) {
    let mode = opt_str(planned, "throughput_mode").unwrap_or_else(|| "bursting".into());
    let provisioned = (mode == "provisioned")
        .then(|| planned.get("provisioned_throughput_in_mibps").as_number())
        .flatten();
    (ThroughputMode::from(mode.as_str()), provisioned)
}

/// The `lifecycle_policy` blocks as PutLifecycleConfiguration takes them (an empty list clears
/// them, as the provider sends it on removal).
fn lifecycle_request(planned: &Value) -> Vec<LifecyclePolicy> {
    planned
        .get("lifecycle_policy")
        .as_list()
        .unwrap_or_default()
        .iter()
        .map(|p| {
            LifecyclePolicy::builder()
                .set_transition_to_archive(opt_str(p, "transition_to_archive").map(|s| s.as_str().into()))
                .set_transition_to_ia(opt_str(p, "transition_to_ia").map(|s| s.as_str().into()))
                .set_transition_to_primary_storage_class(
                    opt_str(p, "transition_to_primary_storage_class").map(|s| s.as_str().into()),
                )
                .build()
        })
        .collect()
}

/// The policies as state holds them: each block with all three fields, the unset ones empty, as
/// the provider's `flattenLifecyclePolicies` writes them.
fn lifecycle_state(policies: &[LifecyclePolicy]) -> Value {
    let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
    Value::List(
        policies
            .iter()
            .map(|p| {
                Value::object([
                    (
                        "transition_to_archive",
                        s(p.transition_to_archive().map(|v| v.as_str())),
                    ),
                    ("transition_to_ia", s(p.transition_to_ia().map(|v| v.as_str()))),
                    (
                        "transition_to_primary_storage_class",
                        s(p.transition_to_primary_storage_class().map(|v| v.as_str())),
                    ),
                ])
            })
            .collect(),
    )
}

/// The file system as state holds it (the provider's read; the data source reads the same).
pub(super) fn to_state(fs: &FileSystemDescription, policies: &[LifecyclePolicy], region: &str, prior: &Value) -> Value {
    let id = fs.file_system_id();
    let size = fs.size_in_bytes().map(|s| {
        Value::object([
            ("value", Value::from(s.value())),
            ("value_in_ia", Value::from(s.value_in_ia())),
            ("value_in_standard", Value::from(s.value_in_standard())),
        ])
    });
    let protection = fs.file_system_protection().map(|p| {
        Value::object([(
            "replication_overwrite",
            Value::from(p.replication_overwrite_protection().map(|r| r.as_str())),
        )])
    });
    Value::object([
        ("id", Value::str(id)),
        ("arn", Value::from(fs.file_system_arn())),
        ("availability_zone_id", Value::from(fs.availability_zone_id())),
        ("availability_zone_name", Value::from(fs.availability_zone_name())),
        ("creation_token", Value::str(fs.creation_token())),
        ("dns_name", Value::str(file_system_dns(id, region))),
        ("encrypted", Value::from(fs.encrypted())),
        ("kms_key_id", Value::from(fs.kms_key_id())),
        ("lifecycle_policy", lifecycle_state(policies)),
        ("name", Value::from(fs.name())),
        (
            "number_of_mount_targets",
            Value::from(i64::from(fs.number_of_mount_targets())),
        ),
        ("owner_id", Value::str(fs.owner_id())),
        ("performance_mode", Value::str(fs.performance_mode().as_str())),
        ("protection", Value::List(protection.into_iter().collect())),
        (
            "provisioned_throughput_in_mibps",
            Value::from(fs.provisioned_throughput_in_mibps().map(Value::Number)),
        ),
        ("size_in_bytes", Value::List(size.into_iter().collect())),
        ("throughput_mode", Value::from(fs.throughput_mode().map(|t| t.as_str()))),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tag_pairs(fs.tags()))),
    ])
}

#[async_trait]
impl ResourceType for FileSystem {
    fn type_name(&self) -> &'static str {
        "aws_efs_file_system"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let token = opt_str(planned, "creation_token")
            .unwrap_or_else(|| format!("terraform-{}", &uuid::Uuid::new_v4().simple().to_string()[..26]));
        let kms_key = opt_str(planned, "kms_key_id");
        if kms_key.is_some() && opt_bool(planned, "encrypted") == Some(false) {
            return Err(ProviderError::msg(
                "encrypted must be set to true when kms_key_id is specified",
            ));
        }
        let (mode, provisioned) = throughput(planned);
        let out = self
            .c
            .efs
            .create_file_system()
            .creation_token(&token)
            .set_performance_mode(opt_str(planned, "performance_mode").map(|s| s.as_str().into()))
            .set_encrypted(opt_bool(planned, "encrypted"))
            .set_kms_key_id(kms_key)
            .throughput_mode(mode)
            .set_provisioned_throughput_in_mibps(provisioned)
            .set_availability_zone_name(opt_str(planned, "availability_zone_name"))
            .set_tags(efs_tags(tags_to_write(ctx, planned))?)
            .send()
            .await
            .map_err(|e| aws_err(e).context("creating EFS File System"))?;
        let id = out.file_system_id().to_string();
        self.wait_available(&id)
            .await
            .map_err(|e| e.context(format!("waiting for EFS File System ({id}) create")))?;
        if !lifecycle_request(planned).is_empty() {
            self.put_lifecycle(&id, planned).await?;
        }
        self.put_protection(&id, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "EFS file system", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((fs, policies)) = read_beside(self.describe(id), lifecycle_policies(&self.c, id)).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&fs, &policies, &self.c.region, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if differs(prior, planned, "throughput_mode") || differs(prior, planned, "provisioned_throughput_in_mibps") {
            let (mode, provisioned) = throughput(planned);
            self.c
                .efs
                .update_file_system()
                .file_system_id(id)
                .throughput_mode(mode)
                .set_provisioned_throughput_in_mibps(provisioned)
                .send()
                .await
                .map_err(|e| aws_err(e).context(format!("updating EFS File System ({id})")))?;
            self.wait_available(id)
                .await
                .map_err(|e| e.context(format!("waiting for EFS File System ({id}) update")))?;
        }
        if differs(prior, planned, "lifecycle_policy") {
            self.put_lifecycle(id, planned).await?;
        }
        if differs(prior, planned, "protection") {
            self.put_protection(id, planned).await?;
        }
        sync_efs_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "EFS file system", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .efs
            .delete_file_system()
            .file_system_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND).map_err(|e| e.context(format!("deleting EFS File System ({id})")))?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, WAIT);
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(fs) => Poll::pending(fs.life_cycle_state().as_str()),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let mut pages = self.c.efs.describe_file_systems().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(aws_err)?;
            let found = page.file_systems().iter().find(|fs| {
                fs.life_cycle_state() != &LifeCycleState::Deleted
                    && owns(fs.tags().iter().map(|t| (t.key(), t.value())), ctx)
            });
            if let Some(fs) = found {
                return Ok(Some(fs.file_system_id().to_string()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_policies_go_out_one_rule_each_and_come_back_with_empty_fields() {
        let planned = Value::object([(
            "lifecycle_policy",
            Value::List(vec![
                Value::object([("transition_to_ia", Value::str("AFTER_30_DAYS"))]),
                Value::object([("transition_to_primary_storage_class", Value::str("AFTER_1_ACCESS"))]),
            ]),
        )]);
        let sent = lifecycle_request(&planned);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].transition_to_ia(), Some(&TransitionToIaRules::After30Days));
        assert_eq!(sent[0].transition_to_primary_storage_class(), None);
        let state = lifecycle_state(&sent);
        assert_eq!(state.as_list().unwrap()[1].get("transition_to_ia"), &Value::str(""));
        assert_eq!(
            state.as_list().unwrap()[1].get("transition_to_primary_storage_class"),
            &Value::str("AFTER_1_ACCESS")
        );
        assert!(lifecycle_request(&Value::object::<&str>([])).is_empty());
    }
}
