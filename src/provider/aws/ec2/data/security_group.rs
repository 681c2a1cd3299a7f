//! Data source `aws_security_group`: one security group, by id, name, VPC, tags or filters.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, ec2_arn, opt_str};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_security_group` data source.
pub struct SecurityGroupData {
    c: Arc<Clients>,
    schema: Schema,
}

impl SecurityGroupData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SecurityGroupData {
        let schema = data_source("aws_security_group")
            .args(&["id", "name", "vpc_id", "tags", "filter"])
            .read_timeout(20)
            .build();
        SecurityGroupData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for SecurityGroupData {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self
            .c
            .ec2
            .describe_security_groups()
            .set_filters(Some(filters(config, &[("name", "group-name"), ("vpc_id", "vpc-id")])));
        if let Some(id) = opt_str(config, "id") {
            req = req.group_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let g = exactly_one(
            out.security_groups().to_vec(),
            "EC2 Security Group",
            "EC2 Security Groups",
        )?;
        let id = g.group_id().unwrap_or_default().to_string();
        let owner = g.owner_id().unwrap_or_default().to_string();
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&id)),
                ("arn", ec2_arn(&self.c.region, &owner, "security-group", &id)),
                ("name", Value::from(g.group_name())),
                ("description", Value::from(g.description())),
                ("vpc_id", Value::from(g.vpc_id())),
                ("tags", read_tags(g.tags())),
            ]),
        ))
    }
}
