//! Data source `aws_subnets`: the ids of every subnet matching tags and filters.

use super::{filters, with_results};
use crate::provider::aws::common::{aws_err, list_value};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_subnets` data source.
pub struct SubnetsData {
    c: Arc<Clients>,
    schema: Schema,
}

impl SubnetsData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubnetsData {
        let schema = data_source("aws_subnets")
            .args(&["tags", "filter"])
            .read_timeout(20)
            .build();
        SubnetsData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for SubnetsData {
    fn type_name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut pages = self
            .c
            .ec2
            .describe_subnets()
            .set_filters(Some(filters(config, &[])))
            .into_paginator()
            .send();
        let mut ids = Vec::new();
        while let Some(page) = pages.next().await {
            ids.extend(
                page.map_err(aws_err)?
                    .subnets()
                    .iter()
                    .filter_map(|s| s.subnet_id())
                    .map(str::to_string),
            );
        }
        Ok(with_results(
            config,
            Value::object([("id", Value::str(self.c.region.clone())), ("ids", list_value(ids))]),
        ))
    }
}
