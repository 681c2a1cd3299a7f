//! `aws_vpn_gateway_route_propagation`: routes learned by a VPN gateway propagated into a
//! route table, managed on its own.
//!
//! The id is the provider's `<route table id>_<gateway id>`. A propagation is its pair of ids,
//! so one a killed run turned on is simply seen as on.

use super::route_table::{describe, set_propagation};
use crate::provider::aws::common::{must_exist, op_timeout, opt_str, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpn_gateway_route_propagation` resource type.
pub struct VpnGatewayRoutePropagation {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpnGatewayRoutePropagation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpnGatewayRoutePropagation {
        let schema = resource("aws_vpn_gateway_route_propagation")
            .arg("route_table_id")
            .force_new()
            .arg("vpn_gateway_id")
            .force_new()
            .timeouts(2, 0, 2)
            .build();
        VpnGatewayRoutePropagation { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpnGatewayRoutePropagation {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway_route_propagation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let table = opt_str(planned, "route_table_id").unwrap_or_default();
        let gateway = opt_str(planned, "vpn_gateway_id").unwrap_or_default();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(120));
        set_propagation(&self.c, &table, &gateway, true, timeout).await?;
        let id = format!("{table}_{gateway}");
        must_exist(
            self.read(ctx, &id, planned).await?,
            "VPN gateway route propagation",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (Some(table), Some(gateway)) = (opt_str(prior, "route_table_id"), opt_str(prior, "vpn_gateway_id")) else {
            return Ok(None);
        };
        let on = describe(&self.c, &table).await?.is_some_and(|t| {
            t.propagating_vgws()
                .iter()
                .any(|g| g.gateway_id() == Some(gateway.as_str()))
        });
        Ok(on.then(|| {
            Value::object([
                ("id", Value::str(id)),
                ("route_table_id", Value::str(table.clone())),
                ("vpn_gateway_id", Value::str(gateway.clone())),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Both arguments force replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "VPN gateway route propagation", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let table = opt_str(prior, "route_table_id").unwrap_or_default();
        let gateway = opt_str(prior, "vpn_gateway_id").unwrap_or_default();
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(120));
        set_propagation(&self.c, &table, &gateway, false, timeout).await
    }
}
