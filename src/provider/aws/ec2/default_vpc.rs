//! `aws_default_vpc`: the region's default VPC, adopted rather than created.
//!
//! As the provider does: "create" takes over the default VPC (making one with CreateDefaultVpc
//! only when the region has none, and saying which in `existing_default_vpc`), sets its DNS
//! settings, IPv6 block and tags to what the blueprint says (tags it has but the blueprint does
//! not are removed), and from then on manages it as `aws_vpc`. "Destroy" leaves it in AWS and
//! only forgets it, unless `force_destroy` is set. A run killed part way through simply adopts
//! it again: the region has one default VPC, so no tags are needed to find it, and none of
//! infractl's are written onto an object that outlives the stack.

use super::update_tags;
use super::vpc::{declare_ipv6, delete_vpc, read_vpc, set_attributes, sync_ipv6, update_vpc, wait_available};
use crate::provider::aws::common::{aws_err, must_exist, opt_bool};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use std::sync::Arc;

/// The `aws_default_vpc` resource type.
pub struct DefaultVpc {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultVpc {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DefaultVpc {
        let schema = resource("aws_default_vpc")
            .arg("enable_dns_support")
            .default(true)
            .arg("enable_dns_hostnames")
            .default(true)
            .arg("assign_generated_ipv6_cidr_block")
            .default(false)
            .arg("force_destroy")
            .default(false)
            .args(&["enable_network_address_usage_metrics", "tags"]);
        let schema = declare_ipv6(schema).build();
        DefaultVpc { c, schema }
    }

    /// The region's default VPC, if it has one.
    async fn find_default(&self) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_vpcs()
            .filters(Filter::builder().name("isDefault").values("true").build())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .vpcs()
            .iter()
            .find(|v| v.is_default() == Some(true))
            .and_then(|v| v.vpc_id())
            .map(str::to_string))
    }

    /// The VPC as read, with what only state knows (`existing_default_vpc`, `force_destroy`).
    async fn value(&self, id: &str, prior: &Value, existing: Value, force_destroy: Value) -> PResult<Option<Value>> {
        let Some(mut v) = read_vpc(&self.c, id, prior).await? else {
            return Ok(None);
        };
        if let Value::Object(m) = &mut v {
            // What aws_vpc has and the default VPC's schema does not.
            m.shift_remove("ipv4_ipam_pool_id");
            m.shift_remove("ipv4_netmask_length");
            m.insert("existing_default_vpc".into(), existing);
            m.insert("force_destroy".into(), force_destroy);
        }
        Ok(Some(v))
    }
}

#[async_trait]
impl ResourceType for DefaultVpc {
    fn type_name(&self) -> &'static str {
        "aws_default_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (id, existing) = match self.find_default().await? {
            Some(id) => (id, true),
            None => {
                let out = self.c.ec2.create_default_vpc().send().await.map_err(aws_err)?;
                let id = out
                    .vpc()
                    .and_then(|v| v.vpc_id())
                    .ok_or_else(|| ProviderError::msg("CreateDefaultVpc returned no VPC id"))?
                    .to_string();
                wait_available(&self.c, &id).await?;
                (id, false)
            }
        };
        let current = must_exist(read_vpc(&self.c, &id, &Value::Null).await?, "default VPC", &id)?;
        set_attributes(&self.c, &id, &current, planned).await?;
        sync_ipv6(&self.c, &id, &current, planned).await?;
        update_tags(&self.c.ec2, &id, &current, planned).await?;
        let force = Value::Bool(opt_bool(planned, "force_destroy") == Some(true));
        must_exist(
            self.value(&id, planned, Value::Bool(existing), force).await?,
            "default VPC",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let force = Value::Bool(opt_bool(prior, "force_destroy") == Some(true));
        // An import finds what was there before infractl, as the provider's import says.
        let existing = match prior.get("existing_default_vpc") {
            Value::Bool(b) => Value::Bool(*b),
            _ => Value::Bool(true),
        };
        self.value(id, prior, existing, force).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_vpc(&self.c, id, prior, planned).await?;
        let force = Value::Bool(opt_bool(planned, "force_destroy") == Some(true));
        let existing = prior.get("existing_default_vpc").clone();
        must_exist(self.value(id, planned, existing, force).await?, "default VPC", id)
    }

    /// Leaves the default VPC in AWS (state forgets it), unless `force_destroy` is set.
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "force_destroy") == Some(true) {
            return delete_vpc(&self.c, id).await;
        }
        tracing::warn!("default VPC {id} is left in AWS and removed from state");
        Ok(())
    }
}
