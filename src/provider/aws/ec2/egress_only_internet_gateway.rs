//! `aws_egress_only_internet_gateway`: outbound-only IPv6 internet access for a VPC.

use super::{describe_all, find_owned, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{absent_on, aws_err, configured_tags, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{EgressOnlyInternetGateway as Ec2Gateway, ResourceType as Kind};
use std::sync::Arc;

/// The `aws_egress_only_internet_gateway` resource type.
pub struct EgressOnlyInternetGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl EgressOnlyInternetGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> EgressOnlyInternetGateway {
        let schema = resource("aws_egress_only_internet_gateway")
            .arg("vpc_id")
            .force_new()
            .args(&["tags"])
            .build();
        EgressOnlyInternetGateway { c, schema }
    }
}

/// The gateway as state keeps it (shared by single and bulk reads).
fn gateway_value(id: &str, g: &Ec2Gateway, prior: &Value) -> Value {
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(g.attachments().first().and_then(|a| a.vpc_id()))),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(g.tags())),
    ])
}

#[async_trait]
impl ResourceType for EgressOnlyInternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_egress_only_internet_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_egress_only_internet_gateway()
            .set_vpc_id(opt_str(planned, "vpc_id"))
            .client_token(&ctx.token)
            .set_tag_specifications(tag_spec(ctx, planned, Kind::EgressOnlyInternetGateway))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .egress_only_internet_gateway()
            .and_then(|g| g.egress_only_internet_gateway_id())
            .ok_or_else(|| ProviderError::msg("CreateEgressOnlyInternetGateway returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "egress-only internet gateway", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_egress_only_internet_gateways()
                .egress_only_internet_gateway_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &[
                "InvalidEgressOnlyInternetGatewayId.NotFound",
                "InvalidGatewayID.NotFound",
            ],
        )?;
        Ok(out.and_then(|o| {
            o.egress_only_internet_gateways()
                .iter()
                .find(|g| g.egress_only_internet_gateway_id() == Some(id))
                .map(|g| gateway_value(id, g, prior))
        }))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let describe = |filter| async move {
            Ok(describe_all!(
                self.c.ec2.describe_egress_only_internet_gateways(),
                filter,
                egress_only_internet_gateways
            ))
        };
        read_many_by_id(
            items,
            "egress-only-internet-gateway-id",
            describe,
            |g: &Ec2Gateway| g.egress_only_internet_gateway_id(),
            gateway_value,
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "egress-only internet gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        ok_on(
            self.c
                .ec2
                .delete_egress_only_internet_gateway()
                .egress_only_internet_gateway_id(id)
                .send()
                .await
                .map_err(aws_err),
            &[
                "InvalidEgressOnlyInternetGatewayId.NotFound",
                "InvalidGatewayID.NotFound",
            ],
        )
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_egress_only_internet_gateways(),
            ctx,
            egress_only_internet_gateways
        );
        Ok(found
            .first()
            .and_then(|g| g.egress_only_internet_gateway_id())
            .map(str::to_string))
    }
}
