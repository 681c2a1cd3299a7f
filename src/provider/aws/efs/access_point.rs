//! `aws_efs_access_point`: an application entry point into a file system (a POSIX identity and
//! a root directory), as the provider's `resourceAccessPoint` makes it. Created and waited for
//! until `available`; only tags change in place (the POSIX user and root directory replace
//! it); delete waits until it is gone.

use super::{efs_tags, file_system_arn, sync_efs_tags, tag_pairs, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, first, must_exist, ok_on, opt_str, owns, required, tags_to_write,
    user_tags, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{AccessPointDescription, CreationInfo, LifeCycleState, PosixUser, RootDirectory};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_efs_access_point` resource type.
pub struct AccessPoint {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider waits for an access point to become available or go.
const WAIT: Duration = Duration::from_secs(600);

impl AccessPoint {
    /// Creates the type with its clients; ForceNew is the provider's.
    pub fn new(c: Arc<Clients>) -> AccessPoint {
        let schema = resource("aws_efs_access_point")
            .arg("file_system_id")
            .force_new()
            .arg("posix_user")
            .force_new()
            .arg("root_directory")
            .force_new()
            .computed_blocks(&["root_directory", "root_directory.creation_info"])
            .args(&["tags"])
            .build();
        AccessPoint { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<AccessPointDescription>> {
        let r = self
            .c
            .efs
            .describe_access_points()
            .access_point_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?
            .and_then(|out| out.access_points().first().cloned())
            .filter(|ap| ap.life_cycle_state() != Some(&LifeCycleState::Deleted)))
    }
}

fn number(v: &Value, name: &str) -> PResult<i64> {
    v.get(name)
        .as_number()
        .map(|n| n as i64)
        .ok_or_else(|| ProviderError::msg(format!("{name} is required")))
}

/// The `posix_user` block as CreateAccessPoint takes it.
fn posix_user_request(planned: &Value) -> PResult<Option<PosixUser>> {
    let Some(u) = first(planned, "posix_user") else {
        return Ok(None);
    };
    let secondary: Vec<i64> = u
        .get("secondary_gids")
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|g| g.as_number().map(|n| n as i64))
        .collect();
    PosixUser::builder()
        .uid(number(u, "uid")?)
        .gid(number(u, "gid")?)
        .set_secondary_gids((!secondary.is_empty()).then_some(secondary))
        .build()
        .map(Some)
        .map_err(build_err)
}

/// The `root_directory` block as CreateAccessPoint takes it.
fn root_directory_request(planned: &Value) -> PResult<Option<RootDirectory>> {
    let Some(r) = first(planned, "root_directory") else {
        return Ok(None);
    };
    let creation = match first(r, "creation_info") {
        Some(ci) => Some(
            CreationInfo::builder()
                .owner_uid(number(ci, "owner_uid")?)
                .owner_gid(number(ci, "owner_gid")?)
                .permissions(required(ci, "permissions")?)
                .build()
                .map_err(build_err)?,
        ),
        None => None,
    };
    Ok(Some(
        RootDirectory::builder()
            .set_path(opt_str(r, "path"))
            .set_creation_info(creation)
            .build(),
    ))
}

/// The access point as state holds it (the provider's read and flatteners; the data source
/// reads the same).
pub(super) fn to_state(ap: &AccessPointDescription, region: &str, prior: &Value) -> Value {
    let fs = ap.file_system_id().unwrap_or_default();
    let owner = ap.owner_id().unwrap_or_default();
    let posix = ap.posix_user().map(|u| {
        Value::object([
            ("gid", Value::from(u.gid())),
            ("uid", Value::from(u.uid())),
            (
                "secondary_gids",
                Value::List(u.secondary_gids().iter().map(|g| Value::from(*g)).collect()),
            ),
        ])
    });
    let root = ap.root_directory().map(|r| {
        let creation = r.creation_info().map(|ci| {
            Value::object([
                ("owner_gid", Value::from(ci.owner_gid())),
                ("owner_uid", Value::from(ci.owner_uid())),
                ("permissions", Value::str(ci.permissions())),
            ])
        });
        Value::object([
            ("creation_info", Value::List(creation.into_iter().collect())),
            ("path", Value::str(r.path().unwrap_or_default())),
        ])
    });
    Value::object([
        ("id", Value::from(ap.access_point_id())),
        ("arn", Value::from(ap.access_point_arn())),
        ("file_system_arn", Value::str(file_system_arn(region, owner, fs))),
        ("file_system_id", Value::str(fs)),
        ("owner_id", Value::str(owner)),
        ("posix_user", Value::List(posix.into_iter().collect())),
        ("root_directory", Value::List(root.into_iter().collect())),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tag_pairs(ap.tags()))),
    ])
}

#[async_trait]
impl ResourceType for AccessPoint {
    fn type_name(&self) -> &'static str {
        "aws_efs_access_point"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let fs = required(planned, "file_system_id")?;
        let out = self
            .c
            .efs
            .create_access_point()
            .file_system_id(&fs)
            .set_posix_user(posix_user_request(planned)?)
            .set_root_directory(root_directory_request(planned)?)
            .set_tags(efs_tags(tags_to_write(ctx, planned))?)
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating EFS Access Point for File System ({fs})")))?;
        let id = out.access_point_id().unwrap_or_default().to_string();
        wait_for(Wait::new(&id, "available", WAIT), || async {
            match self.describe(&id).await?.and_then(|ap| ap.life_cycle_state().cloned()) {
                Some(LifeCycleState::Available) => Ok(Poll::Ready(())),
                Some(LifeCycleState::Creating) => Ok(Poll::pending("creating")),
                Some(s) => Err(ProviderError::msg(format!(
                    "EFS access point {id} is {} while waiting for it to be available",
                    s.as_str()
                ))),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
        .map_err(|e| e.context(format!("waiting for EFS Access Point ({id}) create")))?;
        must_exist(self.read(ctx, &id, planned).await?, "EFS access point", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(id).await?.map(|ap| to_state(&ap, &self.c.region, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        sync_efs_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "EFS access point", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .efs
            .delete_access_point()
            .access_point_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND).map_err(|e| e.context(format!("deleting EFS Access Point ({id})")))?;
        wait_for(Wait::new(id, "deleted", WAIT), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(ap) => Poll::pending(ap.life_cycle_state().map(|s| s.as_str()).unwrap_or("deleting")),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(fs) = opt_str(planned, "file_system_id") else {
            return Ok(None);
        };
        let mut pages = self
            .c
            .efs
            .describe_access_points()
            .file_system_id(fs)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let Some(page) = absent_on(page.map_err(aws_err), NOT_FOUND)? else {
                return Ok(None);
            };
            let found = page.access_points().iter().find(|ap| {
                ap.life_cycle_state() != Some(&LifeCycleState::Deleted)
                    && owns(ap.tags().iter().map(|t| (t.key(), t.value())), ctx)
            });
            if let Some(id) = found.and_then(|ap| ap.access_point_id()) {
                return Ok(Some(id.to_string()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_user_and_root_directory_go_out_and_come_back_as_the_provider_writes_them() {
        let planned = Value::object([
            (
                "posix_user",
                Value::List(vec![Value::object([
                    ("uid", Value::from(1000i64)),
                    ("gid", Value::from(1001i64)),
                    ("secondary_gids", Value::List(vec![Value::from(5i64)])),
                ])]),
            ),
            (
                "root_directory",
                Value::List(vec![Value::object([
                    ("path", Value::str("/lambda")),
                    (
                        "creation_info",
                        Value::List(vec![Value::object([
                            ("owner_uid", Value::from(1000i64)),
                            ("owner_gid", Value::from(1001i64)),
                            ("permissions", Value::str("0777")),
                        ])]),
                    ),
                ])]),
            ),
        ]);
        let user = posix_user_request(&planned).unwrap().unwrap();
        assert_eq!(
            (user.uid(), user.gid(), user.secondary_gids()),
            (1000, 1001, &[5i64][..])
        );
        let root = root_directory_request(&planned).unwrap().unwrap();
        assert_eq!(root.path(), Some("/lambda"));
        assert_eq!(root.creation_info().unwrap().permissions(), "0777");
        let ap = AccessPointDescription::builder()
            .access_point_id("fsap-1")
            .file_system_id("fs-1")
            .owner_id("123456789012")
            .posix_user(user)
            .root_directory(root)
            .build();
        let state = to_state(&ap, "eu-west-1", &Value::Null);
        assert_eq!(state.get("posix_user"), planned.get("posix_user"));
        assert_eq!(state.get("root_directory"), planned.get("root_directory"));
        assert_eq!(
            state.get("file_system_arn"),
            &Value::str("arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1")
        );
        assert_eq!(posix_user_request(&Value::Null).unwrap(), None);
    }
}
