//! The `replica` blocks of `aws_dynamodb_table`: a global table (version 2019.11.21) keeps a
//! replica of itself in each named region, made and removed with UpdateTable ReplicaUpdates on
//! the table in its own region, one replica per call, each waited for, as the provider does.
//! A replica's point-in-time recovery and tags live in its own region (tags are copied there
//! only with `propagate_tags`), so they are set with that region's client; a new
//! `kms_key_arn` can only be given by making the replica again.

use crate::provider::aws::common::{aws_err, build_err, opt_bool, opt_str, tag_changes, wait_for, Poll, Wait};
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_dynamodb::types::{
    CreateReplicationGroupMemberAction, DeleteReplicationGroupMemberAction, PointInTimeRecoverySpecification,
    ReplicaDescription, ReplicaStatus, ReplicationGroupUpdate, Tag,
};
use aws_sdk_dynamodb::Client;
use std::time::Duration;

/// DynamoDB's answer to a Delete action for a region that holds no replica.
const NOT_FOUND: &str = "Replica specified in the Replica Update or Replica Delete action of the request was not found";

/// A DynamoDB client for another region, with the same credentials, endpoint and retries.
pub fn client_in(ddb: &Client, region: &str) -> Client {
    crate::provider::aws::common::client_in!(aws_sdk_dynamodb, ddb, region)
}

/// The `replica` blocks of a table value.
pub fn blocks(v: &Value) -> &[Value] {
    v.get("replica").as_list().unwrap_or(&[])
}

fn region_of(r: &Value) -> String {
    opt_str(r, "region_name").unwrap_or_default()
}

fn find<'a>(list: &'a [Value], region: &str) -> Option<&'a Value> {
    list.iter().find(|r| region_of(r) == region)
}

fn build<T>(r: Result<T, aws_sdk_dynamodb::error::BuildError>) -> PResult<T> {
    r.map_err(build_err)
}

/// Waits until the table in its own region reports the replica in `region` as `want`
/// (`None`: no longer listed) and the table itself is ACTIVE again.
async fn wait_replica(
    ddb: &Client,
    table: &str,
    region: &str,
    want: Option<ReplicaStatus>,
    timeout: Duration,
) -> PResult<()> {
    let goal = match &want {
        Some(s) => format!("replica in {region} {}", s.as_str()),
        None => format!("replica in {region} deleted"),
    };
    wait_for(Wait::new(table, &goal, timeout), || async {
        let out = ddb.describe_table().table_name(table).send().await.map_err(aws_err)?;
        let Some(t) = out.table() else {
            return Ok(Poll::pending("table not found"));
        };
        let replica = t.replicas().iter().find(|r| r.region_name() == Some(region));
        let status = replica.and_then(|r| r.replica_status()).cloned();
        let reached = match (&want, replica) {
            (None, None) => true,
            (Some(w), Some(_)) => status.as_ref() == Some(w),
            _ => false,
        };
        if !reached {
            let now = status
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "absent".into());
            return Ok(Poll::pending(format!("replica {now}")));
        }
        match t.table_status() {
            Some(s) if s.as_str() != "ACTIVE" => Ok(Poll::pending(format!("table {}", s.as_str()))),
            _ => Ok(Poll::Ready(())),
        }
    })
    .await
}

