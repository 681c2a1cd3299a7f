//! Data source `aws_prefix_list`: the CIDRs of an AWS service's prefix list (`com.amazonaws.REGION.s3`,
//! `...dynamodb`), by id, name or filters. Older than `aws_ec2_managed_prefix_list` and still
//! what modules use for security group rules towards a gateway endpoint's service; it reads
//! DescribePrefixLists, as the provider does.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_prefix_list` data source.
pub struct PrefixListData {
    c: Arc<Clients>,
    schema: Schema,
}

impl PrefixListData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PrefixListData {
        let schema = data_source("aws_prefix_list")
            .args(&["prefix_list_id", "name", "filter"])
            .read_timeout(20)
            .build();
        PrefixListData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for PrefixListData {
    fn type_name(&self) -> &'static str {
        "aws_prefix_list"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self
            .c
            .ec2
            .describe_prefix_lists()
            .set_filters(Some(filters(config, &[("name", "prefix-list-name")])));
        if let Some(id) = opt_str(config, "prefix_list_id") {
            req = req.prefix_list_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let p = exactly_one(out.prefix_lists().to_vec(), "EC2 Prefix List", "EC2 Prefix Lists")?;
        let s = |v: Option<&str>| v.map(Value::str).unwrap_or(Value::Null);
        Ok(with_results(
            config,
            Value::object([
                ("id", s(p.prefix_list_id())),
                ("name", s(p.prefix_list_name())),
                ("cidr_blocks", Value::List(p.cidrs().iter().map(Value::str).collect())),
            ]),
        ))
    }
}
