//! `aws_default_route_table`: a VPC's main route table, adopted rather than created.
//!
//! As the provider does: "create" takes over the table `default_route_table_id` names, turns
//! off every VPN gateway propagation and deletes every route it has (not the local route, not
//! propagated or VPC endpoint routes), then adds the blueprint's propagations, routes and tags;
//! from then on it is managed as `aws_route_table`. "Destroy" only forgets it: a VPC's main
//! table lives as long as the VPC. Import takes the VPC's id (the provider's import id) or the
//! table's. The table is named by id, so a killed run adopts it again without tags.

use super::route_table::{
    add_route, declare_routes, describe, remove_route, route_block, set_propagation, table_value, update_table,
};
use super::update_tags;
use crate::provider::aws::common::{aws_err, must_exist, op_timeout, opt_str, str_list, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_default_route_table` resource type.
pub struct DefaultRouteTable {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultRouteTable {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DefaultRouteTable {
        let schema = resource("aws_default_route_table")
            .arg("default_route_table_id")
            .force_new();
        let schema = declare_routes(schema).timeouts(2, 2, 0).build();
        DefaultRouteTable { c, schema }
    }

    /// The main route table of a VPC (what an import id naming the VPC stands for).
    async fn main_table_of(&self, vpc_id: &str) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_route_tables()
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .filters(Filter::builder().name("association.main").values("true").build())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .route_tables()
            .first()
            .and_then(|t| t.route_table_id())
            .map(str::to_string))
    }

    fn value(&self, id: &str, t: &aws_sdk_ec2::types::RouteTable, prior: &Value) -> Value {
        let mut v = table_value(&self.c.region, &route_block(&self.schema), id, t, prior);
        if let Value::Object(m) = &mut v {
            m.insert("default_route_table_id".into(), Value::str(id));
        }
        v
    }
}

#[async_trait]
impl ResourceType for DefaultRouteTable {
    fn type_name(&self) -> &'static str {
        "aws_default_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = opt_str(planned, "default_route_table_id").unwrap_or_default();
        let t = describe(&self.c, &id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("route table {id} does not exist")))?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(120));
        // Everything the table has goes, then the blueprint's comes.
        for g in t.propagating_vgws().iter().filter_map(|g| g.gateway_id()) {
            set_propagation(&self.c, &id, g, false, timeout).await?;
        }
        let current = self.value(&id, &t, &Value::Null);
        for r in current.get("route").as_list().unwrap_or_default() {
            remove_route(&self.c, &id, r).await?;
        }
        for g in str_list(planned, "propagating_vgws") {
            set_propagation(&self.c, &id, &g, true, timeout).await?;
        }
        for r in planned.get("route").as_list().unwrap_or_default() {
            add_route(&self.c, &id, r).await?;
        }
        update_tags(&self.c.ec2, &id, &current, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "default route table", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let id = if id.starts_with("vpc-") {
            match self.main_table_of(id).await? {
                Some(t) => t,
                None => return Ok(None),
            }
        } else {
            id.to_string()
        };
        Ok(describe(&self.c, &id).await?.map(|t| self.value(&id, &t, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_table(&self.c, &self.schema, id, prior, planned, false).await?;
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "default route table", id)
    }

    /// The table stays in AWS, with its routes (state forgets it).
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        tracing::warn!("default route table {id} is left in AWS and removed from state");
        Ok(())
    }
}
