//! `aws_ec2_transit_gateway_vpc_attachment`: a VPC attached to a transit gateway through
//! one subnet per zone, with its association with and propagation to the gateway's default
//! route table.
//!
//! As the provider does: the attachment is waited for until available (after a create or a
//! modify) and until deleted; subnets change in place; when the gateway belongs to the VPC's
//! account, the default route table association and propagation are made to match the two
//! `transit_gateway_default_route_table_*` arguments (on when unset, as the provider makes
//! them), and read back from the default route tables (a gateway without one reads `false`).

use super::transit_gateway::{describe as describe_gateway, SWITCH};
use super::transit_gateway_routing::{is_tied, set_tie, Routing};
use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_bool, opt_str, required, set_changes, str_list,
    wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{items_at_least, not_empty, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    ApplianceModeSupportValue, CreateTransitGatewayVpcAttachmentRequestOptions, DnsSupportValue, Ipv6SupportValue,
    ModifyTransitGatewayVpcAttachmentRequestOptions, ResourceType as Kind, SecurityGroupReferencingSupportValue,
    TransitGateway as Gateway, TransitGatewayVpcAttachment as Attachment,
};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for an attachment to settle.
const SETTLE: Duration = Duration::from_secs(600);

/// States after which an attachment no longer exists for the provider.
const GONE: &[&str] = &["deleted", "failed", "rejected"];

/// The options sent as they are configured (`security_group_referencing_support` only when set).
const OPTIONS: &[&str] = &[
    "appliance_mode_support",
    "dns_support",
    "ipv6_support",
    "security_group_referencing_support",
];

