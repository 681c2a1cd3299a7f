//! `aws_customer_gateway`: the customer side of a site-to-site VPN (its public IP or
//! certificate, and its BGP ASN).
//!
//! Everything but tags forces a new gateway. AWS keeps deleted gateways visible for a while in
//! the `deleted` state; those count as gone.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, ok_on, opt_str, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, ipv4_address, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{CustomerGateway as Ec2Gateway, GatewayType, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_customer_gateway` resource type.
pub struct CustomerGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl CustomerGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CustomerGateway {
        let schema = resource("aws_customer_gateway")
            .arg("bgp_asn")
            .force_new()
            .check(int_between(1, 2_147_483_647))
            .arg("bgp_asn_extended")
            .force_new()
            .check(int_between(2_147_483_648, 4_294_967_295))
            .arg("certificate_arn")
            .force_new()
            .check(arn())
            .arg("device_name")
            .force_new()
            .arg("ip_address")
            .force_new()
            .check(ipv4_address())
            .arg("type")
            .force_new()
            .check(one_of(&["ipsec.1"]))
            .args(&["tags"])
            .rule(Rule::Conflicts(&["bgp_asn", "bgp_asn_extended"]))
            .build();
        CustomerGateway { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<Ec2Gateway>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_customer_gateways()
                .customer_gateway_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidCustomerGatewayID.NotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.customer_gateways()
                .iter()
                .find(|g| g.customer_gateway_id() == Some(id) && g.state() != Some("deleted"))
                .cloned()
        }))
    }
}

#[async_trait]
impl ResourceType for CustomerGateway {
    fn type_name(&self) -> &'static str {
        "aws_customer_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let asn = |k: &str| opt_str(planned, k).and_then(|a| a.parse::<i64>().ok());
        let out = self
            .c
            .ec2
            .create_customer_gateway()
            .r#type(GatewayType::from(opt_str(planned, "type").unwrap_or_default().as_str()))
            .set_bgp_asn(asn("bgp_asn").map(|a| a as i32))
            .set_bgp_asn_extended(asn("bgp_asn_extended"))
            .set_certificate_arn(opt_str(planned, "certificate_arn"))
            .set_device_name(opt_str(planned, "device_name"))
            .set_ip_address(opt_str(planned, "ip_address"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::CustomerGateway))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .customer_gateway()
            .and_then(|g| g.customer_gateway_id())
            .ok_or_else(|| ProviderError::msg("CreateCustomerGateway returned no id"))?
            .to_string();
        wait_for(Wait::new(&id, "available", Duration::from_secs(600)), || async {
            Ok(match self.describe(&id).await?.as_ref().and_then(|g| g.state()) {
                Some("available") => Poll::Ready(()),
                Some(s) => Poll::pending(s),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "customer gateway", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(g) = self.describe(id).await? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        let s = |v: Option<&str>| Value::from(v);
        // AWS reports the extended ASN in `bgp_asn` too; each argument shows only what was set.
        let extended = g.bgp_asn_extended().filter(|a| !a.is_empty());
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", ec2_arn(&self.c.region, &account, "customer-gateway", id)),
            (
                "bgp_asn",
                if extended.is_some() {
                    Value::Null
                } else {
                    s(g.bgp_asn())
                },
            ),
            ("bgp_asn_extended", s(extended)),
            ("certificate_arn", s(g.certificate_arn())),
            ("device_name", s(g.device_name())),
            ("ip_address", s(g.ip_address())),
            ("type", s(g.r#type())),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(g.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "customer gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_customer_gateway()
            .customer_gateway_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, &["InvalidCustomerGatewayID.NotFound"])?;
        wait_for(Wait::new(id, "deleted", Duration::from_secs(300)), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(g) => Poll::pending(g.state().unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_customer_gateways(), ctx, customer_gateways);
        Ok(found
            .iter()
            .find(|g| g.state() != Some("deleted"))
            .and_then(|g| g.customer_gateway_id())
            .map(str::to_string))
    }
}
