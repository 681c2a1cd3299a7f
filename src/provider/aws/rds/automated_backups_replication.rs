//! `aws_db_instance_automated_backups_replication`: a DB instance's automated backups (snapshots
//! and transaction logs) copied to another region, for point-in-time restores there after the
//! source region is lost. It lives in the destination region (the provider configuration's, an
//! alias such as the rds module's `aws.region2`), named by the replicated backup's ARN, which is
//! the id and the import id; every argument replaces it.
//!
//! As the provider does: StartDBInstanceAutomatedBackupsReplication, then a wait while the
//! backup is `pending` until it is `replicating`; a read through DescribeDBInstanceAutomatedBackups
//! by ARN, where a `retained` backup (replication stopped, or its source deleted) is gone; a
//! delete with StopDBInstanceAutomatedBackupsReplication that waits, with a client for the
//! source's region, until the source instance no longer lists the replication.
//! `pre_signed_url` is only sent (RDS never shows it again), so it is kept as configured.

use super::instances::describe;
use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, op_timeout, opt_i32, opt_str, required, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::DbInstanceAutomatedBackup;
use std::sync::Arc;
use std::time::Duration;

/// The provider's create and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(75 * 60);

/// The `aws_db_instance_automated_backups_replication` resource type.
pub struct AutomatedBackupsReplication {
    c: Arc<Clients>,
    schema: Schema,
}

/// True when a status (RDS writes it in either case) says the replication has ended.
fn retained(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("retained"))
}

/// The region and instance identifier in a DB instance ARN
/// (`arn:PARTITION:rds:REGION:ACCOUNT:db:NAME`).
fn source_parts(source_arn: &str) -> PResult<(&str, &str)> {
    let parts: Vec<&str> = source_arn.splitn(7, ':').collect();
    match parts.as_slice() {
        [_, _, "rds", region, _, "db", name] if !region.is_empty() && !name.is_empty() => Ok((region, name)),
        _ => Err(ProviderError::msg(format!(
            "source_db_instance_arn {source_arn} is not the ARN of a DB instance (arn:aws:rds:REGION:ACCOUNT:db:NAME)"
        ))),
    }
}

impl AutomatedBackupsReplication {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AutomatedBackupsReplication {
        let schema = resource("aws_db_instance_automated_backups_replication")
            .arg("kms_key_id")
            .force_new()
            .check(arn())
            .arg("pre_signed_url")
            .force_new()
            .arg("retention_period")
            .force_new()
            .default(7)
            .arg("source_db_instance_arn")
            .force_new()
            .check(arn())
            .timeouts(75, 0, 75)
            .build();
        AutomatedBackupsReplication { c, schema }
    }

    /// The replicated backup with this ARN, unless it is gone or retained.
    async fn find(&self, backup_arn: &str) -> PResult<Option<DbInstanceAutomatedBackup>> {
        let r = self
            .c
            .rds
            .describe_db_instance_automated_backups()
            .db_instance_automated_backups_arn(backup_arn)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["DBInstanceAutomatedBackupNotFound"])?.and_then(|o| {
            o.db_instance_automated_backups()
                .iter()
                // RDS's list may lag behind a start or a stop, as the provider's check says.
                .find(|b| b.db_instance_automated_backups_arn() == Some(backup_arn))
                .filter(|b| !retained(b.status()))
                .cloned()
        }))
    }
}

/// The state of a replication as RDS describes it; `pre_signed_url` as `prior` holds it.
fn value(backup_arn: &str, b: &DbInstanceAutomatedBackup, prior: &Value) -> Value {
    Value::object([
        ("id", Value::str(backup_arn)),
        ("kms_key_id", Value::from(b.kms_key_id())),
        ("pre_signed_url", prior.get("pre_signed_url").clone()),
        (
            "retention_period",
            Value::from(b.backup_retention_period().map(i64::from)),
        ),
        ("source_db_instance_arn", Value::from(b.db_instance_arn())),
    ])
}

