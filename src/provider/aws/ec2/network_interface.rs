//! `aws_network_interface`: an elastic network interface in a subnet, with its private IPv4
//! addresses, security groups, source/destination check and at most one attachment to an
//! instance, as the provider manages them.
//!
//! Addresses are given one of three ways, as in the provider: `private_ips` (a set; the
//! primary is the first sent) with `private_ips_count` secondaries, `private_ip_list` (ordered,
//! the first is the primary) when `private_ip_list_enabled`, or `private_ip` alone. The
//! provider sends nothing for `private_ip` alone and plans the same update after every apply;
//! infractl sends it as the primary address, so the interface gets the address asked for.
//! Addresses, groups, the check, the description and the attachment change in place; a new
//! primary address replaces the interface. IPv6 addresses and prefixes are not implemented yet
//! (refused when set).

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, ec2_arn, first, must_exist, ok_on, op_timeout, opt_bool, opt_i32,
    opt_str, set_differs, str_list, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_address, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, AttributeValue, NetworkInterface as Eni, NetworkInterfaceCreationType,
    NetworkInterfaceStatus, PrivateIpAddressSpecification, ResourceType as Kind,
};
use std::sync::Arc;
use std::time::Duration;

/// Codes EC2 answers for an interface it does not know.
const ABSENT: &[&str] = &["InvalidNetworkInterfaceID.NotFound"];

/// Codes EC2 answers for an attachment that is already gone.
const NO_ATTACHMENT: &[&str] = &["InvalidAttachmentID.NotFound"];

/// The `aws_network_interface` resource type.
pub struct NetworkInterface {
    c: Arc<Clients>,
    schema: Schema,
}

/// The interface's state record, as the provider reads it: strings AWS leaves out are empty,
/// counts are the lengths of what is assigned, the two list switches are the blueprint's.
fn interface_value(region: &str, id: &str, n: &Eni, prior: &Value) -> Value {
    let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
    let list = |items: Vec<&str>| Value::List(items.into_iter().map(Value::str).collect());
    let ips: Vec<&str> = n
        .private_ip_addresses()
        .iter()
        .filter_map(|a| a.private_ip_address())
        .collect();
    let v6: Vec<&str> = n.ipv6_addresses().iter().filter_map(|a| a.ipv6_address()).collect();
    let v4_prefixes: Vec<&str> = n.ipv4_prefixes().iter().filter_map(|p| p.ipv4_prefix()).collect();
    let v6_prefixes: Vec<&str> = n.ipv6_prefixes().iter().filter_map(|p| p.ipv6_prefix()).collect();
    let attachment = n.attachment().filter(|a| a.instance_id().is_some()).map(|a| {
        Value::object([
            ("attachment_id", s(a.attachment_id())),
            ("device_index", Value::from(a.device_index().map(i64::from))),
            ("instance", s(a.instance_id())),
        ])
    });
    let owner = n.owner_id().unwrap_or_default();
    Value::object([
        ("id", Value::str(id)),
        ("arn", ec2_arn(region, owner, "network-interface", id)),
        ("attachment", Value::List(attachment.into_iter().collect())),
        ("description", s(n.description())),
        ("enable_primary_ipv6", prior.get("enable_primary_ipv6").clone()),
        ("interface_type", s(n.interface_type().map(|t| t.as_str()))),
        ("ipv4_prefix_count", Value::from(v4_prefixes.len() as i64)),
        ("ipv4_prefixes", list(v4_prefixes)),
        ("ipv6_address_count", Value::from(v6.len() as i64)),
        ("ipv6_address_list", list(v6.clone())),
        (
            "ipv6_address_list_enabled",
            Value::Bool(opt_bool(prior, "ipv6_address_list_enabled").unwrap_or(false)),
        ),
        ("ipv6_addresses", list(v6)),
        ("ipv6_prefix_count", Value::from(v6_prefixes.len() as i64)),
        ("ipv6_prefixes", list(v6_prefixes)),
        ("mac_address", s(n.mac_address())),
        ("outpost_arn", s(n.outpost_arn())),
        ("owner_id", Value::str(owner)),
        ("private_dns_name", s(n.private_dns_name())),
        ("private_ip", s(n.private_ip_address())),
        ("private_ip_list", list(ips.clone())),
        (
            "private_ip_list_enabled",
            Value::Bool(opt_bool(prior, "private_ip_list_enabled").unwrap_or(false)),
        ),
        ("private_ips_count", Value::from(ips.len().saturating_sub(1) as i64)),
        ("private_ips", list(ips)),
        (
            "security_groups",
            list(n.groups().iter().filter_map(|g| g.group_id()).collect()),
        ),
        ("source_dest_check", Value::from(n.source_dest_check())),
        ("subnet_id", s(n.subnet_id())),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(n.tag_set())),
    ])
}

