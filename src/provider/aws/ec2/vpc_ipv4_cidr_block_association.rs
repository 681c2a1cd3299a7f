//! `aws_vpc_ipv4_cidr_block_association`: a secondary IPv4 block of a VPC (given, or allocated
//! from an IPAM pool).
//!
//! Associations carry no tags; the block is their identity within the VPC, so a killed run's
//! association of the planned block is found again and adopted.

use super::cidr_association::{associate_block, block_association, disassociate_block, Family};
use crate::provider::aws::common::{must_exist, op_timeout, opt_str, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{cidr_prefix_between, int_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc_ipv4_cidr_block_association` resource type.
pub struct VpcIpv4CidrBlockAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcIpv4CidrBlockAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcIpv4CidrBlockAssociation {
        let schema = resource("aws_vpc_ipv4_cidr_block_association")
            .arg("vpc_id")
            .force_new()
            .arg("cidr_block")
            .force_new()
            .check(cidr_prefix_between(16, 28))
            .arg("ipv4_ipam_pool_id")
            .force_new()
            .arg("ipv4_netmask_length")
            .force_new()
            .check(int_between(16, 28))
            .rule(Rule::Conflicts(&["cidr_block", "ipv4_netmask_length"]))
            .rule(Rule::AtLeastOne(&["cidr_block", "ipv4_ipam_pool_id"]))
            .timeouts(10, 0, 10)
            .build();
        VpcIpv4CidrBlockAssociation { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpcIpv4CidrBlockAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipv4_cidr_block_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let vpc = opt_str(planned, "vpc_id").unwrap_or_default();
        let req = self
            .c
            .ec2
            .associate_vpc_cidr_block()
            .vpc_id(&vpc)
            .set_cidr_block(opt_str(planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(opt_str(planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(planned.get("ipv4_netmask_length").as_number().map(|n| n as i32));
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        let id = associate_block(&self.c, Family::V4, &vpc, req, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC IPv4 block association", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((vpc, block)) = block_association(&self.c, Family::V4, id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("vpc_id", Value::str(vpc)),
            ("cidr_block", Value::from(block.cidr)),
            ("ipv4_ipam_pool_id", prior.get("ipv4_ipam_pool_id").clone()),
            ("ipv4_netmask_length", prior.get("ipv4_netmask_length").clone()),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "VPC IPv4 block association", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        disassociate_block(&self.c, Family::V4, id, timeout).await
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(vpc), Some(cidr)) = (opt_str(planned, "vpc_id"), opt_str(planned, "cidr_block")) else {
            return Ok(None);
        };
        super::cidr_association::find_block(&self.c, Family::V4, &vpc, &cidr).await
    }
}
