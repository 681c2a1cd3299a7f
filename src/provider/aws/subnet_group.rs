//! What the subnet group types of other services (Redshift, ElastiCache) share: the state value
//! they read back and when their subnets or description need a Modify call. Each service has its
//! own SDK types, so the callers pass plain strings.

use crate::provider::aws::common::{configured_tags, user_tags};
use crate::value::Value;

/// A subnet group as its service describes it, in plain strings.
pub struct Described<'a> {
    /// The group's name (also its id).
    pub name: &'a str,
    /// Its description, where the service reports one.
    pub description: Option<&'a str>,
    /// The ids of its subnets.
    pub subnet_ids: Vec<&'a str>,
    /// Its tags, as key/value pairs (infractl's ownership tags are left out of state).
    pub tags: Vec<(&'a str, &'a str)>,
    /// Its ARN.
    pub arn: String,
}

impl Described<'_> {
    /// The state value: `tags` as configured in `prior`, `tags_all` as read.
    pub fn value(&self, prior: &Value) -> Value {
        Value::object([
            ("id", Value::str(self.name)),
            ("name", Value::str(self.name)),
            ("description", Value::from(self.description)),
            (
                "subnet_ids",
                Value::List(self.subnet_ids.iter().map(|s| Value::str(*s)).collect()),
            ),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(self.tags.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
            ),
            ("arn", Value::str(self.arn.clone())),
        ])
    }
}

/// Whether an update changes what the service's Modify call sets (subnets, description).
pub fn needs_modify(prior: &Value, planned: &Value) -> bool {
    ["subnet_ids", "description"]
        .iter()
        .any(|k| prior.get(k) != planned.get(k))
}
