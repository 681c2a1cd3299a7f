//! Data source `aws_lambda_alias`: an alias someone else manages (a deployment pipeline moves
//! it), read by function and name so a stack can point triggers at it, as the lambda module's
//! `use_existing_alias` does.

use super::alias::{alias_state, get_alias};
use crate::provider::aws::common::required;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_lambda_alias` data source.
pub struct AliasData {
    c: Arc<Clients>,
    schema: Schema,
}

impl AliasData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AliasData {
        let schema = data_source("aws_lambda_alias").args(&["function_name", "name"]).build();
        AliasData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for AliasData {
    fn type_name(&self) -> &'static str {
        "aws_lambda_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let (function, name) = (required(config, "function_name")?, required(config, "name")?);
        let out = get_alias(&self.c, &function, &name)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("reading Lambda Alias ({function}/{name}): no such alias")))?;
        let mut state = alias_state(&self.c.region, &function, &out);
        if let Value::Object(m) = &mut state {
            // The data source has no routing configuration.
            m.shift_remove("routing_config");
        }
        Ok(state)
    }
}
