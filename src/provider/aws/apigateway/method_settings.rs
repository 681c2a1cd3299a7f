//! `aws_api_gateway_method_settings`: metrics, logging, throttling and caching of one method
//! path (`*/*` for all) of a stage, written as PATCHes of the stage. The id is
//! `API-STAGE-PATH`, as in Terraform.

use super::patch;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::{MethodSetting, Op, PatchOperation};
use std::sync::Arc;

/// Settings: Terraform's name, the PATCH path under the method path, and how to read it back.
const SETTINGS: &[(&str, &str)] = &[
    ("metrics_enabled", "metrics/enabled"),
    ("logging_level", "logging/loglevel"),
    ("data_trace_enabled", "logging/dataTrace"),
    ("throttling_burst_limit", "throttling/burstLimit"),
    ("throttling_rate_limit", "throttling/rateLimit"),
    ("caching_enabled", "caching/enabled"),
    ("cache_ttl_in_seconds", "caching/ttlInSeconds"),
    ("cache_data_encrypted", "caching/dataEncrypted"),
    (
        "require_authorization_for_cache_control",
        "caching/requireAuthorizationForCacheControl",
    ),
];

/// The `aws_api_gateway_method_settings` resource type.
pub struct MethodSettings {
    c: Arc<Clients>,
    schema: Schema,
}

impl MethodSettings {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MethodSettings {
        let schema = resource("aws_api_gateway_method_settings")
            .arg("rest_api_id")
            .force_new()
            .arg("stage_name")
            .force_new()
            .arg("method_path")
            .force_new()
            .arg("settings")
            .arg("settings.throttling_burst_limit")
            .default(-1)
            .arg("settings.throttling_rate_limit")
            .default(-1)
            .not_yet(&["settings.unauthorized_cache_control_header_strategy"])
            .arg("settings.logging_level")
            .check(one_of(&["OFF", "ERROR", "INFO"]))
            .build();
        MethodSettings { c, schema }
    }

    fn names(v: &Value) -> PResult<(String, String, String)> {
        Ok((
            required(v, "rest_api_id")?,
            required(v, "stage_name")?,
            required(v, "method_path")?,
        ))
    }

    async fn apply(&self, planned: &Value) -> PResult<()> {
        let (api, stage, path) = Self::names(planned)?;
        let settings = planned
            .get("settings")
            .as_list()
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or_default();
        let ops: Vec<PatchOperation> = SETTINGS
            .iter()
            .filter_map(|(name, sub)| {
                let text = match settings.get(name) {
                    Value::Null | Value::Unknown => return None,
                    v => v.to_plain_string()?,
                };
                Some(patch(Op::Replace, &format!("/{path}/{sub}"), Some(text)))
            })
            .collect();
        if ops.is_empty() {
            return Ok(());
        }
        self.c
            .apigateway
            .update_stage()
            .rest_api_id(api)
            .stage_name(stage)
            .set_patch_operations(Some(ops))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

fn to_settings(m: &MethodSetting) -> Value {
    Value::object([
        ("metrics_enabled", Value::Bool(m.metrics_enabled())),
        ("logging_level", Value::from(m.logging_level())),
        ("data_trace_enabled", Value::Bool(m.data_trace_enabled())),
        ("throttling_burst_limit", Value::from(m.throttling_burst_limit() as i64)),
        ("throttling_rate_limit", Value::Number(m.throttling_rate_limit())),
        ("caching_enabled", Value::Bool(m.caching_enabled())),
        ("cache_ttl_in_seconds", Value::from(m.cache_ttl_in_seconds() as i64)),
        ("cache_data_encrypted", Value::Bool(m.cache_data_encrypted())),
        (
            "require_authorization_for_cache_control",
            Value::Bool(m.require_authorization_for_cache_control()),
        ),
    ])
}

#[async_trait]
impl ResourceType for MethodSettings {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_method_settings"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.apply(planned).await?;
        let (api, stage, path) = Self::names(planned)?;
        let id = format!("{api}-{stage}-{path}");
        must_exist(self.read(ctx, &id, planned).await?, "method settings", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // Import ids are API/STAGE/PATH (the path has slashes of its own).
        let (api, stage, path) = match Self::names(prior) {
            Ok(n) => n,
            Err(_) => {
                let mut parts = id.splitn(3, '/');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(s), Some(p)) => (a.to_string(), s.to_string(), p.to_string()),
                    _ => {
                        return Err(ProviderError::msg(
                            "import id must be REST-API-ID/STAGE-NAME/METHOD-PATH",
                        ))
                    }
                }
            }
        };
        let r = self
            .c
            .apigateway
            .get_stage()
            .rest_api_id(&api)
            .stage_name(&stage)
            .send()
            .await
            .map_err(aws_err);
        let Some(s) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        let Some(m) = s.method_settings().and_then(|m| m.get(&path)) else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(format!("{api}-{stage}-{path}"))),
            ("rest_api_id", Value::str(&api)),
            ("stage_name", Value::str(&stage)),
            ("method_path", Value::str(&path)),
            ("settings", Value::List(vec![to_settings(m)])),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.apply(planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "method settings", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        let (api, stage, path) = Self::names(prior)?;
        let r = self
            .c
            .apigateway
            .update_stage()
            .rest_api_id(api)
            .stage_name(stage)
            .patch_operations(patch(Op::Remove, &format!("/{path}"), None))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
