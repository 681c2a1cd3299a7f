//! `aws_dynamodb_resource_policy`: the resource-based policy of a table or stream (who else may
//! read or write it, e.g. another account), managed apart from the table as the
//! dynamodb-table module's `basic` example does. PutResourcePolicy writes it and, with the same
//! call, changes it in place; every put gives a new `revision_id`. The id, and the import id, is
//! the resource's ARN; a new ARN replaces the policy. The policy is compared as a policy (key
//! order, a lone action as a string) as the provider's `IAMPolicyType` does.

use crate::provider::aws::common::{
    absent_on, aws_err, differs, json_as_configured, must_exist, ok_on, opt_bool, opt_str,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, iam_policy};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// DynamoDB's codes for no policy on the resource, or no resource.
const ABSENT: &[&str] = &["PolicyNotFoundException", "ResourceNotFoundException"];

/// The arguments a put sends: a change to either is an update, which gives a new revision.
const PUT_ARGS: [&str; 2] = ["policy", "confirm_remove_self_resource_access"];

/// What the resource is called in messages.
const WHAT: &str = "DynamoDB resource policy of";

/// The `aws_dynamodb_resource_policy` resource type.
pub struct ResourcePolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl ResourcePolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ResourcePolicy {
        let schema = resource("aws_dynamodb_resource_policy")
            .arg("resource_arn")
            .force_new()
            .check(arn())
            .arg("policy")
            .check(iam_policy())
            .arg("confirm_remove_self_resource_access")
            .default(false)
            .build();
        ResourcePolicy { c, schema }
    }

    /// PutResourcePolicy with the planned document, for a create and an update alike.
    async fn put(&self, resource_arn: &str, planned: &Value) -> PResult<()> {
        let policy = opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
        self.c
            .ddb
            .put_resource_policy()
            .resource_arn(resource_arn)
            .policy(policy)
            .confirm_remove_self_resource_access(
                opt_bool(planned, "confirm_remove_self_resource_access").unwrap_or(false),
            )
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for ResourcePolicy {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_resource_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Any put makes a new revision, unknown until it is made (the framework's Computed
    /// attribute without UseStateForUnknown).
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else { return Ok(None) };
        let changed = PUT_ARGS.iter().any(|k| differs(prior, planned, k));
        if let (true, Value::Object(m)) = (changed, planned) {
            m.insert("revision_id".into(), Value::Unknown);
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let resource_arn =
            opt_str(planned, "resource_arn").ok_or_else(|| ProviderError::msg("resource_arn is required"))?;
        self.put(&resource_arn, planned).await?;
        must_exist(self.read(ctx, &resource_arn, planned).await?, WHAT, &resource_arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .ddb
            .get_resource_policy()
            .resource_arn(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let Some(policy) = out.policy().map(str::to_string) else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("resource_arn", Value::str(id)),
            ("policy", json_as_configured(prior.get("policy"), Some(policy))),
            ("revision_id", Value::from(out.revision_id().map(str::to_string))),
            // Not something DynamoDB keeps: the blueprint's, false on import as the provider sets it.
            (
                "confirm_remove_self_resource_access",
                Value::Bool(opt_bool(prior, "confirm_remove_self_resource_access").unwrap_or(false)),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, WHAT, id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ddb
            .delete_resource_policy()
            .resource_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }
}
