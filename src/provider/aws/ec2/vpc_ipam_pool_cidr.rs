//! `aws_vpc_ipam_pool_cidr`: a CIDR provisioned to an IPAM pool, given outright or, for a pool
//! with a source pool, as a netmask length the source allocates. Its id is `CIDR_POOLID`, as
//! the provider's (also the import id). Nothing changes in place. Create waits until the CIDR
//! is provisioned (10 minutes); delete first makes sure no VPC still holds an allocation inside
//! it (a deleted VPC's allocation is waited for, as AWS releases it late), then deprovisions
//! it and waits (32 minutes, the provider's). A CIDR AWS lists as deprovisioned is gone.

use super::vpc_ipam_pool::NOT_FOUND as NO_POOL;
use crate::provider::aws::common::{
    absent_on, aws_err, first, must_exist, ok_on, op_timeout, opt_i32, opt_str, required, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{any_of, int_between, ipv4_cidr_network, ipv6_cidr_network};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpamCidrAuthorizationContext, IpamPoolAllocationResourceType as AllocationKind, IpamPoolCidr, IpamPoolCidrState,
};
use ipnet::IpNet;
use std::sync::Arc;
use std::time::Duration;

/// The provider's create timeout.
const CREATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The provider's delete timeout: AWS takes up to 20 minutes to release a deleted VPC's
/// allocation.
const DELETE_TIMEOUT: Duration = Duration::from_secs(32 * 60);

/// The `aws_vpc_ipam_pool_cidr` resource type.
pub struct IpamPoolCidrType {
    c: Arc<Clients>,
    schema: Schema,
}

/// The CIDR and the pool an id names.
fn parse_id(id: &str) -> PResult<(&str, &str)> {
    match id.split_once('_') {
        Some((cidr, pool)) if !cidr.is_empty() && !pool.is_empty() && !pool.contains('_') => Ok((cidr, pool)),
        _ => Err(ProviderError::msg(format!(
            "unexpected format for ID ({id}), expected cidr_pool-id"
        ))),
    }
}

/// Whether two CIDRs share an address.
fn overlap(a: &str, b: &str) -> bool {
    match (a.parse::<IpNet>(), b.parse::<IpNet>()) {
        (Ok(a), Ok(b)) => a.contains(&b.network()) || b.contains(&a.network()),
        _ => false,
    }
}

impl IpamPoolCidrType {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> IpamPoolCidrType {
        let schema = resource("aws_vpc_ipam_pool_cidr")
            .arg("ipam_pool_id")
            .force_new()
            .arg("cidr")
            .force_new()
            .live_if_unset()
            .check(any_of(vec![ipv4_cidr_network(), ipv6_cidr_network()]))
            .arg("netmask_length")
            .force_new()
            .live_if_unset()
            .check(int_between(0, 128))
            .arg("cidr_authorization_context")
            .force_new()
            .arg("cidr_authorization_context.message")
            .force_new()
            .arg("cidr_authorization_context.signature")
            .force_new()
            .timeouts(10, 0, 32)
            .build();
        IpamPoolCidrType { c, schema }
    }

    /// The pool's CIDRs (none when the pool is gone).
    async fn cidrs(&self, pool: &str) -> PResult<Vec<IpamPoolCidr>> {
        let mut all = Vec::new();
        let mut pages = self
            .c
            .ec2
            .get_ipam_pool_cidrs()
            .ipam_pool_id(pool)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match absent_on(page.map_err(aws_err), NO_POOL)? {
                Some(page) => all.extend(page.ipam_pool_cidrs().iter().cloned()),
                None => return Ok(Vec::new()),
            }
        }
        Ok(all)
    }

    /// The pool's CIDR that `pick` chooses, unless it is gone (or only listed as deprovisioned).
    async fn find(&self, pool: &str, pick: impl Fn(&IpamPoolCidr) -> bool) -> PResult<Option<IpamPoolCidr>> {
        Ok(self
            .cidrs(pool)
            .await?
            .into_iter()
            .find(|c| pick(c) && c.state() != Some(&IpamPoolCidrState::Deprovisioned)))
    }

    /// Refuses a delete while a VPC still holds an allocation inside the CIDR, and waits while
    /// AWS has yet to release the allocation of one deleted, as the provider does.
    async fn wait_allocations_released(&self, cidr: &str, pool: &str, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(cidr, "VPC allocations released", timeout), || async {
            let mut pages = self
                .c
                .ec2
                .get_ipam_pool_allocations()
                .ipam_pool_id(pool)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let Some(page) = absent_on(page.map_err(aws_err), NO_POOL)? else {
                    return Ok(Poll::Ready(()));
                };
                let held = page.ipam_pool_allocations().iter().find(|a| {
                    matches!(a.resource_type(), Some(AllocationKind::Vpc | AllocationKind::Subnet))
                        && overlap(cidr, a.cidr().unwrap_or_default())
                });
                if let Some(a) = held {
                    let (owner, at) = (a.resource_id().unwrap_or_default(), a.cidr().unwrap_or_default());
                    if self.still_exists(a).await? {
                        return Err(ProviderError::msg(format!(
                            "{owner} (CIDR: {at}) must be deleted before IPAM Pool CIDR {cidr} can be deprovisioned"
                        )));
                    }
                    return Ok(Poll::pending(format!("{owner}'s allocation {at} not released yet")));
                }
            }
            Ok(Poll::Ready(()))
        })
        .await
    }

    /// Whether the VPC or subnet an allocation belongs to is still there.
    async fn still_exists(&self, a: &aws_sdk_ec2::types::IpamPoolAllocation) -> PResult<bool> {
        let id = a.resource_id().unwrap_or_default().to_string();
        let codes = &["InvalidVpcID.NotFound", "InvalidSubnetID.NotFound"];
        Ok(if a.resource_type() == Some(&AllocationKind::Vpc) {
            let out = self.c.ec2.describe_vpcs().vpc_ids(id).send().await.map_err(aws_err);
            absent_on(out, codes)?.is_some_and(|o| !o.vpcs().is_empty())
        } else {
            let out = self
                .c
                .ec2
                .describe_subnets()
                .subnet_ids(id)
                .send()
                .await
                .map_err(aws_err);
            absent_on(out, codes)?.is_some_and(|o| !o.subnets().is_empty())
        })
    }
}

