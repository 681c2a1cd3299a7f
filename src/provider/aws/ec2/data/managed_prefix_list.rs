//! Data source `aws_ec2_managed_prefix_list`: one prefix list, by id, name or filters — most
//! often one AWS manages (`com.amazonaws.REGION.s3`), whose CIDRs network ACLs and routes need.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::ec2::managed_prefix_list::entries;
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ec2_managed_prefix_list` data source.
pub struct ManagedPrefixListData {
    c: Arc<Clients>,
    schema: Schema,
}

impl ManagedPrefixListData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ManagedPrefixListData {
        let schema = data_source("aws_ec2_managed_prefix_list")
            .args(&["id", "name", "filter"])
            .read_timeout(20)
            .build();
        ManagedPrefixListData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for ManagedPrefixListData {
    fn type_name(&self) -> &'static str {
        "aws_ec2_managed_prefix_list"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self
            .c
            .ec2
            .describe_managed_prefix_lists()
            .set_filters(Some(filters(config, &[("name", "prefix-list-name")])));
        if let Some(id) = opt_str(config, "id") {
            req = req.prefix_list_ids(id);
        }
        let out = req.send().await.map_err(aws_err)?;
        let p = exactly_one(
            out.prefix_lists().to_vec(),
            "EC2 Managed Prefix List",
            "EC2 Managed Prefix Lists",
        )?;
        let id = p.prefix_list_id().unwrap_or_default().to_string();
        let listed = entries(&self.c.ec2, &id).await?;
        let s = |v: Option<&str>| v.map(Value::str).unwrap_or(Value::Null);
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&id)),
                ("arn", s(p.prefix_list_arn())),
                ("name", s(p.prefix_list_name())),
                ("address_family", s(p.address_family())),
                (
                    "max_entries",
                    p.max_entries().map(|n| Value::from(n as i64)).unwrap_or(Value::Null),
                ),
                ("owner_id", s(p.owner_id())),
                ("version", p.version().map(Value::from).unwrap_or(Value::Null)),
                (
                    "entries",
                    Value::List(
                        listed
                            .into_iter()
                            .map(|(cidr, description)| {
                                Value::object([("cidr", Value::str(cidr)), ("description", Value::str(description))])
                            })
                            .collect(),
                    ),
                ),
                ("tags", read_tags(p.tags())),
            ]),
        ))
    }
}
