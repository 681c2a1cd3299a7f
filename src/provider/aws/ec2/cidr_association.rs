//! What `aws_vpc_ipv4_cidr_block_association` and `aws_vpc_ipv6_cidr_block_association`
//! share: associating a block with AssociateVpcCidrBlock and waiting for it, finding an
//! association by id (DescribeVpcs filtered by it), and disassociating it.

use crate::provider::aws::common::{aws_err, ok_on, wait_for, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use aws_sdk_ec2::operation::associate_vpc_cidr_block::builders::AssociateVpcCidrBlockFluentBuilder;
use aws_sdk_ec2::types::{Filter, Vpc, VpcCidrBlockStateCode};
use std::time::Duration;

/// Which of a VPC's block lists an association is in.
#[derive(Clone, Copy, PartialEq)]
pub enum Family {
    /// `CidrBlockAssociationSet`.
    V4,
    /// `Ipv6CidrBlockAssociationSet`.
    V6,
}

/// One associated block as AWS describes it.
pub struct Block {
    /// Its association id.
    pub id: String,
    /// The block.
    pub cidr: Option<String>,
    /// Association state.
    pub state: Option<VpcCidrBlockStateCode>,
    /// IPv6: the pool it came from (`Amazon`, `IPAM Managed`, a BYOIP pool id).
    pub pool: Option<String>,
    /// IPv6: `amazon`, `byoip` or `none`.
    pub ip_source: Option<String>,
    /// IPv6: `public` or `private`.
    pub address_attribute: Option<String>,
}

fn blocks(vpc: &Vpc, family: Family) -> Vec<Block> {
    match family {
        Family::V4 => vpc
            .cidr_block_association_set()
            .iter()
            .map(|a| Block {
                id: a.association_id().unwrap_or_default().to_string(),
                cidr: a.cidr_block().map(str::to_string),
                state: a.cidr_block_state().and_then(|s| s.state()).cloned(),
                pool: None,
                ip_source: None,
                address_attribute: None,
            })
            .collect(),
        Family::V6 => vpc
            .ipv6_cidr_block_association_set()
            .iter()
            .map(|a| Block {
                id: a.association_id().unwrap_or_default().to_string(),
                cidr: a.ipv6_cidr_block().map(str::to_string),
                state: a.ipv6_cidr_block_state().and_then(|s| s.state()).cloned(),
                pool: a.ipv6_pool().map(str::to_string),
                ip_source: a.ip_source().map(|s| s.as_str().to_string()),
                address_attribute: a.ipv6_address_attribute().map(|s| s.as_str().to_string()),
            })
            .collect(),
    }
}

fn id_filter(family: Family) -> &'static str {
    match family {
        Family::V4 => "cidr-block-association.association-id",
        Family::V6 => "ipv6-cidr-block-association.association-id",
    }
}

/// The VPC and block of an association, while it is associated (or still associating);
/// `None` once it is gone or disassociated.
pub async fn block_association(c: &Clients, family: Family, id: &str) -> PResult<Option<(String, Block)>> {
    let out = c
        .ec2
        .describe_vpcs()
        .filters(Filter::builder().name(id_filter(family)).values(id).build())
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.vpcs().iter().find_map(|v| {
        let b = blocks(v, family).into_iter().find(|b| b.id == id)?;
        let live = matches!(
            b.state,
            Some(VpcCidrBlockStateCode::Associated | VpcCidrBlockStateCode::Associating)
        );
        live.then(|| (v.vpc_id().unwrap_or_default().to_string(), b))
    }))
}

/// The association of `cidr` with `vpc`, when it is associated.
pub async fn find_block(c: &Clients, family: Family, vpc: &str, cidr: &str) -> PResult<Option<String>> {
    let out = c.ec2.describe_vpcs().vpc_ids(vpc).send().await.map_err(aws_err)?;
    Ok(out.vpcs().first().and_then(|v| {
        blocks(v, family)
            .into_iter()
            .find(|b| b.cidr.as_deref() == Some(cidr) && b.state == Some(VpcCidrBlockStateCode::Associated))
            .map(|b| b.id)
    }))
}

/// Waits for a block association to reach `goal` (`disassociated` also when it is gone).
pub async fn wait_state(
    c: &Clients,
    family: Family,
    id: &str,
    goal: VpcCidrBlockStateCode,
    timeout: Duration,
) -> PResult<()> {
    wait_for(Wait::new(id, goal.as_str(), timeout), || async {
        let out = c
            .ec2
            .describe_vpcs()
            .filters(Filter::builder().name(id_filter(family)).values(id).build())
            .send()
            .await
            .map_err(aws_err)?;
        let state = out
            .vpcs()
            .iter()
            .find_map(|v| blocks(v, family).into_iter().find(|b| b.id == id))
            .and_then(|b| b.state);
        Ok(match state {
            Some(s) if s == goal => Poll::Ready(()),
            None if goal == VpcCidrBlockStateCode::Disassociated => Poll::Ready(()),
            Some(VpcCidrBlockStateCode::Failed) => {
                return Err(ProviderError::msg(format!("block association {id} failed")))
            }
            Some(s) => Poll::pending(s.as_str()),
            None => Poll::pending("not found yet"),
        })
    })
    .await
}

/// Sends an association request and waits for the block to be associated; returns its id.
pub async fn associate_block(
    c: &Clients,
    family: Family,
    vpc: &str,
    req: AssociateVpcCidrBlockFluentBuilder,
    timeout: Duration,
) -> PResult<String> {
    let out = req.send().await.map_err(aws_err)?;
    let id = match family {
        Family::V4 => out.cidr_block_association().and_then(|a| a.association_id()),
        Family::V6 => out.ipv6_cidr_block_association().and_then(|a| a.association_id()),
    }
    .ok_or_else(|| ProviderError::msg(format!("AssociateVpcCidrBlock on {vpc} returned no association id")))?
    .to_string();
    wait_state(c, family, &id, VpcCidrBlockStateCode::Associated, timeout).await?;
    Ok(id)
}

/// Disassociates a block and waits until it is gone.
pub async fn disassociate_block(c: &Clients, family: Family, id: &str, timeout: Duration) -> PResult<()> {
    let r = c
        .ec2
        .disassociate_vpc_cidr_block()
        .association_id(id)
        .send()
        .await
        .map_err(aws_err);
    ok_on(
        r,
        &["InvalidVpcCidrBlockAssociationID.NotFound", "InvalidVpcID.NotFound"],
    )?;
    wait_state(c, family, id, VpcCidrBlockStateCode::Disassociated, timeout).await
}
