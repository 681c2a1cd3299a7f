//! `aws_apigatewayv2_route`: a route key (`GET /items`, `$default`, `$connect`) of an API, its
//! target (`integrations/ID`) and authorization. Everything but the API changes in place. The id
//! is the route id; import takes `API-ID/ROUTE-ID`. A refresh reads an API's routes with one
//! GetRoutes. Route keys are unique in an API, so a route a killed run created is found again by
//! its key.

use super::{list_all, map_value, read_child, read_children, split_id, str_map, BULK, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, list_value, must_exist, opt_bool, opt_str, required, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{AuthorizationType, ParameterConstraints, Route as SdRoute};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_apigatewayv2_route` resource type.
pub struct Route {
    c: Arc<Clients>,
    schema: Schema,
}

impl Route {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Route {
        let schema = resource("aws_apigatewayv2_route")
            .arg("api_id")
            .force_new()
            .arg("api_key_required")
            .default(false)
            .arg("authorization_type")
            .default("NONE")
            .check(one_of(&["NONE", "AWS_IAM", "CUSTOM", "JWT"]))
            .arg("operation_name")
            .check(len_between(1, 64))
            .arg("target")
            .check(len_between(1, 128))
            .args(&[
                "route_key",
                "authorization_scopes",
                "authorizer_id",
                "model_selection_expression",
                "request_models",
                "request_parameter",
                "route_response_selection_expression",
            ])
            .build();
        Route { c, schema }
    }

    async fn list(&self, api: String) -> PResult<Vec<SdRoute>> {
        list_all!(self.c.apigatewayv2.get_routes().api_id(&api))
    }
}

fn parameters(planned: &Value) -> Option<HashMap<String, ParameterConstraints>> {
    let out: HashMap<String, ParameterConstraints> = planned
        .get("request_parameter")
        .as_list()?
        .iter()
        .filter_map(|p| {
            Some((
                opt_str(p, "request_parameter_key")?,
                ParameterConstraints::builder()
                    .set_required(opt_bool(p, "required"))
                    .build(),
            ))
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

fn to_state(api: &str, r: &SdRoute, _prior: &Value) -> Value {
    let text = |o: Option<&str>| Value::from(o.filter(|s| !s.is_empty()));
    let mut params: Vec<(&String, &ParameterConstraints)> = r.request_parameters().into_iter().flatten().collect();
    params.sort_by_key(|(k, _)| k.as_str());
    Value::object([
        ("id", Value::from(r.route_id())),
        ("api_id", Value::str(api)),
        ("api_key_required", Value::Bool(r.api_key_required().unwrap_or(false))),
        (
            "authorization_scopes",
            list_value(r.authorization_scopes().iter().cloned()),
        ),
        (
            "authorization_type",
            Value::str(r.authorization_type().map(|t| t.as_str()).unwrap_or("NONE")),
        ),
        ("authorizer_id", text(r.authorizer_id())),
        ("model_selection_expression", text(r.model_selection_expression())),
        ("operation_name", text(r.operation_name())),
        ("request_models", map_value(r.request_models())),
        (
            "request_parameter",
            Value::List(
                params
                    .into_iter()
                    .map(|(k, c)| {
                        Value::object([
                            ("request_parameter_key", Value::str(k)),
                            ("required", Value::Bool(c.required().unwrap_or(false))),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("route_key", Value::from(r.route_key())),
        (
            "route_response_selection_expression",
            text(r.route_response_selection_expression()),
        ),
        ("target", text(r.target())),
    ])
}

#[async_trait]
impl ResourceType for Route {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_route"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "api_id")?;
        let scopes = str_list(planned, "authorization_scopes");
        let out = self
            .c
            .apigatewayv2
            .create_route()
            .api_id(&api)
            .set_route_key(opt_str(planned, "route_key"))
            .api_key_required(opt_bool(planned, "api_key_required") == Some(true))
            .authorization_type(AuthorizationType::from(
                opt_str(planned, "authorization_type")
                    .unwrap_or_else(|| "NONE".into())
                    .as_str(),
            ))
            .set_authorization_scopes(Some(scopes).filter(|s| !s.is_empty()))
            .set_authorizer_id(opt_str(planned, "authorizer_id"))
            .set_model_selection_expression(opt_str(planned, "model_selection_expression"))
            .set_operation_name(opt_str(planned, "operation_name"))
            .set_request_models(str_map(planned, "request_models"))
            .set_request_parameters(parameters(planned))
            .set_route_response_selection_expression(opt_str(planned, "route_response_selection_expression"))
            .set_target(opt_str(planned, "target"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .route_id()
            .ok_or_else(|| ProviderError::msg("CreateRoute returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "route", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_child(id, prior, |api| self.list(api), |r| r.route_id(), to_state).await
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_children(items, |api| self.list(api), |r| r.route_id(), to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, id) = split_id(id, planned)?;
        let gw = &self.c.apigatewayv2;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("request_parameter") {
            // Parameters left out are deleted one by one; the rest are sent with the update.
            let kept = parameters(planned).unwrap_or_default();
            for old in prior.get("request_parameter").as_list().into_iter().flatten() {
                let Some(key) = opt_str(old, "request_parameter_key") else {
                    continue;
                };
                if !kept.contains_key(&key) {
                    let r = gw
                        .delete_route_request_parameter()
                        .api_id(&api)
                        .route_id(&id)
                        .request_parameter_key(key)
                        .send()
                        .await
                        .map_err(aws_err);
                    absent_on(r, NOT_FOUND)?;
                }
            }
        }
        let text = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
        let mut req = gw
            .update_route()
            .api_id(&api)
            .route_id(&id)
            .set_route_key(text("route_key"))
            .set_model_selection_expression(text("model_selection_expression"))
            .set_operation_name(text("operation_name"))
            .set_route_response_selection_expression(text("route_response_selection_expression"))
            .set_target(text("target"));
        if changed("api_key_required") {
            req = req.api_key_required(opt_bool(planned, "api_key_required") == Some(true));
        }
        if changed("authorization_scopes") {
            req = req.set_authorization_scopes(Some(str_list(planned, "authorization_scopes")));
        }
        if changed("authorization_type") || changed("authorizer_id") {
            req = req.authorization_type(AuthorizationType::from(
                opt_str(planned, "authorization_type")
                    .unwrap_or_else(|| "NONE".into())
                    .as_str(),
            ));
        }
        if changed("authorizer_id") {
            req = req.authorizer_id(opt_str(planned, "authorizer_id").unwrap_or_default());
        }
        if changed("request_models") {
            req = req.set_request_models(Some(str_map(planned, "request_models").unwrap_or_default()));
        }
        if changed("request_parameter") {
            req = req.set_request_parameters(parameters(planned));
        }
        req.send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, &id, planned).await?, "route", &id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, id) = split_id(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .delete_route()
            .api_id(api)
            .route_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Only a killed create of this very address: a route of the same key made by someone
        // else must fail as a conflict, not be taken over.
        if !ctx.resumed {
            return Ok(None);
        }
        let (Some(api), Some(key)) = (opt_str(planned, "api_id"), opt_str(planned, "route_key")) else {
            return Ok(None);
        };
        let Some(routes) = absent_on(self.list(api).await, NOT_FOUND)? else {
            return Ok(None);
        };
        Ok(routes
            .iter()
            .find(|r| r.route_key() == Some(key.as_str()))
            .and_then(|r| r.route_id().map(str::to_string)))
    }
}
