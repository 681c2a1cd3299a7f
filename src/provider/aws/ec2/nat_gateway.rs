//! `aws_nat_gateway`: a NAT gateway in a subnet; waits for `available` on create and for
//! `deleted` on delete, and uses a client token so a retried create makes no duplicate.

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_str, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_address, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ConnectivityType, NatGatewayState, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_nat_gateway` resource type.
pub struct NatGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl NatGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NatGateway {
        let schema = resource("aws_nat_gateway")
            .arg("subnet_id")
            .force_new()
            .arg("allocation_id")
            .force_new()
            .arg("connectivity_type")
            .force_new()
            .default("public")
            .arg("private_ip")
            .force_new()
            .args(&["tags"])
            .arg("connectivity_type")
            .check(one_of(&["private", "public"]))
            .arg("private_ip")
            .check(ipv4_address())
            .timeouts(10, 10, 30)
            .build();
        NatGateway { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<aws_sdk_ec2::types::NatGateway>> {
        let out = self
            .c
            .ec2
            .describe_nat_gateways()
            .nat_gateway_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["NatGatewayNotFound", "InvalidNatGatewayID.NotFound"])? else {
            return Ok(None);
        };
        Ok(out.nat_gateways().first().cloned())
    }
}

#[async_trait]
impl ResourceType for NatGateway {
    fn type_name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let connectivity = opt_str(planned, "connectivity_type").unwrap_or_else(|| "public".into());
        if connectivity == "public" && opt_str(planned, "allocation_id").is_none() {
            return Err(ProviderError::msg(
                "a public NAT gateway needs allocation_id (an aws_eip)",
            ));
        }
        let out = self
            .c
            .ec2
            .create_nat_gateway()
            .client_token(&ctx.token)
            .set_subnet_id(opt_str(planned, "subnet_id"))
            .set_allocation_id(opt_str(planned, "allocation_id"))
            .connectivity_type(ConnectivityType::from(connectivity.as_str()))
            .set_private_ip_address(opt_str(planned, "private_ip"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::Natgateway))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .nat_gateway()
            .and_then(|n| n.nat_gateway_id())
            .ok_or_else(|| ProviderError::msg("CreateNatGateway returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_for(Wait::new(&id, "available", timeout), || async {
            match self.describe(&id).await?.and_then(|n| n.state().cloned()) {
                Some(NatGatewayState::Available) => Ok(Poll::Ready(())),
                Some(NatGatewayState::Failed) => Err(ProviderError::msg(format!("NAT gateway {id} failed to start"))),
                Some(state) => Ok(Poll::pending(state.as_str())),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "NAT gateway", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(n) = self.describe(id).await? else {
            return Ok(None);
        };
        if matches!(
            n.state(),
            Some(NatGatewayState::Deleted) | Some(NatGatewayState::Deleting)
        ) {
            return Ok(None);
        }
        let address = n.nat_gateway_addresses().first();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("subnet_id", Value::from(n.subnet_id())),
            ("allocation_id", Value::from(address.and_then(|a| a.allocation_id()))),
            (
                "connectivity_type",
                Value::str(
                    n.connectivity_type()
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "public".into()),
                ),
            ),
            ("private_ip", Value::from(address.and_then(|a| a.private_ip()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(n.tags())),
            (
                "network_interface_id",
                Value::from(address.and_then(|a| a.network_interface_id())),
            ),
            ("public_ip", Value::from(address.and_then(|a| a.public_ip()))),
            ("association_id", Value::from(address.and_then(|a| a.association_id()))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "NAT gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_nat_gateway()
            .nat_gateway_id(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, &["NatGatewayNotFound", "InvalidNatGatewayID.NotFound"])?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1800));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(n) if n.state() == Some(&NatGatewayState::Deleted) => Poll::Ready(()),
                Some(n) => Poll::pending(n.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_nat_gateways()
            .set_filter(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .nat_gateways()
            .iter()
            .find(|n| {
                owned(n.tags(), ctx)
                    && !matches!(
                        n.state(),
                        Some(NatGatewayState::Deleted)
                            | Some(NatGatewayState::Deleting)
                            | Some(NatGatewayState::Failed)
                    )
            })
            .and_then(|n| n.nat_gateway_id())
            .map(str::to_string))
    }
}
