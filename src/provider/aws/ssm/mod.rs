//! SSM resources: parameters (plain, list, or encrypted secrets), documents, maintenance windows
//! with their targets and tasks, and the ephemeral form that reads one without storing it.

pub mod document;
pub mod maintenance_window;
pub mod maintenance_window_target;
pub mod maintenance_window_task;
pub mod parameter;
pub mod parameter_data;
pub mod parameter_ephemeral;
mod tags;

use crate::provider::aws::common::{opt_str, str_list};
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_ssm::types::Target;

/// The window and the member (target or task) an id names: the window from state, or both from
/// an import id `WINDOW_ID/MEMBER_ID` (`what` names the member's part in the error).
fn window_and_member(id: &str, prior: &Value, what: &str) -> PResult<(String, String)> {
    if let Some(window) = opt_str(prior, "window_id") {
        return Ok((window, id.to_string()));
    }
    match id.split_once('/') {
        Some((w, t)) if !w.is_empty() && !t.is_empty() => Ok((w.to_string(), t.to_string())),
        _ => Err(ProviderError::msg(format!(
            "Unexpected format of ID ({id:?}), expected WINDOW_ID/{what}"
        ))),
    }
}

/// The `targets` blocks (of a window target or task) as SSM takes them.
fn targets(planned: &Value) -> Vec<Target> {
    planned
        .get("targets")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|t| {
            Target::builder()
                .set_key(opt_str(t, "key"))
                .set_values(Some(str_list(t, "values")))
                .build()
        })
        .collect()
}

/// SSM's targets as the `targets` blocks read them.
fn target_blocks(targets: &[Target]) -> Value {
    Value::List(
        targets
            .iter()
            .map(|b| {
                Value::object([
                    ("key", Value::from(b.key())),
                    ("values", Value::List(b.values().iter().map(Value::str).collect())),
                ])
            })
            .collect(),
    )
}
