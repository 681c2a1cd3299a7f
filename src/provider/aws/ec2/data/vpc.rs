//! Data source `aws_vpc`: one VPC, by id, attributes, tags or filters (`default = true` finds
//! the region's default VPC).

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, ec2_arn, opt_str};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::VpcCidrBlockStateCode;
use std::sync::Arc;

/// The `aws_vpc` data source.
pub struct VpcData {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcData {
        let schema = data_source("aws_vpc")
            .args(&[
                "id",
                "cidr_block",
                "default",
                "dhcp_options_id",
                "state",
                "tags",
                "filter",
            ])
            .read_timeout(20)
            .build();
        VpcData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for VpcData {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self.c.ec2.describe_vpcs().set_filters(Some(filters(
            config,
            &[
                ("cidr_block", "cidr"),
                ("dhcp_options_id", "dhcp-options-id"),
                ("default", "isDefault"),
                ("state", "state"),
            ],
        )));
        if let Some(id) = opt_str(config, "id") {
            req = req.vpc_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let vpc = exactly_one(out.vpcs().to_vec(), "EC2 VPC", "EC2 VPCs")?;
        let id = vpc.vpc_id().unwrap_or_default().to_string();
        // The attributes, main route table and default objects as `aws_vpc` reads them.
        let full = crate::provider::aws::ec2::vpc::read_vpc(&self.c, &id, &Value::Null)
            .await?
            .unwrap_or(Value::Null);
        let owner = vpc.owner_id().unwrap_or_default().to_string();
        let ipv6 = vpc
            .ipv6_cidr_block_association_set()
            .iter()
            .find(|a| a.ipv6_cidr_block_state().and_then(|s| s.state()) == Some(&VpcCidrBlockStateCode::Associated));
        let s = |v: Option<&str>| Value::from(v);
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&id)),
                ("arn", ec2_arn(&self.c.region, &owner, "vpc", &id)),
                ("cidr_block", s(vpc.cidr_block())),
                (
                    "cidr_block_associations",
                    Value::List(
                        vpc.cidr_block_association_set()
                            .iter()
                            .map(|a| {
                                Value::object([
                                    ("association_id", s(a.association_id())),
                                    ("cidr_block", s(a.cidr_block())),
                                    (
                                        "state",
                                        Value::from(
                                            a.cidr_block_state()
                                                .and_then(|x| x.state())
                                                .map(|x| x.as_str().to_string()),
                                        ),
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
                ("default", Value::Bool(vpc.is_default() == Some(true))),
                ("dhcp_options_id", s(vpc.dhcp_options_id())),
                ("enable_dns_hostnames", full.get("enable_dns_hostnames").clone()),
                ("enable_dns_support", full.get("enable_dns_support").clone()),
                (
                    "enable_network_address_usage_metrics",
                    full.get("enable_network_address_usage_metrics").clone(),
                ),
                (
                    "instance_tenancy",
                    Value::from(vpc.instance_tenancy().map(|t| t.as_str().to_string())),
                ),
                ("ipv6_association_id", s(ipv6.and_then(|a| a.association_id()))),
                ("ipv6_cidr_block", s(ipv6.and_then(|a| a.ipv6_cidr_block()))),
                ("main_route_table_id", full.get("main_route_table_id").clone()),
                ("owner_id", Value::str(owner)),
                ("state", Value::from(vpc.state().map(|x| x.as_str().to_string()))),
                ("tags", read_tags(vpc.tags())),
            ]),
        ))
    }
}
