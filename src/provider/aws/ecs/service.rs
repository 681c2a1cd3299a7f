//! `aws_ecs_service`: a long-running service of a task definition, with its network
//! configuration, load balancers and deployment settings. Nearly everything updates in place
//! (UpdateService); name, cluster, launch type, scheduling strategy and IAM role replace it.
//! The id is the service ARN, as in Terraform.
//!
//! Capacity provider strategies (Fargate and Fargate Spot with weights and bases), Cloud Map
//! registries, Service Connect, placement strategies and constraints, and deployment alarms are
//! sent with the service and changed in place; a change of strategy replaces the service unless
//! `force_new_deployment` is set and neither strategy is empty, as in the provider (ECS cannot
//! move a running service between a launch type and capacity providers).

use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, owns, required,
    str_list, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecs::types::{
    AssignPublicIp, AvailabilityZoneRebalancing, AwsVpcConfiguration, DeploymentAlarms, DeploymentCircuitBreaker,
    DeploymentConfiguration, DeploymentController, DeploymentControllerType, LaunchType, LoadBalancer,
    LogConfiguration, LogDriver, NetworkConfiguration, PlacementConstraint, PlacementConstraintType, PlacementStrategy,
    PlacementStrategyType, PropagateTags, SchedulingStrategy, Secret, Service as EcsService, ServiceConnectClientAlias,
    ServiceConnectConfiguration, ServiceConnectService, ServiceConnectTlsCertificateAuthority,
    ServiceConnectTlsConfiguration, ServiceField, ServiceRegistry, TimeoutConfiguration,
};
use std::sync::Arc;
use std::time::Duration;

/// How long create, update and delete wait for ECS when nothing else says, as Terraform's
/// default timeouts (the declaration's `timeouts(20, 20, 20)`).
const TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The `aws_ecs_service` resource type.
pub struct Service {
    c: Arc<Clients>,
    schema: Schema,
}

impl Service {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Service {
        let schema = resource("aws_ecs_service")
            .arg("name")
            .force_new()
            .arg("cluster")
            .force_new()
            .normalized(last_segment)
            .arg("task_definition")
            .normalized(last_segment)
            .arg("desired_count")
            .default(0)
            .arg("launch_type")
            .force_new()
            .arg("scheduling_strategy")
            .force_new()
            .default("REPLICA")
            .arg("iam_role")
            .force_new()
            .normalized(last_segment)
            .arg("deployment_maximum_percent")
            .default(200)
            .arg("deployment_minimum_healthy_percent")
            .default(100)
            .arg("health_check_grace_period_seconds")
            .live_if_unset()
            .arg("enable_ecs_managed_tags")
            .default(false)
            .arg("enable_execute_command")
            .default(false)
            .arg("propagate_tags")
            .live_if_unset()
            .arg("wait_for_steady_state")
            .default(false)
            // The provider sends DISABLED when unset (AWS's own default for new services is
            // ENABLED).
            .arg("availability_zone_rebalancing")
            .default("DISABLED")
            .check(one_of(&["ENABLED", "DISABLED"]))
            .arg("network_configuration.assign_public_ip")
            .default(false)
            .arg("deployment_circuit_breaker")
            .live_if_unset()
            .arg("deployment_controller")
            .force_new()
            .live_if_unset()
            .arg("deployment_controller.type")
            .default("ECS")
            .args(&[
                "platform_version",
                "force_new_deployment",
                "triggers",
                "tags",
                "network_configuration",
                "load_balancer",
            ])
            .arg("launch_type")
            .check(one_of(&["EC2", "FARGATE", "EXTERNAL"]))
            .arg("scheduling_strategy")
            .check(one_of(&["REPLICA", "DAEMON"]))
            .arg("propagate_tags")
            .check(one_of(&["TASK_DEFINITION", "SERVICE", "NONE"]))
            .arg("deployment_controller.type")
            .check(one_of(&["ECS", "CODE_DEPLOY", "EXTERNAL"]))
            .arg("health_check_grace_period_seconds")
            .check(int_between(0, 2147483647))
            .arg("load_balancer.container_port")
            .check(int_between(0, 65536))
            .arg("capacity_provider_strategy.base")
            .default(0)
            .check(int_between(0, 100_000))
            .arg("capacity_provider_strategy.weight")
            .default(0)
            .check(int_between(0, 1000))
            .arg("service_registries.registry_arn")
            .check(arn())
            .arg("service_registries.port")
            .check(int_between(0, 65536))
            .arg("service_registries.container_port")
            .check(int_between(0, 65536))
            .arg("ordered_placement_strategy.type")
            .check(one_of(&["random", "spread", "binpack"]))
            .arg("ordered_placement_strategy.field")
            .normalized(placement_field)
            .arg("placement_constraints.type")
            .check(one_of(&["distinctInstance", "memberOf"]))
            .arg("alarms")
            .live_if_unset()
            .arg("service_connect_configuration.log_configuration.log_driver")
            .check(one_of(&[
                "json-file",
                "syslog",
                "journald",
                "gelf",
                "fluentd",
                "awslogs",
                "splunk",
                "awsfirelens",
            ]))
            .arg("service_connect_configuration.service.client_alias.port")
            .check(int_between(0, 65535))
            .arg("service_connect_configuration.service.ingress_port_override")
            .check(int_between(0, 65535))
            .arg("service_connect_configuration.service.timeout.idle_timeout_seconds")
            .check(int_between(0, 2_147_483_647))
            .arg("service_connect_configuration.service.timeout.per_request_timeout_seconds")
            .check(int_between(0, 2_147_483_647))
            .arg("service_connect_configuration.service.tls.issuer_cert_authority.aws_pca_authority_arn")
            .check(arn())
            .arg("service_connect_configuration.service.tls.role_arn")
            .check(arn())
            .args(&[
                "capacity_provider_strategy",
                "service_registries",
                "ordered_placement_strategy",
                "placement_constraints",
                "service_connect_configuration",
            ])
            .timeouts(20, 20, 20)
            .build();
        Service { c, schema }
    }

