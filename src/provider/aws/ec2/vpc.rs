//! `aws_vpc`: a VPC with its DNS settings, IPv6 block and IPAM allocations.
//!
//! The reading, attribute and IPv6 code is shared with `aws_default_vpc`, which adopts the
//! region's default VPC and then manages it as the provider's `aws_vpc` code does.

use super::cidr_association::{wait_state, Family};
use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, opt_bool, opt_str, read_beside, retry_while, wait_for,
    Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{cidr_prefix_between, int_between, int_in, ipv6_cidr_network, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, ResourceType as Kind, Vpc as Ec2Vpc, VpcAttributeName, VpcCidrBlockStateCode,
    VpcIpv6CidrBlockAssociation, VpcState,
};
use futures::future::try_join_all;
use std::sync::Arc;
use std::time::Duration;

/// The pool id AWS reports for an Amazon-provided IPv6 block.
const AMAZON_IPV6_POOL: &str = "Amazon";
/// The pool id AWS reports for a block allocated from an IPAM pool.
const IPAM_MANAGED_IPV6_POOL: &str = "IPAM Managed";

/// The `aws_vpc` resource type.
pub struct Vpc {
    c: Arc<Clients>,
    schema: Schema,
}

impl Vpc {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Vpc {
        let schema = resource("aws_vpc")
            .arg("cidr_block")
            .force_new()
            .check(cidr_prefix_between(16, 28))
            .arg("instance_tenancy")
            .default("default")
            .check(one_of(&["default", "dedicated"]))
            .arg("ipv4_ipam_pool_id")
            .force_new()
            .arg("ipv4_netmask_length")
            .force_new()
            .check(int_between(16, 28))
            .arg("enable_dns_support")
            .default(true)
            .arg("assign_generated_ipv6_cidr_block")
            .default(false)
            .args(&["enable_dns_hostnames", "enable_network_address_usage_metrics", "tags"])
            .rule(Rule::Conflicts(&["cidr_block", "ipv4_netmask_length"]))
            .rule(Rule::RequiredWith("ipv4_netmask_length", &["ipv4_ipam_pool_id"]))
            // The provider leaves this to AWS, which needs one of the two.
            .rule(Rule::AtLeastOne(&["cidr_block", "ipv4_ipam_pool_id"]));
        let schema = declare_ipv6(schema).build();
        Vpc { c, schema }
    }
}

/// Declares the IPv6 block arguments and the rules between them, alike in `aws_vpc` and
/// `aws_default_vpc`: an Amazon-provided block (with its border group) or one from an IPAM
/// pool (by CIDR or netmask length).
pub fn declare_ipv6(schema: Decl) -> Decl {
    schema
        .arg("ipv6_cidr_block")
        .check(ipv6_cidr_network())
        .check(cidr_prefix_between(56, 56))
        .arg("ipv6_netmask_length")
        .check(int_in(&[56]))
        .args(&["ipv6_ipam_pool_id", "ipv6_cidr_block_network_border_group"])
        .rule(Rule::Conflicts(&[
            "assign_generated_ipv6_cidr_block",
            "ipv6_ipam_pool_id",
        ]))
        .rule(Rule::Conflicts(&["ipv6_cidr_block", "ipv6_netmask_length"]))
        .rule(Rule::RequiredWith("ipv6_cidr_block", &["ipv6_ipam_pool_id"]))
        .rule(Rule::RequiredWith("ipv6_netmask_length", &["ipv6_ipam_pool_id"]))
        .rule(Rule::RequiredWith(
            "ipv6_cidr_block_network_border_group",
            &["assign_generated_ipv6_cidr_block"],
        ))
}

/// Sets one of the VPC's boolean attributes (one per ModifyVpcAttribute call, as AWS wants).
pub async fn set_attribute(c: &Clients, id: &str, name: VpcAttributeName, on: bool) -> PResult<()> {
    let v = AttributeBooleanValue::builder().value(on).build();
    let req = c.ec2.modify_vpc_attribute().vpc_id(id);
    let req = match name {
        VpcAttributeName::EnableDnsSupport => req.enable_dns_support(v),
        VpcAttributeName::EnableDnsHostnames => req.enable_dns_hostnames(v),
        _ => req.enable_network_address_usage_metrics(v),
    };
    req.send().await.map_err(aws_err)?;
    Ok(())
}

