//! `aws_eip`: an Elastic IP address (VPC domain).

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_str, retry_while, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{DomainType, ResourceType as Kind};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_eip` resource type.
pub struct Eip {
    c: Arc<Clients>,
    schema: Schema,
}

impl Eip {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Eip {
        let schema = resource("aws_eip")
            .arg("domain")
            .force_new()
            .arg("vpc")
            .force_new()
            .arg("public_ipv4_pool")
            .force_new()
            .arg("network_border_group")
            .force_new()
            .args(&["tags"])
            .arg("domain")
            .check(one_of(&["vpc", "standard"]))
            .timeouts(0, 5, 3)
            .build();
        Eip { c, schema }
    }
}

#[async_trait]
impl ResourceType for Eip {
    fn type_name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .set_public_ipv4_pool(opt_str(planned, "public_ipv4_pool"))
            .set_network_border_group(opt_str(planned, "network_border_group"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::ElasticIp))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .allocation_id()
            .ok_or_else(|| ProviderError::msg("AllocateAddress returned no allocation id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "Elastic IP", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ec2
            .describe_addresses()
            .allocation_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["InvalidAllocationID.NotFound"])? else {
            return Ok(None);
        };
        let Some(a) = out.addresses().first() else {
            return Ok(None);
        };
        let ip = a.public_ip().unwrap_or_default().to_string();
        let owner = a.network_interface_owner_id().unwrap_or("123456789012").to_string();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("domain", Value::str("vpc")),
            ("vpc", Value::Bool(true)),
            ("public_ipv4_pool", Value::from(a.public_ipv4_pool())),
            ("network_border_group", prior.get("network_border_group").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(a.tags())),
            ("allocation_id", Value::str(id)),
            ("association_id", Value::from(a.association_id())),
            ("public_ip", Value::str(&ip)),
            ("private_ip", Value::from(a.private_ip_address())),
            (
                "public_dns",
                Value::str(format!("ec2-{}.compute.amazonaws.com", ip.replace('.', "-"))),
            ),
            ("network_interface", Value::from(a.network_interface_id())),
            (
                "arn",
                Value::str(format!("arn:aws:ec2:{}:{owner}:elastic-ip/{id}", self.c.region)),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Elastic IP", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // An address stays associated for a while after its NAT gateway is deleted (the
        // provider waits its delete timeout, 3 minutes by default, for that).
        let r = retry_while(
            &["InvalidIPAddress.InUse", "AuthFailure"],
            op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(180)),
            || async {
                self.c
                    .ec2
                    .release_address()
                    .allocation_id(id)
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await;
        absent_on(r, &["InvalidAllocationID.NotFound"]).map(|_| ())
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_addresses()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .addresses()
            .iter()
            .find(|a| owned(a.tags(), ctx))
            .and_then(|a| a.allocation_id())
            .map(str::to_string))
    }
}
