//! ECR resources.

use crate::provider::aws::common::{json_as_configured, opt_str};
use crate::provider::{PResult, ProviderError};
use crate::value::Value;

pub mod lifecycle_policy;
pub mod registry_policy;
pub mod registry_scanning_configuration;
pub mod replication_configuration;
pub mod repository;
pub mod repository_data;
pub mod repository_policy;

/// The configured `policy` document of a repository or registry policy.
fn policy_arg(planned: &Value) -> PResult<String> {
    opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))
}

/// The state of a repository or registry policy: `id`, `policy` (as configured where ECR's copy
/// means the same), `registry_id` and the type's `extra` attributes.
fn policy_state<const N: usize>(
    id: &str,
    prior: &Value,
    policy: Option<&str>,
    registry_id: Option<&str>,
    extra: [(&str, Value); N],
) -> Value {
    let mut attrs = vec![
        ("id", Value::str(id)),
        (
            "policy",
            json_as_configured(prior.get("policy"), policy.map(str::to_string)),
        ),
        ("registry_id", Value::from(registry_id.map(str::to_string))),
    ];
    attrs.extend(extra);
    Value::object(attrs)
}

/// The blocks `name` inside `v` (none when unset).
fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_list().unwrap_or(&[])
}

/// A `repository_filter` block of a registry scanning or replication rule as state records it.
fn filter_state(filter: &str, filter_type: &str) -> Value {
    Value::object([("filter", Value::str(filter)), ("filter_type", Value::str(filter_type))])
}
