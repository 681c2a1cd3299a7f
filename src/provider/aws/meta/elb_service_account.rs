//! Data source `aws_elb_service_account`: the AWS account Elastic Load Balancing writes access
//! logs from in a region, for bucket policies. A table, as the provider has it (5.100: regions
//! opened after 2022 take a service principal instead and are refused, as there); no call.

use crate::provider::aws::common::opt_str;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The provider's table (hashicorp/aws 5.100), region to account.
const ACCOUNTS: &[(&str, &str)] = &[
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-northeast-1", "582318560864"),
    ("ap-northeast-2", "600734575887"),
    ("ap-northeast-3", "383597477331"),
    ("ap-south-1", "718504428378"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-southeast-3", "589379963580"),
    ("ca-central-1", "985666609251"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
    ("eu-central-1", "054676820928"),
    ("eu-north-1", "897822967062"),
    ("eu-south-1", "635631232127"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-west-3", "009996457667"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-gov-east-1", "190560391635"),
    ("us-gov-west-1", "048591011584"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
];

/// The ELB account of a region, when the table has one.
pub fn account_of(region: &str) -> Option<&'static str> {
    ACCOUNTS.iter().find(|(r, _)| *r == region).map(|(_, a)| *a)
}

/// The `aws_elb_service_account` data source.
pub struct ElbServiceAccount {
    c: Arc<Clients>,
    schema: Schema,
}

impl ElbServiceAccount {
    /// Creates the type with its clients (for the provider's region).
    pub fn new(c: Arc<Clients>) -> ElbServiceAccount {
        let schema = data_source("aws_elb_service_account").args(&["region"]).build();
        ElbServiceAccount { c, schema }
    }
}

#[async_trait]
impl DataSourceType for ElbServiceAccount {
    fn type_name(&self) -> &'static str {
        "aws_elb_service_account"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let region = opt_str(config, "region").unwrap_or_else(|| self.c.region.clone());
        let account =
            account_of(&region).ok_or_else(|| ProviderError::msg(format!("unsupported AWS Region: {region}")))?;
        // The ARN's partition is the provider's, whichever region was asked about.
        let (partition, ..) = super::partition::of_region(&self.c.region);
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(account)),
                ("arn", Value::str(format!("arn:{partition}:iam::{account}:root"))),
            ]),
        ))
    }
}