/// Reads one of the VPC's boolean attributes.
async fn attribute(c: &Clients, id: &str, name: VpcAttributeName) -> PResult<Option<bool>> {
    let out = c
        .ec2
        .describe_vpc_attribute()
        .vpc_id(id)
        .attribute(name.clone())
        .send()
        .await
        .map_err(aws_err)?;
    Ok(match name {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support().and_then(|a| a.value()),
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames().and_then(|a| a.value()),
        _ => out.enable_network_address_usage_metrics().and_then(|a| a.value()),
    })
}

/// The three boolean attributes the blueprint sets, in the order of [`BOOL_ATTRIBUTES`].
const BOOL_ATTRIBUTES: [(&str, VpcAttributeName); 3] = [
    ("enable_dns_support", VpcAttributeName::EnableDnsSupport),
    ("enable_dns_hostnames", VpcAttributeName::EnableDnsHostnames),
    (
        "enable_network_address_usage_metrics",
        VpcAttributeName::EnableNetworkAddressUsageMetrics,
    ),
];

/// Brings the boolean attributes from what AWS has (`current`, an attribute value as read) to
/// what is planned, leaving alone those the blueprint leaves to AWS.
pub async fn set_attributes(c: &Clients, id: &str, current: &Value, planned: &Value) -> PResult<()> {
    for (key, name) in BOOL_ATTRIBUTES {
        if let Some(want) = opt_bool(planned, key) {
            if current.get(key).as_bool() != Some(want) {
                set_attribute(c, id, name, want).await?;
            }
        }
    }
    Ok(())
}

