//! `aws_iam_role_policy`: an inline policy of a role, managed on its own (id `role:name`).

use super::{check_document, decode_document};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, name_or_generated, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{iam_policy, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_role_policy` resource type.
pub struct RolePolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl RolePolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RolePolicy {
        let schema = resource("aws_iam_role_policy")
            .arg("role")
            .force_new()
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("policy")
            .check(iam_policy())
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .arg("name")
            .check(matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only"))
            .build();
        RolePolicy { c, schema }
    }

    async fn put(&self, role: &str, name: &str, v: &Value) -> PResult<()> {
        let doc = check_document("policy", v)?;
        self.c
            .iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(doc)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

fn split_id(id: &str) -> PResult<(&str, &str)> {
    id.split_once(':')
        .ok_or_else(|| ProviderError::msg(format!("invalid role policy id \"{id}\": expected ROLE:NAME")))
}

#[async_trait]
impl ResourceType for RolePolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        super::lint::json_policy(config.get("policy"))
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let role = opt_str(planned, "role").ok_or_else(|| ProviderError::msg("role is required"))?;
        let name = name_or_generated(planned, "terraform-", 26);
        self.put(&role, &name, planned).await?;
        let id = format!("{role}:{name}");
        must_exist(self.read(ctx, &id, planned).await?, "role policy", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (role, name) = split_id(id)?;
        let out = self
            .c
            .iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, &["NoSuchEntity"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("role", Value::str(role)),
            ("name", Value::str(name)),
            ("name_prefix", prior.get("name_prefix").clone()),
            ("policy", Value::str(decode_document(out.policy_document()))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (role, name) = split_id(id)?;
        self.put(role, name, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "role policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (role, name) = split_id(id)?;
        let r = self
            .c
            .iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NoSuchEntity"]).map(|_| ())
    }
}
