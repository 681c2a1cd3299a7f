//! Data source `aws_region`: the provider's region (no call is needed).

use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_region` data source.
pub struct Region {
    c: Arc<Clients>,
    schema: Schema,
}

impl Region {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Region {
        let schema = data_source("aws_region").args(&["name", "endpoint"]).build();
        Region { c, schema }
    }
}

#[async_trait]
impl DataSourceType for Region {
    fn type_name(&self) -> &'static str {
        "aws_region"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = config.get("name").as_str().unwrap_or(&self.c.region).to_string();
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || name.is_empty()
        {
            return Err(ProviderError::msg(format!("\"{name}\" is not a region name")));
        }
        Ok(Value::object([
            ("id", Value::str(&name)),
            ("endpoint", Value::str(format!("ec2.{name}.amazonaws.com"))),
            ("description", Value::str(&name)),
            ("name", Value::str(name)),
        ]))
    }
}
