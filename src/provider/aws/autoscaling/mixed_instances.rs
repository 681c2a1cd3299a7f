//! The `mixed_instances_policy` block of `aws_autoscaling_group`: one launch template with
//! per-instance-type overrides and the split between On-Demand and Spot capacity. Sent and read
//! as the AWS provider sends and reads it, so a blueprint Terraform keeps clean stays clean:
//! the whole policy goes with every change, the distribution's two capacities as 0 when unset
//! (the provider's zero values), the Spot price as "" (AWS's "On-Demand price"), a template
//! version as `$Default` when none is named. An override's `instance_requirements` is the
//! launch template's block ([`crate::provider::aws::instance_requirements`]).

use crate::provider::aws::common::{first, opt_i32, opt_str};
use crate::provider::aws::instance_requirements::{instance_requirements_request, instance_requirements_state};
use crate::value::Value;
use aws_sdk_autoscaling::types::{
    InstancesDistribution, LaunchTemplate, LaunchTemplateOverrides, LaunchTemplateSpecification, MixedInstancesPolicy,
};

/// The policy as CreateAutoScalingGroup and UpdateAutoScalingGroup take it; `None` when the
/// blueprint sets none (or it is not known yet).
pub(super) fn to_api(planned: &Value) -> Option<MixedInstancesPolicy> {
    let policy = first(planned, "mixed_instances_policy")?;
    let template = first(policy, "launch_template")?;
    let overrides: Vec<LaunchTemplateOverrides> = template
        .get("override")
        .as_list()
        .map(|l| l.iter().map(override_to_api).collect())
        .unwrap_or_default();
    Some(
        MixedInstancesPolicy::builder()
            .set_instances_distribution(first(policy, "instances_distribution").map(distribution_to_api))
            .launch_template(
                LaunchTemplate::builder()
                    .set_launch_template_specification(
                        first(template, "launch_template_specification").map(specification_to_api),
                    )
                    .set_overrides((!overrides.is_empty()).then_some(overrides))
                    .build(),
            )
            .build(),
    )
}

fn distribution_to_api(d: &Value) -> InstancesDistribution {
    InstancesDistribution::builder()
        .set_on_demand_allocation_strategy(opt_str(d, "on_demand_allocation_strategy"))
        .on_demand_base_capacity(opt_i32(d, "on_demand_base_capacity").unwrap_or(0))
        .on_demand_percentage_above_base_capacity(opt_i32(d, "on_demand_percentage_above_base_capacity").unwrap_or(0))
        .set_spot_allocation_strategy(opt_str(d, "spot_allocation_strategy"))
        .set_spot_instance_pools(opt_i32(d, "spot_instance_pools").filter(|n| *n != 0))
        .spot_max_price(opt_str(d, "spot_max_price").unwrap_or_default())
        .build()
}

/// A template reference: the id when known, else the name; `$Default` unless a version is named.
fn specification_to_api(s: &Value) -> LaunchTemplateSpecification {
    let id = opt_str(s, "launch_template_id");
    LaunchTemplateSpecification::builder()
        .set_launch_template_name(opt_str(s, "launch_template_name").filter(|_| id.is_none()))
        .set_launch_template_id(id)
        .version(opt_str(s, "version").unwrap_or_else(|| "$Default".to_string()))
        .build()
}

fn override_to_api(o: &Value) -> LaunchTemplateOverrides {
    LaunchTemplateOverrides::builder()
        .set_instance_type(opt_str(o, "instance_type"))
        .set_weighted_capacity(opt_str(o, "weighted_capacity"))
        .set_launch_template_specification(first(o, "launch_template_specification").map(specification_to_api))
        .set_instance_requirements(first(o, "instance_requirements").map(|r| {
            instance_requirements_request!(aws_sdk_autoscaling::types, InstanceRequirements, VCpuCountRequest, r)
        }))
        .build()
}

