//! `aws_apigatewayv2_integration`: what a route calls: an HTTP endpoint, an AWS service, a Lambda
//! function, or, through a VPC link (`connection_type = "VPC_LINK"`, `connection_id`), a private
//! target such as a Cloud Map service named by its ARN in `integration_uri`. Everything but the
//! API, type and subtype changes in place. The id is the integration id; import takes
//! `API-ID/INTEGRATION-ID`. A refresh reads an API's integrations with one GetIntegrations.

use super::{first, int, list_all, map_value, read_child, read_children, split_id, str_map, BULK, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{
    ConnectionType, ContentHandlingStrategy, Integration as SdIntegration, IntegrationType, PassthroughBehavior,
    TlsConfigInput,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_apigatewayv2_integration` resource type.
pub struct Integration {
    c: Arc<Clients>,
    schema: Schema,
}

/// HTTP methods an integration may use, as the provider checks them.
const METHODS: &[&str] = &["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

impl Integration {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Integration {
        let schema = resource("aws_apigatewayv2_integration")
            .arg("api_id")
            .force_new()
            .arg("integration_type")
            .force_new()
            .check(one_of(&["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]))
            .arg("integration_subtype")
            .force_new()
            .check(len_between(1, 128))
            .arg("connection_type")
            .default("INTERNET")
            .check(one_of(&["INTERNET", "VPC_LINK"]))
            .arg("connection_id")
            .check(len_between(1, 1024))
            .arg("content_handling_strategy")
            .check(one_of(&["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]))
            .arg("credentials_arn")
            .check(arn())
            .arg("integration_method")
            .check(one_of(METHODS))
            .arg("passthrough_behavior")
            .default("WHEN_NO_MATCH")
            .check(one_of(&["WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"]))
            .arg("payload_format_version")
            .default("1.0")
            .check(one_of(&["1.0", "2.0"]))
            .args(&[
                "description",
                "integration_uri",
                "request_parameters",
                "request_templates",
                "response_parameters",
                "template_selection_expression",
                "timeout_milliseconds",
                "tls_config",
            ])
            .build();
        Integration { c, schema }
    }

    async fn list(&self, api: String) -> PResult<Vec<SdIntegration>> {
        list_all!(self.c.apigatewayv2.get_integrations().api_id(&api))
    }
}

fn response_parameters(planned: &Value) -> Option<HashMap<String, HashMap<String, String>>> {
    let out: HashMap<String, HashMap<String, String>> = planned
        .get("response_parameters")
        .as_list()?
        .iter()
        .filter_map(|r| Some((opt_str(r, "status_code")?, str_map(r, "mappings")?)))
        .collect();
    (!out.is_empty()).then_some(out)
}

fn tls(planned: &Value) -> Option<TlsConfigInput> {
    let t = first(planned, "tls_config")?;
    Some(
        TlsConfigInput::builder()
            .set_server_name_to_verify(opt_str(t, "server_name_to_verify"))
            .build(),
    )
}

fn to_state(api: &str, i: &SdIntegration, _prior: &Value) -> Value {
    let text = |o: Option<&str>| Value::from(o.filter(|s| !s.is_empty()));
    let mut responses: Vec<(&String, &HashMap<String, String>)> = i
        .response_parameters()
        .into_iter()
        .flatten()
        .filter(|(_, m)| !m.is_empty())
        .collect();
    responses.sort_by_key(|(code, _)| code.as_str());
    Value::object([
        ("id", Value::from(i.integration_id())),
        ("api_id", Value::str(api)),
        ("connection_id", text(i.connection_id())),
        (
            "connection_type",
            Value::str(i.connection_type().map(|t| t.as_str()).unwrap_or("INTERNET")),
        ),
        (
            "content_handling_strategy",
            Value::from(i.content_handling_strategy().map(|s| s.as_str().to_string())),
        ),
        ("credentials_arn", text(i.credentials_arn())),
        ("description", text(i.description())),
        ("integration_method", text(i.integration_method())),
        (
            "integration_response_selection_expression",
            text(i.integration_response_selection_expression()),
        ),
        ("integration_subtype", text(i.integration_subtype())),
        (
            "integration_type",
            Value::from(i.integration_type().map(|t| t.as_str().to_string())),
        ),
        ("integration_uri", text(i.integration_uri())),
        // HTTP APIs have no passthrough behaviour; AWS leaves it out, and the provider counts
        // that as its default.
        (
            "passthrough_behavior",
            Value::str(i.passthrough_behavior().map(|p| p.as_str()).unwrap_or("WHEN_NO_MATCH")),
        ),
        (
            "payload_format_version",
            Value::str(i.payload_format_version().unwrap_or("1.0")),
        ),
        ("request_parameters", map_value(i.request_parameters())),
        ("request_templates", map_value(i.request_templates())),
        (
            "response_parameters",
            Value::List(
                responses
                    .into_iter()
                    .map(|(code, m)| {
                        Value::object([("status_code", Value::str(code)), ("mappings", map_value(Some(m)))])
                    })
                    .collect(),
            ),
        ),
        ("template_selection_expression", text(i.template_selection_expression())),
        (
            "timeout_milliseconds",
            i.timeout_in_millis()
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::Null),
        ),
        (
            "tls_config",
            Value::List(
                i.tls_config()
                    .map(|t| Value::object([("server_name_to_verify", text(t.server_name_to_verify()))]))
                    .into_iter()
                    .collect(),
            ),
        ),
    ])
}

#[async_trait]
impl ResourceType for Integration {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_integration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A Lambda integration (`AWS`, `AWS_PROXY`) written without a method calls its function
    /// with POST, which API Gateway reports: that is no change (the provider's
    /// `integration_method` DiffSuppressFunc).
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let lambda = matches!(
            opt_str(planned, "integration_type").as_deref(),
            Some("AWS" | "AWS_PROXY")
        );
        let was_post = prior.is_some_and(|p| opt_str(p, "integration_method").as_deref() == Some("POST"));
        if let (true, true, true, Value::Object(m)) = (
            lambda,
            was_post,
            config.get("integration_method").is_null(),
            &mut *planned,
        ) {
            m.insert("integration_method".into(), Value::str("POST"));
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let api = required(planned, "api_id")?;
        let kind = opt_str(planned, "integration_type").unwrap_or_default();
        let out = self
            .c
            .apigatewayv2
            .create_integration()
            .api_id(&api)
            .integration_type(IntegrationType::from(kind.as_str()))
            .set_connection_id(opt_str(planned, "connection_id"))
            .set_connection_type(opt_str(planned, "connection_type").map(|t| ConnectionType::from(t.as_str())))
            .set_content_handling_strategy(
                opt_str(planned, "content_handling_strategy").map(|s| ContentHandlingStrategy::from(s.as_str())),
            )
            .set_credentials_arn(opt_str(planned, "credentials_arn"))
            .set_description(opt_str(planned, "description"))
            .set_integration_method(opt_str(planned, "integration_method"))
            .set_integration_subtype(opt_str(planned, "integration_subtype"))
            .set_integration_uri(opt_str(planned, "integration_uri"))
            // HTTP APIs refuse a passthrough behaviour; it belongs to WebSocket APIs.
            .set_passthrough_behavior(
                opt_str(planned, "passthrough_behavior")
                    .filter(|_| kind != "HTTP_PROXY" && kind != "AWS_PROXY")
                    .map(|p| PassthroughBehavior::from(p.as_str())),
            )
            .set_payload_format_version(opt_str(planned, "payload_format_version"))
            .set_request_parameters(str_map(planned, "request_parameters"))
            .set_request_templates(str_map(planned, "request_templates"))
            .set_response_parameters(response_parameters(planned))
            .set_template_selection_expression(opt_str(planned, "template_selection_expression"))
            .set_timeout_in_millis(int(planned, "timeout_milliseconds"))
            .set_tls_config(tls(planned))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .integration_id()
            .ok_or_else(|| ProviderError::msg("CreateIntegration returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "integration", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        read_child(id, prior, |api| self.list(api), |i| i.integration_id(), to_state).await
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        read_children(items, |api| self.list(api), |i| i.integration_id(), to_state).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (api, id) = split_id(id, planned)?;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let text = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
        let kind = opt_str(planned, "integration_type").unwrap_or_default();
        let mut req = self
            .c
            .apigatewayv2
            .update_integration()
            .api_id(&api)
            .integration_id(&id)
            // The type is always sent, with any subtype, as the provider does.
            .integration_type(IntegrationType::from(kind.as_str()))
            .set_integration_subtype(opt_str(planned, "integration_subtype"))
            .set_connection_id(text("connection_id"))
            .set_credentials_arn(text("credentials_arn"))
            .set_description(text("description"))
            .set_integration_method(text("integration_method"))
            .set_integration_uri(text("integration_uri"))
            .set_payload_format_version(text("payload_format_version"))
            .set_template_selection_expression(text("template_selection_expression"));
        if changed("connection_type") {
            req =
                req.set_connection_type(opt_str(planned, "connection_type").map(|t| ConnectionType::from(t.as_str())));
        }
        if changed("content_handling_strategy") {
            req = req.set_content_handling_strategy(
                opt_str(planned, "content_handling_strategy").map(|s| ContentHandlingStrategy::from(s.as_str())),
            );
        }
        if changed("passthrough_behavior") && kind != "HTTP_PROXY" && kind != "AWS_PROXY" {
            req = req.set_passthrough_behavior(
                opt_str(planned, "passthrough_behavior").map(|p| PassthroughBehavior::from(p.as_str())),
            );
        }
        if changed("request_parameters") {
            // A parameter is removed by sending it empty; the unchanged ones are sent too, as
            // some AWS service integrations require them on every update.
            let mut params = str_map(planned, "request_parameters").unwrap_or_default();
            for k in prior
                .get("request_parameters")
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                params.entry(k.clone()).or_default();
            }
            req = req.set_request_parameters(Some(params));
        }
        if changed("request_templates") {
            req = req.set_request_templates(Some(str_map(planned, "request_templates").unwrap_or_default()));
        }
        if changed("response_parameters") {
            let mut params = response_parameters(planned).unwrap_or_default();
            for old in prior.get("response_parameters").as_list().into_iter().flatten() {
                if let Some(code) = opt_str(old, "status_code") {
                    params.entry(code).or_default();
                }
            }
            req = req.set_response_parameters(Some(params));
        }
        if changed("timeout_milliseconds") {
            req = req.set_timeout_in_millis(int(planned, "timeout_milliseconds"));
        }
        if changed("tls_config") {
            req = req.tls_config(tls(planned).unwrap_or_else(|| TlsConfigInput::builder().build()));
        }
        req.send().await.map_err(aws_err)?;
        must_exist(self.read(ctx, &id, planned).await?, "integration", &id)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Integrations have neither tags nor a unique name: only after a killed create of this
        // address is one with exactly these settings taken as the one that run made.
        if !ctx.resumed {
            return Ok(None);
        }
        let Some(api) = opt_str(planned, "api_id") else {
            return Ok(None);
        };
        let Some(all) = absent_on(self.list(api.clone()).await, NOT_FOUND)? else {
            return Ok(None);
        };
        let same = |k: &str, live: &Value| planned.get(k).is_null() || planned.get(k) == live.get(k);
        Ok(all
            .iter()
            .map(|i| to_state(&api, i, planned))
            .find(|live| {
                [
                    "integration_type",
                    "integration_uri",
                    "connection_id",
                    "integration_method",
                ]
                .iter()
                .all(|k| same(k, live))
            })
            .and_then(|live| live.get("id").to_plain_string()))
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (api, id) = split_id(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .delete_integration()
            .api_id(api)
            .integration_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration(kind: &str, method: Option<&str>) -> Value {
        Value::object([
            ("integration_type", Value::str(kind)),
            ("integration_method", Value::from(method)),
        ])
    }

    #[test]
    fn a_lambda_integration_written_without_a_method_keeps_the_post_api_gateway_reports() {
        let rt = Integration::new(Arc::new(crate::provider::aws::offline_clients()));
        for kind in ["AWS", "AWS_PROXY"] {
            let config = integration(kind, None);
            let mut planned = config.clone();
            rt.refine_plan(Some(&integration(kind, Some("POST"))), &config, &mut planned)
                .unwrap();
            assert_eq!(planned.get("integration_method"), &Value::str("POST"), "{kind}");
        }
        // Another kind of integration, or another method read back, is still a change.
        let config = integration("HTTP_PROXY", None);
        let mut planned = config.clone();
        rt.refine_plan(Some(&integration("HTTP_PROXY", Some("POST"))), &config, &mut planned)
            .unwrap();
        assert!(planned.get("integration_method").is_null());
        let config = integration("AWS_PROXY", None);
        let mut planned = config.clone();
        rt.refine_plan(Some(&integration("AWS_PROXY", Some("GET"))), &config, &mut planned)
            .unwrap();
        assert!(planned.get("integration_method").is_null());
    }
}