/// Whether the list, not the set, says which addresses the interface has.
fn list_enabled(v: &Value) -> bool {
    opt_bool(v, "private_ip_list_enabled") == Some(true)
}

/// The primary address a blueprint asks for, where it says one: the list's first, else the
/// only address of `private_ip`.
fn primary_asked(config: &Value) -> Option<String> {
    if list_enabled(config) {
        return str_list(config, "private_ip_list").into_iter().next();
    }
    opt_str(config, "private_ip")
}

/// One interface as EC2 describes it; none when EC2 does not know it.
pub async fn describe(ec2: &aws_sdk_ec2::Client, id: &str) -> PResult<Option<Eni>> {
    let r = ec2
        .describe_network_interfaces()
        .network_interface_ids(id)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, ABSENT)?.and_then(|o| o.network_interfaces().first().cloned()))
}

/// Attaches an interface to an instance at a device index and waits until EC2 says it is
/// attached (the provider's wait); returns the attachment's id.
pub async fn attach(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    instance: Option<String>,
    device_index: Option<i32>,
    timeout: Duration,
) -> PResult<String> {
    let out = ec2
        .attach_network_interface()
        .network_interface_id(id)
        .set_instance_id(instance)
        .set_device_index(device_index)
        .send()
        .await
        .map_err(aws_err)?;
    let attachment_id = out.attachment_id().unwrap_or_default().to_string();
    wait_for(Wait::new(id, "attached", timeout), || async {
        let n = describe(ec2, id).await?;
        let a = n.as_ref().and_then(|n| n.attachment());
        Ok(match a.and_then(|a| a.status()).map(|s| s.as_str()) {
            Some("attached") if a.and_then(|a| a.attachment_id()) == Some(attachment_id.as_str()) => Poll::Ready(()),
            Some(s) => Poll::pending(s),
            None => Poll::pending("not attached yet"),
        })
    })
    .await?;
    Ok(attachment_id)
}

/// Detaches an interface (forced, as the provider does) and waits until the attachment is
/// gone; an attachment already gone is no error.
pub async fn detach(ec2: &aws_sdk_ec2::Client, id: &str, attachment_id: &str, timeout: Duration) -> PResult<()> {
    let r = ec2
        .detach_network_interface()
        .attachment_id(attachment_id)
        .force(true)
        .send()
        .await
        .map_err(aws_err);
    ok_on(r, NO_ATTACHMENT)?;
    wait_for(Wait::new(id, "detached", timeout), || async {
        let n = describe(ec2, id).await?;
        Ok(match n.as_ref().and_then(|n| n.attachment()) {
            Some(a) if a.attachment_id() == Some(attachment_id) => {
                Poll::pending(a.status().map(|s| s.as_str()).unwrap_or("detaching"))
            }
            _ => Poll::Ready(()),
        })
    })
    .await
}

