//! `aws_route_table`: a route table with optional inline `route` blocks.
//!
//! Routes left out of the blueprint are not managed here (they may come from `aws_route`), as in
//! Terraform; routes written inline are kept exactly as written.

use super::{describe_all, owned, owner_filters, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::plan::diff::blocks_match;
use crate::provider::aws::common::{absent_on, aws_err, configured_tags, ec2_arn, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_cidr_network, ipv6_cidr_network};
use crate::schema::{Nesting, Schema};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType as Kind, RouteOrigin, RouteTable as Ec2RouteTable};
use std::sync::Arc;

/// Route targets and destinations, as `route` block attributes.
pub const ROUTE_FIELDS: &[&str] = &[
    "cidr_block",
    "ipv6_cidr_block",
    "destination_prefix_list_id",
    "gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "vpc_endpoint_id",
    "egress_only_gateway_id",
];

/// The `aws_route_table` resource type.
pub struct RouteTable {
    c: Arc<Clients>,
    schema: Schema,
}

/// The fields of one inline route, as the type's schema declares them.
fn route_block(schema: &Schema) -> Schema {
    schema.blocks.get("route").map(|b| b.schema.clone()).unwrap_or_default()
}

impl RouteTable {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RouteTable {
        let schema = resource("aws_route_table")
            .arg("vpc_id")
            .force_new()
            .as_blocks("route")
            .args(&["route", "propagating_vgws", "tags"])
            .not_yet(&[
                "route.carrier_gateway_id",
                "route.core_network_arn",
                "route.local_gateway_id",
            ])
            .arg("route.cidr_block")
            .check(ipv4_cidr_network())
            .arg("route.ipv6_cidr_block")
            .check(ipv6_cidr_network())
            .timeouts(5, 2, 5)
            .build();
        RouteTable { c, schema }
    }

