//! `aws_default_network_acl`: a VPC's default network ACL, adopted rather than created.
//!
//! As the provider does: "create" takes over the ACL `default_network_acl_id` names (refusing
//! one that is not a default ACL), deletes every entry it has (AWS's allow-all ones included;
//! not the unchangeable deny-all ones), then adds the blueprint's entries, subnets and tags.
//! Entries are managed exactly: no `ingress` block means none. Subnets cannot leave a default
//! ACL except by joining another, so removing one from `subnet_ids` plans again until it does,
//! as in Terraform. "Destroy" only forgets the ACL. It is named by id, so a killed run adopts it
//! again without tags.

use super::network_acl::{acl_value, associate, declare_entries, describe, entries_of, entry_block, sync_entries};
use super::update_tags;
use crate::provider::aws::common::{must_exist, opt_str, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_default_network_acl` resource type.
pub struct DefaultNetworkAcl {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultNetworkAcl {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DefaultNetworkAcl {
        let schema = resource("aws_default_network_acl")
            .arg("default_network_acl_id")
            .force_new()
            .args(&["subnet_ids", "tags"]);
        let schema = declare_entries(schema).build();
        DefaultNetworkAcl { c, schema }
    }

    fn value(&self, id: &str, acl: &aws_sdk_ec2::types::NetworkAcl, prior: &Value) -> Value {
        let mut v = acl_value(&self.c.region, id, acl, prior);
        if let Value::Object(m) = &mut v {
            m.insert("default_network_acl_id".into(), Value::str(id));
        }
        v
    }

    async fn sync_subnets(&self, id: &str, old: &[String], new: &[String]) -> PResult<()> {
        for s in new.iter().filter(|s| !old.contains(s)) {
            associate(&self.c, id, s).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for DefaultNetworkAcl {
    fn type_name(&self) -> &'static str {
        "aws_default_network_acl"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        for direction in ["ingress", "egress"] {
            for e in config.get(direction).as_list().unwrap_or_default() {
                super::network_acl::check_protocol(e, &format!("{direction}."))?;
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = opt_str(planned, "default_network_acl_id").unwrap_or_default();
        let acl = describe(&self.c, &id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("network ACL {id} does not exist")))?;
        if acl.is_default() != Some(true) {
            return Err(ProviderError::msg(format!(
                "{id} is not a default network ACL: use the aws_network_acl resource instead"
            )));
        }
        let entry = entry_block(&self.schema);
        for (direction, egress) in [("egress", true), ("ingress", false)] {
            let had = entries_of(&acl, egress);
            let wanted = planned.get(direction).as_list().unwrap_or_default();
            // Everything goes first, so a wanted entry may reuse a rule number.
            sync_entries(&self.c, &entry, &id, egress, &had, &[]).await?;
            sync_entries(&self.c, &entry, &id, egress, &[], wanted).await?;
        }
        let current = self.value(&id, &acl, &Value::Null);
        self.sync_subnets(&id, &str_list(&current, "subnet_ids"), &str_list(planned, "subnet_ids"))
            .await?;
        update_tags(&self.c.ec2, &id, &current, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "default network ACL", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(describe(&self.c, id).await?.map(|acl| self.value(id, &acl, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let entry = entry_block(&self.schema);
        for (direction, egress) in [("ingress", false), ("egress", true)] {
            let old = prior.get(direction).as_list().unwrap_or_default();
            let new = planned.get(direction).as_list().unwrap_or_default();
            sync_entries(&self.c, &entry, id, egress, old, new).await?;
        }
        if !planned.get("subnet_ids").has_unknown() {
            self.sync_subnets(id, &str_list(prior, "subnet_ids"), &str_list(planned, "subnet_ids"))
                .await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "default network ACL", id)
    }

    /// The ACL stays in AWS, with its entries (state forgets it).
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        tracing::warn!("default network ACL {id} is left in AWS and removed from state");
        Ok(())
    }
}
