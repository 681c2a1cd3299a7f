//! `aws_ec2_transit_gateway_route_table_propagation`: an attachment's routes propagated to a
//! route table (an attachment may propagate to many).
//!
//! The id is the provider's, `TABLE_ATTACHMENT`, also the import id. Propagation is waited
//! for until enabled, and on delete until disabled. Every argument forces a new one.

use super::transit_gateway_routing::{make_tie, read_tie, undo_tie, Routing};
use crate::provider::aws::common::must_exist;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::not_empty;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ec2_transit_gateway_route_table_propagation` resource type.
pub struct TransitGatewayRouteTablePropagation {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayRouteTablePropagation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayRouteTablePropagation {
        let schema = resource("aws_ec2_transit_gateway_route_table_propagation")
            .arg("transit_gateway_attachment_id")
            .force_new()
            .check(not_empty())
            .arg("transit_gateway_route_table_id")
            .force_new()
            .check(not_empty())
            .build();
        TransitGatewayRouteTablePropagation { c, schema }
    }
}

#[async_trait]
impl ResourceType for TransitGatewayRouteTablePropagation {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_route_table_propagation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = make_tie(&self.c, Routing::Propagation, planned).await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "transit gateway route table propagation",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        read_tie(&self.c, Routing::Propagation, id).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing changes in place.
        must_exist(
            self.read(ctx, id, planned).await?,
            "transit gateway route table propagation",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        undo_tie(&self.c, Routing::Propagation, id).await
    }
}