async fn set_pitr(ddb: &Client, table: &str, on: bool) -> PResult<()> {
    let spec = build(
        PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(on)
            .build(),
    )?;
    ddb.update_continuous_backups()
        .table_name(table)
        .point_in_time_recovery_specification(spec)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// Brings the tags of the replica table in `region` from `old` to `new` (`tags_all` maps).
async fn sync_tags(ddb: &Client, table: &str, old: &Value, new: &Value) -> PResult<()> {
    let out = ddb.describe_table().table_name(table).send().await.map_err(aws_err)?;
    let Some(arn) = out.table().and_then(|t| t.table_arn()).map(str::to_string) else {
        return Ok(());
    };
    let (add, remove) = tag_changes(old, new);
    if !remove.is_empty() {
        ddb.untag_resource()
            .resource_arn(&arn)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(aws_err)?;
    }
    if !add.is_empty() {
        let tags = add
            .into_iter()
            .map(|(k, v)| build(Tag::builder().key(k).value(v).build()))
            .collect::<PResult<Vec<_>>>()?;
        ddb.tag_resource()
            .resource_arn(&arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(aws_err)?;
    }
    Ok(())
}

/// Makes the replica a `replica` block asks for, waits until it is ACTIVE, then switches on its
/// point-in-time recovery and copies the table's tags (`tags_all`) to it as the block says.
pub async fn create(ddb: &Client, table: &str, replica: &Value, tags: &Value, timeout: Duration) -> PResult<()> {
    let region = region_of(replica);
    let action = build(
        CreateReplicationGroupMemberAction::builder()
            .region_name(&region)
            .set_kms_master_key_id(opt_str(replica, "kms_key_arn").filter(|k| !k.is_empty()))
            .build(),
    )?;
    ddb.update_table()
        .table_name(table)
        .replica_updates(ReplicationGroupUpdate::builder().create(action).build())
        .send()
        .await
        .map_err(aws_err)?;
    wait_replica(ddb, table, &region, Some(ReplicaStatus::Active), timeout).await?;
    let there = client_in(ddb, &region);
    if opt_bool(replica, "point_in_time_recovery") == Some(true) {
        set_pitr(&there, table, true).await?;
    }
    if opt_bool(replica, "propagate_tags") == Some(true) {
        sync_tags(&there, table, &Value::Null, tags).await?;
    }
    Ok(())
}

/// Removes the replica in `region` and waits until the table no longer lists it.
pub async fn delete(ddb: &Client, table: &str, region: &str, timeout: Duration) -> PResult<()> {
    let action = build(
        DeleteReplicationGroupMemberAction::builder()
            .region_name(region)
            .build(),
    )?;
    let r = ddb
        .update_table()
        .table_name(table)
        .replica_updates(ReplicationGroupUpdate::builder().delete(action).build())
        .send()
        .await;
    if let Err(e) = r {
        // Already gone (deleted outside, or by an earlier attempt): nothing left to do, as the
        // provider treats it.
        let e = aws_err(e);
        let gone = e.code.as_deref() == Some("ResourceNotFoundException")
            || (e.code.as_deref() == Some("ValidationException") && e.message.contains(NOT_FOUND));
        if !gone {
            return Err(e);
        }
    }
    wait_replica(ddb, table, region, None, timeout).await
}

/// Brings the replicas from `prior` to `planned`: removed regions first, then replicas whose
/// key changed made again, then new ones; point-in-time recovery and tag propagation of the
/// others changed in place. `tags` are the table's `tags_all` before and after.
pub async fn update(ddb: &Client, table: &str, prior: &Value, planned: &Value, timeout: Duration) -> PResult<()> {
    let old = blocks(prior);
    let new = blocks(planned);
    let key_changed = |o: &Value, n: &Value| {
        let k = |v: &Value| opt_str(v, "kms_key_arn").filter(|k| !k.is_empty());
        // An unset key keeps whatever key the replica has.
        k(n).is_some() && k(n) != k(o)
    };
    for o in old {
        let region = region_of(o);
        if find(new, &region).is_none_or(|n| key_changed(o, n)) {
            delete(ddb, table, &region, timeout).await?;
        }
    }
    let tags = planned.get("tags_all");
    for n in new {
        let region = region_of(n);
        match find(old, &region).filter(|o| !key_changed(o, n)) {
            None => create(ddb, table, n, tags, timeout).await?,
            Some(o) => {
                let there = client_in(ddb, &region);
                let pitr = |v: &Value| opt_bool(v, "point_in_time_recovery").unwrap_or(false);
                if pitr(o) != pitr(n) {
                    set_pitr(&there, table, pitr(n)).await?;
                }
                let propagate = |v: &Value| opt_bool(v, "propagate_tags").unwrap_or(false);
                match (propagate(o), propagate(n)) {
                    (false, true) => sync_tags(&there, table, &Value::Null, tags).await?,
                    (true, true) => sync_tags(&there, table, prior.get("tags_all"), tags).await?,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Removes every replica of the table (before the table itself is deleted, as the provider
/// does), one at a time.
pub async fn delete_all(ddb: &Client, table: &str, regions: &[String], timeout: Duration) -> PResult<()> {
    for region in regions {
        delete(ddb, table, region, timeout).await?;
    }
    Ok(())
}

/// The `replica` blocks as read: each replica DynamoDB lists, with its table's ARN and stream
/// and its point-in-time recovery read in its region, `propagate_tags` as configured.
pub async fn read(ddb: &Client, table: &str, listed: &[ReplicaDescription], prior: &Value) -> PResult<Value> {
    let mut out = Vec::new();
    for r in listed {
        let Some(region) = r.region_name() else { continue };
        let there = client_in(ddb, region);
        let described = async {
            let d = there.describe_table().table_name(table).send().await.map_err(aws_err)?;
            Ok::<_, ProviderError>(d.table().cloned())
        };
        let backups = async {
            there
                .describe_continuous_backups()
                .table_name(table)
                .send()
                .await
                .map_err(aws_err)
        };
        let (described, backups) = futures::join!(described, backups);
        let t = described?;
        let pitr = backups
            .ok()
            .and_then(|b| b.continuous_backups_description().cloned())
            .and_then(|d| d.point_in_time_recovery_description().cloned())
            .and_then(|p| p.point_in_time_recovery_status().cloned())
            .is_some_and(|s| s.as_str() == "ENABLED");
        let s = |x: Option<&str>| Value::from(x);
        let configured = find(blocks(prior), region);
        out.push(Value::object([
            ("region_name", Value::str(region)),
            ("kms_key_arn", s(r.kms_master_key_id())),
            ("arn", s(t.as_ref().and_then(|t| t.table_arn()))),
            ("stream_arn", s(t.as_ref().and_then(|t| t.latest_stream_arn()))),
            ("stream_label", s(t.as_ref().and_then(|t| t.latest_stream_label()))),
            ("point_in_time_recovery", Value::Bool(pitr)),
            (
                "propagate_tags",
                Value::Bool(configured.and_then(|c| opt_bool(c, "propagate_tags")).unwrap_or(false)),
            ),
        ]));
    }
    Ok(Value::List(out))
}

/// The regions of a table value's replicas.
pub fn regions(v: &Value) -> Vec<String> {
    blocks(v).iter().map(region_of).filter(|r| !r.is_empty()).collect()
}
