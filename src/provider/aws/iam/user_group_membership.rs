//! `aws_iam_user_group_membership`: some of a user's groups (others, added elsewhere, are left
//! alone). The id is generated, as the provider's; the import id is `USER/GROUP1/GROUP2...`.
//! Adding a user to a group it is in already is a no-op for IAM, so a resumed create needs no
//! adoption.

use super::principal::next_marker;
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, ok_on, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_user_group_membership` resource type.
pub struct UserGroupMembership {
    c: Arc<Clients>,
    schema: Schema,
}

impl UserGroupMembership {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UserGroupMembership {
        let schema = resource("aws_iam_user_group_membership")
            .arg("user")
            .force_new()
            .args(&["groups"])
            .build();
        UserGroupMembership { c, schema }
    }

    /// The user's groups; `None` when the user is gone.
    async fn groups_of(&self, user: &str) -> PResult<Option<Vec<String>>> {
        let mut groups = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .list_groups_for_user()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(out, &["NoSuchEntity"])? else {
                return Ok(None);
            };
            groups.extend(out.groups().iter().map(|g| g.group_name().to_string()));
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                return Ok(Some(groups));
            }
        }
    }

    async fn converge(&self, user: &str, old: &[String], new: &[String]) -> PResult<()> {
        for group in old.iter().filter(|g| !new.contains(g)) {
            let r = self
                .c
                .iam
                .remove_user_from_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, &["NoSuchEntity"])?;
        }
        for group in new.iter().filter(|g| !old.contains(g)) {
            self.c
                .iam
                .add_user_to_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .map_err(aws_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ResourceType for UserGroupMembership {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_group_membership"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let user = required(planned, "user")?;
        self.converge(&user, &[], &str_list(planned, "groups")).await?;
        let id = format!("terraform-{}", &uuid::Uuid::new_v4().simple().to_string()[..26]);
        must_exist(self.read(ctx, &id, planned).await?, "user group membership", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // Refresh knows the user and groups from state; an import from its id.
        let (id, user, wanted) = match opt_str(prior, "user") {
            Some(user) => (id.to_string(), user, str_list(prior, "groups")),
            None => {
                let mut parts = id.split('/').map(str::to_string);
                let (Some(user), groups) = (parts.next(), parts.collect::<Vec<_>>()) else {
                    return Err(ProviderError::msg(format!(
                        "invalid import id \"{id}\": expected USER/GROUP1/GROUP2..."
                    )));
                };
                if groups.is_empty() {
                    return Err(ProviderError::msg(format!(
                        "invalid import id \"{id}\": expected USER/GROUP1/GROUP2..."
                    )));
                }
                let id = format!("terraform-{}", &uuid::Uuid::new_v4().simple().to_string()[..26]);
                (id, user, groups)
            }
        };
        let Some(groups) = self.groups_of(&user).await? else {
            return Ok(None);
        };
        let kept: Vec<String> = groups.into_iter().filter(|g| wanted.contains(g)).collect();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("user", Value::str(user)),
            ("groups", list_value(kept)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let user = required(planned, "user")?;
        self.converge(&user, &str_list(prior, "groups"), &str_list(planned, "groups"))
            .await?;
        must_exist(self.read(ctx, id, planned).await?, "user group membership", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let Some(user) = opt_str(prior, "user") else {
            return Ok(());
        };
        let r = self.converge(&user, &str_list(prior, "groups"), &[]).await;
        ok_on(r, &["NoSuchEntity"])
    }
}