/// Waits until a VPC is `available` (the provider waits up to 5 minutes; `aws_vpc` has no
/// timeouts block).
pub async fn wait_available(c: &Clients, id: &str) -> PResult<()> {
    wait_for(Wait::new(id, "available", Duration::from_secs(300)), || async {
        let d = c.ec2.describe_vpcs().vpc_ids(id).send().await.map_err(aws_err)?;
        Ok(match d.vpcs().first().and_then(|v| v.state()) {
            Some(VpcState::Available) => Poll::Ready(()),
            Some(state) => Poll::pending(state.as_str()),
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// The IPv6 block the VPC's `ipv6_*` attributes describe: the one of `association_id` when it
/// is still associated, else the first associated one.
fn ipv6_association<'a>(vpc: &'a Ec2Vpc, association_id: Option<&str>) -> Option<&'a VpcIpv6CidrBlockAssociation> {
    let associated = |a: &&VpcIpv6CidrBlockAssociation| {
        a.ipv6_cidr_block_state().and_then(|s| s.state()) == Some(&VpcCidrBlockStateCode::Associated)
    };
    let all = vpc.ipv6_cidr_block_association_set();
    all.iter()
        .filter(associated)
        .find(|a| association_id.is_some() && a.association_id() == association_id)
        .or_else(|| all.iter().find(associated))
}

/// Waits for an IPv6 block association of a VPC to reach `goal`.
async fn wait_ipv6(c: &Clients, association_id: &str, goal: VpcCidrBlockStateCode) -> PResult<()> {
    wait_state(c, Family::V6, association_id, goal, Duration::from_secs(300)).await
}

/// What the IPv6 block of a VPC should come from.
pub struct Ipv6Wanted {
    /// An Amazon-provided block.
    pub amazon: bool,
    /// A block from this IPAM pool.
    pub pool: Option<String>,
    /// That block exactly (with `pool`).
    pub cidr: Option<String>,
    /// Or a block of this size from the pool.
    pub netmask: Option<i32>,
    /// The network border group of an Amazon block.
    pub border_group: Option<String>,
}

impl Ipv6Wanted {
    /// What a planned value asks for.
    pub fn from(planned: &Value) -> Ipv6Wanted {
        Ipv6Wanted {
            amazon: opt_bool(planned, "assign_generated_ipv6_cidr_block") == Some(true),
            pool: opt_str(planned, "ipv6_ipam_pool_id"),
            cidr: opt_str(planned, "ipv6_cidr_block"),
            netmask: planned.get("ipv6_netmask_length").as_number().map(|n| n as i32),
            border_group: opt_str(planned, "ipv6_cidr_block_network_border_group"),
        }
    }

    fn any(&self) -> bool {
        self.amazon || self.pool.is_some()
    }
}

/// Replaces the VPC's IPv6 block: disassociates `old` (an association id), then associates
/// what `want` asks for, if anything, as the provider does when these arguments change.
pub async fn replace_ipv6(c: &Clients, vpc_id: &str, old: Option<&str>, want: &Ipv6Wanted) -> PResult<()> {
    if let Some(old) = old {
        c.ec2
            .disassociate_vpc_cidr_block()
            .association_id(old)
            .send()
            .await
            .map_err(aws_err)?;
        wait_ipv6(c, old, VpcCidrBlockStateCode::Disassociated).await?;
    }
    if !want.any() {
        return Ok(());
    }
    let mut req = c.ec2.associate_vpc_cidr_block().vpc_id(vpc_id);
    if want.amazon {
        req = req
            .amazon_provided_ipv6_cidr_block(true)
            .set_ipv6_cidr_block_network_border_group(want.border_group.clone());
    } else {
        req = req
            .set_ipv6_ipam_pool_id(want.pool.clone())
            .set_ipv6_cidr_block(want.cidr.clone())
            .set_ipv6_netmask_length(want.netmask);
    }
    let out = req.send().await.map_err(aws_err)?;
    if let Some(id) = out.ipv6_cidr_block_association().and_then(|a| a.association_id()) {
        wait_ipv6(c, id, VpcCidrBlockStateCode::Associated).await?;
    }
    Ok(())
}

/// Brings the VPC's IPv6 block from what `current` (a value as read) describes to what is
/// planned, as the provider's create (for an adopted default VPC) and update do.
pub async fn sync_ipv6(c: &Clients, id: &str, current: &Value, planned: &Value) -> PResult<()> {
    let old = opt_str(current, "ipv6_association_id");
    let want = Ipv6Wanted::from(planned);
    let was_amazon = opt_bool(current, "assign_generated_ipv6_cidr_block") == Some(true);
    let border_changed = want
        .border_group
        .as_ref()
        .is_some_and(|b| opt_str(current, "ipv6_cidr_block_network_border_group").as_ref() != Some(b));
    if was_amazon != want.amazon || (want.amazon && border_changed) {
        return replace_ipv6(c, id, old.as_deref(), &want).await;
    }
    let pool_changed = opt_str(current, "ipv6_ipam_pool_id") != want.pool;
    let cidr_changed = want.cidr.is_some() && opt_str(current, "ipv6_cidr_block") != want.cidr;
    if !want.amazon && (pool_changed || cidr_changed) {
        return replace_ipv6(c, id, old.as_deref(), &want).await;
    }
    Ok(())
}

/// Reads a VPC as `aws_vpc` state keeps it; `None` when it no longer exists. Arguments AWS
/// does not report (IPAM pool and netmask lengths) are kept from `prior`.
pub async fn read_vpc(c: &Clients, id: &str, prior: &Value) -> PResult<Option<Value>> {
    let describe = async {
        absent_on(
            c.ec2.describe_vpcs().vpc_ids(id).send().await.map_err(aws_err),
            &["InvalidVpcID.NotFound"],
        )
    };
    // The attributes and the VPC's default objects are read beside the VPC itself: none of
    // these calls needs another's answer.
    let by_vpc = || Filter::builder().name("vpc-id").values(id).build();
    let bools =
        try_join_all(BOOL_ATTRIBUTES.map(|(key, name)| async move {
            Ok::<_, ProviderError>((key, Value::from(attribute(c, id, name).await?)))
        }));
    let tables = async {
        c.ec2
            .describe_route_tables()
            .filters(by_vpc())
            .filters(Filter::builder().name("association.main").values("true").build())
            .send()
            .await
            .map_err(aws_err)
    };
    let sgs = async {
        c.ec2
            .describe_security_groups()
            .filters(by_vpc())
            .filters(Filter::builder().name("group-name").values("default").build())
            .send()
            .await
            .map_err(aws_err)
    };
    let acls = async {
        c.ec2
            .describe_network_acls()
            .filters(by_vpc())
            .filters(Filter::builder().name("default").values("true").build())
            .send()
            .await
            .map_err(aws_err)
    };
    let rest = async { futures::try_join!(bools, tables, sgs, acls) };
    let Some((out, (bools, tables, sgs, acls))) = read_beside(describe, rest).await? else {
        return Ok(None);
    };
    let Some(vpc) = out.vpcs().first() else {
        return Ok(None);
    };
    let main_rt = tables
        .route_tables()
        .first()
        .and_then(|t| t.route_table_id())
        .map(str::to_string);
    let default_sg = sgs
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some("default"))
        .and_then(|g| g.group_id())
        .map(str::to_string);
    let default_acl = acls
        .network_acls()
        .iter()
        .find(|a| a.is_default() == Some(true))
        .and_then(|a| a.network_acl_id())
        .map(str::to_string);
    let owner = vpc.owner_id().unwrap_or_default().to_string();
    let s = |v: Option<&str>| Value::from(v);
    let mut v = Value::object([
        ("id", Value::str(id)),
        ("cidr_block", s(vpc.cidr_block())),
        (
            "instance_tenancy",
            Value::from(vpc.instance_tenancy().map(|t| t.as_str().to_string())),
        ),
        ("ipv4_ipam_pool_id", prior.get("ipv4_ipam_pool_id").clone()),
        ("ipv4_netmask_length", prior.get("ipv4_netmask_length").clone()),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(vpc.tags())),
        ("arn", ec2_arn(&c.region, &owner, "vpc", id)),
        ("owner_id", Value::str(owner)),
        ("main_route_table_id", Value::from(main_rt.clone())),
        ("default_route_table_id", Value::from(main_rt)),
        ("default_security_group_id", Value::from(default_sg)),
        ("default_network_acl_id", Value::from(default_acl)),
        ("dhcp_options_id", s(vpc.dhcp_options_id())),
    ]);
    let Value::Object(m) = &mut v else {
        unreachable!("built as an object")
    };
    for (k, b) in bools {
        m.insert(k.into(), b);
    }
    let ipv6 = ipv6_association(vpc, opt_str(prior, "ipv6_association_id").as_deref());
    let pool = ipv6.and_then(|a| a.ipv6_pool()).unwrap_or_default();
    let amazon = pool == AMAZON_IPV6_POOL;
    let ipv6_fields = [
        (
            "assign_generated_ipv6_cidr_block",
            Value::Bool(ipv6.is_some() && amazon),
        ),
        ("ipv6_association_id", s(ipv6.and_then(|a| a.association_id()))),
        ("ipv6_cidr_block", s(ipv6.and_then(|a| a.ipv6_cidr_block()))),
        (
            "ipv6_cidr_block_network_border_group",
            s(ipv6.and_then(|a| a.network_border_group())),
        ),
        (
            "ipv6_ipam_pool_id",
            match ipv6 {
                None => Value::Null,
                Some(_) if amazon => Value::Null,
                Some(_) if pool == IPAM_MANAGED_IPV6_POOL => prior.get("ipv6_ipam_pool_id").clone(),
                Some(_) => Value::str(pool),
            },
        ),
        (
            "ipv6_netmask_length",
            if ipv6.is_some() {
                prior.get("ipv6_netmask_length").clone()
            } else {
                Value::Null
            },
        ),
    ];
    for (k, x) in ipv6_fields {
        m.insert(k.into(), x);
    }
    Ok(Some(v))
}

/// Brings a VPC from `prior` to `planned` in place: its attributes, tenancy, IPv6 block and
/// tags (shared with `aws_default_vpc`).
pub async fn update_vpc(c: &Clients, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    set_attributes(c, id, prior, planned).await?;
    if prior.get("instance_tenancy") != planned.get("instance_tenancy") {
        if let Some(tenancy) = opt_str(planned, "instance_tenancy") {
            // AWS changes tenancy in place (only to `default`; it refuses the rest, as the
            // provider lets it).
            c.ec2
                .modify_vpc_tenancy()
                .vpc_id(id)
                .instance_tenancy(tenancy.as_str().into())
                .send()
                .await
                .map_err(aws_err)?;
        }
    }
    sync_ipv6(c, id, prior, planned).await?;
    update_tags(&c.ec2, id, prior, planned).await
}

/// Deletes a VPC, waiting while AWS still releases what was in it.
pub async fn delete_vpc(c: &Clients, id: &str) -> PResult<()> {
    let r = retry_while(&["DependencyViolation"], Duration::from_secs(300), || async {
        c.ec2.delete_vpc().vpc_id(id).send().await.map_err(aws_err)
    })
    .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) if e.code.as_deref() == Some("InvalidVpcID.NotFound") => Ok(()),
        Err(e) => Err(e),
    }
}

