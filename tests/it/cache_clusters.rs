//! `aws_elasticache_cluster` (resource and data source) and `aws_elasticache_parameter_group` on
//! the emulator: a Redis OSS cluster with its own parameter group, in a subnet group behind a
//! security group, with slow-log delivery and tags, and a two-node cross-AZ Memcached cluster
//! with a notification topic. Node count, node type, retention, log delivery and tags change in
//! place; a Memcached node type change replaces; a cluster deleted behind infractl's back is
//! made again; an import by id plans clean; destroy removes them all. A create killed before its
//! answer is adopted. Terraform plans clean after infractl and back; values the provider
//! refuses are refused by both `validate` commands, and the provider's plan-time rules by
//! `plan`, before any call.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_elasticache::types::CacheCluster;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_vpc" "v" { cidr_block = "10.93.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.93.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.93.2.0/24"
  availability_zone = "us-east-1b"
}
resource "aws_elasticache_subnet_group" "g" {
  name       = "${var.name}-cache"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_security_group" "cache" {
  name   = "${var.name}-cache"
  vpc_id = aws_vpc.v.id
}
resource "aws_cloudwatch_log_group" "slow" { name = "/cache/${var.name}/slow" }
resource "aws_sns_topic" "events" { name = "${var.name}-cache-events" }
resource "aws_elasticache_parameter_group" "redis" {
  name   = "${var.name}-Redis"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
  parameter {
    name  = "timeout"
    value = "300"
  }
  tags = { role = "settings" }
}
resource "aws_elasticache_cluster" "redis" {
  cluster_id               = "${var.name}-redis"
  engine                   = "redis"
  engine_version           = "7.1"
  node_type                = "cache.t3.micro"
  num_cache_nodes          = 1
  parameter_group_name     = aws_elasticache_parameter_group.redis.name
  port                     = 6379
  subnet_group_name        = aws_elasticache_subnet_group.g.name
  security_group_ids       = [aws_security_group.cache.id]
  snapshot_retention_limit = 5
  apply_immediately        = true
  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
  tags = { tier = "cache" }
}
resource "aws_elasticache_cluster" "memcached" {
  cluster_id             = "${var.name}-mc"
  engine                 = "memcached"
  node_type              = "cache.t3.micro"
  num_cache_nodes        = 2
  az_mode                = "cross-az"
  subnet_group_name      = aws_elasticache_subnet_group.g.name
  notification_topic_arn = aws_sns_topic.events.arn
  maintenance_window     = "SUN:05:00-sun:06:00"
  apply_immediately      = true
}
data "aws_elasticache_cluster" "read" { cluster_id = aws_elasticache_cluster.redis.cluster_id }
output "redis_address" { value = aws_elasticache_cluster.redis.cache_nodes[0].address }
output "read_address" { value = data.aws_elasticache_cluster.read.cache_nodes[0].address }
output "read_version" { value = data.aws_elasticache_cluster.read.engine_version }
output "memcached_endpoint" { value = aws_elasticache_cluster.memcached.configuration_endpoint }
"##;

async fn cluster(client: &aws_sdk_elasticache::Client, id: &str) -> Option<CacheCluster> {
    match client
        .describe_cache_clusters()
        .cache_cluster_id(id)
        .show_cache_node_info(true)
        .send()
        .await
    {
        Ok(out) => out.cache_clusters().first().cloned(),
        Err(e) if format!("{e:?}").contains("CacheClusterNotFound") => None,
        Err(e) => panic!("cluster {id}: {e:?}"),
    }
}

