//! `aws_api_gateway_usage_plan_key`: an API key attached to a usage plan (every argument
//! replaces it). The id is the key id; import takes `USAGE-PLAN-ID/KEY-ID`.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required, secret_digest};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_api_gateway_usage_plan_key` resource type.
pub struct UsagePlanKey {
    c: Arc<Clients>,
    schema: Schema,
}

impl UsagePlanKey {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UsagePlanKey {
        let schema = resource("aws_api_gateway_usage_plan_key")
            .arg("key_id")
            .force_new()
            .arg("key_type")
            .force_new()
            .arg("usage_plan_id")
            .force_new()
            .build();
        UsagePlanKey { c, schema }
    }
}

#[async_trait]
impl ResourceType for UsagePlanKey {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_usage_plan_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .apigateway
            .create_usage_plan_key()
            .usage_plan_id(required(planned, "usage_plan_id")?)
            .key_id(required(planned, "key_id")?)
            .key_type(required(planned, "key_type")?)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out.id().map(str::to_string).unwrap_or(required(planned, "key_id")?);
        must_exist(self.read(ctx, &id, planned).await?, "usage plan key", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (plan, key) = match (opt_str(prior, "usage_plan_id"), id.split_once('/')) {
            (Some(plan), _) => (plan, id.to_string()),
            (None, Some((plan, key))) => (plan.to_string(), key.to_string()),
            (None, None) => return Err(ProviderError::msg("import id must be USAGE-PLAN-ID/KEY-ID")),
        };
        let r = self
            .c
            .apigateway
            .get_usage_plan_key()
            .usage_plan_id(&plan)
            .key_id(&key)
            .send()
            .await
            .map_err(aws_err);
        let Some(k) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(&key)),
            ("key_id", Value::str(&key)),
            ("key_type", Value::from(k.r#type())),
            ("usage_plan_id", Value::str(&plan)),
            ("name", Value::from(k.name())),
            ("value", Value::from(k.value().map(secret_digest))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        must_exist(self.read(ctx, id, planned).await?, "usage plan key", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let plan = opt_str(prior, "usage_plan_id").unwrap_or_default();
        let r = self
            .c
            .apigateway
            .delete_usage_plan_key()
            .usage_plan_id(&plan)
            .key_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
