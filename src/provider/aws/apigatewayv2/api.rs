//! `aws_apigatewayv2_api`: an HTTP or WebSocket API with its CORS configuration, or one imported
//! from an OpenAPI `body` (JSON or YAML; re-imported when it changes). As in the provider, the
//! body's `info.title`, `description` and `version` win over the arguments when it has them, and
//! the arguments fill what it lacks. Everything changes in place but the protocol, quick-create
//! settings (`route_key`, `target`, `credentials_arn`). The id is the API id, also the import id.
//!
//! A refresh reads every API of a stack with GetApis (tags included), one call per page.

use super::{api_arn, execution_arn, first, list_all, tag_map, tag_pairs, update_tags, BULK, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, list_value, must_exist, opt_bool, opt_str, owns, required, str_list,
    tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::types::{Cors, IpAddressType, ProtocolType};
use std::sync::Arc;

/// The `aws_apigatewayv2_api` resource type.
pub struct Api {
    c: Arc<Clients>,
    schema: Schema,
}

impl Api {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Api {
        let schema = resource("aws_apigatewayv2_api")
            .arg("name")
            .check(len_between(1, 128))
            .arg("protocol_type")
            .force_new()
            .check(one_of(&["HTTP", "WEBSOCKET"]))
            .arg("api_key_selection_expression")
            .default("$request.header.x-api-key")
            .check(one_of(&[
                "$context.authorizer.usageIdentifierKey",
                "$request.header.x-api-key",
            ]))
            .arg("route_selection_expression")
            .default("$request.method $request.path")
            .arg("description")
            .check(len_between(0, 1024))
            .arg("version")
            .check(len_between(1, 64))
            .arg("credentials_arn")
            .force_new()
            .check(arn())
            .arg("route_key")
            .force_new()
            .arg("target")
            .force_new()
            .arg("ip_address_type")
            .check(one_of(&["ipv4", "dualstack"]))
            .arg("disable_execute_api_endpoint")
            .default(false)
            .arg("body")
            .compare_json()
            .arg("cors_configuration.allow_credentials")
            .default(false)
            .args(&["fail_on_warnings", "cors_configuration", "tags"])
            .build();
        Api { c, schema }
    }

    /// The region's account, for execution ARNs (one STS call per run).
    async fn account(&self) -> PResult<String> {
        self.c.account_id().await
    }
}

fn cors(planned: &Value) -> Option<Cors> {
    let c = first(planned, "cors_configuration")?;
    let set = |k: &str| Some(str_list(c, k)).filter(|l| !l.is_empty());
    Some(
        Cors::builder()
            .set_allow_credentials(opt_bool(c, "allow_credentials"))
            .set_allow_headers(set("allow_headers"))
            .set_allow_methods(set("allow_methods"))
            .set_allow_origins(set("allow_origins"))
            .set_expose_headers(set("expose_headers"))
            .set_max_age(super::int(c, "max_age"))
            .build(),
    )
}

fn cors_state(c: Option<&Cors>) -> Value {
    let Some(c) = c else {
        return Value::List(vec![]);
    };
    let list = |l: &[String]| list_value(l.iter().cloned());
    Value::List(vec![Value::object([
        ("allow_credentials", Value::Bool(c.allow_credentials().unwrap_or(false))),
        ("allow_headers", list(c.allow_headers())),
        ("allow_methods", list(c.allow_methods())),
        ("allow_origins", list(c.allow_origins())),
        ("expose_headers", list(c.expose_headers())),
        (
            "max_age",
            c.max_age().map(|n| Value::from(n as i64)).unwrap_or(Value::Null),
        ),
    ])])
}

/// An API's state from GetApi's answer or one GetApis item (the same fields, two SDK types).
macro_rules! api_state {
    ($a:expr, $prior:expr, $region:expr, $account:expr) => {{
        let a = $a;
        let prior: &Value = $prior;
        let id = a.api_id().unwrap_or_default().to_string();
        let keep = |k: &str| prior.get(k).clone();
        Value::object([
            ("id", Value::str(&id)),
            ("name", Value::from(a.name())),
            (
                "protocol_type",
                Value::from(a.protocol_type().map(|p| p.as_str().to_string())),
            ),
            ("api_endpoint", Value::from(a.api_endpoint())),
            (
                "api_key_selection_expression",
                Value::from(a.api_key_selection_expression()),
            ),
            ("arn", Value::str(api_arn($region, &id))),
            ("execution_arn", Value::str(execution_arn($region, $account, &id))),
            ("cors_configuration", cors_state(a.cors_configuration())),
            ("description", Value::from(a.description().filter(|d| !d.is_empty()))),
            (
                "disable_execute_api_endpoint",
                Value::Bool(a.disable_execute_api_endpoint().unwrap_or(false)),
            ),
            (
                "ip_address_type",
                Value::from(a.ip_address_type().map(|t| t.as_str().to_string())),
            ),
            (
                "route_selection_expression",
                Value::from(a.route_selection_expression()),
            ),
            ("version", Value::from(a.version().filter(|v| !v.is_empty()))),
            // Create-only settings AWS does not return, and what only the blueprint knows.
            ("body", keep("body")),
            ("fail_on_warnings", keep("fail_on_warnings")),
            ("credentials_arn", keep("credentials_arn")),
            ("route_key", keep("route_key")),
            ("target", keep("target")),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(a.tags()))),
        ])
    }};
}

