//! `aws_apigatewayv2_authorizer`: a JWT authorizer (issuer and audiences, for an OIDC identity
//! provider) or a Lambda REQUEST authorizer of an API. Everything but the API changes in place;
//! deletes are retried while API Gateway still counts routes using the authorizer (a conflict),
//! bounded by the `timeouts` block's delete. The id is the authorizer id; import takes
//! `API-ID/AUTHORIZER-ID`. Names are unique in an API, so a killed create is found by name.

use super::{first, int, list_all, read_child, read_children, split_id, BULK, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, list_value, must_exist, op_timeout, opt_bool, opt_str, required, retry_while, str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{Authorizer as SdAuthorizer, AuthorizerType, JwtConfiguration};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_apigatewayv2_authorizer` resource type.
pub struct Authorizer {
    c: Arc<Clients>,
    schema: Schema,
}

impl Authorizer {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Authorizer {
        let schema = resource("aws_apigatewayv2_authorizer")
            .arg("api_id")
            .force_new()
            .arg("authorizer_type")
            .check(one_of(&["REQUEST", "JWT"]))
            .arg("name")
            .check(len_between(1, 128))
            .arg("authorizer_credentials_arn")
            .check(arn())
            .arg("authorizer_payload_format_version")
            .check(one_of(&["1.0", "2.0"]))
            .arg("authorizer_result_ttl_in_seconds")
            .check(int_between(0, 3600))
            .arg("authorizer_uri")
            .check(len_between(1, 2048))
            .args(&["enable_simple_responses", "identity_sources", "jwt_configuration"])
            .timeouts(0, 0, 30)
            .build();
        Authorizer { c, schema }
    }

    async fn list(&self, api: String) -> PResult<Vec<SdAuthorizer>> {
        list_all!(self.c.apigatewayv2.get_authorizers().api_id(&api))
    }
}

fn jwt(planned: &Value) -> Option<JwtConfiguration> {
    let j = first(planned, "jwt_configuration")?;
    let audience = str_list(j, "audience");
    Some(
        JwtConfiguration::builder()
            .set_audience(Some(audience).filter(|a| !a.is_empty()))
            .set_issuer(opt_str(j, "issuer"))
            .build(),
    )
}

fn to_state(api: &str, a: &SdAuthorizer, _prior: &Value) -> Value {
    let text = |o: Option<&str>| Value::from(o.filter(|s| !s.is_empty()));
    Value::object([
        ("id", Value::from(a.authorizer_id())),
        ("api_id", Value::str(api)),
        ("authorizer_credentials_arn", text(a.authorizer_credentials_arn())),
        (
            "authorizer_payload_format_version",
            text(a.authorizer_payload_format_version()),
        ),
        (
            "authorizer_result_ttl_in_seconds",
            a.authorizer_result_ttl_in_seconds()
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::Null),
        ),
        (
            "authorizer_type",
            Value::from(a.authorizer_type().map(|t| t.as_str().to_string())),
        ),
        ("authorizer_uri", text(a.authorizer_uri())),
        (
            "enable_simple_responses",
            a.enable_simple_responses().map(Value::Bool).unwrap_or(Value::Null),
        ),
        ("identity_sources", list_value(a.identity_source().iter().cloned())),
        (
            "jwt_configuration",
            Value::List(
                a.jwt_configuration()
                    .map(|j| {
                        Value::object([
                            ("audience", list_value(j.audience().iter().cloned())),
                            ("issuer", text(j.issuer())),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        ("name", Value::from(a.name())),
    ])
}

#[async_trait]
impl ResourceType for Authorizer {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_authorizer"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "api_id")?;
        let kind = opt_str(planned, "authorizer_type").unwrap_or_default();
        let sources = str_list(planned, "identity_sources");
        let mut ttl = int(planned, "authorizer_result_ttl_in_seconds");
        if ttl.is_none() && kind == "REQUEST" && !sources.is_empty() {
            // The console's default, set explicitly (as the provider does) so that a later
            // change to 0 is seen. Only HTTP APIs take it; WebSocket REQUEST authorizers ignore it.
            let gw = &self.c.apigatewayv2;
            let a = gw.get_api().api_id(&api).send().await.map_err(aws_err)?;
            if a.protocol_type().map(|p| p.as_str()) == Some("HTTP") {
                ttl = Some(300);
            }
        }
        let out = self
            .c
            .apigatewayv2
            .create_authorizer()
            .api_id(&api)
            .authorizer_type(AuthorizerType::from(kind.as_str()))
            .set_identity_source(Some(sources))
            .set_name(opt_str(planned, "name"))
            .set_authorizer_credentials_arn(opt_str(planned, "authorizer_credentials_arn"))
            .set_authorizer_payload_format_version(opt_str(planned, "authorizer_payload_format_version"))
            .set_authorizer_result_ttl_in_seconds(ttl)
            .set_authorizer_uri(opt_str(planned, "authorizer_uri"))
            .set_enable_simple_responses(opt_bool(planned, "enable_simple_responses"))
            .set_jwt_configuration(jwt(planned))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .authorizer_id()
            .ok_or_else(|| ProviderError::msg("CreateAuthorizer returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "authorizer", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_child(id, prior, |api| self.list(api), |a| a.authorizer_id(), to_state).await
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_children(items, |api| self.list(api), |a| a.authorizer_id(), to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, id) = split_id(id, planned)?;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let text = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
        let mut req = self
            .c
            .apigatewayv2
            .update_authorizer()
            .api_id(&api)
            .authorizer_id(&id)
            .set_authorizer_credentials_arn(text("authorizer_credentials_arn"))
            .set_authorizer_payload_format_version(text("authorizer_payload_format_version"))
            .set_authorizer_uri(text("authorizer_uri"))
            .set_name(text("name"));
        if changed("authorizer_result_ttl_in_seconds") {
            req = req.set_authorizer_result_ttl_in_seconds(int(planned, "authorizer_result_ttl_in_seconds"));
        }
        if changed("authorizer_type") {
            req = req.authorizer_type(AuthorizerType::from(
                opt_str(planned, "authorizer_type").unwrap_or_default().as_str(),
            ));
        }
        if changed("enable_simple_responses") {
            req = req.enable_simple_responses(opt_bool(planned, "enable_simple_responses") == Some(true));
        }
        if changed("identity_sources") {
            req = req.set_identity_source(Some(str_list(planned, "identity_sources")));
        }
        if changed("jwt_configuration") {
            req = req.jwt_configuration(jwt(planned).unwrap_or_else(|| JwtConfiguration::builder().build()));
        }
        req.send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, &id, planned).await?, "authorizer", &id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, id) = split_id(id, prior)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(30 * 60));
        let r = retry_while(&["ConflictException"], timeout, || async {
            self.c
                .apigatewayv2
                .delete_authorizer()
                .api_id(&api)
                .authorizer_id(&id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        if !ctx.resumed {
            return Ok(None);
        }
        let (Some(api), Some(name)) = (opt_str(planned, "api_id"), opt_str(planned, "name")) else {
            return Ok(None);
        };
        let Some(all) = absent_on(self.list(api).await, NOT_FOUND)? else {
            return Ok(None);
        };
        Ok(all
            .iter()
            .find(|a| a.name() == Some(name.as_str()))
            .and_then(|a| a.authorizer_id().map(str::to_string)))
    }
}
