//! `aws_vpc_security_group_ingress_rule` and `aws_vpc_security_group_egress_rule`: one
//! security group rule each, with its own id, tags, and in-place updates. The two types differ
//! only in direction, so one implementation serves both (one registry line each).

use super::{describe_all, read_many_by_id, read_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{absent_on, aws_err, configured_tags, must_exist, opt_str, required, tags_to_write};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, ipv4_cidr_network, ipv6_cidr_network};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Kind, SecurityGroupRule, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, Tag, TagSpecification, UserIdGroupPair,
};
use std::sync::Arc;

/// Ingress or egress.
#[derive(Clone, Copy, PartialEq)]
pub enum Direction {
    /// `aws_vpc_security_group_ingress_rule`.
    Ingress,
    /// `aws_vpc_security_group_egress_rule`.
    Egress,
}

/// A single-rule resource type of either direction.
pub struct VpcSecurityGroupRule {
    c: Arc<Clients>,
    direction: Direction,
    schema: Schema,
}

impl VpcSecurityGroupRule {
    /// Creates the type for one direction.
    pub fn new(c: Arc<Clients>, direction: Direction) -> VpcSecurityGroupRule {
        let name = match direction {
            Direction::Ingress => "aws_vpc_security_group_ingress_rule",
            Direction::Egress => "aws_vpc_security_group_egress_rule",
        };
        let schema = resource(name)
            .arg("security_group_id")
            .force_new()
            .args(&[
                "ip_protocol",
                "from_port",
                "to_port",
                "cidr_ipv4",
                "cidr_ipv6",
                "prefix_list_id",
                "referenced_security_group_id",
                "description",
                "tags",
            ])
            .arg("cidr_ipv4")
            .check(ipv4_cidr_network())
            .arg("cidr_ipv6")
            .check(ipv6_cidr_network())
            .arg("from_port")
            .check(int_between(-1, 65535))
            .arg("to_port")
            .check(int_between(-1, 65535))
            .build();
        VpcSecurityGroupRule { c, direction, schema }
    }
}

/// `-1`/`all` mean every protocol, spelled `-1` as the AWS provider stores it.
fn protocol(v: &Value) -> String {
    match opt_str(v, "ip_protocol").unwrap_or_default().to_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        other => other.to_string(),
    }
}

fn ports(v: &Value) -> (Option<i32>, Option<i32>) {
    if protocol(v) == "-1" {
        return (None, None);
    }
    (
        v.get("from_port").as_number().map(|n| n as i32),
        v.get("to_port").as_number().map(|n| n as i32),
    )
}

fn permission(v: &Value) -> IpPermission {
    let desc = opt_str(v, "description");
    let (from, to) = ports(v);
    let mut p = IpPermission::builder()
        .ip_protocol(protocol(v))
        .set_from_port(from)
        .set_to_port(to);
    if let Some(c) = opt_str(v, "cidr_ipv4") {
        p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc.clone()).build());
    }
    if let Some(c) = opt_str(v, "cidr_ipv6") {
        p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(desc.clone()).build());
    }
    if let Some(pl) = opt_str(v, "prefix_list_id") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(pl)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(g) = opt_str(v, "referenced_security_group_id") {
        p = p.user_id_group_pairs(UserIdGroupPair::builder().group_id(g).set_description(desc).build());
    }
    p.build()
}

