//! `aws_ec2_transit_gateway`: a regional router between VPCs and VPNs, with its default
//! route table settings.
//!
//! As the provider does: the gateway is waited for until available after a create or a
//! modify; the ASN and multicast support force a new gateway, and so does turning default
//! route table association or propagation back on once it was off (AWS cannot make the
//! default route table again); CIDR blocks change in place by adding and removing. A delete
//! is retried while attachments are still going away (`IncorrectState`), then waited for.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_str, retry_while, set_changes, str_list,
    wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, cidr_prefix_between, items_at_most, matches, not_matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AutoAcceptSharedAttachmentsValue, DefaultRouteTableAssociationValue, DefaultRouteTablePropagationValue,
    DnsSupportValue, ModifyTransitGatewayOptions, MulticastSupportValue, ResourceType as Kind,
    SecurityGroupReferencingSupportValue, TransitGateway as Gateway, TransitGatewayRequestOptions, VpnEcmpSupportValue,
};
use std::sync::Arc;
use std::time::Duration;

/// `enable` or `disable`, as every option of a gateway and its attachments is written.
pub(super) const SWITCH: &[&str] = &["enable", "disable"];

/// The options whose change from `disable` to `enable` replaces the gateway.
const ONE_WAY: &[&str] = &["default_route_table_association", "default_route_table_propagation"];

/// The `aws_ec2_transit_gateway` resource type.
pub struct TransitGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGateway {
        let mut decl = resource("aws_ec2_transit_gateway")
            .arg("amazon_side_asn")
            .force_new()
            .default(64512i64)
            .arg("multicast_support")
            .force_new()
            .check(one_of(SWITCH))
            .default("disable");
        for (arg, default) in [
            ("auto_accept_shared_attachments", "disable"),
            ("default_route_table_association", "enable"),
            ("default_route_table_propagation", "enable"),
            ("dns_support", "enable"),
            ("security_group_referencing_support", "disable"),
            ("vpn_ecmp_support", "enable"),
        ] {
            decl = decl.arg(arg).check(one_of(SWITCH)).default(default);
        }
        let schema = decl
            .arg("transit_gateway_cidr_blocks")
            .check(items_at_most(5))
            .check(any_of(vec![
                matches(
                    r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/([0-9]|1[0-9]|2[0-4])$",
                    "an IPv4 block from /0 to /24",
                ),
                matches(
                    r"^[0-9A-Fa-f:]+/([0-9]|[1-5][0-9]|6[0-4])$",
                    "an IPv6 block from /0 to /64",
                ),
            ]))
            .check(cidr_prefix_between(0, 64))
            .check(not_matches(r"^169\.254\.", "a block from 169.254.0.0/16"))
            .args(&["description", "tags"])
            .timeouts(10, 10, 10)
            .build();
        TransitGateway { c, schema }
    }
}

/// The gateway, unless it is gone (AWS keeps deleted gateways visible for a while).
pub(super) async fn describe(c: &Clients, id: &str) -> PResult<Option<Gateway>> {
    let out = absent_on(
        c.ec2
            .describe_transit_gateways()
            .transit_gateway_ids(id)
            .send()
            .await
            .map_err(aws_err),
        &["InvalidTransitGatewayID.NotFound"],
    )?;
    Ok(out.and_then(|o| {
        o.transit_gateways()
            .iter()
            .find(|g| g.transit_gateway_id() == Some(id) && g.state().map(|s| s.as_str()) != Some("deleted"))
            .cloned()
    }))
}

/// A gateway as state and the data source hold it (tags apart): each option as the provider
/// shows it, AWS's default where the description leaves one out.
pub(super) fn gateway_value(g: &Gateway) -> Value {
    let o = g.options();
    let text = |v: Option<&str>| Value::from(v);
    let switch = |v: Option<&str>, default: &str| Value::str(v.unwrap_or(default));
    let blocks = o.map(|o| o.transit_gateway_cidr_blocks().to_vec()).unwrap_or_default();
    Value::object([
        ("id", Value::from(g.transit_gateway_id())),
        ("arn", text(g.transit_gateway_arn())),
        ("owner_id", text(g.owner_id())),
        ("description", text(g.description().filter(|d| !d.is_empty()))),
        ("amazon_side_asn", Value::from(o.and_then(|o| o.amazon_side_asn()))),
        (
            "association_default_route_table_id",
            text(o.and_then(|o| o.association_default_route_table_id())),
        ),
        (
            "propagation_default_route_table_id",
            text(o.and_then(|o| o.propagation_default_route_table_id())),
        ),
        (
            "auto_accept_shared_attachments",
            switch(
                o.and_then(|o| o.auto_accept_shared_attachments()).map(|v| v.as_str()),
                "disable",
            ),
        ),
        (
            "default_route_table_association",
            switch(
                o.and_then(|o| o.default_route_table_association()).map(|v| v.as_str()),
                "enable",
            ),
        ),
        (
            "default_route_table_propagation",
            switch(
                o.and_then(|o| o.default_route_table_propagation()).map(|v| v.as_str()),
                "enable",
            ),
        ),
        (
            "dns_support",
            switch(o.and_then(|o| o.dns_support()).map(|v| v.as_str()), "enable"),
        ),
        (
            "multicast_support",
            switch(o.and_then(|o| o.multicast_support()).map(|v| v.as_str()), "disable"),
        ),
        (
            "security_group_referencing_support",
            switch(
                o.and_then(|o| o.security_group_referencing_support())
                    .map(|v| v.as_str()),
                "disable",
            ),
        ),
        (
            "vpn_ecmp_support",
            switch(o.and_then(|o| o.vpn_ecmp_support()).map(|v| v.as_str()), "enable"),
        ),
        (
            "transit_gateway_cidr_blocks",
            if blocks.is_empty() {
                Value::Null
            } else {
                Value::List(blocks.into_iter().map(Value::str).collect())
            },
        ),
    ])
}

