//! `aws_api_gateway_account`: the region's API Gateway settings, chiefly the IAM role API
//! Gateway uses to write logs to CloudWatch (needed before any stage can log). There is one per
//! account and region: creating sets the role, deleting leaves the settings as they are, as in
//! Terraform. The id is `api-gateway-account`.

use super::patch;
use crate::provider::aws::common::{aws_err, opt_str, retry_while_matching};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::Op;
use std::sync::Arc;

/// The one id an account's settings have.
const ID: &str = "api-gateway-account";

/// The `aws_api_gateway_account` resource type.
pub struct Account {
    c: Arc<Clients>,
    schema: Schema,
}

impl Account {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Account {
        let schema = resource("aws_api_gateway_account")
            .arg("cloudwatch_role_arn")
            .check(arn())
            .build();
        Account { c, schema }
    }

    async fn set_role(&self, planned: &Value) -> PResult<()> {
        let role = opt_str(planned, "cloudwatch_role_arn").unwrap_or_default();
        // API Gateway checks that it can assume the role, which a new role may not allow yet.
        retry_while_matching(
            |e| e.code.as_deref() == Some("BadRequestException") && e.message.contains("role"),
            std::time::Duration::from_secs(120),
            || async {
                self.c
                    .apigateway
                    .update_account()
                    .patch_operations(patch(Op::Replace, "/cloudwatchRoleArn", Some(role.clone())))
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await
        .map(|_| ())
    }
}

#[async_trait]
impl ResourceType for Account {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_account"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.set_role(planned).await?;
        crate::provider::aws::common::must_exist(self.read(ctx, ID, planned).await?, "API Gateway account", ID)
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let a = self.c.apigateway.get_account().send().await.map_err(aws_err)?;
        let throttle = a.throttle_settings().map(|t| {
            Value::object([
                ("burst_limit", Value::from(t.burst_limit() as i64)),
                ("rate_limit", Value::Number(t.rate_limit())),
            ])
        });
        Ok(Some(Value::object([
            ("id", Value::str(ID)),
            (
                "cloudwatch_role_arn",
                Value::from(a.cloudwatch_role_arn().filter(|r| !r.is_empty())),
            ),
            ("api_key_version", Value::from(a.api_key_version())),
            ("features", Value::List(a.features().iter().map(Value::str).collect())),
            ("throttle_settings", throttle.unwrap_or(Value::Null)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.set_role(planned).await?;
        crate::provider::aws::common::must_exist(self.read(ctx, ID, planned).await?, "API Gateway account", ID)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
