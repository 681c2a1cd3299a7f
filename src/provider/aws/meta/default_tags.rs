//! Data source `aws_default_tags`: the provider block's `default_tags`, so that blueprints can
//! merge them into what the provider does not tag by itself (Auto Scaling tags, for instance).
//! Read from the provider configuration; no call.

use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_default_tags` data source of one provider configuration.
pub struct DefaultTags {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultTags {
    /// Creates the type with a configuration's clients, which carry its default tags and
    /// region (the partition is the provider's id for it).
    pub fn new(c: Arc<Clients>) -> DefaultTags {
        let schema = data_source("aws_default_tags").args(&[]).build();
        DefaultTags { c, schema }
    }
}

#[async_trait]
impl DataSourceType for DefaultTags {
    fn type_name(&self) -> &'static str {
        "aws_default_tags"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, _config: &Value) -> PResult<Value> {
        let (partition, ..) = super::partition::of_region(&self.c.region);
        Ok(Value::object([
            ("id", Value::str(partition)),
            ("tags", Value::Object(self.c.default_tags.clone())),
        ]))
    }
}
