//! `aws_apigatewayv2_stage`: a named stage of an API (`$default` for an HTTP API's default
//! stage) with automatic deployment, access logs, default and per-route throttling, stage
//! variables and tags. Everything but the API and name changes in place (UpdateStage; route
//! settings left out are deleted, stage variables left out are sent empty). The id is the stage
//! name; import takes `API-ID/STAGE-NAME`. A refresh reads an API's stages with one GetStages.
//! Tags identify a stage a killed run created.

use super::{
    execution_arn, first, int, invoke_url, list_all, map_value, read_child, read_children, split_id, stage_arn,
    str_map, tag_map, tag_pairs, update_tags, BULK, NOT_FOUND,
};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_bool, opt_str, owns, required, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{AccessLogSettings, LoggingLevel, RouteSettings, Stage as SdStage};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_apigatewayv2_stage` resource type.
pub struct Stage {
    c: Arc<Clients>,
    schema: Schema,
}

/// What stage values depend on besides the stage: the account (execution ARN) and the API's
/// protocol (invoke URL, and which route settings it takes).
struct Context {
    region: String,
    account: String,
    protocols: HashMap<String, String>,
}

impl Stage {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Stage {
        let levels = &["ERROR", "INFO", "OFF"];
        let schema = resource("aws_apigatewayv2_stage")
            .arg("api_id")
            .force_new()
            .arg("name")
            .force_new()
            .check(len_between(1, 128))
            .arg("auto_deploy")
            .default(false)
            .arg("description")
            .check(len_between(0, 1024))
            .arg("deployment_id")
            .arg("access_log_settings.destination_arn")
            .check(arn())
            .arg("default_route_settings")
            .live_if_unset()
            .arg("default_route_settings.data_trace_enabled")
            .default(false)
            .arg("default_route_settings.detailed_metrics_enabled")
            .default(false)
            .arg("default_route_settings.logging_level")
            .check(one_of(levels))
            .arg("route_settings.data_trace_enabled")
            .default(false)
            .arg("route_settings.detailed_metrics_enabled")
            .default(false)
            .arg("route_settings.logging_level")
            .check(one_of(levels))
            .args(&[
                "access_log_settings",
                "client_certificate_id",
                "default_route_settings.throttling_burst_limit",
                "default_route_settings.throttling_rate_limit",
                "route_settings",
                "stage_variables",
                "tags",
            ])
            .build();
        Stage { c, schema }
    }

    async fn list(&self, api: String) -> PResult<Vec<SdStage>> {
        list_all!(self.c.apigatewayv2.get_stages().api_id(&api))
    }

    async fn protocol(&self, api: &str) -> PResult<String> {
        let a = self
            .c
            .apigatewayv2
            .get_api()
            .api_id(api)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(a.protocol_type().map(|p| p.as_str().to_string()).unwrap_or_default())
    }

    async fn context(&self, apis: impl IntoIterator<Item = String>) -> PResult<Context> {
        let mut protocols = HashMap::new();
        for api in apis {
            if let Some(p) = absent_on(self.protocol(&api).await, NOT_FOUND)? {
                protocols.insert(api, p);
            }
        }
        Ok(Context {
            region: self.c.region.clone(),
            account: self.c.account_id().await?,
            protocols,
        })
    }
}

/// Route settings as the stage's API takes them: data tracing and logging levels only exist
/// for WebSocket APIs (HTTP APIs refuse them).
fn route_settings(v: &Value, websocket: bool) -> RouteSettings {
    RouteSettings::builder()
        .set_data_trace_enabled(opt_bool(v, "data_trace_enabled").filter(|_| websocket))
        .set_detailed_metrics_enabled(opt_bool(v, "detailed_metrics_enabled"))
        .set_logging_level(
            opt_str(v, "logging_level")
                .filter(|_| websocket)
                .map(|l| LoggingLevel::from(l.as_str())),
        )
        .set_throttling_burst_limit(int(v, "throttling_burst_limit"))
        .set_throttling_rate_limit(v.get("throttling_rate_limit").as_number())
        .build()
}

fn per_route(planned: &Value, websocket: bool) -> HashMap<String, RouteSettings> {
    planned
        .get("route_settings")
        .as_list()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((opt_str(r, "route_key")?, route_settings(r, websocket))))
        .collect()
}

fn access_logs(planned: &Value) -> Option<AccessLogSettings> {
    let a = first(planned, "access_log_settings")?;
    Some(
        AccessLogSettings::builder()
            .set_destination_arn(opt_str(a, "destination_arn"))
            .set_format(opt_str(a, "format"))
            .build(),
    )
}

fn settings_state(s: &RouteSettings, route_key: Option<&str>) -> Value {
    let mut pairs = vec![
        (
            "data_trace_enabled",
            Value::Bool(s.data_trace_enabled().unwrap_or(false)),
        ),
        (
            "detailed_metrics_enabled",
            Value::Bool(s.detailed_metrics_enabled().unwrap_or(false)),
        ),
        (
            "logging_level",
            Value::from(s.logging_level().map(|l| l.as_str().to_string())),
        ),
        (
            "throttling_burst_limit",
            s.throttling_burst_limit()
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::Null),
        ),
        (
            "throttling_rate_limit",
            s.throttling_rate_limit().map(Value::Number).unwrap_or(Value::Null),
        ),
    ];
    if let Some(k) = route_key {
        pairs.push(("route_key", Value::str(k)));
    }
    Value::object(pairs)
}

fn to_state(cx: &Context, api: &str, s: &SdStage, prior: &Value) -> Value {
    let name = s.stage_name().unwrap_or_default();
    let protocol = cx.protocols.get(api).map(String::as_str).unwrap_or("HTTP");
    let text = |o: Option<&str>| Value::from(o.filter(|x| !x.is_empty()));
    let mut routes: Vec<(&String, &RouteSettings)> = s.route_settings().into_iter().flatten().collect();
    routes.sort_by_key(|(k, _)| k.as_str());
    Value::object([
        ("id", Value::str(name)),
        ("api_id", Value::str(api)),
        ("name", Value::str(name)),
        ("arn", Value::str(stage_arn(&cx.region, api, name))),
        (
            "execution_arn",
            Value::str(format!("{}/{name}", execution_arn(&cx.region, &cx.account, api))),
        ),
        ("invoke_url", Value::str(invoke_url(&cx.region, api, protocol, name))),
        ("auto_deploy", Value::Bool(s.auto_deploy().unwrap_or(false))),
        ("client_certificate_id", text(s.client_certificate_id())),
        ("deployment_id", text(s.deployment_id())),
        ("description", text(s.description())),
        (
            "access_log_settings",
            Value::List(
                s.access_log_settings()
                    .map(|a| {
                        Value::object([
                            ("destination_arn", text(a.destination_arn())),
                            ("format", text(a.format())),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "default_route_settings",
            Value::List(
                s.default_route_settings()
                    .map(|d| settings_state(d, None))
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "route_settings",
            Value::List(routes.into_iter().map(|(k, r)| settings_state(r, Some(k))).collect()),
        ),
        ("stage_variables", map_value(s.stage_variables())),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tag_pairs(s.tags()))),
    ])
}

#[async_trait]
impl ResourceType for Stage {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_stage"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "api_id")?;
        let name = required(planned, "name")?;
        let websocket = self.protocol(&api).await? == "WEBSOCKET";
        let routes = per_route(planned, websocket);
        self.c
            .apigatewayv2
            .create_stage()
            .api_id(&api)
            .stage_name(&name)
            .auto_deploy(opt_bool(planned, "auto_deploy") == Some(true))
            .set_access_log_settings(access_logs(planned))
            .set_client_certificate_id(opt_str(planned, "client_certificate_id"))
            .set_default_route_settings(first(planned, "default_route_settings").map(|d| route_settings(d, websocket)))
            .set_deployment_id(opt_str(planned, "deployment_id"))
            .set_description(opt_str(planned, "description"))
            .set_route_settings(Some(routes).filter(|r| !r.is_empty()))
            .set_stage_variables(str_map(planned, "stage_variables"))
            .set_tags(Some(tag_map(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "stage", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (api, _) = split_id(id, prior)?;
        let cx = self.context([api]).await?;
        read_child(
            id,
            prior,
            |api| self.list(api),
            |s| s.stage_name(),
            |api, s, p| to_state(&cx, api, s, p),
        )
        .await
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let cx = self.context(super::by_api(items).into_keys()).await?;
        read_children(
            items,
            |api| self.list(api),
            |s| s.stage_name(),
            |api, s, p| to_state(&cx, api, s, p),
        )
        .await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, name) = split_id(id, planned)?;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let gw = &self.c.apigatewayv2;
        let settings = [
            "access_log_settings",
            "auto_deploy",
            "client_certificate_id",
            "default_route_settings",
            "deployment_id",
            "description",
            "route_settings",
            "stage_variables",
        ];
        if settings.iter().any(|k| changed(k)) {
            let websocket = self.protocol(&api).await? == "WEBSOCKET";
            let text = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
            let mut req = gw
                .update_stage()
                .api_id(&api)
                .stage_name(&name)
                .set_client_certificate_id(text("client_certificate_id"))
                .set_deployment_id(text("deployment_id").filter(|d| !d.is_empty()))
                .set_description(text("description"));
            if changed("access_log_settings") {
                req = req
                    .access_log_settings(access_logs(planned).unwrap_or_else(|| AccessLogSettings::builder().build()));
            }
            if changed("auto_deploy") {
                req = req.auto_deploy(opt_bool(planned, "auto_deploy") == Some(true));
            }
            if changed("default_route_settings") {
                let d = first(planned, "default_route_settings").cloned().unwrap_or(Value::Null);
                req = req.default_route_settings(route_settings(&d, websocket));
            }
            if changed("route_settings") {
                let routes = per_route(planned, websocket);
                for old in prior.get("route_settings").as_list().into_iter().flatten() {
                    let Some(key) = opt_str(old, "route_key") else {
                        continue;
                    };
                    if !routes.contains_key(&key) {
                        let r = gw
                            .delete_route_settings()
                            .api_id(&api)
                            .stage_name(&name)
                            .route_key(key)
                            .send()
                            .await
                            .map_err(aws_err);
                        absent_on(r, NOT_FOUND)?;
                    }
                }
                req = req.set_route_settings(Some(routes).filter(|r| !r.is_empty()));
            }
            if changed("stage_variables") {
                // A variable is removed by sending it empty.
                let mut vars = str_map(planned, "stage_variables").unwrap_or_default();
                for k in prior
                    .get("stage_variables")
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                {
                    vars.entry(k.clone()).or_default();
                }
                req = req.set_stage_variables(Some(vars));
            }
            req.send().await.map_err(aws_err)?;
        }
        update_tags(&self.c, &stage_arn(&self.c.region, &api, &name), prior, planned).await?;
        must_exist(self.read(ctx, &name, planned).await?, "stage", &name)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, name) = split_id(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .delete_stage()
            .api_id(api)
            .stage_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(api), Some(name)) = (opt_str(planned, "api_id"), opt_str(planned, "name")) else {
            return Ok(None);
        };
        let Some(stages) = absent_on(self.list(api).await, NOT_FOUND)? else {
            return Ok(None);
        };
        Ok(stages
            .iter()
            .filter(|s| s.stage_name() == Some(name.as_str()))
            .find(|s| {
                let tags = tag_pairs(s.tags());
                owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
            })
            .map(|_| name.clone()))
    }
}
