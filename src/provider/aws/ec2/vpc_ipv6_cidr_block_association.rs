//! `aws_vpc_ipv6_cidr_block_association`: an additional IPv6 block of a VPC (Amazon-provided,
//! from an IPv6 pool, or from an IPAM pool).
//!
//! Associations carry no tags; a given block is their identity within the VPC, so a killed
//! run's association of the planned block is found again and adopted.

use super::cidr_association::{associate_block, block_association, disassociate_block, find_block, Family};
use crate::provider::aws::common::{must_exist, op_timeout, opt_bool, opt_str, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{int_in, ipv6_cidr_network, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The pool AWS reports for Amazon-provided blocks.
const AMAZON_POOL: &str = "Amazon";
/// The pool AWS reports for blocks allocated from an IPAM pool.
const IPAM_POOL: &str = "IPAM Managed";

/// The `aws_vpc_ipv6_cidr_block_association` resource type.
pub struct VpcIpv6CidrBlockAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcIpv6CidrBlockAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcIpv6CidrBlockAssociation {
        let schema = resource("aws_vpc_ipv6_cidr_block_association")
            .arg("vpc_id")
            .force_new()
            .arg("assign_generated_ipv6_cidr_block")
            .force_new()
            .arg("ipv6_cidr_block")
            .force_new()
            .check(ipv6_cidr_network())
            .arg("ipv6_ipam_pool_id")
            .force_new()
            .arg("ipv6_netmask_length")
            .force_new()
            .check(int_in(&[44, 48, 52, 56, 60]))
            .arg("ipv6_pool")
            .force_new()
            .rule(Rule::Conflicts(&[
                "assign_generated_ipv6_cidr_block",
                "ipv6_ipam_pool_id",
                "ipv6_pool",
            ]))
            .rule(Rule::Conflicts(&["ipv6_cidr_block", "ipv6_netmask_length"]))
            .rule(Rule::RequiredWith("ipv6_netmask_length", &["ipv6_ipam_pool_id"]))
            .rule(Rule::AtLeastOne(&[
                "assign_generated_ipv6_cidr_block",
                "ipv6_ipam_pool_id",
                "ipv6_pool",
            ]))
            .timeouts(10, 0, 10)
            .build();
        VpcIpv6CidrBlockAssociation { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpcIpv6CidrBlockAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipv6_cidr_block_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let vpc = opt_str(planned, "vpc_id").unwrap_or_default();
        let amazon = opt_bool(planned, "assign_generated_ipv6_cidr_block") == Some(true);
        let req = self
            .c
            .ec2
            .associate_vpc_cidr_block()
            .vpc_id(&vpc)
            .set_amazon_provided_ipv6_cidr_block(amazon.then_some(true))
            .set_ipv6_cidr_block(opt_str(planned, "ipv6_cidr_block"))
            .set_ipv6_ipam_pool_id(opt_str(planned, "ipv6_ipam_pool_id"))
            .set_ipv6_netmask_length(planned.get("ipv6_netmask_length").as_number().map(|n| n as i32))
            .set_ipv6_pool(opt_str(planned, "ipv6_pool"));
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        let id = associate_block(&self.c, Family::V6, &vpc, req, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC IPv6 block association", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((vpc, block)) = block_association(&self.c, Family::V6, id).await? else {
            return Ok(None);
        };
        let pool = block.pool.clone().unwrap_or_default();
        let amazon = pool == AMAZON_POOL;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("vpc_id", Value::str(vpc)),
            ("assign_generated_ipv6_cidr_block", Value::Bool(amazon)),
            ("ipv6_cidr_block", Value::from(block.cidr)),
            (
                "ipv6_pool",
                if amazon || pool == IPAM_POOL || pool.is_empty() {
                    Value::Null
                } else {
                    Value::str(pool.clone())
                },
            ),
            (
                "ipv6_ipam_pool_id",
                if pool == IPAM_POOL {
                    prior.get("ipv6_ipam_pool_id").clone()
                } else {
                    Value::Null
                },
            ),
            ("ipv6_netmask_length", prior.get("ipv6_netmask_length").clone()),
            ("ip_source", Value::from(block.ip_source)),
            ("ipv6_address_attribute", Value::from(block.address_attribute)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "VPC IPv6 block association", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        disassociate_block(&self.c, Family::V6, id, timeout).await
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(vpc), Some(cidr)) = (opt_str(planned, "vpc_id"), opt_str(planned, "ipv6_cidr_block")) else {
            return Ok(None);
        };
        find_block(&self.c, Family::V6, &vpc, &cidr).await
    }
}
