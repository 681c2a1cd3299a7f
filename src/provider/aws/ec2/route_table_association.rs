//! `aws_route_table_association`: links a subnet (or gateway) to a route table.
//!
//! Associations cannot be tagged; one is found again by its subnet, which has at most one.

use super::{describe_all, read_many_by_id, BULK_READ_LIMIT};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{read_each, CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, RouteTableAssociation as Association, RouteTableAssociationStateCode};
use std::sync::Arc;

/// The `aws_route_table_association` resource type.
pub struct RouteTableAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl RouteTableAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RouteTableAssociation {
        let schema = resource("aws_route_table_association")
            .arg("subnet_id")
            .force_new()
            .arg("gateway_id")
            .force_new()
            .args(&["route_table_id"])
            .rule(Rule::ExactlyOne(&["gateway_id", "subnet_id"]))
            .timeouts(5, 2, 5)
            .build();
        RouteTableAssociation { c, schema }
    }

    /// The id of the association of `target` (a subnet or gateway) with `table`, if any.
    async fn find(&self, table: &str, target: &str) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_route_tables()
            .route_table_ids(table)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidRouteTableID.NotFound"])? else {
            return Ok(None);
        };
        Ok(out
            .route_tables()
            .iter()
            .flat_map(|t| t.associations())
            .find(|a| a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
            .and_then(|a| a.route_table_association_id())
            .map(str::to_string))
    }
}

#[async_trait]
impl ResourceType for RouteTableAssociation {
    fn type_name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        if opt_str(planned, "subnet_id").is_none() == opt_str(planned, "gateway_id").is_none() {
            return Err(ProviderError::msg(
                "exactly one of subnet_id and gateway_id must be set",
            ));
        }
        let out = self
            .c
            .ec2
            .associate_route_table()
            .set_route_table_id(opt_str(planned, "route_table_id"))
            .set_subnet_id(opt_str(planned, "subnet_id"))
            .set_gateway_id(opt_str(planned, "gateway_id"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .association_id()
            .ok_or_else(|| ProviderError::msg("AssociateRouteTable returned no association id"))?
            .to_string();
        // An answer that says associated holds all that state records; another is read back.
        let state = out.association_state().and_then(|s| s.state());
        if state == Some(&RouteTableAssociationStateCode::Associated) {
            return Ok(Value::object([
                ("id", Value::str(&id)),
                ("subnet_id", Value::from(opt_str(planned, "subnet_id"))),
                ("gateway_id", Value::from(opt_str(planned, "gateway_id"))),
                ("route_table_id", Value::from(opt_str(planned, "route_table_id"))),
            ]));
        }
        must_exist(self.read(ctx, &id, planned).await?, "association", &id)
    }

    /// A subnet or gateway has one association at most: AWS refuses a second one.
    fn conflict_codes(&self) -> &'static [&'static str] {
        &["Resource.AlreadyAssociated"]
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // Terraform's import id: SUBNET-OR-GATEWAY/ROUTE-TABLE.
        if let Some((target, table)) = id.split_once('/') {
            let Some(assoc) = self.find(table, target).await? else {
                return Ok(None);
            };
            return Box::pin(self.read(ctx, &assoc, prior)).await;
        }
        let out = self
            .c
            .ec2
            .describe_route_tables()
            .filters(
                Filter::builder()
                    .name("association.route-table-association-id")
                    .values(id)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        let found = out
            .route_tables()
            .iter()
            .flat_map(|t| t.associations())
            .find(|a| a.route_table_association_id() == Some(id));
        Ok(found.map(|a| association_value(id, a)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        if items.iter().any(|(id, _)| id.contains('/')) {
            // Import ids name a subnet and a table, not an association: read them one by one.
            return read_each(self, ctx, items).await;
        }
        let describe = |filter| async move {
            let tables = describe_all!(self.c.ec2.describe_route_tables(), filter, route_tables);
            Ok(tables.iter().flat_map(|t| t.associations()).cloned().collect())
        };
        read_many_by_id(
            items,
            "association.route-table-association-id",
            describe,
            |a: &Association| a.route_table_association_id(),
            |id, a, _| association_value(id, a),
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .replace_route_table_association()
            .association_id(id)
            .set_route_table_id(opt_str(planned, "route_table_id"))
            .send()
            .await
            .map_err(aws_err)?;
        let new_id = out.new_association_id().unwrap_or(id).to_string();
        must_exist(self.read(ctx, &new_id, planned).await?, "association", &new_id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        ok_on(
            self.c
                .ec2
                .disassociate_route_table()
                .association_id(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidAssociationID.NotFound"],
        )
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(subnet), Some(table)) = (opt_str(planned, "subnet_id"), opt_str(planned, "route_table_id")) else {
            return Ok(None);
        };
        self.find(&table, &subnet).await
    }
}

/// The state of one association as AWS describes it.
fn association_value(id: &str, a: &Association) -> Value {
    Value::object([
        ("id", Value::str(id)),
        ("subnet_id", Value::from(a.subnet_id())),
        ("gateway_id", Value::from(a.gateway_id())),
        ("route_table_id", Value::from(a.route_table_id())),
    ])
}
