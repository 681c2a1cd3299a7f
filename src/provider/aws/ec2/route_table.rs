//! `aws_route_table`: a route table with optional inline `route` blocks and VPN gateway route
//! propagation.
//!
//! Routes left out of the blueprint are not managed here (they may come from `aws_route`), as in
//! Terraform; routes written inline are kept exactly as written. The route and propagation code
//! is shared with `aws_default_route_table`.

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, changed_blocks, configured_tags, ec2_arn, must_exist, ok_on, op_timeout, opt_str, retry_while,
    str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{ipv4_cidr_network, ipv6_cidr_network};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType as Kind, RouteOrigin, RouteTable as Ec2RouteTable};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_route_table` resource type.
pub struct RouteTable {
    c: Arc<Clients>,
    schema: Schema,
}

/// The fields of one inline route, as a type's schema declares them.
pub fn route_block(schema: &Schema) -> Schema {
    schema.blocks.get("route").map(|b| b.schema.clone()).unwrap_or_default()
}

impl RouteTable {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RouteTable {
        let schema = resource("aws_route_table").arg("vpc_id").force_new();
        let schema = declare_routes(schema).timeouts(5, 2, 5).build();
        RouteTable { c, schema }
    }
}

/// Declares the inline `route` blocks, `propagating_vgws` and `tags`, alike in
/// `aws_route_table` and `aws_default_route_table`.
pub fn declare_routes(schema: Decl) -> Decl {
    schema
        .as_blocks("route")
        .args(&["route", "propagating_vgws", "tags"])
        .arg("route.cidr_block")
        .check(ipv4_cidr_network())
        .arg("route.ipv6_cidr_block")
        .check(ipv6_cidr_network())
}

/// Adds one inline route (a `route` block value) to a table.
pub async fn add_route(c: &Clients, id: &str, r: &Value) -> PResult<()> {
    let s = |k: &str| opt_str(r, k);
    c.ec2
        .create_route()
        .route_table_id(id)
        .set_destination_cidr_block(s("cidr_block"))
        .set_destination_ipv6_cidr_block(s("ipv6_cidr_block"))
        .set_destination_prefix_list_id(s("destination_prefix_list_id"))
        .set_carrier_gateway_id(s("carrier_gateway_id"))
        .set_core_network_arn(s("core_network_arn"))
        .set_gateway_id(s("gateway_id"))
        .set_instance_id(s("instance_id"))
        .set_local_gateway_id(s("local_gateway_id"))
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

/// Removes one route (by its destination) from a table; a route already gone is fine.
pub async fn remove_route(c: &Clients, id: &str, r: &Value) -> PResult<()> {
    let res = c
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

/// Brings a table's inline routes from `old` to `new` (compared as `route`'s schema says).
pub async fn sync_routes(c: &Clients, route: &Schema, id: &str, old: &[Value], new: &[Value]) -> PResult<()> {
    let (gone, added) = changed_blocks(route, old, new);
    for r in gone {
        remove_route(c, id, r).await?;
    }
    for r in added {
        add_route(c, id, r).await?;
    }
    Ok(())
}

/// Turns route propagation from a VPN gateway on or off for a table. Turning it on is retried
/// while the gateway's attachment to the VPC is still settling, as the provider does.
pub async fn set_propagation(c: &Clients, table: &str, gateway: &str, on: bool, timeout: Duration) -> PResult<()> {
    if on {
        retry_while(&["Gateway.NotAttached"], timeout, || async {
            c.ec2
                .enable_vgw_route_propagation()
                .route_table_id(table)
                .gateway_id(gateway)
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        return Ok(());
    }
    let r = c
        .ec2
        .disable_vgw_route_propagation()
        .route_table_id(table)
        .gateway_id(gateway)
        .send()
        .await
        .map_err(aws_err);
    ok_on(r, &["InvalidRouteTableID.NotFound", "InvalidVpnGatewayID.NotFound"])
}

/// Brings a table's propagating VPN gateways (where known) and inline routes from `prior` to
/// `planned`, the update both route table types make; with `null_is_empty` a null `route`
/// removes every route, otherwise it leaves them alone.
pub async fn update_table(
    c: &Clients,
    schema: &Schema,
    id: &str,
    prior: &Value,
    planned: &Value,
    null_is_empty: bool,
) -> PResult<()> {
    let timeout = op_timeout(schema, planned, Op::Update, Duration::from_secs(120));
    if !planned.get("propagating_vgws").has_unknown() {
        sync_propagations(
            c,
            id,
            prior.get("propagating_vgws"),
            planned.get("propagating_vgws"),
            timeout,
        )
        .await?;
    }
    let empty = Vec::new();
    let new = match planned.get("route").as_list() {
        Some(new) => new,
        None if null_is_empty => &empty,
        None => return Ok(()),
    };
    let old = prior.get("route").as_list().unwrap_or(&empty);
    sync_routes(c, &route_block(schema), id, old, new).await
}

/// Brings a table's propagating VPN gateways from `old` to `new` (`propagating_vgws` values).
pub async fn sync_propagations(c: &Clients, id: &str, old: &Value, new: &Value, timeout: Duration) -> PResult<()> {
    let list = |v: &Value| -> Vec<String> {
        v.as_list()
            .map(|l| l.iter().filter_map(Value::to_plain_string).collect())
            .unwrap_or_default()
    };
    let (old, new) = (list(old), list(new));
    for g in old.iter().filter(|g| !new.contains(g)) {
        set_propagation(c, id, g, false, timeout).await?;
    }
    for g in new.iter().filter(|g| !old.contains(g)) {
        set_propagation(c, id, g, true, timeout).await?;
    }
    Ok(())
}

/// Reads the routes of a table as `route` blocks (the fields `route` declares), leaving out the
/// local route and propagated ones.
pub fn routes_of(t: &Ec2RouteTable, route: &Schema) -> Vec<Value> {
    t.routes()
        .iter()
        .filter(|r| is_configurable(r))
        .map(|r| only_declared(route_value(r), route))
        .collect()
}

/// A value with just the attributes `schema` declares.
fn only_declared(v: Value, schema: &Schema) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| schema.attrs.contains_key(k.as_str()))
                .collect(),
        ),
        other => other,
    }
}

/// Routes a blueprint can manage: not the VPC's local route, not ones propagated from a VPN,
/// and not the prefix-list routes a gateway VPC endpoint maintains (as the AWS provider skips).
pub fn is_configurable(r: &aws_sdk_ec2::types::Route) -> bool {
    let endpoint_route =
        r.destination_prefix_list_id().is_some() && r.gateway_id().is_some_and(|g| g.starts_with("vpce-"));
    r.gateway_id() != Some("local") && r.origin() != Some(&RouteOrigin::EnableVgwRoutePropagation) && !endpoint_route
}

/// One route as a `route` block value, with every target a route can have.
pub fn route_value(r: &aws_sdk_ec2::types::Route) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    Value::object([
        ("cidr_block", s(r.destination_cidr_block())),
        ("ipv6_cidr_block", s(r.destination_ipv6_cidr_block())),
        ("destination_prefix_list_id", s(r.destination_prefix_list_id())),
        ("carrier_gateway_id", s(r.carrier_gateway_id())),
        ("core_network_arn", s(r.core_network_arn())),
        ("gateway_id", s(r.gateway_id())),
        ("instance_id", s(r.instance_id())),
        ("local_gateway_id", s(r.local_gateway_id())),
        ("nat_gateway_id", s(r.nat_gateway_id())),
        ("network_interface_id", s(r.network_interface_id())),
        ("transit_gateway_id", s(r.transit_gateway_id())),
        ("vpc_peering_connection_id", s(r.vpc_peering_connection_id())),
        ("vpc_endpoint_id", Value::Null),
        ("egress_only_gateway_id", s(r.egress_only_internet_gateway_id())),
    ])
}

/// Reads one table; `None` when it no longer exists.
pub async fn describe(c: &Clients, id: &str) -> PResult<Option<Ec2RouteTable>> {
    let out = absent_on(
        c.ec2
            .describe_route_tables()
            .route_table_ids(id)
            .send()
            .await
            .map_err(aws_err),
        &["InvalidRouteTableID.NotFound"],
    )?;
    Ok(out.and_then(|o| o.route_tables().first().cloned()))
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
            .set_tag_specifications(tag_spec(ctx, planned, Kind::RouteTable))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .ok_or_else(|| ProviderError::msg("CreateRouteTable returned no id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(300));
        for g in str_list(planned, "propagating_vgws") {
            set_propagation(&self.c, &id, &g, true, timeout).await?;
        }
        if let Some(routes) = planned.get("route").as_list() {
            for r in routes {
                add_route(&self.c, &id, r).await?;
            }
        }
        must_exist(self.read(ctx, &id, planned).await?, "route table", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let route = route_block(&self.schema);
        Ok(describe(&self.c, id)
            .await?
            .map(|t| table_value(&self.c.region, &route, id, &t, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe =
            |filter| async move { Ok(describe_all!(self.c.ec2.describe_route_tables(), filter, route_tables)) };
        let region = self.c.region.clone();
        let route = route_block(&self.schema);
        let value = move |id: &str, o: &Ec2RouteTable, prior: &Value| table_value(&region, &route, id, o, prior);
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
        update_table(&self.c, &self.schema, id, prior, planned, true).await?;
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

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let tables = find_owned!(self.c.ec2.describe_route_tables(), ctx, route_tables);
        Ok(tables.first().and_then(|t| t.route_table_id()).map(str::to_string))
    }
}

/// The object as state keeps it (shared by single and bulk reads, and by the default table).
pub fn table_value(region: &str, route: &Schema, id: &str, t: &Ec2RouteTable, prior: &Value) -> Value {
    let owner = t.owner_id().unwrap_or_default().to_string();
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(t.vpc_id())),
        ("route", Value::List(routes_of(t, route))),
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
