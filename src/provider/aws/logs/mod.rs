//! CloudWatch Logs resources, and what they share: objects named within a log group, imported
//! as `GROUP:NAME` (neither part may hold a `:`).

pub mod log_group;
pub mod log_group_data;
pub mod log_stream;
pub mod metric_filter;
pub mod query_definition;
pub mod resource_policy;
pub mod subscription_filter;

use crate::provider::aws::common::opt_str;
use crate::value::Value;

/// The log group and the name of an object in it: from the prior value when there is one
/// (state ids are the bare name, as the provider's), else from an import id `GROUP:NAME`.
pub fn group_and_name(id: &str, prior: &Value) -> Option<(String, String)> {
    match opt_str(prior, "log_group_name") {
        Some(group) => Some((group, id.to_string())),
        None => id
            .split_once(':')
            .filter(|(g, n)| !g.is_empty() && !n.is_empty())
            .map(|(g, n)| (g.to_string(), n.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::group_and_name;
    use crate::value::Value;

    #[test]
    fn names_come_from_state_or_from_the_import_id() {
        let prior = Value::object([("log_group_name", Value::str("/app"))]);
        assert_eq!(group_and_name("web", &prior), Some(("/app".into(), "web".into())));
        assert_eq!(
            group_and_name("/app:web", &Value::Null),
            Some(("/app".into(), "web".into()))
        );
        assert_eq!(group_and_name("web", &Value::Null), None);
    }
}
