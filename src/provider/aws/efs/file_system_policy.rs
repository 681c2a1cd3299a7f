//! `aws_efs_file_system_policy`: the resource policy of a file system (who may mount it, and
//! how), managed apart from the file system as the efs module does. Its id, and the import id,
//! is the file system's id. As the provider does: the policy is compared as a policy, a put
//! that names a principal IAM has not propagated yet is retried, and
//! `bypass_policy_lockout_safety_check` is the blueprint's (EFS does not return it).

use super::NOT_FOUND;
use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, ok_on, opt_bool, required, retry_while_matching};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::json;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::time::Duration;

/// How long a put waits for IAM to propagate a principal the policy names (the provider's
/// propagation timeout).
const PROPAGATION: Duration = Duration::from_secs(120);

/// Codes EFS answers for a file system without a policy, or with none left.
const NO_POLICY: &[&str] = &["PolicyNotFound", "FileSystemNotFound"];

/// The `aws_efs_file_system_policy` document.
pub struct FileSystemPolicy;

/// True when the policy names a principal IAM has not made known to EFS yet.
fn principal_not_propagated(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("InvalidPolicyException") && e.message.contains("Policy contains invalid Principal block")
}

#[async_trait]
impl Document for FileSystemPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_efs_file_system_policy",
        what: "policy of EFS file system",
        key: "file_system_id",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.arg("policy")
            .check(json())
            .compare_policy()
            .arg("bypass_policy_lockout_safety_check")
            .default(false)
    }

    async fn put(&self, c: &Clients, fs: &str, planned: &Value) -> PResult<()> {
        let policy = required(planned, "policy")?;
        let bypass = opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false);
        retry_while_matching(principal_not_propagated, PROPAGATION, || async {
            c.efs
                .put_file_system_policy()
                .file_system_id(fs)
                .policy(&policy)
                .bypass_policy_lockout_safety_check(bypass)
                .send()
                .await
                .map_err(aws_err)
        })
        .await
        .map_err(|e| e.context(format!("putting EFS File System Policy ({fs})")))?;
        Ok(())
    }

    async fn get(&self, c: &Clients, fs: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .efs
            .describe_file_system_policy()
            .file_system_id(fs)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NO_POLICY)? else {
            return Ok(None);
        };
        Ok(Some(IndexMap::from([
            policy_attr(prior, out.policy()),
            (
                "bypass_policy_lockout_safety_check".to_string(),
                Value::from(opt_bool(prior, "bypass_policy_lockout_safety_check").unwrap_or(false)),
            ),
        ])))
    }

    async fn remove(&self, c: &Clients, fs: &str, _prior: &Value) -> PResult<()> {
        let r = c
            .efs
            .delete_file_system_policy()
            .file_system_id(fs)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND).map_err(|e| e.context(format!("deleting EFS File System Policy ({fs})")))
    }

    fn put_needed(&self, prior: &Value, planned: &Value) -> bool {
        prior.get("policy") != planned.get("policy")
    }
}
