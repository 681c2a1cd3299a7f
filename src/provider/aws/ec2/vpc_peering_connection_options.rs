//! `aws_vpc_peering_connection_options`: the DNS resolution option of each side of a peering
//! connection made elsewhere (often by the other account's stack), set apart from it.
//!
//! The connection is the object: its id is this resource's id, and deleting the resource leaves
//! the connection and its options as they are, as the provider does.

use super::vpc_peering_connection::{existing, options, set_options, with_side_options};
use crate::provider::aws::common::{must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpc_peering_connection_options` resource type.
pub struct VpcPeeringConnectionOptions {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcPeeringConnectionOptions {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcPeeringConnectionOptions {
        let schema = with_side_options(resource("aws_vpc_peering_connection_options"))
            .arg("vpc_peering_connection_id")
            .force_new()
            .build();
        VpcPeeringConnectionOptions { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpcPeeringConnectionOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection_options"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = opt_str(planned, "vpc_peering_connection_id")
            .ok_or_else(|| ProviderError::msg("vpc_peering_connection_id is not known"))?;
        let p = existing(&self.c, &id).await?;
        set_options(&self.c, &id, &p, planned, &["accepter", "requester"]).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC peering connection", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = super::vpc_peering_connection::describe(&self.c, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("vpc_peering_connection_id", Value::str(id)),
            (
                "accepter",
                options(p.accepter_vpc_info().and_then(|i| i.peering_options())),
            ),
            (
                "requester",
                options(p.requester_vpc_info().and_then(|i| i.peering_options())),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let p = existing(&self.c, id).await?;
        let changed: Vec<&str> = ["accepter", "requester"]
            .into_iter()
            .filter(|side| prior.get(side) != planned.get(side))
            .collect();
        set_options(&self.c, id, &p, planned, &changed).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC peering connection", id)
    }

    /// The connection stays, with its options as they are: removing the resource only stops
    /// managing them.
    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
