//! Data source `aws_subnet`: one subnet, by id, attributes, tags or filters.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::ec2::subnet::subnet_value;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_subnet` data source.
pub struct SubnetData {
    c: Arc<Clients>,
    schema: Schema,
}

impl SubnetData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> SubnetData {
        let schema = data_source("aws_subnet")
            .args(&[
                "id",
                "availability_zone",
                "availability_zone_id",
                "cidr_block",
                "default_for_az",
                "ipv6_cidr_block",
                "state",
                "vpc_id",
                "tags",
                "filter",
            ])
            .read_timeout(20)
            .build();
        SubnetData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for SubnetData {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self.c.ec2.describe_subnets().set_filters(Some(filters(
            config,
            &[
                ("availability_zone", "availabilityZone"),
                ("availability_zone_id", "availabilityZoneId"),
                ("cidr_block", "cidrBlock"),
                ("default_for_az", "defaultForAz"),
                ("ipv6_cidr_block", "ipv6-cidr-block-association.ipv6-cidr-block"),
                ("state", "state"),
                ("vpc_id", "vpc-id"),
            ],
        )));
        if let Some(id) = opt_str(config, "id") {
            req = req.subnet_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let s = exactly_one(out.subnets().to_vec(), "EC2 Subnet", "EC2 Subnets")?;
        let id = s.subnet_id().unwrap_or_default().to_string();
        // What `aws_subnet` reads, less its configuration-only `tags`, plus what only the
        // data source has.
        let mut read = subnet_value(&id, &s, &Value::Null);
        if let Value::Object(m) = &mut read {
            let tags = m.shift_remove("tags_all").unwrap_or(Value::Null);
            m.insert("tags".into(), tags);
            m.insert(
                "available_ip_address_count".into(),
                Value::from(s.available_ip_address_count().map(i64::from)),
            );
            m.insert("default_for_az".into(), Value::Bool(s.default_for_az() == Some(true)));
            m.insert("state".into(), Value::from(s.state().map(|x| x.as_str().to_string())));
        }
        Ok(with_results(config, read))
    }
}
