//! Data source `aws_vpcs`: the ids of every VPC matching tags and filters.

use super::{filters, with_results};
use crate::provider::aws::common::{aws_err, list_value};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpcs` data source.
pub struct VpcsData {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcsData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcsData {
        let schema = data_source("aws_vpcs")
            .args(&["tags", "filter"])
            .read_timeout(20)
            .build();
        VpcsData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for VpcsData {
    fn type_name(&self) -> &'static str {
        "aws_vpcs"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut pages = self
            .c
            .ec2
            .describe_vpcs()
            .set_filters(Some(filters(config, &[])))
            .into_paginator()
            .send();
        let mut ids = Vec::new();
        while let Some(page) = pages.next().await {
            ids.extend(
                page.map_err(aws_err)?
                    .vpcs()
                    .iter()
                    .filter_map(|v| v.vpc_id())
                    .map(str::to_string),
            );
        }
        Ok(with_results(
            config,
            Value::object([("id", Value::str(self.c.region.clone())), ("ids", list_value(ids))]),
        ))
    }
}