/// The `aws_ec2_transit_gateway_vpc_attachment` resource type.
pub struct TransitGatewayVpcAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayVpcAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayVpcAttachment {
        let schema = resource("aws_ec2_transit_gateway_vpc_attachment")
            .arg("transit_gateway_id")
            .force_new()
            .check(not_empty())
            .arg("vpc_id")
            .force_new()
            .check(not_empty())
            .arg("subnet_ids")
            .check(items_at_least(1))
            .arg("appliance_mode_support")
            .check(one_of(SWITCH))
            .default("disable")
            .arg("dns_support")
            .check(one_of(SWITCH))
            .default("enable")
            .arg("ipv6_support")
            .check(one_of(SWITCH))
            .default("disable")
            .arg("security_group_referencing_support")
            .check(one_of(SWITCH))
            .args(&[
                "transit_gateway_default_route_table_association",
                "transit_gateway_default_route_table_propagation",
                "tags",
            ])
            .build();
        TransitGatewayVpcAttachment { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<Attachment>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_transit_gateway_vpc_attachments()
                .transit_gateway_attachment_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidTransitGatewayAttachmentID.NotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.transit_gateway_vpc_attachments()
                .iter()
                .find(|a| a.transit_gateway_attachment_id() == Some(id) && !GONE.contains(&state(a)))
                .cloned()
        }))
    }

    /// Waits until the attachment is available (or pending acceptance by a sharing owner).
    async fn wait_available(&self, id: &str) -> PResult<()> {
        wait_for(Wait::new(id, "available", SETTLE), || async {
            Ok(match self.describe(id).await? {
                Some(a) if matches!(state(&a), "available" | "pendingAcceptance") => Poll::Ready(()),
                Some(a) => Poll::pending(state(&a)),
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }

    /// Whether the attachment is associated with, and propagates to, the gateway's default
    /// route tables; `None` when the gateway belongs to another account (its route tables
    /// cannot be read), as the provider leaves them.
    async fn default_routing(&self, gateway: &Gateway, a: &Attachment) -> PResult<Option<(bool, bool)>> {
        if gateway.owner_id() != a.vpc_owner_id() {
            return Ok(None);
        }
        let id = a.transit_gateway_attachment_id().unwrap_or_default();
        let o = gateway.options();
        let associated = is_tied(
            &self.c,
            Routing::Association,
            o.and_then(|o| o.association_default_route_table_id()),
            id,
        )
        .await?;
        let propagated = is_tied(
            &self.c,
            Routing::Propagation,
            o.and_then(|o| o.propagation_default_route_table_id()),
            id,
        )
        .await?;
        Ok(Some((associated, propagated)))
    }

    /// Makes the default route table association and propagation what `planned` asks for
    /// (on when unset), when the gateway is the VPC's account's.
    async fn apply_default_routing(&self, id: &str, planned: &Value, only_changed_from: Option<&Value>) -> PResult<()> {
        let Some(a) = self.describe(id).await? else {
            return Err(ProviderError::msg(format!(
                "transit gateway VPC attachment {id} no longer exists"
            )));
        };
        let gateway_id = a.transit_gateway_id().unwrap_or_default();
        let gateway = describe_gateway(&self.c, gateway_id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("transit gateway {gateway_id} no longer exists")))?;
        if gateway.owner_id() != a.vpc_owner_id() {
            return Ok(());
        }
        let wanted = |k: &str| opt_bool(planned, k).unwrap_or(true);
        let changed = |k: &str| only_changed_from.is_none_or(|prior| prior.get(k) != planned.get(k));
        let o = gateway.options();
        if changed("transit_gateway_default_route_table_association") {
            if let Some(table) = o.and_then(|o| o.association_default_route_table_id()) {
                let on = wanted("transit_gateway_default_route_table_association");
                set_tie(&self.c, Routing::Association, table, id, on).await?;
            }
        }
        if changed("transit_gateway_default_route_table_propagation") {
            if let Some(table) = o.and_then(|o| o.propagation_default_route_table_id()) {
                let on = wanted("transit_gateway_default_route_table_propagation");
                set_tie(&self.c, Routing::Propagation, table, id, on).await?;
            }
        }
        Ok(())
    }
}

fn state(a: &Attachment) -> &str {
    a.state().map(|s| s.as_str()).unwrap_or("unknown")
}

#[async_trait]
impl ResourceType for TransitGatewayVpcAttachment {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_vpc_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let s = |k: &str| opt_str(planned, k).unwrap_or_default();
        let options = CreateTransitGatewayVpcAttachmentRequestOptions::builder()
            .appliance_mode_support(ApplianceModeSupportValue::from(s("appliance_mode_support").as_str()))
            .dns_support(DnsSupportValue::from(s("dns_support").as_str()))
            .ipv6_support(Ipv6SupportValue::from(s("ipv6_support").as_str()))
            .set_security_group_referencing_support(
                opt_str(planned, "security_group_referencing_support")
                    .map(|v| SecurityGroupReferencingSupportValue::from(v.as_str())),
            )
            .build();
        let out = self
            .c
            .ec2
            .create_transit_gateway_vpc_attachment()
            .transit_gateway_id(required(planned, "transit_gateway_id")?)
            .vpc_id(required(planned, "vpc_id")?)
            .set_subnet_ids(Some(str_list(planned, "subnet_ids")))
            .options(options)
            .set_tag_specifications(tag_spec(ctx, planned, Kind::TransitGatewayAttachment))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .transit_gateway_vpc_attachment()
            .and_then(|a| a.transit_gateway_attachment_id())
            .ok_or_else(|| ProviderError::msg("CreateTransitGatewayVpcAttachment returned no id"))?
            .to_string();
        self.wait_available(&id).await?;
        self.apply_default_routing(&id, planned, None).await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "transit gateway VPC attachment",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(a) = self.describe(id).await? else {
            return Ok(None);
        };
        let gateway_id = a.transit_gateway_id().unwrap_or_default();
        let routing = match describe_gateway(&self.c, gateway_id).await? {
            Some(g) => self.default_routing(&g, &a).await?,
            None => None,
        };
        let (associated, propagated) = routing.unwrap_or((true, true));
        let o = a.options();
        let text = |v: Option<&str>| Value::from(v);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("transit_gateway_id", text(a.transit_gateway_id())),
            ("vpc_id", text(a.vpc_id())),
            ("vpc_owner_id", text(a.vpc_owner_id())),
            (
                "subnet_ids",
                Value::List(a.subnet_ids().iter().map(|s| Value::str(s.as_str())).collect()),
            ),
            (
                "appliance_mode_support",
                text(o.and_then(|o| o.appliance_mode_support()).map(|v| v.as_str())),
            ),
            ("dns_support", text(o.and_then(|o| o.dns_support()).map(|v| v.as_str()))),
            (
                "ipv6_support",
                text(o.and_then(|o| o.ipv6_support()).map(|v| v.as_str())),
            ),
            (
                "security_group_referencing_support",
                text(
                    o.and_then(|o| o.security_group_referencing_support())
                        .map(|v| v.as_str()),
                ),
            ),
            (
                "transit_gateway_default_route_table_association",
                Value::from(associated),
            ),
            (
                "transit_gateway_default_route_table_propagation",
                Value::from(propagated),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(a.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let (added, removed) = set_changes(prior, planned, "subnet_ids");
        if OPTIONS.iter().any(|k| changed(k)) || !added.is_empty() || !removed.is_empty() {
            let s = |k: &str| opt_str(planned, k).unwrap_or_default();
            let options = ModifyTransitGatewayVpcAttachmentRequestOptions::builder()
                .appliance_mode_support(ApplianceModeSupportValue::from(s("appliance_mode_support").as_str()))
                .dns_support(DnsSupportValue::from(s("dns_support").as_str()))
                .ipv6_support(Ipv6SupportValue::from(s("ipv6_support").as_str()))
                .set_security_group_referencing_support(
                    opt_str(planned, "security_group_referencing_support")
                        .map(|v| SecurityGroupReferencingSupportValue::from(v.as_str())),
                )
                .build();
            self.c
                .ec2
                .modify_transit_gateway_vpc_attachment()
                .transit_gateway_attachment_id(id)
                .set_add_subnet_ids((!added.is_empty()).then_some(added))
                .set_remove_subnet_ids((!removed.is_empty()).then_some(removed))
                .options(options)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_available(id).await?;
        }
        self.apply_default_routing(id, planned, Some(prior)).await?;
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "transit gateway VPC attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_transit_gateway_vpc_attachment()
            .transit_gateway_attachment_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, &["InvalidTransitGatewayAttachmentID.NotFound"])?;
        wait_for(Wait::new(id, "deleted", SETTLE), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(a) => Poll::pending(state(&a)),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["transit_gateway_id", "vpc_id"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_transit_gateway_vpc_attachments(),
            ctx,
            transit_gateway_vpc_attachments
        );
        Ok(found
            .iter()
            .find(|a| {
                !GONE.contains(&state(a))
                    && a.transit_gateway_id().map(str::to_string) == opt_str(planned, "transit_gateway_id")
                    && a.vpc_id().map(str::to_string) == opt_str(planned, "vpc_id")
            })
            .and_then(|a| a.transit_gateway_attachment_id())
            .map(str::to_string))
    }
}
