//! RDS resources (DB instances and the IAM roles associated with them, Aurora clusters and
//! their instances, subnet, parameter and option groups), and the helpers they share: RDS tags
//! every object by ARN (and lists tags beside instances and clusters), and instances and
//! clusters keep master credentials, engine versions and windows alike.

pub mod automated_backups_replication;
pub mod cluster;
pub mod cluster_instance;
pub mod db_instance;
pub mod instance_role_association;
pub mod instances;
pub mod option_group;
pub mod parameter_group;
pub mod subnet_group;

use super::common::{aws_err, owns, secret_digest, sync_tags, tags_to_write, user_tags};
use crate::provider::{CallCtx, PResult};
use crate::value::Value;
use aws_sdk_rds::types::{CloudwatchLogsExportConfiguration, MasterUserSecret, Tag};

/// Tags to attach at creation: the user's `tags_all` plus infractl's stack and address tags,
/// so that a create whose outcome was lost can be found again.
pub fn tags_for_create(ctx: &CallCtx, planned: &Value) -> Vec<Tag> {
    tags_to_write(ctx, planned)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Key/value pairs of RDS tags.
fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `tags_all` from RDS tags (infractl's own left out).
pub fn read_tags(tags: &[Tag]) -> Value {
    user_tags(pairs(tags))
}

/// True when the tags say this stack created the object for this address.
pub fn owned(tags: &[Tag], ctx: &CallCtx) -> bool {
    let p = pairs(tags);
    owns(p.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
}

/// The tags of an object, by ARN.
pub async fn list_tags(rds: &aws_sdk_rds::Client, arn: &str) -> PResult<Vec<Tag>> {
    let out = rds
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.tag_list().to_vec())
}

/// Brings an object's tags from `prior.tags_all` to `planned.tags_all`.
pub async fn update_tags(rds: &aws_sdk_rds::Client, arn: &str, prior: &Value, planned: &Value) -> PResult<()> {
    sync_tags(
        prior,
        planned,
        |keys| async move {
            let r = rds
                .remove_tags_from_resource()
                .resource_name(arn)
                .set_tag_keys(Some(keys))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
        |add| async move {
            let tags = add
                .into_iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect();
            let r = rds
                .add_tags_to_resource()
                .resource_name(arn)
                .set_tags(Some(tags))
                .send()
                .await;
            r.map(|_| ()).map_err(aws_err)
        },
    )
    .await
}

/// A value kept from the prior state for an argument AWS does not report (how to delete, how
/// to apply changes); the provider's default when there is no prior (after an import).
pub fn kept(prior: &Value, name: &str, default: Value) -> Value {
    match prior.get(name) {
        Value::Null | Value::Unknown => default,
        v => v.clone(),
    }
}

/// What RDS names may hold: DB identifiers, subnet and parameter group names start with a
/// letter and hold lowercase letters, digits and hyphens.
pub const LOWER_NAME: &str = r"^[a-z][a-z0-9-]*$";

/// What a backup window looks like (`hh24:mi-hh24:mi`, UTC).
pub const BACKUP_WINDOW: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$";

/// What a maintenance window looks like (`ddd:hh24:mi-ddd:hh24:mi`, any case).
pub const MAINTENANCE_WINDOW: &str = r"^(?i)(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$";

/// The shared number helper, under the name this module's code uses.
pub use crate::provider::aws::common::opt_i32;

/// Lower case, as RDS reports engines and maintenance windows whatever case they were given in.
pub fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// The engine version state records: the configured one when it names the running one (`16`
/// for `16.3`, as the provider lets a major or minor version stand for its latest), else AWS's.
pub fn engine_version(configured: &Value, actual: Option<&str>) -> Value {
    match (configured.as_str(), actual) {
        (Some(c), Some(a)) if a == c || a.starts_with(&format!("{c}.")) => Value::str(c),
        (_, a) => Value::from(a),
    }
}

/// `master_user_secret`: the Secrets Manager secret RDS keeps a managed master password in
/// (its ARN, key and status; never the value), empty when RDS does not manage the password.
pub fn master_secret(m: Option<&MasterUserSecret>) -> Value {
    let s = |x: Option<&str>| Value::from(x);
    Value::List(
        m.map(|m| {
            Value::object([
                ("kms_key_id", s(m.kms_key_id())),
                ("secret_arn", s(m.secret_arn())),
                ("secret_status", s(m.secret_status())),
            ])
        })
        .into_iter()
        .collect(),
    )
}

/// `manage_master_user_password` as read: true when RDS reports a managed secret, else what
/// the prior state said (AWS has no "false" to report).
pub fn managed_password(m: Option<&MasterUserSecret>, prior: &Value) -> Value {
    match (m, prior.get("manage_master_user_password")) {
        (Some(_), _) => Value::Bool(true),
        (None, Value::Bool(b)) => Value::Bool(*b),
        (None, _) => Value::Null,
    }
}

/// A master password as state keeps it: the digest of the prior value, never the value (AWS
/// never returns it, so this is all a read can say).
pub fn password_digest(prior: &Value, name: &str) -> Value {
    match prior.get(name) {
        Value::String(p) => Value::str(secret_digest(p)),
        _ => Value::Null,
    }
}

/// The master password to send: the configured one, unless it is the digest state carried
/// over (nothing new to send).
pub fn password_to_send(planned: &Value, name: &str) -> Option<String> {
    super::common::opt_str(planned, name).filter(|p| secret_digest(p) != *p)
}

/// Whether an argument changed between `prior` and `planned`, as RDS compares it: passwords by
/// digest, windows and versions without case, sets of strings without order.
pub fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get(name), planned.get(name)) {
        (Value::String(a), Value::String(b)) if name.contains("password") => secret_digest(a) != secret_digest(b),
        (Value::String(a), Value::String(b)) if name.ends_with("window") || name == "engine_version" => {
            !a.eq_ignore_ascii_case(b)
        }
        (Value::List(a), Value::List(b)) => a.len() != b.len() || a.iter().any(|x| !b.contains(x)),
        (a, b) => a != b,
    }
}

/// The identifier to create an instance or cluster with: the configured one (`key`), else
/// `<key>_prefix` (or the provider's `default_prefix`) and 26 unique characters, as the provider
/// generates it.
pub fn identifier_or_generated(planned: &Value, key: &str, default_prefix: &str) -> String {
    if let Some(i) = super::common::opt_str(planned, key) {
        return i;
    }
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let prefix = super::common::opt_str(planned, &format!("{key}_prefix")).unwrap_or_else(|| default_prefix.into());
    format!("{prefix}{}", &unique[..26])
}

/// The CloudWatch Logs exports to switch on and off between `prior` and `planned`.
pub fn logs_exports_change(prior: &Value, planned: &Value) -> CloudwatchLogsExportConfiguration {
    let old = super::common::str_list(prior, "enabled_cloudwatch_logs_exports");
    let new = super::common::str_list(planned, "enabled_cloudwatch_logs_exports");
    CloudwatchLogsExportConfiguration::builder()
        .set_enable_log_types(Some(new.iter().filter(|x| !old.contains(x)).cloned().collect()))
        .set_disable_log_types(Some(old.iter().filter(|x| !new.contains(x)).cloned().collect()))
        .build()
}

/// The engines an Aurora or Multi-AZ cluster and its instances take (the provider's list), and
/// RDS Custom's `custom-…` engines.
pub fn cluster_engine() -> crate::schema::validators::Validator {
    use crate::schema::validators::{any_of, matches, one_of};
    any_of(vec![
        one_of(&["aurora-mysql", "aurora-postgresql", "mysql", "postgres"]),
        matches(r"^custom-", "an engine starting with custom-"),
    ])
}
