//! `aws_api_gateway_method`: an HTTP method on a REST API resource, with its authorization
//! and request settings. The id is the provider's `agm-API-RESOURCE-METHOD`; import takes
//! `API/RESOURCE/METHOD`. Everything but the three parts of that key changes in place by PATCH.

use super::{key_fields, map_ops, method_key, patch, string_map, text, HTTP_METHODS};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_bool, opt_str, set_changes, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::Op;
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_api_gateway_method` resource type.
pub struct Method {
    c: Arc<Clients>,
    schema: Schema,
}

impl Method {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Method {
        let schema = resource("aws_api_gateway_method")
            .arg("rest_api_id")
            .force_new()
            .arg("resource_id")
            .force_new()
            .arg("http_method")
            .force_new()
            .check(one_of(HTTP_METHODS))
            .arg("api_key_required")
            .default(false)
            .args(&[
                "authorization",
                "authorization_scopes",
                "authorizer_id",
                "operation_name",
                "request_models",
                "request_parameters",
                "request_validator_id",
            ])
            .build();
        Method { c, schema }
    }
}

/// `request_parameters` as API Gateway takes them: whether each is required.
fn required_flags(v: &Value) -> Option<HashMap<String, bool>> {
    let m: HashMap<String, bool> = v
        .as_object()?
        .iter()
        .map(|(k, x)| (k.clone(), x.as_bool().unwrap_or(false)))
        .collect();
    (!m.is_empty()).then_some(m)
}

fn sorted<V: Clone>(m: Option<&HashMap<String, V>>, f: impl Fn(&V) -> Value) -> Value {
    let mut pairs: Vec<(&String, &V)> = m.into_iter().flatten().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Value::Object(pairs.into_iter().map(|(k, v)| (k.clone(), f(v))).collect())
}

#[async_trait]
impl ResourceType for Method {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_method"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key = method_key("", planned)?;
        let (api, resource, verb) = &key;
        let scopes = str_list(planned, "authorization_scopes");
        keyed!(self.c.apigateway.put_method(), &key)
            .authorization_type(opt_str(planned, "authorization").unwrap_or_default())
            .api_key_required(opt_bool(planned, "api_key_required").unwrap_or(false))
            .set_authorizer_id(opt_str(planned, "authorizer_id"))
            .set_authorization_scopes((!scopes.is_empty()).then_some(scopes))
            .set_operation_name(opt_str(planned, "operation_name"))
            .set_request_models(string_map(planned.get("request_models")))
            .set_request_parameters(required_flags(planned.get("request_parameters")))
            .set_request_validator_id(opt_str(planned, "request_validator_id"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("agm-{api}-{resource}-{verb}");
        must_exist(self.read(ctx, &id, planned).await?, "API Gateway method", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let key = method_key(id, prior)?;
        let r = keyed!(self.c.apigateway.get_method(), &key)
            .send()
            .await
            .map_err(aws_err);
        let Some(m) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        Ok(Some(Value::object(key_fields("agm", &key).into_iter().chain([
            ("authorization", text(m.authorization_type())),
            (
                "authorization_scopes",
                Value::List(m.authorization_scopes().iter().map(Value::str).collect()),
            ),
            ("authorizer_id", text(m.authorizer_id())),
            ("api_key_required", Value::from(m.api_key_required().unwrap_or(false))),
            ("operation_name", text(m.operation_name())),
            ("request_models", sorted(m.request_models(), |v| Value::str(v))),
            (
                "request_parameters",
                sorted(m.request_parameters(), |v| Value::from(*v)),
            ),
            ("request_validator_id", text(m.request_validator_id())),
        ]))))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut ops = Vec::new();
        if changed("request_models") {
            ops.extend(map_ops(
                "/requestModels",
                prior.get("request_models"),
                planned.get("request_models"),
            ));
        }
        if changed("request_parameters") {
            ops.extend(map_ops(
                "/requestParameters",
                prior.get("request_parameters"),
                planned.get("request_parameters"),
            ));
        }
        if changed("authorization") {
            ops.push(patch(
                Op::Replace,
                "/authorizationType",
                opt_str(planned, "authorization"),
            ));
        }
        if changed("authorizer_id") {
            ops.push(patch(
                Op::Replace,
                "/authorizerId",
                Some(opt_str(planned, "authorizer_id").unwrap_or_default()),
            ));
        }
        let (added, removed) = set_changes(prior, planned, "authorization_scopes");
        ops.extend(
            added
                .into_iter()
                .map(|s| patch(Op::Add, "/authorizationScopes", Some(s))),
        );
        ops.extend(
            removed
                .into_iter()
                .map(|s| patch(Op::Remove, "/authorizationScopes", Some(s))),
        );
        if changed("api_key_required") {
            let required = opt_bool(planned, "api_key_required").unwrap_or(false);
            ops.push(patch(Op::Replace, "/apiKeyRequired", Some(required.to_string())));
        }
        // An empty validator id or operation name is refused: unset means no value at all.
        for (k, path) in [
            ("request_validator_id", "/requestValidatorId"),
            ("operation_name", "/operationName"),
        ] {
            if changed(k) {
                ops.push(patch(Op::Replace, path, opt_str(planned, k)));
            }
        }
        let key = method_key(id, prior)?;
        if !ops.is_empty() {
            keyed!(self.c.apigateway.update_method(), &key)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "API Gateway method", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let key = method_key(id, prior)?;
        let r = keyed!(self.c.apigateway.delete_method(), &key)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
