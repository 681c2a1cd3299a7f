//! `aws_iam_user`: an IAM user. Its name and path change in place (`UpdateUser`), and the id,
//! which is the name, follows. Deleting removes it from its groups first, and with
//! `force_destroy` also its access keys, login profile, MFA devices, SSH keys and signing
//! certificates, as the provider does.

use super::principal::next_marker;
use super::{iam_tags, to_iam_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_bool, opt_str, owns, required, sync_tags, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// IAM's code for a missing user (or a part of one).
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The `aws_iam_user` resource type.
pub struct User {
    c: Arc<Clients>,
    schema: Schema,
}

/// The characters IAM allows in user and group names.
pub fn iam_name() -> crate::schema::validators::Validator {
    matches(
        r"^[0-9A-Za-z=,.@\-_+]+$",
        "alphanumeric characters, hyphens, underscores, commas, periods, @ symbols, plus and equals signs only",
    )
}

impl User {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> User {
        let schema = resource("aws_iam_user")
            .arg("name")
            .check(iam_name())
            .arg("path")
            .default("/")
            .arg("permissions_boundary")
            .check(len_between(0, 2048))
            .arg("force_destroy")
            .default(false)
            .args(&["tags"])
            .build();
        User { c, schema }
    }

    async fn get(&self, name: &str) -> PResult<Option<aws_sdk_iam::types::User>> {
        let out = absent_on(
            self.c.iam.get_user().user_name(name).send().await.map_err(aws_err),
            ABSENT,
        )?;
        Ok(out.and_then(|o| o.user().cloned()))
    }

    /// What `force_destroy` removes: credentials and devices IAM refuses to delete a user with.
    async fn remove_credentials(&self, name: &str) -> PResult<()> {
        let iam = &self.c.iam;
        let keys = iam.list_access_keys().user_name(name).send().await.map_err(aws_err)?;
        for k in keys.access_key_metadata() {
            if let Some(id) = k.access_key_id() {
                let r = iam
                    .delete_access_key()
                    .user_name(name)
                    .access_key_id(id)
                    .send()
                    .await
                    .map_err(aws_err);
                ok_on(r, ABSENT)?;
            }
        }
        let r = iam.delete_login_profile().user_name(name).send().await.map_err(aws_err);
        ok_on(r, ABSENT)?;
        let devices = iam.list_mfa_devices().user_name(name).send().await.map_err(aws_err)?;
        for d in devices.mfa_devices() {
            let r = iam
                .deactivate_mfa_device()
                .user_name(name)
                .serial_number(d.serial_number())
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, ABSENT)?;
        }
        let ssh = iam
            .list_ssh_public_keys()
            .user_name(name)
            .send()
            .await
            .map_err(aws_err)?;
        for k in ssh.ssh_public_keys() {
            let r = iam
                .delete_ssh_public_key()
                .user_name(name)
                .ssh_public_key_id(k.ssh_public_key_id())
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, ABSENT)?;
        }
        let certs = iam
            .list_signing_certificates()
            .user_name(name)
            .send()
            .await
            .map_err(aws_err)?;
        for cert in certs.certificates() {
            let r = iam
                .delete_signing_certificate()
                .user_name(name)
                .certificate_id(cert.certificate_id())
                .send()
                .await
                .map_err(aws_err);
            ok_on(r, ABSENT)?;
        }
        Ok(())
    }

    /// Takes the user out of every group (IAM refuses to delete a member).
    async fn leave_groups(&self, name: &str) -> PResult<()> {
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .list_groups_for_user()
                .user_name(name)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(out, ABSENT)? else {
                return Ok(());
            };
            for g in out.groups() {
                let r = self
                    .c
                    .iam
                    .remove_user_from_group()
                    .user_name(name)
                    .group_name(g.group_name())
                    .send()
                    .await
                    .map_err(aws_err);
                ok_on(r, ABSENT)?;
            }
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                return Ok(());
            }
        }
    }
}

#[async_trait]
impl ResourceType for User {
    fn type_name(&self) -> &'static str {
        "aws_iam_user"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.c
            .iam
            .create_user()
            .user_name(&name)
            .path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .set_permissions_boundary(opt_str(planned, "permissions_boundary"))
            .set_tags(Some(iam_tags(ctx, planned)?))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "user", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(u) = self.get(id).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(u.user_name())),
            ("name", Value::str(u.user_name())),
            ("path", Value::str(u.path())),
            (
                "permissions_boundary",
                Value::from(
                    u.permissions_boundary()
                        .and_then(|b| b.permissions_boundary_arn())
                        .map(str::to_string),
                ),
            ),
            (
                "force_destroy",
                Value::Bool(opt_bool(prior, "force_destroy").unwrap_or(false)),
            ),
            ("tags", configured_tags(prior)),
            (
                "tags_all",
                user_tags(u.tags().iter().map(|t| (t.key().to_string(), t.value().to_string()))),
            ),
            ("arn", Value::str(u.arn())),
            ("unique_id", Value::str(u.user_id())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut name = id.to_string();
        if changed("name") || changed("path") {
            let new = opt_str(planned, "name").unwrap_or_else(|| id.to_string());
            self.c
                .iam
                .update_user()
                .user_name(id)
                .set_new_user_name((new != id).then(|| new.clone()))
                .new_path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
                .send()
                .await
                .map_err(aws_err)?;
            name = new;
        }
        if changed("permissions_boundary") {
            match opt_str(planned, "permissions_boundary") {
                Some(b) => self
                    .c
                    .iam
                    .put_user_permissions_boundary()
                    .user_name(&name)
                    .permissions_boundary(b)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)?,
                None => self
                    .c
                    .iam
                    .delete_user_permissions_boundary()
                    .user_name(&name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)?,
            }
        }
        let iam = &self.c.iam;
        sync_tags(
            prior,
            planned,
            |keys| async {
                iam.untag_user()
                    .user_name(&name)
                    .set_tag_keys(Some(keys))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            },
            |tags| async {
                iam.tag_user()
                    .user_name(&name)
                    .set_tags(Some(to_iam_tags(tags)?))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            },
        )
        .await?;
        must_exist(self.read(ctx, &name, planned).await?, "user", &name)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        self.leave_groups(id).await?;
        if opt_bool(prior, "force_destroy") == Some(true) {
            self.remove_credentials(id).await?;
        }
        let r = self.c.iam.delete_user().user_name(id).send().await.map_err(aws_err);
        match r {
            Err(e) if e.code.as_deref() == Some("DeleteConflict") => Err(ProviderError {
                code: e.code,
                message: format!(
                    "{}. Set force_destroy = true to remove its access keys, login profile and MFA devices too.",
                    e.message.trim_end_matches('.')
                ),
            }),
            r => ok_on(r, ABSENT),
        }
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(u) = self.get(&name).await? else {
            return Ok(None);
        };
        let tags: Vec<(&str, &str)> = u.tags().iter().map(|t| (t.key(), t.value())).collect();
        // CreateUser writes the tags with the user: one without them was made by someone else.
        Ok(owns(tags, ctx).then_some(name))
    }
}
