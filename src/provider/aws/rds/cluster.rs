//! `aws_rds_cluster`: an Aurora (PostgreSQL or MySQL) cluster, the storage and endpoints its
//! instances (`aws_rds_cluster_instance`) share.
//!
//! The id is the cluster identifier, as the provider's, so import takes it too. The master
//! password is kept out of state as for `aws_db_instance`: `master_password` holds its SHA-256
//! digest, and with `manage_master_user_password` RDS keeps the password in a Secrets Manager
//! secret of its own (`master_user_secret` holds its ARN). Changes go through ModifyDBCluster,
//! now or at the next maintenance window as `apply_immediately` says, and wait until the cluster
//! is available again (and, applied now, has nothing pending). `storage_type` changes in place
//! only on Aurora engines (the provider's CustomizeDiff). Destroy takes a final snapshot unless
//! `skip_final_snapshot`, retries while the cluster's instances are still being deleted (RDS
//! refuses to delete a cluster with members), and waits until the cluster is gone.

use super::{
    changed, cluster_engine, engine_version, identifier_or_generated, kept, logs_exports_change, lower,
    managed_password, master_secret, opt_i32, owned, password_digest, password_to_send, read_tags, tags_for_create,
    update_tags, BACKUP_WINDOW, LOWER_NAME, MAINTENANCE_WINDOW,
};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, op_timeout, opt_bool, opt_str, retry_while,
    secret_digest, str_list, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, len_between, matches, not_matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::{DbCluster, ServerlessV2ScalingConfiguration};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_rds_cluster` resource type.
pub struct Cluster {
    c: Arc<Clients>,
    schema: Schema,
}

/// Arguments ModifyDBCluster changes in place (the others replace the cluster or are
/// infractl's own settings).
const MODIFIABLE: &[&str] = &[
    "engine_version",
    "master_password",
    "manage_master_user_password",
    "master_user_secret_kms_key_id",
    "db_cluster_parameter_group_name",
    "vpc_security_group_ids",
    "port",
    "backup_retention_period",
    "preferred_backup_window",
    "preferred_maintenance_window",
    "copy_tags_to_snapshot",
    "deletion_protection",
    "iam_database_authentication_enabled",
    "enabled_cloudwatch_logs_exports",
    "serverlessv2_scaling_configuration",
    "storage_type",
    "allocated_storage",
    "iops",
    "db_cluster_instance_class",
    "network_type",
];

/// The state RDS reports while it works on a cluster, or an error for one it will not leave
/// by itself.
fn settled(c: &DbCluster, no_pending: bool) -> PResult<Poll<()>> {
    let status = c.status().unwrap_or("unknown");
    match status {
        "available" => {
            let pending = c.pending_modified_values().is_some_and(|p| {
                p.master_user_password().is_some()
                    || p.engine_version().is_some()
                    || p.backup_retention_period().is_some()
                    || p.allocated_storage().is_some()
                    || p.iops().is_some()
                    || p.storage_type().is_some()
                    || p.db_cluster_identifier().is_some()
                    || p.iam_database_authentication_enabled().is_some()
            });
            Ok(if no_pending && pending {
                Poll::pending("available, with modifications pending")
            } else {
                Poll::Ready(())
            })
        }
        "failed" | "inaccessible-encryption-credentials" | "migration-failed" | "cloning-failed" => {
            Err(ProviderError::msg(format!(
                "DB cluster {} is {status}",
                c.db_cluster_identifier().unwrap_or_default()
            )))
        }
        other => Ok(Poll::pending(other)),
    }
}

/// The `serverlessv2_scaling_configuration` block as the API takes it.
fn scaling(planned: &Value) -> Option<ServerlessV2ScalingConfiguration> {
    let block = planned
        .get("serverlessv2_scaling_configuration")
        .as_list()?
        .first()?
        .clone();
    Some(
        ServerlessV2ScalingConfiguration::builder()
            .set_min_capacity(block.get("min_capacity").as_number())
            .set_max_capacity(block.get("max_capacity").as_number())
            .set_seconds_until_auto_pause(opt_i32(&block, "seconds_until_auto_pause"))
            .build(),
    )
}

impl Cluster {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Cluster {
        let schema = resource("aws_rds_cluster")
            .arg("cluster_identifier")
            .force_new()
            .check(len_between(1, 63))
            .check(matches(
                LOWER_NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--|-$", "no two consecutive hyphens nor a final hyphen"))
            .arg("cluster_identifier_prefix")
            .force_new()
            .check(len_between(1, 37))
            .check(matches(
                LOWER_NAME,
                "lowercase letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--", "no two consecutive hyphens"))
            .arg("engine")
            .force_new()
            .check(cluster_engine())
            .arg("engine_mode")
            .force_new()
            .default("provisioned")
            .check(one_of(&[
                "global",
                "multimaster",
                "parallelquery",
                "provisioned",
                "serverless",
            ]))
            .arg("engine_version")
            .arg("database_name")
            .force_new()
            .arg("master_username")
            .force_new()
            .arg("master_password")
            .normalized(secret_digest)
            .arg("manage_master_user_password")
            .arg("master_user_secret_kms_key_id")
            .arg("db_subnet_group_name")
            .force_new()
            .arg("availability_zones")
            .force_new()
            .arg("storage_encrypted")
            .force_new()
            .arg("kms_key_id")
            .force_new()
            .arg("storage_type")
            .arg("allocated_storage")
            .arg("iops")
            .arg("db_cluster_instance_class")
            .arg("backup_retention_period")
            .check(int_between(0, 35))
            .arg("preferred_backup_window")
            .check(matches(BACKUP_WINDOW, "hh24:mi-hh24:mi"))
            .arg("preferred_maintenance_window")
            .normalized(lower)
            .check(matches(MAINTENANCE_WINDOW, "ddd:hh24:mi-ddd:hh24:mi"))
            .arg("copy_tags_to_snapshot")
            .default(false)
            .arg("deletion_protection")
            .default(false)
            .arg("iam_database_authentication_enabled")
            .default(false)
            .arg("skip_final_snapshot")
            .default(false)
            .arg("final_snapshot_identifier")
            .check(matches(r"^[0-9A-Za-z-]+$", "only alphanumeric characters and hyphens"))
            .check(not_matches(r"--|-$", "no two consecutive hyphens nor a final hyphen"))
            .arg("delete_automated_backups")
            .default(true)
            .arg("apply_immediately")
            .arg("network_type")
            .check(one_of(&["IPV4", "DUAL"]))
            .args(&[
                "port",
                "vpc_security_group_ids",
                "db_cluster_parameter_group_name",
                "enabled_cloudwatch_logs_exports",
                "allow_major_version_upgrade",
                "serverlessv2_scaling_configuration",
                "tags",
            ])
            .rule(Rule::Conflicts(&["cluster_identifier", "cluster_identifier_prefix"]))
            .rule(Rule::Conflicts(&["master_password", "manage_master_user_password"]))
            .timeouts(120, 120, 120)
            .build();
        Cluster { c, schema }
    }

    /// The cluster with this identifier.
    async fn describe(&self, id: &str) -> PResult<Option<DbCluster>> {
        let r = self
            .c
            .rds
            .describe_db_clusters()
            .db_cluster_identifier(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["DBClusterNotFoundFault"])?.and_then(|o| o.db_clusters().first().cloned()))
    }

    /// Waits until the cluster is available (and, with `no_pending`, has no modification left
    /// pending), within `timeout`.
    async fn wait_available(&self, id: &str, no_pending: bool, timeout: Duration) -> PResult<()> {
        let goal = if no_pending {
            "available with no pending modifications"
        } else {
            "available"
        };
        wait_for(Wait::new(id, goal, timeout), || async {
            match self.describe(id).await? {
                Some(c) => settled(&c, no_pending),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
    }

    fn value(&self, c: &DbCluster, prior: &Value) -> Value {
        let s = |x: Option<&str>| Value::from(x);
        let n = |x: Option<i32>| Value::from(x.map(i64::from));
        let scaling = Value::List(
            c.serverless_v2_scaling_configuration()
                .map(|v| {
                    Value::object([
                        ("min_capacity", v.min_capacity().map_or(Value::Null, Value::Number)),
                        ("max_capacity", v.max_capacity().map_or(Value::Null, Value::Number)),
                        (
                            "seconds_until_auto_pause",
                            match v.seconds_until_auto_pause() {
                                Some(p) => Value::from(i64::from(p)),
                                None => prior_auto_pause(prior),
                            },
                        ),
                    ])
                })
                .into_iter()
                .collect(),
        );
        let none = Value::Null;
        Value::object([
            ("id", s(c.db_cluster_identifier())),
            ("cluster_identifier", s(c.db_cluster_identifier())),
            (
                "cluster_identifier_prefix",
                prior.get("cluster_identifier_prefix").clone(),
            ),
            ("cluster_resource_id", s(c.db_cluster_resource_id())),
            ("arn", s(c.db_cluster_arn())),
            (
                "cluster_members",
                list_value(
                    c.db_cluster_members()
                        .iter()
                        .filter_map(|m| m.db_instance_identifier().map(str::to_string)),
                ),
            ),
            ("engine", s(c.engine())),
            ("engine_mode", s(c.engine_mode())),
            (
                "engine_version",
                engine_version(prior.get("engine_version"), c.engine_version()),
            ),
            ("engine_version_actual", s(c.engine_version())),
            ("engine_lifecycle_support", s(c.engine_lifecycle_support())),
            ("database_name", s(c.database_name())),
            ("master_username", s(c.master_username())),
            ("master_password", password_digest(prior, "master_password")),
            ("master_password_wo", none.clone()),
            (
                "master_password_wo_version",
                prior.get("master_password_wo_version").clone(),
            ),
            (
                "manage_master_user_password",
                managed_password(c.master_user_secret(), prior),
            ),
            ("master_user_secret", master_secret(c.master_user_secret())),
            (
                "master_user_secret_kms_key_id",
                s(c.master_user_secret().and_then(|m| m.kms_key_id())),
            ),
            ("db_subnet_group_name", s(c.db_subnet_group())),
            (
                "vpc_security_group_ids",
                list_value(
                    c.vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_string)),
                ),
            ),
            ("availability_zones", list_value(c.availability_zones().iter().cloned())),
            ("storage_encrypted", Value::from(c.storage_encrypted())),
            ("kms_key_id", s(c.kms_key_id())),
            ("storage_type", s(c.storage_type())),
            ("allocated_storage", n(c.allocated_storage())),
            ("iops", n(c.iops())),
            ("db_cluster_instance_class", s(c.db_cluster_instance_class())),
            ("backup_retention_period", n(c.backup_retention_period())),
            ("preferred_backup_window", s(c.preferred_backup_window())),
            (
                "preferred_maintenance_window",
                Value::from(c.preferred_maintenance_window().map(lower)),
            ),
            ("port", n(c.port())),
            ("endpoint", s(c.endpoint())),
            ("reader_endpoint", s(c.reader_endpoint())),
            ("hosted_zone_id", s(c.hosted_zone_id())),
            (
                "copy_tags_to_snapshot",
                Value::Bool(c.copy_tags_to_snapshot().unwrap_or(false)),
            ),
            (
                "deletion_protection",
                Value::Bool(c.deletion_protection().unwrap_or(false)),
            ),
            (
                "iam_database_authentication_enabled",
                Value::Bool(c.iam_database_authentication_enabled().unwrap_or(false)),
            ),
            (
                "enabled_cloudwatch_logs_exports",
                list_value(c.enabled_cloudwatch_logs_exports().iter().cloned()),
            ),
            ("network_type", s(c.network_type())),
            ("db_cluster_parameter_group_name", s(c.db_cluster_parameter_group())),
            ("serverlessv2_scaling_configuration", scaling),
            ("scaling_configuration", prior.get("scaling_configuration").clone()),
            (
                "ca_certificate_identifier",
                s(c.certificate_details().and_then(|d| d.ca_identifier())),
            ),
            (
                "ca_certificate_valid_till",
                Value::from(
                    c.certificate_details()
                        .and_then(|d| d.valid_till())
                        .map(|t| t.to_string()),
                ),
            ),
            ("monitoring_interval", n(c.monitoring_interval())),
            ("monitoring_role_arn", s(c.monitoring_role_arn())),
            (
                "performance_insights_enabled",
                prior.get("performance_insights_enabled").clone(),
            ),
            (
                "performance_insights_kms_key_id",
                s(c.performance_insights_kms_key_id()),
            ),
            (
                "performance_insights_retention_period",
                n(c.performance_insights_retention_period()),
            ),
            (
                "database_insights_mode",
                s(c.database_insights_mode().map(|m| m.as_str())),
            ),
            (
                "cluster_scalability_type",
                s(c.cluster_scalability_type().map(|t| t.as_str())),
            ),
            ("db_system_id", s(c.db_system_id())),
            (
                "iam_roles",
                list_value(
                    c.associated_roles()
                        .iter()
                        .filter_map(|r| r.role_arn().map(str::to_string)),
                ),
            ),
            (
                "global_cluster_identifier",
                prior.get("global_cluster_identifier").clone(),
            ),
            (
                "replication_source_identifier",
                prior.get("replication_source_identifier").clone(),
            ),
            ("backtrack_window", prior.get("backtrack_window").clone()),
            ("domain", prior.get("domain").clone()),
            ("domain_iam_role_name", prior.get("domain_iam_role_name").clone()),
            (
                "db_instance_parameter_group_name",
                prior.get("db_instance_parameter_group_name").clone(),
            ),
            (
                "enable_global_write_forwarding",
                prior.get("enable_global_write_forwarding").clone(),
            ),
            ("enable_http_endpoint", prior.get("enable_http_endpoint").clone()),
            (
                "enable_local_write_forwarding",
                prior.get("enable_local_write_forwarding").clone(),
            ),
            ("snapshot_identifier", prior.get("snapshot_identifier").clone()),
            ("source_region", prior.get("source_region").clone()),
            ("restore_to_point_in_time", Value::List(vec![])),
            ("s3_import", Value::List(vec![])),
            (
                "allow_major_version_upgrade",
                prior.get("allow_major_version_upgrade").clone(),
            ),
            (
                "apply_immediately",
                kept(prior, "apply_immediately", Value::Bool(false)),
            ),
            // Import cannot know how to delete: the provider sets skip_final_snapshot then.
            (
                "skip_final_snapshot",
                kept(prior, "skip_final_snapshot", Value::Bool(true)),
            ),
            (
                "final_snapshot_identifier",
                prior.get("final_snapshot_identifier").clone(),
            ),
            (
                "delete_automated_backups",
                kept(prior, "delete_automated_backups", Value::Bool(true)),
            ),
            ("timeouts", prior.get("timeouts").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(c.tag_list())),
        ])
    }

    /// ModifyDBCluster with the arguments that differ between `prior` and `planned`; false
    /// when nothing needed it.
    async fn modify(&self, id: &str, prior: &Value, planned: &Value) -> PResult<bool> {
        let changed = |k: &str| changed(prior, planned, k);
        if !MODIFIABLE.iter().any(|k| changed(k)) {
            return Ok(false);
        }
        let set_i32 = |k: &str| changed(k).then(|| opt_i32(planned, k)).flatten();
        let set_str = |k: &str| changed(k).then(|| opt_str(planned, k)).flatten();
        let set_bool = |k: &str| changed(k).then(|| opt_bool(planned, k)).flatten();
        let mut req = self
            .c
            .rds
            .modify_db_cluster()
            .db_cluster_identifier(id)
            .apply_immediately(opt_bool(planned, "apply_immediately").unwrap_or(false))
            .set_engine_version(set_str("engine_version"))
            .set_allow_major_version_upgrade(opt_bool(planned, "allow_major_version_upgrade"))
            .set_db_cluster_parameter_group_name(set_str("db_cluster_parameter_group_name"))
            .set_port(set_i32("port"))
            .set_backup_retention_period(set_i32("backup_retention_period"))
            .set_preferred_backup_window(set_str("preferred_backup_window"))
            .set_preferred_maintenance_window(set_str("preferred_maintenance_window"))
            .set_copy_tags_to_snapshot(set_bool("copy_tags_to_snapshot"))
            .set_deletion_protection(set_bool("deletion_protection"))
            .set_enable_iam_database_authentication(set_bool("iam_database_authentication_enabled"))
            .set_storage_type(set_str("storage_type"))
            .set_allocated_storage(set_i32("allocated_storage"))
            .set_iops(set_i32("iops"))
            .set_db_cluster_instance_class(set_str("db_cluster_instance_class"))
            .set_network_type(set_str("network_type"));
        if changed("vpc_security_group_ids") {
            req = req.set_vpc_security_group_ids(Some(str_list(planned, "vpc_security_group_ids")));
        }
        if changed("serverlessv2_scaling_configuration") {
            req = req.set_serverless_v2_scaling_configuration(scaling(planned));
        }
        if changed("manage_master_user_password") || changed("master_user_secret_kms_key_id") {
            let managed = opt_bool(planned, "manage_master_user_password").unwrap_or(false);
            req = req.manage_master_user_password(managed);
            if managed {
                req = req.set_master_user_secret_kms_key_id(opt_str(planned, "master_user_secret_kms_key_id"));
            }
        }
        if changed("master_password") {
            if let Some(p) = password_to_send(planned, "master_password") {
                req = req.master_user_password(p);
            }
        }
        if changed("enabled_cloudwatch_logs_exports") {
            req = req.cloudwatch_logs_export_configuration(logs_exports_change(prior, planned));
        }
        // A cluster still settling a previous change refuses another for a while.
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(7200));
        retry_while(
            &["InvalidDBClusterStateFault"],
            timeout.min(Duration::from_secs(300)),
            || {
                let req = req.clone();
                async move { req.send().await.map(|_| ()).map_err(aws_err) }
            },
        )
        .await?;
        Ok(true)
    }
}

/// `seconds_until_auto_pause` as configured, when AWS does not report it.
fn prior_auto_pause(prior: &Value) -> Value {
    prior
        .get("serverlessv2_scaling_configuration")
        .as_list()
        .and_then(|l| l.first().map(|b| b.get("seconds_until_auto_pause").clone()))
        .unwrap_or(Value::Null)
}

#[async_trait]
impl ResourceType for Cluster {
    fn type_name(&self) -> &'static str {
        "aws_rds_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // Only Aurora changes its storage type in place (the provider's CustomizeDiff).
        let Some(prior) = prior else { return Ok(None) };
        let engine = planned.get("engine").as_str().unwrap_or_default();
        let (old, new) = (prior.get("storage_type"), planned.get("storage_type"));
        if !engine.starts_with("aurora") && new.as_str().is_some() && old != new {
            return Ok(Some(format!("storage_type cannot change in place for engine {engine}")));
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let identifier = identifier_or_generated(planned, "cluster_identifier", "tf-");
        let managed = opt_bool(planned, "manage_master_user_password") == Some(true);
        let mut req = self
            .c
            .rds
            .create_db_cluster()
            .db_cluster_identifier(&identifier)
            .set_engine(opt_str(planned, "engine"))
            .set_engine_mode(opt_str(planned, "engine_mode"))
            .set_engine_version(opt_str(planned, "engine_version"))
            .set_database_name(opt_str(planned, "database_name"))
            .set_master_username(opt_str(planned, "master_username"))
            .set_master_user_password(opt_str(planned, "master_password"))
            .set_db_subnet_group_name(opt_str(planned, "db_subnet_group_name"))
            .set_db_cluster_parameter_group_name(opt_str(planned, "db_cluster_parameter_group_name"))
            .set_storage_encrypted(opt_bool(planned, "storage_encrypted"))
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_storage_type(opt_str(planned, "storage_type"))
            .set_allocated_storage(opt_i32(planned, "allocated_storage"))
            .set_iops(opt_i32(planned, "iops"))
            .set_db_cluster_instance_class(opt_str(planned, "db_cluster_instance_class"))
            .set_port(opt_i32(planned, "port"))
            .set_backup_retention_period(opt_i32(planned, "backup_retention_period"))
            .set_preferred_backup_window(opt_str(planned, "preferred_backup_window"))
            .set_preferred_maintenance_window(opt_str(planned, "preferred_maintenance_window"))
            .set_copy_tags_to_snapshot(opt_bool(planned, "copy_tags_to_snapshot"))
            .set_deletion_protection(opt_bool(planned, "deletion_protection"))
            .set_enable_iam_database_authentication(
                opt_bool(planned, "iam_database_authentication_enabled").filter(|b| *b),
            )
            .set_network_type(opt_str(planned, "network_type"))
            .set_serverless_v2_scaling_configuration(scaling(planned))
            .set_tags(Some(tags_for_create(ctx, planned)));
        let some = |list: &str| Some(str_list(planned, list)).filter(|l| !l.is_empty());
        req = req
            .set_availability_zones(some("availability_zones"))
            .set_vpc_security_group_ids(some("vpc_security_group_ids"))
            .set_enable_cloudwatch_logs_exports(some("enabled_cloudwatch_logs_exports"));
        if managed {
            req = req
                .manage_master_user_password(true)
                .set_master_user_secret_kms_key_id(opt_str(planned, "master_user_secret_kms_key_id"));
        }
        req.send().await.map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(7200));
        self.wait_available(&identifier, false, timeout).await?;
        must_exist(self.read(ctx, &identifier, planned).await?, "DB cluster", &identifier)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(id).await?.map(|c| self.value(&c, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if self.modify(id, prior, planned).await? {
            let now = opt_bool(planned, "apply_immediately") == Some(true);
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(7200));
            self.wait_available(id, now, timeout).await?;
        }
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DB cluster", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let skip = opt_bool(prior, "skip_final_snapshot").unwrap_or(false);
        let snapshot = opt_str(prior, "final_snapshot_identifier");
        if !skip && snapshot.is_none() {
            return Err(ProviderError::msg(
                "final_snapshot_identifier is required when skip_final_snapshot is false",
            ));
        }
        let Some(current) = self.describe(id).await? else {
            return Ok(());
        };
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(7200));
        if current.status() != Some("deleting") {
            // Instances deleted a moment ago still count as members until they are gone.
            let r = retry_while(&["InvalidDBClusterStateFault"], timeout, || async {
                self.c
                    .rds
                    .delete_db_cluster()
                    .db_cluster_identifier(id)
                    .skip_final_snapshot(skip)
                    .set_final_db_snapshot_identifier(if skip { None } else { snapshot.clone() })
                    .delete_automated_backups(opt_bool(prior, "delete_automated_backups").unwrap_or(true))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            })
            .await;
            if absent_on(r, &["DBClusterNotFoundFault"])?.is_none() {
                return Ok(());
            }
        }
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(c) => Poll::pending(c.status().unwrap_or("unknown")),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // DescribeDBClusters lists each cluster's tags: one scan finds this address's.
        if let Some(identifier) = opt_str(planned, "cluster_identifier") {
            return Ok(self
                .describe(&identifier)
                .await?
                .filter(|c| owned(c.tag_list(), ctx))
                .and_then(|c| c.db_cluster_identifier().map(str::to_string)));
        }
        let mut pages = self.c.rds.describe_db_clusters().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(aws_err)?;
            if let Some(c) = page.db_clusters().iter().find(|c| owned(c.tag_list(), ctx)) {
                return Ok(c.db_cluster_identifier().map(str::to_string));
            }
        }
        Ok(None)
    }
}
