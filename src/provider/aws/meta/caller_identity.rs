//! Data source `aws_caller_identity`: who the credentials belong to.

use crate::provider::aws::common::aws_err;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_caller_identity` data source.
pub struct CallerIdentity {
    c: Arc<Clients>,
    schema: Schema,
}

impl CallerIdentity {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CallerIdentity {
        let schema = data_source("aws_caller_identity").args(&[]).build();
        CallerIdentity { c, schema }
    }
}

#[async_trait]
impl DataSourceType for CallerIdentity {
    fn type_name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, _config: &Value) -> PResult<Value> {
        let out = self.c.sts.get_caller_identity().send().await.map_err(aws_err)?;
        let account = out.account().unwrap_or_default().to_string();
        Ok(Value::object([
            ("id", Value::str(&account)),
            ("account_id", Value::str(account)),
            ("arn", Value::from(out.arn())),
            ("user_id", Value::from(out.user_id())),
        ]))
    }
}
