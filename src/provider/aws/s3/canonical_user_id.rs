//! Data source `aws_canonical_user_id`: the canonical user id of the account the credentials
//! belong to, for S3 ACL grants; S3's ListBuckets names it as the owner.

use crate::provider::aws::common::aws_err;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_canonical_user_id` data source.
pub struct CanonicalUserId {
    c: Arc<Clients>,
    schema: Schema,
}

impl CanonicalUserId {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CanonicalUserId {
        let schema = data_source("aws_canonical_user_id").args(&[]).build();
        CanonicalUserId { c, schema }
    }
}

#[async_trait]
impl DataSourceType for CanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_canonical_user_id"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, _config: &Value) -> PResult<Value> {
        // One bucket is enough to learn the owner; the owner is there with none.
        let out = self.c.s3.list_buckets().max_buckets(1).send().await.map_err(aws_err)?;
        let owner = out
            .owner()
            .and_then(|o| o.id())
            .ok_or_else(|| ProviderError::msg("S3 ListBuckets named no owner"))?;
        Ok(Value::object([
            ("id", Value::str(owner)),
            (
                "display_name",
                Value::str(out.owner().and_then(|o| o.display_name()).unwrap_or_default()),
            ),
        ]))
    }
}
