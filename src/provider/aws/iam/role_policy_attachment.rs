//! `aws_iam_role_policy_attachment`: a managed policy attached to a role (id `role/arn`; the
//! AWS provider's ids are unique names made from the role, `<role>-<timestamp>`, and an
//! attachment with one such id is found by its `role` and `policy_arn` in state).

use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_role_policy_attachment` resource type.
pub struct RolePolicyAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

impl RolePolicyAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RolePolicyAttachment {
        let schema = resource("aws_iam_role_policy_attachment")
            .arg("role")
            .force_new()
            .arg("policy_arn")
            .force_new()
            .arg("policy_arn")
            .check(arn())
            .build();
        RolePolicyAttachment { c, schema }
    }
}

fn split_id(id: &str) -> PResult<(&str, &str)> {
    id.split_once('/')
        .filter(|(_, arn)| arn.starts_with("arn:"))
        .ok_or_else(|| ProviderError::msg(format!("invalid attachment id \"{id}\": expected ROLE/POLICY_ARN")))
}

/// The role and policy of an attachment: from an id `ROLE/POLICY_ARN`, else (an id the AWS
/// provider made) from what state records.
fn parts(id: &str, prior: &Value) -> PResult<(String, String)> {
    if let Ok((role, arn)) = split_id(id) {
        return Ok((role.to_string(), arn.to_string()));
    }
    match (opt_str(prior, "role"), opt_str(prior, "policy_arn")) {
        (Some(role), Some(arn)) => Ok((role, arn)),
        _ => split_id(id).map(|(r, a)| (r.to_string(), a.to_string())),
    }
}

#[async_trait]
impl ResourceType for RolePolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let role = opt_str(planned, "role").ok_or_else(|| ProviderError::msg("role is required"))?;
        let arn = opt_str(planned, "policy_arn").ok_or_else(|| ProviderError::msg("policy_arn is required"))?;
        self.c
            .iam
            .attach_role_policy()
            .role_name(&role)
            .policy_arn(&arn)
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("{role}/{arn}");
        self.read(ctx, &id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("attachment {id} not found right after it was made")))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (role, arn) = parts(id, prior)?;
        let out = self
            .c
            .iam
            .list_attached_role_policies()
            .role_name(&role)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["NoSuchEntity"])? else {
            return Ok(None);
        };
        let attached = out
            .attached_policies()
            .iter()
            .any(|p| p.policy_arn() == Some(arn.as_str()));
        Ok(attached.then(|| {
            Value::object([
                ("id", Value::str(id)),
                ("role", Value::str(&role)),
                ("policy_arn", Value::str(&arn)),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing is updated in place.
        self.read(ctx, id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("attachment {id} vanished")))
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (role, arn) = parts(id, prior)?;
        let r = self
            .c
            .iam
            .detach_role_policy()
            .role_name(&role)
            .policy_arn(&arn)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchEntity"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(role), Some(arn)) = (opt_str(planned, "role"), opt_str(planned, "policy_arn")) else {
            return Ok(None);
        };
        let id = format!("{role}/{arn}");
        Ok(self.read(ctx, &id, planned).await?.map(|_| id))
    }
}