    async fn describe(&self, cluster: Option<&str>, service: &str) -> PResult<Option<EcsService>> {
        let r = self
            .c
            .ecs
            .describe_services()
            .set_cluster(cluster.map(str::to_string))
            .services(service)
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["ClusterNotFoundException"])? else {
            return Ok(None);
        };
        Ok(out.services().iter().find(|s| s.status() != Some("INACTIVE")).cloned())
    }

    /// Waits until the service is ACTIVE, or, with `wait_for_steady_state`, until its one
    /// deployment has all desired tasks running. A deployment the circuit breaker failed is an
    /// error, with ECS's reason.
    async fn wait(&self, cluster: Option<&str>, arn: &str, steady: bool, timeout: Duration) -> PResult<()> {
        let goal = if steady { "ACTIVE and steady" } else { "ACTIVE" };
        wait_for(Wait::new(arn, goal, timeout), || async {
            let Some(s) = self.describe(cluster, arn).await? else {
                return Ok(Poll::pending("not found yet"));
            };
            if s.status() != Some("ACTIVE") {
                return Ok(Poll::pending(s.status().unwrap_or("unknown")));
            }
            if !steady {
                return Ok(Poll::Ready(()));
            }
            if let Some(d) = s.deployments().iter().find(|d| d.status() == Some("PRIMARY")) {
                if d.rollout_state().map(|r| r.as_str()) == Some("FAILED") {
                    return Err(ProviderError::msg(format!(
                        "deployment failed: {}",
                        d.rollout_state_reason().unwrap_or("no reason given")
                    )));
                }
            }
            if s.deployments().len() == 1 && s.running_count() == s.desired_count() {
                return Ok(Poll::Ready(()));
            }
            Ok(Poll::pending(format!(
                "{} deployment(s), {} of {} tasks running",
                s.deployments().len(),
                s.running_count(),
                s.desired_count()
            )))
        })
        .await
    }
}

fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

