//! `aws_iam_policy_attachment`: a managed policy attached to a set of users, roles and groups,
//! exclusively, as the provider documents it: the resource owns every attachment of that policy
//! in the account, so one made elsewhere (another resource, the console) shows as drift and the
//! next apply detaches it. The id is the `name`; the provider offers no import, and neither does
//! infractl. Creating again what a killed run began attaches the same policies again, which IAM
//! takes as a no-op.

use super::principal::{next_marker, Principal};
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_policy_attachment` resource type.
pub struct PolicyAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

/// The three argument sets, with the kind of identity each names.
const SETS: [(&str, Principal); 3] = [
    ("users", Principal::User),
    ("roles", Principal::Role),
    ("groups", Principal::Group),
];

impl PolicyAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PolicyAttachment {
        let schema = resource("aws_iam_policy_attachment")
            .arg("name")
            .force_new()
            .check(matches(r"(?s).", "a name that is not empty"))
            .arg("policy_arn")
            .force_new()
            .check(arn())
            .args(&["users", "roles", "groups"])
            .rule(Rule::AtLeastOne(&["users", "roles", "groups"]))
            .build();
        PolicyAttachment { c, schema }
    }

    /// Every user, role and group the policy is attached to; `None` when the policy is gone.
    async fn entities(&self, policy: &str) -> PResult<Option<[Vec<String>; 3]>> {
        let mut found: [Vec<String>; 3] = Default::default();
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .list_entities_for_policy()
                .policy_arn(policy)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(out, &["NoSuchEntity"])? else {
                return Ok(None);
            };
            found[0].extend(
                out.policy_users()
                    .iter()
                    .filter_map(|u| u.user_name().map(str::to_string)),
            );
            found[1].extend(
                out.policy_roles()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_string)),
            );
            found[2].extend(
                out.policy_groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string)),
            );
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                return Ok(Some(found));
            }
        }
    }

    /// Attaches what `new` has and `old` lacks, detaches the reverse.
    async fn converge(&self, policy: &str, old: &Value, new: &Value) -> PResult<()> {
        for (set, kind) in SETS {
            let (was, will) = (str_list(old, set), str_list(new, set));
            for who in was.iter().filter(|w| !will.contains(w)) {
                kind.detach(&self.c, who, policy).await?;
            }
            for who in will.iter().filter(|w| !was.contains(w)) {
                kind.attach(&self.c, who, policy).await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for PolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let policy = required(planned, "policy_arn")?;
        self.converge(&policy, &Value::Null, planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "policy attachment", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(policy) = opt_str(prior, "policy_arn") else {
            return Err(ProviderError::msg(
                "aws_iam_policy_attachment cannot be imported (the AWS provider has no import for it either): \
                 declare it and apply, which attaches the policy to exactly the entities it names",
            ));
        };
        let Some([users, roles, groups]) = self.entities(&policy).await? else {
            return Ok(None);
        };
        if users.is_empty() && roles.is_empty() && groups.is_empty() {
            return Ok(None);
        }
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("policy_arn", Value::str(policy)),
            ("users", list_value(users)),
            ("roles", list_value(roles)),
            ("groups", list_value(groups)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let policy = required(planned, "policy_arn")?;
        self.converge(&policy, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "policy attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let Some(policy) = opt_str(prior, "policy_arn") else {
            return Ok(());
        };
        self.converge(&policy, prior, &Value::Null).await
    }
}
