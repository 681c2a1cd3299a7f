//! `aws_autoscaling_group`: a group of EC2 instances launched from a launch template (or a
//! launch configuration), across subnets or zones, attached to load balancers or target groups.
//! As the AWS provider does: a create waits until the group has its capacity in service, and
//! healthy in its target groups when asked (`wait_for_capacity_timeout`, `min_elb_capacity`,
//! `wait_for_elb_capacity`; Classic Load Balancer health is not waited for yet); changes are
//! made in place with UpdateAutoScalingGroup, the tag, load balancer, target group, process
//! and metrics calls; a delete first drains the group (sizes to 0, waits for its instances to
//! go) unless `force_delete` is set, then waits for the group to be gone. The `tag` blocks are
//! the group's tags, each saying whether instances inherit it. A mixed instances policy (see
//! [`super::mixed_instances`]) takes the launch template's place; a warm pool
//! ([`super::warm_pool`]), initial lifecycle hooks ([`super::initial_hooks`]) and an instance
//! maintenance policy ([`super::maintenance`]) are set as the provider sets them, and a change to
//! what instances launch from starts an instance refresh ([`super::instance_refresh`]). Traffic
//! sources, the zone distribution and capacity reservations are in [`super::group_blocks`].

use super::{group_blocks, initial_hooks, instance_refresh, maintenance, mixed_instances, warm_pool, ABSENT_MESSAGE};
use crate::duration::parse_go_duration;
use crate::provider::aws::common::{
    aws_err, differs, first, must_exist, name_or_generated, name_prefix_read, op_timeout, opt_bool, opt_i32, opt_str,
    str_list, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::instance_requirements;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType, ADDRESS_TAG, STACK_TAG};