#[async_trait]
impl ResourceType for AutomatedBackupsReplication {
    fn type_name(&self) -> &'static str {
        "aws_db_instance_automated_backups_replication"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let source = required(planned, "source_db_instance_arn")?;
        let out = self
            .c
            .rds
            .start_db_instance_automated_backups_replication()
            .source_db_instance_arn(&source)
            .set_backup_retention_period(opt_i32(planned, "retention_period"))
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_pre_signed_url(opt_str(planned, "pre_signed_url"))
            .send()
            .await
            .map_err(aws_err)?;
        let backup_arn = out
            .db_instance_automated_backup()
            .and_then(|b| b.db_instance_automated_backups_arn())
            .ok_or_else(|| ProviderError::msg(format!("RDS started replicating {source} without naming the backup")))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_for(Wait::new(&backup_arn, "replicating", timeout), || async {
            Ok(match self.find(&backup_arn).await? {
                None => Poll::pending("not listed yet"),
                Some(b) => match b.status().map(str::to_ascii_lowercase).as_deref() {
                    Some("replicating") => Poll::Ready(()),
                    Some("pending") | None => Poll::pending("pending"),
                    Some(other) => {
                        return Err(ProviderError::msg(format!(
                            "the automated backups of {source} are {other}, not replicating"
                        )))
                    }
                },
            })
        })
        .await?;
        must_exist(
            self.read(ctx, &backup_arn, planned).await?,
            "automated backups replication",
            &backup_arn,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self.find(id).await?.map(|b| value(id, &b, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing is updated in place.
        must_exist(self.read(ctx, id, planned).await?, "automated backups replication", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(backup) = self.find(id).await? else {
            return Ok(());
        };
        let source = backup
            .db_instance_arn()
            .map(str::to_string)
            .or_else(|| opt_str(prior, "source_db_instance_arn"))
            .ok_or_else(|| ProviderError::msg(format!("RDS names no source instance for {id}")))?;
        let r = self
            .c
            .rds
            .stop_db_instance_automated_backups_replication()
            .source_db_instance_arn(&source)
            .send()
            .await
            .map_err(aws_err);
        match r {
            Ok(_) => {}
            Err(e) if e.code.as_deref() == Some("DBInstanceNotFound") => return Ok(()),
            Err(e)
                if e.code.as_deref() == Some("InvalidDBInstanceState")
                    && e.message.contains("not replicating to the current region") =>
            {
                return Ok(())
            }
            Err(e) => return Err(e),
        }
        // The source instance drops the replication from its list once it has stopped.
        let (region, instance) = source_parts(&source)?;
        let rds = crate::provider::aws::common::client_in!(aws_sdk_rds, self.c.rds, region);
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "no longer listed by its source", timeout), || async {
            let listed = describe(&rds, instance).await?.is_some_and(|i| {
                i.db_instance_automated_backups_replications()
                    .iter()
                    .any(|r| r.db_instance_automated_backups_arn() == Some(id))
            });
            Ok(if listed {
                Poll::pending("still listed by the source instance")
            } else {
                Poll::Ready(())
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_arns_give_their_region_and_instance() {
        assert_eq!(
            source_parts("arn:aws:rds:eu-west-1:123456789012:db:orders").unwrap(),
            ("eu-west-1", "orders")
        );
        assert_eq!(
            source_parts("arn:aws-cn:rds:cn-north-1:123456789012:db:a").unwrap(),
            ("cn-north-1", "a")
        );
        for wrong in [
            "arn:aws:rds:eu-west-1:123456789012:cluster:orders",
            "arn:aws:s3:::bucket",
            "orders",
            "arn:aws:rds::123456789012:db:orders",
        ] {
            assert!(source_parts(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn retained_in_either_case_is_the_end() {
        assert!(retained(Some("retained")));
        assert!(retained(Some("RETAINED")));
        assert!(!retained(Some("replicating")));
        assert!(!retained(None));
    }
}
