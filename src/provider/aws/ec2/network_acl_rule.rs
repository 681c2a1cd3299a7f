//! `aws_network_acl_rule`: one entry of a network ACL, managed on its own.
//!
//! An entry has no id or tags of its own in AWS: it is its ACL, direction and rule number.
//! Its id is the provider's (`nacl-` and a CRC-32 of those and the protocol), and its import id
//! `ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS`. Being its key, that triple is also how a killed run's
//! entry is found again: a create that finds the very entry it would make adopts it, while a
//! different entry at that number is an error, as in the provider.

use super::network_acl::{canonical_action, canonical_protocol, delete_entry, entry_value, protocol_number, Entry};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_bool, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, ipv4_cidr_network, ipv6_cidr_network, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, NetworkAcl as Ec2NetworkAcl, NetworkAclEntry};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_network_acl_rule` resource type.
pub struct NetworkAclRule {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's id of an entry: `nacl-` and the CRC-32 of its key.
pub fn rule_id(acl: &str, rule_no: i64, egress: bool, protocol: &str) -> String {
    format!(
        "nacl-{}",
        crc32fast::hash(format!("{acl}-{rule_no}-{egress}-{protocol}-").as_bytes())
    )
}

/// Splits an import id `ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS`.
fn parse_import_id(id: &str) -> Option<(String, i64, String, bool)> {
    let parts: Vec<&str> = id.split(':').collect();
    let [acl, rule, protocol, egress] = parts.as_slice() else {
        return None;
    };
    if acl.is_empty() || protocol.is_empty() {
        return None;
    }
    Some((
        acl.to_string(),
        rule.parse().ok()?,
        protocol.to_string(),
        egress.parse().ok()?,
    ))
}

impl NetworkAclRule {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkAclRule {
        let mut schema = resource("aws_network_acl_rule")
            .arg("network_acl_id")
            .force_new()
            .arg("rule_number")
            .force_new()
            .arg("egress")
            .force_new()
            .default(false)
            .arg("protocol")
            .force_new()
            .normalized(canonical_protocol)
            .arg("rule_action")
            .force_new()
            .normalized(canonical_action)
            .check(matches(r"(?i)^(allow|deny)$", "allow or deny"))
            .arg("cidr_block")
            .force_new()
            .check(ipv4_cidr_network())
            .arg("ipv6_cidr_block")
            .force_new()
            .check(ipv6_cidr_network())
            .rule(Rule::ExactlyOne(&["cidr_block", "ipv6_cidr_block"]));
        for port in ["from_port", "to_port"] {
            schema = schema.arg(port).force_new().check(int_between(0, 65535));
        }
        for icmp in ["icmp_type", "icmp_code"] {
            schema = schema.arg(icmp).force_new();
        }
        NetworkAclRule {
            c,
            schema: schema.build(),
        }
    }

    async fn acls(&self, ids: Vec<String>) -> PResult<Vec<Ec2NetworkAcl>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_network_acls()
                .filters(Filter::builder().name("network-acl-id").set_values(Some(ids)).build())
                .send()
                .await
                .map_err(aws_err),
            &["InvalidNetworkAclID.NotFound"],
        )?;
        Ok(out.map(|o| o.network_acls().to_vec()).unwrap_or_default())
    }

    async fn find(&self, acl: &str, egress: bool, rule_no: i64) -> PResult<Option<NetworkAclEntry>> {
        let acls = self.acls(vec![acl.to_string()]).await?;
        Ok(acls
            .iter()
            .find(|a| a.network_acl_id() == Some(acl))
            .and_then(|a| entry_in(a, egress, rule_no)))
    }
}

fn entry_in(acl: &Ec2NetworkAcl, egress: bool, rule_no: i64) -> Option<NetworkAclEntry> {
    acl.entries()
        .iter()
        .find(|e| e.egress() == Some(egress) && e.rule_number().map(i64::from) == Some(rule_no))
        .cloned()
}

/// The key of an entry in state: its ACL, direction and rule number.
fn key_of(v: &Value) -> (String, bool, i64) {
    (
        opt_str(v, "network_acl_id").unwrap_or_default(),
        opt_bool(v, "egress") == Some(true),
        v.get("rule_number").as_number().unwrap_or(0.0) as i64,
    )
}

/// An entry as state keeps it. AWS reports ports only for port protocols and ICMP fields only
/// for ICMP entries; the others keep what state had, as the provider leaves them.
fn rule_value(id: &str, acl: &str, e: &NetworkAclEntry, prior: &Value) -> Value {
    let block = entry_value(e);
    let icmp = e.icmp_type_code().is_some();
    let ports = e.port_range().is_some();
    let pick = |k: &str| block.get(k).clone();
    let kept = |k: &str| prior.get(k).clone();
    Value::object([
        ("id", Value::str(id)),
        ("network_acl_id", Value::str(acl)),
        ("rule_number", pick("rule_no")),
        ("egress", Value::Bool(e.egress() == Some(true))),
        ("protocol", pick("protocol")),
        ("rule_action", pick("action")),
        ("cidr_block", pick("cidr_block")),
        ("ipv6_cidr_block", pick("ipv6_cidr_block")),
        ("from_port", if ports { pick("from_port") } else { kept("from_port") }),
        ("to_port", if ports { pick("to_port") } else { kept("to_port") }),
        ("icmp_type", if icmp { pick("icmp_type") } else { kept("icmp_type") }),
        ("icmp_code", if icmp { pick("icmp_code") } else { kept("icmp_code") }),
    ])
}

#[async_trait]
impl ResourceType for NetworkAclRule {
    fn type_name(&self) -> &'static str {
        "aws_network_acl_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        super::network_acl::check_protocol(config, "")
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (acl, egress, rule_no) = key_of(planned);
        let protocol = opt_str(planned, "protocol").unwrap_or_default();
        let n = |k: &str| planned.get(k).as_number().unwrap_or(0.0) as i32;
        let entry = Entry {
            rule_no: rule_no as i32,
            egress,
            protocol: protocol_number(&protocol)
                .ok_or_else(|| ProviderError::msg(format!("unsupported NACL protocol \"{protocol}\"")))?,
            action: opt_str(planned, "rule_action").unwrap_or_default().to_lowercase(),
            cidr_block: opt_str(planned, "cidr_block"),
            ipv6_cidr_block: opt_str(planned, "ipv6_cidr_block"),
            ports: (n("from_port"), n("to_port")),
            icmp: (n("icmp_type"), n("icmp_code")),
        };
        let id = rule_id(&acl, rule_no, egress, &protocol);
        if let Some(existing) = self.find(&acl, egress, rule_no).await? {
            // CreateNetworkAclEntry would accept an identical entry silently: an entry that is
            // exactly this one is what a killed run made; any other is someone else's.
            let found = rule_value(&id, &acl, &existing, planned);
            let same = ["protocol", "rule_action", "cidr_block", "ipv6_cidr_block"]
                .iter()
                .all(|k| crate::plan::diff::same_attr(&self.schema.attrs[k], planned.get(k), found.get(k)));
            if !same {
                return Err(ProviderError::msg(format!(
                    "EC2 Network ACL ({acl}) Rule (egress: {egress})({rule_no}) already exists"
                )));
            }
            return Ok(found);
        }
        entry.create(&self.c, &acl).await?;
        must_exist(self.read(ctx, &id, planned).await?, "network ACL rule", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (acl, egress, rule_no, id) = match (prior, parse_import_id(id)) {
            (Value::Null, Some((acl, rule_no, protocol, egress))) => {
                let rid = rule_id(&acl, rule_no, egress, &protocol);
                (acl, egress, rule_no, rid)
            }
            _ => {
                let (acl, egress, rule_no) = key_of(prior);
                (acl, egress, rule_no, id.to_string())
            }
        };
        Ok(self
            .find(&acl, egress, rule_no)
            .await?
            .map(|e| rule_value(&id, &acl, &e, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        super::BULK_READ_LIMIT
    }

    /// The entries of many rules with one DescribeNetworkAcls call for all their ACLs.
    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        if items.iter().any(|(_, prior)| prior.is_null()) {
            return crate::provider::read_each(self, ctx, items).await;
        }
        let mut ids: Vec<String> = items.iter().map(|(_, p)| key_of(p).0).collect();
        ids.sort();
        ids.dedup();
        let acls: HashMap<String, Ec2NetworkAcl> = self
            .acls(ids)
            .await?
            .into_iter()
            .filter_map(|a| Some((a.network_acl_id()?.to_string(), a)))
            .collect();
        Ok(items
            .iter()
            .map(|(id, prior)| {
                let (acl, egress, rule_no) = key_of(prior);
                acls.get(&acl)
                    .and_then(|a| entry_in(a, egress, rule_no))
                    .map(|e| rule_value(id, &acl, &e, prior))
            })
            .collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "network ACL rule", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let (acl, egress, rule_no) = key_of(prior);
        delete_entry(&self.c, &acl, rule_no as i32, egress).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_providers() {
        // The provider's id for (acl-1, 100, ingress, "tcp"): "nacl-" and crc32 of
        // "acl-1-100-false-tcp-".
        let id = rule_id("acl-1", 100, false, "tcp");
        assert_eq!(id, format!("nacl-{}", crc32fast::hash(b"acl-1-100-false-tcp-")));
        assert_ne!(id, rule_id("acl-1", 100, true, "tcp"));
        assert_eq!(
            parse_import_id("acl-7:110:6:true"),
            Some(("acl-7".into(), 110, "6".into(), true))
        );
        assert_eq!(parse_import_id("acl-7:110:6"), None);
        assert_eq!(parse_import_id("acl-7:x:6:true"), None);
    }
}
