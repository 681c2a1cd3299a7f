//! `aws_default_security_group`: a VPC's default security group, adopted rather than created.
//!
//! As the provider does: "create" takes over the `default` group of `vpc_id` (without
//! `vpc_id`, of the region's default VPC), sets its tags to the blueprint's, revokes every rule
//! it has (AWS's allow-from-itself and allow-all-out included) and adds the blueprint's; from
//! then on its rules are managed as `aws_security_group`'s. "Destroy" only forgets it: a VPC's
//! default group lives as long as the VPC. The group is found by name, so a killed run adopts
//! it again without tags.

use super::security_group::{declare_rules, group_value, revoke, rule_schema, sync_rules};
use super::update_tags;
use crate::provider::aws::common::{aws_err, must_exist, opt_bool, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, SecurityGroup as Ec2SecurityGroup};
use std::sync::Arc;

/// The `aws_default_security_group` resource type.
pub struct DefaultSecurityGroup {
    c: Arc<Clients>,
    schema: Schema,
}

impl DefaultSecurityGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DefaultSecurityGroup {
        let schema = resource("aws_default_security_group")
            .arg("vpc_id")
            .force_new()
            .arg("revoke_rules_on_delete")
            .default(false)
            .args(&["tags"]);
        let schema = declare_rules(schema).build();
        DefaultSecurityGroup { c, schema }
    }

    async fn describe(&self, filters: Vec<Filter>) -> PResult<Option<Ec2SecurityGroup>> {
        let out = self
            .c
            .ec2
            .describe_security_groups()
            .set_filters(Some(filters))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.security_groups().first().cloned())
    }

    /// The `default` group of `vpc_id`, or of the region's default VPC.
    async fn find(&self, vpc_id: Option<String>) -> PResult<Ec2SecurityGroup> {
        let vpc_id = match vpc_id {
            Some(v) => v,
            None => self
                .c
                .ec2
                .describe_vpcs()
                .filters(Filter::builder().name("isDefault").values("true").build())
                .send()
                .await
                .map_err(aws_err)?
                .vpcs()
                .first()
                .and_then(|v| v.vpc_id())
                .map(str::to_string)
                .ok_or_else(|| ProviderError::msg("no vpc_id given and the region has no default VPC"))?,
        };
        self.describe(vec![
            Filter::builder().name("group-name").values("default").build(),
            Filter::builder().name("vpc-id").values(&vpc_id).build(),
        ])
        .await?
        .ok_or_else(|| ProviderError::msg(format!("VPC {vpc_id} has no default security group")))
    }

    fn value(&self, id: &str, g: &Ec2SecurityGroup, prior: &Value) -> Value {
        let mut v = group_value(&self.c.region, id, g, prior);
        if let Value::Object(m) = &mut v {
            // Computed-only here: the default group's name is `default`, and it has no prefix.
            m.insert("name_prefix".into(), Value::str(""));
        }
        v
    }
}

#[async_trait]
impl ResourceType for DefaultSecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_default_security_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let g = self.find(opt_str(planned, "vpc_id")).await?;
        let id = g
            .group_id()
            .ok_or_else(|| ProviderError::msg("the default security group has no id"))?
            .to_string();
        let current = self.value(&id, &g, &Value::Null);
        update_tags(&self.c.ec2, &id, &current, planned).await?;
        // Every rule the group has goes, then the blueprint's come.
        let empty = Vec::new();
        let rule = rule_schema(&self.schema);
        for (block, egress) in [("ingress", false), ("egress", true)] {
            revoke(&self.c, &id, egress, current.get(block).as_list().unwrap_or(&empty)).await?;
            let wanted = planned.get(block).as_list().unwrap_or(&empty);
            sync_rules(&self.c, &rule, &id, egress, &[], wanted).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "default security group", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ec2
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = crate::provider::aws::common::absent_on(r, &["InvalidGroup.NotFound"])? else {
            return Ok(None);
        };
        Ok(out.security_groups().first().map(|g| self.value(id, g, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let empty = Vec::new();
        let rule = rule_schema(&self.schema);
        for (block, egress) in [("ingress", false), ("egress", true)] {
            if let Some(new) = planned.get(block).as_list() {
                let old = prior.get(block).as_list().unwrap_or(&empty);
                sync_rules(&self.c, &rule, id, egress, old, new).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        let mut v = must_exist(self.read(ctx, id, planned).await?, "default security group", id)?;
        if let Value::Object(m) = &mut v {
            m.insert(
                "revoke_rules_on_delete".into(),
                Value::Bool(opt_bool(planned, "revoke_rules_on_delete") == Some(true)),
            );
        }
        Ok(v)
    }

    /// The group stays in AWS, with its rules (state forgets it).
    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        tracing::warn!("default security group {id} is left in AWS and removed from state");
        Ok(())
    }
}