impl TransitGateway {
    /// Waits until the gateway is available (after a create or a modify).
    async fn wait_available(&self, id: &str, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(id, "available", timeout), || async {
            Ok(match describe(&self.c, id).await?.as_ref().and_then(|g| g.state()) {
                Some(s) if s.as_str() == "available" => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }
}

#[async_trait]
impl ResourceType for TransitGateway {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else {
            return Ok(None);
        };
        Ok(ONE_WAY
            .iter()
            .find(|k| {
                opt_str(prior, k).as_deref() == Some("disable") && opt_str(planned, k).as_deref() == Some("enable")
            })
            .map(|k| format!("{k} is enabled again")))
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let s = |k: &str| opt_str(planned, k).unwrap_or_default();
        let blocks = str_list(planned, "transit_gateway_cidr_blocks");
        let options = TransitGatewayRequestOptions::builder()
            .set_amazon_side_asn(opt_str(planned, "amazon_side_asn").and_then(|a| a.parse().ok()))
            .auto_accept_shared_attachments(AutoAcceptSharedAttachmentsValue::from(
                s("auto_accept_shared_attachments").as_str(),
            ))
            .default_route_table_association(DefaultRouteTableAssociationValue::from(
                s("default_route_table_association").as_str(),
            ))
            .default_route_table_propagation(DefaultRouteTablePropagationValue::from(
                s("default_route_table_propagation").as_str(),
            ))
            .dns_support(DnsSupportValue::from(s("dns_support").as_str()))
            .multicast_support(MulticastSupportValue::from(s("multicast_support").as_str()))
            .security_group_referencing_support(SecurityGroupReferencingSupportValue::from(
                s("security_group_referencing_support").as_str(),
            ))
            .vpn_ecmp_support(VpnEcmpSupportValue::from(s("vpn_ecmp_support").as_str()))
            .set_transit_gateway_cidr_blocks((!blocks.is_empty()).then_some(blocks))
            .build();
        let out = self
            .c
            .ec2
            .create_transit_gateway()
            .set_description(opt_str(planned, "description"))
            .options(options)
            .set_tag_specifications(tag_spec(ctx, planned, Kind::TransitGateway))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .transit_gateway()
            .and_then(|g| g.transit_gateway_id())
            .ok_or_else(|| ProviderError::msg("CreateTransitGateway returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        self.wait_available(&id, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "transit gateway", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = describe(&self.c, id).await? else {
            return Ok(None);
        };
        let mut v = gateway_value(&g);
        if let Value::Object(m) = &mut v {
            m.insert("tags".into(), configured_tags(prior));
            m.insert("tags_all".into(), read_tags(g.tags()));
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let switch = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
        let (added, removed) = set_changes(prior, planned, "transit_gateway_cidr_blocks");
        let options = ModifyTransitGatewayOptions::builder()
            .set_auto_accept_shared_attachments(
                switch("auto_accept_shared_attachments").map(|v| AutoAcceptSharedAttachmentsValue::from(v.as_str())),
            )
            .set_default_route_table_association(
                switch("default_route_table_association").map(|v| DefaultRouteTableAssociationValue::from(v.as_str())),
            )
            .set_default_route_table_propagation(
                switch("default_route_table_propagation").map(|v| DefaultRouteTablePropagationValue::from(v.as_str())),
            )
            .set_dns_support(switch("dns_support").map(|v| DnsSupportValue::from(v.as_str())))
            .set_security_group_referencing_support(
                switch("security_group_referencing_support")
                    .map(|v| SecurityGroupReferencingSupportValue::from(v.as_str())),
            )
            .set_vpn_ecmp_support(switch("vpn_ecmp_support").map(|v| VpnEcmpSupportValue::from(v.as_str())))
            .set_add_transit_gateway_cidr_blocks((!added.is_empty()).then_some(added))
            .set_remove_transit_gateway_cidr_blocks((!removed.is_empty()).then_some(removed))
            .build();
        let settings = [
            "auto_accept_shared_attachments",
            "default_route_table_association",
            "default_route_table_propagation",
            "description",
            "dns_support",
            "security_group_referencing_support",
            "transit_gateway_cidr_blocks",
            "vpn_ecmp_support",
        ];
        if settings.iter().any(|k| changed(k)) {
            self.c
                .ec2
                .modify_transit_gateway()
                .transit_gateway_id(id)
                .set_description(changed("description").then(|| opt_str(planned, "description").unwrap_or_default()))
                .options(options)
                .send()
                .await
                .map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
            self.wait_available(id, timeout).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "transit gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        let r = retry_while(&["IncorrectState"], Duration::from_secs(300).min(timeout), || async {
            self.c
                .ec2
                .delete_transit_gateway()
                .transit_gateway_id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidTransitGatewayID.NotFound"])?;
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match describe(&self.c, id).await? {
                None => Poll::Ready(()),
                Some(g) => Poll::pending(g.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_transit_gateways(), ctx, transit_gateways);
        Ok(found
            .iter()
            .find(|g| g.state().map(|s| s.as_str()) != Some("deleted"))
            .and_then(|g| g.transit_gateway_id())
            .map(str::to_string))
    }
}
