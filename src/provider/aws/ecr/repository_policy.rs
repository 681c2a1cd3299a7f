//! `aws_ecr_repository_policy`: the access policy of a repository, managed apart from it. Its
//! id is the repository's name; the policy is compared as JSON.

use super::{policy_arg, policy_state};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// What ECR answers when the repository or its policy is gone.
const GONE: &[&str] = &["RepositoryPolicyNotFoundException", "RepositoryNotFoundException"];

/// The `aws_ecr_repository_policy` resource type.
pub struct RepositoryPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl RepositoryPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RepositoryPolicy {
        let schema = resource("aws_ecr_repository_policy")
            .arg("repository")
            .force_new()
            .arg("policy")
            .check(json())
            .build();
        RepositoryPolicy { c, schema }
    }

    async fn put(&self, ctx: &CallCtx, repository: &str, planned: &Value) -> PResult<Value> {
        self.c
            .ecr
            .set_repository_policy()
            .repository_name(repository)
            .policy_text(policy_arg(planned)?)
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, repository, planned).await?,
            "policy of ECR repository",
            repository,
        )
    }
}

#[async_trait]
impl ResourceType for RepositoryPolicy {
    fn type_name(&self) -> &'static str {
        "aws_ecr_repository_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let repository = opt_str(planned, "repository").ok_or_else(|| ProviderError::msg("repository is required"))?;
        self.put(ctx, &repository, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ecr
            .get_repository_policy()
            .repository_name(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, GONE)? else {
            return Ok(None);
        };
        Ok(Some(policy_state(
            id,
            prior,
            out.policy_text(),
            out.registry_id(),
            [("repository", Value::str(id))],
        )))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(ctx, id, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ecr
            .delete_repository_policy()
            .repository_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, GONE).map(|_| ())
    }
}
