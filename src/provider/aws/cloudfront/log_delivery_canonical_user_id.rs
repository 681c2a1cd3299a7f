//! Data source `aws_cloudfront_log_delivery_canonical_user_id`: the canonical user CloudFront
//! writes standard logs to S3 as, for a log bucket's ACL grant. Two constants, as the provider
//! has them (CloudFront's developer guide, "Bucket and file ownership"): one for the China
//! partition, one for every other; no call.

use crate::provider::aws::common::opt_str;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::meta::partition::of_region;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The log delivery canonical user outside China.
pub const DEFAULT_ID: &str = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0";

/// The log delivery canonical user in the China partition.
pub const CHINA_ID: &str = "a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56";

/// The canonical user id for a region: China's for the `aws-cn` partition.
pub fn canonical_user_id(region: &str) -> &'static str {
    match of_region(region).0 {
        "aws-cn" => CHINA_ID,
        _ => DEFAULT_ID,
    }
}

/// The `aws_cloudfront_log_delivery_canonical_user_id` data source.
pub struct LogDeliveryCanonicalUserId {
    c: Arc<Clients>,
    schema: Schema,
}

impl LogDeliveryCanonicalUserId {
    /// Creates the type with its clients (for the provider's region).
    pub fn new(c: Arc<Clients>) -> LogDeliveryCanonicalUserId {
        let schema = data_source("aws_cloudfront_log_delivery_canonical_user_id")
            .args(&["region"])
            .build();
        LogDeliveryCanonicalUserId { c, schema }
    }
}

#[async_trait]
impl DataSourceType for LogDeliveryCanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_log_delivery_canonical_user_id"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let region = opt_str(config, "region").unwrap_or_else(|| self.c.region.clone());
        Ok(with_results(
            config,
            Value::object([("id", Value::str(canonical_user_id(&region)))]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_has_its_own_log_delivery_user() {
        assert_eq!(canonical_user_id("us-east-1"), DEFAULT_ID);
        assert_eq!(canonical_user_id("us-gov-west-1"), DEFAULT_ID);
        assert_eq!(canonical_user_id("cn-north-1"), CHINA_ID);
        assert_eq!(canonical_user_id("cn-northwest-1"), CHINA_ID);
    }
}
