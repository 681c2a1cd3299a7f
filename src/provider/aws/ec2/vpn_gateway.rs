//! `aws_vpn_gateway`: a virtual private gateway, attached to a VPC when `vpc_id` is set.
//!
//! The attachment code is shared with `aws_vpn_gateway_attachment`. AWS keeps deleted
//! gateways and detached attachments visible for a while; those count as gone.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, ok_on, opt_str, retry_while, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::int_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{AttachmentStatus, GatewayType, ResourceType as Kind, VpnGateway as Ec2Gateway, VpnState};
use std::sync::Arc;
use std::time::Duration;

/// How long attaching, detaching and deleting may take (the provider's waiters).
const WAIT: Duration = Duration::from_secs(600);

/// The `aws_vpn_gateway` resource type.
pub struct VpnGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpnGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpnGateway {
        let schema = resource("aws_vpn_gateway")
            .arg("amazon_side_asn")
            .force_new()
            .check(int_between(1, 4_294_967_295))
            .arg("availability_zone")
            .force_new()
            .args(&["vpc_id", "tags"])
            .build();
        VpnGateway { c, schema }
    }
}

/// A gateway, unless it is gone (or deleted and still listed).
pub async fn describe(c: &Clients, id: &str) -> PResult<Option<Ec2Gateway>> {
    let out = absent_on(
        c.ec2
            .describe_vpn_gateways()
            .vpn_gateway_ids(id)
            .send()
            .await
            .map_err(aws_err),
        &["InvalidVpnGatewayID.NotFound"],
    )?;
    Ok(out.and_then(|o| {
        o.vpn_gateways()
            .iter()
            .find(|g| g.vpn_gateway_id() == Some(id) && g.state() != Some(&VpnState::Deleted))
            .cloned()
    }))
}

/// The VPC a gateway is attached (or attaching) to.
pub fn attached_vpc(g: &Ec2Gateway) -> Option<&str> {
    g.vpc_attachments()
        .iter()
        .find(|a| {
            matches!(
                a.state(),
                Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)
            )
        })
        .and_then(|a| a.vpc_id())
}

/// Waits until the gateway's attachment to `vpc` reaches `goal` (`attached`, `detached`).
async fn wait_attachment(c: &Clients, gateway: &str, vpc: &str, goal: AttachmentStatus) -> PResult<()> {
    let what = format!("attachment of {gateway} to {vpc}");
    wait_for(Wait::new(what, goal.as_str(), WAIT), || async {
        let state = describe(c, gateway).await?.and_then(|g| {
            g.vpc_attachments()
                .iter()
                .find(|a| a.vpc_id() == Some(vpc))
                .and_then(|a| a.state().cloned())
        });
        Ok(match state {
            Some(s) if s == goal => Poll::Ready(()),
            None if goal == AttachmentStatus::Detached => Poll::Ready(()),
            Some(s) => Poll::pending(s.as_str()),
            None => Poll::pending("no attachment yet"),
        })
    })
    .await
}

/// Attaches a gateway to a VPC and waits for it. Retried while the gateway is still settling
/// from an earlier detachment, as the provider does.
pub async fn attach(c: &Clients, gateway: &str, vpc: &str) -> PResult<()> {
    retry_while(&["InvalidParameterValue"], Duration::from_secs(30), || async {
        c.ec2
            .attach_vpn_gateway()
            .vpn_gateway_id(gateway)
            .vpc_id(vpc)
            .send()
            .await
            .map_err(aws_err)
    })
    .await?;
    wait_attachment(c, gateway, vpc, AttachmentStatus::Attached).await
}

/// Detaches a gateway from a VPC and waits until it is detached; an attachment already gone is
/// fine.
pub async fn detach(c: &Clients, gateway: &str, vpc: &str) -> PResult<()> {
    let r = c
        .ec2
        .detach_vpn_gateway()
        .vpn_gateway_id(gateway)
        .vpc_id(vpc)
        .send()
        .await
        .map_err(aws_err);
    ok_on(
        r,
        &[
            "InvalidVpnGatewayAttachment.NotFound",
            "InvalidVpnGatewayID.NotFound",
            "InvalidVpcID.NotFound",
        ],
    )?;
    wait_attachment(c, gateway, vpc, AttachmentStatus::Detached).await
}

#[async_trait]
impl ResourceType for VpnGateway {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_vpn_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_amazon_side_asn(opt_str(planned, "amazon_side_asn").and_then(|a| a.parse().ok()))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::VpnGateway))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .vpn_gateway()
            .and_then(|g| g.vpn_gateway_id())
            .ok_or_else(|| ProviderError::msg("CreateVpnGateway returned no id"))?
            .to_string();
        wait_for(Wait::new(&id, "available", WAIT), || async {
            Ok(match describe(&self.c, &id).await?.as_ref().and_then(|g| g.state()) {
                Some(VpnState::Available) => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        if let Some(vpc) = opt_str(planned, "vpc_id") {
            attach(&self.c, &id, &vpc).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "VPN gateway", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = describe(&self.c, id).await? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", ec2_arn(&self.c.region, &account, "vpn-gateway", id)),
            (
                "amazon_side_asn",
                Value::from(g.amazon_side_asn().map(|a| a.to_string())),
            ),
            (
                "availability_zone",
                Value::from(g.availability_zone().filter(|z| !z.is_empty())),
            ),
            ("vpc_id", Value::from(attached_vpc(&g))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(g.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (old, new) = (opt_str(prior, "vpc_id"), opt_str(planned, "vpc_id"));
        if old != new && !planned.get("vpc_id").has_unknown() {
            if let Some(old) = &old {
                detach(&self.c, id, old).await?;
            }
            if let Some(new) = &new {
                attach(&self.c, id, new).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPN gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let Some(g) = describe(&self.c, id).await? else {
            return Ok(());
        };
        if let Some(vpc) = attached_vpc(&g) {
            detach(&self.c, id, vpc).await?;
        }
        let r = retry_while(&["IncorrectState"], WAIT, || async {
            self.c
                .ec2
                .delete_vpn_gateway()
                .vpn_gateway_id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidVpnGatewayID.NotFound"])
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_vpn_gateways(), ctx, vpn_gateways);
        Ok(found
            .iter()
            .find(|g| g.state() != Some(&VpnState::Deleted))
            .and_then(|g| g.vpn_gateway_id())
            .map(str::to_string))
    }
}
