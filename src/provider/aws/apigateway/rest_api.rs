//! `aws_api_gateway_rest_api`: a REST API, either defined by an OpenAPI/Swagger `body`
//! (imported on create, put again with `put_rest_api_mode` when the body changes) or built up
//! from resources and methods. The id is the API id.

use super::{arn, patch, replace_or_remove, tag_pairs, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, json_as_configured, must_exist, opt_bool, opt_str, str_list, tags_to_write,
    user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, json, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::primitives::Blob;
use aws_sdk_apigateway::types::{ApiKeySourceType, EndpointConfiguration, EndpointType, Op, PutMode};
use std::sync::Arc;

/// The `aws_api_gateway_rest_api` resource type.
pub struct RestApi {
    c: Arc<Clients>,
    schema: Schema,
}

impl RestApi {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RestApi {
        let schema = resource("aws_api_gateway_rest_api")
            .arg("name")
            .live_if_unset()
            .arg("put_rest_api_mode")
            .default("overwrite")
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("endpoint_configuration.types")
            .check(one_of(&["REGIONAL", "EDGE", "PRIVATE"]))
            .arg("api_key_source")
            .check(one_of(&["HEADER", "AUTHORIZER"]))
            .arg("minimum_compression_size")
            .check(int_between(-1, 10485760))
            .arg("endpoint_configuration")
            .live_if_unset()
            .args(&[
                "description",
                "body",
                "api_key_source",
                "binary_media_types",
                "minimum_compression_size",
                "disable_execute_api_endpoint",
                "fail_on_warnings",
                "tags",
            ])
            .not_yet(&["endpoint_configuration.ip_address_type"])
            .build();
        RestApi { c, schema }
    }

    /// Settings the import does not carry, applied by PATCH: the blueprint's name and
    /// description win over the body's `info` block, as in Terraform.
    async fn patch_settings(&self, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
        let mut ops = Vec::new();
        for (attr, path) in [
            ("name", "/name"),
            ("description", "/description"),
            ("api_key_source", "/apiKeySource"),
            ("minimum_compression_size", "/minimumCompressionSize"),
            ("disable_execute_api_endpoint", "/disableExecuteApiEndpoint"),
        ] {
            let v = planned.get(attr);
            if !v.is_null() && !v.has_unknown() && v != prior.get(attr) {
                ops.push(replace_or_remove(path, v));
            }
        }
        if let Some(policy) = opt_str(planned, "policy").filter(|_| planned.get("policy") != prior.get("policy")) {
            ops.push(patch(Op::Replace, "/policy", Some(policy)));
        }
        if ops.is_empty() {
            return Ok(());
        }
        self.c
            .apigateway
            .update_rest_api()
            .rest_api_id(id)
            .set_patch_operations(Some(ops))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    /// Switches the endpoint type (EDGE, REGIONAL, PRIVATE) from what the API has to what the
    /// blueprint says, as one PATCH replacing the old type.
    async fn sync_endpoint_type(&self, id: &str, live: &Value, planned: &Value) -> PResult<()> {
        let (old, new) = (Self::endpoint_types(live), Self::endpoint_types(planned));
        let (Some(from), Some(to)) = (old.first(), new.first()) else {
            return Ok(());
        };
        if from == to {
            return Ok(());
        }
        self.c
            .apigateway
            .update_rest_api()
            .rest_api_id(id)
            .patch_operations(patch(
                Op::Replace,
                &format!("/endpointConfiguration/types/{from}"),
                Some(to.clone()),
            ))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    fn endpoint_types(planned: &Value) -> Vec<String> {
        planned
            .get("endpoint_configuration")
            .as_list()
            .and_then(|l| l.first())
            .map(|e| str_list(e, "types"))
            .unwrap_or_default()
    }
}

#[async_trait]
impl ResourceType for RestApi {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_rest_api"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let types = Self::endpoint_types(planned);
        let id = match opt_str(planned, "body") {
            Some(body) => {
                let mut req = self
                    .c
                    .apigateway
                    .import_rest_api()
                    .body(Blob::new(body.into_bytes()))
                    .fail_on_warnings(opt_bool(planned, "fail_on_warnings").unwrap_or(false));
                if let Some(t) = types.first() {
                    req = req.parameters("endpointConfigurationTypes", t);
                }
                let out = req.send().await.map_err(aws_err)?;
                let id = out
                    .id()
                    .ok_or_else(|| ProviderError::msg("ImportRestApi returned no id"))?
                    .to_string();
                // Tags cannot be given to an import; they are added by ARN.
                let empty = Value::object::<String>([]);
                let mut with_system = planned.clone();
                if let Value::Object(m) = &mut with_system {
                    let all = tags_to_write(ctx, planned)
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect();
                    m.insert("tags_all".into(), Value::Object(all));
                }
                let resource_arn = arn(&self.c.region, &format!("/restapis/{id}"));
                update_tags(&self.c.apigateway, &resource_arn, &empty, &with_system).await?;
                self.patch_settings(&id, &Value::Null, planned).await?;
                // Not every implementation honours the import's endpoint type parameter.
                // (Only the endpoint type is needed here: one GetRestApi, not a full read.)
                let api = self
                    .c
                    .apigateway
                    .get_rest_api()
                    .rest_api_id(&id)
                    .send()
                    .await
                    .map_err(aws_err)?;
                let types = api
                    .endpoint_configuration()
                    .map(|e| e.types().iter().map(|t| Value::str(t.as_str())).collect())
                    .unwrap_or_default();
                let live = Value::object([(
                    "endpoint_configuration",
                    Value::List(vec![Value::object([("types", Value::List(types))])]),
                )]);
                self.sync_endpoint_type(&id, &live, planned).await?;
                id
            }
            None => {
                let name =
                    opt_str(planned, "name").ok_or_else(|| ProviderError::msg("name is required without a body"))?;
                let endpoint = Some(types.clone()).filter(|t| !t.is_empty()).map(|t| {
                    EndpointConfiguration::builder()
                        .set_types(Some(t.iter().map(|x| EndpointType::from(x.as_str())).collect()))
                        .build()
                });
                let out = self
                    .c
                    .apigateway
                    .create_rest_api()
                    .name(name)
                    .set_description(opt_str(planned, "description"))
                    .set_api_key_source(opt_str(planned, "api_key_source").map(|s| ApiKeySourceType::from(s.as_str())))
                    .set_binary_media_types(Some(str_list(planned, "binary_media_types")).filter(|b| !b.is_empty()))
                    .set_endpoint_configuration(endpoint)
                    .set_policy(opt_str(planned, "policy"))
                    .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
                    .send()
                    .await
                    .map_err(aws_err)?;
                out.id()
                    .ok_or_else(|| ProviderError::msg("CreateRestApi returned no id"))?
                    .to_string()
            }
        };
        must_exist(self.read(ctx, &id, planned).await?, "REST API", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .apigateway
            .get_rest_api()
            .rest_api_id(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(api) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        let root = match api.root_resource_id() {
            Some(r) => Some(r.to_string()),
            None => {
                let res = self
                    .c
                    .apigateway
                    .get_resources()
                    .rest_api_id(id)
                    .send()
                    .await
                    .map_err(aws_err)?;
                res.items()
                    .iter()
                    .find(|r| r.path() == Some("/"))
                    .and_then(|r| r.id())
                    .map(str::to_string)
            }
        };
        let account = self.c.account_id().await?;
        let endpoint = api.endpoint_configuration().map(|e| {
            Value::object([
                (
                    "types",
                    Value::List(e.types().iter().map(|t| Value::str(t.as_str())).collect()),
                ),
                (
                    "vpc_endpoint_ids",
                    Value::List(e.vpc_endpoint_ids().iter().map(Value::str).collect()),
                ),
            ])
        });
        let keep = |k: &str| prior.get(k).clone();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(api.name())),
            ("description", Value::from(api.description())),
            // The body is what the blueprint imported; AWS does not return it as written.
            ("body", keep("body")),
            (
                "api_key_source",
                Value::from(api.api_key_source().map(|s| s.as_str().to_string())),
            ),
            (
                "binary_media_types",
                Value::List(api.binary_media_types().iter().map(Value::str).collect()),
            ),
            (
                "minimum_compression_size",
                Value::from(api.minimum_compression_size().map(|n| n.to_string())),
            ),
            (
                "disable_execute_api_endpoint",
                Value::Bool(api.disable_execute_api_endpoint()),
            ),
            ("fail_on_warnings", keep("fail_on_warnings")),
            (
                "put_rest_api_mode",
                match prior.get("put_rest_api_mode") {
                    Value::Null | Value::Unknown => Value::str("overwrite"),
                    v => v.clone(),
                },
            ),
            (
                "policy",
                json_as_configured(prior.get("policy"), api.policy().map(|p| p.replace("\\\"", "\""))),
            ),
            ("endpoint_configuration", Value::List(endpoint.into_iter().collect())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(api.tags()))),
            ("arn", Value::str(arn(&self.c.region, &format!("/restapis/{id}")))),
            ("root_resource_id", Value::from(root)),
            (
                "execution_arn",
                Value::str(format!("arn:aws:execute-api:{}:{account}:{id}", self.c.region)),
            ),
            ("created_date", Value::from(api.created_date().map(|d| d.to_string()))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if let Some(body) = opt_str(planned, "body").filter(|_| prior.get("body") != planned.get("body")) {
            let mode = match opt_str(planned, "put_rest_api_mode").as_deref() {
                Some("merge") => PutMode::Merge,
                _ => PutMode::Overwrite,
            };
            self.c
                .apigateway
                .put_rest_api()
                .rest_api_id(id)
                .mode(mode)
                .fail_on_warnings(opt_bool(planned, "fail_on_warnings").unwrap_or(false))
                .body(Blob::new(body.into_bytes()))
                .send()
                .await
                .map_err(aws_err)?;
            // The new body's info block renames the API; the blueprint's name is put back.
            self.patch_settings(id, &Value::Null, planned).await?;
        } else {
            self.patch_settings(id, prior, planned).await?;
        }
        if prior.get("endpoint_configuration") != planned.get("endpoint_configuration") {
            self.sync_endpoint_type(id, prior, planned).await?;
        }
        let resource_arn = arn(&self.c.region, &format!("/restapis/{id}"));
        update_tags(&self.c.apigateway, &resource_arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "REST API", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigateway
            .delete_rest_api()
            .rest_api_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