fn network(planned: &Value) -> Option<NetworkConfiguration> {
    let n = first(planned, "network_configuration")?;
    let vpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(str_list(n, "subnets")))
        // The security groups list is always sent (empty when unset): ECS accepts it, and some
        // emulators require the key.
        .set_security_groups(Some(str_list(n, "security_groups")))
        .assign_public_ip(if opt_bool(n, "assign_public_ip") == Some(true) {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .ok()?;
    Some(NetworkConfiguration::builder().awsvpc_configuration(vpc).build())
}

fn load_balancers(planned: &Value) -> Vec<LoadBalancer> {
    planned
        .get("load_balancer")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|lb| {
            LoadBalancer::builder()
                .set_target_group_arn(opt_str(lb, "target_group_arn"))
                .set_load_balancer_name(opt_str(lb, "elb_name"))
                .set_container_name(opt_str(lb, "container_name"))
                .set_container_port(lb.get("container_port").as_number().map(|n| n as i32))
                .build()
        })
        .collect()
}

fn circuit_breaker(planned: &Value) -> Option<DeploymentCircuitBreaker> {
    first(planned, "deployment_circuit_breaker").map(|b| {
        DeploymentCircuitBreaker::builder()
            .enable(opt_bool(b, "enable").unwrap_or(false))
            .rollback(opt_bool(b, "rollback").unwrap_or(false))
            .build()
    })
}

fn number(v: &Value, name: &str) -> Option<i32> {
    v.get(name).as_number().map(|n| n as i32)
}

fn deployment_configuration(planned: &Value) -> PResult<DeploymentConfiguration> {
    let replica = opt_str(planned, "scheduling_strategy").as_deref() != Some("DAEMON");
    Ok(DeploymentConfiguration::builder()
        .set_maximum_percent(number(planned, "deployment_maximum_percent").filter(|_| replica))
        .set_minimum_healthy_percent(number(planned, "deployment_minimum_healthy_percent"))
        .set_deployment_circuit_breaker(circuit_breaker(planned))
        .set_alarms(alarms(planned)?)
        .build())
}

/// A placement strategy's field as ECS compares it: any case, and `host` is `instanceId`.
fn placement_field(field: &str) -> String {
    let lower = field.to_ascii_lowercase();
    if lower == "host" {
        "instanceid".into()
    } else {
        lower
    }
}

fn registries(planned: &Value) -> Vec<ServiceRegistry> {
    planned
        .get("service_registries")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|r| {
            ServiceRegistry::builder()
                .set_registry_arn(opt_str(r, "registry_arn"))
                .set_port(number(r, "port").filter(|p| *p != 0))
                .set_container_name(opt_str(r, "container_name"))
                .set_container_port(number(r, "container_port").filter(|p| *p != 0))
                .build()
        })
        .collect()
}

fn placement_strategy(planned: &Value) -> Vec<PlacementStrategy> {
    planned
        .get("ordered_placement_strategy")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let field = opt_str(p, "field").map(|f| if f == "host" { "instanceId".to_string() } else { f });
            PlacementStrategy::builder()
                .set_type(opt_str(p, "type").map(|t| PlacementStrategyType::from(t.as_str())))
                .set_field(field)
                .build()
        })
        .collect()
}

fn placement_constraints(planned: &Value) -> Vec<PlacementConstraint> {
    planned
        .get("placement_constraints")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            PlacementConstraint::builder()
                .set_type(opt_str(p, "type").map(|t| PlacementConstraintType::from(t.as_str())))
                .set_expression(opt_str(p, "expression"))
                .build()
        })
        .collect()
}

fn alarms(planned: &Value) -> PResult<Option<DeploymentAlarms>> {
    let Some(a) = first(planned, "alarms") else {
        return Ok(None);
    };
    DeploymentAlarms::builder()
        .set_alarm_names(Some(str_list(a, "alarm_names")))
        .enable(opt_bool(a, "enable") == Some(true))
        .rollback(opt_bool(a, "rollback") == Some(true))
        .build()
        .map(Some)
        .map_err(build_err)
}

fn built<T>(r: Result<T, aws_sdk_ecs::error::BuildError>) -> PResult<T> {
    r.map_err(build_err)
}

