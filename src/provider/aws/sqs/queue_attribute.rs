//! `aws_sqs_queue_policy`, `aws_sqs_queue_redrive_policy` and `aws_sqs_queue_redrive_allow_policy`:
//! each owns one JSON attribute of a queue made elsewhere. Writing sets that attribute alone
//! (SetQueueAttributes leaves the others as they are), reading finds it gone when the queue or
//! the attribute is, deleting sets it empty. The id is the queue URL, as in Terraform.

use super::{attributes, set_attributes, wait_propagated, NO_QUEUE};
use crate::provider::aws::common::{json_as_configured, must_exist, required, retry_while_matching};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Which attribute a resource type owns.
#[derive(Clone, Copy)]
pub enum Owned {
    /// `aws_sqs_queue_policy.policy`: the queue's access policy.
    Policy,
    /// `aws_sqs_queue_redrive_policy.redrive_policy`: where failed messages go.
    RedrivePolicy,
    /// `aws_sqs_queue_redrive_allow_policy.redrive_allow_policy`: which queues may use this one
    /// as their dead-letter queue.
    RedriveAllowPolicy,
}

impl Owned {
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Owned::Policy => ("aws_sqs_queue_policy", "policy", "Policy"),
            Owned::RedrivePolicy => ("aws_sqs_queue_redrive_policy", "redrive_policy", "RedrivePolicy"),
            Owned::RedriveAllowPolicy => (
                "aws_sqs_queue_redrive_allow_policy",
                "redrive_allow_policy",
                "RedriveAllowPolicy",
            ),
        }
    }
}

/// The provider's types have no `timeouts` block; they wait as long as its code does.
const TIMEOUT: Duration = Duration::from_secs(120);

/// One of the three queue-attribute resource types.
pub struct QueueAttribute {
    c: Arc<Clients>,
    owned: Owned,
    schema: Schema,
}

impl QueueAttribute {
    /// Creates the type owning `owned`, with its clients.
    pub fn new(c: Arc<Clients>, owned: Owned) -> QueueAttribute {
        let (type_name, arg, _) = owned.names();
        let decl = resource(type_name).arg("queue_url").force_new().arg(arg).check(json());
        // The queue policy compares as a policy, as the provider's does.
        let schema = match owned {
            Owned::Policy => decl.compare_policy(),
            _ => decl,
        }
        .build();
        QueueAttribute { c, owned, schema }
    }

    async fn write(&self, url: &str, value: String) -> PResult<()> {
        let (_, _, theirs) = self.owned.names();
        let attrs = HashMap::from([(theirs.to_string(), value)]);
        // A policy naming a principal made moments ago can be refused until IAM has it; the
        // provider retries that message for half the create timeout.
        retry_while_matching(
            |e| e.message.contains("Invalid value for the parameter Policy"),
            TIMEOUT / 2,
            || set_attributes(&self.c, url, &attrs),
        )
        .await?;
        wait_propagated(&self.c, url, &attrs, TIMEOUT, false).await
    }
}

#[async_trait]
impl ResourceType for QueueAttribute {
    fn type_name(&self) -> &'static str {
        self.owned.names().0
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (_, ours, _) = self.owned.names();
        let url = required(planned, "queue_url")?;
        let value = required(planned, ours)?;
        self.write(&url, value).await?;
        must_exist(self.read(ctx, &url, planned).await?, ours, &url)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (_, ours, theirs) = self.owned.names();
        let Some(a) = attributes(&self.c, id).await? else {
            return Ok(None);
        };
        let Some(live) = a.get(theirs).filter(|v| !v.is_empty()).cloned() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("queue_url", Value::str(id)),
            (ours, json_as_configured(prior.get(ours), Some(live))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let (_, ours, _) = self.owned.names();
        let value = required(planned, ours)?;
        self.write(id, value).await?;
        must_exist(self.read(ctx, id, planned).await?, ours, id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (_, _, theirs) = self.owned.names();
        let attrs = HashMap::from([(theirs.to_string(), String::new())]);
        match set_attributes(&self.c, id, &attrs).await {
            Err(e) if e.code.as_deref().is_some_and(|c| NO_QUEUE.contains(&c)) => Ok(()),
            Err(e) => Err(e),
            Ok(()) => wait_propagated(&self.c, id, &attrs, TIMEOUT, true).await,
        }
    }
}
