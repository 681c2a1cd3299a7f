//! `aws_network_interface_attachment`: an elastic network interface attached to an instance at
//! a device index, kept apart from both (the provider's resource of that name). The attachment
//! id is the id; every argument replaces the attachment. Attaching and detaching wait as
//! `aws_network_interface`'s attachment block does (the same functions).

use super::network_interface::{attach, detach};
use crate::provider::aws::common::{aws_err, must_exist, opt_i32, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, NetworkInterface as Eni};
use std::sync::Arc;
use std::time::Duration;

/// How long attaching or detaching may take (the provider's fixed waits).
const WAIT: Duration = Duration::from_secs(600);

/// The `aws_network_interface_attachment` resource type.
pub struct NetworkInterfaceAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

impl NetworkInterfaceAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkInterfaceAttachment {
        let schema = resource("aws_network_interface_attachment")
            .arg("instance_id")
            .force_new()
            .arg("network_interface_id")
            .force_new()
            .arg("device_index")
            .force_new()
            .build();
        NetworkInterfaceAttachment { c, schema }
    }

    /// The interface holding the attachment, found by the attachment's id.
    async fn interface_of(&self, attachment_id: &str) -> PResult<Option<Eni>> {
        let out = self
            .c
            .ec2
            .describe_network_interfaces()
            .filters(
                Filter::builder()
                    .name("attachment.attachment-id")
                    .values(attachment_id)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|a| a.attachment_id()) == Some(attachment_id))
            .cloned())
    }
}

#[async_trait]
impl ResourceType for NetworkInterfaceAttachment {
    fn type_name(&self) -> &'static str {
        "aws_network_interface_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let eni = required(planned, "network_interface_id")?;
        let id = attach(
            &self.c.ec2,
            &eni,
            opt_str(planned, "instance_id"),
            opt_i32(planned, "device_index"),
            WAIT,
        )
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "network interface attachment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let Some(n) = self.interface_of(id).await? else {
            return Ok(None);
        };
        let a = n.attachment();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("attachment_id", Value::str(id)),
            ("network_interface_id", Value::from(n.network_interface_id())),
            ("instance_id", Value::from(a.and_then(|a| a.instance_id()))),
            (
                "device_index",
                Value::from(a.and_then(|a| a.device_index()).map(i64::from)),
            ),
            ("status", Value::from(a.and_then(|a| a.status()).map(|s| s.as_str()))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        must_exist(self.read(ctx, id, planned).await?, "network interface attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let eni = opt_str(prior, "network_interface_id").unwrap_or_default();
        detach(&self.c.ec2, &eni, id, WAIT).await
    }
}
