//! `aws_db_instance`: one RDS database instance.
//!
//! The id is the instance's resource id (`db-…`), as the provider's since 5.0, so renaming the
//! `identifier` is a change in place; import takes the identifier, as Terraform's does. The
//! master `password` is sensitive and write-only on AWS's side: state keeps its SHA-256 digest
//! (a new value is sent when the digest changes), and with `manage_master_user_password` RDS
//! makes and rotates the password itself in a Secrets Manager secret (`master_user_secret`
//! holds its ARN, never the value). Changes go through ModifyDBInstance, now or at the next
//! maintenance window as `apply_immediately` says, and wait until the instance is available
//! again (and, applied now, has nothing pending), within the `timeouts`. Destroy takes a final
//! snapshot unless `skip_final_snapshot`, and waits until the instance is gone.
//!
//! `timezone` and `nchar_character_set_name` are set at creation only (a change replaces the
//! instance); `engine_lifecycle_support` changes in place. `blue_green_update` is kept in state
//! as configured and checked as the provider checks it; the changes it covers are made with
//! ModifyDBInstance in place, not through a blue/green deployment and switchover (the end state
//! is the same, the short outage the provider avoids is not).
//!
//! With `replicate_source_db` (a same-region identifier or a cross-region ARN) the instance is
//! a read replica, made with CreateDBInstanceReadReplica as the provider makes it: engine,
//! username, database name and storage come from the source (a configured `allocated_storage`
//! is ignored), and the settings that call cannot take (backups, windows, parameter group,
//! password, ...) follow in one ModifyDBInstance once the replica is available, applied
//! immediately. Removing `replicate_source_db` promotes the replica to a standalone instance
//! (PromoteReadReplica, with the configured backup retention and window); naming another
//! source is refused, as the provider refuses it.

