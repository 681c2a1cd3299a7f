//! Data source `aws_network_interface`: one elastic network interface, by id, tags or filters,
//! with its addresses, groups, attachment and public address association.

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

/// The `aws_network_interface` data source.
pub struct NetworkInterfaceData {
    c: Arc<Clients>,
    schema: Schema,
}

impl NetworkInterfaceData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkInterfaceData {
        let schema = data_source("aws_network_interface")
            .args(&["id", "tags", "filter"])
            .read_timeout(20)
            .build();
        NetworkInterfaceData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for NetworkInterfaceData {
    fn type_name(&self) -> &'static str {
        "aws_network_interface"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .describe_network_interfaces()
            .set_network_interface_ids(opt_str(config, "id").map(|id| vec![id]))
            .set_filters(Some(filters(config, &[])).filter(|f| !f.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        let n = exactly_one(
            out.network_interfaces().to_vec(),
            "EC2 Network Interface",
            "EC2 Network Interfaces",
        )?;
        let id = n.network_interface_id().unwrap_or_default().to_string();
        let owner = n.owner_id().unwrap_or_default().to_string();
        let s = |v: Option<&str>| Value::from(v);
        let strings = |items: Vec<&str>| Value::List(items.into_iter().map(Value::str).collect());
        let association = n.association().map(|a| {
            Value::object([
                ("allocation_id", s(a.allocation_id())),
                ("association_id", s(a.association_id())),
                ("carrier_ip", s(a.carrier_ip())),
                ("customer_owned_ip", s(a.customer_owned_ip())),
                ("ip_owner_id", s(a.ip_owner_id())),
                ("public_dns_name", s(a.public_dns_name())),
                ("public_ip", s(a.public_ip())),
            ])
        });
        let attachment = n.attachment().map(|a| {
            Value::object([
                ("attachment_id", s(a.attachment_id())),
                ("device_index", Value::from(a.device_index().map(i64::from))),
                ("instance_id", s(a.instance_id())),
                ("instance_owner_id", s(a.instance_owner_id())),
            ])
        });
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(&id)),
                ("arn", ec2_arn(&self.c.region, &owner, "network-interface", &id)),
                ("association", Value::List(association.into_iter().collect())),
                ("attachment", Value::List(attachment.into_iter().collect())),
                ("availability_zone", s(n.availability_zone())),
                ("description", s(n.description())),
                ("interface_type", s(n.interface_type().map(|t| t.as_str()))),
                (
                    "ipv6_addresses",
                    strings(n.ipv6_addresses().iter().filter_map(|a| a.ipv6_address()).collect()),
                ),
                ("mac_address", s(n.mac_address())),
                ("outpost_arn", s(n.outpost_arn())),
                ("owner_id", Value::str(&owner)),
                ("private_dns_name", s(n.private_dns_name())),
                ("private_ip", s(n.private_ip_address())),
                (
                    "private_ips",
                    strings(
                        n.private_ip_addresses()
                            .iter()
                            .filter_map(|a| a.private_ip_address())
                            .collect(),
                    ),
                ),
                ("requester_id", s(n.requester_id())),
                (
                    "security_groups",
                    strings(n.groups().iter().filter_map(|g| g.group_id()).collect()),
                ),
                ("subnet_id", s(n.subnet_id())),
                ("vpc_id", s(n.vpc_id())),
                ("tags", read_tags(n.tag_set())),
            ]),
        ))
    }
}
