//! Data sources `aws_vpcs`, `aws_subnets` and `aws_network_interfaces`: the ids of every VPC,
//! subnet or network interface matching tags and filters. One type serves all three, as they
//! differ only in the Describe call they page through.

use super::{filters, with_results};
use crate::provider::aws::common::{aws_err, list_value};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use std::sync::Arc;

/// What an ids data source lists.
#[derive(Clone, Copy)]
enum Listed {
    Vpcs,
    Subnets,
    NetworkInterfaces,
}

/// The `aws_vpcs` and `aws_subnets` data sources.
pub struct IdsData {
    c: Arc<Clients>,
    schema: Schema,
    name: &'static str,
    listed: Listed,
}

impl IdsData {
    /// The `aws_vpcs` data source.
    pub fn vpcs(c: Arc<Clients>) -> IdsData {
        IdsData::new(c, "aws_vpcs", Listed::Vpcs)
    }

    /// The `aws_subnets` data source.
    pub fn subnets(c: Arc<Clients>) -> IdsData {
        IdsData::new(c, "aws_subnets", Listed::Subnets)
    }

    /// The `aws_network_interfaces` data source.
    pub fn network_interfaces(c: Arc<Clients>) -> IdsData {
        IdsData::new(c, "aws_network_interfaces", Listed::NetworkInterfaces)
    }

    fn new(c: Arc<Clients>, name: &'static str, listed: Listed) -> IdsData {
        let schema = data_source(name).args(&["tags", "filter"]).read_timeout(20).build();
        IdsData {
            c,
            schema,
            name,
            listed,
        }
    }

    /// Every matching id, over all pages.
    async fn ids(&self, filters: Vec<Filter>) -> PResult<Vec<String>> {
        let ec2 = &self.c.ec2;
        // Each Describe call has its own paginator and item types: a macro walks any of them.
        macro_rules! every_id {
            ($call:expr, $items:ident, $id:ident) => {{
                let mut ids = Vec::new();
                let mut pages = $call.set_filters(Some(filters)).into_paginator().send();
                while let Some(page) = pages.next().await {
                    ids.extend(
                        page.map_err(aws_err)?
                            .$items()
                            .iter()
                            .filter_map(|o| o.$id())
                            .map(str::to_string),
                    );
                }
                ids
            }};
        }
        Ok(match self.listed {
            Listed::Vpcs => every_id!(ec2.describe_vpcs(), vpcs, vpc_id),
            Listed::Subnets => every_id!(ec2.describe_subnets(), subnets, subnet_id),
            Listed::NetworkInterfaces => every_id!(
                ec2.describe_network_interfaces(),
                network_interfaces,
                network_interface_id
            ),
        })
    }
}

#[async_trait]
impl DataSourceType for IdsData {
    fn type_name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let ids = self.ids(filters(config, &[])).await?;
        Ok(with_results(
            config,
            Value::object([("id", Value::str(self.c.region.clone())), ("ids", list_value(ids))]),
        ))
    }
}
