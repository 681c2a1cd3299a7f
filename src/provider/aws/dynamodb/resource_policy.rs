//! `aws_dynamodb_resource_policy`: the resource-based policy of a table or stream (who else may
//! read or write it, e.g. another account), managed apart from the table as the
//! dynamodb-table module's `basic` example does. PutResourcePolicy writes it and, with the same
//! call, changes it in place; every put gives a new `revision_id`. The id, and the import id, is
//! the resource's ARN; a new ARN replaces the policy. The policy is compared as a policy (key
//! order, a lone action as a string) as the provider's `IAMPolicyType` does.

use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, differs, ok_on, opt_bool, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, iam_policy};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// DynamoDB's codes for no policy on the resource, or no resource.
const ABSENT: &[&str] = &["PolicyNotFoundException", "ResourceNotFoundException"];

/// The arguments a put sends: a change to either is an update, which gives a new revision.
const PUT_ARGS: [&str; 2] = ["policy", "confirm_remove_self_resource_access"];

/// The `aws_dynamodb_resource_policy` document.
pub struct ResourcePolicy;

#[async_trait]
impl Document for ResourcePolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_dynamodb_resource_policy",
        what: "DynamoDB resource policy of",
        key: "resource_arn",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.check(arn())
            .arg("policy")
            .check(iam_policy())
            .arg("confirm_remove_self_resource_access")
            .default(false)
    }

    /// Any put makes a new revision, unknown until it is made (the framework's Computed
    /// attribute without UseStateForUnknown).
    fn refine_plan(&self, prior: Option<&Value>, planned: &mut Value) {
        let Some(prior) = prior else { return };
        let changed = PUT_ARGS.iter().any(|k| differs(prior, planned, k));
        if let (true, Value::Object(m)) = (changed, planned) {
            m.insert("revision_id".into(), Value::Unknown);
        }
    }

    async fn put(&self, c: &Clients, resource_arn: &str, planned: &Value) -> PResult<()> {
        c.ddb
            .put_resource_policy()
            .resource_arn(resource_arn)
            .policy(required(planned, "policy")?)
            .confirm_remove_self_resource_access(
                opt_bool(planned, "confirm_remove_self_resource_access").unwrap_or(false),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, resource_arn: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .ddb
            .get_resource_policy()
            .resource_arn(resource_arn)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let Some(policy) = out.policy() else {
            return Ok(None);
        };
        Ok(Some(IndexMap::from([
            policy_attr(prior, Some(policy)),
            ("revision_id".to_string(), Value::from(out.revision_id())),
            // Not something DynamoDB keeps: the blueprint's, false on import as the provider sets it.
            (
                "confirm_remove_self_resource_access".to_string(),
                Value::Bool(opt_bool(prior, "confirm_remove_self_resource_access").unwrap_or(false)),
            ),
        ])))
    }

    async fn remove(&self, c: &Clients, resource_arn: &str, _prior: &Value) -> PResult<()> {
        let r = c
            .ddb
            .delete_resource_policy()
            .resource_arn(resource_arn)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }
}