/// The `info` object of an OpenAPI body (JSON or YAML).
fn body_info(body: &str) -> Option<Value> {
    let doc = serde_json::from_str::<serde_json::Value>(body)
        .map(|j| Value::from_json(&j))
        .or_else(|_| crate::blueprint::functions::yaml_decode(body))
        .ok()?;
    Some(doc.get("info").clone())
}

#[async_trait]
impl ResourceType for Api {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_api"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        if let Value::String(body) = config.get("body") {
            let json = serde_json::from_str::<serde_json::Value>(body).is_ok();
            if !json && crate::blueprint::functions::yaml_decode(body).is_err() {
                return Err("body: expected an OpenAPI document in JSON or YAML".into());
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let protocol = opt_str(planned, "protocol_type").unwrap_or_else(|| "HTTP".into());
        let out = self
            .c
            .apigatewayv2
            .create_api()
            .name(&name)
            .protocol_type(ProtocolType::from(protocol.as_str()))
            .set_api_key_selection_expression(opt_str(planned, "api_key_selection_expression"))
            .set_cors_configuration(cors(planned))
            .set_credentials_arn(opt_str(planned, "credentials_arn"))
            .set_description(opt_str(planned, "description"))
            .set_disable_execute_api_endpoint(opt_bool(planned, "disable_execute_api_endpoint").filter(|b| *b))
            .set_ip_address_type(opt_str(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())))
            .set_route_key(opt_str(planned, "route_key"))
            .set_route_selection_expression(opt_str(planned, "route_selection_expression"))
            .set_target(opt_str(planned, "target"))
            .set_version(opt_str(planned, "version"))
            .set_tags(Some(tag_map(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .api_id()
            .ok_or_else(|| ProviderError::msg("CreateApi returned no id"))?
            .to_string();
        self.reimport(&id, planned).await?;
        must_exist(self.read(ctx, &id, planned).await?, "API", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self.c.apigatewayv2.get_api().api_id(id).send().await.map_err(aws_err);
        let Some(a) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        let account = self.account().await?;
        Ok(Some(api_state!(&a, prior, &self.c.region, &account)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let apis = list_all!(self.c.apigatewayv2.get_apis())?;
        let account = self.account().await?;
        Ok(items
            .iter()
            .map(|(id, prior)| {
                apis.iter()
                    .find(|a| a.api_id() == Some(id.as_str()))
                    .map(|a| api_state!(a, prior, &self.c.region, &account))
            })
            .collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let gw = &self.c.apigatewayv2;
        let cors_removed = changed("cors_configuration") && first(planned, "cors_configuration").is_none();
        if cors_removed {
            let r = gw.delete_cors_configuration().api_id(id).send().await.map_err(aws_err);
            absent_on(r, NOT_FOUND)?;
        }
        let settings = [
            "api_key_selection_expression",
            "description",
            "disable_execute_api_endpoint",
            "ip_address_type",
            "name",
            "route_selection_expression",
            "version",
        ];
        if settings.iter().any(|k| changed(k)) || (changed("cors_configuration") && !cors_removed) {
            let text = |k: &str| changed(k).then(|| opt_str(planned, k).unwrap_or_default());
            let mut req = gw
                .update_api()
                .api_id(id)
                .set_api_key_selection_expression(text("api_key_selection_expression"))
                .set_description(text("description"))
                .set_name(text("name"))
                .set_route_selection_expression(text("route_selection_expression"))
                .set_version(text("version"));
            if changed("disable_execute_api_endpoint") {
                req = req.disable_execute_api_endpoint(opt_bool(planned, "disable_execute_api_endpoint") == Some(true));
            }
            if changed("ip_address_type") {
                req = req
                    .set_ip_address_type(opt_str(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())));
            }
            if changed("cors_configuration") {
                req = req.set_cors_configuration(cors(planned));
            }
            req.send().await.map_err(aws_err)?;
        }
        if changed("body") {
            self.reimport(id, planned).await?;
        }
        update_tags(&self.c, &api_arn(&self.c.region, id), prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "API", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigatewayv2
            .delete_api()
            .api_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let name = opt_str(planned, "name");
        let apis = list_all!(self.c.apigatewayv2.get_apis())?;
        Ok(apis
            .iter()
            .filter(|a| name.is_none() || a.name() == name.as_deref())
            .find(|a| {
                let tags = tag_pairs(a.tags());
                owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
            })
            .and_then(|a| a.api_id().map(str::to_string)))
    }
}

impl Api {
    /// Imports the OpenAPI body over the API (ReimportApi), then puts back the name, description
    /// and version the body does not carry itself, and the configured CORS settings.
    async fn reimport(&self, id: &str, planned: &Value) -> PResult<()> {
        let Some(body) = opt_str(planned, "body") else {
            return Ok(());
        };
        let gw = &self.c.apigatewayv2;
        gw.reimport_api()
            .api_id(id)
            .body(&body)
            .set_fail_on_warnings(opt_bool(planned, "fail_on_warnings"))
            .send()
            .await
            .map_err(aws_err)?;
        let imported = gw.get_api().api_id(id).send().await.map_err(aws_err)?;
        let info = body_info(&body).unwrap_or(Value::Null);
        let pick = |k: &str, live: Option<&str>| {
            if info.get(k).is_null() {
                opt_str(planned, if k == "title" { "name" } else { k }).unwrap_or_default()
            } else {
                live.unwrap_or_default().to_string()
            }
        };
        let mut req = gw
            .update_api()
            .api_id(id)
            .name(pick("title", imported.name()))
            .description(pick("description", imported.description()))
            .version(pick("version", imported.version()));
        let configured = cors(planned);
        if configured.as_ref() != imported.cors_configuration() {
            match configured {
                Some(c) => req = req.cors_configuration(c),
                None => {
                    let r = gw.delete_cors_configuration().api_id(id).send().await.map_err(aws_err);
                    absent_on(r, NOT_FOUND)?;
                }
            }
        }
        req.send().await.map_err(aws_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_info_of_json_and_yaml_bodies() {
        let json = r#"{"openapi":"3.0.1","info":{"title":"Chat","version":"1"},"paths":{}}"#;
        assert_eq!(body_info(json).unwrap().get("title"), &Value::str("Chat"));
        let yaml = "openapi: 3.0.1\ninfo:\n  title: Chat\n  version: '2'\npaths: {}\n";
        assert_eq!(body_info(yaml).unwrap().get("version"), &Value::str("2"));
        assert!(body_info(yaml).unwrap().get("description").is_null());
    }
}
