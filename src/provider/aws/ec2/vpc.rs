//! `aws_vpc`: a VPC with its DNS settings.

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, opt_bool, opt_str, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{cidr_prefix_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ResourceType as Kind, VpcAttributeName, VpcCidrBlockStateCode, VpcState,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc` resource type.
pub struct Vpc {
    c: Arc<Clients>,
    schema: Schema,
}

impl Vpc {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Vpc {
        let schema = resource("aws_vpc")
            .arg("cidr_block")
            .force_new()
            .check(cidr_prefix_between(16, 28))
            .arg("instance_tenancy")
            .default("default")
            .check(one_of(&["default", "dedicated"]))
            .arg("enable_dns_support")
            .default(true)
            .arg("assign_generated_ipv6_cidr_block")
            .default(false)
            .args(&["enable_dns_hostnames", "tags"])
            // The provider leaves this to AWS; without IPAM pools infractl needs the block.
            .rule(Rule::AtLeastOne(&["cidr_block", "ipv4_ipam_pool_id"]))
            .build();
        Vpc { c, schema }
    }

    async fn set_dns(&self, id: &str, support: Option<bool>, hostnames: Option<bool>) -> PResult<()> {
        if let Some(v) = support {
            self.c
                .ec2
                .modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_support(AttributeBooleanValue::builder().value(v).build())
                .send()
                .await
                .map_err(aws_err)?;
        }
        if let Some(v) = hostnames {
            self.c
                .ec2
                .modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_hostnames(AttributeBooleanValue::builder().value(v).build())
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    /// Associates an Amazon-provided IPv6 block with the VPC, or disassociates the ones it has,
    /// as the provider does when `assign_generated_ipv6_cidr_block` changes.
    async fn set_amazon_ipv6(&self, id: &str, on: bool) -> PResult<()> {
        if on {
            self.c
                .ec2
                .associate_vpc_cidr_block()
                .vpc_id(id)
                .amazon_provided_ipv6_cidr_block(true)
                .send()
                .await
                .map_err(aws_err)?;
            return Ok(());
        }
        let out = self.c.ec2.describe_vpcs().vpc_ids(id).send().await.map_err(aws_err)?;
        let associations: Vec<String> = out
            .vpcs()
            .iter()
            .flat_map(|v| v.ipv6_cidr_block_association_set())
            .filter_map(|a| a.association_id().map(str::to_string))
            .collect();
        for association in associations {
            self.c
                .ec2
                .disassociate_vpc_cidr_block()
                .association_id(association)
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }

    async fn attribute(&self, id: &str, name: VpcAttributeName) -> PResult<Option<bool>> {
        let out = self
            .c
            .ec2
            .describe_vpc_attribute()
            .vpc_id(id)
            .attribute(name.clone())
            .send()
            .await
            .map_err(aws_err)?;
        let v = match name {
            VpcAttributeName::EnableDnsSupport => out.enable_dns_support().and_then(|a| a.value()),
            _ => out.enable_dns_hostnames().and_then(|a| a.value()),
        };
        Ok(v)
    }
}

#[async_trait]
impl ResourceType for Vpc {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let mut req = self
            .c
            .ec2
            .create_vpc()
            .tag_specifications(tag_spec(ctx, planned, Kind::Vpc))
            .set_cidr_block(opt_str(planned, "cidr_block"))
            .set_amazon_provided_ipv6_cidr_block(opt_bool(planned, "assign_generated_ipv6_cidr_block"));
        if let Some(t) = opt_str(planned, "instance_tenancy") {
            req = req.instance_tenancy(t.as_str().into());
        }
        let out = req.send().await.map_err(aws_err)?;
        let id = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .ok_or_else(|| ProviderError::msg("CreateVpc returned no VPC id"))?
            .to_string();
        // aws_vpc has no timeouts block; the provider waits up to 5 minutes.
        let wait = Wait::new(&id, "available", Duration::from_secs(300));
        wait_for(wait, || async {
            let d = self.c.ec2.describe_vpcs().vpc_ids(&id).send().await.map_err(aws_err)?;
            Ok(match d.vpcs().first().and_then(|v| v.state()) {
                Some(VpcState::Available) => Poll::Ready(()),
                Some(state) => Poll::pending(state.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        if opt_bool(planned, "enable_dns_support") == Some(false) {
            self.set_dns(&id, Some(false), None).await?;
        }
        if let Some(h) = opt_bool(planned, "enable_dns_hostnames") {
            self.set_dns(&id, None, Some(h)).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "VPC", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = absent_on(
            self.c.ec2.describe_vpcs().vpc_ids(id).send().await.map_err(aws_err),
            &["InvalidVpcID.NotFound"],
        )?
        else {
            return Ok(None);
        };
        let Some(vpc) = out.vpcs().first() else {
            return Ok(None);
        };
        let dns_support = self.attribute(id, VpcAttributeName::EnableDnsSupport).await?;
        let dns_hostnames = self.attribute(id, VpcAttributeName::EnableDnsHostnames).await?;
        let tables = self
            .c
            .ec2
            .describe_route_tables()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(id).build())
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("association.main")
                    .values("true")
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        let main_rt = tables
            .route_tables()
            .first()
            .and_then(|t| t.route_table_id())
            .map(str::to_string);
        let sgs = self
            .c
            .ec2
            .describe_security_groups()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(id).build())
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("group-name")
                    .values("default")
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        let default_sg = sgs
            .security_groups()
            .first()
            .and_then(|g| g.group_id())
            .map(str::to_string);
        let owner = vpc.owner_id().unwrap_or_default().to_string();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("cidr_block", Value::from(vpc.cidr_block().map(str::to_string))),
            (
                "instance_tenancy",
                Value::from(vpc.instance_tenancy().map(|t| t.as_str().to_string())),
            ),
            ("enable_dns_support", Value::from(dns_support)),
            ("enable_dns_hostnames", Value::from(dns_hostnames)),
            (
                "assign_generated_ipv6_cidr_block",
                Value::Bool(vpc.ipv6_cidr_block_association_set().iter().any(|a| {
                    !matches!(
                        a.ipv6_cidr_block_state().and_then(|s| s.state()),
                        Some(VpcCidrBlockStateCode::Disassociated | VpcCidrBlockStateCode::Disassociating)
                    )
                })),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(vpc.tags())),
            ("arn", ec2_arn(&self.c.region, &owner, "vpc", id)),
            ("owner_id", Value::str(owner)),
            ("main_route_table_id", Value::from(main_rt.clone())),
            ("default_route_table_id", Value::from(main_rt)),
            ("default_security_group_id", Value::from(default_sg)),
            ("default_network_acl_id", Value::Null),
            (
                "dhcp_options_id",
                Value::from(vpc.dhcp_options_id().map(str::to_string)),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("enable_dns_support") {
            self.set_dns(id, opt_bool(planned, "enable_dns_support"), None).await?;
        }
        if changed("enable_dns_hostnames") {
            self.set_dns(id, None, opt_bool(planned, "enable_dns_hostnames"))
                .await?;
        }
        if changed("instance_tenancy") {
            // AWS changes tenancy in place (only to `default`; it refuses the rest, as the
            // provider lets it).
            let tenancy = opt_str(planned, "instance_tenancy").unwrap_or_else(|| "default".into());
            self.c
                .ec2
                .modify_vpc_tenancy()
                .vpc_id(id)
                .instance_tenancy(tenancy.as_str().into())
                .send()
                .await
                .map_err(aws_err)?;
        }
        if changed("assign_generated_ipv6_cidr_block") {
            self.set_amazon_ipv6(id, opt_bool(planned, "assign_generated_ipv6_cidr_block") == Some(true))
                .await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "VPC", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r =
            crate::provider::aws::common::retry_while(&["DependencyViolation"], Duration::from_secs(300), || async {
                self.c.ec2.delete_vpc().vpc_id(id).send().await.map_err(aws_err)
            })
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if e.code.as_deref() == Some("InvalidVpcID.NotFound") => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_vpcs()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .vpcs()
            .iter()
            .find(|v| owned(v.tags(), ctx))
            .and_then(|v| v.vpc_id())
            .map(str::to_string))
    }
}