/// The policy as state holds it (an empty list when the group has none).
pub(super) fn to_state(policy: Option<&MixedInstancesPolicy>) -> Value {
    let Some(p) = policy else {
        return Value::List(vec![]);
    };
    let distribution = p.instances_distribution().map(|d| {
        Value::object([
            (
                "on_demand_allocation_strategy",
                Value::from(d.on_demand_allocation_strategy()),
            ),
            ("on_demand_base_capacity", Value::from(d.on_demand_base_capacity())),
            (
                "on_demand_percentage_above_base_capacity",
                Value::from(d.on_demand_percentage_above_base_capacity()),
            ),
            ("spot_allocation_strategy", Value::from(d.spot_allocation_strategy())),
            ("spot_instance_pools", Value::from(d.spot_instance_pools())),
            ("spot_max_price", Value::from(d.spot_max_price())),
        ])
    });
    let template = p.launch_template().map(|t| {
        let overrides: Vec<Value> = t
            .overrides()
            .iter()
            .map(|o| {
                Value::object([
                    ("instance_type", Value::from(o.instance_type())),
                    ("weighted_capacity", Value::from(o.weighted_capacity())),
                    (
                        "instance_requirements",
                        listed(o.instance_requirements().map(|r| instance_requirements_state!(r))),
                    ),
                    (
                        "launch_template_specification",
                        listed(o.launch_template_specification().map(specification_to_state)),
                    ),
                ])
            })
            .collect();
        Value::object([
            (
                "launch_template_specification",
                listed(t.launch_template_specification().map(specification_to_state)),
            ),
            ("override", Value::List(overrides)),
        ])
    });
    Value::List(vec![Value::object([
        ("instances_distribution", listed(distribution)),
        ("launch_template", listed(template)),
    ])])
}

fn specification_to_state(spec: &LaunchTemplateSpecification) -> Value {
    Value::object([
        ("launch_template_id", Value::from(spec.launch_template_id())),
        ("launch_template_name", Value::from(spec.launch_template_name())),
        ("version", Value::from(spec.version())),
    ])
}

fn listed(v: Option<Value>) -> Value {
    Value::List(v.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(distribution: Value) -> Value {
        Value::object([(
            "mixed_instances_policy",
            Value::List(vec![Value::object([
                ("instances_distribution", distribution),
                (
                    "launch_template",
                    Value::List(vec![Value::object([
                        (
                            "launch_template_specification",
                            Value::List(vec![Value::object([
                                ("launch_template_id", Value::str("lt-0abc")),
                                ("launch_template_name", Value::str("web")),
                                ("version", Value::Null),
                            ])]),
                        ),
                        (
                            "override",
                            Value::List(vec![Value::object([
                                ("instance_type", Value::str("t3.large")),
                                ("weighted_capacity", Value::str("2")),
                            ])]),
                        ),
                    ])]),
                ),
            ])]),
        )])
    }

    #[test]
    fn the_policy_goes_as_the_provider_sends_it() {
        let p = to_api(&planned(Value::List(vec![Value::object([(
            "spot_allocation_strategy",
            Value::str("price-capacity-optimized"),
        )])])))
        .unwrap();
        let d = p.instances_distribution().unwrap();
        assert_eq!(d.on_demand_base_capacity(), Some(0));
        assert_eq!(d.on_demand_percentage_above_base_capacity(), Some(0));
        assert_eq!(d.spot_allocation_strategy(), Some("price-capacity-optimized"));
        assert_eq!(d.spot_instance_pools(), None);
        assert_eq!(d.spot_max_price(), Some(""));
        let t = p.launch_template().unwrap();
        let spec = t.launch_template_specification().unwrap();
        assert_eq!(spec.launch_template_id(), Some("lt-0abc"));
        assert_eq!(spec.launch_template_name(), None, "the id wins when both are known");
        assert_eq!(spec.version(), Some("$Default"));
        assert_eq!(t.overrides()[0].weighted_capacity(), Some("2"));
    }

    #[test]
    fn a_distribution_not_yet_known_is_left_to_aws() {
        let p = to_api(&planned(Value::Unknown)).unwrap();
        assert!(p.instances_distribution().is_none());
        assert!(to_api(&Value::object([("mixed_instances_policy", Value::List(vec![]))])).is_none());
    }

    #[test]
    fn what_aws_answers_reads_back_into_the_blocks() {
        let sent = to_api(&planned(Value::List(vec![Value::object([(
            "on_demand_base_capacity",
            Value::from(1i64),
        )])])))
        .unwrap();
        let state = to_state(Some(&sent));
        let p = &state.as_list().unwrap()[0];
        assert_eq!(
            first(p, "instances_distribution")
                .unwrap()
                .get("on_demand_base_capacity"),
            &Value::from(1i64)
        );
        let t = first(p, "launch_template").unwrap();
        let spec = first(t, "launch_template_specification").unwrap();
        assert_eq!(spec.get("version"), &Value::str("$Default"));
        assert_eq!(t.get("override").as_list().unwrap().len(), 1);
        assert_eq!(to_state(None), Value::List(vec![]));
    }
}
