//! `aws_api_gateway_api_key`: a key callers send in `x-api-key`. The key value is sensitive:
//! never shown in plans, and state keeps only its SHA-256 digest (a configured value that
//! changes forces a new key; a generated one is never known to infractl's state). The id is the
//! key id.

use super::{arn, patch, tag_pairs, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_bool, opt_str, secret_digest, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::len_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::{Op, PatchOperation};
use std::sync::Arc;

/// The `aws_api_gateway_api_key` resource type.
pub struct ApiKey {
    c: Arc<Clients>,
    schema: Schema,
}

impl ApiKey {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ApiKey {
        let schema = resource("aws_api_gateway_api_key")
            .arg("enabled")
            .default(true)
            .arg("value")
            .force_new()
            .normalized(secret_digest)
            .args(&["name", "customer_id", "tags"])
            .arg("description")
            .default("Managed by Terraform")
            .arg("value")
            .check(len_between(20, 128))
            .build();
        ApiKey { c, schema }
    }
}

#[async_trait]
impl ResourceType for ApiKey {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_api_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .apigateway
            .create_api_key()
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .enabled(opt_bool(planned, "enabled").unwrap_or(true))
            .set_customer_id(opt_str(planned, "customer_id"))
            .set_value(opt_str(planned, "value"))
            .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .id()
            .ok_or_else(|| ProviderError::msg("CreateApiKey returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "API key", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .apigateway
            .get_api_key()
            .api_key(id)
            .include_value(true)
            .send()
            .await
            .map_err(aws_err);
        let Some(k) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(k.name())),
            ("description", Value::from(k.description())),
            ("enabled", Value::Bool(k.enabled())),
            ("customer_id", Value::from(k.customer_id())),
            ("value", Value::from(k.value().map(secret_digest))),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(k.tags()))),
            ("arn", Value::str(arn(&self.c.region, &format!("/apikeys/{id}")))),
            ("created_date", Value::from(k.created_date().map(|d| d.to_string()))),
            (
                "last_updated_date",
                Value::from(k.last_updated_date().map(|d| d.to_string())),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut ops: Vec<PatchOperation> = Vec::new();
        for (attr, path) in [
            ("name", "/name"),
            ("description", "/description"),
            ("customer_id", "/customerId"),
        ] {
            if changed(attr) {
                ops.push(patch(
                    Op::Replace,
                    path,
                    Some(opt_str(planned, attr).unwrap_or_default()),
                ));
            }
        }
        if changed("enabled") {
            let on = opt_bool(planned, "enabled").unwrap_or(true);
            ops.push(patch(Op::Replace, "/enabled", Some(on.to_string())));
        }
        if !ops.is_empty() {
            self.c
                .apigateway
                .update_api_key()
                .api_key(id)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let key_arn = arn(&self.c.region, &format!("/apikeys/{id}"));
        update_tags(&self.c.apigateway, &key_arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "API key", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigateway
            .delete_api_key()
            .api_key(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
