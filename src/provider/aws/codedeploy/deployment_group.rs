//! `aws_codedeploy_deployment_group`: where and how an application's deployments go (EC2 or
//! on-premises instances by tag, Auto Scaling groups, an ECS service, or a Lambda alias), with
//! its deployment style, blue/green settings, load balancers, triggers, alarms and automatic
//! rollback. As the provider does: the id is the group's id (import takes `APP:GROUP`); every
//! argument, the name included, changes in place with UpdateDeploymentGroup; a create or
//! update is retried while IAM has not yet made the service role usable or SNS has not yet
//! made a trigger's topic known. The group's name is unique in its application, so a run
//! killed after the create finds the group again by its name and this stack's tags.

use super::{arn, sync_tags, tags_of, to_sdk, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, first, must_exist, ok_on, opt_bool, opt_i32, opt_str, owns,
    read_beside, required, retry_while_matching, str_list, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn as valid_arn, int_between, items_at_most, len_between, not_empty, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_codedeploy::types::{
    Alarm, AlarmConfiguration, AutoRollbackConfiguration, AutoRollbackEvent, BlueGreenDeploymentConfiguration,
    BlueInstanceTerminationOption, DeploymentGroupInfo, DeploymentOption, DeploymentReadyAction, DeploymentReadyOption,
    DeploymentStyle, DeploymentType, Ec2TagFilter, Ec2TagFilterType, Ec2TagSet, EcsService, ElbInfo,
    GreenFleetProvisioningAction, GreenFleetProvisioningOption, InstanceAction, LoadBalancerInfo,
    OutdatedInstancesStrategy, TagFilter, TagFilterType, TargetGroupInfo, TargetGroupPairInfo, TrafficRoute,
    TriggerConfig, TriggerEventType,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_codedeploy_deployment_group` resource type.
pub struct DeploymentGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long a create or update is retried while IAM or SNS settles (the provider's 5 minutes).
const PROPAGATION: Duration = Duration::from_secs(5 * 60);

const TAG_FILTER_TYPES: &[&str] = &["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"];

impl DeploymentGroup {
    /// Creates the type with its clients; checks and defaults are the provider's.
    pub fn new(c: Arc<Clients>) -> DeploymentGroup {
        let mut d = resource("aws_codedeploy_deployment_group")
            .arg("app_name")
            .check(len_between(0, 100))
            .arg("deployment_group_name")
            .check(len_between(0, 100))
            .arg("service_role_arn")
            .check(valid_arn())
            .arg("deployment_config_name")
            .default("CodeDeployDefault.OneAtATime")
            .check(len_between(0, 100))
            .arg("outdated_instances_strategy")
            .default("UPDATE")
            .check(one_of(OutdatedInstancesStrategy::values()))
            .arg("deployment_style.deployment_option")
            .default("WITHOUT_TRAFFIC_CONTROL")
            .check(one_of(DeploymentOption::values()))
            .arg("deployment_style.deployment_type")
            .default("IN_PLACE")
            .check(one_of(DeploymentType::values()))
            .arg("alarm_configuration.alarms")
            .check(items_at_most(10))
            .arg("alarm_configuration.ignore_poll_alarm_failure")
            .default(false)
            .arg("blue_green_deployment_config.deployment_ready_option.action_on_timeout")
            .check(one_of(DeploymentReadyAction::values()))
            .arg("blue_green_deployment_config.green_fleet_provisioning_option.action")
            .check(one_of(GreenFleetProvisioningAction::values()))
            .arg("blue_green_deployment_config.terminate_blue_instances_on_deployment_success.action")
            .check(one_of(InstanceAction::values()))
            .arg("blue_green_deployment_config.terminate_blue_instances_on_deployment_success.termination_wait_time_in_minutes")
            .check(int_between(i64::MIN, 2880))
            .arg("ecs_service.cluster_name")
            .check(not_empty())
            .arg("ecs_service.service_name")
            .check(not_empty())
            .arg("load_balancer_info.target_group_pair_info.target_group.name")
            .check(not_empty())
            .arg("load_balancer_info.target_group_pair_info.prod_traffic_route.listener_arns")
            .check(valid_arn())
            .arg("load_balancer_info.target_group_pair_info.test_traffic_route.listener_arns")
            .check(valid_arn())
            .arg("trigger_configuration.trigger_events")
            .check(one_of(TriggerEventType::values()))
            .arg("trigger_configuration.trigger_target_arn")
            .check(valid_arn());
        for filter in [
            "ec2_tag_filter",
            "ec2_tag_set.ec2_tag_filter",
            "on_premises_instance_tag_filter",
        ] {
            d = d.arg(&format!("{filter}.type")).check(one_of(TAG_FILTER_TYPES));
        }
        let schema = d
            .args(&[
                "autoscaling_groups",
                "termination_hook_enabled",
                "deployment_style",
                "alarm_configuration",
                "auto_rollback_configuration",
                "blue_green_deployment_config",
                "ec2_tag_filter",
                "ec2_tag_set",
                "ecs_service",
                "load_balancer_info",
                "on_premises_instance_tag_filter",
                "trigger_configuration",
                "tags",
            ])
            .computed_blocks(&[
                "blue_green_deployment_config",
                "blue_green_deployment_config.green_fleet_provisioning_option",
            ])
            .build();
        DeploymentGroup { c, schema }
    }

    async fn get(&self, app: &str, group: &str) -> PResult<Option<DeploymentGroupInfo>> {
        let r = self
            .c
            .codedeploy
            .get_deployment_group()
            .application_name(app)
            .deployment_group_name(group)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.deployment_group_info().cloned()))
    }
}

/// Whether an error is IAM or SNS still settling, which the provider retries: the service
/// role not yet assumable, or a trigger's new topic not yet known.
fn settling(e: &ProviderError) -> bool {
    match e.code.as_deref() {
        Some("InvalidRoleException") => true,
        Some("InvalidTriggerConfigException") => e.message.contains("Topic ARN"),
        _ => false,
    }
}

/// The blocks of a nested block list (none when unset).
fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_list().unwrap_or_default()
}

fn ec2_filters(v: &Value, name: &str) -> Vec<Ec2TagFilter> {
    blocks(v, name)
        .iter()
        .map(|f| {
            Ec2TagFilter::builder()
                .set_key(opt_str(f, "key"))
                .set_value(opt_str(f, "value"))
                .set_type(opt_str(f, "type").map(|t| Ec2TagFilterType::from(t.as_str())))
                .build()
        })
        .collect()
}

fn on_premises_filters(v: &Value) -> Vec<TagFilter> {
    blocks(v, "on_premises_instance_tag_filter")
        .iter()
        .map(|f| {
            TagFilter::builder()
                .set_key(opt_str(f, "key"))
                .set_value(opt_str(f, "value"))
                .set_type(opt_str(f, "type").map(|t| TagFilterType::from(t.as_str())))
                .build()
        })
        .collect()
}

fn ec2_tag_set(v: &Value) -> Ec2TagSet {
    Ec2TagSet::builder()
        .set_ec2_tag_set_list(Some(
            blocks(v, "ec2_tag_set")
                .iter()
                .map(|s| ec2_filters(s, "ec2_tag_filter"))
                .collect(),
        ))
        .build()
}

fn triggers(v: &Value) -> Vec<TriggerConfig> {
    blocks(v, "trigger_configuration")
        .iter()
        .map(|t| {
            TriggerConfig::builder()
                .set_trigger_name(opt_str(t, "trigger_name"))
                .set_trigger_target_arn(opt_str(t, "trigger_target_arn"))
                .set_trigger_events(Some(
                    str_list(t, "trigger_events")
                        .iter()
                        .map(|e| TriggerEventType::from(e.as_str()))
                        .collect(),
                ))
                .build()
        })
        .collect()
}

/// `auto_rollback_configuration` as AWS takes it; no block turns rollback off, as the provider
/// sends it.
fn auto_rollback(v: &Value) -> AutoRollbackConfiguration {
    let b = first(v, "auto_rollback_configuration");
    AutoRollbackConfiguration::builder()
        .enabled(b.and_then(|b| opt_bool(b, "enabled")).unwrap_or(false))
        .set_events(Some(
            b.map(|b| str_list(b, "events"))
                .unwrap_or_default()
                .iter()
                .map(|e| AutoRollbackEvent::from(e.as_str()))
                .collect(),
        ))
        .build()
}

/// `alarm_configuration` as AWS takes it; no block turns alarms off, as the provider sends it.
fn alarms(v: &Value) -> AlarmConfiguration {
    let b = first(v, "alarm_configuration");
    AlarmConfiguration::builder()
        .enabled(b.and_then(|b| opt_bool(b, "enabled")).unwrap_or(false))
        .ignore_poll_alarm_failure(
            b.and_then(|b| opt_bool(b, "ignore_poll_alarm_failure"))
                .unwrap_or(false),
        )
        .set_alarms(Some(
            b.map(|b| str_list(b, "alarms"))
                .unwrap_or_default()
                .into_iter()
                .map(|name| Alarm::builder().name(name).build())
                .collect(),
        ))
        .build()
}

fn deployment_style(v: &Value) -> Option<DeploymentStyle> {
    let b = first(v, "deployment_style")?;
    Some(
        DeploymentStyle::builder()
            .set_deployment_option(opt_str(b, "deployment_option").map(|o| DeploymentOption::from(o.as_str())))
            .set_deployment_type(opt_str(b, "deployment_type").map(|t| DeploymentType::from(t.as_str())))
            .build(),
    )
}

fn traffic_route(v: &Value, name: &str) -> Option<TrafficRoute> {
    first(v, name).map(|r| {
        TrafficRoute::builder()
            .set_listener_arns(Some(str_list(r, "listener_arns")))
            .build()
    })
}

fn target_groups(v: &Value, name: &str) -> Vec<TargetGroupInfo> {
    blocks(v, name)
        .iter()
        .map(|t| TargetGroupInfo::builder().set_name(opt_str(t, "name")).build())
        .collect()
}

/// `load_balancer_info` as AWS takes it; no block clears it, as the provider sends it.
fn load_balancer_info(v: &Value) -> LoadBalancerInfo {
    let Some(b) = first(v, "load_balancer_info") else {
        return LoadBalancerInfo::builder().build();
    };
    LoadBalancerInfo::builder()
        .set_elb_info_list(nonempty(
            blocks(b, "elb_info")
                .iter()
                .map(|e| ElbInfo::builder().set_name(opt_str(e, "name")).build())
                .collect(),
        ))
        .set_target_group_info_list(nonempty(target_groups(b, "target_group_info")))
        .set_target_group_pair_info_list(nonempty(
            blocks(b, "target_group_pair_info")
                .iter()
                .map(|p| {
                    TargetGroupPairInfo::builder()
                        .set_target_groups(Some(target_groups(p, "target_group")))
                        .set_prod_traffic_route(traffic_route(p, "prod_traffic_route"))
                        .set_test_traffic_route(traffic_route(p, "test_traffic_route"))
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn nonempty<T>(l: Vec<T>) -> Option<Vec<T>> {
    (!l.is_empty()).then_some(l)
}

fn blue_green(v: &Value) -> Option<BlueGreenDeploymentConfiguration> {
    let b = first(v, "blue_green_deployment_config")?;
    Some(
        BlueGreenDeploymentConfiguration::builder()
            .set_deployment_ready_option(first(b, "deployment_ready_option").map(|o| {
                DeploymentReadyOption::builder()
                    .set_action_on_timeout(
                        opt_str(o, "action_on_timeout").map(|a| DeploymentReadyAction::from(a.as_str())),
                    )
                    .set_wait_time_in_minutes(opt_i32(o, "wait_time_in_minutes"))
                    .build()
            }))
            .set_green_fleet_provisioning_option(first(b, "green_fleet_provisioning_option").map(|o| {
                GreenFleetProvisioningOption::builder()
                    .set_action(opt_str(o, "action").map(|a| GreenFleetProvisioningAction::from(a.as_str())))
                    .build()
            }))
            .set_terminate_blue_instances_on_deployment_success(
                first(b, "terminate_blue_instances_on_deployment_success").map(|o| {
                    BlueInstanceTerminationOption::builder()
                        .set_action(opt_str(o, "action").map(|a| InstanceAction::from(a.as_str())))
                        .set_termination_wait_time_in_minutes(opt_i32(o, "termination_wait_time_in_minutes"))
                        .build()
                }),
            )
            .build(),
    )
}

fn ecs_services(v: &Value) -> Vec<EcsService> {
    blocks(v, "ecs_service")
        .iter()
        .map(|s| {
            EcsService::builder()
                .set_cluster_name(opt_str(s, "cluster_name"))
                .set_service_name(opt_str(s, "service_name"))
                .build()
        })
        .collect()
}

/// A string AWS answered, null when it is absent or empty (the provider leaves such filter
/// fields unset).
fn text(v: Option<&str>) -> Value {
    Value::from(v.filter(|s| !s.is_empty()))
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::List(items.into_iter().map(Value::str).collect())
}

fn one(v: Option<Value>) -> Value {
    Value::List(v.into_iter().collect())
}

fn filter_value(key: Option<&str>, kind: Option<&str>, value: Option<&str>) -> Value {
    Value::object([("key", text(key)), ("type", text(kind)), ("value", text(value))])
}

fn ec2_filters_state(filters: &[Ec2TagFilter]) -> Value {
    Value::List(
        filters
            .iter()
            .map(|f| filter_value(f.key(), f.r#type().map(|t| t.as_str()), f.value()))
            .collect(),
    )
}

fn load_balancer_state(lb: Option<&LoadBalancerInfo>) -> Value {
    let names = |l: &[TargetGroupInfo]| {
        Value::List(
            l.iter()
                .map(|t| Value::object([("name", Value::from(t.name()))]))
                .collect(),
        )
    };
    let route = |r: Option<&TrafficRoute>| {
        one(r.map(|r| Value::object([("listener_arns", strings(r.listener_arns().iter().map(String::as_str)))])))
    };
    one(lb.map(|lb| {
        Value::object([
            (
                "elb_info",
                Value::List(
                    lb.elb_info_list()
                        .iter()
                        .map(|e| Value::object([("name", Value::from(e.name()))]))
                        .collect(),
                ),
            ),
            ("target_group_info", names(lb.target_group_info_list())),
            (
                "target_group_pair_info",
                Value::List(
                    lb.target_group_pair_info_list()
                        .iter()
                        .map(|p| {
                            Value::object([
                                ("prod_traffic_route", route(p.prod_traffic_route())),
                                ("target_group", names(p.target_groups())),
                                ("test_traffic_route", route(p.test_traffic_route())),
                            ])
                        })
                        .collect(),
                ),
            ),
        ])
    }))
}

fn blue_green_state(b: Option<&BlueGreenDeploymentConfiguration>) -> Value {
    let n = |v: i32| Value::from(i64::from(v));
    one(b.map(|b| {
        Value::object([
            (
                "deployment_ready_option",
                one(b.deployment_ready_option().map(|o| {
                    Value::object([
                        (
                            "action_on_timeout",
                            Value::from(o.action_on_timeout().map(|a| a.as_str())),
                        ),
                        ("wait_time_in_minutes", n(o.wait_time_in_minutes())),
                    ])
                })),
            ),
            (
                "green_fleet_provisioning_option",
                one(b
                    .green_fleet_provisioning_option()
                    .map(|o| Value::object([("action", Value::from(o.action().map(|a| a.as_str())))]))),
            ),
            (
                "terminate_blue_instances_on_deployment_success",
                one(b.terminate_blue_instances_on_deployment_success().map(|o| {
                    Value::object([
                        ("action", Value::from(o.action().map(|a| a.as_str()))),
                        (
                            "termination_wait_time_in_minutes",
                            n(o.termination_wait_time_in_minutes()),
                        ),
                    ])
                })),
            ),
        ])
    }))
}

/// The group as state holds it (the provider's read and its flatteners: alarm and rollback
/// settings appear only while enabled or still listing alarms or events).
fn to_state(g: &DeploymentGroupInfo, arn: String, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let alarm = g
        .alarm_configuration()
        .filter(|a| a.enabled() || !a.alarms().is_empty())
        .map(|a| {
            Value::object([
                ("alarms", strings(a.alarms().iter().filter_map(|x| x.name()))),
                ("enabled", Value::Bool(a.enabled())),
                ("ignore_poll_alarm_failure", Value::Bool(a.ignore_poll_alarm_failure())),
            ])
        });
    let rollback = g
        .auto_rollback_configuration()
        .filter(|r| r.enabled() || !r.events().is_empty())
        .map(|r| {
            Value::object([
                ("enabled", Value::Bool(r.enabled())),
                ("events", strings(r.events().iter().map(|e| e.as_str()))),
            ])
        });
    let style = g.deployment_style().map(|s| {
        Value::object([
            (
                "deployment_option",
                Value::from(s.deployment_option().map(|o| o.as_str())),
            ),
            ("deployment_type", Value::from(s.deployment_type().map(|t| t.as_str()))),
        ])
    });
    let tag_set = g.ec2_tag_set().map(|s| s.ec2_tag_set_list()).unwrap_or_default();
    Value::object([
        ("id", Value::from(g.deployment_group_id())),
        ("arn", Value::str(arn)),
        ("app_name", Value::from(g.application_name())),
        ("deployment_group_name", Value::from(g.deployment_group_name())),
        ("deployment_group_id", Value::from(g.deployment_group_id())),
        ("deployment_config_name", Value::from(g.deployment_config_name())),
        (
            "compute_platform",
            Value::from(g.compute_platform().map(|p| p.as_str())),
        ),
        ("service_role_arn", Value::from(g.service_role_arn())),
        (
            "outdated_instances_strategy",
            Value::from(g.outdated_instances_strategy().map(|s| s.as_str())),
        ),
        ("termination_hook_enabled", Value::Bool(g.termination_hook_enabled())),
        (
            "autoscaling_groups",
            strings(g.auto_scaling_groups().iter().filter_map(|a| a.name())),
        ),
        ("deployment_style", one(style)),
        (
            "ec2_tag_set",
            Value::List(
                tag_set
                    .iter()
                    .map(|filters| Value::object([("ec2_tag_filter", ec2_filters_state(filters))]))
                    .collect(),
            ),
        ),
        ("ec2_tag_filter", ec2_filters_state(g.ec2_tag_filters())),
        (
            "ecs_service",
            Value::List(
                g.ecs_services()
                    .iter()
                    .map(|s| {
                        Value::object([
                            ("cluster_name", Value::from(s.cluster_name())),
                            ("service_name", Value::from(s.service_name())),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "on_premises_instance_tag_filter",
            Value::List(
                g.on_premises_instance_tag_filters()
                    .iter()
                    .map(|f| filter_value(f.key(), f.r#type().map(|t| t.as_str()), f.value()))
                    .collect(),
            ),
        ),
        (
            "trigger_configuration",
            Value::List(
                g.trigger_configurations()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("trigger_events", strings(t.trigger_events().iter().map(|e| e.as_str()))),
                            ("trigger_name", Value::from(t.trigger_name())),
                            ("trigger_target_arn", Value::from(t.trigger_target_arn())),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("auto_rollback_configuration", one(rollback)),
        ("alarm_configuration", one(alarm)),
        ("load_balancer_info", load_balancer_state(g.load_balancer_info())),
        (
            "blue_green_deployment_config",
            blue_green_state(g.blue_green_deployment_configuration()),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

/// The application and group names of a group: from state, or from the `APP:GROUP` id that
/// import takes.
fn names_of(id: &str, prior: &Value) -> PResult<(String, String)> {
    if let (Some(app), Some(group)) = (opt_str(prior, "app_name"), opt_str(prior, "deployment_group_name")) {
        return Ok((app, group));
    }
    id.split_once(':')
        .map(|(a, g)| (a.to_string(), g.to_string()))
        .ok_or_else(|| {
            ProviderError::msg(format!(
                "expected ID in format ApplicationName:DeploymentGroupName, received: {id}"
            ))
        })
}

#[async_trait]
impl ResourceType for DeploymentGroup {
    fn type_name(&self) -> &'static str {
        "aws_codedeploy_deployment_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let app = required(planned, "app_name")?;
        let name = required(planned, "deployment_group_name")?;
        let tags = to_sdk(tags_to_write(ctx, planned));
        let lists = |l: Vec<String>| (!l.is_empty()).then_some(l);
        let out = retry_while_matching(settling, PROPAGATION, || async {
            self.c
                .codedeploy
                .create_deployment_group()
                .application_name(&app)
                .deployment_group_name(&name)
                .set_service_role_arn(opt_str(planned, "service_role_arn"))
                .set_deployment_config_name(opt_str(planned, "deployment_config_name"))
                .set_deployment_style(deployment_style(planned))
                .set_auto_scaling_groups(lists(str_list(planned, "autoscaling_groups")))
                .set_on_premises_instance_tag_filters(Some(on_premises_filters(planned)).filter(|f| !f.is_empty()))
                .set_ec2_tag_set((!blocks(planned, "ec2_tag_set").is_empty()).then(|| ec2_tag_set(planned)))
                .set_ec2_tag_filters(Some(ec2_filters(planned, "ec2_tag_filter")).filter(|f| !f.is_empty()))
                .set_ecs_services(Some(ecs_services(planned)).filter(|s| !s.is_empty()))
                .set_trigger_configurations(Some(triggers(planned)).filter(|t| !t.is_empty()))
                .set_auto_rollback_configuration(
                    first(planned, "auto_rollback_configuration").map(|_| auto_rollback(planned)),
                )
                .set_alarm_configuration(first(planned, "alarm_configuration").map(|_| alarms(planned)))
                .set_load_balancer_info(first(planned, "load_balancer_info").map(|_| load_balancer_info(planned)))
                .set_blue_green_deployment_configuration(blue_green(planned))
                .set_outdated_instances_strategy(
                    opt_str(planned, "outdated_instances_strategy")
                        .map(|s| OutdatedInstancesStrategy::from(s.as_str())),
                )
                .set_termination_hook_enabled(opt_bool(planned, "termination_hook_enabled"))
                .set_tags(Some(tags.clone()).filter(|t| !t.is_empty()))
                .send()
                .await
                .map_err(aws_err)
        })
        .await
        .map_err(|e| e.context("creating CodeDeploy deployment group"))?;
        let id = out.deployment_group_id().unwrap_or_default().to_string();
        must_exist(self.read(ctx, &id, planned).await?, "CodeDeploy deployment group", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (app, group) = names_of(id, prior)?;
        let arn = arn(&self.c, &format!("deploymentgroup:{app}/{group}")).await?;
        let Some((g, tags)) = read_beside(self.get(&app, &group), tags_of(&self.c, &arn)).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&g, arn, tags, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| differs(prior, planned, k);
        let settings = [
            "app_name",
            "deployment_group_name",
            "service_role_arn",
            "deployment_config_name",
            "deployment_style",
            "autoscaling_groups",
            "on_premises_instance_tag_filter",
            "ec2_tag_set",
            "ec2_tag_filter",
            "ecs_service",
            "trigger_configuration",
            "auto_rollback_configuration",
            "alarm_configuration",
            "load_balancer_info",
            "blue_green_deployment_config",
            "outdated_instances_strategy",
            "termination_hook_enabled",
        ];
        if settings.iter().any(|k| changed(k)) {
            let old_name = required(prior, "deployment_group_name")?;
            let new_name = required(planned, "deployment_group_name")?;
            let is_ecs = first(planned, "ecs_service").is_some();
            retry_while_matching(settling, PROPAGATION, || async {
                let mut call = self
                    .c
                    .codedeploy
                    .update_deployment_group()
                    .application_name(required(planned, "app_name")?)
                    .current_deployment_group_name(&old_name)
                    .set_service_role_arn(opt_str(planned, "service_role_arn"));
                if old_name != new_name {
                    call = call.new_deployment_group_name(&new_name);
                }
                if changed("deployment_style") {
                    call = call.set_deployment_style(deployment_style(planned));
                }
                if changed("deployment_config_name") {
                    call = call.set_deployment_config_name(opt_str(planned, "deployment_config_name"));
                }
                // As the provider: the groups go along when the blue/green settings change,
                // but for ECS.
                if changed("autoscaling_groups") || (changed("blue_green_deployment_config") && !is_ecs) {
                    call = call.set_auto_scaling_groups(Some(str_list(planned, "autoscaling_groups")));
                }
                if changed("on_premises_instance_tag_filter") {
                    call = call.set_on_premises_instance_tag_filters(Some(on_premises_filters(planned)));
                }
                if changed("ec2_tag_set") {
                    call = call.ec2_tag_set(ec2_tag_set(planned));
                }
                if changed("ec2_tag_filter") {
                    call = call.set_ec2_tag_filters(Some(ec2_filters(planned, "ec2_tag_filter")));
                }
                if changed("ecs_service") {
                    call = call.set_ecs_services(Some(ecs_services(planned)));
                }
                if changed("trigger_configuration") {
                    call = call.set_trigger_configurations(Some(triggers(planned)));
                }
                if changed("auto_rollback_configuration") {
                    call = call.auto_rollback_configuration(auto_rollback(planned));
                }
                if changed("alarm_configuration") {
                    call = call.alarm_configuration(alarms(planned));
                }
                if changed("load_balancer_info") {
                    call = call.load_balancer_info(load_balancer_info(planned));
                }
                if changed("blue_green_deployment_config") {
                    call = call.set_blue_green_deployment_configuration(blue_green(planned));
                }
                if changed("outdated_instances_strategy") {
                    // Unset goes back to AWS's default, as the provider sends it.
                    let s = opt_str(planned, "outdated_instances_strategy").unwrap_or_else(|| "UPDATE".into());
                    call = call.outdated_instances_strategy(OutdatedInstancesStrategy::from(s.as_str()));
                }
                if changed("termination_hook_enabled") {
                    call =
                        call.termination_hook_enabled(opt_bool(planned, "termination_hook_enabled").unwrap_or(false));
                }
                call.send().await.map_err(aws_err)
            })
            .await
            .map_err(|e| e.context(format!("updating CodeDeploy deployment group ({id})")))?;
        }
        let app = required(planned, "app_name")?;
        let name = required(planned, "deployment_group_name")?;
        let arn = arn(&self.c, &format!("deploymentgroup:{app}/{name}")).await?;
        sync_tags(&self.c, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "CodeDeploy deployment group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (app, group) = names_of(id, prior)?;
        let r = self
            .c
            .codedeploy
            .delete_deployment_group()
            .application_name(&app)
            .deployment_group_name(&group)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["app_name", "deployment_group_name"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(app), Some(group)) = (opt_str(planned, "app_name"), opt_str(planned, "deployment_group_name")) else {
            return Ok(None);
        };
        let Some(g) = self.get(&app, &group).await? else {
            return Ok(None);
        };
        let tags = tags_of(&self.c, &arn(&self.c, &format!("deploymentgroup:{app}/{group}")).await?).await?;
        let mine = ctx.resumed || owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx);
        Ok(mine.then(|| g.deployment_group_id().unwrap_or_default().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_state_or_the_import_id() {
        let prior = Value::object([
            ("app_name", Value::str("app")),
            ("deployment_group_name", Value::str("blue")),
        ]);
        assert_eq!(names_of("uuid", &prior).unwrap(), ("app".into(), "blue".into()));
        assert_eq!(
            names_of("app:green", &Value::Null).unwrap(),
            ("app".into(), "green".into())
        );
        assert!(names_of("no-separator", &Value::Null)
            .unwrap_err()
            .message
            .contains("ApplicationName:DeploymentGroupName"));
    }

    #[test]
    fn no_rollback_or_alarm_block_turns_them_off() {
        let r = auto_rollback(&Value::object::<&str>([]));
        assert!(!r.enabled());
        assert!(r.events().is_empty());
        let a = alarms(&Value::object::<&str>([]));
        assert!(!a.enabled() && a.alarms().is_empty());
    }
}
