//! `aws_iam_instance_profile`: the container that hands a role to EC2 instances. The role
//! changes in place (removed, then the new one added); name and path replace.

use super::iam_tags;
use super::principal::next_marker;
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, name_or_generated, name_prefix_read, ok_on, opt_str, owns,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{len_between, matches, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_iam::types::InstanceProfile as Profile;
use std::sync::Arc;

/// IAM's code for a missing profile or role.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The `aws_iam_instance_profile` resource type.
pub struct InstanceProfile {
    c: Arc<Clients>,
    schema: Schema,
}

impl InstanceProfile {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> InstanceProfile {
        let chars = || matches(r"^[\w+=,.@-]*$", "letters, digits and + = , . @ _ - only");
        let schema = resource("aws_iam_instance_profile")
            .arg("name")
            .force_new()
            .check(len_between(1, 128))
            .check(chars())
            .arg("name_prefix")
            .force_new()
            .check(len_between(1, 102))
            .check(chars())
            .arg("path")
            .force_new()
            .default("/")
            .args(&["role", "tags"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .build();
        InstanceProfile { c, schema }
    }

    async fn get(&self, name: &str) -> PResult<Option<Profile>> {
        let out = self
            .c
            .iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, ABSENT)?.and_then(|o| o.instance_profile().cloned()))
    }

    async fn add_role(&self, profile: &str, role: &str) -> PResult<()> {
        self.c
            .iam
            .add_role_to_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn remove_role(&self, profile: &str, role: &str) -> PResult<()> {
        let r = self
            .c
            .iam
            .remove_role_from_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    fn owned_by(p: &Profile, ctx: &CallCtx) -> bool {
        owns(p.tags().iter().map(|t| (t.key(), t.value())), ctx)
    }
}

#[async_trait]
impl ResourceType for InstanceProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        self.c
            .iam
            .create_instance_profile()
            .instance_profile_name(&name)
            .path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        if let Some(role) = opt_str(planned, "role") {
            self.add_role(&name, &role).await?;
        }
        must_exist(self.read(ctx, &name, planned).await?, "instance profile", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(p) = self.get(id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(p.instance_profile_name())),
            ("name", Value::str(p.instance_profile_name())),
            (
                "name_prefix",
                name_prefix_read(prior, Some(p.instance_profile_name()), ""),
            ),
            ("path", Value::str(p.path())),
            (
                "role",
                Value::from(p.roles().first().map(|r| r.role_name().to_string())),
            ),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(p.tags().iter().map(|t| (t.key().to_string(), t.value().to_string()))),
            ),
            ("arn", Value::str(p.arn())),
            ("unique_id", Value::str(p.instance_profile_id())),
            ("create_date", Value::str(p.create_date().to_string())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("role") != planned.get("role") {
            if let Some(old) = opt_str(prior, "role") {
                self.remove_role(id, &old).await?;
            }
            if let Some(new) = opt_str(planned, "role") {
                self.add_role(id, &new).await?;
            }
        }
        let iam = &self.c.iam;
        super::sync_iam_tags!(
            *iam,
            untag_instance_profile,
            tag_instance_profile,
            instance_profile_name,
            id,
            prior,
            planned
        )?;
        must_exist(self.read(ctx, id, planned).await?, "instance profile", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let Some(p) = self.get(id).await? else {
            return Ok(());
        };
        for r in p.roles() {
            self.remove_role(id, r.role_name()).await?;
        }
        let r = self
            .c
            .iam
            .delete_instance_profile()
            .instance_profile_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        if let Some(name) = opt_str(planned, "name") {
            let p = self.get(&name).await?;
            return Ok(p.filter(|p| Self::owned_by(p, ctx)).map(|_| name));
        }
        // A generated name: the profiles with the blueprint's prefix (listings carry no tags).
        let prefix = opt_str(planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .list_instance_profiles()
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err)?;
            for candidate in out.instance_profiles() {
                let name = candidate.instance_profile_name();
                if !name.starts_with(&prefix) {
                    continue;
                }
                if let Some(p) = self.get(name).await? {
                    if Self::owned_by(&p, ctx) {
                        return Ok(Some(name.to_string()));
                    }
                }
            }
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                return Ok(None);
            }
        }
    }
}
