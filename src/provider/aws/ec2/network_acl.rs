//! `aws_network_acl`: a network ACL with optional inline `ingress`/`egress` entries and the
//! subnets it is associated with.
//!
//! The entry, protocol and association code is shared with `aws_default_network_acl`,
//! `aws_network_acl_rule` and `aws_network_acl_association`. AWS speaks protocol numbers only;
//! entries record the number and compare a name (`tcp`) equal to it, as the provider does.

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, changed_blocks, configured_tags, ec2_arn, must_exist, ok_on, opt_str, retry_while, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{int_between, ipv4_cidr_network, ipv6_cidr_network, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, IcmpTypeCode, NetworkAcl as Ec2NetworkAcl, NetworkAclEntry, PortRange, RuleAction};
use std::sync::Arc;
use std::time::Duration;

/// Rule numbers of the deny-all entries AWS puts in every ACL, which cannot be changed.
const AWS_RULE_NUMBERS: [i32; 2] = [32767, 32768];

/// Protocol names an ACL entry takes for IANA's numbers (AWS takes only the numbers).
const PROTOCOLS: &[(&str, i32)] = &[
    ("all", -1),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipv4", 4),
    ("st", 5),
    ("tcp", 6),
    ("cbt", 7),
    ("egp", 8),
    ("igp", 9),
    ("bbn-rcc-mon", 10),
    ("nvp-ii", 11),
    ("pup", 12),
    ("argus", 13),
    ("emcon", 14),
    ("xnet", 15),
    ("chaos", 16),
    ("udp", 17),
    ("mux", 18),
    ("dcn-meas", 19),
    ("hmp", 20),
    ("prm", 21),
    ("xns-idp", 22),
    ("trunk-1", 23),
    ("trunk-2", 24),
    ("leaf-1", 25),
    ("leaf-2", 26),
    ("rdp", 27),
    ("irtp", 28),
    ("iso-tp4", 29),
    ("netblt", 30),
    ("mfe-nsp", 31),
    ("merit-inp", 32),
    ("dccp", 33),
    ("3pc", 34),
    ("idpr", 35),
    ("xtp", 36),
    ("ddp", 37),
    ("idpr-cmtp", 38),
    ("tp++", 39),
    ("il", 40),
    ("ipv6", 41),
    ("sdrp", 42),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("gre", 47),
    ("dsr", 48),
    ("bna", 49),
    ("esp", 50),
    ("ah", 51),
    ("i-nlsp", 52),
    ("swipe", 53),
    ("narp", 54),
    ("mobile", 55),
    ("tlsp", 56),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("cftp", 62),
    ("sat-expak", 64),
    ("kryptolan", 65),
    ("rvd", 66),
    ("ippc", 67),
    ("sat-mon", 69),
    ("visa", 70),
    ("ipcv", 71),
    ("cpnx", 72),
    ("cphb", 73),
    ("wsn", 74),
    ("pvp", 75),
    ("br-sat-mon", 76),
    ("sun-nd", 77),
    ("wb-mon", 78),
    ("wb-expak", 79),
    ("iso-ip", 80),
    ("vmtp", 81),
    ("secure-vmtp", 82),
    ("vines", 83),
    ("ttp", 84),
    ("nsfnet-igp", 85),
    ("dgp", 86),
    ("tcf", 87),
    ("eigrp", 88),
    ("ospfigp", 89),
    ("sprite-rpc", 90),
    ("larp", 91),
    ("mtp", 92),
    ("ax.25", 93),
    ("ipip", 94),
    ("micp", 95),
    ("scc-sp", 96),
    ("etherip", 97),
    ("encap", 98),
    ("gmtp", 100),
    ("ifmp", 101),
    ("pnni", 102),
    ("pim", 103),
    ("aris", 104),
    ("scps", 105),
    ("qnx", 106),
    ("a/n", 107),
    ("ipcomp", 108),
    ("snp", 109),
    ("compaq-peer", 110),
    ("ipx-in-ip", 111),
    ("vrrp", 112),
    ("pgm", 113),
    ("l2tp", 115),
    ("dd", 116),
    ("iatp", 117),
    ("stp", 118),
    ("srp", 119),
    ("uti", 120),
    ("smp", 121),
    ("sm", 122),
    ("ptp", 123),
    ("isis-over-ipv4", 124),
    ("fire", 125),
    ("crtp", 126),
    ("crudp", 127),
    ("sscopmce", 128),
    ("iplt", 129),
    ("sps", 130),
    ("pipe", 131),
    ("sctp", 132),
    ("fc", 133),
    ("rsvp-e2e-ignore", 134),
    ("mobility-header", 135),
    ("udplite", 136),
    ("mpls-in-ip", 137),
    ("manet", 138),
    ("hip", 139),
    ("shim6", 140),
    ("wesp", 141),
    ("rohc", 142),
];