/// Assigns secondary private addresses to an interface: these, or `count` more of EC2's
/// choosing. Nothing to assign makes no call.
pub async fn assign_addresses(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    ips: Vec<String>,
    count: Option<i32>,
) -> PResult<()> {
    if ips.is_empty() && count.unwrap_or(0) <= 0 {
        return Ok(());
    }
    ec2.assign_private_ip_addresses()
        .network_interface_id(id)
        .set_private_ip_addresses(Some(ips).filter(|i| !i.is_empty()))
        .set_secondary_private_ip_address_count(count.filter(|c| *c > 0))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

/// Takes secondary private addresses away from an interface. Nothing to take makes no call.
pub async fn unassign_addresses(ec2: &aws_sdk_ec2::Client, id: &str, ips: Vec<String>) -> PResult<()> {
    if ips.is_empty() {
        return Ok(());
    }
    ec2.unassign_private_ip_addresses()
        .network_interface_id(id)
        .set_private_ip_addresses(Some(ips))
        .send()
        .await
        .map_err(aws_err)?;
    Ok(())
}

impl NetworkInterface {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkInterface {
        let schema = resource("aws_network_interface")
            .arg("subnet_id")
            .force_new()
            .arg("interface_type")
            .force_new()
            .check(one_of(&["efa", "efa-only", "branch", "trunk"]))
            .arg("private_ip")
            .check(ipv4_address())
            .arg("source_dest_check")
            .default(true)
            .arg("private_ip_list_enabled")
            .default(false)
            .arg("ipv6_address_list_enabled")
            .default(false)
            .arg("attachment")
            .live_if_unset()
            .args(&[
                "description",
                "private_ips",
                "private_ips_count",
                "private_ip_list",
                "security_groups",
                "tags",
            ])
            .rule(Rule::Conflicts(&["private_ips", "private_ip_list"]))
            .rule(Rule::Conflicts(&["private_ips_count", "private_ip_list"]))
            .build();
        NetworkInterface { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<Eni>> {
        describe(&self.c.ec2, id).await
    }

    async fn assign(&self, id: &str, ips: Vec<String>, count: Option<i32>) -> PResult<()> {
        assign_addresses(&self.c.ec2, id, ips, count).await
    }

    async fn unassign(&self, id: &str, ips: Vec<String>) -> PResult<()> {
        unassign_addresses(&self.c.ec2, id, ips).await
    }

    /// Brings the secondary addresses from `prior` to `planned`, as the provider's update does
    /// for each of the three ways of giving them.
    async fn update_addresses(&self, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let primary = opt_str(prior, "private_ip").unwrap_or_default();
        if list_enabled(planned) {
            if !differs(prior, planned, "private_ip_list") {
                return Ok(());
            }
            // Every secondary goes, then the new ones come one by one to keep their order.
            let old: Vec<String> = str_list(prior, "private_ip_list")
                .into_iter()
                .filter(|ip| *ip != primary)
                .collect();
            self.unassign(id, old).await?;
            for ip in str_list(planned, "private_ip_list").into_iter().skip(1) {
                self.assign(id, vec![ip], None).await?;
            }
            return Ok(());
        }
        let mut net = 0i64;
        if set_differs(prior, planned, "private_ips") && !planned.get("private_ips").has_unknown() {
            let old = str_list(prior, "private_ips");
            let new = str_list(planned, "private_ips");
            let gone: Vec<String> = old.iter().filter(|ip| !new.contains(ip)).cloned().collect();
            let added: Vec<String> = new.iter().filter(|ip| !old.contains(ip)).cloned().collect();
            net += added.len() as i64 - gone.len() as i64;
            self.unassign(id, gone).await?;
            self.assign(id, added, None).await?;
        }
        if differs(prior, planned, "private_ips_count") {
            let (Some(old), Some(new)) = (
                prior.get("private_ips_count").as_number(),
                planned.get("private_ips_count").as_number(),
            ) else {
                return Ok(());
            };
            let change = new as i64 - old as i64 - net;
            if change > 0 {
                self.assign(id, vec![], Some(change as i32)).await?;
            } else if change < 0 {
                let live = self.describe(id).await?;
                let secondaries: Vec<String> = live
                    .iter()
                    .flat_map(|n| n.private_ip_addresses())
                    .filter(|a| a.primary() != Some(true))
                    .filter_map(|a| a.private_ip_address().map(str::to_string))
                    .take((-change) as usize)
                    .collect();
                self.unassign(id, secondaries).await?;
            }
        }
        Ok(())
    }

    async fn modify(
        &self,
        id: &str,
        set: impl FnOnce(
            aws_sdk_ec2::operation::modify_network_interface_attribute::builders::ModifyNetworkInterfaceAttributeFluentBuilder,
        ) -> aws_sdk_ec2::operation::modify_network_interface_attribute::builders::ModifyNetworkInterfaceAttributeFluentBuilder,
    ) -> PResult<()> {
        set(self.c.ec2.modify_network_interface_attribute().network_interface_id(id))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for NetworkInterface {
    fn type_name(&self) -> &'static str {
        "aws_network_interface"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        if opt_bool(config, "ipv6_address_list_enabled") == Some(true) {
            return Err("\"ipv6_address_list_enabled\": IPv6 addresses are not supported by infractl yet".into());
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else { return Ok(None) };
        // The provider's CustomizeDiff: a new primary address replaces the interface; a change
        // to one way of giving the addresses makes the others known only after apply.
        let old_primary = opt_str(prior, "private_ip");
        if list_enabled(config) {
            if let Some(p) = primary_asked(config).filter(|p| Some(p) != old_primary.as_ref()) {
                return Ok(Some(format!("the primary private address changes to {p}")));
            }
        } else if let Some(ips) = config.get("private_ips").as_list().filter(|l| !l.is_empty()) {
            let keeps = ips
                .iter()
                .any(|ip| ip.as_str().is_some() && ip.as_str() == old_primary.as_deref());
            if !keeps && !config.get("private_ips").has_unknown() {
                return Ok(Some("private_ips no longer hold the primary private address".into()));
            }
        } else if let Some(p) = primary_asked(config).filter(|p| Some(p) != old_primary.as_ref()) {
            // `private_ip` alone is sent at create (see the module's note), so a new one can only
            // be had by a new interface.
            return Ok(Some(format!("the primary private address changes to {p}")));
        }
        let changed = |k: &str| {
            !config.get(k).is_null()
                && if k == "private_ips" {
                    set_differs(prior, config, k)
                } else {
                    differs(prior, config, k)
                }
        };
        let unknown: &[&str] = if list_enabled(config) {
            if changed("private_ip_list") {
                &["private_ips", "private_ips_count"]
            } else {
                &[]
            }
        } else if changed("private_ips") {
            &["private_ips_count", "private_ip_list"]
        } else if changed("private_ips_count") {
            &["private_ips", "private_ip_list"]
        } else {
            &[]
        };
        if let Value::Object(m) = planned {
            for k in unknown {
                m.insert((*k).into(), Value::Unknown);
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let spec = |ip: String, primary: bool| {
            PrivateIpAddressSpecification::builder()
                .private_ip_address(ip)
                .primary(primary)
                .build()
        };
        let mut create = self
            .c
            .ec2
            .create_network_interface()
            .client_token(&ctx.token)
            .set_subnet_id(opt_str(planned, "subnet_id"))
            .set_description(opt_str(planned, "description"))
            .set_interface_type(
                opt_str(planned, "interface_type").map(|t| NetworkInterfaceCreationType::from(t.as_str())),
            )
            .set_groups(Some(str_list(planned, "security_groups")).filter(|g| !g.is_empty()))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::NetworkInterface));
        let count = opt_i32(planned, "private_ips_count");
        let mut more = 0;
        if list_enabled(planned) {
            let ips = str_list(planned, "private_ip_list");
            create = create.set_private_ip_addresses(
                Some(
                    ips.into_iter()
                        .enumerate()
                        .map(|(i, ip)| spec(ip, i == 0))
                        .collect::<Vec<_>>(),
                )
                .filter(|s| !s.is_empty()),
            );
        } else {
            let ips = str_list(planned, "private_ips");
            if !ips.is_empty() {
                // private_ips_count counts secondaries: it may cut the list or ask for more.
                let total = count.map_or(ips.len(), |c| ips.len().min(c.max(0) as usize + 1));
                more = count.map_or(0, |c| c + 1 - ips.len() as i32).max(0);
                create = create.private_ip_addresses(spec(ips[0].clone(), true));
                for ip in ips.into_iter().take(total).skip(1) {
                    create = create.private_ip_addresses(spec(ip, false));
                }
            } else {
                create = create
                    .set_private_ip_address(opt_str(planned, "private_ip"))
                    .set_secondary_private_ip_address_count(count.filter(|c| *c > 0));
            }
        }
        let out = create.send().await.map_err(aws_err)?;
        let id = out
            .network_interface()
            .and_then(|n| n.network_interface_id())
            .ok_or_else(|| ProviderError::msg("CreateNetworkInterface returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_for(Wait::new(&id, "available", timeout), || async {
            Ok(match self.describe(&id).await?.as_ref().and_then(|n| n.status()) {
                Some(NetworkInterfaceStatus::Available | NetworkInterfaceStatus::InUse) => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        self.assign(&id, vec![], Some(more)).await?;
        if opt_bool(planned, "source_dest_check") == Some(false) {
            self.modify(&id, |m| {
                m.source_dest_check(AttributeBooleanValue::builder().value(false).build())
            })
            .await?;
        }
        if let Some(a) = first(planned, "attachment") {
            attach(
                &self.c.ec2,
                &id,
                opt_str(a, "instance"),
                opt_i32(a, "device_index"),
                timeout,
            )
            .await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "network interface", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self
            .describe(id)
            .await?
            .map(|n| interface_value(&self.c.region, id, &n, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move {
            Ok(describe_all!(
                self.c.ec2.describe_network_interfaces(),
                filter,
                network_interfaces
            ))
        };
        let region = self.c.region.clone();
        read_many_by_id(
            items,
            "network-interface-id",
            describe,
            |n: &Eni| n.network_interface_id(),
            move |id: &str, n: &Eni, prior: &Value| interface_value(&region, id, n, prior),
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
        if differs(prior, planned, "attachment") {
            if let Some(a) = first(prior, "attachment").and_then(|a| opt_str(a, "attachment_id")) {
                detach(&self.c.ec2, id, &a, timeout).await?;
            }
            if let Some(a) = first(planned, "attachment") {
                attach(
                    &self.c.ec2,
                    id,
                    opt_str(a, "instance"),
                    opt_i32(a, "device_index"),
                    timeout,
                )
                .await?;
            }
        }
        self.update_addresses(id, prior, planned).await?;
        if differs(prior, planned, "source_dest_check") {
            let v = opt_bool(planned, "source_dest_check").unwrap_or(true);
            self.modify(id, |m| {
                m.source_dest_check(AttributeBooleanValue::builder().value(v).build())
            })
            .await?;
        }
        if set_differs(prior, planned, "security_groups") && !planned.get("security_groups").has_unknown() {
            let groups = str_list(planned, "security_groups");
            self.modify(id, |m| m.set_groups(Some(groups))).await?;
        }
        if differs(prior, planned, "description") {
            let d = opt_str(planned, "description").unwrap_or_default();
            self.modify(id, |m| m.description(AttributeValue::builder().value(d).build()))
                .await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "network interface", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        let attached = self
            .describe(id)
            .await?
            .and_then(|n| n.attachment().and_then(|a| a.attachment_id()).map(str::to_string));
        if let Some(a) = attached {
            detach(&self.c.ec2, id, &a, timeout).await?;
        }
        let r = self
            .c
            .ec2
            .delete_network_interface()
            .network_interface_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_network_interfaces(),
            ctx,
            network_interfaces,
            tag_set
        );
        Ok(found.first().and_then(|n| n.network_interface_id()).map(str::to_string))
    }
}
