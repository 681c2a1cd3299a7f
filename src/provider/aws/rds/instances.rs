//! What DB instances (`aws_db_instance`, `aws_rds_cluster_instance`) share on the RDS side:
//! finding one by identifier or resource id, waiting for it to settle after a change, and
//! deleting it and waiting until it is gone.

use crate::provider::aws::common::{absent_on, aws_err, wait_for, Poll, Wait};
use crate::provider::{CallCtx, PResult, ProviderError};
use aws_sdk_rds::types::{DbInstance as Instance, Filter};
use std::time::Duration;

/// A resource id (`db-` and 26 upper-case letters or digits), as opposed to an identifier.
const RESOURCE_ID: &str = r"^db-[A-Z0-9]{26}$";

/// The state RDS reports while it works on an instance, or an error for one it will not
/// leave by itself.
fn settled(i: &Instance, no_pending: bool) -> PResult<Poll<()>> {
    let status = i.db_instance_status().unwrap_or("unknown");
    match status {
        "available" | "storage-optimization" => {
            let pending = i.pending_modified_values().is_some_and(|p| {
                p.db_instance_class().is_some()
                    || p.allocated_storage().is_some()
                    || p.master_user_password().is_some()
                    || p.port().is_some()
                    || p.backup_retention_period().is_some()
                    || p.multi_az().is_some()
                    || p.engine_version().is_some()
                    || p.iops().is_some()
                    || p.storage_type().is_some()
                    || p.storage_throughput().is_some()
                    || p.db_instance_identifier().is_some()
                    || p.ca_certificate_identifier().is_some()
                    || p.db_subnet_group_name().is_some()
                    || p.license_model().is_some()
            });
            Ok(if no_pending && pending {
                Poll::pending(format!("{status}, with modifications pending"))
            } else {
                Poll::Ready(())
            })
        }
        "failed"
        | "incompatible-credentials"
        | "incompatible-network"
        | "incompatible-option-group"
        | "incompatible-parameters"
        | "incompatible-restore"
        | "inaccessible-encryption-credentials"
        | "restore-error"
        | "storage-full" => Err(ProviderError::msg(format!(
            "DB instance {} is {status}",
            i.db_instance_identifier().unwrap_or_default()
        ))),
        other => Ok(Poll::pending(other)),
    }
}

/// The instance with this id (a resource id, or an identifier as import gives).
pub async fn describe(rds: &aws_sdk_rds::Client, id: &str) -> PResult<Option<Instance>> {
    let mut req = rds.describe_db_instances();
    req = if regex_lite::Regex::new(RESOURCE_ID).is_ok_and(|r| r.is_match(id)) {
        req.filters(Filter::builder().name("dbi-resource-id").values(id).build())
    } else {
        req.db_instance_identifier(id)
    };
    let r = req.send().await.map_err(aws_err);
    Ok(absent_on(r, &["DBInstanceNotFound"])?.and_then(|o| o.db_instances().first().cloned()))
}

/// Waits until the instance is available (and, with `no_pending`, has no modification left
/// pending), within `timeout`.
pub async fn wait_available(rds: &aws_sdk_rds::Client, id: &str, no_pending: bool, timeout: Duration) -> PResult<()> {
    let goal = if no_pending {
        "available with no pending modifications"
    } else {
        "available"
    };
    wait_for(Wait::new(id, goal, timeout), || async {
        match describe(rds, id).await? {
            Some(i) => settled(&i, no_pending),
            None => Ok(Poll::pending("not found yet")),
        }
    })
    .await
}

/// How to delete an instance: the final snapshot and backups, and how long to wait.
pub struct Deletion {
    /// Delete without a final snapshot.
    pub skip_final_snapshot: bool,
    /// The final snapshot's name, when one is taken.
    pub final_snapshot_identifier: Option<String>,
    /// Delete the automated backups with the instance (not asked of a cluster's members,
    /// whose backups are the cluster's).
    pub delete_automated_backups: Option<bool>,
    /// How long the deletion may take.
    pub timeout: Duration,
}

/// Deletes `current` (found by `id`) unless it is already being deleted, and waits until it is
/// gone.
pub async fn delete(rds: &aws_sdk_rds::Client, current: &Instance, id: &str, how: Deletion) -> PResult<()> {
    let identifier = current.db_instance_identifier().unwrap_or(id).to_string();
    if current.db_instance_status() != Some("deleting") {
        let skip = how.skip_final_snapshot;
        let r = rds
            .delete_db_instance()
            .db_instance_identifier(&identifier)
            .skip_final_snapshot(skip)
            .set_final_db_snapshot_identifier(if skip { None } else { how.final_snapshot_identifier })
            .set_delete_automated_backups(how.delete_automated_backups)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, &["DBInstanceNotFound"])?.is_none() {
            return Ok(());
        }
    }
    wait_for(Wait::new(&identifier, "deleted", how.timeout), || async {
        Ok(match describe(rds, id).await? {
            None => Poll::Ready(()),
            Some(i) => Poll::pending(i.db_instance_status().unwrap_or("unknown")),
        })
    })
    .await
}

/// The instance this stack created for this address, for adoption: the one with the
/// configured identifier when it carries the address's tags, else the first whose tags say so
/// (DescribeDBInstances lists tags, so one scan finds it).
pub async fn find_owned(
    rds: &aws_sdk_rds::Client,
    identifier: Option<String>,
    ctx: &CallCtx,
) -> PResult<Option<Instance>> {
    if let Some(identifier) = identifier {
        return Ok(describe(rds, &identifier)
            .await?
            .filter(|i| super::owned(i.tag_list(), ctx)));
    }
    let mut pages = rds.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(aws_err)?;
        if let Some(i) = page.db_instances().iter().find(|i| super::owned(i.tag_list(), ctx)) {
            return Ok(Some(i.clone()));
        }
    }
    Ok(None)
}
