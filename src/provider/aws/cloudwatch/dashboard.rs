//! `aws_cloudwatch_dashboard`: a dashboard and its body (JSON, compared by meaning). The id is
//! the dashboard name.

use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::json;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_cloudwatch_dashboard` resource type.
pub struct Dashboard {
    c: Arc<Clients>,
    schema: Schema,
}

impl Dashboard {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Dashboard {
        let schema = resource("aws_cloudwatch_dashboard")
            .arg("dashboard_name")
            .force_new()
            .arg("dashboard_body")
            .check(json())
            .build();
        Dashboard { c, schema }
    }

    async fn put(&self, planned: &Value) -> PResult<String> {
        let name = required(planned, "dashboard_name")?;
        let body = required(planned, "dashboard_body")?;
        serde_json::from_str::<serde_json::Value>(&body)
            .map_err(|e| ProviderError::msg(format!("dashboard_body is not valid JSON: {e}")))?;
        let out = self
            .c
            .cloudwatch
            .put_dashboard()
            .dashboard_name(&name)
            .dashboard_body(body)
            .send()
            .await
            .map_err(aws_err)?;
        // CloudWatch stores a dashboard with widget problems but reports them.
        if let Some(m) = out.dashboard_validation_messages().first() {
            return Err(ProviderError::msg(format!(
                "dashboard_body was not accepted: {} ({})",
                m.message().unwrap_or("invalid"),
                m.data_path().unwrap_or("")
            )));
        }
        Ok(name)
    }
}

#[async_trait]
impl ResourceType for Dashboard {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_dashboard"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = self.put(planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "dashboard", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .cloudwatch
            .get_dashboard()
            .dashboard_name(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["ResourceNotFound", "ResourceNotFoundException"])? else {
            return Ok(None);
        };
        let body = json_as_configured(prior.get("dashboard_body"), out.dashboard_body().map(str::to_string));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("dashboard_name", Value::from(out.dashboard_name())),
            ("dashboard_body", body),
            ("dashboard_arn", Value::from(out.dashboard_arn())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "dashboard", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .cloudwatch
            .delete_dashboards()
            .dashboard_names(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFound", "ResourceNotFoundException"]).map(|_| ())
    }
}
