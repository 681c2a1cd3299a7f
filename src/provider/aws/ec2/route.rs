//! `aws_route`: one route in a route table, managed on its own.
//!
//! Routes cannot be tagged; a route is identified by its table and destination, and its id is
//! `<route table id>_<destination>` (the form Terraform imports).

use super::route_table::{is_configurable, route_value};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_cidr_network, ipv6_cidr_network, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// Destination arguments: exactly one must be set.
const DESTINATIONS: &[(&str, &str)] = &[
    ("destination_cidr_block", "cidr_block"),
    ("destination_ipv6_cidr_block", "ipv6_cidr_block"),
    ("destination_prefix_list_id", "destination_prefix_list_id"),
];

/// Target arguments, with the name the inline `route` block uses.
const TARGETS: &[&str] = &[
    "gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "vpc_endpoint_id",
    "egress_only_gateway_id",
];

/// The `aws_route` resource type.
pub struct Route {
    c: Arc<Clients>,
    schema: Schema,
}

impl Route {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Route {
        let schema = resource("aws_route")
            .arg("route_table_id")
            .force_new()
            .arg("destination_cidr_block")
            .force_new()
            .check(ipv4_cidr_network())
            .arg("destination_ipv6_cidr_block")
            .force_new()
            .check(ipv6_cidr_network())
            .arg("destination_prefix_list_id")
            .force_new()
            .args(TARGETS)
            .rule(Rule::ExactlyOne(&[
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ]))
            .timeouts(5, 2, 5)
            .build();
        Route { c, schema }
    }
}

fn destination(v: &Value) -> PResult<(&'static str, String)> {
    let set: Vec<(&'static str, String)> = DESTINATIONS
        .iter()
        .filter_map(|(d, _)| opt_str(v, d).map(|x| (*d, x)))
        .collect();
    match set.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(ProviderError::msg(
            "exactly one of destination_cidr_block, destination_ipv6_cidr_block and destination_prefix_list_id must be set",
        )),
    }
}

/// Splits an id `rtb-123_10.0.0.0/16` into table and destination.
fn parse_id(id: &str) -> Option<(String, String)> {
    id.split_once('_').map(|(t, d)| (t.to_string(), d.to_string()))
}

#[async_trait]
impl ResourceType for Route {
    fn type_name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let table = required(planned, "route_table_id")?;
        let (dest_attr, dest) = destination(planned)?;
        let s = |k: &str| opt_str(planned, k);
        let mut req = self
            .c
            .ec2
            .create_route()
            .route_table_id(&table)
            .set_gateway_id(s("gateway_id"))
            .set_nat_gateway_id(s("nat_gateway_id"))
            .set_network_interface_id(s("network_interface_id"))
            .set_transit_gateway_id(s("transit_gateway_id"))
            .set_vpc_peering_connection_id(s("vpc_peering_connection_id"))
            .set_vpc_endpoint_id(s("vpc_endpoint_id"))
            .set_egress_only_internet_gateway_id(s("egress_only_gateway_id"));
        req = match dest_attr {
            "destination_cidr_block" => req.destination_cidr_block(&dest),
            "destination_ipv6_cidr_block" => req.destination_ipv6_cidr_block(&dest),
            _ => req.destination_prefix_list_id(&dest),
        };
        req.send().await.map_err(aws_err)?;
        let id = format!("{table}_{dest}");
        must_exist(self.read(ctx, &id, planned).await?, "route", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (table, dest) = parse_id(id).ok_or_else(|| ProviderError::msg(format!("invalid route id {id}")))?;
        let Some(out) = absent_on(
            self.c
                .ec2
                .describe_route_tables()
                .route_table_ids(&table)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidRouteTableID.NotFound"],
        )?
        else {
            return Ok(None);
        };
        let Some(t) = out.route_tables().first() else {
            return Ok(None);
        };
        let found = t
            .routes()
            .iter()
            .filter(|r| is_configurable(r))
            .map(|r| (route_value(r), r))
            .find(|(r, _)| {
                DESTINATIONS
                    .iter()
                    .any(|(_, inline)| r.get(inline).as_str() == Some(dest.as_str()))
            });
        let Some((route, raw_route)) = found else {
            return Ok(None);
        };
        let mut m = indexmap::IndexMap::new();
        m.insert("id".to_string(), Value::str(id));
        m.insert("route_table_id".to_string(), Value::str(&table));
        for (d, inline) in DESTINATIONS {
            m.insert(d.to_string(), route.get(inline).clone());
        }
        for t in TARGETS {
            m.insert(t.to_string(), route.get(t).clone());
        }
        m.insert(
            "origin".into(),
            Value::from(raw_route.origin().map(|o| o.as_str().to_string())),
        );
        m.insert(
            "state".into(),
            Value::from(raw_route.state().map(|s| s.as_str().to_string())),
        );
        Ok(Some(Value::Object(m)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (table, _) = parse_id(id).ok_or_else(|| ProviderError::msg(format!("invalid route id {id}")))?;
        let (dest_attr, dest) = destination(planned)?;
        let s = |k: &str| opt_str(planned, k);
        let mut req = self
            .c
            .ec2
            .replace_route()
            .route_table_id(&table)
            .set_gateway_id(s("gateway_id"))
            .set_nat_gateway_id(s("nat_gateway_id"))
            .set_network_interface_id(s("network_interface_id"))
            .set_transit_gateway_id(s("transit_gateway_id"))
            .set_vpc_peering_connection_id(s("vpc_peering_connection_id"))
            .set_egress_only_internet_gateway_id(s("egress_only_gateway_id"));
        req = match dest_attr {
            "destination_cidr_block" => req.destination_cidr_block(&dest),
            "destination_ipv6_cidr_block" => req.destination_ipv6_cidr_block(&dest),
            _ => req.destination_prefix_list_id(&dest),
        };
        req.send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "route", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (table, _) = parse_id(id).ok_or_else(|| ProviderError::msg(format!("invalid route id {id}")))?;
        let (dest_attr, dest) = destination(prior)?;
        let mut req = self.c.ec2.delete_route().route_table_id(&table);
        req = match dest_attr {
            "destination_cidr_block" => req.destination_cidr_block(&dest),
            "destination_ipv6_cidr_block" => req.destination_ipv6_cidr_block(&dest),
            _ => req.destination_prefix_list_id(&dest),
        };
        match req.send().await.map_err(aws_err) {
            Err(e)
                if !matches!(
                    e.code.as_deref(),
                    Some("InvalidRoute.NotFound") | Some("InvalidRouteTableID.NotFound")
                ) =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(table), Ok((_, dest))) = (opt_str(planned, "route_table_id"), destination(planned)) else {
            return Ok(None);
        };
        let id = format!("{table}_{dest}");
        Ok(self.read(ctx, &id, planned).await?.map(|_| id))
    }
}
