//! `aws_security_group`: a security group with optional inline `ingress`/`egress` rules.
//!
//! As in Terraform, the allow-all egress rule AWS adds to a new VPC group is removed, so the
//! group holds exactly the rules written; rule blocks left out entirely are not managed here.

use super::{describe_all, owned, owner_filters, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, changed_blocks, configured_tags, ec2_arn, list_value, must_exist, name_or_generated,
    name_prefix_read, ok_on, op_timeout, opt_bool, opt_str, retry_while, str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{ipv4_cidr_network, ipv6_cidr_network, len_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Kind, SecurityGroup as Ec2SecurityGroup,
    UserIdGroupPair,
};
use indexmap::IndexMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_security_group` resource type.
pub struct SecurityGroup {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecurityGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecurityGroup {
        let schema = resource("aws_security_group")
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("description")
            .force_new()
            .default("Managed by Terraform")
            .arg("vpc_id")
            .force_new()
            .arg("revoke_rules_on_delete")
            .default(false)
            .args(&["tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]));
        let schema = declare_rules(schema);
        let schema = schema
            .arg("name")
            .check(len_between(0, 255))
            .arg("description")
            .check(len_between(0, 255))
            .timeouts(10, 0, 15)
            .build();
        SecurityGroup { c, schema }
    }

    async fn authorize(&self, id: &str, egress: bool, rules: &[Value]) -> PResult<()> {
        authorize(&self.c, id, egress, rules).await
    }

    async fn revoke(&self, id: &str, egress: bool, rules: &[Value]) -> PResult<()> {
        revoke(&self.c, id, egress, rules).await
    }
}

/// Declares the `ingress` and `egress` rule blocks, alike in `aws_security_group` and
/// `aws_default_security_group`.
pub fn declare_rules(mut schema: Decl) -> Decl {
    for direction in ["ingress", "egress"] {
        let field = |f: &str| format!("{direction}.{f}");
        schema = schema
            .as_blocks(direction)
            .arg(direction)
            .arg(&field("from_port"))
            .required()
            .arg(&field("to_port"))
            .required()
            .arg(&field("protocol"))
            .required()
            .arg(&field("self"))
            .default(false);
        // Compared without order, as AWS returns them in its own.
        for list in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
            schema = schema.arg(&field(list)).unordered();
        }
        schema = schema
            .arg(&field("cidr_blocks"))
            .check(ipv4_cidr_network())
            .arg(&field("ipv6_cidr_blocks"))
            .check(ipv6_cidr_network())
            .arg(&field("description"))
            .check(len_between(0, 255))
            .check(rule_description());
    }
    schema
}

/// The characters EC2 takes in a security group rule's description (the provider checks them
/// too, so `validate` says it rather than an apply half done).
pub fn rule_description() -> crate::schema::validators::Validator {
    crate::schema::validators::matches(
        r"^[0-9A-Za-z_ .:/()#,@\[\]+=&;{}!$*-]*$",
        "letters, digits, spaces and _ . : / ( ) # , @ [ ] + = & ; { } ! $ * - only",
    )
}

/// Adds rules to a group (`egress` or ingress), as `ingress`/`egress` block values.
pub async fn authorize(c: &Clients, id: &str, egress: bool, rules: &[Value]) -> PResult<()> {
    if rules.is_empty() {
        return Ok(());
    }
    let perms: Vec<IpPermission> = rules.iter().map(|r| permission(id, r)).collect();
    if egress {
        c.ec2
            .authorize_security_group_egress()
            .group_id(id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .map_err(aws_err)?;
    } else {
        c.ec2
            .authorize_security_group_ingress()
            .group_id(id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .map_err(aws_err)?;
    }
    Ok(())
}

/// Removes rules from a group; rules already gone are fine.
pub async fn revoke(c: &Clients, id: &str, egress: bool, rules: &[Value]) -> PResult<()> {
    if rules.is_empty() {
        return Ok(());
    }
    let perms: Vec<IpPermission> = rules.iter().map(|r| permission(id, r)).collect();
    let r = if egress {
        c.ec2
            .revoke_security_group_egress()
            .group_id(id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .map(|_| ())
            .map_err(aws_err)
    } else {
        c.ec2
            .revoke_security_group_ingress()
            .group_id(id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .map(|_| ())
            .map_err(aws_err)
    };
    ok_on(r, &["InvalidPermission.NotFound"])
}

/// Brings a group's rules of one direction from `old` to `new` (block values compared as the
/// `rule` schema says), revoking what goes and authorising what comes.
pub async fn sync_rules(
    c: &Clients,
    rule: &Schema,
    id: &str,
    egress: bool,
    old: &[Value],
    new: &[Value],
) -> PResult<()> {
    let (gone, added) = changed_blocks(rule, old, new);
    let gone: Vec<Value> = gone.into_iter().cloned().collect();
    let added: Vec<Value> = added.into_iter().cloned().collect();
    revoke(c, id, egress, &gone).await?;
    authorize(c, id, egress, &added).await
}

/// The schema of one rule block of a group type (`ingress` and `egress` are alike).
pub fn rule_schema(schema: &Schema) -> Schema {
    schema
        .blocks
        .get("ingress")
        .map(|b| b.schema.clone())
        .unwrap_or_default()
}

/// Terraform's protocol spelling: names for the common protocols, "-1" for all.
pub fn normalize_protocol(p: &str) -> String {
    match p.to_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// The allow-all egress rule AWS gives a new group, to `cidr` in the list `list`, as a planned
/// rule block holds it when written out in full (`from_port = 0`, `to_port = 0`,
/// `protocol = "-1"` and the one destination).
fn default_egress(list: &str, cidr: &str) -> Value {
    let mut rule = Value::object([
        ("from_port", Value::Number(0.0)),
        ("to_port", Value::Number(0.0)),
        ("protocol", Value::str("-1")),
        ("self", Value::Bool(false)),
    ]);
    if let Value::Object(m) = &mut rule {
        m.insert(list.to_string(), Value::List(vec![Value::str(cidr)]));
    }
    rule
}

/// Whether a written rule block is exactly the default egress to `cidr` (in the list `list`):
/// every protocol, ports 0, that one destination, no description.
fn is_default_egress(r: &Value, list: &str, cidr: &str) -> bool {
    let lists = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"];
    normalize_protocol(&opt_str(r, "protocol").unwrap_or_default()) == "-1"
        && r.get("from_port").as_number() == Some(0.0)
        && r.get("to_port").as_number() == Some(0.0)
        && opt_bool(r, "self") != Some(true)
        && opt_str(r, "description").unwrap_or_default().is_empty()
        && lists
            .iter()
            .all(|l| str_list(r, l) == if *l == list { vec![cidr.to_string()] } else { vec![] })
}

/// Whether a rule allows every protocol to 0.0.0.0/0 or ::/0, as a default egress does.
fn reaches_everywhere(r: &Value) -> bool {
    let protocol = normalize_protocol(&opt_str(r, "protocol").unwrap_or_default());
    protocol == "-1"
        && (str_list(r, "cidr_blocks").iter().any(|c| c == "0.0.0.0/0")
            || str_list(r, "ipv6_cidr_blocks").iter().any(|c| c == "::/0"))
}

/// One rule block as the permission EC2 takes (`self` names the group itself).
pub fn permission(own_id: &str, r: &Value) -> IpPermission {
    let desc = opt_str(r, "description");
    let protocol = normalize_protocol(&opt_str(r, "protocol").unwrap_or_else(|| "-1".into()));
    let all = protocol == "-1";
    let mut groups: Vec<String> = str_list(r, "security_groups");
    if opt_bool(r, "self") == Some(true) {
        groups.push(own_id.to_string());
    }
    IpPermission::builder()
        .ip_protocol(&protocol)
        .set_from_port((!all).then(|| r.get("from_port").as_number().unwrap_or(0.0) as i32))
        .set_to_port((!all).then(|| r.get("to_port").as_number().unwrap_or(0.0) as i32))
        .set_ip_ranges(Some(
            str_list(r, "cidr_blocks")
                .into_iter()
                .map(|c| IpRange::builder().cidr_ip(c).set_description(desc.clone()).build())
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            str_list(r, "ipv6_cidr_blocks")
                .into_iter()
                .map(|c| Ipv6Range::builder().cidr_ipv6(c).set_description(desc.clone()).build())
                .collect(),
        ))
        .set_prefix_list_ids(Some(
            str_list(r, "prefix_list_ids")
                .into_iter()
                .map(|p| {
                    PrefixListId::builder()
                        .prefix_list_id(p)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .set_user_id_group_pairs(Some(
            groups
                .into_iter()
                .map(|g| {
                    UserIdGroupPair::builder()
                        .group_id(g)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .build()
}

/// The sources of one rule: everything of a permission that shares a description.
#[derive(Default)]
struct Sources {
    cidrs: Vec<String>,
    ipv6: Vec<String>,
    prefix_lists: Vec<String>,
    groups: Vec<String>,
    is_self: bool,
}

/// Flattens AWS permissions into rule blocks: one per permission and description.
pub fn rules_from(own_id: &str, perms: &[IpPermission]) -> Vec<Value> {
    let mut out = Vec::new();
    for p in perms {
        let mut by_desc: IndexMap<Option<String>, Sources> = IndexMap::new();
        for r in p.ip_ranges() {
            by_desc
                .entry(r.description().map(str::to_string))
                .or_default()
                .cidrs
                .push(r.cidr_ip().unwrap_or_default().to_string());
        }
        for r in p.ipv6_ranges() {
            by_desc
                .entry(r.description().map(str::to_string))
                .or_default()
                .ipv6
                .push(r.cidr_ipv6().unwrap_or_default().to_string());
        }
        for r in p.prefix_list_ids() {
            by_desc
                .entry(r.description().map(str::to_string))
                .or_default()
                .prefix_lists
                .push(r.prefix_list_id().unwrap_or_default().to_string());
        }
        for g in p.user_id_group_pairs() {
            let e = by_desc.entry(g.description().map(str::to_string)).or_default();
            match g.group_id() {
                Some(id) if id == own_id => e.is_self = true,
                Some(id) => e.groups.push(id.to_string()),
                None => {}
            }
        }
        let protocol = normalize_protocol(p.ip_protocol().unwrap_or("-1"));
        for (desc, src) in by_desc {
            out.push(Value::object([
                ("from_port", Value::Number(p.from_port().unwrap_or(0) as f64)),
                ("to_port", Value::Number(p.to_port().unwrap_or(0) as f64)),
                ("protocol", Value::str(&protocol)),
                ("cidr_blocks", list_value(src.cidrs)),
                ("ipv6_cidr_blocks", list_value(src.ipv6)),
                ("prefix_list_ids", list_value(src.prefix_lists)),
                ("security_groups", list_value(src.groups)),
                ("self", Value::Bool(src.is_self)),
                ("description", Value::from(desc.filter(|d| !d.is_empty()))),
            ]));
        }
    }
    out
}

#[async_trait]
impl ResourceType for SecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let out = self
            .c
            .ec2
            .create_security_group()
            .group_name(&name)
            .description(opt_str(planned, "description").unwrap_or_else(|| "Managed by Terraform".into()))
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::SecurityGroup))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .group_id()
            .ok_or_else(|| ProviderError::msg("CreateSecurityGroup returned no group id"))?
            .to_string();
        // AWS gives a new group an allow-all egress (to 0.0.0.0/0, and to ::/0 where the VPC
        // has IPv6). The group must hold exactly what is written, so those go, as the provider
        // revokes them, unless the blueprint writes that very rule, which then stays. Known
        // without reading the group, so the revokes and the written rules go out together
        // right after the create, each retried while EC2 does not know the new group yet (the
        // provider waits for it the same way). A written egress rule to one of those
        // destinations with other settings waits for the revoke, which it would collide with.
        let empty = Vec::new();
        let ingress = planned.get("ingress").as_list().unwrap_or(&empty);
        let egress = planned.get("egress").as_list().unwrap_or(&empty);
        let defaults = [("cidr_blocks", "0.0.0.0/0"), ("ipv6_cidr_blocks", "::/0")];
        let is_default = |r: &Value| defaults.iter().any(|(list, cidr)| is_default_egress(r, list, cidr));
        let revoked = defaults
            .iter()
            .filter(|(list, cidr)| !egress.iter().any(|r| is_default_egress(r, list, cidr)))
            .map(|(list, cidr)| default_egress(list, cidr));
        let added: Vec<Value> = egress.iter().filter(|r| !is_default(r)).cloned().collect();
        let after_revoke = added.iter().any(reaches_everywhere);
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        let settled = |rules: Vec<Value>, egress: bool, grant: bool| {
            let id = id.clone();
            async move {
                retry_while(&["InvalidGroup.NotFound"], timeout, || async {
                    match grant {
                        true => self.authorize(&id, egress, &rules).await,
                        false => self.revoke(&id, egress, &rules).await,
                    }
                })
                .await
            }
        };
        let revokes = futures::future::try_join_all(revoked.map(|d| settled(vec![d], true, false)));
        let early_egress = if after_revoke { Vec::new() } else { added.clone() };
        tokio::try_join!(
            settled(ingress.to_vec(), false, true),
            revokes,
            settled(early_egress, true, true)
        )?;
        if after_revoke {
            settled(added, true, true).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "security group", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = absent_on(
            self.c
                .ec2
                .describe_security_groups()
                .group_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidGroup.NotFound"],
        )?
        else {
            return Ok(None);
        };
        Ok(out
            .security_groups()
            .first()
            .map(|g| group_value(&self.c.region, id, g, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move {
            Ok(describe_all!(
                self.c.ec2.describe_security_groups(),
                filter,
                security_groups
            ))
        };
        let region = self.c.region.clone();
        let value = move |id: &str, o: &Ec2SecurityGroup, prior: &Value| group_value(&region, id, o, prior);
        read_many_by_id(items, "group-id", describe, |o: &Ec2SecurityGroup| o.group_id(), value).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let empty = Vec::new();
        for (block, egress) in [("ingress", false), ("egress", true)] {
            if let Some(new) = planned.get(block).as_list() {
                let old = prior.get(block).as_list().unwrap_or(&empty);
                sync_rules(&self.c, &rule_schema(&self.schema), id, egress, old, new).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        let mut v = self
            .read(ctx, id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("security group {id} vanished during update")))?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "revoke_rules_on_delete".into(),
                Value::Bool(opt_bool(planned, "revoke_rules_on_delete").unwrap_or(false)),
            );
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "revoke_rules_on_delete") == Some(true) {
            let empty = Vec::new();
            self.revoke(id, false, prior.get("ingress").as_list().unwrap_or(&empty))
                .await?;
            self.revoke(id, true, prior.get("egress").as_list().unwrap_or(&empty))
                .await?;
        }
        // Network interfaces of deleted load balancers and tasks keep the group in use for a while.
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(900));
        let r = retry_while(&["DependencyViolation"], timeout, || async {
            self.c
                .ec2
                .delete_security_group()
                .group_id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidGroup.NotFound"])
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_security_groups()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .security_groups()
            .iter()
            .find(|g| owned(g.tags(), ctx))
            .and_then(|g| g.group_id())
            .map(str::to_string))
    }
}

/// The object as state keeps it (shared by single and bulk reads, and by the default group).
pub fn group_value(region: &str, id: &str, g: &Ec2SecurityGroup, prior: &Value) -> Value {
    let owner = g.owner_id().unwrap_or_default().to_string();
    Value::object([
        ("id", Value::str(id)),
        ("name", Value::from(g.group_name())),
        ("name_prefix", name_prefix_read(prior, g.group_name(), "")),
        ("description", Value::from(g.description())),
        ("vpc_id", Value::from(g.vpc_id())),
        (
            "revoke_rules_on_delete",
            Value::Bool(opt_bool(prior, "revoke_rules_on_delete").unwrap_or(false)),
        ),
        ("ingress", Value::List(rules_from(id, g.ip_permissions()))),
        ("egress", Value::List(rules_from(id, g.ip_permissions_egress()))),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(g.tags())),
        ("arn", ec2_arn(region, &owner, "security-group", id)),
        ("owner_id", Value::str(owner)),
    ])
}

#[cfg(test)]
mod tests {
    use super::rule_description;
    use crate::value::Value;

    #[test]
    fn rule_descriptions_take_the_characters_ec2_takes() {
        let v = rule_description();
        assert!(v
            .check(&Value::str("HTTPS from the VPC (10.0.0.0/16) #1 [a]+b=c&d;{e}!$*-_@,:"))
            .is_ok());
        assert!(v.check(&Value::str("")).is_ok());
        assert!(v.check(&Value::str("From API Gateway's VPC link")).is_err());
        assert!(v.check(&Value::str("quoted \"text\"")).is_err());
    }
}
