//! `aws_ecr_lifecycle_policy`: the image expiry rules of a repository (compared as JSON).

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_ecr_lifecycle_policy` resource type.
pub struct LifecyclePolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl LifecyclePolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LifecyclePolicy {
        let schema = resource("aws_ecr_lifecycle_policy")
            .arg("repository")
            .force_new()
            .arg("policy")
            .check(json())
            .build();
        LifecyclePolicy { c, schema }
    }

    async fn put(&self, repository: &str, v: &Value) -> PResult<()> {
        let policy = opt_str(v, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        serde_json::from_str::<serde_json::Value>(&policy)
            .map_err(|e| ProviderError::msg(format!("policy is not valid JSON: {e}")))?;
        self.c
            .ecr
            .put_lifecycle_policy()
            .repository_name(repository)
            .lifecycle_policy_text(policy)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for LifecyclePolicy {
    fn type_name(&self) -> &'static str {
        "aws_ecr_lifecycle_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let repository = opt_str(planned, "repository").ok_or_else(|| ProviderError::msg("repository is required"))?;
        self.put(&repository, planned).await?;
        must_exist(
            self.read(ctx, &repository, planned).await?,
            "lifecycle policy of repository",
            &repository,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let out = self
            .c
            .ecr
            .get_lifecycle_policy()
            .repository_name(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(
            out,
            &["LifecyclePolicyNotFoundException", "RepositoryNotFoundException"],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("repository", Value::str(id)),
            ("policy", Value::from(out.lifecycle_policy_text().map(str::to_string))),
            ("registry_id", Value::from(out.registry_id().map(str::to_string))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "lifecycle policy of repository", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ecr
            .delete_lifecycle_policy()
            .repository_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["LifecyclePolicyNotFoundException", "RepositoryNotFoundException"]).map(|_| ())
    }
}
