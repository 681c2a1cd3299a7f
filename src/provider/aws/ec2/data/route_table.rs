//! Data source `aws_route_table`: one route table, by id, VPC, associated subnet or gateway,
//! tags or filters, with its routes and associations.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, ec2_arn, opt_str};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::ec2::route_table::route_value;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_route_table` data source.
pub struct RouteTableData {
    c: Arc<Clients>,
    schema: Schema,
}

impl RouteTableData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RouteTableData {
        let schema = data_source("aws_route_table")
            .args(&["route_table_id", "vpc_id", "subnet_id", "gateway_id", "tags", "filter"])
            .read_timeout(20)
            .build();
        RouteTableData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for RouteTableData {
    fn type_name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self.c.ec2.describe_route_tables().set_filters(Some(filters(
            config,
            &[
                ("route_table_id", "route-table-id"),
                ("vpc_id", "vpc-id"),
                ("subnet_id", "association.subnet-id"),
                ("gateway_id", "association.gateway-id"),
            ],
        )));
        if let Some(id) = opt_str(config, "route_table_id") {
            req = req.route_table_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let t = exactly_one(out.route_tables().to_vec(), "Route Table", "Route Tables")?;
        let id = t.route_table_id().unwrap_or_default().to_string();
        let owner = t.owner_id().unwrap_or_default().to_string();
        let s = |v: Option<&str>| Value::from(v);
        // The provider lists every route but the local one.
        let routes: Vec<Value> = t
            .routes()
            .iter()
            .filter(|r| r.gateway_id() != Some("local"))
            .map(route_value)
            .collect();
        let associations: Vec<Value> = t
            .associations()
            .iter()
            .map(|a| {
                Value::object([
                    ("route_table_association_id", s(a.route_table_association_id())),
                    ("route_table_id", s(a.route_table_id())),
                    ("subnet_id", s(a.subnet_id())),
                    ("gateway_id", s(a.gateway_id())),
                    ("main", Value::Bool(a.main() == Some(true))),
                ])
            })
            .collect();
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&id)),
                ("route_table_id", Value::str(&id)),
                ("arn", ec2_arn(&self.c.region, &owner, "route-table", &id)),
                ("owner_id", Value::str(owner)),
                ("vpc_id", s(t.vpc_id())),
                ("routes", Value::List(routes)),
                ("associations", Value::List(associations)),
                ("tags", read_tags(t.tags())),
            ]),
        ))
    }
}
