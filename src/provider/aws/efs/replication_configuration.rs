//! `aws_efs_replication_configuration`: a file system replicated to a destination file system in
//! another Region (or One Zone), as the provider's `resourceReplicationConfiguration` makes it.
//! Its id, and the import id, is the source file system's id. EFS makes the destination file
//! system unless one is named; create waits until the replication is `ENABLED`. Nothing changes
//! in place. Delete is asked of the destination's Region first and then of the source's (the
//! provider's order: AWS takes it from the destination's), each waited for until the
//! replication is gone; the destination file system stays, as in AWS.

use crate::provider::aws::common::{
    absent_on, aws_err, client_in, first, must_exist, ok_on, op_timeout, opt_str, required, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::region::REGION_PATTERN;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::matches;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{DestinationToCreate, ReplicationConfigurationDescription, ReplicationStatus};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_efs_replication_configuration` resource type.
pub struct ReplicationConfiguration {
    c: Arc<Clients>,
    schema: Schema,
}

/// Codes EFS answers when a replication, or its file system, is not there.
const NO_REPLICATION: &[&str] = &["ReplicationNotFound", "FileSystemNotFound"];

/// The provider's timeouts (create and delete) when the blueprint sets none.
const DEFAULT_WAIT: Duration = Duration::from_secs(1200);

impl ReplicationConfiguration {
    /// Creates the type with its clients; ForceNew and timeouts are the provider's.
    pub fn new(c: Arc<Clients>) -> ReplicationConfiguration {
        let schema = resource("aws_efs_replication_configuration")
            .arg("source_file_system_id")
            .force_new()
            .arg("destination")
            .force_new()
            .arg("destination.region")
            .check(matches(REGION_PATTERN, "an AWS region name such as eu-west-2"))
            .timeouts(20, 0, 20)
            .build();
        ReplicationConfiguration { c, schema }
    }

    /// The replication of `fs` as EFS in `client`'s Region describes it.
    async fn describe_with(
        client: &aws_sdk_efs::Client,
        fs: &str,
    ) -> PResult<Option<ReplicationConfigurationDescription>> {
        let r = client
            .describe_replication_configurations()
            .file_system_id(fs)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NO_REPLICATION)?
            .and_then(|out| out.replications().first().cloned())
            .filter(|r| !r.destinations().is_empty()))
    }

    /// Ends the replication from `client`'s Region and waits until that Region no longer has it.
    async fn delete_with(client: &aws_sdk_efs::Client, fs: &str, timeout: Duration) -> PResult<()> {
        let r = client
            .delete_replication_configuration()
            .source_file_system_id(fs)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NO_REPLICATION).map_err(|e| e.context(format!("deleting EFS Replication Configuration ({fs})")))?;
        wait_for(Wait::new(fs, "deleted", timeout), || async {
            Ok(match Self::describe_with(client, fs).await? {
                None => Poll::Ready(()),
                Some(r) => Poll::pending(r.destinations()[0].status().as_str()),
            })
        })
        .await
    }
}

/// A time as the provider records it: Go's `time.Time.String()` (`2026-12-04 19:18:17.830263
/// +0000 UTC`), so a state Terraform kept and one infractl keeps hold the same text.
fn go_time(t: &aws_smithy_types::DateTime) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(t.secs()) * 1_000_000_000 + i128::from(t.subsec_nanos()),
    ) else {
        return String::new();
    };
    let fraction = match at.nanosecond() {
        0 => String::new(),
        n => format!(".{n:09}").trim_end_matches('0').to_string(),
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{fraction} +0000 UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The replication as state holds it; the destination's zone and key are the blueprint's (EFS
/// does not return them), as the provider keeps them.
fn to_state(r: &ReplicationConfigurationDescription, prior: &Value) -> Value {
    let configured = first(prior, "destination");
    let destinations = r
        .destinations()
        .iter()
        .map(|d| {
            Value::object([
                (
                    "availability_zone_name",
                    Value::from(configured.and_then(|c| opt_str(c, "availability_zone_name"))),
                ),
                ("file_system_id", Value::str(d.file_system_id())),
                (
                    "kms_key_id",
                    Value::from(configured.and_then(|c| opt_str(c, "kms_key_id"))),
                ),
                ("region", Value::str(d.region())),
                ("status", Value::str(d.status().as_str())),
            ])
        })
        .collect();
    Value::object([
        ("id", Value::str(r.source_file_system_id())),
        ("creation_time", Value::str(go_time(r.creation_time()))),
        ("destination", Value::List(destinations)),
        (
            "original_source_file_system_arn",
            Value::str(r.original_source_file_system_arn()),
        ),
        ("source_file_system_arn", Value::str(r.source_file_system_arn())),
        ("source_file_system_id", Value::str(r.source_file_system_id())),
        ("source_file_system_region", Value::str(r.source_file_system_region())),
    ])
}

#[async_trait]
impl ResourceType for ReplicationConfiguration {
    fn type_name(&self) -> &'static str {
        "aws_efs_replication_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's AtLeastOneOf: a destination names its Region or its zone.
    fn check_config(&self, config: &Value) -> Result<(), String> {
        match first(config, "destination") {
            Some(d) if d.get("region").is_null() && d.get("availability_zone_name").is_null() => {
                Err("destination: one of `availability_zone_name` or `region` must be specified".into())
            }
            _ => Ok(()),
        }
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let fs = required(planned, "source_file_system_id")?;
        let d = first(planned, "destination").ok_or_else(|| ProviderError::msg("destination is required"))?;
        let destination = DestinationToCreate::builder()
            .set_region(opt_str(d, "region"))
            .set_availability_zone_name(opt_str(d, "availability_zone_name"))
            .set_kms_key_id(opt_str(d, "kms_key_id"))
            .set_file_system_id(opt_str(d, "file_system_id"))
            .build();
        self.c
            .efs
            .create_replication_configuration()
            .source_file_system_id(&fs)
            .destinations(destination)
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating EFS Replication Configuration ({fs})")))?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, DEFAULT_WAIT);
        wait_for(Wait::new(&fs, "ENABLED", timeout), || async {
            match Self::describe_with(&self.c.efs, &fs).await? {
                Some(r) => match r.destinations()[0].status() {
                    ReplicationStatus::Enabled => Ok(Poll::Ready(())),
                    ReplicationStatus::Enabling => Ok(Poll::pending("ENABLING")),
                    s => Err(ProviderError::msg(format!(
                        "the replication of EFS file system {fs} is {} while waiting for it to be ENABLED",
                        s.as_str()
                    ))),
                },
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
        .map_err(|e| e.context(format!("waiting for EFS Replication Configuration ({fs}) create")))?;
        must_exist(
            self.read(ctx, &fs, planned).await?,
            "EFS replication configuration",
            &fs,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(Self::describe_with(&self.c.efs, id).await?.map(|r| to_state(&r, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        must_exist(self.read(ctx, id, planned).await?, "EFS replication configuration", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, DEFAULT_WAIT);
        let region = first(prior, "destination").and_then(|d| opt_str(d, "region"));
        if let Some(region) = region.filter(|r| *r != self.c.region) {
            let there = client_in!(aws_sdk_efs, self.c.efs, region);
            Self::delete_with(&there, id, timeout).await?;
        }
        Self::delete_with(&self.c.efs, id, timeout).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_go_prints_them() {
        assert_eq!(
            go_time(&aws_smithy_types::DateTime::from_secs_and_nanos(
                1_796_411_897,
                830_263_000
            )),
            "2026-12-04 19:18:17.830263 +0000 UTC"
        );
        assert_eq!(
            go_time(&aws_smithy_types::DateTime::from_secs(1_796_411_897)),
            "2026-12-04 19:18:17 +0000 UTC"
        );
    }

    #[test]
    fn a_destination_names_its_region_or_zone() {
        let t = ReplicationConfiguration::new(Arc::new(crate::provider::aws::offline_clients()));
        let config = |d: Value| Value::object([("destination", Value::List(vec![d]))]);
        assert!(t
            .check_config(&config(Value::object([("kms_key_id", Value::str("k"))])))
            .is_err());
        assert!(t
            .check_config(&config(Value::object([("region", Value::str("eu-west-2"))])))
            .is_ok());
        assert!(t
            .check_config(&config(Value::object([(
                "availability_zone_name",
                Value::str("eu-west-2a")
            )])))
            .is_ok());
    }
}
