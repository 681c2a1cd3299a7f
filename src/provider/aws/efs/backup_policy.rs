//! `aws_efs_backup_policy`: whether AWS Backup backs a file system up automatically. Its id,
//! and the import id, is the file system's id. Every file system has a backup policy, so, as
//! the provider does, destroying this puts it back to `DISABLED`; each put is waited for until
//! the status it asked for (from `ENABLING`/`DISABLING`).

use super::NOT_FOUND;
use crate::provider::aws::attached::{DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, build_err, first, ok_on, opt_str, wait_for, Poll, Wait};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::one_of;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_efs::types::{BackupPolicy as Policy, Status};
use indexmap::IndexMap;
use std::time::Duration;

/// How long the provider waits for a status to settle.
const WAIT: Duration = Duration::from_secs(600);

/// Codes EFS answers for a file system without a backup policy, or gone.
const NO_POLICY: &[&str] = &["PolicyNotFound", "FileSystemNotFound"];

/// The `aws_efs_backup_policy` document.
pub struct BackupPolicy;

async fn status_of(c: &Clients, fs: &str) -> PResult<Option<Status>> {
    let r = c
        .efs
        .describe_backup_policy()
        .file_system_id(fs)
        .send()
        .await
        .map_err(aws_err);
    Ok(absent_on(r, NO_POLICY)?.and_then(|out| out.backup_policy().map(|p| p.status().clone())))
}

/// Puts `status` and waits until EFS reports it.
async fn put_status(c: &Clients, fs: &str, status: Status) -> PResult<()> {
    let policy = Policy::builder().status(status.clone()).build().map_err(build_err)?;
    c.efs
        .put_backup_policy()
        .file_system_id(fs)
        .backup_policy(policy)
        .send()
        .await
        .map_err(|e| aws_err(e).context(format!("putting EFS Backup Policy ({fs})")))?;
    wait_for(Wait::new(fs, status.as_str(), WAIT), || async {
        Ok(match status_of(c, fs).await? {
            Some(s) if s == status => Poll::Ready(()),
            Some(s) => Poll::pending(s.as_str()),
            None => Poll::pending("no policy yet"),
        })
    })
    .await
}

#[async_trait]
impl Document for BackupPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_efs_backup_policy",
        what: "backup policy of EFS file system",
        key: "file_system_id",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.arg("backup_policy.status").check(one_of(&["ENABLED", "DISABLED"]))
    }

    async fn put(&self, c: &Clients, fs: &str, planned: &Value) -> PResult<()> {
        let status = first(planned, "backup_policy")
            .and_then(|b| opt_str(b, "status"))
            .ok_or_else(|| ProviderError::msg("backup_policy.status is required"))?;
        put_status(c, fs, Status::from(status.as_str())).await
    }

    async fn get(&self, c: &Clients, fs: &str, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        Ok(status_of(c, fs).await?.map(|s| {
            IndexMap::from([(
                "backup_policy".to_string(),
                Value::List(vec![Value::object([("status", Value::str(s.as_str()))])]),
            )])
        }))
    }

    async fn remove(&self, c: &Clients, fs: &str, _prior: &Value) -> PResult<()> {
        ok_on(put_status(c, fs, Status::Disabled).await, NOT_FOUND)
    }
}