#[async_trait]
impl ResourceType for Vpc {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let want = Ipv6Wanted::from(planned);
        let mut req = self
            .c
            .ec2
            .create_vpc()
            .set_tag_specifications(tag_spec(ctx, planned, Kind::Vpc))
            .set_cidr_block(opt_str(planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(opt_str(planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(planned.get("ipv4_netmask_length").as_number().map(|n| n as i32));
        if want.amazon {
            req = req
                .amazon_provided_ipv6_cidr_block(true)
                .set_ipv6_cidr_block_network_border_group(want.border_group.clone());
        } else if want.pool.is_some() {
            req = req
                .set_ipv6_ipam_pool_id(want.pool.clone())
                .set_ipv6_cidr_block(want.cidr.clone())
                .set_ipv6_netmask_length(want.netmask);
        }
        if let Some(t) = opt_str(planned, "instance_tenancy") {
            req = req.instance_tenancy(t.as_str().into());
        }
        let out = req.send().await.map_err(aws_err)?;
        let vpc = out
            .vpc()
            .ok_or_else(|| ProviderError::msg("CreateVpc returned no VPC"))?;
        let id = vpc
            .vpc_id()
            .ok_or_else(|| ProviderError::msg("CreateVpc returned no VPC id"))?
            .to_string();
        // A VPC the create answers as available needs no poll to say it again; the settings
        // after it are retried while EC2 does not know the new id yet.
        if vpc.state() != Some(&VpcState::Available) {
            wait_available(&self.c, &id).await?;
        }
        for a in vpc.ipv6_cidr_block_association_set() {
            if let Some(assoc) = a.association_id() {
                wait_ipv6(&self.c, assoc, VpcCidrBlockStateCode::Associated).await?;
            }
        }
        // A new VPC has DNS support on, hostnames and usage metrics off.
        let current = Value::object([
            ("enable_dns_support", Value::Bool(true)),
            ("enable_dns_hostnames", Value::Bool(false)),
            ("enable_network_address_usage_metrics", Value::Bool(false)),
        ]);
        // The settings and the read of what the create answer lacks (the default route table,
        // security group and network ACL) go out together: neither needs the other's answer.
        // Both are retried while EC2 does not know the new id yet; the attributes read may
        // predate the settings, so the values set replace them.
        let settings = retry_while(&["InvalidVpcID.NotFound"], Duration::from_secs(300), || {
            set_attributes(&self.c, &id, &current, planned)
        });
        let read = retry_while(&["InvalidVpcID.NotFound"], Duration::from_secs(300), || async {
            read_vpc(&self.c, &id, planned).await?.ok_or_else(|| ProviderError {
                code: Some("InvalidVpcID.NotFound".into()),
                message: format!("the new VPC {id} cannot be read yet"),
            })
        });
        let (_, mut made) = futures::try_join!(settings, read)?;
        if let Value::Object(m) = &mut made {
            for (key, _) in BOOL_ATTRIBUTES {
                if let Some(set) = opt_bool(planned, key) {
                    m.insert(key.to_string(), Value::Bool(set));
                }
            }
        }
        Ok(made)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_vpc(&self.c, id, prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_vpc(&self.c, id, prior, planned).await?;
        must_exist(read_vpc(&self.c, id, planned).await?, "VPC", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        delete_vpc(&self.c, id).await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let vpcs = find_owned!(self.c.ec2.describe_vpcs(), ctx, vpcs);
        Ok(vpcs.first().and_then(|v| v.vpc_id()).map(str::to_string))
    }
}
