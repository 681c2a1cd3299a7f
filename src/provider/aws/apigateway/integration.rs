//! `aws_api_gateway_integration`: where a REST API method sends its requests (a Lambda
//! function, an HTTP endpoint, an AWS service, or a mock). The id is the provider's
//! `agi-API-RESOURCE-METHOD`; import takes `API/RESOURCE/METHOD`. As in the provider, the type,
//! the integration's own HTTP method, the credentials and the passthrough behaviour replace
//! it; the URI, templates, parameters, caching keys, connection, content handling, timeout and
//! TLS setting change in place by PATCH.

use super::{key_fields, map_ops, method_key, patch, string_map, text, HTTP_METHODS};
use crate::provider::aws::common::{absent_on, aws_err, first, must_exist, opt_i32, opt_str, set_changes, str_list};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{int_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigateway::types::{ConnectionType, ContentHandlingStrategy, IntegrationType, Op, TlsConfig};
use std::sync::Arc;

/// The `aws_api_gateway_integration` resource type.
pub struct Integration {
    c: Arc<Clients>,
    schema: Schema,
}

impl Integration {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Integration {
        let schema = resource("aws_api_gateway_integration")
            .arg("rest_api_id")
            .force_new()
            .arg("resource_id")
            .force_new()
            .arg("http_method")
            .force_new()
            .check(one_of(HTTP_METHODS))
            .arg("type")
            .force_new()
            .check(one_of(&["HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY"]))
            .arg("integration_http_method")
            .force_new()
            .check(one_of(HTTP_METHODS))
            .arg("credentials")
            .force_new()
            .arg("passthrough_behavior")
            .force_new()
            .check(one_of(&["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]))
            .arg("connection_type")
            .default("INTERNET")
            .check(one_of(&["INTERNET", "VPC_LINK"]))
            .arg("content_handling")
            .check(one_of(&["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]))
            .arg("timeout_milliseconds")
            .default(29000)
            .check(int_between(50, 300000))
            .args(&[
                "uri",
                "connection_id",
                "request_templates",
                "request_parameters",
                "cache_key_parameters",
                "cache_namespace",
                "tls_config",
            ])
            .build();
        Integration { c, schema }
    }
}

fn tls_config(planned: &Value) -> Option<TlsConfig> {
    let block = first(planned, "tls_config")?;
    Some(
        TlsConfig::builder()
            .set_insecure_skip_verification(block.get("insecure_skip_verification").as_bool())
            .build(),
    )
}

fn sorted(m: Option<&std::collections::HashMap<String, String>>) -> Value {
    let mut pairs: Vec<(&String, &String)> = m.into_iter().flatten().collect();
    pairs.sort();
    Value::Object(pairs.into_iter().map(|(k, v)| (k.clone(), Value::str(v))).collect())
}

#[async_trait]
impl ResourceType for Integration {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_integration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let key = method_key("", planned)?;
        let (api, resource, verb) = &key;
        let keys = str_list(planned, "cache_key_parameters");
        // With caching keys and no namespace the provider names the resource as the namespace.
        let namespace = opt_str(planned, "cache_namespace").or_else(|| (!keys.is_empty()).then(|| resource.clone()));
        keyed!(self.c.apigateway.put_integration(), &key)
            .r#type(IntegrationType::from(
                opt_str(planned, "type").unwrap_or_default().as_str(),
            ))
            .set_cache_key_parameters((!keys.is_empty()).then_some(keys))
            .set_cache_namespace(namespace)
            .set_connection_id(opt_str(planned, "connection_id"))
            .set_connection_type(opt_str(planned, "connection_type").map(|t| ConnectionType::from(t.as_str())))
            .set_content_handling(
                opt_str(planned, "content_handling").map(|t| ContentHandlingStrategy::from(t.as_str())),
            )
            .set_credentials(opt_str(planned, "credentials"))
            .set_integration_http_method(opt_str(planned, "integration_http_method"))
            .set_passthrough_behavior(opt_str(planned, "passthrough_behavior"))
            .set_request_parameters(string_map(planned.get("request_parameters")))
            .set_request_templates(string_map(planned.get("request_templates")))
            .set_timeout_in_millis(opt_i32(planned, "timeout_milliseconds").filter(|t| *t > 0))
            .set_tls_config(tls_config(planned))
            .set_uri(opt_str(planned, "uri"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("agi-{api}-{resource}-{verb}");
        must_exist(self.read(ctx, &id, planned).await?, "API Gateway integration", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let key = method_key(id, prior)?;
        let r = keyed!(self.c.apigateway.get_integration(), &key)
            .send()
            .await
            .map_err(aws_err);
        let Some(i) = absent_on(r, &["NotFoundException"])? else {
            return Ok(None);
        };
        let tls = i
            .tls_config()
            .map(|t| {
                vec![Value::object([(
                    "insecure_skip_verification",
                    Value::from(t.insecure_skip_verification()),
                )])]
            })
            .unwrap_or_default();
        Ok(Some(Value::object(key_fields("agi", &key).into_iter().chain([
            ("type", text(i.r#type().map(|t| t.as_str()))),
            ("uri", text(i.uri())),
            ("integration_http_method", text(i.http_method())),
            ("credentials", text(i.credentials())),
            ("passthrough_behavior", text(i.passthrough_behavior())),
            (
                "connection_type",
                Value::str(i.connection_type().map(|t| t.as_str()).unwrap_or("INTERNET")),
            ),
            ("connection_id", text(i.connection_id())),
            ("content_handling", text(i.content_handling().map(|t| t.as_str()))),
            (
                "cache_key_parameters",
                Value::List(i.cache_key_parameters().iter().map(Value::str).collect()),
            ),
            ("cache_namespace", text(i.cache_namespace())),
            ("request_parameters", sorted(i.request_parameters())),
            ("request_templates", sorted(i.request_templates())),
            ("timeout_milliseconds", Value::from(i64::from(i.timeout_in_millis()))),
            ("tls_config", Value::List(tls)),
        ]))))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let text = |k: &str| Some(opt_str(planned, k).unwrap_or_default());
        let mut ops = Vec::new();
        if changed("request_templates") {
            ops.extend(map_ops(
                "/requestTemplates",
                prior.get("request_templates"),
                planned.get("request_templates"),
            ));
        }
        if changed("request_parameters") {
            ops.extend(map_ops(
                "/requestParameters",
                prior.get("request_parameters"),
                planned.get("request_parameters"),
            ));
        }
        let (added, removed) = set_changes(prior, planned, "cache_key_parameters");
        let key_path = |k: &str| format!("/cacheKeyParameters/{k}");
        ops.extend(
            removed
                .iter()
                .map(|k| patch(Op::Remove, &key_path(k), Some(String::new()))),
        );
        ops.extend(added.iter().map(|k| patch(Op::Add, &key_path(k), Some(String::new()))));
        for (k, path) in [
            ("cache_namespace", "/cacheNamespace"),
            ("uri", "/uri"),
            ("content_handling", "/contentHandling"),
            ("connection_type", "/connectionType"),
            ("connection_id", "/connectionId"),
        ] {
            if changed(k) {
                ops.push(patch(Op::Replace, path, text(k)));
            }
        }
        if changed("timeout_milliseconds") {
            let timeout = opt_i32(planned, "timeout_milliseconds").unwrap_or(29000);
            ops.push(patch(Op::Replace, "/timeoutInMillis", Some(timeout.to_string())));
        }
        if changed("tls_config") {
            if let Some(block) = first(planned, "tls_config") {
                let skip = block.get("insecure_skip_verification").as_bool().unwrap_or(false);
                ops.push(patch(
                    Op::Replace,
                    "/tlsConfig/insecureSkipVerification",
                    Some(skip.to_string()),
                ));
            }
        }
        let key = method_key(id, prior)?;
        if !ops.is_empty() {
            keyed!(self.c.apigateway.update_integration(), &key)
                .set_patch_operations(Some(ops))
                .send()
                .await
                .map_err(aws_err)?;
        }
        must_exist(self.read(ctx, id, planned).await?, "API Gateway integration", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let key = method_key(id, prior)?;
        let r = keyed!(self.c.apigateway.delete_integration(), &key)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["NotFoundException"]).map(|_| ())
    }
}
