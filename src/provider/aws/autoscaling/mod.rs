//! EC2 Auto Scaling: groups of instances launched from launch templates, and the actions
//! scheduled on them.

pub mod group;
mod initial_hooks;
mod instance_refresh;
mod maintenance;
mod mixed_instances;
pub mod schedule;
mod warm_pool;

/// What Auto Scaling's ValidationError says of a group that does not exist (it has no code of
/// its own for that).
pub const ABSENT_MESSAGE: &str = "not found";
