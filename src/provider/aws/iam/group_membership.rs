//! `aws_iam_group_membership`: the users of a group, exclusively (a user added to the group
//! elsewhere shows as drift and is removed by the next apply). The id is the `name`; like the
//! provider, infractl offers no import of it. Adding users a killed run already added is a no-op
//! for IAM, so a resumed create needs no adoption.

use super::principal::next_marker;
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, ok_on, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_group_membership` resource type.
pub struct GroupMembership {
    c: Arc<Clients>,
    schema: Schema,
}

impl GroupMembership {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> GroupMembership {
        let schema = resource("aws_iam_group_membership")
            .arg("name")
            .force_new()
            .arg("group")
            .force_new()
            .args(&["users"])
            .build();
        GroupMembership { c, schema }
    }

    /// Every user of the group; `None` when the group is gone.
    async fn members(&self, group: &str) -> PResult<Option<Vec<String>>> {
        let mut users = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .get_group()
                .group_name(group)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(out, &["NoSuchEntity"])? else {
                return Ok(None);
            };
            users.extend(out.users().iter().map(|u| u.user_name().to_string()));
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                return Ok(Some(users));
            }
        }
    }

    async fn converge(&self, group: &str, old: &[String], new: &[String]) -> PResult<()> {
        for user in old.iter().filter(|u| !new.contains(u)) {
            let r = self
                .c
                .iam
                .remove_user_from_group()
                .group_name(group)
                .user_name(user)
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, &["NoSuchEntity"])?;
        }
        for user in new.iter().filter(|u| !old.contains(u)) {
            self.c
                .iam
                .add_user_to_group()
                .group_name(group)
                .user_name(user)
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for GroupMembership {
    fn type_name(&self) -> &'static str {
        "aws_iam_group_membership"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let group = required(planned, "group")?;
        self.converge(&group, &[], &str_list(planned, "users")).await?;
        must_exist(self.read(ctx, &name, planned).await?, "group membership", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(group) = opt_str(prior, "group") else {
            return Err(ProviderError::msg(
                "aws_iam_group_membership cannot be imported (the AWS provider has no import for it either): \
                 declare it and apply, which makes the group's users exactly those it names",
            ));
        };
        let Some(users) = self.members(&group).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::str(id)),
            ("group", Value::str(group)),
            ("users", list_value(users)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let group = required(planned, "group")?;
        self.converge(&group, &str_list(prior, "users"), &str_list(planned, "users"))
            .await?;
        must_exist(self.read(ctx, id, planned).await?, "group membership", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let Some(group) = opt_str(prior, "group") else {
            return Ok(());
        };
        let r = self.converge(&group, &str_list(prior, "users"), &[]).await;
        ok_on(r, &["NoSuchEntity"])
    }
}
