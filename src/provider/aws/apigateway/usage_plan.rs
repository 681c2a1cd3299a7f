//! `aws_api_gateway_usage_plan`: who may call which API stages how often: a throttle (rate and
//! burst), a quota per day/week/month, and the stages it covers. Changes are PATCHes in place.
//! The id is the plan id.

use super::{arn, patch, tag_pairs, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_str, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::{ApiStage, Op, PatchOperation, QuotaPeriodType, QuotaSettings, ThrottleSettings};
use std::sync::Arc;

/// The `aws_api_gateway_usage_plan` resource type.
pub struct UsagePlan {
    c: Arc<Clients>,
    schema: Schema,
}

impl UsagePlan {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UsagePlan {
        let schema = resource("aws_api_gateway_usage_plan")
            .arg("quota_settings.offset")
            .default(0)
            .args(&[
                "name",
                "description",
                "product_code",
                "tags",
                "api_stages",
                "quota_settings",
                "throttle_settings",
            ])
            .not_yet(&["api_stages.throttle"])
            .arg("quota_settings.period")
            .check(one_of(&["DAY", "WEEK", "MONTH"]))
            .build();
        UsagePlan { c, schema }
    }
}

fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

fn stage_key(s: &Value) -> String {
    format!(
        "{}:{}",
        opt_str(s, "api_id").unwrap_or_default(),
        opt_str(s, "stage").unwrap_or_default()
    )
}

fn number_text(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .as_number()
        .map(|n| Value::Number(n).to_plain_string().unwrap_or_default())
}

/// The PATCH operations that take the plan from `prior` to `planned`.
fn ops(prior: &Value, planned: &Value) -> Vec<PatchOperation> {
    let changed = |k: &str| prior.get(k) != planned.get(k);
    let mut ops = Vec::new();
    for (attr, path) in [
        ("name", "/name"),
        ("description", "/description"),
        ("product_code", "/productCode"),
    ] {
        if changed(attr) {
            ops.push(match opt_str(planned, attr) {
                Some(v) => patch(Op::Replace, path, Some(v)),
                None => patch(Op::Remove, path, None),
            });
        }
    }
    if changed("throttle_settings") {
        match first(planned, "throttle_settings") {
            Some(t) => {
                for (attr, path) in [
                    ("burst_limit", "/throttle/burstLimit"),
                    ("rate_limit", "/throttle/rateLimit"),
                ] {
                    if let Some(v) = number_text(t, attr) {
                        ops.push(patch(Op::Replace, path, Some(v)));
                    }
                }
            }
            None => ops.push(patch(Op::Remove, "/throttle", None)),
        }
    }
    if changed("quota_settings") {
        match first(planned, "quota_settings") {
            Some(q) => {
                ops.push(patch(Op::Replace, "/quota/limit", number_text(q, "limit")));
                ops.push(patch(
                    Op::Replace,
                    "/quota/offset",
                    Some(number_text(q, "offset").unwrap_or("0".into())),
                ));
                ops.push(patch(Op::Replace, "/quota/period", opt_str(q, "period")));
            }
            None => ops.push(patch(Op::Remove, "/quota", None)),
        }
    }
    if changed("api_stages") {
        let keys = |v: &Value| -> Vec<String> {
            v.get("api_stages")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .map(stage_key)
                .collect()
        };
        let (old, new) = (keys(prior), keys(planned));
        for k in old.iter().filter(|k| !new.contains(k)) {
            ops.push(patch(Op::Remove, "/apiStages", Some(k.clone())));
        }
        for k in new.iter().filter(|k| !old.contains(k)) {
            ops.push(patch(Op::Add, "/apiStages", Some(k.clone())));
        }
    }
    ops
}

#[async_trait]
impl ResourceType for UsagePlan {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_usage_plan"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let stages: Vec<ApiStage> = planned
            .get("api_stages")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|s| {
                ApiStage::builder()
                    .set_api_id(opt_str(s, "api_id"))
                    .set_stage(opt_str(s, "stage"))
                    .build()
            })
            .collect();
        let throttle = first(planned, "throttle_settings").map(|t| {
            ThrottleSettings::builder()
                .set_burst_limit(t.get("burst_limit").as_number().map(|n| n as i32))
                .set_rate_limit(t.get("rate_limit").as_number())
                .build()
        });
        let quota = first(planned, "quota_settings").map(|q| {
            QuotaSettings::builder()
                .set_limit(q.get("limit").as_number().map(|n| n as i32))
                .set_offset(q.get("offset").as_number().map(|n| n as i32))
                .set_period(opt_str(q, "period").map(|p| QuotaPeriodType::from(p.as_str())))
                .build()
        });
        let out = self
            .c
            .apigateway
            .create_usage_plan()
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .set_api_stages(Some(stages).filter(|s| !s.is_empty()))
            .set_throttle(throttle)
            .set_quota(quota)
            .set_tags(Some(tags_to_write(ctx, planned).into_iter().collect()))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .id()
            .ok_or_else(|| ProviderError::msg("CreateUsagePlan returned no id"))?
            .to_string();
        if let Some(code) = opt_str(planned, "product_code") {
            self.c
                .apigateway
                .update_usage_plan()
                .usage_plan_id(&id)
                .patch_operations(patch(Op::Replace, "/productCode", Some(code)))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "usage plan", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .apigateway
            .get_usage_plan()
            .usage_plan_id(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(p) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        let stages: Vec<Value> = p
            .api_stages()
            .iter()
            .map(|s| Value::object([("api_id", Value::from(s.api_id())), ("stage", Value::from(s.stage()))]))
            .collect();
        let throttle = p
            .throttle()
            .filter(|t| t.burst_limit() != 0 || t.rate_limit() != 0.0)
            .map(|t| {
                Value::object([
                    ("burst_limit", Value::from(t.burst_limit() as i64)),
                    ("rate_limit", Value::Number(t.rate_limit())),
                ])
            });
        let quota = p.quota().filter(|q| q.period().is_some()).map(|q| {
            Value::object([
                ("limit", Value::from(q.limit() as i64)),
                ("offset", Value::from(q.offset() as i64)),
                ("period", Value::from(q.period().map(|x| x.as_str().to_string()))),
            ])
        });
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(p.name())),
            ("description", Value::from(p.description())),
            ("product_code", Value::from(p.product_code())),
            ("api_stages", Value::List(stages)),
            ("quota_settings", Value::List(quota.into_iter().collect())),
            ("throttle_settings", Value::List(throttle.into_iter().collect())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(p.tags()))),
            ("arn", Value::str(arn(&self.c.region, &format!("/usageplans/{id}")))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let ops = ops(prior, planned);
        if !ops.is_empty() {
            self.c
                .apigateway
                .update_usage_plan()
                .usage_plan_id(id)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        let plan_arn = arn(&self.c.region, &format!("/usageplans/{id}"));
        update_tags(&self.c.apigateway, &plan_arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "usage plan", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        // A plan still attached to stages cannot be deleted: detach them first.
        let detach: Vec<PatchOperation> = prior
            .get("api_stages")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|s| patch(Op::Remove, "/apiStages", Some(stage_key(s))))
            .collect();
        if !detach.is_empty() {
            let r = self
                .c
                .apigateway
                .update_usage_plan()
                .usage_plan_id(id)
                .set_patch_operations(Some(detach))
                .send()
                .await
                .map_err(aws_err);
            absent_on(r, &["NotFoundException"])?;
        }
        let r = self
            .c
            .apigateway
            .delete_usage_plan()
            .usage_plan_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
