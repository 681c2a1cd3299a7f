//! `local_sensitive_file`: `local_file` whose content is a secret: never shown in plans, and
//! kept in state only as a digest (the file itself holds it, permissions `0700` by default).

use super::{check, conceal_content, refresh, remove, resource_schema, write};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;

/// The ways to give the content.
const CONTENT: [&str; 3] = ["content", "content_base64", "source"];

/// The `local_sensitive_file` resource type.
pub struct LocalSensitiveFile {
    schema: Schema,
}

impl LocalSensitiveFile {
    /// The type with its schema.
    pub fn new() -> LocalSensitiveFile {
        LocalSensitiveFile {
            schema: resource_schema(true, "0700"),
        }
    }
}

impl Default for LocalSensitiveFile {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ResourceType for LocalSensitiveFile {
    fn type_name(&self) -> &'static str {
        "local_sensitive_file"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check(config, &CONTENT)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(ProviderError::msg)?;
        Ok(conceal_content(write(planned)?, &["content", "content_base64"]))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(
                "local_sensitive_file cannot be imported (as with Terraform's provider)",
            ));
        }
        Ok(refresh(prior))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut v = prior.clone();
        if let (Value::Object(m), Value::Object(p)) = (&mut v, planned) {
            for (k, x) in p {
                if !x.is_null() || !m.contains_key(k) {
                    m.insert(k.clone(), x.clone());
                }
            }
        }
        Ok(conceal_content(v, &["content", "content_base64"]))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        remove(prior)
    }
}
