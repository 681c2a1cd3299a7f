//! Data source `aws_ec2_transit_gateway_route_table`: one transit gateway route table, by id or
//! filters (`transit-gateway-id`, `default-association-route-table`, `tag:Name`, ...); `tags` is
//! read back, not used to select, as in the provider.

use super::{exactly_one, filter_blocks, with_results};
use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::ec2::transit_gateway_route_table::table_value;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ec2_transit_gateway_route_table` data source.
pub struct TransitGatewayRouteTableData {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayRouteTableData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayRouteTableData {
        let schema = data_source("aws_ec2_transit_gateway_route_table")
            .args(&["id", "tags", "filter"])
            .read_timeout(20)
            .build();
        TransitGatewayRouteTableData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for TransitGatewayRouteTableData {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .describe_transit_gateway_route_tables()
            .set_transit_gateway_route_table_ids(opt_str(config, "id").map(|id| vec![id]))
            .set_filters(Some(filter_blocks(config)))
            .send()
            .await
            .map_err(aws_err)?;
        let live = out
            .transit_gateway_route_tables()
            .iter()
            .filter(|t| t.state().map(|s| s.as_str()) != Some("deleted"))
            .cloned()
            .collect();
        let t = exactly_one(
            live,
            "EC2 Transit Gateway Route Table",
            "EC2 Transit Gateway Route Tables",
        )?;
        let mut v = table_value(&t, &self.c.region, &self.c.account_id().await?);
        if let Value::Object(m) = &mut v {
            m.insert("tags".into(), read_tags(t.tags()));
        }
        Ok(with_results(config, v))
    }
}