async fn parameters(client: &aws_sdk_elasticache::Client, group: &str) -> Vec<(String, String)> {
    let out = client
        .describe_cache_parameters()
        .cache_parameter_group_name(group)
        .source("user")
        .send()
        .await
        .unwrap();
    let mut found: Vec<_> = out
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap().to_string(),
                p.parameter_value().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

async fn tags(client: &aws_sdk_elasticache::Client, arn: &str) -> Vec<(String, String)> {
    let out = client.list_tags_for_resource().resource_name(arn).send().await.unwrap();
    out.tag_list()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .filter(|(k, _)| !k.starts_with("infractl:"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cache_clusters_are_made_changed_replaced_made_again_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    let output = |k: &str| expect_code(&stack.run(&["output", "-raw", k]), 0);
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let client = aws_sdk_elasticache::Client::new(&sdk_config("us-east-1").await);
    let redis_id = stack.state_id("aws_elasticache_cluster.redis");
    assert_eq!(redis_id, format!("{}-redis", stack.name));
    let redis = cluster(&client, &redis_id).await.expect("the redis cluster");
    assert_eq!(redis.engine(), Some("redis"));
    assert_eq!(redis.engine_version(), Some("7.1.0"));
    assert_eq!(redis.cache_node_type(), Some("cache.t3.micro"));
    assert_eq!(
        redis.cache_subnet_group_name(),
        Some(format!("{}-cache", stack.name).as_str())
    );
    let group = stack.state_id("aws_security_group.cache");
    assert_eq!(
        redis
            .security_groups()
            .iter()
            .map(|g| g.security_group_id().unwrap())
            .collect::<Vec<_>>(),
        [group.as_str()]
    );
    assert_eq!(redis.snapshot_retention_limit(), Some(5));
    let logs = redis.log_delivery_configurations();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].log_type().map(|t| t.as_str()), Some("slow-log"));
    assert_eq!(
        logs[0]
            .destination_details()
            .and_then(|d| d.cloud_watch_logs_details())
            .and_then(|d| d.log_group()),
        Some(format!("/cache/{}/slow", stack.name).as_str())
    );
    assert_eq!(
        tags(&client, redis.arn().unwrap()).await,
        [("tier".to_string(), "cache".to_string())]
    );
    // The provider's records: major.minor as written, the running version beside it.
    assert_eq!(
        stack.state_str("aws_elasticache_cluster.redis", "engine_version"),
        "7.1"
    );
    assert_eq!(
        stack.state_str("aws_elasticache_cluster.redis", "engine_version_actual"),
        "7.1.0"
    );
    let node = redis.cache_nodes()[0]
        .endpoint()
        .unwrap()
        .address()
        .unwrap()
        .to_string();
    assert_eq!(
        stack.state_attr("aws_elasticache_cluster.redis", "cache_nodes")[0]["address"],
        node.as_str()
    );
    assert_eq!(output("redis_address"), node);
    // The data source finds the same cluster and records the version running.
    assert_eq!(output("read_address"), node);
    assert_eq!(output("read_version"), "7.1.0");

    let mc_id = stack.state_id("aws_elasticache_cluster.memcached");
    let mc = cluster(&client, &mc_id).await.expect("the memcached cluster");
    assert_eq!((mc.engine(), mc.num_cache_nodes()), (Some("memcached"), Some(2)));
    assert_eq!(mc.preferred_availability_zone(), Some("Multiple"));
    assert_eq!(mc.preferred_maintenance_window(), Some("sun:05:00-sun:06:00"));
    assert_eq!(
        mc.notification_configuration().and_then(|n| n.topic_arn()),
        Some(stack.state_id("aws_sns_topic.events").as_str())
    );
    let endpoint = mc.configuration_endpoint().unwrap();
    assert_eq!(endpoint.port(), Some(11211));
    assert_eq!(
        output("memcached_endpoint"),
        format!("{}:11211", endpoint.address().unwrap())
    );
    assert_eq!(
        stack.state_str("aws_elasticache_cluster.memcached", "az_mode"),
        "cross-az"
    );
    assert_eq!(
        stack.state_str("aws_elasticache_cluster.memcached", "maintenance_window"),
        "sun:05:00-sun:06:00"
    );
    assert_eq!(
        stack
            .state_attr("aws_elasticache_cluster.memcached", "cache_nodes")
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The parameter group: named in lowercase as ElastiCache keeps it, with the parameters set.
    let group_name = format!("{}-redis", stack.name);
    assert_eq!(stack.state_id("aws_elasticache_parameter_group.redis"), group_name);
    assert_eq!(
        redis
            .cache_parameter_group()
            .and_then(|g| g.cache_parameter_group_name()),
        Some(group_name.as_str())
    );
    assert_eq!(
        parameters(&client, &group_name).await,
        [("maxmemory-policy", "allkeys-lru"), ("timeout", "300")].map(|(n, v)| (n.to_string(), v.to_string()))
    );
    // A value changed and a parameter removed (reset to the family's default) in place.
    let start = BLUEPRINT
        .find("  parameter {\n    name  = \"maxmemory-policy\"")
        .unwrap();
    let block = &BLUEPRINT[start..start + BLUEPRINT[start..].find("  }\n").unwrap() + 4];
    stack.edit("main.tf", block, "");
    stack.edit("main.tf", "value = \"300\"", "value = \"600\"");
    stack.changes_in_place("aws_elasticache_parameter_group.redis", &args);
    assert_eq!(
        parameters(&client, &group_name).await,
        [("timeout".to_string(), "600".to_string())]
    );

    // In place: a third node, a larger Redis node, shorter retention, no slow log, new tags.
    stack.edit("main.tf", "num_cache_nodes        = 2", "num_cache_nodes        = 3");
    stack.changes_in_place("aws_elasticache_cluster.memcached", &args);
    let mc = cluster(&client, &mc_id).await.unwrap();
    assert_eq!((mc.num_cache_nodes(), mc.cache_nodes().len()), (Some(3), 3));
    stack.edit(
        "main.tf",
        "cache.t3.micro\"\n  num_cache_nodes          = 1",
        "cache.t3.small\"\n  num_cache_nodes          = 1",
    );
    stack.edit(
        "main.tf",
        "snapshot_retention_limit = 5",
        "snapshot_retention_limit = 1",
    );
    stack.edit("main.tf", "tier = \"cache\"", "tier = \"hot\"");
    let start = BLUEPRINT.find("  log_delivery_configuration {").unwrap();
    let block = &BLUEPRINT[start..start + BLUEPRINT[start..].find("  }\n").unwrap() + 4];
    stack.edit("main.tf", block, "");
    stack.changes_in_place("aws_elasticache_cluster.redis", &args);
    let redis = cluster(&client, &redis_id).await.unwrap();
    assert_eq!(redis.cache_node_type(), Some("cache.t3.small"));
    assert_eq!(redis.snapshot_retention_limit(), Some(1));
    assert!(redis.log_delivery_configurations().is_empty());
    assert_eq!(
        tags(&client, redis.arn().unwrap()).await,
        [("tier".to_string(), "hot".to_string())]
    );

    // Memcached cannot change node type in place: replaced.
    stack.edit(
        "main.tf",
        "cache.t3.micro\"\n  num_cache_nodes        = 3",
        "cache.t3.small\"\n  num_cache_nodes        = 3",
    );
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_elasticache_cluster.memcached must be replaced"),
        "{shown}"
    );
    let mc = cluster(&client, &mc_id).await.unwrap();
    assert_eq!(mc.cache_node_type(), Some("cache.t3.small"));

    // Deleted behind infractl's back: made again.
    client
        .delete_cache_cluster()
        .cache_cluster_id(&redis_id)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_elasticache_cluster.redis will be created"),
        "{shown}"
    );
    assert!(cluster(&client, &redis_id).await.is_some());

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(cluster(&client, &redis_id).await.is_none());
    assert!(cluster(&client, &mc_id).await.is_none());
    let gone = client
        .describe_cache_parameter_groups()
        .cache_parameter_group_name(&group_name)
        .send()
        .await;
    assert!(format!("{gone:?}").contains("CacheParameterGroupNotFound"), "{gone:?}");
}

