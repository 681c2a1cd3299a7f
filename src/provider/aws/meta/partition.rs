//! Data source `aws_partition`: the partition of the provider's region, which ARNs and service
//! principals are built from (public modules read it everywhere). Derived from the region
//! name, as the provider's endpoint data does; no call is needed.

use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_partition` data source.
pub struct Partition {
    c: Arc<Clients>,
    schema: Schema,
}

impl Partition {
    /// Creates the type with its clients (for the region).
    pub fn new(c: Arc<Clients>) -> Partition {
        let schema = data_source("aws_partition").args(&[]).build();
        Partition { c, schema }
    }
}

/// Partition name, DNS suffix and reverse DNS prefix of a region, by its prefix (AWS's
/// partitions: commercial, China, GovCloud and the isolated ones).
pub fn of_region(region: &str) -> (&'static str, &'static str, &'static str) {
    const PARTITIONS: &[(&str, &str, &str, &str)] = &[
        ("cn-", "aws-cn", "amazonaws.com.cn", "cn.com.amazonaws"),
        ("us-gov-", "aws-us-gov", "amazonaws.com", "com.amazonaws"),
        ("us-isob-", "aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s"),
        ("us-isof-", "aws-iso-f", "csp.hci.ic.gov", "gov.ic.hci.csp"),
        ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk", "uk.adc-e.cloud"),
        ("us-iso-", "aws-iso", "c2s.ic.gov", "gov.ic.c2s"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, ..)| region.starts_with(prefix))
        .map(|&(_, name, suffix, reverse)| (name, suffix, reverse))
        .unwrap_or(("aws", "amazonaws.com", "com.amazonaws"))
}

#[async_trait]
impl DataSourceType for Partition {
    fn type_name(&self) -> &'static str {
        "aws_partition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, _config: &Value) -> PResult<Value> {
        let (name, suffix, reverse) = of_region(&self.c.region);
        Ok(Value::object([
            ("id", Value::str(name)),
            ("partition", Value::str(name)),
            ("dns_suffix", Value::str(suffix)),
            ("reverse_dns_prefix", Value::str(reverse)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::of_region;

    #[test]
    fn partitions_follow_the_region_prefix() {
        assert_eq!(of_region("eu-west-1"), ("aws", "amazonaws.com", "com.amazonaws"));
        assert_eq!(of_region("cn-north-1").0, "aws-cn");
        assert_eq!(of_region("us-gov-west-1").0, "aws-us-gov");
        assert_eq!(of_region("us-iso-east-1").0, "aws-iso");
        assert_eq!(of_region("us-isob-east-1").0, "aws-iso-b");
    }
}
