//! Data source `aws_ec2_transit_gateway`: one transit gateway, by id or filters (`tags` is read
//! back, not used to select, as in the provider), with its options as the resource reads them.

use super::{exactly_one, filter_blocks, with_results};
use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::ec2::transit_gateway::gateway_value;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ec2_transit_gateway` data source.
pub struct TransitGatewayData {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayData {
        let schema = data_source("aws_ec2_transit_gateway")
            .args(&["id", "tags", "filter"])
            .read_timeout(20)
            .build();
        TransitGatewayData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for TransitGatewayData {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .describe_transit_gateways()
            .set_transit_gateway_ids(opt_str(config, "id").map(|id| vec![id]))
            .set_filters(Some(filter_blocks(config)))
            .send()
            .await
            .map_err(aws_err)?;
        let live = out
            .transit_gateways()
            .iter()
            .filter(|g| g.state().map(|s| s.as_str()) != Some("deleted"))
            .cloned()
            .collect();
        let g = exactly_one(live, "EC2 Transit Gateway", "EC2 Transit Gateways")?;
        let mut v = gateway_value(&g);
        if let Value::Object(m) = &mut v {
            // The data source lists no blocks as an empty list, where the resource has null.
            if m.get("transit_gateway_cidr_blocks") == Some(&Value::Null) {
                m.insert("transit_gateway_cidr_blocks".into(), Value::List(vec![]));
            }
            m.insert("tags".into(), read_tags(g.tags()));
        }
        Ok(with_results(config, v))
    }
}