/// Numbers IANA assigned that have no name the provider knows.
const UNNAMED_PROTOCOLS: &[i32] = &[61, 63, 68, 99, 114, 253, 254];

/// The protocol number of a name or number an ACL entry takes; `None` for anything else.
pub fn protocol_number(p: &str) -> Option<i32> {
    let p = p.trim();
    match p.parse::<i32>() {
        Ok(n) => (PROTOCOLS.iter().any(|(_, x)| *x == n) || UNNAMED_PROTOCOLS.contains(&n)).then_some(n),
        Err(_) => PROTOCOLS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(p))
            .map(|(_, n)| *n),
    }
}

/// The canonical form of a protocol for comparisons: its number (`tcp` and `6` are one).
pub fn canonical_protocol(p: &str) -> String {
    protocol_number(p)
        .map(|n| n.to_string())
        .unwrap_or_else(|| p.to_string())
}

/// The canonical form of a rule action: AWS answers in lowercase, blueprints may not.
pub fn canonical_action(a: &str) -> String {
    a.to_lowercase()
}

/// Checks a protocol at plan time, as the provider's validator does.
pub fn check_protocol(config: &Value, path: &str) -> Result<(), String> {
    match config.get("protocol").as_str() {
        Some(p) if protocol_number(p).is_none() => Err(format!("{path}protocol: unsupported NACL protocol \"{p}\"")),
        _ => Ok(()),
    }
}

/// Declares the inline `ingress`/`egress` entry fields of `aws_network_acl` and
/// `aws_default_network_acl` (`as_blocks` is the caller's when the provider's schema has them
/// as attributes).
pub fn declare_entries(mut schema: Decl) -> Decl {
    for direction in ["ingress", "egress"] {
        let field = |f: &str| format!("{direction}.{f}");
        schema = schema
            .arg(direction)
            .arg(&field("action"))
            .required()
            .normalized(canonical_action)
            .check(matches(r"(?i)^(allow|deny)$", "allow or deny"))
            .arg(&field("protocol"))
            .required()
            .normalized(canonical_protocol)
            .arg(&field("rule_no"))
            .required()
            .check(int_between(1, 32766))
            .arg(&field("from_port"))
            .required()
            .check(int_between(0, 65535))
            .arg(&field("to_port"))
            .required()
            .check(int_between(0, 65535))
            .arg(&field("icmp_code"))
            .default(0)
            .arg(&field("icmp_type"))
            .default(0)
            .arg(&field("cidr_block"))
            .check(ipv4_cidr_network())
            .arg(&field("ipv6_cidr_block"))
            .check(ipv6_cidr_network());
    }
    schema
}

/// The CreateNetworkAclEntry a rule stands for (`entry` in the fields of an inline entry).
pub struct Entry {
    /// Rule number.
    pub rule_no: i32,
    /// Outbound.
    pub egress: bool,
    /// Protocol number.
    pub protocol: i32,
    /// `allow` or `deny`.
    pub action: String,
    /// IPv4 source or destination.
    pub cidr_block: Option<String>,
    /// IPv6 source or destination.
    pub ipv6_cidr_block: Option<String>,
    /// Port range.
    pub ports: (i32, i32),
    /// ICMP type and code, for ICMP and ICMPv6.
    pub icmp: (i32, i32),
}

impl Entry {
    /// An inline `ingress`/`egress` block as an entry.
    pub fn from_block(v: &Value, egress: bool) -> Entry {
        let n = |k: &str| v.get(k).as_number().unwrap_or(0.0) as i32;
        Entry {
            rule_no: n("rule_no"),
            egress,
            protocol: opt_str(v, "protocol").and_then(|p| protocol_number(&p)).unwrap_or(-1),
            action: opt_str(v, "action").unwrap_or_default().to_lowercase(),
            cidr_block: opt_str(v, "cidr_block"),
            ipv6_cidr_block: opt_str(v, "ipv6_cidr_block"),
            ports: (n("from_port"), n("to_port")),
            icmp: (n("icmp_type"), n("icmp_code")),
        }
    }

