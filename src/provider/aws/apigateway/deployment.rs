//! `aws_api_gateway_deployment`: a snapshot of a REST API that stages serve. Deployments are
//! immutable: `triggers` (typically a hash of the API body) and `variables` force a new one,
//! which is how a changed API gets redeployed. The id is the deployment id.

use super::string_map;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::Op;
use std::sync::Arc;

/// The `aws_api_gateway_deployment` resource type.
pub struct Deployment {
    c: Arc<Clients>,
    schema: Schema,
}

impl Deployment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Deployment {
        let schema = resource("aws_api_gateway_deployment")
            .arg("rest_api_id")
            .force_new()
            .arg("triggers")
            .force_new()
            .arg("variables")
            .force_new()
            .args(&["description"])
            .build();
        Deployment { c, schema }
    }
}

#[async_trait]
impl ResourceType for Deployment {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_deployment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "rest_api_id")?;
        let out = self
            .c
            .apigateway
            .create_deployment()
            .rest_api_id(&api)
            .set_description(opt_str(planned, "description"))
            .set_variables(string_map(planned.get("variables")))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .id()
            .ok_or_else(|| ProviderError::msg("CreateDeployment returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "deployment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // Import ids are REST-API-ID/DEPLOYMENT-ID, as in Terraform.
        let (api, id) = match (opt_str(prior, "rest_api_id"), id.split_once('/')) {
            (Some(api), _) => (api, id.to_string()),
            (None, Some((api, dep))) => (api.to_string(), dep.to_string()),
            (None, None) => return Err(ProviderError::msg("import id must be REST-API-ID/DEPLOYMENT-ID")),
        };
        let r = self
            .c
            .apigateway
            .get_deployment()
            .rest_api_id(&api)
            .deployment_id(&id)
            .send()
            .await
            .map_err(aws_err);
        let Some(d) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        let region = &self.c.region;
        Ok(Some(Value::object([
            ("id", Value::str(&id)),
            ("rest_api_id", Value::str(&api)),
            ("description", Value::from(d.description())),
            ("triggers", prior.get("triggers").clone()),
            ("variables", prior.get("variables").clone()),
            ("created_date", Value::from(d.created_date().map(|t| t.to_string()))),
            (
                "execution_arn",
                Value::str(format!("arn:aws:execute-api:{region}:{account}:{api}/")),
            ),
            (
                "invoke_url",
                Value::str(format!("https://{api}.execute-api.{region}.amazonaws.com/")),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let api = opt_str(prior, "rest_api_id").unwrap_or_default();
        if prior.get("description") != planned.get("description") {
            self.c
                .apigateway
                .update_deployment()
                .rest_api_id(&api)
                .deployment_id(id)
                .patch_operations(super::patch(
                    Op::Replace,
                    "/description",
                    Some(opt_str(planned, "description").unwrap_or_default()),
                ))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "deployment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let api = opt_str(prior, "rest_api_id").unwrap_or_default();
        let r = self
            .c
            .apigateway
            .delete_deployment()
            .rest_api_id(&api)
            .deployment_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