/// A create killed before its answer came back: the cluster ElastiCache made is found by its id
/// and this stack's tags once the second create is refused, and adopted.
#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_whose_create_was_killed_is_adopted() {
    let blueprint = "provider \"aws\" { region = \"us-east-1\" }\nvariable \"name\" { type = string }\nresource \"aws_elasticache_cluster\" \"c\" {\n  cluster_id = \"${var.name}-killed\"\n  engine = \"valkey\"\n  node_type = \"cache.t4g.micro\"\n}\n";
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["elasticache:CreateCacheCluster"]);
    reapply_adopts(&stack, &var, "aws_elasticache_cluster.c");
    let client = aws_sdk_elasticache::Client::new(&sdk_config("us-east-1").await);
    let id = stack.state_id("aws_elasticache_cluster.c");
    let c = cluster(&client, &id).await.expect("the adopted cluster");
    assert_eq!((c.engine(), c.num_cache_nodes()), (Some("valkey"), Some(1)));
    assert_eq!(stack.state_str("aws_elasticache_cluster.c", "engine_version"), "8.0");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(cluster(&client, &id).await.is_none());
}

/// Terraform and infractl keep cache clusters the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_cache_clusters_either_way() {
    cross_check(
        "the aws_elasticache_cluster cross-check",
        BLUEPRINT,
        "cache-check",
        Some(("10.93.", "10.94.")),
        &["ec2", "elasticache", "logs", "sns", "sts"],
    );
}

