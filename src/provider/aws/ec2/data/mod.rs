//! EC2 data sources: look a VPC, subnet, security group, network interface, route table, prefix
//! list, endpoint service, launch template, machine image, transit gateway or its route table up by attributes, `filter` blocks
//! and tags, as the provider's data sources do.
//!
//! What they share lives here: turning the configuration into EC2 filters, insisting on exactly
//! one match for the singular ones (with the provider's messages), and writing results into the
//! configured value.

pub mod ami;
pub mod ids;
pub mod launch_template;
pub mod managed_prefix_list;
pub mod network_interface;
pub mod prefix_list;
pub mod route_table;
pub mod security_group;
pub mod subnet;
pub mod transit_gateway;
pub mod transit_gateway_route_table;
pub mod vpc;
pub mod vpc_endpoint_service;

use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_ec2::types::Filter;

/// The EC2 filters a data source's configuration asks for: its arguments that map to a filter
/// (`(argument, filter name)`), its `tags` (one `tag:KEY` filter each) and its `filter` blocks.
pub fn filters(config: &Value, attrs: &[(&str, &str)]) -> Vec<Filter> {
    let mut out = Vec::new();
    for (arg, name) in attrs {
        let v = config.get(arg);
        let text = match v {
            Value::Bool(b) => Some(b.to_string()),
            other => other.to_plain_string().filter(|s| !s.is_empty()),
        };
        if let Some(t) = text {
            out.push(Filter::builder().name(*name).values(t).build());
        }
    }
    for (k, v) in config.get("tags").as_object().into_iter().flatten() {
        if let Some(v) = v.to_plain_string() {
            out.push(Filter::builder().name(format!("tag:{k}")).values(v).build());
        }
    }
    for f in config.get("filter").as_list().unwrap_or_default() {
        let values: Vec<String> = f
            .get("values")
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(Value::to_plain_string)
            .collect();
        if let Some(name) = f.get("name").to_plain_string() {
            out.push(Filter::builder().name(name).set_values(Some(values)).build());
        }
    }
    out
}

/// The EC2 filters of a data source's `filter` blocks alone: some of the provider's data
/// sources (transit gateways and their route tables) accept `tags` but read them back instead
/// of selecting by them, and select with `id` and `filter` only.
pub fn filter_blocks(config: &Value) -> Vec<Filter> {
    let mut blocks_only = config.clone();
    if let Value::Object(m) = &mut blocks_only {
        m.shift_remove("tags");
    }
    filters(&blocks_only, &[])
}

/// The one object a singular data source matched: none or several is an error, worded as the
/// provider words it ("no matching EC2 VPC found").
pub fn exactly_one<T>(mut found: Vec<T>, what: &str, plural: &str) -> PResult<T> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(ProviderError::msg(format!("no matching {what} found"))),
        _ => Err(ProviderError::msg(format!(
            "multiple {plural} matched; use additional constraints to reduce matches to a single {what}"
        ))),
    }
}

/// The configuration with what was read added (arguments keep their configured values where
/// the read has none).
pub fn with_results(config: &Value, results: Value) -> Value {
    let mut v = config.clone();
    if let (Value::Object(m), Value::Object(r)) = (&mut v, results) {
        for (k, x) in r {
            m.insert(k, x);
        }
    }
    v
}
