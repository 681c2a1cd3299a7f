//! `aws_efs_mount_target`: a file system's mount point in one subnet, as the provider's
//! `resourceMountTarget` makes it. Creates are made one at a time per file system (AWS answers
//! parallel creates in one Availability Zone with the same mount target, so two addresses could
//! end up managing one; the provider locks per file system and zone) and waited for until
//! `available`; security groups change in place, everything else replaces it; delete waits
//! until it is gone. Mount targets carry no tags: after a killed run, a create that AWS
//! refuses with MountTargetConflict adopts the file system's mount target in the same subnet.

use super::{file_system_arn, file_system_dns, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, list_value, must_exist, ok_on, op_timeout, opt_str, read_beside, required, str_list, wait_for,
    Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::ipv4_address;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{LifeCycleState, MountTargetDescription};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// The `aws_efs_mount_target` resource type.
pub struct MountTarget {
    c: Arc<Clients>,
    schema: Schema,
    /// One lock per file system, held across each create call.
    creating: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl MountTarget {
    /// Creates the type with its clients; checks and timeouts are the provider's.
    pub fn new(c: Arc<Clients>) -> MountTarget {
        let schema = resource("aws_efs_mount_target")
            .arg("file_system_id")
            .force_new()
            .arg("subnet_id")
            .force_new()
            .arg("ip_address")
            .force_new()
            .check(ipv4_address())
            .args(&["security_groups"])
            .timeouts(30, 0, 10)
            .build();
        MountTarget {
            c,
            schema,
            creating: Default::default(),
        }
    }

    fn lock_for(&self, file_system_id: &str) -> Arc<Mutex<()>> {
        let mut locks = self.creating.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(file_system_id.to_string()).or_default().clone()
    }

    async fn describe(&self, id: &str) -> PResult<Option<MountTargetDescription>> {
        let r = self
            .c
            .efs
            .describe_mount_targets()
            .mount_target_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?
            .and_then(|out| out.mount_targets().first().cloned())
            .filter(|mt| mt.life_cycle_state() != &LifeCycleState::Deleted))
    }

    async fn security_groups(&self, id: &str) -> PResult<Vec<String>> {
        let out = self
            .c
            .efs
            .describe_mount_target_security_groups()
            .mount_target_id(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.security_groups().to_vec())
    }
}

/// The mount target as state holds it (the provider's read).
fn to_state(mt: &MountTargetDescription, groups: Vec<String>, region: &str) -> Value {
    let fs = mt.file_system_id();
    let zone = mt.availability_zone_name().unwrap_or_default();
    Value::object([
        ("id", Value::str(mt.mount_target_id())),
        ("availability_zone_id", Value::from(mt.availability_zone_id())),
        ("availability_zone_name", Value::from(mt.availability_zone_name())),
        ("dns_name", Value::str(file_system_dns(fs, region))),
        (
            "file_system_arn",
            Value::str(file_system_arn(region, mt.owner_id().unwrap_or_default(), fs)),
        ),
        ("file_system_id", Value::str(fs)),
        ("ip_address", Value::from(mt.ip_address())),
        (
            "mount_target_dns_name",
            Value::str(format!("{zone}.{}", file_system_dns(fs, region))),
        ),
        ("network_interface_id", Value::from(mt.network_interface_id())),
        ("owner_id", Value::from(mt.owner_id())),
        ("security_groups", list_value(groups)),
        ("subnet_id", Value::str(mt.subnet_id())),
    ])
}

#[async_trait]
impl ResourceType for MountTarget {
    fn type_name(&self) -> &'static str {
        "aws_efs_mount_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let fs = required(planned, "file_system_id")?;
        let groups = str_list(planned, "security_groups");
        let id = {
            let lock = self.lock_for(&fs);
            let _held = lock.lock().await;
            let out = self
                .c
                .efs
                .create_mount_target()
                .file_system_id(&fs)
                .subnet_id(required(planned, "subnet_id")?)
                .set_ip_address(opt_str(planned, "ip_address"))
                .set_security_groups((!groups.is_empty()).then_some(groups))
                .send()
                .await
                .map_err(|e| aws_err(e).context(format!("creating EFS Mount Target ({fs})")))?;
            out.mount_target_id().to_string()
        };
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(1800));
        wait_for(Wait::new(&id, "available", timeout), || async {
            match self.describe(&id).await? {
                Some(mt) if mt.life_cycle_state() == &LifeCycleState::Available => Ok(Poll::Ready(())),
                Some(mt) if mt.life_cycle_state() == &LifeCycleState::Creating => {
                    Ok(Poll::pending(mt.life_cycle_state().as_str()))
                }
                Some(mt) => Err(ProviderError::msg(format!(
                    "EFS mount target {id} is {} while waiting for it to be available",
                    mt.life_cycle_state().as_str()
                ))),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
        .map_err(|e| e.context(format!("waiting for EFS Mount Target ({id}) create")))?;
        must_exist(self.read(ctx, &id, planned).await?, "EFS mount target", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let Some((mt, groups)) = read_beside(self.describe(id), self.security_groups(id)).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&mt, groups, &self.c.region)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let sorted = |v: &Value| {
            let mut groups = str_list(v, "security_groups");
            groups.sort();
            groups
        };
        if sorted(prior) != sorted(planned) {
            self.c
                .efs
                .modify_mount_target_security_groups()
                .mount_target_id(id)
                .set_security_groups(Some(str_list(planned, "security_groups")))
                .send()
                .await
                .map_err(|e| aws_err(e).context(format!("updating EFS Mount Target ({id}) security groups")))?;
        }
        must_exist(self.read(ctx, id, planned).await?, "EFS mount target", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .efs
            .delete_mount_target()
            .mount_target_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND).map_err(|e| e.context(format!("deleting EFS Mount Target ({id})")))?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(mt) => Poll::pending(mt.life_cycle_state().as_str()),
            })
        })
        .await
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        &["MountTargetConflict"]
    }

    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(fs), Some(subnet)) = (opt_str(planned, "file_system_id"), opt_str(planned, "subnet_id")) else {
            return Ok(None);
        };
        let r = self
            .c
            .efs
            .describe_mount_targets()
            .file_system_id(fs)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|out| {
            out.mount_targets()
                .iter()
                .find(|mt| mt.subnet_id() == subnet && mt.life_cycle_state() != &LifeCycleState::Deleted)
                .map(|mt| mt.mount_target_id().to_string())
        }))
    }
}
