//! `aws_apigatewayv2_api_mapping`: which API and stage a custom domain name serves, under which
//! path (`api_mapping_key`). The API, stage and key change in place (UpdateApiMapping); the
//! domain name replaces it. The id is the mapping id; the import id is `ID/DOMAIN-NAME`, as the
//! provider's. API mappings have no tags: a killed create is adopted by its natural key (the
//! domain name and the key are unique together).

use super::NOT_FOUND;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_apigatewayv2_api_mapping` resource type.
pub struct ApiMapping {
    c: Arc<Clients>,
    schema: Schema,
}

impl ApiMapping {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ApiMapping {
        let schema = resource("aws_apigatewayv2_api_mapping")
            .arg("domain_name")
            .force_new()
            .args(&["api_id", "stage", "api_mapping_key"])
            .build();
        ApiMapping { c, schema }
    }
}

/// The mapping id and domain name of an id in state, or of an import id (`ID/DOMAIN-NAME`).
fn parts<'a>(id: &'a str, prior: &'a Value) -> PResult<(&'a str, String)> {
    if let Some(domain) = prior.get("domain_name").as_str() {
        return Ok((id, domain.to_string()));
    }
    match id.split_once('/') {
        Some((mapping, domain)) if !mapping.is_empty() && !domain.is_empty() => Ok((mapping, domain.to_string())),
        _ => Err(ProviderError::msg(format!(
            "import id {id:?} is not MAPPING-ID/DOMAIN-NAME"
        ))),
    }
}

#[async_trait]
impl ResourceType for ApiMapping {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_api_mapping"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .apigatewayv2
            .create_api_mapping()
            .set_domain_name(opt_str(planned, "domain_name"))
            .set_api_id(opt_str(planned, "api_id"))
            .set_stage(opt_str(planned, "stage"))
            .set_api_mapping_key(opt_str(planned, "api_mapping_key"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .api_mapping_id()
            .ok_or_else(|| ProviderError::msg("CreateApiMapping returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "API mapping", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (mapping, domain) = parts(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .get_api_mapping()
            .api_mapping_id(mapping)
            .domain_name(&domain)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.map(|m| {
            Value::object([
                ("id", Value::str(mapping)),
                ("domain_name", Value::str(&domain)),
                ("api_id", Value::from(m.api_id())),
                ("stage", Value::from(m.stage())),
                (
                    "api_mapping_key",
                    Value::from(m.api_mapping_key().filter(|k| !k.is_empty())),
                ),
            ])
        }))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.c
            .apigatewayv2
            .update_api_mapping()
            .api_mapping_id(id)
            .set_domain_name(opt_str(planned, "domain_name"))
            .set_api_id(opt_str(planned, "api_id"))
            .set_stage(opt_str(planned, "stage"))
            .set_api_mapping_key(opt_str(planned, "api_mapping_key"))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "API mapping", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (mapping, domain) = parts(id, prior)?;
        let r = self
            .c
            .apigatewayv2
            .delete_api_mapping()
            .api_mapping_id(mapping)
            .domain_name(domain)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Only an object this stack's killed create made: mappings carry no tags.
        if !ctx.resumed {
            return Ok(None);
        }
        let Some(domain) = opt_str(planned, "domain_name") else {
            return Ok(None);
        };
        let key = opt_str(planned, "api_mapping_key").unwrap_or_default();
        let r = self
            .c
            .apigatewayv2
            .get_api_mappings()
            .domain_name(domain)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NOT_FOUND)? else {
            return Ok(None);
        };
        Ok(out
            .items()
            .iter()
            .find(|m| m.api_mapping_key().unwrap_or_default() == key)
            .and_then(|m| m.api_mapping_id().map(str::to_string)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_state_or_from_terraforms_import_id() {
        let prior = Value::object([("domain_name", Value::str("api.example.com"))]);
        assert_eq!(
            parts("abc12", &prior).unwrap(),
            ("abc12", "api.example.com".to_string())
        );
        assert_eq!(
            parts("abc12/api.example.com", &Value::Null).unwrap(),
            ("abc12", "api.example.com".to_string())
        );
        assert!(parts("abc12", &Value::Null).is_err());
        assert!(parts("/api.example.com", &Value::Null).is_err());
    }
}