/// Service Connect as ECS takes it.
fn service_connect(planned: &Value) -> PResult<Option<ServiceConnectConfiguration>> {
    let Some(sc) = first(planned, "service_connect_configuration") else {
        return Ok(None);
    };
    let log = match first(sc, "log_configuration") {
        None => None,
        Some(l) => {
            let secrets = l
                .get("secret_option")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .map(|s| {
                    built(
                        Secret::builder()
                            .set_name(opt_str(s, "name"))
                            .set_value_from(opt_str(s, "value_from"))
                            .build(),
                    )
                })
                .collect::<PResult<Vec<_>>>()?;
            let options = l.get("options").as_object().map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
                    .collect()
            });
            Some(built(
                LogConfiguration::builder()
                    .log_driver(LogDriver::from(opt_str(l, "log_driver").unwrap_or_default().as_str()))
                    .set_options(options)
                    .set_secret_options(Some(secrets).filter(|s| !s.is_empty()))
                    .build(),
            )?)
        }
    };
    let services = sc
        .get("service")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|s| {
            let aliases = s
                .get("client_alias")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .map(|a| {
                    built(
                        ServiceConnectClientAlias::builder()
                            .set_port(number(a, "port"))
                            .set_dns_name(opt_str(a, "dns_name"))
                            .build(),
                    )
                })
                .collect::<PResult<Vec<_>>>()?;
            let timeout = first(s, "timeout").map(|t| {
                TimeoutConfiguration::builder()
                    .set_idle_timeout_seconds(number(t, "idle_timeout_seconds"))
                    .set_per_request_timeout_seconds(number(t, "per_request_timeout_seconds"))
                    .build()
            });
            let tls = first(s, "tls").map(|t| {
                ServiceConnectTlsConfiguration::builder()
                    .set_issuer_certificate_authority(first(t, "issuer_cert_authority").map(|i| {
                        ServiceConnectTlsCertificateAuthority::builder()
                            .set_aws_pca_authority_arn(opt_str(i, "aws_pca_authority_arn"))
                            .build()
                    }))
                    .set_kms_key(opt_str(t, "kms_key"))
                    .set_role_arn(opt_str(t, "role_arn"))
                    .build()
            });
            built(
                ServiceConnectService::builder()
                    .set_port_name(opt_str(s, "port_name"))
                    .set_discovery_name(opt_str(s, "discovery_name"))
                    .set_ingress_port_override(number(s, "ingress_port_override"))
                    .set_client_aliases(Some(aliases).filter(|a| !a.is_empty()))
                    .set_timeout(timeout)
                    .set_tls(tls)
                    .build(),
            )
        })
        .collect::<PResult<Vec<_>>>()?;
    Ok(Some(
        ServiceConnectConfiguration::builder()
            .enabled(opt_bool(sc, "enabled") == Some(true))
            .set_namespace(opt_str(sc, "namespace"))
            .set_log_configuration(log)
            .set_services(Some(services).filter(|s| !s.is_empty()))
            .build(),
    ))
}

/// The cluster as the service calls use it: configured value, or the one in the id's ARN
/// (`...:service/CLUSTER/NAME`), or an import id `CLUSTER/NAME`.
fn cluster_of(id: &str, prior: &Value) -> Option<String> {
    if let Some(c) = opt_str(prior, "cluster") {
        return Some(c);
    }
    let tail = id.rsplit_once(":service/").map(|(_, t)| t).unwrap_or(id);
    tail.split_once('/').map(|(c, _)| c.to_string())
}

/// Keeps a configured short form (name, `family:revision`) when the ARN ECS returns names the
/// same thing, as Terraform saves them "in the same format".
fn same_format(configured: Option<String>, arn: Option<&str>, short: impl Fn(&str) -> String) -> Value {
    let Some(arn) = arn else {
        return Value::Null;
    };
    match configured {
        Some(c) if c.starts_with("arn:") => Value::str(arn),
        Some(c) if !c.contains(':') && short(arn).split(':').next() == Some(c.as_str()) => Value::str(c),
        _ => Value::str(short(arn)),
    }
}

/// True when a change of capacity provider strategy needs a new service: ECS changes it in
/// place only with a new deployment, and never between a launch type and a strategy.
fn strategy_forces_new(schema: &Schema, prior: &Value, config: &Value, planned: &Value) -> bool {
    let (old, new) = (
        prior.get("capacity_provider_strategy"),
        planned.get("capacity_provider_strategy"),
    );
    let Some(block) = schema.blocks.get("capacity_provider_strategy") else {
        return false;
    };
    if new.has_unknown() || crate::plan::diff::blocks_match(&block.schema, block.nesting, new, old) {
        return false;
    }
    let len = |v: &Value| v.as_list().map_or(0, <[Value]>::len);
    let forced = config.get("force_new_deployment").as_bool() == Some(true);
    !forced || len(old) == 0 || len(new) == 0
}

