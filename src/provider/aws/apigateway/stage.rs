//! `aws_api_gateway_stage`: a named stage serving a deployment, with stage variables, X-Ray
//! tracing, cache cluster and access logging to a log group. Everything but the names changes
//! in place by PATCH. The id is `ags-API-STAGE`, as in Terraform; import takes `API/STAGE`.

use super::{arn, patch, tag_pairs, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_bool, opt_str, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{self, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::{CacheClusterSize, Op, PatchOperation};
use std::sync::Arc;

/// The `aws_api_gateway_stage` resource type.
pub struct Stage {
    c: Arc<Clients>,
    schema: Schema,
}

impl Stage {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Stage {
        let schema = resource("aws_api_gateway_stage")
            .arg("rest_api_id")
            .force_new()
            .arg("stage_name")
            .force_new()
            .arg("xray_tracing_enabled")
            .default(false)
            .arg("cache_cluster_enabled")
            .default(false)
            .arg("cache_cluster_size")
            .live_if_unset()
            .args(&[
                "deployment_id",
                "description",
                "variables",
                "tags",
                "access_log_settings",
            ])
            .arg("cache_cluster_size")
            .check(one_of(&["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"]))
            .arg("access_log_settings.destination_arn")
            .check(validators::arn())
            .build();
        Stage { c, schema }
    }

    fn names(id: &str, prior: &Value) -> PResult<(String, String)> {
        if let (Some(api), Some(stage)) = (opt_str(prior, "rest_api_id"), opt_str(prior, "stage_name")) {
            return Ok((api, stage));
        }
        id.split_once('/')
            .map(|(a, s)| (a.to_string(), s.to_string()))
            .ok_or_else(|| ProviderError::msg("import id must be REST-API-ID/STAGE-NAME"))
    }

    fn ops(prior: &Value, planned: &Value) -> Vec<PatchOperation> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let text = |k: &str| opt_str(planned, k).unwrap_or_default();
        let flag = |k: &str| Some(opt_bool(planned, k).unwrap_or(false).to_string());
        let mut ops = Vec::new();
        if changed("deployment_id") {
            ops.push(patch(Op::Replace, "/deploymentId", Some(text("deployment_id"))));
        }
        if changed("description") {
            ops.push(patch(Op::Replace, "/description", Some(text("description"))));
        }
        if changed("xray_tracing_enabled") {
            ops.push(patch(Op::Replace, "/tracingEnabled", flag("xray_tracing_enabled")));
        }
        if changed("cache_cluster_enabled") {
            ops.push(patch(
                Op::Replace,
                "/cacheClusterEnabled",
                flag("cache_cluster_enabled"),
            ));
        }
        if changed("cache_cluster_size") && opt_str(planned, "cache_cluster_size").is_some() {
            ops.push(patch(
                Op::Replace,
                "/cacheClusterSize",
                Some(text("cache_cluster_size")),
            ));
        }
        if changed("variables") {
            let old = prior.get("variables").as_object().cloned().unwrap_or_default();
            let new = planned.get("variables").as_object().cloned().unwrap_or_default();
            for k in old.keys().filter(|k| !new.contains_key(*k)) {
                ops.push(patch(Op::Remove, &format!("/variables/{k}"), None));
            }
            for (k, v) in new.iter().filter(|(k, v)| old.get(*k) != Some(v)) {
                ops.push(patch(Op::Replace, &format!("/variables/{k}"), v.to_plain_string()));
            }
        }
        if changed("access_log_settings") {
            match planned.get("access_log_settings").as_list().and_then(|l| l.first()) {
                Some(s) => {
                    ops.push(patch(
                        Op::Replace,
                        "/accessLogSettings/destinationArn",
                        opt_str(s, "destination_arn"),
                    ));
                    ops.push(patch(Op::Replace, "/accessLogSettings/format", opt_str(s, "format")));
                }
                None => ops.push(patch(Op::Remove, "/accessLogSettings", None)),
            }
        }
        ops
    }
}

#[async_trait]
impl ResourceType for Stage {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_stage"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (api, stage) = Self::names("", planned)?;
        let variables = planned.get("variables").as_object().map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.to_plain_string().unwrap_or_default()))
                .collect()
        });
        self.c
            .apigateway
            .create_stage()
            .rest_api_id(&api)
            .stage_name(&stage)
            .set_deployment_id(opt_str(planned, "deployment_id"))
            .set_description(opt_str(planned, "description"))
            .set_variables(variables)
            .tracing_enabled(opt_bool(planned, "xray_tracing_enabled").unwrap_or(false))
            .cache_cluster_enabled(opt_bool(planned, "cache_cluster_enabled").unwrap_or(false))
            .set_cache_cluster_size(opt_str(planned, "cache_cluster_size").map(|s| CacheClusterSize::from(s.as_str())))
            .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
            .send()
            .await
            .map_err(aws_err)?;
        // Access logging is not part of CreateStage.
        let ops: Vec<PatchOperation> = Self::ops(&Value::Null, planned)
            .into_iter()
            .filter(|o| o.path().is_some_and(|p| p.starts_with("/accessLogSettings")))
            .collect();
        if !ops.is_empty() {
            self.c
                .apigateway
                .update_stage()
                .rest_api_id(&api)
                .stage_name(&stage)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let id = format!("ags-{api}-{stage}");
        must_exist(self.read(ctx, &id, planned).await?, "stage", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (api, stage) = Self::names(id, prior)?;
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
        let variables = s
            .variables()
            .filter(|v| !v.is_empty())
            .map(|v| Value::Object(v.iter().map(|(k, x)| (k.clone(), Value::str(x))).collect()))
            .unwrap_or(Value::Null);
        let logs = s
            .access_log_settings()
            .filter(|a| a.destination_arn().is_some())
            .map(|a| {
                Value::object([
                    ("destination_arn", Value::from(a.destination_arn())),
                    ("format", Value::from(a.format())),
                ])
            });
        let account = self.c.account_id().await?;
        let region = &self.c.region;
        Ok(Some(Value::object([
            ("id", Value::str(format!("ags-{api}-{stage}"))),
            ("rest_api_id", Value::str(&api)),
            ("stage_name", Value::str(&stage)),
            ("deployment_id", Value::from(s.deployment_id())),
            ("description", Value::from(s.description().filter(|d| !d.is_empty()))),
            ("variables", variables),
            ("xray_tracing_enabled", Value::Bool(s.tracing_enabled())),
            ("cache_cluster_enabled", Value::Bool(s.cache_cluster_enabled())),
            (
                "cache_cluster_size",
                Value::from(s.cache_cluster_size().map(|c| c.as_str().to_string())),
            ),
            ("access_log_settings", Value::List(logs.into_iter().collect())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(s.tags()))),
            (
                "arn",
                Value::str(arn(region, &format!("/restapis/{api}/stages/{stage}"))),
            ),
            (
                "invoke_url",
                Value::str(format!("https://{api}.execute-api.{region}.amazonaws.com/{stage}")),
            ),
            (
                "execution_arn",
                Value::str(format!("arn:aws:execute-api:{region}:{account}:{api}/{stage}")),
            ),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, stage) = Self::names(id, prior)?;
        let ops = Self::ops(prior, planned);
        if !ops.is_empty() {
            self.c
                .apigateway
                .update_stage()
                .rest_api_id(&api)
                .stage_name(&stage)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let stage_arn = arn(&self.c.region, &format!("/restapis/{api}/stages/{stage}"));
        update_tags(&self.c.apigateway, &stage_arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "stage", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, stage) = Self::names(id, prior)?;
        let r = self
            .c
            .apigateway
            .delete_stage()
            .rest_api_id(&api)
            .stage_name(&stage)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