/// Ids with capitals, too long or ending in a hyphen, an unknown engine, AZ mode, network type
/// or log type, a retention over 35 days, a malformed window, and both an engine and a group:
/// refused by both `validate` commands.
#[test]
fn cache_cluster_values_the_provider_refuses_are_refused_at_validate() {
    let cases = [
        "cluster_id = \"Capital\"\nengine = \"redis\"",
        "cluster_id = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk\"\nengine = \"redis\"",
        "cluster_id = \"ends-\"\nengine = \"redis\"",
        "cluster_id = \"a\"\nengine = \"mongodb\"",
        "cluster_id = \"a\"\nengine = \"memcached\"\naz_mode = \"everywhere\"",
        "cluster_id = \"a\"\nengine = \"redis\"\nnetwork_type = \"ipv5\"",
        "cluster_id = \"a\"\nengine = \"redis\"\nsnapshot_retention_limit = 36",
        "cluster_id = \"a\"\nengine = \"redis\"\nmaintenance_window = \"sunday\"",
        "cluster_id = \"a\"\nengine = \"redis\"\nlog_delivery_configuration {\n destination = \"g\"\n destination_type = \"cloudwatch-logs\"\n log_format = \"json\"\n log_type = \"audit-log\"\n}",
        "cluster_id = \"a\"\nengine = \"redis\"\nreplication_group_id = \"g\"",
        "cluster_id = \"a\"\nreplication_group_id = \"g\"\nnode_type = \"cache.t3.micro\"",
    ];
    each_case_refused_at_validate("aws_elasticache_cluster", &cases, "cache cluster values");
}

/// The provider's plan-time rules: Redis OSS with two nodes, cross-AZ with one node, a final
/// snapshot of Memcached, and an engine version Redis OSS 7 does not take are refused by
/// `plan`, naming the resource, before any call (the endpoint is unreachable).
#[test]
fn cache_cluster_plans_the_provider_refuses_are_refused_before_any_call() {
    let cases = [
        (
            "redis",
            "engine = \"redis\"\nnum_cache_nodes = 2",
            "does not support num_cache_nodes > 1",
        ),
        (
            "cross",
            "engine = \"memcached\"\naz_mode = \"cross-az\"\nnum_cache_nodes = 1",
            "\"cross-az\" is not supported",
        ),
        (
            "snap",
            "engine = \"memcached\"\nfinal_snapshot_identifier = \"last\"",
            "does not support final_snapshot_identifier",
        ),
        (
            "version",
            "engine = \"redis\"\nengine_version = \"7.1.0\"",
            "engine_version \"7.1.0\"",
        ),
    ];
    for (name, body, message) in cases {
        let blueprint = format!(
            "provider \"aws\" {{ region = \"us-east-1\" }}\nresource \"aws_elasticache_cluster\" \"{name}\" {{\n  cluster_id = \"{name}\"\n  node_type = \"cache.t3.micro\"\n  {body}\n}}\n"
        );
        let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
        let shown = expect_code(
            &stack.run_with_endpoint(&["plan", "-refresh=false"], "http://127.0.0.1:9"),
            1,
        );
        assert!(
            shown.contains(message) && shown.contains(&format!("aws_elasticache_cluster.{name}")),
            "{name}: {shown}"
        );
    }
}
