//! EC2 Auto Scaling: groups of instances launched from launch templates (or the older launch
//! configurations), their scaling policies, the actions scheduled on them, their lifecycle
//! hooks, the traffic sources attached to them and the SNS topics they notify.

pub mod attachment;
pub mod group;
mod group_blocks;
mod initial_hooks;
mod instance_refresh;
pub mod launch_configuration;
pub mod lifecycle_hook;
mod maintenance;
mod mixed_instances;
pub mod notification;
pub mod policy;
mod policy_config;
pub mod schedule;
pub mod traffic_source_attachment;
mod warm_pool;

/// What Auto Scaling's ValidationError says of a group that does not exist (it has no code of
/// its own for that).
pub const ABSENT_MESSAGE: &str = "not found";

/// The group and the name of an object that lives in a group (a scaling policy, a scheduled
/// action): the group from its state, or both from an import id `GROUP/NAME`, as the provider
/// imports them.
pub(super) fn group_and_name(id: &str, prior: &crate::value::Value) -> crate::provider::PResult<(String, String)> {
    if let Some(group) = crate::provider::aws::common::opt_str(prior, "autoscaling_group_name") {
        return Ok((group, id.to_string()));
    }
    match id.split_once('/') {
        Some((g, n)) if !g.is_empty() && !n.is_empty() => Ok((g.to_string(), n.to_string())),
        _ => Err(crate::provider::ProviderError::msg(format!(
            "unexpected format of import ID ({id:?}), expected <asg-name>/<name>"
        ))),
    }
}

/// A call's answer with "not found" read as nothing there (Auto Scaling's ValidationError for
/// a missing group, policy or action).
pub(super) fn absent_as_none<T>(r: crate::provider::PResult<T>) -> crate::provider::PResult<Option<T>> {
    match r {
        Err(e) if e.message.contains(ABSENT_MESSAGE) => Ok(None),
        other => other.map(Some),
    }
}