#[async_trait]
impl ResourceType for IpamPoolCidrType {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipam_pool_cidr"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "ipam_pool_id")?;
        let context = first(planned, "cidr_authorization_context").map(|c| {
            IpamCidrAuthorizationContext::builder()
                .set_message(opt_str(c, "message"))
                .set_signature(opt_str(c, "signature"))
                .build()
        });
        let out = self
            .c
            .ec2
            .provision_ipam_pool_cidr()
            .ipam_pool_id(&pool)
            .set_cidr(opt_str(planned, "cidr"))
            .set_netmask_length(opt_i32(planned, "netmask_length").filter(|n| *n != 0))
            .set_cidr_authorization_context(context)
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let cidr_id = out
            .ipam_pool_cidr()
            .and_then(|c| c.ipam_pool_cidr_id())
            .ok_or_else(|| ProviderError::msg("ProvisionIpamPoolCidr returned no CIDR id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, CREATE_TIMEOUT);
        let cidr = wait_for(Wait::new(&cidr_id, "provisioned", timeout), || async {
            let found = self
                .find(&pool, |c| c.ipam_pool_cidr_id() == Some(cidr_id.as_str()))
                .await?;
            Ok(match found.as_ref().and_then(|c| c.state().map(|s| (s, c))) {
                Some((IpamPoolCidrState::Provisioned, c)) => Poll::Ready(c.cidr().unwrap_or_default().to_string()),
                Some((IpamPoolCidrState::FailedProvision, c)) => {
                    let why = c.failure_reason().and_then(|r| r.message()).unwrap_or_default();
                    return Err(ProviderError::msg(format!("provisioning {cidr_id} failed: {why}")));
                }
                Some((s, _)) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        let id = format!("{cidr}_{pool}");
        must_exist(self.read(ctx, &id, planned).await?, "IPAM pool CIDR", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (cidr, pool) = parse_id(id)?;
        let Some(c) = self.find(pool, |c| c.cidr() == Some(cidr)).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("cidr", Value::str(cidr)),
            (
                "cidr_authorization_context",
                prior.get("cidr_authorization_context").clone(),
            ),
            ("ipam_pool_cidr_id", Value::from(c.ipam_pool_cidr_id())),
            ("ipam_pool_id", Value::str(pool)),
            ("netmask_length", Value::from(c.netmask_length().map(i64::from))),
        ])))
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, _planned: &Value) -> PResult<Value> {
        Err(ProviderError::msg(format!(
            "IPAM pool CIDR {id} cannot change in place; every argument forces a new one"
        )))
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (cidr, pool) = parse_id(id)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, DELETE_TIMEOUT);
        self.wait_allocations_released(cidr, pool, timeout).await?;
        let r = self
            .c
            .ec2
            .deprovision_ipam_pool_cidr()
            .ipam_pool_id(pool)
            .cidr(cidr)
            .send()
            .await
            .map_err(aws_err);
        // IncorrectState: already deprovisioned, or on its way.
        ok_on(r, &["InvalidIpamPoolId.NotFound", "IncorrectState"])?;
        wait_for(Wait::new(id, "deprovisioned", timeout), || async {
            Ok(match self.find(pool, |c| c.cidr() == Some(cidr)).await? {
                None => Poll::Ready(()),
                Some(c) if c.state() == Some(&IpamPoolCidrState::FailedDeprovision) => {
                    let why = c.failure_reason().and_then(|r| r.message()).unwrap_or_default();
                    return Err(ProviderError::msg(format!("deprovisioning {id} failed: {why}")));
                }
                Some(c) => Poll::pending(c.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_overlaps_read_as_the_provider_reads_them() {
        assert_eq!(
            parse_id("10.0.0.0/8_ipam-pool-0abc").unwrap(),
            ("10.0.0.0/8", "ipam-pool-0abc")
        );
        assert!(parse_id("10.0.0.0/8").is_err());
        assert!(parse_id("_ipam-pool-0abc").is_err());
        assert!(overlap("10.0.0.0/8", "10.1.0.0/16"));
        assert!(overlap("10.1.0.0/16", "10.0.0.0/8"));
        assert!(!overlap("10.0.0.0/16", "10.1.0.0/16"));
    }
}
