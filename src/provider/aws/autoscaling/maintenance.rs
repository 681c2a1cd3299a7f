//! The `instance_maintenance_policy` block of `aws_autoscaling_group`: the healthy percentages
//! an instance replacement keeps. Removing the block sends -1 for both, which AWS reads as "clear
//! the policy" (the provider does the same).

use crate::provider::aws::common::{first, opt_i32};
use crate::value::Value;
use aws_sdk_autoscaling::types::InstanceMaintenancePolicy;

/// The policy to send on a create (`None` when the blueprint sets none).
pub(super) fn on_create(planned: &Value) -> Option<InstanceMaintenancePolicy> {
    first(planned, "instance_maintenance_policy").map(policy)
}

/// The policy to send on a change: the block's, or the clearing -1/-1 when it was removed.
pub(super) fn on_update(planned: &Value) -> InstanceMaintenancePolicy {
    on_create(planned).unwrap_or_else(|| {
        InstanceMaintenancePolicy::builder()
            .min_healthy_percentage(-1)
            .max_healthy_percentage(-1)
            .build()
    })
}

fn policy(p: &Value) -> InstanceMaintenancePolicy {
    InstanceMaintenancePolicy::builder()
        .set_min_healthy_percentage(opt_i32(p, "min_healthy_percentage"))
        .set_max_healthy_percentage(opt_i32(p, "max_healthy_percentage"))
        .build()
}

/// The policy as state holds it (an empty list when the group has none).
pub(super) fn to_state(p: Option<&InstanceMaintenancePolicy>) -> Value {
    Value::List(
        p.map(|p| {
            Value::object([
                ("min_healthy_percentage", Value::from(p.min_healthy_percentage())),
                ("max_healthy_percentage", Value::from(p.max_healthy_percentage())),
            ])
        })
        .into_iter()
        .collect(),
    )
}
