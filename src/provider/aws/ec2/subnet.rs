//! `aws_subnet`: a subnet in one availability zone of a VPC.

use super::{describe_all, owned, owner_filters, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_bool, opt_str, retry_while, wait_for, Op,
    Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{ipv4_cidr_network, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType as Kind, Subnet as Ec2Subnet, SubnetState};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_subnet` resource type.
pub struct Subnet {
    c: Arc<Clients>,
    schema: Schema,
}

impl Subnet {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Subnet {
        let schema = resource("aws_subnet")
            .arg("vpc_id")
            .force_new()
            .arg("cidr_block")
            .force_new()
            .check(ipv4_cidr_network())
            .arg("availability_zone")
            .force_new()
            .arg("availability_zone_id")
            .force_new()
            .arg("map_public_ip_on_launch")
            .default(false)
            .args(&["tags"])
            // The provider leaves this to AWS; without IPv6-only subnets infractl needs it.
            .rule(Rule::AtLeastOne(&["cidr_block", "ipv6_cidr_block"]))
            .timeouts(10, 0, 20)
            .build();
        Subnet { c, schema }
    }
}

#[async_trait]
impl ResourceType for Subnet {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_subnet()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .set_cidr_block(opt_str(planned, "cidr_block"))
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_availability_zone_id(opt_str(planned, "availability_zone_id"))
            .tag_specifications(tag_spec(ctx, planned, Kind::Subnet))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .ok_or_else(|| ProviderError::msg("CreateSubnet returned no subnet id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        wait_for(Wait::new(&id, "available", timeout), || async {
            let d = self
                .c
                .ec2
                .describe_subnets()
                .subnet_ids(&id)
                .send()
                .await
                .map_err(aws_err)?;
            Ok(match d.subnets().first().and_then(|s| s.state()) {
                Some(SubnetState::Available) => Poll::Ready(()),
                Some(state) => Poll::pending(state.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        if opt_bool(planned, "map_public_ip_on_launch") == Some(true) {
            self.set_public_ip(&id, true).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "subnet", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = absent_on(
            self.c
                .ec2
                .describe_subnets()
                .subnet_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidSubnetID.NotFound"],
        )?
        else {
            return Ok(None);
        };
        Ok(out.subnets().first().map(|s| subnet_value(id, s, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move { Ok(describe_all!(self.c.ec2.describe_subnets(), filter, subnets)) };
        read_many_by_id(
            items,
            "subnet-id",
            describe,
            |s: &Ec2Subnet| s.subnet_id(),
            subnet_value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("map_public_ip_on_launch") != planned.get("map_public_ip_on_launch") {
            self.set_public_ip(id, opt_bool(planned, "map_public_ip_on_launch").unwrap_or(false))
                .await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "subnet", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // Network interfaces of deleted load balancers and tasks take a while to be released.
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1200));
        let r = retry_while(&["DependencyViolation"], timeout, || async {
            self.c.ec2.delete_subnet().subnet_id(id).send().await.map_err(aws_err)
        })
        .await;
        ok_on(r, &["InvalidSubnetID.NotFound"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_subnets()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .subnets()
            .iter()
            .find(|s| owned(s.tags(), ctx))
            .and_then(|s| s.subnet_id())
            .map(str::to_string))
    }
}

impl Subnet {
    async fn set_public_ip(&self, id: &str, on: bool) -> PResult<()> {
        self.c
            .ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(on).build())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

/// A subnet as state keeps it.
fn subnet_value(id: &str, s: &aws_sdk_ec2::types::Subnet, prior: &Value) -> Value {
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(s.vpc_id().map(str::to_string))),
        ("cidr_block", Value::from(s.cidr_block().map(str::to_string))),
        (
            "availability_zone",
            Value::from(s.availability_zone().map(str::to_string)),
        ),
        (
            "availability_zone_id",
            Value::from(s.availability_zone_id().map(str::to_string)),
        ),
        (
            "map_public_ip_on_launch",
            Value::Bool(s.map_public_ip_on_launch().unwrap_or(false)),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(s.tags())),
        ("arn", Value::from(s.subnet_arn().map(str::to_string))),
        ("owner_id", Value::from(s.owner_id().map(str::to_string))),
    ])
}
