//! `aws_route`: one route in a route table, managed on its own.
//!
//! Routes cannot be tagged; a route is identified by its table and destination. Its id is the
//! provider's, `r-<route table id><CRC-32 of the destination>`, which names the table but not
//! the destination (that is read from state, as the provider reads it); the import id, and the
//! id of routes infractl recorded before, is `<route table id>_<destination>`.

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
/// The provider's id for a route: `r-`, the table id and the CRC-32 of the destination.
fn route_id(table: &str, dest: &str) -> String {
    format!("r-{table}{}", crc32fast::hash(dest.as_bytes()))
}

/// The table and destination a route id names: both in the import form, the table in the
/// provider's form (its destination comes from `known`, what state or the plan holds).
fn parse_id(id: &str, known: &Value) -> Option<(String, String)> {
    if id.starts_with("r-") {
        let table = opt_str(known, "route_table_id")?;
        let (_, dest) = destination(known).ok()?;
        return (route_id(&table, &dest) == id).then_some((table, dest));
    }
    id.split_once('_').map(|(t, d)| (t.to_string(), d.to_string()))
}

fn invalid(id: &str) -> ProviderError {
    ProviderError::msg(format!(
        "invalid route id {id}: neither ROUTETABLEID_DESTINATION nor the provider's r- id of the route table and destination state records"
    ))
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
        let id = route_id(&table, &dest);
        must_exist(self.read(ctx, &id, planned).await?, "route", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (table, dest) = parse_id(id, prior).ok_or_else(|| invalid(id))?;
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

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (table, _) = parse_id(id, prior).ok_or_else(|| invalid(id))?;
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
        let (table, _) = parse_id(id, prior).ok_or_else(|| invalid(id))?;
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
        // The import form: adoption reads it without a state to take the destination from.
        let id = format!("{table}_{dest}");
        Ok(self.read(ctx, &id, planned).await?.map(|_| id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_providers_and_both_forms_are_read() {
        // As in a state Terraform 1.11 + provider 5.100 wrote for a 0.0.0.0/0 route.
        assert_eq!(
            route_id("rtb-a11a2ab08ce887dfc", "0.0.0.0/0"),
            "r-rtb-a11a2ab08ce887dfc1080289494"
        );
        let known = Value::object([
            ("route_table_id", Value::str("rtb-1")),
            ("destination_cidr_block", Value::str("10.0.0.0/8")),
        ]);
        let id = route_id("rtb-1", "10.0.0.0/8");
        assert_eq!(parse_id(&id, &known), Some(("rtb-1".into(), "10.0.0.0/8".into())));
        assert_eq!(parse_id("r-rtb-2123", &known), None, "an id of another route");
        assert_eq!(
            parse_id("rtb-1_::/0", &Value::Null),
            Some(("rtb-1".into(), "::/0".into()))
        );
    }
}