    /// Creates the entry in an ACL.
    pub async fn create(&self, c: &Clients, acl: &str) -> PResult<()> {
        if self.protocol == -1 && self.ports != (0, 0) {
            // All-protocol entries carry no ports in AWS; a plan would never settle.
            return Err(ProviderError::msg(format!(
                "to_port ({}) and from_port ({}) must both be 0 to use the 'all' \"-1\" protocol",
                self.ports.1, self.ports.0
            )));
        }
        let icmp = matches!(self.protocol, 1 | 58)
            .then(|| IcmpTypeCode::builder().r#type(self.icmp.0).code(self.icmp.1).build());
        c.ec2
            .create_network_acl_entry()
            .network_acl_id(acl)
            .rule_number(self.rule_no)
            .egress(self.egress)
            .protocol(self.protocol.to_string())
            .rule_action(RuleAction::from(self.action.as_str()))
            .set_cidr_block(self.cidr_block.clone())
            .set_ipv6_cidr_block(self.ipv6_cidr_block.clone())
            .port_range(PortRange::builder().from(self.ports.0).to(self.ports.1).build())
            .set_icmp_type_code(icmp)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

/// Deletes an entry of an ACL; one already gone is fine.
pub async fn delete_entry(c: &Clients, acl: &str, rule_no: i32, egress: bool) -> PResult<()> {
    let r = c
        .ec2
        .delete_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(rule_no)
        .egress(egress)
        .send()
        .await
        .map_err(aws_err);
    ok_on(r, &["InvalidNetworkAclID.NotFound", "InvalidNetworkAclEntry.NotFound"])
}

/// An AWS entry as an inline `ingress`/`egress` block value.
pub fn entry_value(e: &NetworkAclEntry) -> Value {
    let protocol = e.protocol().map(canonical_protocol);
    let ports = e.port_range();
    let icmp = e.icmp_type_code();
    let num = |v: Option<i32>| Value::Number(v.unwrap_or(0) as f64);
    Value::object([
        ("rule_no", num(e.rule_number())),
        ("action", Value::from(e.rule_action().map(|a| a.as_str().to_string()))),
        ("protocol", Value::from(protocol)),
        ("cidr_block", Value::from(e.cidr_block())),
        ("ipv6_cidr_block", Value::from(e.ipv6_cidr_block())),
        ("from_port", num(ports.and_then(|p| p.from()))),
        ("to_port", num(ports.and_then(|p| p.to()))),
        ("icmp_type", num(icmp.and_then(|i| i.r#type()))),
        ("icmp_code", num(icmp.and_then(|i| i.code()))),
    ])
}

/// The entries of one direction a blueprint can manage (not AWS's deny-all ones).
pub fn entries_of(acl: &Ec2NetworkAcl, egress: bool) -> Vec<Value> {
    acl.entries()
        .iter()
        .filter(|e| e.egress() == Some(egress))
        .filter(|e| !e.rule_number().is_some_and(|n| AWS_RULE_NUMBERS.contains(&n)))
        .map(entry_value)
        .collect()
}

/// Brings one direction's entries from `old` to `new` (compared as `entry`'s schema says):
/// those that go are deleted first, so a changed entry can keep its rule number.
pub async fn sync_entries(
    c: &Clients,
    entry: &Schema,
    acl: &str,
    egress: bool,
    old: &[Value],
    new: &[Value],
) -> PResult<()> {
    let (gone, added) = changed_blocks(entry, old, new);
    for o in gone {
        let e = Entry::from_block(o, egress);
        delete_entry(c, acl, e.rule_no, egress).await?;
    }
    for n in added {
        Entry::from_block(n, egress).create(c, acl).await?;
    }
    Ok(())
}

/// The ACL a subnet is associated with now, and that association's id.
pub async fn association_of(c: &Clients, subnet: &str) -> PResult<Option<(String, String)>> {
    let out = c
        .ec2
        .describe_network_acls()
        .filters(Filter::builder().name("association.subnet-id").values(subnet).build())
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.network_acls().iter().find_map(|acl| {
        acl.associations()
            .iter()
            .find(|a| a.subnet_id() == Some(subnet))
            .and_then(|a| {
                Some((
                    acl.network_acl_id()?.to_string(),
                    a.network_acl_association_id()?.to_string(),
                ))
            })
    }))
}

/// Associates a subnet with an ACL (a subnet always has exactly one: this replaces the one it
/// has); returns the new association's id.
pub async fn associate(c: &Clients, acl: &str, subnet: &str) -> PResult<String> {
    let (_, current) = association_of(c, subnet)
        .await?
        .ok_or_else(|| ProviderError::msg(format!("subnet {subnet} has no network ACL association")))?;
    let out = c
        .ec2
        .replace_network_acl_association()
        .association_id(current)
        .network_acl_id(acl)
        .send()
        .await
        .map_err(aws_err)?;
    out.new_association_id()
        .map(str::to_string)
        .ok_or_else(|| ProviderError::msg("ReplaceNetworkAclAssociation returned no association id"))
}

/// The default ACL of a VPC.
pub async fn default_acl_of(c: &Clients, vpc: &str) -> PResult<String> {
    let out = c
        .ec2
        .describe_network_acls()
        .filters(Filter::builder().name("vpc-id").values(vpc).build())
        .filters(Filter::builder().name("default").values("true").build())
        .send()
        .await
        .map_err(aws_err)?;
    out.network_acls()
        .iter()
        .find(|a| a.is_default() == Some(true))
        .and_then(|a| a.network_acl_id())
        .map(str::to_string)
        .ok_or_else(|| ProviderError::msg(format!("VPC {vpc} has no default network ACL")))
}

/// Moves subnets back to their VPC's default ACL (what removing them from an ACL means: a
/// subnet always has one); subnets that no longer exist are skipped.
pub async fn release_subnets(c: &Clients, vpc: &str, subnets: &[String]) -> PResult<()> {
    if subnets.is_empty() {
        return Ok(());
    }
    let default = default_acl_of(c, vpc).await?;
    for s in subnets {
        if association_of(c, s).await?.is_some() {
            associate(c, &default, s).await?;
        }
    }
    Ok(())
}

/// Reads one ACL; `None` when it no longer exists.
pub async fn describe(c: &Clients, id: &str) -> PResult<Option<Ec2NetworkAcl>> {
    let out = absent_on(
        c.ec2
            .describe_network_acls()
            .network_acl_ids(id)
            .send()
            .await
            .map_err(aws_err),
        &["InvalidNetworkAclID.NotFound"],
    )?;
    Ok(out.and_then(|o| o.network_acls().first().cloned()))
}

/// The fields of one inline entry, as a type's schema declares them.
pub fn entry_block(schema: &Schema) -> Schema {
    schema
        .blocks
        .get("ingress")
        .map(|b| b.schema.clone())
        .unwrap_or_default()
}

/// The ACL as `aws_network_acl` state keeps it (shared by single and bulk reads, and by the
/// default ACL).
pub fn acl_value(region: &str, id: &str, acl: &Ec2NetworkAcl, prior: &Value) -> Value {
    let owner = acl.owner_id().unwrap_or_default().to_string();
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(acl.vpc_id())),
        ("ingress", Value::List(entries_of(acl, false))),
        ("egress", Value::List(entries_of(acl, true))),
        (
            "subnet_ids",
            Value::List(
                acl.associations()
                    .iter()
                    .filter_map(|a| a.subnet_id())
                    .map(Value::str)
                    .collect(),
            ),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(acl.tags())),
        ("arn", ec2_arn(region, &owner, "network-acl", id)),
        ("owner_id", Value::str(owner)),
    ])
}

/// The `aws_network_acl` resource type.
pub struct NetworkAcl {
    c: Arc<Clients>,
    schema: Schema,
}

impl NetworkAcl {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkAcl {
        let schema = resource("aws_network_acl")
            .arg("vpc_id")
            .force_new()
            .as_blocks("ingress")
            .as_blocks("egress")
            .args(&["subnet_ids", "tags"]);
        let schema = declare_entries(schema).build();
        NetworkAcl { c, schema }
    }
}

#[async_trait]
impl ResourceType for NetworkAcl {
    fn type_name(&self) -> &'static str {
        "aws_network_acl"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        for direction in ["ingress", "egress"] {
            for e in config.get(direction).as_list().unwrap_or_default() {
                check_protocol(e, &format!("{direction}."))?;
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_network_acl()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .client_token(&ctx.token)
            .set_tag_specifications(tag_spec(ctx, planned, aws_sdk_ec2::types::ResourceType::NetworkAcl))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .network_acl()
            .and_then(|a| a.network_acl_id())
            .ok_or_else(|| ProviderError::msg("CreateNetworkAcl returned no id"))?
            .to_string();
        let entry = entry_block(&self.schema);
        for (direction, egress) in [("egress", true), ("ingress", false)] {
            let wanted = planned.get(direction).as_list().unwrap_or_default();
            sync_entries(&self.c, &entry, &id, egress, &[], wanted).await?;
        }
        for s in str_list(planned, "subnet_ids") {
            associate(&self.c, &id, &s).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "network ACL", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(acl) = describe(&self.c, id).await? else {
            return Ok(None);
        };
        if acl.is_default() == Some(true) && prior.is_null() {
            return Err(ProviderError::msg(format!(
                "{id} is a VPC's default network ACL: use the aws_default_network_acl resource instead"
            )));
        }
        Ok(Some(acl_value(&self.c.region, id, &acl, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe =
            |filter| async move { Ok(describe_all!(self.c.ec2.describe_network_acls(), filter, network_acls)) };
        let region = self.c.region.clone();
        let value = move |id: &str, o: &Ec2NetworkAcl, prior: &Value| acl_value(&region, id, o, prior);
        read_many_by_id(
            items,
            "network-acl-id",
            describe,
            |o: &Ec2NetworkAcl| o.network_acl_id(),
            value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let entry = entry_block(&self.schema);
        for (direction, egress) in [("ingress", false), ("egress", true)] {
            if let Some(new) = planned.get(direction).as_list() {
                let old = prior.get(direction).as_list().unwrap_or_default();
                sync_entries(&self.c, &entry, id, egress, old, new).await?;
            }
        }
        if !planned.get("subnet_ids").has_unknown() && prior.get("subnet_ids") != planned.get("subnet_ids") {
            let (old, new) = (str_list(prior, "subnet_ids"), str_list(planned, "subnet_ids"));
            let gone: Vec<String> = old.iter().filter(|s| !new.contains(s)).cloned().collect();
            let vpc = opt_str(prior, "vpc_id").unwrap_or_default();
            release_subnets(&self.c, &vpc, &gone).await?;
            for s in new.iter().filter(|s| !old.contains(s)) {
                associate(&self.c, id, s).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "network ACL", id)
    }

    /// Moves every subnet still associated (also through `aws_network_acl_association`) back
    /// to the VPC's default ACL, then deletes the ACL.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(acl) = describe(&self.c, id).await? else {
            return Ok(());
        };
        let subnets: Vec<String> = acl
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id())
            .map(str::to_string)
            .collect();
        let vpc = acl
            .vpc_id()
            .map(str::to_string)
            .or_else(|| opt_str(prior, "vpc_id"))
            .unwrap_or_default();
        release_subnets(&self.c, &vpc, &subnets).await?;
        let r = retry_while(&["DependencyViolation"], Duration::from_secs(120), || async {
            self.c
                .ec2
                .delete_network_acl()
                .network_acl_id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidNetworkAclID.NotFound"])
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let acls = find_owned!(self.c.ec2.describe_network_acls(), ctx, network_acls);
        Ok(acls.first().and_then(|a| a.network_acl_id()).map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_compare_by_number() {
        assert_eq!(canonical_protocol("tcp"), "6");
        assert_eq!(canonical_protocol("TCP"), "6");
        assert_eq!(canonical_protocol("6"), "6");
        assert_eq!(canonical_protocol("all"), "-1");
        assert_eq!(canonical_protocol("-1"), "-1");
        assert_eq!(protocol_number("61"), Some(61));
        assert_eq!(protocol_number("57"), None);
        assert_eq!(protocol_number("nonsense"), None);
        let bad = Value::object([("protocol", Value::str("nonsense"))]);
        assert!(check_protocol(&bad, "ingress.")
            .unwrap_err()
            .contains("unsupported NACL protocol"));
    }
}
