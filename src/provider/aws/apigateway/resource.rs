//! `aws_api_gateway_resource`: one path segment of a REST API (`/items`, `/items/{id}`), under
//! its parent resource. The id is API Gateway's resource id; import takes `API/RESOURCE`. The
//! segment and the parent change in place by PATCH, and `path` follows them.

use super::patch;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::Op;
use std::sync::Arc;

/// The `aws_api_gateway_resource` resource type.
pub struct Resource {
    c: Arc<Clients>,
    schema: Schema,
}

impl Resource {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Resource {
        let schema = resource("aws_api_gateway_resource")
            .arg("rest_api_id")
            .force_new()
            .args(&["parent_id", "path_part"])
            .build();
        Resource { c, schema }
    }

    fn api(id: &str, prior: &Value) -> PResult<(String, String)> {
        if let Some(api) = opt_str(prior, "rest_api_id") {
            return Ok((api, id.to_string()));
        }
        id.split_once('/')
            .map(|(a, r)| (a.to_string(), r.to_string()))
            .ok_or_else(|| ProviderError::msg("import id must be REST-API-ID/RESOURCE-ID"))
    }
}

#[async_trait]
impl ResourceType for Resource {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_resource"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .apigateway
            .create_resource()
            .rest_api_id(required(planned, "rest_api_id")?)
            .parent_id(required(planned, "parent_id")?)
            .path_part(required(planned, "path_part")?)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .id()
            .ok_or_else(|| ProviderError::msg("CreateResource returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "API Gateway resource", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (api, id) = Self::api(id, prior)?;
        let r = self
            .c
            .apigateway
            .get_resource()
            .rest_api_id(&api)
            .resource_id(&id)
            .send()
            .await
            .map_err(aws_err);
        let Some(r) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(&id)),
            ("rest_api_id", Value::str(&api)),
            ("parent_id", Value::str(r.parent_id().unwrap_or_default())),
            ("path_part", Value::str(r.path_part().unwrap_or_default())),
            ("path", Value::str(r.path().unwrap_or_default())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut ops = Vec::new();
        for (k, path) in [("path_part", "/pathPart"), ("parent_id", "/parentId")] {
            if prior.get(k) != planned.get(k) {
                ops.push(patch(Op::Replace, path, opt_str(planned, k)));
            }
        }
        if !ops.is_empty() {
            self.c
                .apigateway
                .update_resource()
                .rest_api_id(opt_str(prior, "rest_api_id").unwrap_or_default())
                .resource_id(id)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "API Gateway resource", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigateway
            .delete_resource()
            .rest_api_id(opt_str(prior, "rest_api_id").unwrap_or_default())
            .resource_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
