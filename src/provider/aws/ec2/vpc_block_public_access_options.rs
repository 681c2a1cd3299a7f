//! `aws_vpc_block_public_access_options`: the region's VPC Block Public Access mode, which stops
//! internet gateway traffic to and from every VPC of the account in the region except the
//! excluded ones. There is one per account and region, so it is never created: "create" and
//! "update" set the mode and wait for `update-complete`, and "delete" turns it `off`, as the
//! provider does. Its id is the region.

use crate::provider::aws::common::{aws_err, op_timeout, required, wait_for, Op, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{InternetGatewayBlockMode, VpcBlockPublicAccessOptions as Options, VpcBlockPublicAccessState};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc_block_public_access_options` resource type.
pub struct BlockPublicAccessOptions {
    c: Arc<Clients>,
    schema: Schema,
}

impl BlockPublicAccessOptions {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> BlockPublicAccessOptions {
        let schema = resource("aws_vpc_block_public_access_options")
            .arg("internet_gateway_block_mode")
            .check(one_of(&["block-bidirectional", "block-ingress", "off"]))
            .timeouts(30, 30, 30)
            .build();
        BlockPublicAccessOptions { c, schema }
    }

    async fn describe(&self) -> PResult<Option<Options>> {
        let out = self
            .c
            .ec2
            .describe_vpc_block_public_access_options()
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.vpc_block_public_access_options().cloned())
    }

    /// Sets the mode and waits until the region has taken it (`update-complete`).
    async fn set_mode(&self, mode: &str, timeout: Duration) -> PResult<Options> {
        self.c
            .ec2
            .modify_vpc_block_public_access_options()
            .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode))
            .send()
            .await
            .map_err(aws_err)?;
        let region = self.c.region.clone();
        wait_for(
            Wait::new(
                format!("VPC Block Public Access options of {region}"),
                "update-complete",
                timeout,
            ),
            || async {
                Ok(match self.describe().await? {
                    Some(o) if o.state() == Some(&VpcBlockPublicAccessState::UpdateComplete) => Poll::Ready(o),
                    Some(o) => Poll::pending(o.state().map_or("unknown", |s| s.as_str())),
                    None => Poll::pending("not found"),
                })
            },
        )
        .await
    }
}

/// The options as state keeps them.
fn options_value(o: &Options) -> Value {
    Value::object([
        ("id", Value::from(o.aws_region())),
        ("aws_account_id", Value::from(o.aws_account_id())),
        ("aws_region", Value::from(o.aws_region())),
        (
            "internet_gateway_block_mode",
            Value::from(o.internet_gateway_block_mode().map(|m| m.as_str())),
        ),
    ])
}

#[async_trait]
impl ResourceType for BlockPublicAccessOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_block_public_access_options"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let mode = required(planned, "internet_gateway_block_mode")?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        Ok(options_value(&self.set_mode(&mode, timeout).await?))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<Option<Value>> {
        // The region's options always exist; like the provider, any import id reads them.
        Ok(self.describe().await?.as_ref().map(options_value))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let mode = required(planned, "internet_gateway_block_mode")?;
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(1800));
        Ok(options_value(&self.set_mode(&mode, timeout).await?))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1800));
        self.set_mode("off", timeout).await.map(|_| ())
    }
}
