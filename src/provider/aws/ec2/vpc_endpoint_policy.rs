//! `aws_vpc_endpoint_policy`: the policy of an endpoint made elsewhere (another stack, or an
//! `aws_vpc_endpoint` that leaves `policy` unset). As the AWS provider does: the id is the
//! endpoint's; ModifyVpcEndpoint sets the policy (or, when none is configured, `ResetPolicy`
//! puts back AWS's full-access default), then the endpoint is waited on until available; an
//! equivalent policy is no change; destroy resets the policy and leaves the endpoint.

use super::vpc_endpoint::{describe, gone, wait_available};
use crate::provider::aws::common::{aws_err, must_exist, op_timeout, opt_str, required, Op};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_vpc_endpoint_policy` resource type.
pub struct VpcEndpointPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's create and delete timeout (10 minutes; it has no update timeout, and its
/// update is its create).
const WAIT: Duration = Duration::from_secs(600);

impl VpcEndpointPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcEndpointPolicy {
        let schema = resource("aws_vpc_endpoint_policy")
            .arg("vpc_endpoint_id")
            .force_new()
            .arg("policy")
            .check(json())
            .compare_policy()
            .timeouts(10, 0, 10)
            .build();
        VpcEndpointPolicy { c, schema }
    }

    /// Sets the configured policy, or AWS's default when there is none, and waits for the
    /// endpoint; `op` picks the timeout.
    async fn set(&self, id: &str, policy: Option<String>, value: &Value, op: Op) -> PResult<()> {
        let req = self.c.ec2.modify_vpc_endpoint().vpc_endpoint_id(id);
        let req = match policy.filter(|p| !p.is_empty()) {
            Some(p) => req.policy_document(p),
            None => req.reset_policy(true),
        };
        req.send().await.map_err(aws_err)?;
        wait_available(&self.c.ec2, id, op_timeout(&self.schema, value, op, WAIT)).await
    }

    async fn put(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = required(planned, "vpc_endpoint_id")?;
        self.set(&id, opt_str(planned, "policy"), planned, Op::Create).await?;
        must_exist(self.read(ctx, &id, planned).await?, "VPC Endpoint Policy", &id)
    }
}

#[async_trait]
impl ResourceType for VpcEndpointPolicy {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.put(ctx, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(describe(&self.c.ec2, id).await?.filter(|e| !gone(e)).map(|e| {
            Value::object([
                ("id", Value::str(id)),
                ("vpc_endpoint_id", Value::str(id)),
                ("policy", Value::from(e.policy_document())),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(ctx, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if describe(&self.c.ec2, id).await?.filter(|e| !gone(e)).is_none() {
            return Ok(());
        }
        self.set(id, None, prior, Op::Delete).await
    }
}
