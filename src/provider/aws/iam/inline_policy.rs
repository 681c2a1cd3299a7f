//! `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`: an inline policy of a
//! role, user or group, managed on its own (id and import id `OWNER:NAME`).

use super::check_document;
use super::principal::Principal;
use crate::provider::aws::common::{must_exist, name_or_generated, name_prefix_read, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{iam_policy, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// An inline policy resource type, for one kind of owner.
pub struct InlinePolicy {
    c: Arc<Clients>,
    kind: Principal,
    type_name: &'static str,
    schema: Schema,
}

impl InlinePolicy {
    /// The type for policies of `kind` (`aws_iam_role_policy` for roles, ...).
    pub fn new(c: Arc<Clients>, kind: Principal) -> InlinePolicy {
        let type_name = match kind {
            Principal::Role => "aws_iam_role_policy",
            Principal::User => "aws_iam_user_policy",
            Principal::Group => "aws_iam_group_policy",
        };
        let mut d = resource(type_name)
            .arg(kind.arg())
            .force_new()
            .arg("name")
            .force_new()
            .arg("name_prefix")
            .force_new()
            .arg("policy")
            .check(iam_policy())
            .rule(Rule::Conflicts(&["name", "name_prefix"]));
        if kind == Principal::Role {
            // Only role policy names are checked by the provider; IAM checks the others.
            d = d
                .arg("name")
                .check(matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only"));
        }
        let schema = d.build();
        InlinePolicy {
            c,
            kind,
            type_name,
            schema,
        }
    }

    fn split_id<'a>(&self, id: &'a str) -> PResult<(&'a str, &'a str)> {
        id.split_once(':').ok_or_else(|| {
            ProviderError::msg(format!(
                "invalid {} id \"{id}\": expected {}:NAME",
                self.type_name,
                self.kind.arg().to_uppercase()
            ))
        })
    }
}

#[async_trait]
impl ResourceType for InlinePolicy {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        super::lint::json_policy(config.get("policy"))
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let owner = opt_str(planned, self.kind.arg())
            .ok_or_else(|| ProviderError::msg(format!("{} is required", self.kind.arg())))?;
        let name = name_or_generated(planned, "terraform-", 26);
        let doc = check_document("policy", planned)?;
        self.kind.put_inline(&self.c, &owner, &name, &doc).await?;
        let id = format!("{owner}:{name}");
        must_exist(self.read(ctx, &id, planned).await?, "inline policy", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (owner, name) = self.split_id(id)?;
        let Some(doc) = self.kind.get_inline(&self.c, owner, name).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            (self.kind.arg(), Value::str(owner)),
            ("name", Value::str(name)),
            ("name_prefix", name_prefix_read(prior, Some(name), "")),
            ("policy", Value::str(doc)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (owner, name) = self.split_id(id)?;
        let doc = check_document("policy", planned)?;
        self.kind.put_inline(&self.c, owner, name, &doc).await?;
        must_exist(self.read(ctx, id, planned).await?, "inline policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (owner, name) = self.split_id(id)?;
        self.kind.delete_inline(&self.c, owner, name).await
    }
}
