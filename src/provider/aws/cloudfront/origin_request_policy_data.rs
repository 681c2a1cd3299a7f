//! Data source `aws_cloudfront_origin_request_policy`: an origin request policy by `id`, or by
//! `name` among the managed ones (`Managed-CORS-S3Origin`, `Managed-AllViewerExceptHostHeader`,
//! ...) and the account's own.

use super::origin_request_policy::{get, list, to_state};
use super::policies::{arn, pick_id};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudfront_origin_request_policy` data source.
pub struct OriginRequestPolicyData {
    c: Arc<Clients>,
    schema: Schema,
}

impl OriginRequestPolicyData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OriginRequestPolicyData {
        let schema = data_source("aws_cloudfront_origin_request_policy")
            .args(&["id", "name"])
            .rule(Rule::ExactlyOne(&["id", "name"]))
            .build();
        OriginRequestPolicyData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for OriginRequestPolicyData {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_origin_request_policy"
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
        let id = pick_id(config, "origin request policy", &listed)?;
        let (policy, e) = get(&self.c, &id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("no CloudFront origin request policy with id {id}")))?;
        let arn = arn(&self.c, "origin-request-policy", &id).await?;
        Ok(to_state(&policy, e.as_deref(), &arn))
    }
}
