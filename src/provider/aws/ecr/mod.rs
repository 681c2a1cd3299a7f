//! ECR resources.

use crate::value::Value;

pub mod lifecycle_policy;
pub mod pull_through_cache_rule;
pub mod registry_policy;
pub mod registry_scanning_configuration;
pub mod replication_configuration;
pub mod repository;
pub mod repository_data;
pub mod repository_policy;

/// The blocks `name` inside `v` (none when unset).
fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_list().unwrap_or(&[])
}

/// A `repository_filter` block of a registry scanning or replication rule as state records it.
fn filter_state(filter: &str, filter_type: &str) -> Value {
    Value::object([("filter", Value::str(filter)), ("filter_type", Value::str(filter_type))])
}
