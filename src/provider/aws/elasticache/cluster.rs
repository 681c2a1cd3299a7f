//! `aws_elasticache_cluster`: a Memcached cluster of up to 40 nodes, or a single-node Redis OSS
//! or Valkey cluster (standalone, or a read replica joining a replication group).
//!
//! As in the provider: the id is the cluster id in lowercase (ElastiCache lowercases it), the
//! read asks for node details so `cache_nodes`, `cluster_address` and `port` are known, and
//! changes go through one ModifyCacheCluster followed by a wait for `available`. Node count,
//! node type and engine version changes are applied at the next maintenance window unless
//! `apply_immediately` is set, as ElastiCache does; until then a plan shows them again. For
//! Redis OSS 6 and later and for Valkey, `engine_version` records `major.minor` (or `6.x` when
//! written so) and `engine_version_actual` the patch level running.

use super::{pairs, tag, tags, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, must_exist, op_timeout, opt_i32, opt_str, owns, retry_while,
    set_differs, str_list, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::rds::{BACKUP_WINDOW, MAINTENANCE_WINDOW};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_at_most, len_between, matches, not_matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticache::types::{
    AzMode, CacheCluster, CloudWatchLogsDestinationDetails, DestinationDetails, DestinationType, IpDiscovery,
    KinesisFirehoseDestinationDetails, LogDeliveryConfiguration, LogDeliveryConfigurationRequest, LogFormat, LogType,
    NetworkType, OutpostMode,
};
use aws_sdk_elasticache::Client;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_elasticache_cluster` resource type.
pub struct Cluster {
    c: Arc<Clients>,
    schema: Schema,
}

/// What `replication_group_id` conflicts with: a member takes these from its group.
const FROM_GROUP: &[Rule] = &[
    Rule::Conflicts(&["replication_group_id", "az_mode"]),
    Rule::Conflicts(&["replication_group_id", "engine_version"]),
    Rule::Conflicts(&["replication_group_id", "maintenance_window"]),
    Rule::Conflicts(&["replication_group_id", "node_type"]),
    Rule::Conflicts(&["replication_group_id", "notification_topic_arn"]),
    Rule::Conflicts(&["replication_group_id", "num_cache_nodes"]),
    Rule::Conflicts(&["replication_group_id", "parameter_group_name"]),
    Rule::Conflicts(&["replication_group_id", "port"]),
    Rule::Conflicts(&["replication_group_id", "security_group_ids"]),
    Rule::Conflicts(&["replication_group_id", "snapshot_arns"]),
    Rule::Conflicts(&["replication_group_id", "snapshot_name"]),
    Rule::Conflicts(&["replication_group_id", "snapshot_retention_limit"]),
    Rule::Conflicts(&["replication_group_id", "snapshot_window"]),
    Rule::Conflicts(&["replication_group_id", "subnet_group_name"]),
];

/// Arguments ModifyCacheCluster changes; any of them changing sends one.
const MODIFIABLE: &[&str] = &[
    "security_group_ids",
    "parameter_group_name",
    "ip_discovery",
    "log_delivery_configuration",
    "maintenance_window",
    "notification_topic_arn",
    "engine",
    "engine_version",
    "auto_minor_version_upgrade",
    "snapshot_window",
    "node_type",
    "snapshot_retention_limit",
    "az_mode",
    "num_cache_nodes",
];

/// States a cluster passes through on its way to `available` (the provider's pending list).
const SETTLING: &[&str] = &["creating", "modifying", "snapshotting", "rebooting cluster nodes"];

fn lowercase(s: &str) -> String {
    s.to_lowercase()
}

impl Cluster {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Cluster {
        let mut decl = resource("aws_elasticache_cluster")
            .arg("cluster_id")
            .force_new()
            .normalized(lowercase)
            .check(len_between(1, 50))
            .check(matches(
                r"^[0-9a-z-]+$",
                "only lowercase alphanumeric characters and hyphens",
            ))
            .check(matches(r"^[a-z]", "beginning with a lowercase letter"))
            .check(not_matches(r"--", "no two consecutive hyphens"))
            .check(not_matches(r"-$", "no final hyphen"))
            .arg("engine")
            .force_new()
            .check(one_of(&["memcached", "redis", "valkey"]))
            .arg("replication_group_id")
            .force_new()
            .check(len_between(1, 40))
            .check(matches(r"^[0-9a-zA-Z-]+$", "only alphanumeric characters and hyphens"))
            .check(matches(r"^[A-Za-z]", "beginning with a letter"))
            .check(not_matches(r"--", "no two consecutive hyphens"))
            .check(not_matches(r"-$", "no final hyphen"))
            .arg("auto_minor_version_upgrade")
            .default("true")
            .check(matches(
                r"^(|1|0|t|f|T|F|true|false|TRUE|FALSE|True|False)$",
                "a boolean as a string",
            ))
            .arg("availability_zone")
            .force_new()
            .arg("az_mode")
            .check(one_of(&["single-az", "cross-az"]))
            .arg("ip_discovery")
            .check(one_of(&["ipv4", "ipv6"]))
            .arg("network_type")
            .force_new()
            .check(one_of(&["ipv4", "ipv6", "dual_stack"]))
            .arg("log_delivery_configuration")
            .arg("log_delivery_configuration.destination_type")
            .check(one_of(&["cloudwatch-logs", "kinesis-firehose"]))
            .arg("log_delivery_configuration.log_format")
            .check(one_of(&["text", "json"]))
            .arg("log_delivery_configuration.log_type")
            .check(one_of(&["slow-log", "engine-log"]))
            .arg("maintenance_window")
            .normalized(lowercase)
            .check(matches(MAINTENANCE_WINDOW, "ddd:hh24:mi-ddd:hh24:mi"))
            .arg("snapshot_window")
            .check(matches(BACKUP_WINDOW, "hh24:mi-hh24:mi"))
            .arg("snapshot_retention_limit")
            .check(int_at_most(35))
            .arg("outpost_mode")
            .force_new()
            .check(one_of(&["single-outpost", "cross-outpost"]))
            .arg("preferred_outpost_arn")
            .force_new()
            .check(arn())
            .arg("port")
            .force_new()
            .arg("snapshot_arns")
            .force_new()
            .arg("snapshot_name")
            .force_new()
            .arg("subnet_group_name")
            .force_new()
            .arg("transit_encryption_enabled")
            .force_new()
            .args(&[
                "apply_immediately",
                "engine_version",
                "final_snapshot_identifier",
                "node_type",
                "notification_topic_arn",
                "num_cache_nodes",
                "parameter_group_name",
                "preferred_availability_zones",
                "security_group_ids",
                "tags",
            ])
            .rule(Rule::ExactlyOne(&["engine", "replication_group_id"]))
            .rule(Rule::RequiredWith("outpost_mode", &["preferred_outpost_arn"]))
            .timeouts(40, 80, 40);
        for rule in FROM_GROUP {
            decl = decl.rule(rule.clone());
        }
        Cluster {
            c,
            schema: decl.build(),
        }
    }

    /// The cluster as state records it, with its node details and tags; `None` when gone.
    /// The data source reads through this too.
    pub async fn read_with_tags(&self, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(c) = self.describe(id).await? else {
            return Ok(None);
        };
        let tags = match c.arn() {
            Some(arn) => tags(&self.c.elasticache, arn).await?,
            None => Vec::new(),
        };
        let tags = user_tags(pairs(&tags).map(|(k, v)| (k.to_string(), v.to_string())));
        Ok(Some(self.value(&c, tags, prior)))
    }

    async fn describe(&self, id: &str) -> PResult<Option<CacheCluster>> {
        describe(&self.c.elasticache, id, true).await
    }

    async fn wait_available(&self, id: &str, timeout: Duration) -> PResult<()> {
        let client = &self.c.elasticache;
        wait_for(
            Wait::new(format!("ElastiCache cluster {id}"), "available", timeout),
            || async move {
                let c = describe(client, id, false).await?;
                let status = c.as_ref().and_then(|c| c.cache_cluster_status()).unwrap_or("missing");
                if status == "available" {
                    return Ok(Poll::Ready(()));
                }
                if c.is_some() && !SETTLING.contains(&status) {
                    return Err(ProviderError::msg(format!(
                        "ElastiCache cluster {id} is {status}, not available"
                    )));
                }
                Ok(Poll::pending(status))
            },
        )
        .await
    }

    fn value(&self, c: &CacheCluster, tags: Value, prior: &Value) -> Value {
        let s = |x: Option<&str>| Value::from(x);
        let n = |x: Option<i32>| Value::from(x.map(i64::from));
        let keep = |k: &str| match prior.get(k) {
            Value::Unknown => Value::Null,
            v => v.clone(),
        };
        let engine = c.engine().unwrap_or_default();
        let actual = c.engine_version();
        let mut nodes: Vec<_> = c.cache_nodes().iter().collect();
        nodes.sort_by_key(|n| n.cache_node_id().unwrap_or_default().to_string());
        let config = c.configuration_endpoint();
        let port = config
            .and_then(|e| e.port())
            .or_else(|| nodes.first().and_then(|n| n.endpoint()).and_then(|e| e.port()));
        let zone = c.preferred_availability_zone();
        let topic = c
            .notification_configuration()
            .filter(|t| t.topic_status() == Some("active"))
            .and_then(|t| t.topic_arn());
        Value::object([
            ("id", s(c.cache_cluster_id())),
            ("cluster_id", s(c.cache_cluster_id())),
            ("arn", s(c.arn())),
            ("apply_immediately", keep("apply_immediately")),
            (
                "auto_minor_version_upgrade",
                Value::str(c.auto_minor_version_upgrade().unwrap_or(false).to_string()),
            ),
            ("availability_zone", s(zone)),
            (
                "az_mode",
                Value::str(if zone == Some("Multiple") {
                    "cross-az"
                } else {
                    "single-az"
                }),
            ),
            (
                "cache_nodes",
                Value::List(
                    nodes
                        .iter()
                        .map(|node| {
                            let e = node.endpoint();
                            Value::object([
                                ("id", s(node.cache_node_id())),
                                ("address", s(e.and_then(|e| e.address()))),
                                ("port", n(e.and_then(|e| e.port()))),
                                ("availability_zone", s(node.customer_availability_zone())),
                                (
                                    "outpost_arn",
                                    Value::str(node.customer_outpost_arn().unwrap_or_default()),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("cluster_address", s(config.and_then(|e| e.address()))),
            (
                "configuration_endpoint",
                Value::from(
                    config.map(|e| format!("{}:{}", e.address().unwrap_or_default(), e.port().unwrap_or_default())),
                ),
            ),
            ("engine", s(c.engine())),
            (
                "engine_version",
                engine_version(engine, prior.get("engine_version"), actual),
            ),
            ("engine_version_actual", s(actual)),
            ("final_snapshot_identifier", keep("final_snapshot_identifier")),
            ("ip_discovery", s(c.ip_discovery().map(|x| x.as_str()))),
            (
                "log_delivery_configuration",
                Value::List(c.log_delivery_configurations().iter().map(log_delivery).collect()),
            ),
            ("maintenance_window", s(c.preferred_maintenance_window())),
            ("network_type", s(c.network_type().map(|x| x.as_str()))),
            ("node_type", s(c.cache_node_type())),
            ("notification_topic_arn", s(topic)),
            ("num_cache_nodes", n(c.num_cache_nodes())),
            ("outpost_mode", keep("outpost_mode")),
            (
                "parameter_group_name",
                s(c.cache_parameter_group().and_then(|g| g.cache_parameter_group_name())),
            ),
            ("port", n(port)),
            ("preferred_availability_zones", keep("preferred_availability_zones")),
            ("preferred_outpost_arn", s(c.preferred_outpost_arn())),
            ("replication_group_id", s(c.replication_group_id())),
            (
                "security_group_ids",
                Value::List(
                    c.security_groups()
                        .iter()
                        .filter_map(|g| g.security_group_id())
                        .map(Value::str)
                        .collect(),
                ),
            ),
            ("snapshot_arns", keep("snapshot_arns")),
            ("snapshot_name", keep("snapshot_name")),
            ("snapshot_retention_limit", n(c.snapshot_retention_limit())),
            ("snapshot_window", s(c.snapshot_window())),
            ("subnet_group_name", s(c.cache_subnet_group_name())),
            (
                "transit_encryption_enabled",
                Value::from(c.transit_encryption_enabled()),
            ),
            ("timeouts", keep("timeouts")),
            ("tags", configured_tags(prior)),
            ("tags_all", tags),
        ])
    }
}

/// One cluster, `None` when ElastiCache no longer knows it; `nodes` asks for node details.
async fn describe(client: &Client, id: &str, nodes: bool) -> PResult<Option<CacheCluster>> {
    let id = id.to_lowercase();
    let out = absent_on(
        client
            .describe_cache_clusters()
            .cache_cluster_id(&id)
            .show_cache_node_info(nodes)
            .send()
            .await
            .map_err(aws_err),
        &["CacheClusterNotFound"],
    )?;
    Ok(out.and_then(|o| {
        o.cache_clusters()
            .iter()
            .find(|c| c.cache_cluster_id() == Some(id.as_str()))
            .cloned()
    }))
}

/// The provider's engine version in state: Redis OSS from 6 and Valkey record `major.minor`
/// (`major.x` when the blueprint wrote it so), older Redis OSS and Memcached the full version.
fn engine_version(engine: &str, configured: &Value, actual: Option<&str>) -> Value {
    let Some(actual) = actual else {
        return Value::Null;
    };
    let parts: Vec<&str> = actual.split('.').collect();
    let major: u32 = parts.first().and_then(|m| m.parse().ok()).unwrap_or(0);
    let modern = engine == "valkey" || (engine == "redis" && major >= 6);
    if !modern || parts.len() < 2 {
        return Value::str(actual);
    }
    if configured.as_str().is_some_and(|c| c.ends_with(".x")) {
        return Value::str(format!("{major}.x"));
    }
    Value::str(format!("{major}.{}", parts[1]))
}

/// A log delivery as the provider's block has it: the log group or delivery stream as
/// `destination`.
fn log_delivery(l: &LogDeliveryConfiguration) -> Value {
    let details = l.destination_details();
    let destination = details
        .and_then(|d| d.cloud_watch_logs_details())
        .and_then(|d| d.log_group())
        .or_else(|| {
            details
                .and_then(|d| d.kinesis_firehose_details())
                .and_then(|d| d.delivery_stream())
        });
    Value::object([
        ("destination", Value::from(destination)),
        (
            "destination_type",
            Value::from(l.destination_type().map(|x| x.as_str())),
        ),
        ("log_format", Value::from(l.log_format().map(|x| x.as_str()))),
        ("log_type", Value::from(l.log_type().map(|x| x.as_str()))),
    ])
}

/// A configured log delivery as ElastiCache takes it; `enabled: false` turns one off.
fn log_request(block: &Value, enabled: bool) -> LogDeliveryConfigurationRequest {
    let s = |k: &str| opt_str(block, k).unwrap_or_default();
    let destination = s("destination");
    let details = if s("destination_type") == "kinesis-firehose" {
        DestinationDetails::builder()
            .kinesis_firehose_details(
                KinesisFirehoseDestinationDetails::builder()
                    .delivery_stream(destination)
                    .build(),
            )
            .build()
    } else {
        DestinationDetails::builder()
            .cloud_watch_logs_details(
                CloudWatchLogsDestinationDetails::builder()
                    .log_group(destination)
                    .build(),
            )
            .build()
    };
    let request = LogDeliveryConfigurationRequest::builder()
        .log_type(LogType::from(s("log_type").as_str()))
        .enabled(enabled);
    if !enabled {
        return request.build();
    }
    request
        .destination_type(DestinationType::from(s("destination_type").as_str()))
        .destination_details(details)
        .log_format(LogFormat::from(s("log_format").as_str()))
        .build()
}

fn blocks(v: &Value, k: &str) -> Vec<Value> {
    v.get(k).as_list().map(|l| l.to_vec()).unwrap_or_default()
}

/// The string-typed `auto_minor_version_upgrade` as a bool; `None` for the empty string (unset).
fn nullable_bool(v: &Value, k: &str) -> Option<bool> {
    match opt_str(v, k)?.as_str() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The engine a configuration names, lowercase (`None` while unknown or taken from a group).
fn engine_of(v: &Value) -> Option<String> {
    opt_str(v, "engine")
}

#[async_trait]
impl ResourceType for Cluster {
    fn type_name(&self) -> &'static str {
        "aws_elasticache_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's CustomizeDiff: cross-AZ needs more than one node, Redis OSS and Valkey
    /// clusters have one node, Memcached takes no final snapshot and cannot change node type
    /// in place, and engine versions are written as the engine accepts them.
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let engine = engine_of(planned);
        let nodes = opt_i32(planned, "num_cache_nodes");
        if opt_str(planned, "az_mode").as_deref() == Some("cross-az") && nodes == Some(1) {
            return Err(ProviderError::msg(
                "az_mode \"cross-az\" is not supported with num_cache_nodes = 1",
            ));
        }
        if let Some(e) = engine.as_deref().filter(|e| *e != "memcached") {
            if nodes.is_some_and(|n| n != 1) {
                return Err(ProviderError::msg(format!(
                    "engine \"{e}\" does not support num_cache_nodes > 1"
                )));
            }
        }
        let memcached = engine.as_deref() == Some("memcached");
        if memcached && opt_str(planned, "final_snapshot_identifier").is_some() {
            return Err(ProviderError::msg(
                "engine \"memcached\" does not support final_snapshot_identifier",
            ));
        }
        if let (Some(e), Some(v)) = (engine.as_deref(), opt_str(planned, "engine_version")) {
            check_engine_version(e, &v)?;
        }
        let Some(prior) = prior else {
            return Ok(None);
        };
        if memcached && differs(prior, planned, "node_type") {
            return Ok(Some("a Memcached cluster's node type cannot change in place".into()));
        }
        let (old, new) = (opt_str(prior, "engine_version"), opt_str(planned, "engine_version"));
        if let (Some(old), Some(new)) = (old, new) {
            if older(&new, &old) {
                return Ok(Some(format!("engine version {new} is a downgrade from {old}")));
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = opt_str(planned, "cluster_id").unwrap_or_default().to_lowercase();
        let in_group = opt_str(planned, "replication_group_id");
        let logs: Vec<_> = blocks(planned, "log_delivery_configuration")
            .iter()
            .map(|b| log_request(b, true))
            .collect();
        let zones = str_list(planned, "preferred_availability_zones");
        let snapshots = str_list(planned, "snapshot_arns");
        self.c
            .elasticache
            .create_cache_cluster()
            .cache_cluster_id(&id)
            .set_replication_group_id(in_group.clone())
            .set_security_group_ids(in_group.is_none().then(|| str_list(planned, "security_group_ids")))
            .set_cache_node_type(opt_str(planned, "node_type"))
            .set_num_cache_nodes(opt_i32(planned, "num_cache_nodes").filter(|n| *n > 0))
            .set_outpost_mode(opt_str(planned, "outpost_mode").map(|m| OutpostMode::from(m.as_str())))
            .set_preferred_outpost_arn(opt_str(planned, "preferred_outpost_arn"))
            .set_engine(opt_str(planned, "engine"))
            .set_engine_version(opt_str(planned, "engine_version"))
            .set_auto_minor_version_upgrade(nullable_bool(planned, "auto_minor_version_upgrade"))
            .set_port(opt_i32(planned, "port").filter(|p| *p > 0))
            .set_cache_subnet_group_name(opt_str(planned, "subnet_group_name"))
            .set_cache_parameter_group_name(opt_str(planned, "parameter_group_name"))
            .set_snapshot_retention_limit(opt_i32(planned, "snapshot_retention_limit").filter(|n| *n > 0))
            .set_snapshot_window(opt_str(planned, "snapshot_window"))
            .set_log_delivery_configurations((!logs.is_empty()).then_some(logs))
            .set_preferred_maintenance_window(opt_str(planned, "maintenance_window"))
            .set_notification_topic_arn(opt_str(planned, "notification_topic_arn"))
            .set_snapshot_arns((!snapshots.is_empty()).then_some(snapshots))
            .set_snapshot_name(opt_str(planned, "snapshot_name"))
            .set_transit_encryption_enabled(planned.get("transit_encryption_enabled").as_bool().filter(|b| *b))
            .set_az_mode(opt_str(planned, "az_mode").map(|m| AzMode::from(m.as_str())))
            .set_preferred_availability_zone(opt_str(planned, "availability_zone"))
            .set_preferred_availability_zones((!zones.is_empty()).then_some(zones))
            .set_ip_discovery(opt_str(planned, "ip_discovery").map(|m| IpDiscovery::from(m.as_str())))
            .set_network_type(opt_str(planned, "network_type").map(|m| NetworkType::from(m.as_str())))
            .set_tags(Some(
                tags_to_write(ctx, planned)
                    .into_iter()
                    .map(|(k, v)| tag(k, v))
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_err)?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(2400));
        self.wait_available(&id, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "ElastiCache cluster", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_with_tags(id, prior).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| {
            if k == "security_group_ids" {
                set_differs(prior, planned, k)
            } else {
                differs(prior, planned, k)
            }
        };
        if MODIFIABLE.iter().any(|k| changed(k)) {
            let set_str = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
            let groups = str_list(planned, "security_group_ids");
            let logs = changed("log_delivery_configuration").then(|| {
                let new = blocks(planned, "log_delivery_configuration");
                let kept: Vec<String> = new.iter().filter_map(|b| opt_str(b, "log_type")).collect();
                let mut requests: Vec<_> = new.iter().map(|b| log_request(b, true)).collect();
                requests.extend(
                    blocks(prior, "log_delivery_configuration")
                        .iter()
                        .filter(|b| opt_str(b, "log_type").is_some_and(|t| !kept.contains(&t)))
                        .map(|b| log_request(b, false)),
                );
                requests
            });
            let topic = set_str("notification_topic_arn");
            let mut modify = self
                .c
                .elasticache
                .modify_cache_cluster()
                .cache_cluster_id(id)
                .apply_immediately(planned.get("apply_immediately").as_bool().unwrap_or(false))
                .set_security_group_ids((changed("security_group_ids") && !groups.is_empty()).then_some(groups))
                .set_cache_parameter_group_name(set_str("parameter_group_name"))
                .set_ip_discovery(set_str("ip_discovery").map(|m| IpDiscovery::from(m.as_str())))
                .set_log_delivery_configurations(logs)
                .set_preferred_maintenance_window(set_str("maintenance_window"))
                .set_notification_topic_status(topic.as_deref().filter(|t| t.is_empty()).map(|_| "inactive".into()))
                .set_notification_topic_arn(topic)
                .set_engine(set_str("engine"))
                .set_engine_version(set_str("engine_version"))
                .set_snapshot_window(set_str("snapshot_window"))
                .set_cache_node_type(set_str("node_type"))
                .set_snapshot_retention_limit(
                    changed("snapshot_retention_limit")
                        .then(|| opt_i32(planned, "snapshot_retention_limit").unwrap_or(0)),
                )
                .set_az_mode(set_str("az_mode").map(|m| AzMode::from(m.as_str())));
            if changed("auto_minor_version_upgrade") {
                modify = modify.set_auto_minor_version_upgrade(nullable_bool(planned, "auto_minor_version_upgrade"));
            }
            if changed("num_cache_nodes") {
                let old = opt_i32(prior, "num_cache_nodes").unwrap_or(0);
                let new = opt_i32(planned, "num_cache_nodes").unwrap_or(0);
                modify = modify.num_cache_nodes(new);
                if new < old {
                    // The provider removes the highest-numbered nodes.
                    let remove = ((new + 1)..=old).rev().map(|i| format!("{i:04}")).collect();
                    modify = modify.set_cache_node_ids_to_remove(Some(remove));
                } else {
                    let zones = str_list(planned, "preferred_availability_zones");
                    if !zones.is_empty() {
                        if zones.len() != new as usize {
                            return Err(ProviderError::msg(format!(
                                "length of preferred_availability_zones ({}) must match num_cache_nodes ({new})",
                                zones.len()
                            )));
                        }
                        modify = modify.set_new_availability_zones(Some(zones[old as usize..].to_vec()));
                    }
                }
            }
            modify.send().await.map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(4800));
            self.wait_available(id, timeout).await?;
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        update_tags(&self.c.elasticache, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ElastiCache cluster", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(2400));
        let snapshot = opt_str(prior, "final_snapshot_identifier");
        // A cluster taking a snapshot refuses the delete for a while; the provider retries 5 min.
        let sent = retry_while(&["InvalidCacheClusterState"], Duration::from_secs(300), || async {
            self.c
                .elasticache
                .delete_cache_cluster()
                .cache_cluster_id(id)
                .set_final_snapshot_identifier(snapshot.clone())
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        if absent_on(sent, &["CacheClusterNotFound"])?.is_none() {
            return Ok(());
        }
        let client = &self.c.elasticache;
        wait_for(
            Wait::new(format!("ElastiCache cluster {id}"), "deleted", timeout),
            || async move {
                Ok(match describe(client, id, false).await? {
                    None => Poll::Ready(()),
                    Some(c) => Poll::pending(c.cache_cluster_status().unwrap_or("unknown")),
                })
            },
        )
        .await
    }

    /// A create refused because the id is taken may be this stack's own cluster, made by a
    /// run killed before it saved state: the tags say so.
    fn conflict_codes(&self) -> &'static [&'static str] {
        &["CacheClusterAlreadyExists"]
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(id) = opt_str(planned, "cluster_id").map(|n| n.to_lowercase()) else {
            return Ok(None);
        };
        let Some(arn) = self.describe(&id).await?.and_then(|c| c.arn().map(str::to_string)) else {
            return Ok(None);
        };
        let tags = tags(&self.c.elasticache, &arn).await?;
        Ok(owns(pairs(&tags), ctx).then_some(id))
    }
}

/// The provider's engine version rules: Redis OSS before 6 needs `major.minor.patch`, 6 takes
/// `6.x` or `6.minor`, later Redis OSS and Valkey take `major.minor`.
fn check_engine_version(engine: &str, version: &str) -> PResult<()> {
    let ok = match engine {
        "redis" => regex_lite::Regex::new(r"^([1-5](\.[0-9]+){2}|6\.x|[6-9]\.[0-9]+)$")
            .map(|r| r.is_match(version))
            .unwrap_or(true),
        "valkey" => regex_lite::Regex::new(r"^[7-9]\.[0-9]+$")
            .map(|r| r.is_match(version))
            .unwrap_or(true),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(ProviderError::msg(format!(
        "engine_version {version:?} is not a version {engine} accepts: {}",
        if engine == "redis" {
            "major.minor.patch before 6, 6.x or 6.minor for 6, major.minor from 7"
        } else {
            "major.minor"
        }
    )))
}

/// Whether version `a` is older than `b`, comparing numeric parts (`6.x` counts as 6.0).
fn older(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parts(a) < parts(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_versions_are_recorded_as_the_provider_records_them() {
        let none = Value::Null;
        assert_eq!(engine_version("redis", &none, Some("7.1.0")), Value::str("7.1"));
        assert_eq!(
            engine_version("redis", &Value::str("6.x"), Some("6.2.6")),
            Value::str("6.x")
        );
        assert_eq!(engine_version("redis", &none, Some("5.0.6")), Value::str("5.0.6"));
        assert_eq!(engine_version("valkey", &none, Some("8.0.1")), Value::str("8.0"));
        assert_eq!(engine_version("memcached", &none, Some("1.6.22")), Value::str("1.6.22"));
    }

    #[test]
    fn engine_versions_the_provider_refuses_are_refused() {
        assert!(check_engine_version("redis", "7.1").is_ok());
        assert!(check_engine_version("redis", "6.x").is_ok());
        assert!(check_engine_version("redis", "5.0.6").is_ok());
        assert!(check_engine_version("redis", "7.1.0").is_err());
        assert!(check_engine_version("redis", "5.0").is_err());
        assert!(check_engine_version("valkey", "8.0").is_ok());
        assert!(check_engine_version("valkey", "8").is_err());
        assert!(check_engine_version("memcached", "1.6.22").is_ok());
        assert!(older("6.2", "7.0"));
        assert!(!older("7.1", "7.0"));
    }
}
