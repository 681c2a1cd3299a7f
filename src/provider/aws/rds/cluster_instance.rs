//! `aws_rds_cluster_instance`: one DB instance of an Aurora cluster (`db.serverless` for
//! Serverless v2, or a provisioned class). Storage, credentials, backups and encryption belong
//! to the cluster; the instance has its class, parameter group, promotion tier and network
//! exposure. The id is the instance identifier, as the provider's, so import takes it too.
//! Changes go through ModifyDBInstance and wait for the instance to be available again; the
//! graph deletes instances before their cluster (they reference it), and the cluster's delete
//! retries until RDS no longer counts them as members.

use super::instances::{delete, describe, find_owned, wait_available, Deletion};
use super::{
    changed, cluster_engine, engine_version, identifier_or_generated, kept, lower, opt_i32, read_tags, tags_for_create,
    update_tags, BACKUP_WINDOW, LOWER_NAME, MAINTENANCE_WINDOW,
};
use crate::provider::aws::common::{
    aws_err, configured_tags, must_exist, name_prefix_from_name, op_timeout, opt_bool, opt_str, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{int_between, int_in, len_between, matches, not_matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::DbInstance as Instance;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_rds_cluster_instance` resource type.
pub struct ClusterInstance {
    c: Arc<Clients>,
    schema: Schema,
}

/// Arguments ModifyDBInstance changes in place on a cluster member.
const MODIFIABLE: &[&str] = &[
    "instance_class",
    "engine_version",
    "db_parameter_group_name",
    "promotion_tier",
    "publicly_accessible",
    "auto_minor_version_upgrade",
    "copy_tags_to_snapshot",
    "ca_cert_identifier",
    "monitoring_interval",
    "monitoring_role_arn",
    "preferred_backup_window",
    "preferred_maintenance_window",
];

impl ClusterInstance {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ClusterInstance {
        let schema = resource("aws_rds_cluster_instance")
            .arg("identifier")
            .force_new()
            .check(len_between(1, 63))
            .check(matches(
                LOWER_NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--|-$", "no two consecutive hyphens nor a final hyphen"))
            .arg("identifier_prefix")
            .force_new()
            .check(len_between(1, 37))
            .check(matches(
                LOWER_NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--", "no two consecutive hyphens"))
            .arg("cluster_identifier")
            .force_new()
            .arg("engine")
            .force_new()
            .check(cluster_engine())
            .arg("engine_version")
            .arg("instance_class")
            .arg("db_subnet_group_name")
            .force_new()
            .arg("availability_zone")
            .force_new()
            .arg("promotion_tier")
            .default(0)
            .check(int_between(0, 15))
            .arg("publicly_accessible")
            .arg("auto_minor_version_upgrade")
            .default(true)
            .arg("copy_tags_to_snapshot")
            .default(false)
            .arg("monitoring_interval")
            .default(0)
            .check(int_in(&[0, 1, 5, 10, 15, 30, 60]))
            .arg("preferred_backup_window")
            .check(matches(BACKUP_WINDOW, "hh24:mi-hh24:mi"))
            .arg("preferred_maintenance_window")
            .normalized(lower)
            .check(matches(MAINTENANCE_WINDOW, "ddd:hh24:mi-ddd:hh24:mi"))
            .args(&[
                "db_parameter_group_name",
                "apply_immediately",
                "ca_cert_identifier",
                "monitoring_role_arn",
                "tags",
            ])
            .rule(Rule::Conflicts(&["identifier", "identifier_prefix"]))
            .timeouts(90, 90, 90)
            .build();
        ClusterInstance { c, schema }
    }

    /// Whether RDS counts the instance as its cluster's writer.
    async fn writer(&self, i: &Instance) -> PResult<Value> {
        let (Some(cluster), Some(me)) = (i.db_cluster_identifier(), i.db_instance_identifier()) else {
            return Ok(Value::Null);
        };
        let out = self
            .c
            .rds
            .describe_db_clusters()
            .db_cluster_identifier(cluster)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(Value::from(
            out.db_clusters()
                .first()
                .and_then(|c| {
                    c.db_cluster_members()
                        .iter()
                        .find(|m| m.db_instance_identifier() == Some(me))
                })
                .and_then(|m| m.is_cluster_writer()),
        ))
    }

    fn value(&self, i: &Instance, writer: Value, prior: &Value) -> Value {
        let s = |x: Option<&str>| Value::from(x);
        let n = |x: Option<i32>| Value::from(x.map(i64::from));
        let endpoint = i.endpoint();
        let identifier = i.db_instance_identifier();
        let prefix = match prior.get("identifier_prefix") {
            Value::String(p) => Value::str(p),
            _ => Value::from(identifier.and_then(|id| name_prefix_from_name(id, ""))),
        };
        Value::object([
            ("id", s(identifier)),
            ("identifier", s(identifier)),
            ("identifier_prefix", prefix),
            ("arn", s(i.db_instance_arn())),
            ("dbi_resource_id", s(i.dbi_resource_id())),
            ("cluster_identifier", s(i.db_cluster_identifier())),
            ("engine", s(i.engine())),
            (
                "engine_version",
                engine_version(prior.get("engine_version"), i.engine_version()),
            ),
            ("engine_version_actual", s(i.engine_version())),
            ("instance_class", s(i.db_instance_class())),
            (
                "db_parameter_group_name",
                s(i.db_parameter_groups()
                    .first()
                    .and_then(|g| g.db_parameter_group_name())),
            ),
            (
                "db_subnet_group_name",
                s(i.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
            ),
            ("availability_zone", s(i.availability_zone())),
            (
                "promotion_tier",
                Value::from(i64::from(i.promotion_tier().unwrap_or(0))),
            ),
            ("publicly_accessible", Value::from(i.publicly_accessible())),
            (
                "auto_minor_version_upgrade",
                Value::from(i.auto_minor_version_upgrade()),
            ),
            ("copy_tags_to_snapshot", Value::from(i.copy_tags_to_snapshot())),
            ("ca_cert_identifier", s(i.ca_certificate_identifier())),
            (
                "monitoring_interval",
                Value::from(i64::from(i.monitoring_interval().unwrap_or(0))),
            ),
            ("monitoring_role_arn", s(i.monitoring_role_arn())),
            (
                "performance_insights_enabled",
                Value::from(i.performance_insights_enabled()),
            ),
            (
                "performance_insights_kms_key_id",
                s(i.performance_insights_kms_key_id()),
            ),
            (
                "performance_insights_retention_period",
                n(i.performance_insights_retention_period()),
            ),
            ("preferred_backup_window", s(i.preferred_backup_window())),
            (
                "preferred_maintenance_window",
                Value::from(i.preferred_maintenance_window().map(lower)),
            ),
            ("endpoint", s(endpoint.and_then(|e| e.address()))),
            ("port", n(endpoint.and_then(|e| e.port()).or(i.db_instance_port()))),
            ("kms_key_id", s(i.kms_key_id())),
            ("storage_encrypted", Value::from(i.storage_encrypted())),
            ("network_type", s(i.network_type())),
            ("writer", writer),
            (
                "custom_iam_instance_profile",
                prior.get("custom_iam_instance_profile").clone(),
            ),
            (
                "apply_immediately",
                kept(prior, "apply_immediately", Value::Bool(false)),
            ),
            ("force_destroy", prior.get("force_destroy").clone()),
            ("timeouts", prior.get("timeouts").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(i.tag_list())),
        ])
    }
}

#[async_trait]
impl ResourceType for ClusterInstance {
    fn type_name(&self) -> &'static str {
        "aws_rds_cluster_instance"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let identifier = identifier_or_generated(planned, "identifier", "tf-");
        self.c
            .rds
            .create_db_instance()
            .db_instance_identifier(&identifier)
            .set_db_cluster_identifier(opt_str(planned, "cluster_identifier"))
            .set_engine(opt_str(planned, "engine"))
            .set_engine_version(opt_str(planned, "engine_version"))
            .set_db_instance_class(opt_str(planned, "instance_class"))
            .set_db_parameter_group_name(opt_str(planned, "db_parameter_group_name"))
            .set_db_subnet_group_name(opt_str(planned, "db_subnet_group_name"))
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_promotion_tier(opt_i32(planned, "promotion_tier"))
            .set_publicly_accessible(opt_bool(planned, "publicly_accessible"))
            .set_auto_minor_version_upgrade(opt_bool(planned, "auto_minor_version_upgrade"))
            .set_copy_tags_to_snapshot(opt_bool(planned, "copy_tags_to_snapshot"))
            .set_ca_certificate_identifier(opt_str(planned, "ca_cert_identifier"))
            .set_monitoring_interval(opt_i32(planned, "monitoring_interval").filter(|m| *m > 0))
            .set_monitoring_role_arn(opt_str(planned, "monitoring_role_arn"))
            .set_preferred_backup_window(opt_str(planned, "preferred_backup_window"))
            .set_preferred_maintenance_window(opt_str(planned, "preferred_maintenance_window"))
            .set_tags(Some(tags_for_create(ctx, planned)))
            .send()
            .await
            .map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(5400));
        wait_available(&self.c.rds, &identifier, false, timeout).await?;
        must_exist(
            self.read(ctx, &identifier, planned).await?,
            "RDS cluster instance",
            &identifier,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(i) = describe(&self.c.rds, id).await? else {
            return Ok(None);
        };
        let writer = self.writer(&i).await?;
        Ok(Some(self.value(&i, writer, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| changed(prior, planned, k);
        if MODIFIABLE.iter().any(|k| changed(k)) {
            let set_i32 = |k: &str| changed(k).then(|| opt_i32(planned, k)).flatten();
            let set_str = |k: &str| changed(k).then(|| opt_str(planned, k)).flatten();
            let set_bool = |k: &str| changed(k).then(|| opt_bool(planned, k)).flatten();
            let now = opt_bool(planned, "apply_immediately") == Some(true);
            self.c
                .rds
                .modify_db_instance()
                .db_instance_identifier(id)
                .apply_immediately(now)
                .set_db_instance_class(set_str("instance_class"))
                .set_engine_version(set_str("engine_version"))
                .set_db_parameter_group_name(set_str("db_parameter_group_name"))
                .set_promotion_tier(set_i32("promotion_tier"))
                .set_publicly_accessible(set_bool("publicly_accessible"))
                .set_auto_minor_version_upgrade(set_bool("auto_minor_version_upgrade"))
                .set_copy_tags_to_snapshot(set_bool("copy_tags_to_snapshot"))
                .set_ca_certificate_identifier(set_str("ca_cert_identifier"))
                .set_monitoring_interval(set_i32("monitoring_interval"))
                .set_monitoring_role_arn(set_str("monitoring_role_arn"))
                .set_preferred_backup_window(set_str("preferred_backup_window"))
                .set_preferred_maintenance_window(set_str("preferred_maintenance_window"))
                .send()
                .await
                .map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(5400));
            wait_available(&self.c.rds, id, now, timeout).await?;
        }
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "RDS cluster instance", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(current) = describe(&self.c.rds, id).await? else {
            return Ok(());
        };
        // The cluster keeps the backups; a member is deleted without a snapshot of its own.
        let how = Deletion {
            skip_final_snapshot: true,
            final_snapshot_identifier: None,
            delete_automated_backups: None,
            timeout: op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(5400)),
        };
        delete(&self.c.rds, &current, id, how).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned(&self.c.rds, opt_str(planned, "identifier"), ctx).await?;
        Ok(found.and_then(|i| i.db_instance_identifier().map(str::to_string)))
    }
}
