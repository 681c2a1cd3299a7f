//! `aws_vpc_dhcp_options`: a DHCP options set (domain name, name, NTP and NetBIOS servers).
//!
//! Every option forces a new set (AWS cannot change one); deleting a set first moves the VPCs
//! still using it back to AWS's `default` options, as the provider does.

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, list_value, must_exist, ok_on, opt_str, retry_while, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{DhcpOptions as Ec2DhcpOptions, Filter, NewDhcpConfiguration, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// Each argument with the DHCP configuration key AWS stores it under, and whether it is a list.
const OPTIONS: &[(&str, &str, bool)] = &[
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ntp_servers", "ntp-servers", true),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    (
        "ipv6_address_preferred_lease_time",
        "ipv6-address-preferred-lease-time",
        false,
    ),
];

/// The `aws_vpc_dhcp_options` resource type.
pub struct VpcDhcpOptions {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcDhcpOptions {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcDhcpOptions {
        let mut schema = resource("aws_vpc_dhcp_options");
        for (name, _, _) in OPTIONS {
            schema = schema.arg(name).force_new();
        }
        // The provider checks none of them before the call (modules pass "" for "not set").
        let schema = schema.args(&["tags"]).build();
        VpcDhcpOptions { c, schema }
    }
}

/// The options set as state keeps it (shared by single and bulk reads).
fn options_value(region: &str, id: &str, o: &Ec2DhcpOptions, prior: &Value) -> Value {
    let values = |key: &str| -> Vec<String> {
        o.dhcp_configurations()
            .iter()
            .filter(|c| c.key() == Some(key))
            .flat_map(|c| c.values().iter().filter_map(|v| v.value()).map(str::to_string))
            .collect()
    };
    let owner = o.owner_id().unwrap_or_default().to_string();
    let mut m = indexmap::IndexMap::new();
    m.insert("id".to_string(), Value::str(id));
    for (name, key, list) in OPTIONS {
        let found = values(key);
        let v = match (list, found.is_empty()) {
            (_, true) => Value::Null,
            (true, false) => list_value(found),
            (false, false) => Value::str(found.join(" ")),
        };
        m.insert(name.to_string(), v);
    }
    m.insert("tags".into(), configured_tags(prior));
    m.insert("tags_all".into(), read_tags(o.tags()));
    m.insert("arn".into(), ec2_arn(region, &owner, "dhcp-options", id));
    m.insert("owner_id".into(), Value::str(owner));
    Value::Object(m)
}

#[async_trait]
impl ResourceType for VpcDhcpOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let configurations: Vec<NewDhcpConfiguration> = OPTIONS
            .iter()
            .filter_map(|(name, key, list)| {
                let values = if *list {
                    str_list(planned, name)
                } else {
                    opt_str(planned, name).into_iter().collect()
                };
                (!values.is_empty()).then(|| {
                    NewDhcpConfiguration::builder()
                        .key(*key)
                        .set_values(Some(values))
                        .build()
                })
            })
            .collect();
        let out = self
            .c
            .ec2
            .create_dhcp_options()
            .set_dhcp_configurations(Some(configurations))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::DhcpOptions))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .dhcp_options()
            .and_then(|o| o.dhcp_options_id())
            .ok_or_else(|| ProviderError::msg("CreateDhcpOptions returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "DHCP options", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_dhcp_options()
                .dhcp_options_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidDhcpOptionID.NotFound", "InvalidDhcpOptionsID.NotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.dhcp_options()
                .iter()
                .find(|d| d.dhcp_options_id() == Some(id))
                .map(|d| options_value(&self.c.region, id, d, prior))
        }))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe =
            |filter| async move { Ok(describe_all!(self.c.ec2.describe_dhcp_options(), filter, dhcp_options)) };
        let region = self.c.region.clone();
        let value = move |id: &str, o: &Ec2DhcpOptions, prior: &Value| options_value(&region, id, o, prior);
        read_many_by_id(
            items,
            "dhcp-options-id",
            describe,
            |o: &Ec2DhcpOptions| o.dhcp_options_id(),
            value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "DHCP options", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let users = self
            .c
            .ec2
            .describe_vpcs()
            .filters(Filter::builder().name("dhcp-options-id").values(id).build())
            .send()
            .await
            .map_err(aws_err)?;
        for vpc in users.vpcs().iter().filter_map(|v| v.vpc_id()) {
            self.c
                .ec2
                .associate_dhcp_options()
                .dhcp_options_id("default")
                .vpc_id(vpc)
                .send()
                .await
                .map_err(aws_err)?;
        }
        let r = retry_while(&["DependencyViolation"], Duration::from_secs(120), || async {
            self.c
                .ec2
                .delete_dhcp_options()
                .dhcp_options_id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidDhcpOptionID.NotFound", "InvalidDhcpOptionsID.NotFound"])
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_dhcp_options(), ctx, dhcp_options);
        Ok(found.first().and_then(|o| o.dhcp_options_id()).map(str::to_string))
    }
}
