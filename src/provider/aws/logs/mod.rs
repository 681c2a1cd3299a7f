//! CloudWatch Logs resources.

pub mod log_group;
pub mod log_group_data;