/// The name an ARN ends in (`...:cluster/NAME`, `...:task-definition/FAMILY:REV`).
fn last_segment(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn to_state(s: &EcsService, prior: &Value) -> Value {
    let dc = s.deployment_configuration();
    let breaker = dc.and_then(|d| d.deployment_circuit_breaker()).map(|b| {
        Value::object([
            ("enable", Value::Bool(b.enable())),
            ("rollback", Value::Bool(b.rollback())),
        ])
    });
    let net = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|a| {
            Value::object([
                ("subnets", Value::List(a.subnets().iter().map(Value::str).collect())),
                (
                    "security_groups",
                    Value::List(a.security_groups().iter().map(Value::str).collect()),
                ),
                (
                    "assign_public_ip",
                    Value::Bool(a.assign_public_ip() == Some(&AssignPublicIp::Enabled)),
                ),
            ])
        });
    let lbs: Vec<Value> = s
        .load_balancers()
        .iter()
        .map(|lb| {
            Value::object([
                ("target_group_arn", Value::from(lb.target_group_arn())),
                ("elb_name", Value::from(lb.load_balancer_name())),
                ("container_name", Value::from(lb.container_name())),
                (
                    "container_port",
                    lb.container_port()
                        .map(|p| Value::from(p as i64))
                        .unwrap_or(Value::Null),
                ),
            ])
        })
        .collect();
    let alarms = dc.and_then(|d| d.alarms()).map(|a| {
        Value::object([
            (
                "alarm_names",
                Value::List(a.alarm_names().iter().map(Value::str).collect()),
            ),
            ("enable", Value::Bool(a.enable())),
            ("rollback", Value::Bool(a.rollback())),
        ])
    });
    let registries: Vec<Value> = s
        .service_registries()
        .iter()
        .map(|r| {
            let n = |v: Option<i32>| v.map(|n| Value::from(n as i64)).unwrap_or(Value::Null);
            Value::object([
                ("registry_arn", Value::from(r.registry_arn())),
                ("port", n(r.port())),
                ("container_name", Value::from(r.container_name())),
                ("container_port", n(r.container_port())),
            ])
        })
        .collect();
    let strategies: Vec<Value> = s
        .placement_strategy()
        .iter()
        .map(|p| {
            Value::object([
                ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
                ("field", Value::from(p.field())),
            ])
        })
        .collect();
    let constraints: Vec<Value> = s
        .placement_constraints()
        .iter()
        .map(|p| {
            Value::object([
                ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
                ("expression", Value::from(p.expression())),
            ])
        })
        .collect();
    let controller = s
        .deployment_controller()
        .map(|d| Value::object([("type", Value::str(d.r#type().as_str()))]));
    let tag_pairs = s.tags().iter().map(|t| {
        (
            t.key().unwrap_or_default().to_string(),
            t.value().unwrap_or_default().to_string(),
        )
    });
    let keep = |name: &str| prior.get(name).clone();
    let one = |o: Option<Value>| Value::List(o.into_iter().collect());
    let family_revision = |arn: &str| last_segment(arn);
    Value::object([
        ("id", Value::from(s.service_arn())),
        ("name", Value::from(s.service_name())),
        (
            "cluster",
            same_format(opt_str(prior, "cluster"), s.cluster_arn(), last_segment),
        ),
        (
            "task_definition",
            same_format(opt_str(prior, "task_definition"), s.task_definition(), family_revision),
        ),
        ("desired_count", Value::from(s.desired_count() as i64)),
        (
            "launch_type",
            Value::from(s.launch_type().map(|l| l.as_str().to_string())),
        ),
        ("platform_version", Value::from(s.platform_version())),
        (
            "scheduling_strategy",
            Value::str(s.scheduling_strategy().map(|x| x.as_str()).unwrap_or("REPLICA")),
        ),
        (
            "iam_role",
            match s.role_arn() {
                Some(arn) if opt_str(prior, "iam_role").is_some_and(|r| r.starts_with("arn:")) => Value::str(arn),
                Some(arn) => Value::str(last_segment(arn)),
                None => Value::Null,
            },
        ),
        (
            "deployment_maximum_percent",
            dc.and_then(|d| d.maximum_percent())
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::from(200)),
        ),
        (
            "deployment_minimum_healthy_percent",
            dc.and_then(|d| d.minimum_healthy_percent())
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::from(100)),
        ),
        (
            "health_check_grace_period_seconds",
            s.health_check_grace_period_seconds()
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::from(0)),
        ),
        ("enable_ecs_managed_tags", Value::Bool(s.enable_ecs_managed_tags())),
        ("enable_execute_command", Value::Bool(s.enable_execute_command())),
        (
            "propagate_tags",
            Value::str(s.propagate_tags().map(|p| p.as_str()).unwrap_or("NONE")),
        ),
        (
            "availability_zone_rebalancing",
            Value::from(s.availability_zone_rebalancing().map(|a| a.as_str().to_string())),
        ),
        ("force_new_deployment", keep("force_new_deployment")),
        (
            "wait_for_steady_state",
            Value::Bool(prior.get("wait_for_steady_state").as_bool() == Some(true)),
        ),
        ("triggers", keep("triggers")),
        ("network_configuration", one(net)),
        ("load_balancer", Value::List(lbs)),
        ("deployment_circuit_breaker", one(breaker)),
        ("deployment_controller", one(controller)),
        (
            "capacity_provider_strategy",
            super::strategy_state(s.capacity_provider_strategy()),
        ),
        ("service_registries", Value::List(registries)),
        ("ordered_placement_strategy", Value::List(strategies)),
        ("placement_constraints", Value::List(constraints)),
        ("alarms", one(alarms)),
        // ECS describes Service Connect per deployment, not per service; the provider keeps
        // what was configured, and so does this.
        ("service_connect_configuration", keep("service_connect_configuration")),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tag_pairs)),
    ])
}

