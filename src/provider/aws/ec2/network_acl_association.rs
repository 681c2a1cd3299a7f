//! `aws_network_acl_association`: which network ACL a subnet uses.
//!
//! A subnet always has exactly one ACL, so associating replaces its current association, and
//! deleting moves the subnet back to its VPC's default ACL. The id is the association's id
//! (the provider's import id), which AWS renews at every replacement. Associations carry no
//! tags: a subnet already associated with the planned ACL is what a killed run left, and is
//! adopted.

use super::network_acl::{associate, association_of, default_acl_of};
use crate::provider::aws::common::{aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, NetworkAcl as Ec2NetworkAcl};
use std::sync::Arc;

/// The `aws_network_acl_association` resource type.
pub struct NetworkAclAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

impl NetworkAclAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> NetworkAclAssociation {
        let schema = resource("aws_network_acl_association")
            .arg("network_acl_id")
            .force_new()
            .arg("subnet_id")
            .force_new()
            .build();
        NetworkAclAssociation { c, schema }
    }

    /// The ACLs holding any of these association ids.
    async fn acls_of(&self, ids: Vec<String>) -> PResult<Vec<Ec2NetworkAcl>> {
        let out = self
            .c
            .ec2
            .describe_network_acls()
            .filters(
                Filter::builder()
                    .name("association.association-id")
                    .set_values(Some(ids))
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.network_acls().to_vec())
    }
}

/// The association `id` as state keeps it, from the ACLs that may hold it.
fn value_in(acls: &[Ec2NetworkAcl], id: &str) -> Option<Value> {
    acls.iter().find_map(|acl| {
        let a = acl
            .associations()
            .iter()
            .find(|a| a.network_acl_association_id() == Some(id))?;
        Some(Value::object([
            ("id", Value::str(id)),
            ("network_acl_id", Value::from(acl.network_acl_id())),
            ("subnet_id", Value::from(a.subnet_id())),
        ]))
    })
}

#[async_trait]
impl ResourceType for NetworkAclAssociation {
    fn type_name(&self) -> &'static str {
        "aws_network_acl_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let acl = opt_str(planned, "network_acl_id").unwrap_or_default();
        let subnet = opt_str(planned, "subnet_id").unwrap_or_default();
        let id = associate(&self.c, &acl, &subnet).await?;
        must_exist(self.read(ctx, &id, planned).await?, "network ACL association", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(value_in(&self.acls_of(vec![id.to_string()]).await?, id))
    }

    fn bulk_read_limit(&self) -> usize {
        super::BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let acls = self.acls_of(items.iter().map(|(id, _)| id.clone()).collect()).await?;
        Ok(items.iter().map(|(id, _)| value_in(&acls, id)).collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Both arguments force replacement; nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "network ACL association", id)
    }

    /// Moves the subnet back to its VPC's default ACL.
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let acls = self.acls_of(vec![id.to_string()]).await?;
        let Some(acl) = acls.first() else {
            return Ok(());
        };
        let vpc = acl.vpc_id().unwrap_or_default().to_string();
        let default = default_acl_of(&self.c, &vpc).await?;
        if acl.network_acl_id() == Some(default.as_str()) {
            return Ok(());
        }
        let r = self
            .c
            .ec2
            .replace_network_acl_association()
            .association_id(id)
            .network_acl_id(default)
            .send()
            .await
            .map_err(aws_err);
        crate::provider::aws::common::ok_on(r, &["InvalidAssociationID.NotFound"])
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(acl), Some(subnet)) = (opt_str(planned, "network_acl_id"), opt_str(planned, "subnet_id")) else {
            return Ok(None);
        };
        Ok(association_of(&self.c, &subnet)
            .await?
            .filter(|(current, _)| *current == acl)
            .map(|(_, id)| id))
    }
}
