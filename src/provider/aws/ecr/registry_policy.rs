//! `aws_ecr_registry_policy`: the account's registry permissions policy (one per registry and
//! region). Its id is the registry id, the account id; the policy is compared as JSON.

use crate::provider::aws::attached::policy_attr;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// What ECR answers when the registry has no policy.
const GONE: &[&str] = &["RegistryPolicyNotFoundException"];

/// The `aws_ecr_registry_policy` resource type.
pub struct RegistryPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl RegistryPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RegistryPolicy {
        let schema = resource("aws_ecr_registry_policy").arg("policy").check(json()).build();
        RegistryPolicy { c, schema }
    }

    async fn put(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ecr
            .put_registry_policy()
            .policy_text(required(planned, "policy")?)
            .send()
            .await
            .map_err(aws_err)?;
        let id = match out.registry_id() {
            Some(id) => id.to_string(),
            None => self.c.account_id().await?,
        };
        must_exist(self.read(ctx, &id, planned).await?, "ECR registry policy", &id)
    }
}

#[async_trait]
impl ResourceType for RegistryPolicy {
    fn type_name(&self) -> &'static str {
        "aws_ecr_registry_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.put(ctx, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self.c.ecr.get_registry_policy().send().await.map_err(aws_err);
        let Some(out) = absent_on(r, GONE)? else {
            return Ok(None);
        };
        let (policy, text) = policy_attr(prior, out.policy_text());
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            (policy.as_str(), text),
            ("registry_id", Value::from(out.registry_id())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(ctx, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.ecr.delete_registry_policy().send().await.map_err(aws_err);
        absent_on(r, GONE).map(|_| ())
    }
}