/// `availability_zone_rebalancing` as ECS takes it.
fn rebalancing(planned: &Value) -> Option<AvailabilityZoneRebalancing> {
    opt_str(planned, "availability_zone_rebalancing").map(|v| AvailabilityZoneRebalancing::from(v.as_str()))
}

#[async_trait]
impl ResourceType for Service {
    fn type_name(&self) -> &'static str {
        "aws_ecs_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else {
            return Ok(None);
        };
        Ok(strategy_forces_new(&self.schema, prior, config, planned).then(|| {
            "capacity_provider_strategy changes (in place only with force_new_deployment, between two non-empty strategies)"
                .to_string()
        }))
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let cluster = opt_str(planned, "cluster");
        let strategy = opt_str(planned, "scheduling_strategy").unwrap_or_else(|| "REPLICA".into());
        let controller = first(planned, "deployment_controller")
            .and_then(|d| opt_str(d, "type"))
            .map(|t| {
                DeploymentController::builder()
                    .r#type(DeploymentControllerType::from(t.as_str()))
                    .build()
            })
            .transpose()
            .map_err(build_err)?;
        let lbs = load_balancers(planned);
        // The client token makes a retried create (after a lost answer, or by the run after a
        // killed one) return the same service.
        let token = ctx.token.clone();
        let request = self
            .c
            .ecs
            .create_service()
            .service_name(&name)
            .set_cluster(cluster.clone())
            .set_task_definition(opt_str(planned, "task_definition"))
            .set_desired_count((strategy != "DAEMON").then(|| number(planned, "desired_count").unwrap_or(0)))
            .set_launch_type(opt_str(planned, "launch_type").map(|l| LaunchType::from(l.as_str())))
            .set_platform_version(opt_str(planned, "platform_version"))
            .scheduling_strategy(SchedulingStrategy::from(strategy.as_str()))
            .set_role(opt_str(planned, "iam_role"))
            .deployment_configuration(deployment_configuration(planned)?)
            .set_deployment_controller(controller)
            .set_capacity_provider_strategy(
                Some(super::strategy(planned, "capacity_provider_strategy")?).filter(|s| !s.is_empty()),
            )
            .set_service_registries(Some(registries(planned)).filter(|r| !r.is_empty()))
            .set_placement_strategy(Some(placement_strategy(planned)).filter(|p| !p.is_empty()))
            .set_placement_constraints(Some(placement_constraints(planned)).filter(|p| !p.is_empty()))
            .set_service_connect_configuration(service_connect(planned)?)
            .set_health_check_grace_period_seconds(number(planned, "health_check_grace_period_seconds"))
            .enable_ecs_managed_tags(opt_bool(planned, "enable_ecs_managed_tags").unwrap_or(false))
            .enable_execute_command(opt_bool(planned, "enable_execute_command").unwrap_or(false))
            .set_propagate_tags(opt_str(planned, "propagate_tags").map(|p| PropagateTags::from(p.as_str())))
            .set_availability_zone_rebalancing(rebalancing(planned))
            .set_network_configuration(network(planned))
            .set_load_balancers(Some(lbs).filter(|l| !l.is_empty()))
            .set_tags(Some(super::ecs_tags(tags_to_write(ctx, planned))))
            .client_token(token);
        // A role created moments ago may not have reached ECS yet: ECS then rejects it as one
        // it cannot assume. IAM's propagation delay passes within a minute or two.
        let out = super::super::iam::retry_propagation(Duration::from_secs(120), || async {
            request.clone().send().await.map_err(aws_err)
        })
        .await?;
        let arn = out
            .service()
            .and_then(|s| s.service_arn())
            .ok_or_else(|| ProviderError::msg("CreateService returned no ARN"))?
            .to_string();
        let steady = opt_bool(planned, "wait_for_steady_state") == Some(true);
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        self.wait(cluster.as_deref(), &arn, steady, timeout).await?;
        let read = self
            .describe(cluster.as_deref(), &arn)
            .await?
            .map(|s| to_state(&s, planned));
        must_exist(read, "ECS service", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let cluster = cluster_of(id, prior);
        Ok(self
            .describe(cluster.as_deref(), id)
            .await?
            .map(|s| to_state(&s, prior)))
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let cluster = cluster_of(id, planned);
        let changed = |name: &str| prior.get(name) != planned.get(name);
        let settings = [
            "task_definition",
            "desired_count",
            "platform_version",
            "deployment_maximum_percent",
            "deployment_minimum_healthy_percent",
            "deployment_circuit_breaker",
            "health_check_grace_period_seconds",
            "enable_ecs_managed_tags",
            "enable_execute_command",
            "propagate_tags",
            "availability_zone_rebalancing",
            "network_configuration",
            "load_balancer",
            "force_new_deployment",
            "triggers",
            "capacity_provider_strategy",
            "service_registries",
            "ordered_placement_strategy",
            "placement_constraints",
            "alarms",
            "service_connect_configuration",
        ];
        if settings.iter().any(|s| changed(s)) {
            let mut req = self
                .c
                .ecs
                .update_service()
                .service(id)
                .set_cluster(cluster.clone())
                .force_new_deployment(opt_bool(planned, "force_new_deployment") == Some(true));
            if changed("task_definition") {
                req = req.set_task_definition(opt_str(planned, "task_definition"));
            }
            if changed("desired_count") {
                req = req.set_desired_count(number(planned, "desired_count"));
            }
            if changed("platform_version") {
                req = req.set_platform_version(opt_str(planned, "platform_version"));
            }
            if [
                "deployment_maximum_percent",
                "deployment_minimum_healthy_percent",
                "deployment_circuit_breaker",
                "alarms",
            ]
            .iter()
            .any(|s| changed(s))
            {
                let mut dc = deployment_configuration(planned)?;
                if dc.deployment_circuit_breaker.is_none() {
                    // An empty breaker removes the one set before.
                    dc.deployment_circuit_breaker = Some(DeploymentCircuitBreaker::builder().build());
                }
                req = req.deployment_configuration(dc);
            }
            if changed("health_check_grace_period_seconds") {
                req = req.set_health_check_grace_period_seconds(number(planned, "health_check_grace_period_seconds"));
            }
            if changed("enable_ecs_managed_tags") {
                req = req.set_enable_ecs_managed_tags(opt_bool(planned, "enable_ecs_managed_tags"));
            }
            if changed("enable_execute_command") {
                req = req.set_enable_execute_command(opt_bool(planned, "enable_execute_command"));
            }
            if changed("propagate_tags") {
                req =
                    req.set_propagate_tags(opt_str(planned, "propagate_tags").map(|p| PropagateTags::from(p.as_str())));
            }
            if changed("availability_zone_rebalancing") {
                req = req.set_availability_zone_rebalancing(rebalancing(planned));
            }
            if changed("network_configuration") {
                req = req.set_network_configuration(network(planned));
            }
            if changed("load_balancer") {
                req = req.set_load_balancers(Some(load_balancers(planned)));
            }
            if changed("capacity_provider_strategy") {
                req = req.set_capacity_provider_strategy(Some(super::strategy(planned, "capacity_provider_strategy")?));
            }
            if changed("service_registries") {
                req = req.set_service_registries(Some(registries(planned)));
            }
            if changed("ordered_placement_strategy") {
                req = req.set_placement_strategy(Some(placement_strategy(planned)));
            }
            if changed("placement_constraints") {
                req = req.set_placement_constraints(Some(placement_constraints(planned)));
            }
            if changed("service_connect_configuration") {
                req = req.set_service_connect_configuration(service_connect(planned)?);
            }
            super::super::iam::retry_propagation(Duration::from_secs(120), || async {
                req.clone().send().await.map_err(aws_err)
            })
            .await?;
            let steady = opt_bool(planned, "wait_for_steady_state") == Some(true);
            let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
            self.wait(cluster.as_deref(), id, steady, timeout).await?;
        }
        super::update_tags(&self.c.ecs, id, prior, planned).await?;
        let read = self
            .describe(cluster.as_deref(), id)
            .await?
            .map(|s| to_state(&s, planned));
        must_exist(read, "ECS service", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let cluster = cluster_of(id, prior);
        let Some(s) = self.describe(cluster.as_deref(), id).await? else {
            return Ok(());
        };
        // ECS refuses to delete a replica service still scaled above zero; drain it first.
        if s.status() != Some("DRAINING") && s.scheduling_strategy() != Some(&SchedulingStrategy::Daemon) {
            let r = self
                .c
                .ecs
                .update_service()
                .service(id)
                .set_cluster(cluster.clone())
                .desired_count(0)
                .send()
                .await
                .map_err(aws_err);
            absent_on(r, &["ServiceNotFoundException", "ServiceNotActiveException"])?;
        }
        let r = self
            .c
            .ecs
            .delete_service()
            .service(id)
            .set_cluster(cluster.clone())
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ServiceNotFoundException", "ClusterNotFoundException"])?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "INACTIVE", timeout), || async {
            Ok(match self.describe(cluster.as_deref(), id).await? {
                None => Poll::Ready(()),
                Some(s) if s.status() == Some("INACTIVE") => Poll::Ready(()),
                Some(s) => Poll::pending(s.status().unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["name", "cluster"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(s) = self.describe(opt_str(planned, "cluster").as_deref(), &name).await? else {
            return Ok(None);
        };
        let tags = s.tags().iter().filter_map(|t| Some((t.key()?, t.value()?)));
        Ok(owns(tags, ctx).then(|| s.service_arn().unwrap_or_default().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_comes_from_config_arn_or_import_id() {
        let none = Value::Null;
        assert_eq!(
            cluster_of("arn:aws:ecs:us-east-1:1:service/app/api", &none).as_deref(),
            Some("app")
        );
        assert_eq!(cluster_of("app/api", &none).as_deref(), Some("app"));
        assert_eq!(cluster_of("arn:aws:ecs:us-east-1:1:service/api", &none), None);
        let prior = Value::object([("cluster", Value::str("other"))]);
        assert_eq!(cluster_of("app/api", &prior).as_deref(), Some("other"));
    }

    #[test]
    fn short_forms_are_kept_as_configured() {
        let full = "arn:aws:ecs:us-east-1:1:task-definition/api:3";
        let arn = Some(full);
        assert_eq!(same_format(Some("api".into()), arn, last_segment), Value::str("api"));
        assert_eq!(
            same_format(Some("api:2".into()), arn, last_segment),
            Value::str("api:3")
        );
        assert_eq!(
            same_format(Some("arn:aws:x".into()), arn, last_segment),
            Value::str(full)
        );
        assert_eq!(same_format(None, arn, last_segment), Value::str("api:3"));
    }
}
