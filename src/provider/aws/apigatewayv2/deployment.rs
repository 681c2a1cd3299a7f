//! `aws_apigatewayv2_deployment`: a snapshot of an API's routes and integrations that a stage
//! serves (WebSocket APIs, and HTTP APIs without `auto_deploy`). `triggers` replace it (a new
//! deployment when the routes change); the description changes in place. Creates wait until the
//! deployment is DEPLOYED. The id is the deployment id; import takes `API-ID/DEPLOYMENT-ID`.

use super::{list_all, read_child, read_children, split_id, BULK, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required, wait_for, Poll, Wait};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{Deployment as SdDeployment, DeploymentStatus};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for a deployment (the type has no `timeouts` block).
const TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The `aws_apigatewayv2_deployment` resource type.
pub struct Deployment {
    c: Arc<Clients>,
    schema: Schema,
}

impl Deployment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Deployment {
        let schema = resource("aws_apigatewayv2_deployment")
            .arg("api_id")
            .force_new()
            .arg("triggers")
            .force_new()
            .arg("description")
            .check(len_between(0, 1024))
            .build();
        Deployment { c, schema }
    }

    async fn list(&self, api: String) -> PResult<Vec<SdDeployment>> {
        list_all!(self.c.apigatewayv2.get_deployments().api_id(&api))
    }

    async fn wait_deployed(&self, api: &str, id: &str) -> PResult<()> {
        wait_for(Wait::new(id, "DEPLOYED", TIMEOUT), || async {
            let out = self
                .c
                .apigatewayv2
                .get_deployment()
                .api_id(api)
                .deployment_id(id)
                .send()
                .await
                .map_err(aws_err)?;
            match out.deployment_status() {
                None | Some(DeploymentStatus::Deployed) => Ok(Poll::Ready(())),
                Some(DeploymentStatus::Failed) => Err(ProviderError::msg(format!(
                    "deployment {id} failed: {}",
                    out.deployment_status_message().unwrap_or("no reason given")
                ))),
                Some(s) => Ok(Poll::pending(s.as_str())),
            }
        })
        .await
    }
}

fn to_state(api: &str, d: &SdDeployment, prior: &Value) -> Value {
    Value::object([
        ("id", Value::from(d.deployment_id())),
        ("api_id", Value::str(api)),
        ("auto_deployed", Value::Bool(d.auto_deployed().unwrap_or(false))),
        ("description", Value::from(d.description().filter(|s| !s.is_empty()))),
        // What only the blueprint knows (AWS keeps no triggers).
        ("triggers", prior.get("triggers").clone()),
    ])
}

#[async_trait]
impl ResourceType for Deployment {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_deployment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "api_id")?;
        let out = self
            .c
            .apigatewayv2
            .create_deployment()
            .api_id(&api)
            .set_description(opt_str(planned, "description"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .deployment_id()
            .ok_or_else(|| ProviderError::msg("CreateDeployment returned no id"))?
            .to_string();
        self.wait_deployed(&api, &id).await?;
        must_exist(self.read(ctx, &id, planned).await?, "deployment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_child(id, prior, |api| self.list(api), |d| d.deployment_id(), to_state).await
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_children(items, |api| self.list(api), |d| d.deployment_id(), to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, id) = split_id(id, planned)?;
        if prior.get("description") != planned.get("description") {
            self.c
                .apigatewayv2
                .update_deployment()
                .api_id(&api)
                .deployment_id(&id)
                .description(opt_str(planned, "description").unwrap_or_default())
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_deployed(&api, &id).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "deployment", &id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, id) = split_id(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .delete_deployment()
            .api_id(api)
            .deployment_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }
}
