//! `aws_vpn_gateway_attachment`: a VPN gateway's attachment to a VPC, managed on its own.
//!
//! The id is the provider's (`vpn-attachment-` and a hash of the VPC and gateway ids). An
//! attachment is its pair of ids, so a killed run's attachment is found again and adopted.

use super::vpn_gateway::{attach, attached_vpc, describe, detach};
use crate::provider::aws::common::{must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpn_gateway_attachment` resource type.
pub struct VpnGatewayAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's id of an attachment.
pub fn attachment_id(vpc: &str, gateway: &str) -> String {
    format!(
        "vpn-attachment-{:x}",
        crc32fast::hash(format!("{vpc}-{gateway}").as_bytes())
    )
}

impl VpnGatewayAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpnGatewayAttachment {
        let schema = resource("aws_vpn_gateway_attachment")
            .arg("vpc_id")
            .force_new()
            .arg("vpn_gateway_id")
            .force_new()
            .build();
        VpnGatewayAttachment { c, schema }
    }
}

#[async_trait]
impl ResourceType for VpnGatewayAttachment {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let vpc = opt_str(planned, "vpc_id").unwrap_or_default();
        let gateway = opt_str(planned, "vpn_gateway_id").unwrap_or_default();
        attach(&self.c, &gateway, &vpc).await?;
        let id = attachment_id(&vpc, &gateway);
        must_exist(self.read(ctx, &id, planned).await?, "VPN gateway attachment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (Some(vpc), Some(gateway)) = (opt_str(prior, "vpc_id"), opt_str(prior, "vpn_gateway_id")) else {
            return Ok(None);
        };
        let attached = describe(&self.c, &gateway)
            .await?
            .is_some_and(|g| attached_vpc(&g) == Some(vpc.as_str()));
        Ok(attached.then(|| {
            Value::object([
                ("id", Value::str(id)),
                ("vpc_id", Value::str(vpc.clone())),
                ("vpn_gateway_id", Value::str(gateway.clone())),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Both arguments force replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "VPN gateway attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let vpc = opt_str(prior, "vpc_id").unwrap_or_default();
        let gateway = opt_str(prior, "vpn_gateway_id").unwrap_or_default();
        detach(&self.c, &gateway, &vpc).await
    }
}