use crate::schema::validators::{any_of, arn, int_at_least, int_between, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::state::Keeper;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_autoscaling::types::{AutoScalingGroup, Filter, LaunchTemplateSpecification, Tag};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_autoscaling_group` resource type.
pub struct AutoscalingGroup {
    c: Arc<Clients>,
    schema: Schema,
}

/// The termination policy AWS gives a group that names none.
const DEFAULT_TERMINATION: &str = "Default";

/// The metrics granularity the provider assumes (the only one AWS has).
const GRANULARITY: &str = "1Minute";

impl AutoscalingGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AutoscalingGroup {
        let decl = resource("aws_autoscaling_group")
            .arg("name")
            .force_new()
            .check(len_between(0, 255))
            .arg("name_prefix")
            .force_new()
            .check(len_between(0, 255 - 26))
            .arg("health_check_grace_period")
            .default(300)
            .arg("force_delete")
            .default(false)
            .arg("force_delete_warm_pool")
            .default(false)
            .arg("ignore_failed_scaling_activities")
            .default(false)
            .arg("metrics_granularity")
            .default(GRANULARITY)
            .arg("protect_from_scale_in")
            .default(false)
            .arg("wait_for_capacity_timeout")
            .default("10m")
            .arg("desired_capacity_type")
            .check(one_of(&["units", "vcpu", "memory-mib"]))
            .arg("launch_template.version")
            .check(len_between(1, 255))
            .arg("launch_template.id")
            .check(matches(
                r"^lt-[a-z0-9]+$",
                "an id that begins with 'lt-', then lowercase letters and digits",
            ))
            .arg("launch_template.name")
            .check(len_between(3, 125))
            .check(matches(
                r"^[0-9A-Za-z()./_\-]+$",
                "only letters, digits and ()./_- symbols",
            ))
            .args(&[
                "min_size",
                "max_size",
                "service_linked_role_arn",
                "suspended_processes",
                "max_instance_lifetime",
                "desired_capacity",
                "default_cooldown",
                "default_instance_warmup",
                "health_check_type",
                "availability_zones",
                "vpc_zone_identifier",
                "launch_configuration",
                "launch_template",
                "load_balancers",
                "target_group_arns",
                "termination_policies",
                "enabled_metrics",
                "capacity_rebalance",
                "placement_group",
                "context",
                "min_elb_capacity",
                "wait_for_elb_capacity",
                "tag",
                "mixed_instances_policy",
                "traffic_source",
                "availability_zone_distribution",
                "capacity_reservation_specification",
            ])
            .computed_blocks(&[
                "mixed_instances_policy.instances_distribution",
                "traffic_source",
                "availability_zone_distribution",
                "capacity_reservation_specification",
            ])
            .arg("traffic_source.identifier")
            .check(len_between(1, 2048))
            .arg("traffic_source.type")
            .check(len_between(1, 2048))
            .rule(Rule::Conflicts(&["traffic_source", "load_balancers"]))
            .rule(Rule::Conflicts(&["traffic_source", "target_group_arns"]))
            .arg("availability_zone_distribution.capacity_distribution_strategy")
            .default("balanced-best-effort")
            .check(one_of(&["balanced-only", "balanced-best-effort"]))
            .arg("capacity_reservation_specification.capacity_reservation_preference")
            .live_if_unset()
            .check(one_of(&[
                "capacity-reservations-only",
                "capacity-reservations-first",
                "none",
                "default",
            ]))
            .rule_in(
                "capacity_reservation_specification.capacity_reservation_target",
                Rule::Conflicts(&["capacity_reservation_ids", "capacity_reservation_resource_group_arns"]),
            )
            .arg("mixed_instances_policy.instances_distribution.on_demand_base_capacity")
            .check(int_at_least(0))
            .arg("mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity")
            .check(int_between(0, 100))
            .arg("mixed_instances_policy.instances_distribution.spot_instance_pools")
            .check(int_at_least(0))
            .arg("mixed_instances_policy.launch_template.override.weighted_capacity")
            .check(matches(r"^[1-9][0-9]{0,2}$", "a whole number from 1 to 999"))
            .arg("warm_pool")
            .arg("warm_pool.max_group_prepared_capacity")
            .default(-1)
            .check(int_at_least(-1))
            .arg("warm_pool.min_size")
            .default(0)
            .check(int_at_least(0))
            .arg("warm_pool.pool_state")
            .default("Stopped")
            .check(one_of(&["Stopped", "Running", "Hibernated"]))
            .arg("warm_pool.instance_reuse_policy.reuse_on_scale_in")
            .default(false)
            .arg("instance_maintenance_policy")
            .arg("instance_maintenance_policy.min_healthy_percentage")
            .check(int_between(-1, 100))
            .arg("instance_maintenance_policy.max_healthy_percentage")
            .check(any_of(vec![int_between(100, 200), int_between(-1, -1)]))
            .arg("initial_lifecycle_hook")
            .force_new()
            .arg("initial_lifecycle_hook.name")
            .check(len_between(1, 255))
            .check(matches(initial_hooks::NAME_PATTERN.0, initial_hooks::NAME_PATTERN.1))
            .arg("initial_lifecycle_hook.default_result")
            .check(one_of(initial_hooks::RESULTS))
            .arg("initial_lifecycle_hook.heartbeat_timeout")
            .check(int_between(30, 7200))
            .arg("initial_lifecycle_hook.lifecycle_transition")
            .check(one_of(initial_hooks::TRANSITIONS))
            .arg("initial_lifecycle_hook.notification_target_arn")
            .check(arn())
            .arg("initial_lifecycle_hook.role_arn")
            .check(arn())
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .rule(Rule::Conflicts(&["availability_zones", "vpc_zone_identifier"]))
            .rule(Rule::ExactlyOne(&[
                "launch_configuration",
                "launch_template",
                "mixed_instances_policy",
            ]))
            .rule_in("launch_template", Rule::Conflicts(&["id", "name"]))
            .timeouts(0, 10, 10);
        let overrides = "mixed_instances_policy.launch_template.override.instance_requirements";
        let schema = instance_requirements::declare(instance_refresh::declare(decl), overrides).build();
        AutoscalingGroup { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<AutoScalingGroup>> {
        let out = self
            .c
            .autoscaling
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(name)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.auto_scaling_groups().first().cloned())
    }

    async fn must_describe(&self, name: &str) -> PResult<AutoScalingGroup> {
        self.describe(name)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("Auto Scaling Group {name} not found")))
    }

    /// Waits, as the provider does, until the group has its capacity in service: the desired
    /// capacity (or the minimum size) of healthy InService instances, each counting for its
    /// weight when the group's overrides weigh instance types, and, when
    /// `wait_for_elb_capacity` (or on a create `min_elb_capacity`) asks for it, that many
    /// instances healthy in every target group of the group. `wait_for_capacity_timeout` "0"
    /// skips the wait.
    async fn wait_for_capacity(&self, name: &str, planned: &Value, creating: bool) -> PResult<()> {
        let text = opt_str(planned, "wait_for_capacity_timeout").unwrap_or_else(|| "10m".into());
        let timeout = parse_go_duration(&text).unwrap_or(Duration::from_secs(600));
        if timeout.is_zero() {
            return Ok(());
        }
        let want = opt_i32(planned, "desired_capacity")
            .filter(|d| *d > 0)
            .or_else(|| opt_i32(planned, "min_size"))
            .unwrap_or(0);
        let want_elb = opt_i32(planned, "wait_for_elb_capacity")
            .or_else(|| opt_i32(planned, "min_elb_capacity").filter(|_| creating))
            .unwrap_or(0);
        if want_elb > 0 && !str_list(planned, "load_balancers").is_empty() {
            return Err(ProviderError::msg(
                "waiting for Classic Load Balancer health (load_balancers with min_elb_capacity or wait_for_elb_capacity) is not supported by infractl yet",
            ));
        }
        let groups = str_list(planned, "target_group_arns");
        let goal = if want_elb > 0 {
            format!("{want} healthy instances in service, {want_elb} healthy in its target groups")
        } else {
            format!("{want} healthy instances in service")
        };
        wait_for(Wait::new(name, goal, timeout), || async {
            let g = self.must_describe(name).await?;
            let healthy: Vec<(&str, i32)> = g
                .instances()
                .iter()
                .filter(|i| {
                    i.lifecycle_state().map(|s| s.as_str()) == Some("InService")
                        && i.health_status().is_some_and(|h| h.eq_ignore_ascii_case("healthy"))
                })
                .filter_map(|i| Some((i.instance_id()?, weight(i.weighted_capacity()))))
                .collect();
            let in_service: i32 = healthy.iter().map(|(_, w)| w).sum();
            if in_service < want {
                return Ok(Poll::pending(format!("{in_service} in service")));
            }
            if want_elb > 0 {
                let in_elb = self.healthy_in_every_group(&groups, &healthy).await?;
                if in_elb < want_elb {
                    return Ok(Poll::pending(format!("{in_elb} healthy in the target groups")));
                }
            }
            Ok(Poll::Ready(()))
        })
        .await
    }

    /// The capacity (instances by their weights) of `instances` that every target group in
    /// `groups` reports healthy.
    async fn healthy_in_every_group(&self, groups: &[String], instances: &[(&str, i32)]) -> PResult<i32> {
        let mut count: std::collections::HashMap<String, usize> = Default::default();
        for tg in groups {
            let out = self
                .c
                .elbv2
                .describe_target_health()
                .target_group_arn(tg)
                .send()
                .await
                .map_err(aws_err)?;
            for d in out.target_health_descriptions() {
                let healthy = d.target_health().and_then(|h| h.state()).map(|s| s.as_str()) == Some("healthy");
                if let (true, Some(id)) = (healthy, d.target().and_then(|t| t.id())) {
                    *count.entry(id.to_string()).or_default() += 1;
                }
            }
        }
        Ok(instances
            .iter()
            .filter(|(i, _)| count.get(*i).copied().unwrap_or(0) == groups.len())
            .map(|(_, w)| w)
            .sum())
    }

    /// The group's tags from the `tag` blocks, with infractl's ownership tags beside them
    /// (instances do not inherit those).
    fn tags(&self, ctx: &CallCtx, name: &str, planned: &Value) -> Vec<Tag> {
        let mut tags: Vec<Tag> = planned
            .get("tag")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|t| {
                tag(
                    name,
                    &opt_str(t, "key").unwrap_or_default(),
                    &t.get("value").to_plain_string().unwrap_or_default(),
                    opt_bool(t, "propagate_at_launch").unwrap_or(false),
                )
            })
            .collect();
        tags.extend(ctx.system_tags().into_iter().map(|(k, v)| tag(name, &k, &v, false)));
        tags
    }

    fn to_state(&self, ctx: &CallCtx, g: &AutoScalingGroup, prior: &Value) -> Value {
        let s = |v: Option<&str>| Value::from(v);
        let n = |v: Option<i32>| Value::from(v.map(i64::from));
        let strings = |v: &[String]| Value::List(v.iter().map(Value::str).collect());
        let name = g.auto_scaling_group_name();
        let ownership = ctx.keeper == Keeper::Infractl;
        let tags: Vec<Value> = g
            .tags()
            .iter()
            .filter(|t| !(ownership && matches!(t.key(), Some(STACK_TAG | ADDRESS_TAG))))
            .map(|t| {
                Value::object([
                    ("key", s(t.key())),
                    ("value", Value::str(t.value().unwrap_or_default())),
                    (
                        "propagate_at_launch",
                        Value::Bool(t.propagate_at_launch().unwrap_or(false)),
                    ),
                ])
            })
            .collect();
        let metrics: Vec<Value> = g
            .enabled_metrics()
            .iter()
            .filter_map(|m| m.metric())
            .map(Value::str)
            .collect();
        let granularity = g
            .enabled_metrics()
            .first()
            .and_then(|m| m.granularity())
            .unwrap_or(GRANULARITY);
        let policies = g.termination_policies();
        let configured_policies = !str_list(prior, "termination_policies").is_empty();
        let zones: Vec<Value> = g
            .vpc_zone_identifier()
            .filter(|z| !z.is_empty())
            .map(|z| z.split(',').map(Value::str).collect())
            .unwrap_or_default();
        Value::object([
            ("id", s(name)),
            ("arn", s(g.auto_scaling_group_arn())),
            ("name", s(name)),
            ("name_prefix", name_prefix_read(prior, name, "")),
            ("availability_zones", strings(g.availability_zones())),
            (
                "capacity_rebalance",
                Value::Bool(g.capacity_rebalance().unwrap_or(false)),
            ),
            ("context", s(g.context())),
            ("default_cooldown", n(g.default_cooldown())),
            ("default_instance_warmup", n(g.default_instance_warmup())),
            ("desired_capacity", n(g.desired_capacity())),
            ("desired_capacity_type", s(g.desired_capacity_type())),
            ("enabled_metrics", Value::List(metrics)),
            ("metrics_granularity", Value::str(granularity)),
            ("health_check_grace_period", n(g.health_check_grace_period())),
            ("health_check_type", s(g.health_check_type())),
            ("launch_configuration", s(g.launch_configuration_name())),
            (
                "launch_template",
                Value::List(
                    g.launch_template()
                        .map(|t| {
                            Value::object([
                                ("id", s(t.launch_template_id())),
                                ("name", s(t.launch_template_name())),
                                ("version", s(t.version())),
                            ])
                        })
                        .into_iter()
                        .collect(),
                ),
            ),
            ("load_balancers", strings(g.load_balancer_names())),
            (
                "mixed_instances_policy",
                mixed_instances::to_state(g.mixed_instances_policy()),
            ),
            ("target_group_arns", strings(g.target_group_arns())),
            (
                "traffic_source",
                group_blocks::traffic_sources_to_state(g.traffic_sources()),
            ),
            (
                "availability_zone_distribution",
                group_blocks::zone_distribution_to_state(g.availability_zone_distribution()),
            ),
            (
                "capacity_reservation_specification",
                group_blocks::capacity_reservation_to_state(g.capacity_reservation_specification()),
            ),
            ("max_instance_lifetime", n(g.max_instance_lifetime())),
            ("max_size", n(g.max_size())),
            ("min_size", n(g.min_size())),
            ("placement_group", s(g.placement_group())),
            ("predicted_capacity", n(g.predicted_capacity())),
            (
                "protect_from_scale_in",
                Value::Bool(g.new_instances_protected_from_scale_in().unwrap_or(false)),
            ),
            ("service_linked_role_arn", s(g.service_linked_role_arn())),
            (
                "suspended_processes",
                Value::List(
                    g.suspended_processes()
                        .iter()
                        .filter_map(|p| p.process_name())
                        .map(Value::str)
                        .collect(),
                ),
            ),
            (
                "termination_policies",
                // AWS's own default reads as unset when the blueprint sets none.
                if !configured_policies && policies == [DEFAULT_TERMINATION.to_string()] {
                    Value::List(vec![])
                } else {
                    strings(policies)
                },
            ),
            ("vpc_zone_identifier", Value::List(zones)),
            ("warm_pool", warm_pool::to_state(g.warm_pool_configuration())),
            ("warm_pool_size", n(g.warm_pool_size())),
            (
                "instance_maintenance_policy",
                maintenance::to_state(g.instance_maintenance_policy()),
            ),
            // Not read back: the provider keeps the hooks and the refresh settings as configured.
            (
                "initial_lifecycle_hook",
                prior.get("initial_lifecycle_hook").unknown_to_null(),
            ),
            ("instance_refresh", prior.get("instance_refresh").unknown_to_null()),
            ("tag", Value::List(tags)),
            // Settings of the provider's own, kept as configured.
            (
                "force_delete",
                Value::Bool(opt_bool(prior, "force_delete").unwrap_or(false)),
            ),
            (
                "force_delete_warm_pool",
                Value::Bool(opt_bool(prior, "force_delete_warm_pool").unwrap_or(false)),
            ),
            (
                "ignore_failed_scaling_activities",
                Value::Bool(opt_bool(prior, "ignore_failed_scaling_activities").unwrap_or(false)),
            ),
            (
                "wait_for_capacity_timeout",
                Value::from(opt_str(prior, "wait_for_capacity_timeout").or_else(|| Some("10m".into()))),
            ),
            ("min_elb_capacity", prior.get("min_elb_capacity").clone()),
            ("wait_for_elb_capacity", prior.get("wait_for_elb_capacity").clone()),
        ])
    }

    async fn set_processes(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let (old, new) = (
            set_of(prior, "suspended_processes"),
            set_of(planned, "suspended_processes"),
        );
        let resume: Vec<String> = old.difference(&new).cloned().collect();
        let suspend: Vec<String> = new.difference(&old).cloned().collect();
        if !resume.is_empty() {
            self.c
                .autoscaling
                .resume_processes()
                .auto_scaling_group_name(name)
                .set_scaling_processes(Some(resume))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !suspend.is_empty() {
            self.c
                .autoscaling
                .suspend_processes()
                .auto_scaling_group_name(name)
                .set_scaling_processes(Some(suspend))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    async fn set_metrics(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let (old, new) = (set_of(prior, "enabled_metrics"), set_of(planned, "enabled_metrics"));
        let disable: Vec<String> = old.difference(&new).cloned().collect();
        // A new granularity re-enables every metric with it.
        let enable: Vec<String> = if differs(prior, planned, "metrics_granularity") {
            new.iter().cloned().collect()
        } else {
            new.difference(&old).cloned().collect()
        };
        if !disable.is_empty() {
            self.c
                .autoscaling
                .disable_metrics_collection()
                .auto_scaling_group_name(name)
                .set_metrics(Some(disable))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !enable.is_empty() {
            self.c
                .autoscaling
                .enable_metrics_collection()
                .auto_scaling_group_name(name)
                .granularity(opt_str(planned, "metrics_granularity").unwrap_or_else(|| GRANULARITY.into()))
                .set_metrics(Some(enable))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    /// Attaches and detaches load balancers and target groups, ten at a time as the API takes
    /// them.
    async fn set_attachments(&self, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let a = &self.c.autoscaling;
        let (old, new) = (set_of(prior, "load_balancers"), set_of(planned, "load_balancers"));
        for chunk in chunks(old.difference(&new)) {
            a.detach_load_balancers()
                .auto_scaling_group_name(name)
                .set_load_balancer_names(Some(chunk))
                .send()
                .await
                .map_err(aws_err)?;
        }
        for chunk in chunks(new.difference(&old)) {
            a.attach_load_balancers()
                .auto_scaling_group_name(name)
                .set_load_balancer_names(Some(chunk))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let (old, new) = (set_of(prior, "target_group_arns"), set_of(planned, "target_group_arns"));
        for chunk in chunks(old.difference(&new)) {
            a.detach_load_balancer_target_groups()
                .auto_scaling_group_name(name)
                .set_target_group_arns(Some(chunk))
                .send()
                .await
                .map_err(aws_err)?;
        }
        for chunk in chunks(new.difference(&old)) {
            a.attach_load_balancer_target_groups()
                .auto_scaling_group_name(name)
                .set_target_group_arns(Some(chunk))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    async fn set_tags(&self, ctx: &CallCtx, name: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let new = self.tags(ctx, name, planned);
        let new_keys: BTreeSet<&str> = new.iter().filter_map(|t| t.key()).collect();
        let gone: Vec<Tag> = prior
            .get("tag")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| opt_str(t, "key"))
            .filter(|k| !new_keys.contains(k.as_str()))
            .map(|k| tag(name, &k, "", false))
            .collect();
        if !gone.is_empty() {
            self.c
                .autoscaling
                .delete_tags()
                .set_tags(Some(gone))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if !new.is_empty() {
            self.c
                .autoscaling
                .create_or_update_tags()
                .set_tags(Some(new))
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    /// Sizes the group to nothing and waits for its instances to go, as the provider drains a
    /// group before deleting it (instances protected from scale-in lose the protection first).
    async fn drain(&self, name: &str, timeout: Duration) -> PResult<()> {
        let a = &self.c.autoscaling;
        a.update_auto_scaling_group()
            .auto_scaling_group_name(name)
            .min_size(0)
            .max_size(0)
            .desired_capacity(0)
            .send()
            .await
            .map_err(aws_err)?;
        let g = self.must_describe(name).await?;
        let protected: Vec<String> = g
            .instances()
            .iter()
            .filter(|i| i.protected_from_scale_in() == Some(true))
            .filter_map(|i| i.instance_id().map(str::to_string))
            .collect();
        for chunk in protected.chunks(50) {
            a.set_instance_protection()
                .auto_scaling_group_name(name)
                .set_instance_ids(Some(chunk.to_vec()))
                .protected_from_scale_in(false)
                .send()
                .await
                .map_err(aws_err)?;
        }
        wait_for(Wait::new(name, "no instances", timeout), || async {
            match self.describe(name).await? {
                None => Ok(Poll::Ready(())),
                Some(g) if g.instances().is_empty() => Ok(Poll::Ready(())),
                Some(g) => Ok(Poll::pending(format!("{} instances", g.instances().len()))),
            }
        })
        .await
    }
}

/// The capacity one instance counts for: its weight when the group weighs instance types, else 1
/// (the provider reads an unparsable weight as 0).
fn weight(weighted_capacity: Option<&str>) -> i32 {
    match weighted_capacity.filter(|w| !w.is_empty()) {
        Some(w) => w.parse().unwrap_or(0),
        None => 1,
    }
}

fn tag(group: &str, key: &str, value: &str, propagate: bool) -> Tag {
    Tag::builder()
        .resource_id(group)
        .resource_type("auto-scaling-group")
        .key(key)
        .value(value)
        .propagate_at_launch(propagate)
        .build()
}

fn set_of(v: &Value, k: &str) -> BTreeSet<String> {
    str_list(v, k).into_iter().collect()
}

fn chunks<'a>(items: impl Iterator<Item = &'a String>) -> Vec<Vec<String>> {
    let all: Vec<String> = items.cloned().collect();
    all.chunks(10).map(<[String]>::to_vec).collect()
}

/// The `launch_template` block as the API takes it: the id, else the name, and the version.
fn launch_template(planned: &Value) -> Option<LaunchTemplateSpecification> {
    let t = planned.get("launch_template").as_list()?.first()?;
    let id = opt_str(t, "id");
    Some(
        LaunchTemplateSpecification::builder()
            .set_launch_template_name(opt_str(t, "name").filter(|_| id.is_none()))
            .set_launch_template_id(id)
            .set_version(opt_str(t, "version"))
            .build(),
    )
}

/// The provider's CustomizeDiff for template references: state holds both a template's id and
/// name (AWS answers both), so a blueprint that renames the template it names must not send
/// the old id; the id becomes unknown and the name is sent. `path` leads through block lists
/// (every element of each) to the reference blocks.
fn forget_renamed_ids(prior: &Value, planned: &mut Value, path: &[&str], id: &str, name: &str) {
    let Some((head, rest)) = path.split_first() else {
        let renamed = !planned.get(name).is_null() && prior.get(name) != planned.get(name);
        if let (true, Value::Object(m)) = (renamed, planned) {
            m.insert(id.into(), Value::Unknown);
        }
        return;
    };
    let before = prior.get(head).as_list().unwrap_or_default();
    if let Value::Object(m) = planned {
        if let Some(Value::List(items)) = m.get_mut(*head) {
            for (i, item) in items.iter_mut().enumerate() {
                forget_renamed_ids(before.get(i).unwrap_or(&Value::Null), item, rest, id, name);
            }
        }
    }
}

/// Whether a warm pool goes with its instances rather than drained first.
fn force_warm_pool(v: &Value) -> bool {
    opt_bool(v, "force_delete") == Some(true) || opt_bool(v, "force_delete_warm_pool") == Some(true)
}

fn non_empty(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

#[async_trait]
impl ResourceType for AutoscalingGroup {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        instance_refresh::redundant_triggers(config)
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        instance_refresh::check_triggers(&self.schema, config)?;
        let text = opt_str(config, "wait_for_capacity_timeout");
        if let Some(t) = text.filter(|t| parse_go_duration(t).is_none()) {
            return Err(format!(
                "wait_for_capacity_timeout: {t:?} is not a duration such as \"10m\""
            ));
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else { return Ok(None) };
        let mixed = ["mixed_instances_policy", "launch_template"];
        forget_renamed_ids(prior, planned, &["launch_template"], "id", "name");
        for path in [
            &[&mixed[..], &["launch_template_specification"]].concat(),
            &[&mixed[..], &["override", "launch_template_specification"]].concat(),
        ] {
            forget_renamed_ids(prior, planned, path, "launch_template_id", "launch_template_name");
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let zones = str_list(planned, "vpc_zone_identifier");
        // With initial lifecycle hooks the group starts empty and gets its sizes once the
        // hooks are in place, so no instance launches without them.
        let two_phases = initial_hooks::any(planned);
        let sizes = |v: Option<i32>| if two_phases { Some(0) } else { v };
        let first_phase = |v: Option<i32>| if two_phases { None } else { v };
        self.c
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&name)
            .set_min_size(sizes(opt_i32(planned, "min_size")))
            .set_max_size(sizes(opt_i32(planned, "max_size")))
            .set_desired_capacity(first_phase(opt_i32(planned, "desired_capacity")))
            .set_desired_capacity_type(opt_str(planned, "desired_capacity_type").filter(|_| !two_phases))
            .set_instance_maintenance_policy(maintenance::on_create(planned))
            .set_default_cooldown(opt_i32(planned, "default_cooldown"))
            .set_default_instance_warmup(opt_i32(planned, "default_instance_warmup"))
            .set_health_check_type(opt_str(planned, "health_check_type"))
            .set_health_check_grace_period(opt_i32(planned, "health_check_grace_period"))
            .set_availability_zones(non_empty(str_list(planned, "availability_zones")))
            .set_vpc_zone_identifier((!zones.is_empty()).then(|| zones.join(",")))
            .set_launch_configuration_name(opt_str(planned, "launch_configuration"))
            .set_launch_template(launch_template(planned))
            .set_mixed_instances_policy(mixed_instances::to_api(planned))
            .set_traffic_sources(group_blocks::traffic_sources_on_create(planned))
            .set_availability_zone_distribution(group_blocks::zone_distribution(planned))
            .set_capacity_reservation_specification(group_blocks::capacity_reservation(planned))
            .set_load_balancer_names(non_empty(str_list(planned, "load_balancers")))
            .set_target_group_arns(non_empty(str_list(planned, "target_group_arns")))
            .set_termination_policies(non_empty(str_list(planned, "termination_policies")))
            .set_capacity_rebalance(opt_bool(planned, "capacity_rebalance"))
            .new_instances_protected_from_scale_in(opt_bool(planned, "protect_from_scale_in").unwrap_or(false))
            .set_max_instance_lifetime(opt_i32(planned, "max_instance_lifetime").filter(|n| *n != 0))
            .set_placement_group(opt_str(planned, "placement_group"))
            .set_service_linked_role_arn(opt_str(planned, "service_linked_role_arn"))
            .set_context(opt_str(planned, "context"))
            .set_tags(Some(self.tags(ctx, &name, planned)).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        if two_phases {
            initial_hooks::put_all(&self.c.autoscaling, &name, planned).await?;
            self.c
                .autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(&name)
                .set_min_size(opt_i32(planned, "min_size"))
                .set_max_size(opt_i32(planned, "max_size"))
                .set_desired_capacity(opt_i32(planned, "desired_capacity").filter(|d| *d > 0))
                .set_desired_capacity_type(opt_str(planned, "desired_capacity_type"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        self.wait_for_capacity(&name, planned, true).await?;
        let none = Value::object::<&str>([]);
        self.set_processes(&name, &none, planned).await?;
        if !str_list(planned, "enabled_metrics").is_empty() {
            self.set_metrics(&name, &none, planned).await?;
        }
        warm_pool::put(&self.c.autoscaling, &name, planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "Auto Scaling Group", &name)
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // A group being deleted is gone for planning (the provider's read treats it so).
        Ok(self
            .describe(id)
            .await?
            .filter(|g| g.status() != Some("Delete in progress"))
            .map(|g| self.to_state(ctx, &g, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        const ELSEWHERE: &[&str] = &[
            "enabled_metrics",
            "metrics_granularity",
            "load_balancers",
            "suspended_processes",
            "tag",
            "target_group_arns",
            "traffic_source",
            "force_delete",
            "force_delete_warm_pool",
            "ignore_failed_scaling_activities",
            "wait_for_capacity_timeout",
            "min_elb_capacity",
            "wait_for_elb_capacity",
            "timeouts",
            "warm_pool",
            "initial_lifecycle_hook",
            "instance_refresh",
        ];
        let changed = |k: &str| differs(prior, planned, k);
        let group_change = planned
            .as_object()
            .is_some_and(|m| m.keys().any(|k| !ELSEWHERE.contains(&k.as_str()) && changed(k)));
        let mut wait = false;
        if group_change {
            let mut u = self
                .c
                .autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(id)
                .new_instances_protected_from_scale_in(opt_bool(planned, "protect_from_scale_in").unwrap_or(false));
            if changed("availability_zones") {
                u = u.set_availability_zones(non_empty(str_list(planned, "availability_zones")));
            }
            if changed("availability_zone_distribution") {
                u = u.set_availability_zone_distribution(group_blocks::zone_distribution(planned));
            }
            if changed("capacity_reservation_specification") {
                u = u.set_capacity_reservation_specification(group_blocks::capacity_reservation(planned));
            }
            if changed("capacity_rebalance") {
                u = u.capacity_rebalance(opt_bool(planned, "capacity_rebalance").unwrap_or(false));
            }
            if changed("context") {
                u = u.context(opt_str(planned, "context").unwrap_or_default());
            }
            if changed("default_cooldown") {
                u = u.set_default_cooldown(opt_i32(planned, "default_cooldown"));
            }
            if changed("default_instance_warmup") {
                u = u.default_instance_warmup(opt_i32(planned, "default_instance_warmup").unwrap_or(0));
            }
            if changed("desired_capacity") {
                u = u.set_desired_capacity(opt_i32(planned, "desired_capacity"));
                wait = true;
            }
            if changed("desired_capacity_type") {
                u = u.desired_capacity_type(opt_str(planned, "desired_capacity_type").unwrap_or_default());
                wait = true;
            }
            if changed("health_check_grace_period") || changed("health_check_type") {
                u = u.set_health_check_grace_period(opt_i32(planned, "health_check_grace_period"));
            }
            if changed("health_check_type") {
                u = u.set_health_check_type(opt_str(planned, "health_check_type"));
            }
            if changed("launch_configuration") {
                u = u.set_launch_configuration_name(opt_str(planned, "launch_configuration"));
            }
            if changed("launch_template") {
                u = u.set_launch_template(launch_template(planned));
            }
            if changed("instance_maintenance_policy") {
                u = u.instance_maintenance_policy(maintenance::on_update(planned));
            }
            if changed("mixed_instances_policy") {
                u = u.set_mixed_instances_policy(mixed_instances::to_api(planned));
            }
            if changed("max_instance_lifetime") {
                u = u.max_instance_lifetime(opt_i32(planned, "max_instance_lifetime").unwrap_or(0));
            }
            if changed("max_size") {
                u = u.set_max_size(opt_i32(planned, "max_size"));
            }
            if changed("min_size") {
                u = u.set_min_size(opt_i32(planned, "min_size"));
                wait = true;
            }
            if changed("placement_group") {
                u = u.placement_group(opt_str(planned, "placement_group").unwrap_or_default());
            }
            if changed("service_linked_role_arn") {
                u = u.service_linked_role_arn(opt_str(planned, "service_linked_role_arn").unwrap_or_default());
            }
            if changed("termination_policies") {
                let policies = str_list(planned, "termination_policies");
                u = u.set_termination_policies(Some(if policies.is_empty() {
                    vec![DEFAULT_TERMINATION.to_string()]
                } else {
                    policies
                }));
            }
            if changed("vpc_zone_identifier") {
                u = u.vpc_zone_identifier(str_list(planned, "vpc_zone_identifier").join(","));
            }
            u.send().await.map_err(aws_err)?;
        }
        if changed("tag") {
            self.set_tags(ctx, id, prior, planned).await?;
        }
        if changed("warm_pool") {
            if first(planned, "warm_pool").is_some() {
                warm_pool::put(&self.c.autoscaling, id, planned).await?;
            } else {
                let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
                warm_pool::delete(&self.c.autoscaling, id, force_warm_pool(planned), timeout).await?;
            }
        }
        self.set_attachments(id, prior, planned).await?;
        if changed("traffic_source") {
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
            group_blocks::update_traffic_sources(&self.c.autoscaling, id, prior, planned, timeout).await?;
        }
        if instance_refresh::wanted(prior, planned) {
            let mixed = mixed_instances::to_api(planned);
            instance_refresh::start(&self.c.autoscaling, id, planned, launch_template(planned), mixed).await?;
        }
        if wait {
            self.wait_for_capacity(id, planned, false).await?;
        }
        if changed("enabled_metrics") || changed("metrics_granularity") {
            self.set_metrics(id, prior, planned).await?;
        }
        if changed("suspended_processes") {
            self.set_processes(id, prior, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "Auto Scaling Group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        let Some(group) = self.describe(id).await? else {
            return Ok(());
        };
        if group.warm_pool_configuration().is_some() {
            warm_pool::delete(&self.c.autoscaling, id, force_warm_pool(prior), timeout).await?;
        }
        let force = opt_bool(prior, "force_delete") == Some(true);
        if !force {
            self.drain(id, timeout).await?;
        }
        let deleted = self
            .c
            .autoscaling
            .delete_auto_scaling_group()
            .auto_scaling_group_name(id)
            .force_delete(force)
            .send()
            .await
            .map_err(aws_err);
        if let Err(e) = deleted {
            if !e.message.contains(ABSENT_MESSAGE) {
                return Err(e);
            }
        }
        wait_for(Wait::new(id, "deleted", timeout), || async {
            match self.describe(id).await? {
                None => Ok(Poll::Ready(())),
                Some(g) => Ok(Poll::pending(g.status().unwrap_or("present").to_string())),
            }
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // By name when the blueprint gives one (unique in a region), else by this stack's tags.
        if let Some(name) = opt_str(planned, "name") {
            return Ok(self
                .describe(&name)
                .await?
                .filter(|g| ctx.resumed || owned(g, ctx))
                .map(|_| name));
        }
        let out = self
            .c
            .autoscaling
            .describe_auto_scaling_groups()
            .filters(
                Filter::builder()
                    .name(format!("tag:{STACK_TAG}"))
                    .values(&ctx.stack)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .auto_scaling_groups()
            .iter()
            .filter(|g| owned(g, ctx))
            .find_map(|g| g.auto_scaling_group_name().map(str::to_string)))
    }
}

/// True when a group's tags say this stack created it for this address.
fn owned(g: &AutoScalingGroup, ctx: &CallCtx) -> bool {
    crate::provider::aws::common::owns(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_counts_for_its_weight() {
        assert_eq!(weight(Some("3")), 3);
        assert_eq!(weight(None), 1);
        assert_eq!(weight(Some("")), 1);
        assert_eq!(weight(Some("x")), 0, "as the provider's strconv.Atoi reads it");
    }
}
