//! Data source `aws_cloudwatch_event_bus`: a bus someone else manages (a platform team's
//! shared bus, or `default`), read by name so a stack can put rules on it or point targets at
//! its ARN.

use super::bus::bus_state;
use super::NOT_FOUND;
use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_event_bus` data source.
pub struct BusData {
    c: Arc<Clients>,
    schema: Schema,
}

impl BusData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BusData {
        let schema = data_source("aws_cloudwatch_event_bus").args(&["name"]).build();
        BusData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for BusData {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_bus"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let r = self
            .c
            .events
            .describe_event_bus()
            .name(&name)
            .send()
            .await
            .map_err(aws_err);
        let out = absent_on(r, NOT_FOUND)?.ok_or_else(|| {
            ProviderError::msg(format!(
                "reading EventBridge Event Bus ({name}): couldn't find resource"
            ))
        })?;
        Ok(bus_state(&out))
    }
}
