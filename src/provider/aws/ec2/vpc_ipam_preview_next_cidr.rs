//! `aws_vpc_ipam_preview_next_cidr`: the CIDR an IPAM pool would allocate next, asked once at
//! create (AllocateIpamPoolCidr with PreviewNextCidr, which allocates nothing) and kept: later
//! reads only decode the id (`CIDR_POOLID`), and delete does nothing, as in the provider. So a
//! blueprint can plan subnets inside the block a VPC will get from the pool.

use crate::provider::aws::common::{aws_err, must_exist, opt_i32, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, ipv4_cidr_network};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpc_ipam_preview_next_cidr` resource type.
pub struct IpamPreviewNextCidr {
    c: Arc<Clients>,
    schema: Schema,
}

impl IpamPreviewNextCidr {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> IpamPreviewNextCidr {
        let schema = resource("aws_vpc_ipam_preview_next_cidr")
            .arg("ipam_pool_id")
            .force_new()
            .arg("netmask_length")
            .force_new()
            .check(int_between(0, 32))
            .arg("disallowed_cidrs")
            .force_new()
            .check(ipv4_cidr_network())
            .build();
        IpamPreviewNextCidr { c, schema }
    }
}

#[async_trait]
impl ResourceType for IpamPreviewNextCidr {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipam_preview_next_cidr"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "ipam_pool_id")?;
        let disallowed = str_list(planned, "disallowed_cidrs");
        let out = self
            .c
            .ec2
            .allocate_ipam_pool_cidr()
            .ipam_pool_id(&pool)
            .preview_next_cidr(true)
            .set_netmask_length(opt_i32(planned, "netmask_length").filter(|n| *n != 0))
            .set_disallowed_cidrs((!disallowed.is_empty()).then_some(disallowed))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let cidr = out
            .ipam_pool_allocation()
            .and_then(|a| a.cidr())
            .ok_or_else(|| ProviderError::msg(format!("allocating from IPAM pool ({pool}): empty response")))?;
        let id = format!("{cidr}_{pool}");
        must_exist(self.read(ctx, &id, planned).await?, "IPAM CIDR preview", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(
                "aws_vpc_ipam_preview_next_cidr cannot be imported (the AWS provider has no import for it either)",
            ));
        }
        let Some((cidr, pool)) = id.split_once('_').filter(|(c, p)| !c.is_empty() && !p.is_empty()) else {
            return Err(ProviderError::msg(format!(
                "expected ID in the form of uniqueValue_poolId, given: {id:?}"
            )));
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("cidr", Value::str(cidr)),
            ("disallowed_cidrs", prior.get("disallowed_cidrs").clone()),
            ("ipam_pool_id", Value::str(pool)),
            ("netmask_length", prior.get("netmask_length").clone()),
        ])))
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, _planned: &Value) -> PResult<Value> {
        Err(ProviderError::msg(format!(
            "IPAM CIDR preview {id} cannot change in place; every argument forces a new one"
        )))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
