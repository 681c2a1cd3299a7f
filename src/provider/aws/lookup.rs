//! What data sources that look up one object by name or ARN share: reading it the way its
//! resource type reads it (one mapping of AWS's answer per type, not two), then keeping what the
//! data source's schema has.
//!
//! A resource read gives `tags` as the blueprint configured them and `tags_all` as AWS holds
//! them; a data source's `tags` are what AWS holds, so they are taken from `tags_all`.

use crate::provider::aws::ec2::data::with_results;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;

/// The context of a read made for a data source: no stack, no address (resource reads use
/// neither; they matter for creates).
fn lookup_ctx() -> CallCtx {
    CallCtx {
        stack: String::new(),
        address: String::new(),
        resumed: false,
        token: String::new(),
        keeper: crate::state::Keeper::default(),
    }
}

/// Reads `id` through its resource type; absent is the provider's "no matching `what` found".
pub async fn read_as_resource(r: &dyn ResourceType, id: &str, what: &str) -> PResult<Value> {
    r.read(&lookup_ctx(), id, &Value::Null)
        .await?
        .ok_or_else(|| ProviderError::msg(format!("no matching {what} found")))
}

/// The data source's result from a resource read: the attributes its schema has (tags as AWS
/// holds them), over the configuration.
pub fn project(read: &Value, schema: &Schema, config: &Value) -> Value {
    let mut out = indexmap::IndexMap::new();
    for name in schema.attrs.keys() {
        let v = match *name {
            "tags" => read.get("tags_all"),
            other => read.get(other),
        };
        if !v.is_null() {
            out.insert(name.to_string(), v.clone());
        }
    }
    with_results(config, Value::Object(out))
}

/// A timestamp as the provider writes it (Go's `time.RFC3339`: whole seconds, UTC).
pub fn rfc3339(d: &aws_smithy_types::DateTime) -> String {
    aws_smithy_types::DateTime::from_secs(d.secs())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Type;

    #[test]
    fn a_projection_keeps_the_data_sources_attributes_and_the_live_tags() {
        let schema = Schema::new()
            .required("name", Type::String)
            .computed("arn", Type::String)
            .optional("tags", Type::map_of_strings());
        let read = Value::object([
            ("name", Value::str("a")),
            ("arn", Value::str("arn:aws:x")),
            ("force_delete", Value::Bool(false)),
            ("tags", Value::object([("Configured", Value::str("1"))])),
            ("tags_all", Value::object([("Live", Value::str("2"))])),
        ]);
        let config = Value::object([("name", Value::str("a")), ("tags", Value::Null)]);
        let v = project(&read, &schema, &config);
        assert_eq!(v.get("arn"), &Value::str("arn:aws:x"));
        assert_eq!(v.get("tags"), &Value::object([("Live", Value::str("2"))]));
        assert!(v.get("force_delete").is_null());
    }

    #[test]
    fn timestamps_are_written_to_the_second() {
        let d = aws_smithy_types::DateTime::from_fractional_secs(1_700_000_000, 0.25);
        assert_eq!(rfc3339(&d), "2023-11-14T22:13:20Z");
    }
}
