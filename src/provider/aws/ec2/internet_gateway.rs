//! `aws_internet_gateway`: an internet gateway, attached to a VPC when `vpc_id` is set.

use super::{owned, owner_filters, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, ok_on, op_timeout, opt_str, retry_while, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::ResourceType as Kind;
use aws_sdk_ec2::types::Tag;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_internet_gateway` resource type.
pub struct InternetGateway {
    c: Arc<Clients>,
    schema: Schema,
}

impl InternetGateway {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> InternetGateway {
        let schema = resource("aws_internet_gateway")
            .args(&["vpc_id", "tags"])
            .timeouts(20, 20, 20)
            .build();
        InternetGateway { c, schema }
    }

    async fn attach(&self, id: &str, vpc: &str) -> PResult<()> {
        self.c
            .ec2
            .attach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn detach(&self, id: &str, vpc: &str, timeout: Duration) -> PResult<()> {
        // Detaching fails while public addresses are still mapped in the VPC (NAT gateways being deleted).
        let r = retry_while(&["DependencyViolation"], timeout, || async {
            self.c
                .ec2
                .detach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        ok_on(r, &["Gateway.NotAttached", "InvalidInternetGatewayID.NotFound"])
    }
}

/// A gateway's state: attached to `vpc`, owned by `owner`, with the tags AWS holds (`prior`
/// gives the configured ones).
fn gateway_value(region: &str, id: &str, vpc: Option<String>, owner: &str, tags: &[Tag], prior: &Value) -> Value {
    Value::object([
        ("id", Value::str(id)),
        ("vpc_id", Value::from(vpc)),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(tags)),
        ("arn", ec2_arn(region, owner, "internet-gateway", id)),
        ("owner_id", Value::str(owner)),
    ])
}

#[async_trait]
impl ResourceType for InternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_internet_gateway()
            .set_tag_specifications(tag_spec(ctx, planned, Kind::InternetGateway))
            .send()
            .await
            .map_err(aws_err)?;
        let made = out
            .internet_gateway()
            .ok_or_else(|| ProviderError::msg("CreateInternetGateway returned no gateway"))?;
        let id = made
            .internet_gateway_id()
            .ok_or_else(|| ProviderError::msg("CreateInternetGateway returned no id"))?
            .to_string();
        let vpc = opt_str(planned, "vpc_id");
        if let Some(vpc) = &vpc {
            let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1200));
            // Retried while EC2 does not know the new gateway yet.
            retry_while(&["InvalidInternetGatewayID.NotFound"], timeout, || {
                self.attach(&id, vpc)
            })
            .await?;
        }
        // The create's answer (owner, tags) and the attachment just made are what a read would
        // give; an answer without its owner is read back.
        match made.owner_id() {
            Some(owner) => Ok(gateway_value(&self.c.region, &id, vpc, owner, made.tags(), planned)),
            None => must_exist(self.read(ctx, &id, planned).await?, "internet gateway", &id),
        }
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = absent_on(
            self.c
                .ec2
                .describe_internet_gateways()
                .internet_gateway_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidInternetGatewayID.NotFound"],
        )?
        else {
            return Ok(None);
        };
        let Some(g) = out.internet_gateways().first() else {
            return Ok(None);
        };
        let vpc = g.attachments().first().and_then(|a| a.vpc_id()).map(str::to_string);
        let owner = g.owner_id().unwrap_or_default();
        Ok(Some(gateway_value(&self.c.region, id, vpc, owner, g.tags(), prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (old, new) = (opt_str(prior, "vpc_id"), opt_str(planned, "vpc_id"));
        if old != new {
            if let Some(o) = &old {
                let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(1200));
                self.detach(id, o, timeout).await?;
            }
            if let Some(n) = &new {
                self.attach(id, n).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "internet gateway", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if let Some(vpc) = opt_str(prior, "vpc_id") {
            let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1200));
            self.detach(id, &vpc, timeout).await?;
        }
        ok_on(
            self.c
                .ec2
                .delete_internet_gateway()
                .internet_gateway_id(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidInternetGatewayID.NotFound"],
        )
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_internet_gateways()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .internet_gateways()
            .iter()
            .find(|g| owned(g.tags(), ctx))
            .and_then(|g| g.internet_gateway_id())
            .map(str::to_string))
    }
}
