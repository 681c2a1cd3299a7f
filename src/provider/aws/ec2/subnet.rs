//! `aws_subnet`: a subnet in one availability zone of a VPC, with its IPv6 block, launch
//! settings (public IPs, DNS64, resource-name DNS records) and Outpost settings.
//!
//! The attribute code and the state value are shared with `aws_default_subnet`, which adopts
//! a zone's default subnet and then manages it as the provider's `aws_subnet` code does.

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_bool, opt_str, retry_while, wait_for, Op,
    Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_at_least, ipv4_cidr_network, ipv6_cidr_network, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, HostnameType, ResourceType as Kind, Subnet as Ec2Subnet, SubnetCidrBlockStateCode,
    SubnetState,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_subnet` resource type.
pub struct Subnet {
    c: Arc<Clients>,
    schema: Schema,
}

/// What a subnet's private DNS hostname type may be.
pub const HOSTNAME_TYPES: &[&str] = &["ip-name", "resource-name"];

impl Subnet {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Subnet {
        let schema = resource("aws_subnet")
            .arg("vpc_id")
            .force_new()
            .arg("cidr_block")
            .force_new()
            .check(ipv4_cidr_network())
            .arg("availability_zone")
            .force_new()
            .arg("availability_zone_id")
            .force_new()
            .arg("ipv6_cidr_block")
            .check(ipv6_cidr_network())
            .arg("ipv6_native")
            .force_new()
            .default(false)
            .arg("outpost_arn")
            .force_new()
            .check(arn())
            .arg("enable_lni_at_device_index")
            .check(int_at_least(1))
            .arg("private_dns_hostname_type_on_launch")
            .check(one_of(HOSTNAME_TYPES))
            .arg("customer_owned_ipv4_pool")
            .rule(Rule::Conflicts(&["availability_zone", "availability_zone_id"]))
            .rule(Rule::RequiredWith(
                "customer_owned_ipv4_pool",
                &["map_customer_owned_ip_on_launch", "outpost_arn"],
            ))
            .rule(Rule::RequiredWith(
                "map_customer_owned_ip_on_launch",
                &["customer_owned_ipv4_pool", "outpost_arn"],
            ))
            // The provider leaves this to AWS, which needs an IPv4 block or an IPv6-only subnet.
            .rule(Rule::AtLeastOne(&["cidr_block", "ipv6_cidr_block", "ipv6_native"]));
        let schema = bool_defaults(schema, false).args(&["tags"]).timeouts(10, 0, 20).build();
        Subnet { c, schema }
    }
}

/// The boolean launch settings, all false unless set (the provider's defaults; `true` for
/// `map_public_ip_on_launch` of a default subnet), declared implemented.
pub fn bool_defaults(schema: crate::schema::declare::Decl, public_ip: bool) -> crate::schema::declare::Decl {
    schema
        .arg("map_public_ip_on_launch")
        .default(public_ip)
        .arg("assign_ipv6_address_on_creation")
        .default(false)
        .arg("enable_dns64")
        .default(false)
        .arg("enable_resource_name_dns_a_record_on_launch")
        .default(false)
        .arg("enable_resource_name_dns_aaaa_record_on_launch")
        .default(false)
        // The provider declares no default but reads AWS's `false` back: unset means false.
        .arg("map_customer_owned_ip_on_launch")
        .default(false)
}

/// Waits until a subnet is `available`.
pub async fn wait_available(c: &Clients, id: &str, timeout: Duration) -> PResult<Ec2Subnet> {
    wait_for(Wait::new(id, "available", timeout), || async {
        let d = c.ec2.describe_subnets().subnet_ids(id).send().await.map_err(aws_err)?;
        Ok(match d.subnets().first() {
            Some(s) if s.state() == Some(&SubnetState::Available) => Poll::Ready(s.clone()),
            Some(s) => Poll::pending(s.state().map(|x| x.as_str()).unwrap_or("unknown")),
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// Waits for an IPv6 block association of a subnet to reach `goal`.
async fn wait_ipv6(c: &Clients, id: &str, association: &str, goal: SubnetCidrBlockStateCode) -> PResult<()> {
    let what = format!("IPv6 block {association} of {id}");
    wait_for(Wait::new(what, goal.as_str(), Duration::from_secs(180)), || async {
        let d = c.ec2.describe_subnets().subnet_ids(id).send().await.map_err(aws_err)?;
        let state = d
            .subnets()
            .first()
            .and_then(|s| {
                s.ipv6_cidr_block_association_set()
                    .iter()
                    .find(|a| a.association_id() == Some(association))
            })
            .and_then(|a| a.ipv6_cidr_block_state().and_then(|s| s.state()).cloned());
        Ok(match state {
            Some(s) if s == goal => Poll::Ready(()),
            None if goal == SubnetCidrBlockStateCode::Disassociated => Poll::Ready(()),
            Some(s) => Poll::pending(s.as_str()),
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// Waits for the IPv6 blocks a new subnet is still associating.
pub async fn wait_ipv6_associated(c: &Clients, s: &Ec2Subnet) -> PResult<()> {
    let id = s.subnet_id().unwrap_or_default();
    for a in s.ipv6_cidr_block_association_set() {
        let associating =
            a.ipv6_cidr_block_state().and_then(|x| x.state()) == Some(&SubnetCidrBlockStateCode::Associating);
        if let (true, Some(assoc)) = (associating, a.association_id()) {
            wait_ipv6(c, id, assoc, SubnetCidrBlockStateCode::Associated).await?;
        }
    }
    Ok(())
}

/// One ModifySubnetAttribute call (AWS takes one attribute per call).
async fn set_flag(c: &Clients, id: &str, key: &str, on: bool) -> PResult<()> {
    let v = AttributeBooleanValue::builder().value(on).build();
    let req = c.ec2.modify_subnet_attribute().subnet_id(id);
    let req = match key {
        "map_public_ip_on_launch" => req.map_public_ip_on_launch(v),
        "assign_ipv6_address_on_creation" => req.assign_ipv6_address_on_creation(v),
        "enable_dns64" => req.enable_dns64(v),
        "enable_resource_name_dns_a_record_on_launch" => req.enable_resource_name_dns_a_record_on_launch(v),
        "enable_resource_name_dns_aaaa_record_on_launch" => req.enable_resource_name_dns_aaaa_record_on_launch(v),
        other => return Err(ProviderError::msg(format!("no subnet flag {other}"))),
    };
    req.send().await.map_err(aws_err)?;
    Ok(())
}

/// Brings a subnet's settings from `current` (its value as read, or the prior state) to
/// `planned`, in the order the provider uses: IPv6 assignment and DNS64 are turned off before
/// the IPv6 block changes and on after it. `ipv6_computed` leaves an IPv6 block AWS assigned
/// itself (an IPv6-native subnet) alone. True when it sent anything, so that a create whose
/// answer still holds knows it need not read the subnet again.
pub async fn apply_settings(
    c: &Clients,
    id: &str,
    current: &Value,
    planned: &Value,
    ipv6_computed: bool,
) -> PResult<bool> {
    let mut sent = false;
    let changed = |k: &str| current.get(k) != planned.get(k) && !planned.get(k).is_null();
    let turns = |k: &str, on: bool| changed(k) && opt_bool(planned, k) == Some(on);
    for key in ["assign_ipv6_address_on_creation", "enable_dns64"] {
        if turns(key, false) {
            set_flag(c, id, key, false).await?;
            sent = true;
        }
    }
    let old_block = opt_str(current, "ipv6_cidr_block");
    let new_block = opt_str(planned, "ipv6_cidr_block");
    if !ipv6_computed && old_block != new_block && !planned.get("ipv6_cidr_block").has_unknown() {
        if let Some(old) = opt_str(current, "ipv6_cidr_block_association_id") {
            c.ec2
                .disassociate_subnet_cidr_block()
                .association_id(&old)
                .send()
                .await
                .map_err(aws_err)?;
            sent = true;
            wait_ipv6(c, id, &old, SubnetCidrBlockStateCode::Disassociated).await?;
        }
        if let Some(block) = new_block {
            let out = c
                .ec2
                .associate_subnet_cidr_block()
                .subnet_id(id)
                .ipv6_cidr_block(block)
                .send()
                .await
                .map_err(aws_err)?;
            sent = true;
            if let Some(assoc) = out.ipv6_cidr_block_association().and_then(|a| a.association_id()) {
                wait_ipv6(c, id, assoc, SubnetCidrBlockStateCode::Associated).await?;
            }
        }
    }
    if turns("assign_ipv6_address_on_creation", true) {
        set_flag(c, id, "assign_ipv6_address_on_creation", true).await?;
        sent = true;
    }
    if changed("customer_owned_ipv4_pool") || changed("map_customer_owned_ip_on_launch") {
        c.ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_customer_owned_ip_on_launch(
                AttributeBooleanValue::builder()
                    .value(opt_bool(planned, "map_customer_owned_ip_on_launch") == Some(true))
                    .build(),
            )
            .set_customer_owned_ipv4_pool(opt_str(planned, "customer_owned_ipv4_pool"))
            .send()
            .await
            .map_err(aws_err)?;
        sent = true;
    }
    if turns("enable_dns64", true) {
        set_flag(c, id, "enable_dns64", true).await?;
        sent = true;
    }
    if changed("enable_lni_at_device_index") {
        if let Some(n) = planned.get("enable_lni_at_device_index").as_number() {
            c.ec2
                .modify_subnet_attribute()
                .subnet_id(id)
                .enable_lni_at_device_index(n as i32)
                .send()
                .await
                .map_err(aws_err)?;
            sent = true;
        }
    }
    for key in [
        "enable_resource_name_dns_aaaa_record_on_launch",
        "enable_resource_name_dns_a_record_on_launch",
    ] {
        if changed(key) {
            set_flag(c, id, key, opt_bool(planned, key) == Some(true)).await?;
            sent = true;
        }
    }
    if changed("private_dns_hostname_type_on_launch") {
        if let Some(t) = opt_str(planned, "private_dns_hostname_type_on_launch") {
            c.ec2
                .modify_subnet_attribute()
                .subnet_id(id)
                .private_dns_hostname_type_on_launch(HostnameType::from(t.as_str()))
                .send()
                .await
                .map_err(aws_err)?;
            sent = true;
        }
    }
    if changed("map_public_ip_on_launch") {
        let on = opt_bool(planned, "map_public_ip_on_launch") == Some(true);
        set_flag(c, id, "map_public_ip_on_launch", on).await?;
        sent = true;
    }
    Ok(sent)
}

/// Reads one subnet; `None` when it no longer exists.
pub async fn describe(c: &Clients, id: &str) -> PResult<Option<Ec2Subnet>> {
    let out = absent_on(
        c.ec2.describe_subnets().subnet_ids(id).send().await.map_err(aws_err),
        &["InvalidSubnetID.NotFound"],
    )?;
    Ok(out.and_then(|o| o.subnets().first().cloned()))
}

/// Deletes a subnet, waiting while network interfaces of deleted load balancers and tasks are
/// released.
pub async fn delete_subnet(c: &Clients, id: &str, timeout: Duration) -> PResult<()> {
    let r = retry_while(&["DependencyViolation"], timeout, || async {
        c.ec2.delete_subnet().subnet_id(id).send().await.map_err(aws_err)
    })
    .await;
    ok_on(r, &["InvalidSubnetID.NotFound"])
}

#[async_trait]
impl ResourceType for Subnet {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let ipv6_native = opt_bool(planned, "ipv6_native") == Some(true);
        let out = self
            .c
            .ec2
            .create_subnet()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_cidr_block(opt_str(planned, "cidr_block"))
            .set_ipv6_cidr_block(opt_str(planned, "ipv6_cidr_block"))
            .set_ipv6_native(ipv6_native.then_some(true))
            .set_outpost_arn(opt_str(planned, "outpost_arn"))
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_availability_zone_id(opt_str(planned, "availability_zone_id"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::Subnet))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .ok_or_else(|| ProviderError::msg("CreateSubnet returned no subnet id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        // A subnet the create answers as available needs no poll to say it again; the settings
        // after it are retried while EC2 does not know the new id yet.
        let made = match out.subnet() {
            Some(s) if s.state() == Some(&SubnetState::Available) => s.clone(),
            _ => wait_available(&self.c, &id, timeout).await?,
        };
        wait_ipv6_associated(&self.c, &made).await?;
        let current = subnet_value(&id, &made, planned);
        let computed_ipv6 = ipv6_native && opt_str(planned, "ipv6_cidr_block").is_none();
        let sent = retry_while(&["InvalidSubnetID.NotFound"], timeout, || {
            apply_settings(&self.c, &id, &current, planned, computed_ipv6)
        })
        .await?;
        // The answer already describes the whole subnet, as DescribeSubnets would: a read is
        // needed only when settings changed it since, or an IPv6 block was still associating.
        let settled = made
            .ipv6_cidr_block_association_set()
            .iter()
            .all(|a| a.ipv6_cidr_block_state().and_then(|x| x.state()) != Some(&SubnetCidrBlockStateCode::Associating));
        if !sent && settled {
            return Ok(current);
        }
        must_exist(self.read(ctx, &id, planned).await?, "subnet", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(describe(&self.c, id).await?.map(|s| subnet_value(id, &s, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move { Ok(describe_all!(self.c.ec2.describe_subnets(), filter, subnets)) };
        read_many_by_id(
            items,
            "subnet-id",
            describe,
            |s: &Ec2Subnet| s.subnet_id(),
            subnet_value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        apply_settings(&self.c, id, prior, planned, false).await?;
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "subnet", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1200));
        delete_subnet(&self.c, id, timeout).await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let subnets = find_owned!(self.c.ec2.describe_subnets(), ctx, subnets);
        Ok(subnets.first().and_then(|s| s.subnet_id()).map(str::to_string))
    }

    /// A subnet whose IPv6 block was assigned with `assign_ipv6_address_on_creation` on is
    /// replaced when the block changes, as the provider's plan does.
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else {
            return Ok(None);
        };
        let had_block = opt_str(prior, "ipv6_cidr_block").is_some();
        let assigned = opt_bool(prior, "assign_ipv6_address_on_creation") == Some(true);
        Ok(
            (had_block && assigned && prior.get("ipv6_cidr_block") != planned.get("ipv6_cidr_block"))
                .then(|| "its IPv6 block changes while addresses are assigned from it on creation".to_string()),
        )
    }
}

/// A subnet as `aws_subnet` state keeps it (shared by single and bulk reads, and by
/// `aws_default_subnet`).
pub fn subnet_value(id: &str, s: &Ec2Subnet, prior: &Value) -> Value {
    let str_of = |v: Option<&str>| Value::from(v);
    let ipv6 = s
        .ipv6_cidr_block_association_set()
        .iter()
        .find(|a| a.ipv6_cidr_block_state().and_then(|x| x.state()) == Some(&SubnetCidrBlockStateCode::Associated));
    let dns = s.private_dns_name_options_on_launch();
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", str_of(s.vpc_id())),
        ("cidr_block", str_of(s.cidr_block())),
        ("availability_zone", str_of(s.availability_zone())),
        ("availability_zone_id", str_of(s.availability_zone_id())),
        (
            "map_public_ip_on_launch",
            Value::Bool(s.map_public_ip_on_launch().unwrap_or(false)),
        ),
        (
            "assign_ipv6_address_on_creation",
            Value::Bool(s.assign_ipv6_address_on_creation().unwrap_or(false)),
        ),
        ("customer_owned_ipv4_pool", str_of(s.customer_owned_ipv4_pool())),
        (
            "map_customer_owned_ip_on_launch",
            Value::Bool(s.map_customer_owned_ip_on_launch().unwrap_or(false)),
        ),
        ("enable_dns64", Value::Bool(s.enable_dns64().unwrap_or(false))),
        (
            "enable_lni_at_device_index",
            Value::from(s.enable_lni_at_device_index().filter(|n| *n != 0).map(i64::from)),
        ),
        ("ipv6_native", Value::Bool(s.ipv6_native().unwrap_or(false))),
        ("ipv6_cidr_block", str_of(ipv6.and_then(|a| a.ipv6_cidr_block()))),
        (
            "ipv6_cidr_block_association_id",
            str_of(ipv6.and_then(|a| a.association_id())),
        ),
        (
            "enable_resource_name_dns_a_record_on_launch",
            Value::from(dns.and_then(|d| d.enable_resource_name_dns_a_record())),
        ),
        (
            "enable_resource_name_dns_aaaa_record_on_launch",
            Value::from(dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())),
        ),
        (
            "private_dns_hostname_type_on_launch",
            Value::from(dns.and_then(|d| d.hostname_type()).map(|h| h.as_str().to_string())),
        ),
        ("outpost_arn", str_of(s.outpost_arn())),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(s.tags())),
        ("arn", str_of(s.subnet_arn())),
        ("owner_id", str_of(s.owner_id())),
    ])
}
