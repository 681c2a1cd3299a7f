//! `aws_opensearchserverless_access_policy`: a data access policy (type `data`): which
//! principals may do what on which collections and indexes. Policy and description change in
//! place; the id is the name, import takes `NAME/TYPE`.

use super::{document_json, name_and_type};
use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, must_exist, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_opensearchserverless::types::AccessPolicyType;
use std::sync::Arc;

/// The `aws_opensearchserverless_access_policy` resource type.
pub struct AccessPolicy {
    c: Arc<Clients>,
    schema: Schema,
}

impl AccessPolicy {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AccessPolicy {
        let schema = Schema::new()
            .required("name", Type::String)
            .force_new()
            .required("type", Type::String)
            .force_new()
            .required("policy", Type::Any)
            .optional("description", Type::String)
            .computed("policy_version", Type::String);
        AccessPolicy { c, schema }
    }
}

fn checked_policy(planned: &Value) -> PResult<String> {
    let text = opt_str(planned, "policy").ok_or_else(|| ProviderError::msg("policy is required"))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| ProviderError::msg(format!("policy is not valid JSON: {e}")))?;
    Ok(text)
}

#[async_trait]
impl ResourceType for AccessPolicy {
    fn type_name(&self) -> &'static str {
        "aws_opensearchserverless_access_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (name, kind) = name_and_type("", planned)?;
        self.c
            .opensearchserverless
            .create_access_policy()
            .name(&name)
            .r#type(AccessPolicyType::from(kind.as_str()))
            .policy(checked_policy(planned)?)
            .set_description(opt_str(planned, "description"))
            .client_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "access policy", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (name, kind) = name_and_type(id, prior)?;
        let r = self
            .c
            .opensearchserverless
            .get_access_policy()
            .name(&name)
            .r#type(AccessPolicyType::from(kind.as_str()))
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["ResourceNotFoundException"])? else {
            return Ok(None);
        };
        let Some(p) = out.access_policy_detail() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(&name)),
            ("name", Value::str(&name)),
            ("type", Value::str(&kind)),
            (
                "policy",
                json_as_configured(prior.get("policy"), p.policy().map(document_json)),
            ),
            ("description", Value::from(p.description().map(str::to_string))),
            ("policy_version", Value::from(p.policy_version().map(str::to_string))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (name, kind) = name_and_type(id, prior)?;
        self.c
            .opensearchserverless
            .update_access_policy()
            .name(&name)
            .r#type(AccessPolicyType::from(kind.as_str()))
            .set_policy_version(opt_str(prior, "policy_version"))
            .policy(checked_policy(planned)?)
            .set_description(opt_str(planned, "description"))
            .client_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "access policy", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (name, kind) = name_and_type(id, prior)?;
        let r = self
            .c
            .opensearchserverless
            .delete_access_policy()
            .name(name)
            .r#type(AccessPolicyType::from(kind.as_str()))
            .client_token(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ResourceNotFoundException"]).map(|_| ())
    }
}
