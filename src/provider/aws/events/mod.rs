//! EventBridge (the provider's `aws_cloudwatch_event_*` types): custom event buses
//! (`aws_cloudwatch_event_bus`), the rules that match events or run on a schedule on a bus
//! (`aws_cloudwatch_event_rule`) and what each rule sends its events to
//! (`aws_cloudwatch_event_target`), the archives that keep a bus's events
//! (`aws_cloudwatch_event_archive`), with what they share: the "not found" code, the default
//! bus's name, the provider's name validators and tag reads.

pub mod archive;
pub mod bus;
pub mod bus_data;
pub mod rule;
pub mod target;

use crate::provider::aws::common::aws_err;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::validators::{any_of, matches, Validator};

/// The code EventBridge answers for a bus, rule or target that does not exist.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The bus every account has, which rules and targets use when they name none.
pub const DEFAULT_BUS: &str = "default";

/// The characters of a rule name or a target id: letters, digits, dots, hyphens or
/// underscores (the provider's `validateRuleName` and `validateTargetID`, with at most 64 of
/// them).
pub fn rule_name_chars() -> Validator {
    matches(r"^[0-9A-Za-z_.-]+$", "letters, digits, dots, hyphens or underscores")
}

/// An event bus name or ARN, as rules and targets take it (the provider's
/// `validBusNameOrARN`, with 1 to 1600 characters).
pub fn bus_name_or_arn() -> Validator {
    any_of(vec![
        matches(
            r"^arn:aws[\w-]*:events:[a-z]{2}-[a-z]+-[\w-]+:[0-9]{12}:event-bus/[/\.\-_A-Za-z0-9]+$",
            "an event bus ARN",
        ),
        matches(
            r"^[/\.\-_A-Za-z0-9]+$",
            "an event bus name (letters, digits, dots, hyphens, underscores, slashes)",
        ),
    ])
}

/// The tags EventBridge holds for a bus or rule ARN, sorted.
pub async fn tags_of(c: &Clients, arn: &str) -> PResult<Vec<(String, String)>> {
    let out = c
        .events
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(aws_err)?;
    let mut tags: Vec<(String, String)> = out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.sort();
    Ok(tags)
}

/// Tags as EventBridge takes them.
pub fn sdk_tags(tags: impl IntoIterator<Item = (String, String)>) -> PResult<Vec<aws_sdk_eventbridge::types::Tag>> {
    crate::provider::aws::common::sdk_tags!(aws_sdk_eventbridge::types::Tag, tags)
}

/// Brings a bus's or rule's tags from `prior`'s `tags_all` to `planned`'s with TagResource and
/// UntagResource on its ARN.
pub async fn sync_events_tags(
    c: &Clients,
    arn: &str,
    prior: &crate::value::Value,
    planned: &crate::value::Value,
) -> PResult<()> {
    crate::provider::aws::common::sync_tags_by_arn!(c.events, arn, prior, planned, add => sdk_tags(add)?)
}
