//! `aws_ec2_transit_gateway_route_table_association`: which route table routes an
//! attachment's traffic (an attachment has one).
//!
//! The id is the provider's, `TABLE_ATTACHMENT`, also the import id. As the provider does:
//! with `replace_existing_association` the attachment's current association (the default
//! route table's, usually) is undone first; the association is waited for until associated,
//! and on delete until disassociated. Both ids force a new association;
//! `replace_existing_association` only acts at create (a change of it is recorded).

use super::transit_gateway_routing::{make_tie, read_tie, set_tie, undo_tie, Routing};
use crate::provider::aws::common::{aws_err, must_exist, opt_bool, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::not_empty;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ec2_transit_gateway_route_table_association` resource type.
pub struct TransitGatewayRouteTableAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayRouteTableAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayRouteTableAssociation {
        let schema = resource("aws_ec2_transit_gateway_route_table_association")
            .arg("transit_gateway_attachment_id")
            .force_new()
            .check(not_empty())
            .arg("transit_gateway_route_table_id")
            .force_new()
            .check(not_empty())
            .arg("replace_existing_association")
            .default(false)
            .build();
        TransitGatewayRouteTableAssociation { c, schema }
    }

    /// The route table the attachment is associated with now, if any; an association on its
    /// way (associating, disassociating) cannot be replaced yet, as the provider says.
    async fn current_table(&self, attachment: &str) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_transit_gateway_attachments()
            .transit_gateway_attachment_ids(attachment)
            .send()
            .await
            .map_err(aws_err)?;
        let Some(association) = out
            .transit_gateway_attachments()
            .iter()
            .find(|a| a.transit_gateway_attachment_id() == Some(attachment))
            .and_then(|a| a.association())
        else {
            return Ok(None);
        };
        let state = association.state().map(|s| s.as_str()).unwrap_or_default();
        if state != "associated" {
            return Err(ProviderError::msg(format!(
                "transit gateway attachment {attachment}'s association is {state}: it can be replaced once associated"
            )));
        }
        Ok(association.transit_gateway_route_table_id().map(str::to_string))
    }
}

#[async_trait]
impl ResourceType for TransitGatewayRouteTableAssociation {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_route_table_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let table = required(planned, "transit_gateway_route_table_id")?;
        let attachment = required(planned, "transit_gateway_attachment_id")?;
        if opt_bool(planned, "replace_existing_association") == Some(true) {
            if let Some(current) = self.current_table(&attachment).await?.filter(|t| *t != table) {
                set_tie(&self.c, Routing::Association, &current, &attachment, false).await?;
            }
        }
        let id = make_tie(&self.c, Routing::Association, planned).await?;
        must_exist(
            self.read(ctx, &id, planned).await?,
            "transit gateway route table association",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(read_tie(&self.c, Routing::Association, id).await?.map(|mut v| {
            if let Value::Object(fields) = &mut v {
                let kept = prior.get("replace_existing_association").clone();
                fields.insert("replace_existing_association".into(), kept);
            }
            v
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Only `replace_existing_association` changes in place, and it acts only at create.
        must_exist(
            self.read(ctx, id, planned).await?,
            "transit gateway route table association",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        undo_tie(&self.c, Routing::Association, id).await
    }
}
