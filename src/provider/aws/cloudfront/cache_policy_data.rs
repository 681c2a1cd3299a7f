//! Data source `aws_cloudfront_cache_policy`: a cache policy by `id`, or by `name` among the
//! managed ones (`Managed-CachingOptimized`, `Managed-CachingDisabled`, ...) and the account's
//! own, as the provider finds it.

use super::cache_policy::{list, to_state, NOT_FOUND};
use super::policies::{arn, pick_id};
use crate::provider::aws::common::{absent_on, aws_err};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudfront_cache_policy` data source.
pub struct CachePolicyData {
    c: Arc<Clients>,
    schema: Schema,
}

impl CachePolicyData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CachePolicyData {
        let schema = data_source("aws_cloudfront_cache_policy")
            .args(&["id", "name"])
            .rule(Rule::ExactlyOne(&["id", "name"]))
            .build();
        CachePolicyData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for CachePolicyData {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_cache_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let listed = if config.get("id").is_null() {
            list(&self.c, None).await?
        } else {
            Vec::new()
        };
        let id = pick_id(config, "cache policy", &listed)?;
        let r = self
            .c
            .cloudfront
            .get_cache_policy()
            .id(&id)
            .send()
            .await
            .map_err(aws_err);
        let out = absent_on(r, NOT_FOUND)?
            .ok_or_else(|| ProviderError::msg(format!("no CloudFront cache policy with id {id}")))?;
        let policy = out
            .cache_policy()
            .ok_or_else(|| ProviderError::msg(format!("CloudFront answered no cache policy for {id}")))?;
        let arn = arn(&self.c, "cache-policy", &id).await?;
        Ok(to_state(policy, out.e_tag(), &arn))
    }
}
