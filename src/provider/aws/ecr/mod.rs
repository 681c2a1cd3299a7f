//! ECR resources.

use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ecr::types::Tag;

pub mod lifecycle_policy;
pub mod pull_through_cache_rule;
pub mod registry_policy;
pub mod registry_scanning_configuration;
pub mod replication_configuration;
pub mod repository;
pub mod repository_creation_template;
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

/// Tags as ECR takes them, for repositories and for the tags a creation template gives them.
fn to_tags(pairs: indexmap::IndexMap<String, String>) -> PResult<Vec<Tag>> {
    crate::provider::aws::common::sdk_tags!(Tag, pairs)
}
