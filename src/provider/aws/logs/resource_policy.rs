//! `aws_cloudwatch_log_resource_policy`: an account-wide policy letting services (Route 53,
//! EventBridge, ...) write to log groups. Its id is its name; the document compares as JSON.

use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{iam_policy, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_log_resource_policy` resource type.
pub struct ResourcePolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl ResourcePolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ResourcePolicy {
        let schema = resource("aws_cloudwatch_log_resource_policy")
            .arg("policy_name")
            .force_new()
            .arg("policy_document")
            .check(iam_policy())
            .check(len_between(1, 5120))
            .build();
        ResourcePolicy { c, schema }
    }

    async fn put(&self, planned: &Value) -> PResult<String> {
        let name = required(planned, "policy_name")?;
        let doc = required(planned, "policy_document")?;
        self.c
            .logs
            .put_resource_policy()
            .policy_name(&name)
            .policy_document(doc)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(name)
    }
}

#[async_trait]
impl ResourceType for ResourcePolicy {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_resource_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = self.put(planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "log resource policy", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let mut token = None;
        loop {
            let out = self
                .c
                .logs
                .describe_resource_policies()
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(p) = out.resource_policies().iter().find(|p| p.policy_name() == Some(id)) {
                let doc = p.policy_document().map(str::to_string);
                return Ok(Some(Value::object([
                    ("id", Value::str(id)),
                    ("policy_name", Value::str(id)),
                    ("policy_document", json_as_configured(prior.get("policy_document"), doc)),
                ])));
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(None);
            }
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "log resource policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .logs
            .delete_resource_policy()
            .policy_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }
}
