//! `aws_ec2_transit_gateway_route`: a static route of a transit gateway route table, to an
//! attachment or a blackhole.
//!
//! The id is the provider's, `TABLE_DESTINATION`, also the import id. As the provider does:
//! the route is found with SearchTransitGatewayRoutes (static routes, exact match), waited for
//! until active (or blackhole) and on delete until gone; every argument forces a new route.
//! A route a killed run made is found again by its table and destination, and adopted.

use crate::provider::aws::common::{
    aws_err, known_early, must_exist, ok_on, opt_bool, opt_str, required, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, ipv4_cidr_network, ipv6_cidr_network, not_empty};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, TransitGatewayRoute as Route};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for a route to be made or deleted.
const SETTLE: Duration = Duration::from_secs(120);

/// Errors meaning the route (or its table) is gone.
const GONE: &[&str] = &["InvalidRoute.NotFound", "InvalidRouteTableID.NotFound"];

/// The `aws_ec2_transit_gateway_route` resource type.
pub struct TransitGatewayRoute {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayRoute {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayRoute {
        let schema = resource("aws_ec2_transit_gateway_route")
            .arg("destination_cidr_block")
            .force_new()
            .check(any_of(vec![ipv4_cidr_network(), ipv6_cidr_network()]))
            .arg("transit_gateway_route_table_id")
            .force_new()
            .check(not_empty())
            .arg("transit_gateway_attachment_id")
            .force_new()
            .arg("blackhole")
            .force_new()
            .default(false)
            .build();
        TransitGatewayRoute { c, schema }
    }

    /// The static route to `destination` in `table`, unless it is gone or going.
    async fn find(&self, table: &str, destination: &str) -> PResult<Option<Route>> {
        let filter = |name: &str, value: &str| Filter::builder().name(name).values(value).build();
        let r = self
            .c
            .ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(table)
            .filters(filter("type", "static"))
            .filters(filter("route-search.exact-match", destination))
            .send()
            .await
            .map_err(aws_err);
        let out = match r {
            Err(e) if e.code.as_deref().is_some_and(|c| GONE.contains(&c)) => return Ok(None),
            r => r?,
        };
        Ok(out
            .routes()
            .iter()
            .find(|r| r.destination_cidr_block() == Some(destination) && !matches!(state(r), "deleted" | "deleting"))
            .cloned())
    }
}

fn state(r: &Route) -> &str {
    r.state().map(|s| s.as_str()).unwrap_or("unknown")
}

/// The route table and destination of a route's id.
fn parse_id(id: &str) -> PResult<(&str, &str)> {
    match id.split_once('_') {
        Some((table, destination)) if !table.is_empty() && !destination.is_empty() => Ok((table, destination)),
        _ => Err(ProviderError::msg(format!(
            "unexpected id {id:?}: expected TRANSIT-GATEWAY-ROUTE-TABLE-ID_DESTINATION"
        ))),
    }
}

#[async_trait]
impl ResourceType for TransitGatewayRoute {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_route"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let table = required(planned, "transit_gateway_route_table_id")?;
        let destination = required(planned, "destination_cidr_block")?;
        self.c
            .ec2
            .create_transit_gateway_route()
            .transit_gateway_route_table_id(&table)
            .destination_cidr_block(&destination)
            .set_transit_gateway_attachment_id(opt_str(planned, "transit_gateway_attachment_id"))
            .blackhole(opt_bool(planned, "blackhole").unwrap_or(false))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("{table}_{destination}");
        wait_for(Wait::new(&id, "active", SETTLE), || async {
            Ok(match self.find(&table, &destination).await? {
                Some(r) if matches!(state(&r), "active" | "blackhole") => Poll::Ready(()),
                Some(r) => Poll::pending(state(&r)),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "transit gateway route", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (table, destination) = parse_id(id)?;
        let Some(r) = self.find(table, destination).await? else {
            return Ok(None);
        };
        let blackhole = state(&r) == "blackhole";
        let attachment = r
            .transit_gateway_attachments()
            .first()
            .and_then(|a| a.transit_gateway_attachment_id())
            .filter(|_| !blackhole);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("transit_gateway_route_table_id", Value::str(table)),
            ("destination_cidr_block", Value::from(r.destination_cidr_block())),
            ("transit_gateway_attachment_id", Value::from(attachment)),
            ("blackhole", Value::from(blackhole)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "transit gateway route", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (table, destination) = parse_id(id)?;
        let r = self
            .c
            .ec2
            .delete_transit_gateway_route()
            .transit_gateway_route_table_id(table)
            .destination_cidr_block(destination)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, GONE)?;
        wait_for(Wait::new(id, "deleted", SETTLE), || async {
            Ok(match self.find(table, destination).await? {
                None => Poll::Ready(()),
                Some(r) => Poll::pending(state(&r)),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        known_early(planned, &["transit_gateway_route_table_id", "destination_cidr_block"])
    }

    /// A route is its table and destination: one a killed run made is found again.
    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let table = required(planned, "transit_gateway_route_table_id")?;
        let destination = required(planned, "destination_cidr_block")?;
        Ok(self
            .find(&table, &destination)
            .await?
            .map(|_| format!("{table}_{destination}")))
    }
}