use super::instances::{delete, describe, find_owned, wait_available, Deletion};
use super::{
    changed, engine_version, identifier_or_generated, kept, logs_exports_change, lower, managed_password,
    master_secret, opt_i32, password_digest, password_to_send, read_tags, tags_for_create, update_tags, BACKUP_WINDOW,
    LOWER_NAME, MAINTENANCE_WINDOW,
};
use crate::provider::aws::common::{
    aws_err, configured_tags, list_value, must_exist, op_timeout, opt_bool, opt_str, secret_digest, str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, int_in, len_between, matches, not_matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::DbInstance as Instance;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_db_instance` resource type.
pub struct DbInstance {
    c: Arc<Clients>,
    schema: Schema,
}

/// Arguments ModifyDBInstance changes in place (the others replace the instance or are
/// infractl's own settings).
const MODIFIABLE: &[&str] = &[
    "identifier",
    "instance_class",
    "allocated_storage",
    "max_allocated_storage",
    "storage_type",
    "iops",
    "storage_throughput",
    "engine_version",
    "password",
    "manage_master_user_password",
    "master_user_secret_kms_key_id",
    "port",
    "db_subnet_group_name",
    "parameter_group_name",
    "option_group_name",
    "vpc_security_group_ids",
    "publicly_accessible",
    "multi_az",
    "backup_retention_period",
    "backup_window",
    "maintenance_window",
    "copy_tags_to_snapshot",
    "deletion_protection",
    "auto_minor_version_upgrade",
    "iam_database_authentication_enabled",
    "enabled_cloudwatch_logs_exports",
    "performance_insights_enabled",
    "performance_insights_retention_period",
    "performance_insights_kms_key_id",
    "monitoring_interval",
    "monitoring_role_arn",
    "ca_cert_identifier",
    "network_type",
    "license_model",
    "dedicated_log_volume",
    "engine_lifecycle_support",
    "replica_mode",
];

/// What a replica can be (the SDK's `ReplicaMode`).
const REPLICA_MODES: &[&str] = &["open-read-only", "mounted"];

/// Engines a blue/green deployment exists for (the provider's `dbInstanceValidBlueGreenEngines`).
const BLUE_GREEN_ENGINES: &[&str] = &["mariadb", "mysql", "postgres"];

impl DbInstance {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DbInstance {
        let schema = resource("aws_db_instance")
            .arg("identifier")
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
            .arg("engine")
            .force_new()
            .normalized(lower)
            .arg("engine_version")
            .arg("instance_class")
            .arg("allocated_storage")
            .arg("max_allocated_storage")
            .arg("storage_type")
            .check(one_of(&["standard", "gp2", "gp3", "io1", "io2"]))
            .arg("iops")
            .arg("storage_throughput")
            .arg("storage_encrypted")
            .force_new()
            .default(false)
            .arg("kms_key_id")
            .force_new()
            .arg("db_name")
            .force_new()
            .arg("username")
            .force_new()
            .arg("password")
            .normalized(secret_digest)
            .check(len_between(8, 128))
            .arg("manage_master_user_password")
            .arg("master_user_secret_kms_key_id")
            .arg("port")
            .arg("db_subnet_group_name")
            .arg("parameter_group_name")
            .arg("option_group_name")
            .arg("vpc_security_group_ids")
            .arg("publicly_accessible")
            .default(false)
            .arg("multi_az")
            .arg("availability_zone")
            .force_new()
            .arg("backup_retention_period")
            .check(int_between(0, 35))
            .arg("backup_window")
            .check(matches(BACKUP_WINDOW, "hh24:mi-hh24:mi"))
            .arg("maintenance_window")
            .normalized(lower)
            .check(matches(MAINTENANCE_WINDOW, "ddd:hh24:mi-ddd:hh24:mi"))
            .arg("copy_tags_to_snapshot")
            .default(false)
            .arg("delete_automated_backups")
            .default(true)
            .arg("deletion_protection")
            .default(false)
            .arg("skip_final_snapshot")
            .default(false)
            .arg("final_snapshot_identifier")
            .check(matches(
                LOWER_NAME,
                "letters, digits and hyphens, starting with a letter",
            ))
            .check(not_matches(r"--|-$", "no two consecutive hyphens nor a final hyphen"))
            .arg("auto_minor_version_upgrade")
            .default(true)
            .arg("iam_database_authentication_enabled")
            .default(false)
            .arg("enabled_cloudwatch_logs_exports")
            .arg("performance_insights_enabled")
            .default(false)
            .arg("monitoring_interval")
            .default(0)
            .check(int_in(&[0, 1, 5, 10, 15, 30, 60]))
            .arg("network_type")
            .check(one_of(&["IPV4", "DUAL"]))
            .arg("apply_immediately")
            .default(false)
            .arg("dedicated_log_volume")
            .default(false)
            .args(&[
                "allow_major_version_upgrade",
                "performance_insights_retention_period",
                "performance_insights_kms_key_id",
                "monitoring_role_arn",
                "ca_cert_identifier",
                "license_model",
                "character_set_name",
                "tags",
            ])
            .arg("character_set_name")
            .force_new()
            .arg("nchar_character_set_name")
            .force_new()
            .arg("timezone")
            .force_new()
            .arg("engine_lifecycle_support")
            .check(one_of(&[
                "open-source-rds-extended-support",
                "open-source-rds-extended-support-disabled",
            ]))
            .arg("blue_green_update")
            .arg("replicate_source_db")
            .arg("replica_mode")
            .check(one_of(REPLICA_MODES))
            .rule(Rule::Conflicts(&["identifier", "identifier_prefix"]))
            .rule(Rule::Conflicts(&["username", "replicate_source_db"]))
            .rule(Rule::Conflicts(&["password", "manage_master_user_password"]))
            .timeouts(40, 80, 60)
            .build();
        DbInstance { c, schema }
    }

    fn value(&self, i: &Instance, prior: &Value) -> Value {
        let s = |x: Option<&str>| Value::from(x);
        let n = |x: Option<i32>| Value::from(x.map(i64::from));
        let endpoint = i.endpoint();
        let address = endpoint.and_then(|e| e.address());
        let port = endpoint.and_then(|e| e.port()).or(i.db_instance_port());
        let max_storage = match (i.max_allocated_storage(), prior.get("max_allocated_storage")) {
            (Some(m), _) => Value::from(i64::from(m)),
            (None, Value::Number(z)) if *z == 0.0 => Value::from(0i64),
            (None, _) => Value::Null,
        };
        let logs = list_value(i.enabled_cloudwatch_logs_exports().iter().cloned());
        let none = Value::Null;
        Value::object([
            ("id", s(i.dbi_resource_id())),
            ("resource_id", s(i.dbi_resource_id())),
            ("identifier", s(i.db_instance_identifier())),
            ("identifier_prefix", prior.get("identifier_prefix").clone()),
            ("arn", s(i.db_instance_arn())),
            ("status", s(i.db_instance_status())),
            ("engine", s(i.engine())),
            (
                "engine_version",
                engine_version(prior.get("engine_version"), i.engine_version()),
            ),
            ("engine_version_actual", s(i.engine_version())),
            ("instance_class", s(i.db_instance_class())),
            ("allocated_storage", n(i.allocated_storage())),
            ("max_allocated_storage", max_storage),
            ("storage_type", s(i.storage_type())),
            ("iops", n(i.iops())),
            ("storage_throughput", n(i.storage_throughput())),
            ("storage_encrypted", Value::from(i.storage_encrypted())),
            ("kms_key_id", s(i.kms_key_id())),
            ("db_name", s(i.db_name())),
            ("username", s(i.master_username())),
            ("password", password_digest(prior, "password")),
            ("password_wo", none.clone()),
            ("password_wo_version", prior.get("password_wo_version").clone()),
            (
                "manage_master_user_password",
                managed_password(i.master_user_secret(), prior),
            ),
            ("master_user_secret", master_secret(i.master_user_secret())),
            (
                "master_user_secret_kms_key_id",
                s(i.master_user_secret().and_then(|m| m.kms_key_id())),
            ),
            ("address", s(address)),
            ("port", n(port)),
            (
                "endpoint",
                Value::from(address.map(|a| match port {
                    Some(p) => format!("{a}:{p}"),
                    None => a.to_string(),
                })),
            ),
            ("hosted_zone_id", s(endpoint.and_then(|e| e.hosted_zone_id()))),
            (
                "listener_endpoint",
                Value::List(
                    i.listener_endpoint()
                        .map(|e| {
                            Value::object([
                                ("address", s(e.address())),
                                ("hosted_zone_id", s(e.hosted_zone_id())),
                                ("port", n(e.port())),
                            ])
                        })
                        .into_iter()
                        .collect(),
                ),
            ),
            (
                "db_subnet_group_name",
                s(i.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
            ),
            (
                "parameter_group_name",
                s(i.db_parameter_groups()
                    .first()
                    .and_then(|g| g.db_parameter_group_name())),
            ),
            (
                "option_group_name",
                s(i.option_group_memberships().first().and_then(|g| g.option_group_name())),
            ),
            (
                "vpc_security_group_ids",
                list_value(
                    i.vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_string)),
                ),
            ),
            ("publicly_accessible", Value::from(i.publicly_accessible())),
            ("multi_az", Value::from(i.multi_az())),
            ("availability_zone", s(i.availability_zone())),
            ("backup_retention_period", n(i.backup_retention_period())),
            ("backup_window", s(i.preferred_backup_window())),
            ("backup_target", s(i.backup_target())),
            ("maintenance_window", s(i.preferred_maintenance_window())),
            (
                "latest_restorable_time",
                Value::from(i.latest_restorable_time().map(|t| t.to_string())),
            ),
            ("copy_tags_to_snapshot", Value::from(i.copy_tags_to_snapshot())),
            ("deletion_protection", Value::from(i.deletion_protection())),
            (
                "auto_minor_version_upgrade",
                Value::from(i.auto_minor_version_upgrade()),
            ),
            (
                "iam_database_authentication_enabled",
                Value::from(i.iam_database_authentication_enabled()),
            ),
            ("enabled_cloudwatch_logs_exports", logs),
            (
                "performance_insights_enabled",
                Value::from(i.performance_insights_enabled().unwrap_or(false)),
            ),
            (
                "performance_insights_retention_period",
                n(i.performance_insights_retention_period()),
            ),
            (
                "performance_insights_kms_key_id",
                s(i.performance_insights_kms_key_id()),
            ),
            (
                "monitoring_interval",
                Value::from(i64::from(i.monitoring_interval().unwrap_or(0))),
            ),
            ("monitoring_role_arn", s(i.monitoring_role_arn())),
            ("ca_cert_identifier", s(i.ca_certificate_identifier())),
            ("network_type", s(i.network_type())),
            ("license_model", s(i.license_model())),
            ("character_set_name", s(i.character_set_name())),
            ("nchar_character_set_name", s(i.nchar_character_set_name())),
            ("timezone", s(i.timezone())),
            (
                "replicas",
                list_value(i.read_replica_db_instance_identifiers().iter().cloned()),
            ),
            ("replicate_source_db", s(i.read_replica_source_db_instance_identifier())),
            ("replica_mode", s(i.replica_mode().map(|m| m.as_str()))),
            ("engine_lifecycle_support", s(i.engine_lifecycle_support())),
            (
                "database_insights_mode",
                s(i.database_insights_mode().map(|m| m.as_str())),
            ),
            (
                "dedicated_log_volume",
                Value::Bool(i.dedicated_log_volume().unwrap_or(false)),
            ),
            (
                "customer_owned_ip_enabled",
                prior.get("customer_owned_ip_enabled").clone(),
            ),
            (
                "custom_iam_instance_profile",
                prior.get("custom_iam_instance_profile").clone(),
            ),
            ("domain", none.clone()),
            ("domain_auth_secret_arn", none.clone()),
            ("domain_dns_ips", none.clone()),
            ("domain_fqdn", none.clone()),
            ("domain_iam_role_name", none.clone()),
            ("domain_ou", none.clone()),
            ("snapshot_identifier", prior.get("snapshot_identifier").clone()),
            ("upgrade_storage_config", prior.get("upgrade_storage_config").clone()),
            (
                "apply_immediately",
                kept(prior, "apply_immediately", Value::Bool(false)),
            ),
            (
                "allow_major_version_upgrade",
                prior.get("allow_major_version_upgrade").clone(),
            ),
            (
                "skip_final_snapshot",
                kept(prior, "skip_final_snapshot", Value::Bool(false)),
            ),
            (
                "final_snapshot_identifier",
                prior.get("final_snapshot_identifier").clone(),
            ),
            (
                "delete_automated_backups",
                kept(prior, "delete_automated_backups", Value::Bool(true)),
            ),
            // Not on AWS's side: what the blueprint says.
            (
                "blue_green_update",
                match prior.get("blue_green_update") {
                    Value::List(l) => Value::List(l.clone()),
                    _ => Value::List(vec![]),
                },
            ),
            ("restore_to_point_in_time", Value::List(vec![])),
            ("s3_import", Value::List(vec![])),
            ("timeouts", prior.get("timeouts").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(i.tag_list())),
        ])
    }

    /// ModifyDBInstance with the arguments that differ between `prior` and `planned`; false
    /// when nothing needed it.
    async fn modify(&self, identifier: &str, prior: &Value, planned: &Value) -> PResult<bool> {
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
            .modify_db_instance()
            .db_instance_identifier(identifier)
            .apply_immediately(opt_bool(planned, "apply_immediately").unwrap_or(false))
            .set_new_db_instance_identifier(set_str("identifier"))
            .set_db_instance_class(set_str("instance_class"))
            .set_allocated_storage(set_i32("allocated_storage"))
            .set_max_allocated_storage(set_i32("max_allocated_storage"))
            .set_storage_type(set_str("storage_type"))
            .set_iops(set_i32("iops"))
            .set_storage_throughput(set_i32("storage_throughput"))
            .set_engine_version(set_str("engine_version"))
            .set_allow_major_version_upgrade(opt_bool(planned, "allow_major_version_upgrade"))
            .set_db_port_number(set_i32("port"))
            .set_db_subnet_group_name(set_str("db_subnet_group_name"))
            .set_db_parameter_group_name(set_str("parameter_group_name"))
            .set_option_group_name(set_str("option_group_name"))
            .set_publicly_accessible(set_bool("publicly_accessible"))
            .set_multi_az(set_bool("multi_az"))
            .set_backup_retention_period(set_i32("backup_retention_period"))
            .set_preferred_backup_window(set_str("backup_window"))
            .set_preferred_maintenance_window(set_str("maintenance_window"))
            .set_copy_tags_to_snapshot(set_bool("copy_tags_to_snapshot"))
            .set_deletion_protection(set_bool("deletion_protection"))
            .set_auto_minor_version_upgrade(set_bool("auto_minor_version_upgrade"))
            .set_enable_iam_database_authentication(set_bool("iam_database_authentication_enabled"))
            .set_enable_performance_insights(set_bool("performance_insights_enabled"))
            .set_performance_insights_retention_period(set_i32("performance_insights_retention_period"))
            .set_performance_insights_kms_key_id(set_str("performance_insights_kms_key_id"))
            .set_monitoring_interval(set_i32("monitoring_interval"))
            .set_monitoring_role_arn(set_str("monitoring_role_arn"))
            .set_ca_certificate_identifier(set_str("ca_cert_identifier"))
            .set_network_type(set_str("network_type"))
            .set_license_model(set_str("license_model"))
            .set_dedicated_log_volume(set_bool("dedicated_log_volume"))
            .set_engine_lifecycle_support(set_str("engine_lifecycle_support"))
            .set_replica_mode(set_str("replica_mode").map(|m| m.as_str().into()));
        if changed("vpc_security_group_ids") {
            req = req.set_vpc_security_group_ids(Some(str_list(planned, "vpc_security_group_ids")));
        }
        if changed("manage_master_user_password") || changed("master_user_secret_kms_key_id") {
            let managed = opt_bool(planned, "manage_master_user_password").unwrap_or(false);
            req = req.manage_master_user_password(managed);
            if managed {
                req = req.set_master_user_secret_kms_key_id(opt_str(planned, "master_user_secret_kms_key_id"));
            }
        }
        if changed("password") {
            // A digest is what state carried over, not a password to send.
            if let Some(p) = password_to_send(planned, "password") {
                req = req.master_user_password(p);
            }
        }
        if changed("enabled_cloudwatch_logs_exports") {
            req = req.cloudwatch_logs_export_configuration(logs_exports_change(prior, planned));
        }
        req.send().await.map_err(aws_err)?;
        Ok(true)
    }

    /// Creates a read replica of `source` (CreateDBInstanceReadReplica), waits until it is
    /// available, then sends in one ModifyDBInstance (applied now) the settings that call
    /// cannot take and that differ from what the replica was given, rebooting it for a new
    /// parameter group, as the provider does. Arguments the provider leaves out when they are
    /// zero, empty or false are left out here too. Returns the replica's resource id.
    async fn create_replica(&self, ctx: &CallCtx, planned: &Value, identifier: &str, source: &str) -> PResult<String> {
        let int = |k: &str| opt_i32(planned, k).filter(|n| *n != 0);
        let text = |k: &str| opt_str(planned, k).filter(|s| !s.is_empty());
        let yes = |k: &str| opt_bool(planned, k).filter(|b| *b);
        let mut req = self
            .c
            .rds
            .create_db_instance_read_replica()
            .db_instance_identifier(identifier)
            .source_db_instance_identifier(source)
            .set_db_instance_class(opt_str(planned, "instance_class"))
            .auto_minor_version_upgrade(opt_bool(planned, "auto_minor_version_upgrade").unwrap_or(true))
            .copy_tags_to_snapshot(opt_bool(planned, "copy_tags_to_snapshot").unwrap_or(false))
            .deletion_protection(opt_bool(planned, "deletion_protection").unwrap_or(false))
            .publicly_accessible(opt_bool(planned, "publicly_accessible").unwrap_or(false))
            .set_availability_zone(text("availability_zone"))
            .set_custom_iam_instance_profile(text("custom_iam_instance_profile"))
            .set_db_subnet_group_name(text("db_subnet_group_name"))
            .set_dedicated_log_volume(yes("dedicated_log_volume"))
            .set_enable_iam_database_authentication(yes("iam_database_authentication_enabled"))
            .set_iops(int("iops"))
            .set_monitoring_interval(int("monitoring_interval"))
            .set_monitoring_role_arn(text("monitoring_role_arn"))
            .set_multi_az(yes("multi_az"))
            .set_network_type(text("network_type"))
            .set_option_group_name(text("option_group_name"))
            .set_enable_performance_insights(yes("performance_insights_enabled"))
            .set_performance_insights_kms_key_id(text("performance_insights_kms_key_id"))
            .set_performance_insights_retention_period(int("performance_insights_retention_period"))
            .set_port(int("port"))
            .set_replica_mode(text("replica_mode").map(|m| m.as_str().into()))
            .set_storage_throughput(int("storage_throughput"))
            .set_storage_type(text("storage_type"))
            .set_tags(Some(tags_for_create(ctx, planned)));
        if let Some(key) = text("kms_key_id") {
            // A cross-region encrypted replica needs no pre-signed URL outside GovCloud (the API
            // reference: `PreSignedUrl` "is ignored in other Amazon Web Services Regions"), and
            // the Rust SDK has no `SourceRegion` customization to make one.
            req = req.kms_key_id(key);
        }
        let logs = str_list(planned, "enabled_cloudwatch_logs_exports");
        if !logs.is_empty() {
            req = req.set_enable_cloudwatch_logs_exports(Some(logs));
        }
        let groups = str_list(planned, "vpc_security_group_ids");
        if !groups.is_empty() {
            req = req.set_vpc_security_group_ids(Some(groups));
        }
        let out = req.send().await.map_err(aws_err)?;
        let made = out
            .db_instance()
            .cloned()
            .unwrap_or_else(|| Instance::builder().build());
        let id = made.dbi_resource_id().unwrap_or(identifier).to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(2400));
        wait_available(&self.c.rds, &id, false, timeout).await?;

        let differs_i32 = |k: &str, current: Option<i32>| int(k).filter(|d| Some(*d) != current);
        let differs_str = |k: &str, current: Option<&str>| text(k).filter(|d| Some(d.as_str()) != current);
        let parameter_group = made
            .db_parameter_groups()
            .first()
            .and_then(|g| g.db_parameter_group_name())
            .and_then(|current| differs_str("parameter_group_name", Some(current)));
        let mut modify = self
            .c
            .rds
            .modify_db_instance()
            .db_instance_identifier(identifier)
            .apply_immediately(true)
            .set_backup_retention_period(differs_i32("backup_retention_period", made.backup_retention_period()))
            .set_preferred_backup_window(differs_str("backup_window", made.preferred_backup_window()))
            .set_ca_certificate_identifier(differs_str("ca_cert_identifier", made.ca_certificate_identifier()))
            .set_preferred_maintenance_window(differs_str("maintenance_window", made.preferred_maintenance_window()))
            .set_max_allocated_storage(differs_i32("max_allocated_storage", made.max_allocated_storage()))
            .set_db_parameter_group_name(parameter_group.clone())
            .set_replica_mode(text("replica_mode").map(|m| m.as_str().into()));
        let mut needed = differs_i32("backup_retention_period", made.backup_retention_period()).is_some()
            || differs_str("backup_window", made.preferred_backup_window()).is_some()
            || differs_str("ca_cert_identifier", made.ca_certificate_identifier()).is_some()
            || differs_str("maintenance_window", made.preferred_maintenance_window()).is_some()
            || differs_i32("max_allocated_storage", made.max_allocated_storage()).is_some()
            || parameter_group.is_some()
            || text("replica_mode").is_some();
        if yes("manage_master_user_password").is_some() {
            modify = modify
                .manage_master_user_password(true)
                .set_master_user_secret_kms_key_id(text("master_user_secret_kms_key_id"));
            needed = true;
        }
        if let Some(p) = password_to_send(planned, "password") {
            modify = modify.master_user_password(p);
            needed = true;
        }
        if needed {
            // Allowing a major upgrade is sent only beside a real change (alone it is refused).
            modify = modify.set_allow_major_version_upgrade(yes("allow_major_version_upgrade"));
            modify.send().await.map_err(aws_err)?;
            wait_available(&self.c.rds, &id, true, timeout).await?;
        }
        if parameter_group.is_some() {
            self.c
                .rds
                .reboot_db_instance()
                .db_instance_identifier(identifier)
                .send()
                .await
                .map_err(aws_err)?;
            wait_available(&self.c.rds, &id, false, timeout).await?;
        }
        Ok(id)
    }

    /// Makes a replica a standalone instance (PromoteReadReplica with the configured backup
    /// retention and window) and waits until it is available again.
    async fn promote(&self, id: &str, identifier: &str, planned: &Value) -> PResult<()> {
        self.c
            .rds
            .promote_read_replica()
            .db_instance_identifier(identifier)
            .backup_retention_period(opt_i32(planned, "backup_retention_period").unwrap_or(0))
            .set_preferred_backup_window(opt_str(planned, "backup_window").filter(|w| !w.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(4800));
        wait_available(&self.c.rds, id, false, timeout).await
    }
}

#[async_trait]
impl ResourceType for DbInstance {
    fn check_config(&self, config: &Value) -> Result<(), String> {
        let enabled = config
            .get("blue_green_update")
            .as_list()
            .and_then(|l| l.first())
            .and_then(|b| b.get("enabled").as_bool())
            == Some(true);
        if !enabled {
            return Ok(());
        }
        if let Some(engine) = config.get("engine").as_str() {
            if !BLUE_GREEN_ENGINES.contains(&engine) {
                return Err(format!(
                    "\"blue_green_update.enabled\" cannot be set when \"engine\" is {engine:?}."
                ));
            }
        }
        if config
            .get("replicate_source_db")
            .as_str()
            .is_some_and(|s| !s.is_empty())
        {
            return Err("\"blue_green_update.enabled\" cannot be set when \"replicate_source_db\" is set.".into());
        }
        Ok(())
    }

    fn type_name(&self) -> &'static str {
        "aws_db_instance"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let identifier = identifier_or_generated(planned, "identifier", "terraform-");
        if let Some(source) = opt_str(planned, "replicate_source_db").filter(|s| !s.is_empty()) {
            let id = self.create_replica(ctx, planned, &identifier, &source).await?;
            return must_exist(self.read(ctx, &id, planned).await?, "DB instance", &id);
        }
        let managed = opt_bool(planned, "manage_master_user_password") == Some(true);
        let password = opt_str(planned, "password");
        if !managed && password.is_none() {
            return Err(ProviderError::msg(
                "a DB instance needs password or manage_master_user_password = true",
            ));
        }
        let mut req = self
            .c
            .rds
            .create_db_instance()
            .db_instance_identifier(&identifier)
            .set_engine(opt_str(planned, "engine"))
            .set_engine_version(opt_str(planned, "engine_version"))
            .set_db_instance_class(opt_str(planned, "instance_class"))
            .set_allocated_storage(opt_i32(planned, "allocated_storage"))
            .set_max_allocated_storage(opt_i32(planned, "max_allocated_storage").filter(|m| *m > 0))
            .set_storage_type(opt_str(planned, "storage_type"))
            .set_iops(opt_i32(planned, "iops"))
            .set_storage_throughput(opt_i32(planned, "storage_throughput"))
            .set_storage_encrypted(opt_bool(planned, "storage_encrypted"))
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_db_name(opt_str(planned, "db_name"))
            .set_master_username(opt_str(planned, "username"))
            .set_master_user_password(password)
            .set_port(opt_i32(planned, "port"))
            .set_db_subnet_group_name(opt_str(planned, "db_subnet_group_name"))
            .set_db_parameter_group_name(opt_str(planned, "parameter_group_name"))
            .set_option_group_name(opt_str(planned, "option_group_name"))
            .set_publicly_accessible(opt_bool(planned, "publicly_accessible"))
            .set_multi_az(opt_bool(planned, "multi_az"))
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_backup_retention_period(opt_i32(planned, "backup_retention_period"))
            .set_preferred_backup_window(opt_str(planned, "backup_window"))
            .set_preferred_maintenance_window(opt_str(planned, "maintenance_window"))
            .set_copy_tags_to_snapshot(opt_bool(planned, "copy_tags_to_snapshot"))
            .set_deletion_protection(opt_bool(planned, "deletion_protection"))
            .set_auto_minor_version_upgrade(opt_bool(planned, "auto_minor_version_upgrade"))
            .set_enable_iam_database_authentication(opt_bool(planned, "iam_database_authentication_enabled"))
            .set_enable_performance_insights(opt_bool(planned, "performance_insights_enabled"))
            .set_performance_insights_retention_period(opt_i32(planned, "performance_insights_retention_period"))
            .set_performance_insights_kms_key_id(opt_str(planned, "performance_insights_kms_key_id"))
            .set_monitoring_interval(opt_i32(planned, "monitoring_interval"))
            .set_monitoring_role_arn(opt_str(planned, "monitoring_role_arn"))
            .set_ca_certificate_identifier(opt_str(planned, "ca_cert_identifier"))
            .set_network_type(opt_str(planned, "network_type"))
            .set_license_model(opt_str(planned, "license_model"))
            .set_character_set_name(opt_str(planned, "character_set_name"))
            .set_nchar_character_set_name(opt_str(planned, "nchar_character_set_name"))
            .set_timezone(opt_str(planned, "timezone"))
            .set_engine_lifecycle_support(opt_str(planned, "engine_lifecycle_support"))
            .set_dedicated_log_volume(opt_bool(planned, "dedicated_log_volume").filter(|d| *d))
            .set_tags(Some(tags_for_create(ctx, planned)));
        let groups = str_list(planned, "vpc_security_group_ids");
        if !groups.is_empty() {
            req = req.set_vpc_security_group_ids(Some(groups));
        }
        let logs = str_list(planned, "enabled_cloudwatch_logs_exports");
        if !logs.is_empty() {
            req = req.set_enable_cloudwatch_logs_exports(Some(logs));
        }
        if managed {
            req = req
                .manage_master_user_password(true)
                .set_master_user_secret_kms_key_id(opt_str(planned, "master_user_secret_kms_key_id"));
        }
        let out = req.send().await.map_err(aws_err)?;
        let id = out
            .db_instance()
            .and_then(|i| i.dbi_resource_id())
            .map(str::to_string)
            .unwrap_or_else(|| identifier.clone());
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(2400));
        wait_available(&self.c.rds, &id, false, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "DB instance", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(describe(&self.c.rds, id).await?.map(|i| self.value(&i, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let identifier = opt_str(prior, "identifier").unwrap_or_else(|| id.to_string());
        if changed(prior, planned, "replicate_source_db") {
            match opt_str(planned, "replicate_source_db").filter(|s| !s.is_empty()) {
                None => self.promote(id, &identifier, planned).await?,
                Some(_) => return Err(ProviderError::msg("cannot elect new source database for replication")),
            }
        }
        if self.modify(&identifier, prior, planned).await? {
            let now = opt_bool(planned, "apply_immediately") == Some(true);
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(4800));
            wait_available(&self.c.rds, id, now, timeout).await?;
        }
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        update_tags(&self.c.rds, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DB instance", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(current) = describe(&self.c.rds, id).await? else {
            return Ok(());
        };
        let skip = opt_bool(prior, "skip_final_snapshot").unwrap_or(false);
        let snapshot = opt_str(prior, "final_snapshot_identifier");
        if !skip && snapshot.is_none() {
            return Err(ProviderError::msg(
                "final_snapshot_identifier is required when skip_final_snapshot is false",
            ));
        }
        let how = Deletion {
            skip_final_snapshot: skip,
            final_snapshot_identifier: snapshot,
            delete_automated_backups: Some(opt_bool(prior, "delete_automated_backups").unwrap_or(true)),
            timeout: op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(3600)),
        };
        delete(&self.c.rds, &current, id, how).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned(&self.c.rds, opt_str(planned, "identifier"), ctx).await?;
        Ok(found.and_then(|i| i.dbi_resource_id().map(str::to_string)))
    }
}
