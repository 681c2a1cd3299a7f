//! `aws_ecr_pull_through_cache_rule`: a registry rule that caches an upstream registry's images
//! (ECR Public, Quay, Docker Hub, another ECR registry...) under a repository prefix. Its id is
//! the prefix; the credential secret and custom role change in place, the rest replaces it, as
//! in the provider.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, len_between, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// What ECR answers for a prefix that has no rule.
const GONE: &[&str] = &["PullThroughCacheRuleNotFoundException"];

/// A repository prefix as the provider validates it: `ROOT`, or path segments of lower-case
/// letters and digits joined by `.`, `_`, `-`.
const PREFIX_PATTERN: &str = r"^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$";

/// What the pattern allows, for the error.
const PREFIX_RULE: &str = "'ROOT' or only alphanumeric, underscore, period, hyphen, or slash characters";

/// The `aws_ecr_pull_through_cache_rule` resource type.
pub struct PullThroughCacheRule {
    c: Arc<Clients>,
    schema: Schema,
}

impl PullThroughCacheRule {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PullThroughCacheRule {
        let schema = resource("aws_ecr_pull_through_cache_rule")
            .arg("ecr_repository_prefix")
            .force_new()
            .check(len_between(2, 30))
            .check(matches(PREFIX_PATTERN, PREFIX_RULE))
            .arg("upstream_registry_url")
            .force_new()
            .arg("upstream_repository_prefix")
            .force_new()
            .check(len_between(2, 30))
            .check(matches(PREFIX_PATTERN, PREFIX_RULE))
            .arg("credential_arn")
            .check(arn())
            .arg("custom_role_arn")
            .check(arn())
            .build();
        PullThroughCacheRule { c, schema }
    }
}

#[async_trait]
impl ResourceType for PullThroughCacheRule {
    fn type_name(&self) -> &'static str {
        "aws_ecr_pull_through_cache_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let prefix = required(planned, "ecr_repository_prefix")?;
        self.c
            .ecr
            .create_pull_through_cache_rule()
            .ecr_repository_prefix(&prefix)
            .upstream_registry_url(required(planned, "upstream_registry_url")?)
            .set_credential_arn(opt_str(planned, "credential_arn"))
            .set_custom_role_arn(opt_str(planned, "custom_role_arn"))
            .set_upstream_repository_prefix(opt_str(planned, "upstream_repository_prefix"))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, &prefix, planned).await?,
            "ECR pull through cache rule",
            &prefix,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ecr
            .describe_pull_through_cache_rules()
            .ecr_repository_prefixes(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, GONE)? else {
            return Ok(None);
        };
        let Some(rule) = out
            .pull_through_cache_rules()
            .iter()
            .find(|r| r.ecr_repository_prefix() == Some(id))
        else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("ecr_repository_prefix", Value::from(rule.ecr_repository_prefix())),
            ("upstream_registry_url", Value::from(rule.upstream_registry_url())),
            (
                "upstream_repository_prefix",
                Value::from(rule.upstream_repository_prefix()),
            ),
            ("credential_arn", Value::from(rule.credential_arn())),
            ("custom_role_arn", Value::from(rule.custom_role_arn())),
            ("registry_id", Value::from(rule.registry_id())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.c
            .ecr
            .update_pull_through_cache_rule()
            .ecr_repository_prefix(id)
            .set_credential_arn(opt_str(planned, "credential_arn").filter(|s| !s.is_empty()))
            .set_custom_role_arn(opt_str(planned, "custom_role_arn").filter(|s| !s.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "ECR pull through cache rule", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ecr
            .delete_pull_through_cache_rule()
            .ecr_repository_prefix(id)
            .set_registry_id(opt_str(prior, "registry_id"))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, GONE).map(|_| ())
    }
}
