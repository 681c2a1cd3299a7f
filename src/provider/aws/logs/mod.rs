//! CloudWatch Logs resources, and what they share: objects named within a log group, imported
//! as `GROUP:NAME` (neither part may hold a `:`; subscription filters take `GROUP|NAME`).

pub mod data_protection_policy;
pub mod data_protection_policy_document;
pub mod log_group;
pub mod log_group_data;
pub mod log_stream;
pub mod metric_filter;
pub mod query_definition;
pub mod resource_policy;
pub mod subscription_filter;

use crate::provider::aws::common::opt_str;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;

/// The log group and the name of an object in it: from the prior value when there is one
/// (its `name`, else the id, which is the bare name for most), else from an import id
/// `GROUP<sep>NAME`.
pub fn group_and_name(id: &str, prior: &Value, sep: char) -> Option<(String, String)> {
    match opt_str(prior, "log_group_name") {
        Some(group) => Some((group, opt_str(prior, "name").unwrap_or_else(|| id.to_string()))),
        None => id
            .split_once(sep)
            .filter(|(g, n)| !g.is_empty() && !n.is_empty())
            .map(|(g, n)| (g.to_string(), n.to_string())),
    }
}

/// [`group_and_name`], or the provider's error for an id of the wrong form.
pub fn require_group_and_name(id: &str, prior: &Value, sep: char) -> PResult<(String, String)> {
    group_and_name(id, prior, sep).ok_or_else(|| {
        ProviderError::msg(format!(
            "unexpected format of ID ({id}), expected LOG_GROUP_NAME{sep}NAME"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::group_and_name;
    use crate::value::Value;

    #[test]
    fn names_come_from_state_or_from_the_import_id() {
        let prior = Value::object([("log_group_name", Value::str("/app"))]);
        let web = Some(("/app".to_string(), "web".to_string()));
        assert_eq!(group_and_name("web", &prior, ':'), web);
        assert_eq!(group_and_name("/app:web", &Value::Null, ':'), web);
        assert_eq!(group_and_name("/app|web", &Value::Null, '|'), web);
        assert_eq!(group_and_name("web", &Value::Null, ':'), None);
    }
}