#[async_trait]
impl ResourceType for VpcSecurityGroupRule {
    fn type_name(&self) -> &'static str {
        match self.direction {
            Direction::Ingress => "aws_vpc_security_group_ingress_rule",
            Direction::Egress => "aws_vpc_security_group_egress_rule",
        }
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let group = required(planned, "security_group_id")?;
        let sources = [
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
        ]
        .iter()
        .filter(|k| opt_str(planned, k).is_some())
        .count();
        if sources != 1 {
            return Err(ProviderError::msg(
                "exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id and referenced_security_group_id must be set",
            ));
        }
        let tags: Vec<Tag> = tags_to_write(ctx, planned)
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let spec = TagSpecification::builder()
            .resource_type(Kind::SecurityGroupRule)
            .set_tags(Some(tags))
            .build();
        let rules = match self.direction {
            Direction::Ingress => self
                .c
                .ec2
                .authorize_security_group_ingress()
                .group_id(&group)
                .ip_permissions(permission(planned))
                .tag_specifications(spec)
                .send()
                .await
                .map_err(aws_err)?
                .security_group_rules()
                .to_vec(),
            Direction::Egress => self
                .c
                .ec2
                .authorize_security_group_egress()
                .group_id(&group)
                .ip_permissions(permission(planned))
                .tag_specifications(spec)
                .send()
                .await
                .map_err(aws_err)?
                .security_group_rules()
                .to_vec(),
        };
        let id = rules
            .first()
            .and_then(|r| r.security_group_rule_id())
            .ok_or_else(|| ProviderError::msg("the authorize call returned no rule id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "security group rule", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ec2
            .describe_security_group_rules()
            .security_group_rule_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidSecurityGroupRuleId.NotFound"])? else {
            return Ok(None);
        };
        Ok(out
            .security_group_rules()
            .first()
            .map(|r| rule_value(&self.c.region, id, r, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move {
            Ok(describe_all!(
                self.c.ec2.describe_security_group_rules(),
                filter,
                security_group_rules
            ))
        };
        let region = self.c.region.as_str();
        read_many_by_id(
            items,
            "security-group-rule-id",
            describe,
            |r: &SecurityGroupRule| r.security_group_rule_id(),
            |id, r, prior| rule_value(region, id, r, prior),
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let group = opt_str(prior, "security_group_id").unwrap_or_default();
        let (from, to) = ports(planned);
        let request = SecurityGroupRuleRequest::builder()
            .ip_protocol(protocol(planned))
            .set_from_port(from)
            .set_to_port(to)
            .set_cidr_ipv4(opt_str(planned, "cidr_ipv4"))
            .set_cidr_ipv6(opt_str(planned, "cidr_ipv6"))
            .set_prefix_list_id(opt_str(planned, "prefix_list_id"))
            .set_referenced_group_id(opt_str(planned, "referenced_security_group_id"))
            .set_description(opt_str(planned, "description"))
            .build();
        self.c
            .ec2
            .modify_security_group_rules()
            .group_id(&group)
            .security_group_rules(
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(id)
                    .security_group_rule(request)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        super::update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "security group rule", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let group = opt_str(prior, "security_group_id").unwrap_or_default();
        let r = match self.direction {
            Direction::Ingress => self
                .c
                .ec2
                .revoke_security_group_ingress()
                .group_id(&group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
            Direction::Egress => self
                .c
                .ec2
                .revoke_security_group_egress()
                .group_id(&group)
                .security_group_rule_ids(id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err),
        };
        absent_on(
            r,
            &[
                "InvalidSecurityGroupRuleId.NotFound",
                "InvalidGroup.NotFound",
                "InvalidPermission.NotFound",
            ],
        )
        .map(|_| ())
    }
}

/// The state of one rule as AWS describes it.
fn rule_value(region: &str, id: &str, r: &SecurityGroupRule, prior: &Value) -> Value {
    let proto = match r.ip_protocol().unwrap_or("-1") {
        "-1" | "all" => "-1".to_string(),
        other => other.to_string(),
    };
    let port = |p: Option<i32>| match p {
        Some(n) if proto != "-1" => Value::Number(n as f64),
        _ => Value::Null,
    };
    let group = r.group_id().unwrap_or_default().to_string();
    let owner = r.group_owner_id().unwrap_or("123456789012").to_string();
    Value::object([
        ("id", Value::str(id)),
        ("security_group_id", Value::str(&group)),
        ("ip_protocol", Value::str(&proto)),
        ("from_port", port(r.from_port())),
        ("to_port", port(r.to_port())),
        ("cidr_ipv4", Value::from(r.cidr_ipv4())),
        ("cidr_ipv6", Value::from(r.cidr_ipv6())),
        ("prefix_list_id", Value::from(r.prefix_list_id())),
        (
            "referenced_security_group_id",
            Value::from(r.referenced_group_info().and_then(|g| g.group_id())),
        ),
        ("description", Value::from(r.description().filter(|d| !d.is_empty()))),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(r.tags())),
        (
            "arn",
            Value::str(format!("arn:aws:ec2:{}:{owner}:security-group-rule/{id}", region)),
        ),
        ("security_group_rule_id", Value::str(id)),
    ])
}
