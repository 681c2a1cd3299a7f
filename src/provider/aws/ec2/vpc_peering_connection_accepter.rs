//! `aws_vpc_peering_connection_accepter`: the accepting side of a peering connection another
//! stack (or account) requested: accepts it (`auto_accept`), sets the options of each side and
//! tags it.
//!
//! As the provider does: the connection must exist; its id is this resource's id; deleting the
//! resource leaves the connection in place (only its requester deletes it).

use super::update_tags;
use super::vpc_peering_connection::{
    accept_if_asked, existing, read_connection, set_options, update_connection, with_side_options,
};
use crate::provider::aws::common::{must_exist, op_timeout, opt_str, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc_peering_connection_accepter` resource type.
pub struct VpcPeeringConnectionAccepter {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcPeeringConnectionAccepter {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcPeeringConnectionAccepter {
        let schema = with_side_options(resource("aws_vpc_peering_connection_accepter"))
            .arg("vpc_peering_connection_id")
            .force_new()
            .args(&["auto_accept", "tags"])
            .timeouts(1, 1, 0)
            .build();
        VpcPeeringConnectionAccepter { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpcPeeringConnectionAccepter {
    fn type_name(&self) -> &'static str {
        "aws_vpc_peering_connection_accepter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = opt_str(planned, "vpc_peering_connection_id")
            .ok_or_else(|| ProviderError::msg("vpc_peering_connection_id is not known"))?;
        let p = existing(&self.c, &id).await?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(60));
        let p = accept_if_asked(&self.c, &id, p, planned, timeout).await?;
        set_options(&self.c, &id, &p, planned, &["accepter", "requester"]).await?;
        // The tags asked for are added; tags the connection has besides stay.
        update_tags(&self.c.ec2, &id, &Value::Null, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC peering connection", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(Value::Object(mut m)) = read_connection(&self.c, id, prior).await? else {
            return Ok(None);
        };
        m.insert("vpc_peering_connection_id".into(), Value::str(id));
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(60));
        update_connection(&self.c, id, prior, planned, timeout).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC peering connection", id)
    }

    /// The connection stays: only the side that requested it deletes it.
    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