    async fn add_route(&self, id: &str, r: &Value) -> PResult<()> {
        let s = |k: &str| opt_str(r, k);
        self.c
            .ec2
            .create_route()
            .route_table_id(id)
            .set_destination_cidr_block(s("cidr_block"))
            .set_destination_ipv6_cidr_block(s("ipv6_cidr_block"))
            .set_destination_prefix_list_id(s("destination_prefix_list_id"))
            .set_gateway_id(s("gateway_id"))
            .set_egress_only_internet_gateway_id(s("egress_only_gateway_id"))
            .set_nat_gateway_id(s("nat_gateway_id"))
            .set_network_interface_id(s("network_interface_id"))
            .set_transit_gateway_id(s("transit_gateway_id"))
            .set_vpc_peering_connection_id(s("vpc_peering_connection_id"))
            .set_vpc_endpoint_id(s("vpc_endpoint_id"))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn remove_route(&self, id: &str, r: &Value) -> PResult<()> {
        let res = self
            .c
            .ec2
            .delete_route()
            .route_table_id(id)
            .set_destination_cidr_block(opt_str(r, "cidr_block"))
            .set_destination_ipv6_cidr_block(opt_str(r, "ipv6_cidr_block"))
            .set_destination_prefix_list_id(opt_str(r, "destination_prefix_list_id"))
            .send()
            .await
            .map_err(aws_err);
        ok_on(res, &["InvalidRoute.NotFound"])
    }
}

/// Reads the routes of a table as `route` blocks, leaving out the local route and propagated ones.
pub fn routes_of(t: &aws_sdk_ec2::types::RouteTable) -> Vec<Value> {
    t.routes()
        .iter()
        .filter(|r| is_configurable(r))
        .map(route_value)
        .collect()
}

/// Routes a blueprint can manage: not the VPC's local route, not ones propagated from a VPN,
/// and not the prefix-list routes a gateway VPC endpoint maintains (as the AWS provider skips).
pub fn is_configurable(r: &aws_sdk_ec2::types::Route) -> bool {
    let endpoint_route =
        r.destination_prefix_list_id().is_some() && r.gateway_id().is_some_and(|g| g.starts_with("vpce-"));
    r.gateway_id() != Some("local") && r.origin() != Some(&RouteOrigin::EnableVgwRoutePropagation) && !endpoint_route
}

/// One route as a `route` block value.
pub fn route_value(r: &aws_sdk_ec2::types::Route) -> Value {
    Value::object([
        (
            "cidr_block",
            Value::from(r.destination_cidr_block().map(str::to_string)),
        ),
        (
            "ipv6_cidr_block",
            Value::from(r.destination_ipv6_cidr_block().map(str::to_string)),
        ),
        (
            "destination_prefix_list_id",
            Value::from(r.destination_prefix_list_id().map(str::to_string)),
        ),
        ("gateway_id", Value::from(r.gateway_id().map(str::to_string))),
        ("nat_gateway_id", Value::from(r.nat_gateway_id().map(str::to_string))),
        (
            "network_interface_id",
            Value::from(r.network_interface_id().map(str::to_string)),
        ),
        (
            "transit_gateway_id",
            Value::from(r.transit_gateway_id().map(str::to_string)),
        ),
        (
            "vpc_peering_connection_id",
            Value::from(r.vpc_peering_connection_id().map(str::to_string)),
        ),
        ("vpc_endpoint_id", Value::Null),
        (
            "egress_only_gateway_id",
            Value::from(r.egress_only_internet_gateway_id().map(str::to_string)),
        ),
    ])
}

#[async_trait]
impl ResourceType for RouteTable {
    fn type_name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_route_table()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .tag_specifications(tag_spec(ctx, planned, Kind::RouteTable))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .ok_or_else(|| ProviderError::msg("CreateRouteTable returned no id"))?
            .to_string();
        if let Some(routes) = planned.get("route").as_list() {
            for r in routes {
                self.add_route(&id, r).await?;
            }
        }
        must_exist(self.read(ctx, &id, planned).await?, "route table", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = absent_on(
            self.c
                .ec2
                .describe_route_tables()
                .route_table_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidRouteTableID.NotFound"],
        )?
        else {
            return Ok(None);
        };
        Ok(out
            .route_tables()
            .first()
            .map(|t| table_value(&self.c.region, id, t, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe =
            |filter| async move { Ok(describe_all!(self.c.ec2.describe_route_tables(), filter, route_tables)) };
        let region = self.c.region.clone();
        let value = move |id: &str, o: &Ec2RouteTable, prior: &Value| table_value(&region, id, o, prior);
        read_many_by_id(
            items,
            "route-table-id",
            describe,
            |o: &Ec2RouteTable| o.route_table_id(),
            value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let schema = route_block(&self.schema);
        let empty = Vec::new();
        let old = prior.get("route").as_list().unwrap_or(&empty);
        let new = planned.get("route").as_list().unwrap_or(&empty);
        let same = |a: &Value, b: &Value| {
            blocks_match(
                &schema,
                Nesting::List,
                &Value::List(vec![a.clone()]),
                &Value::List(vec![b.clone()]),
            )
        };
        for r in old.iter().filter(|o| !new.iter().any(|n| same(n, o))) {
            self.remove_route(id, r).await?;
        }
        for r in new.iter().filter(|n| !old.iter().any(|o| same(n, o))) {
            self.add_route(id, r).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "route table", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        ok_on(
            self.c
                .ec2
                .delete_route_table()
                .route_table_id(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidRouteTableID.NotFound"],
        )
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_route_tables()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .route_tables()
            .iter()
            .find(|t| owned(t.tags(), ctx))
            .and_then(|t| t.route_table_id())
            .map(str::to_string))
    }
}

/// The object as state keeps it (shared by single and bulk reads).
fn table_value(region: &str, id: &str, t: &Ec2RouteTable, prior: &Value) -> Value {
    let owner = t.owner_id().unwrap_or_default().to_string();
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(t.vpc_id().map(str::to_string))),
        ("route", Value::List(routes_of(t))),
        (
            "propagating_vgws",
            Value::List(
                t.propagating_vgws()
                    .iter()
                    .filter_map(|g| g.gateway_id())
                    .map(Value::str)
                    .collect(),
            ),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(t.tags())),
        ("arn", ec2_arn(region, &owner, "route-table", id)),
        ("owner_id", Value::str(owner)),
    ])
}
