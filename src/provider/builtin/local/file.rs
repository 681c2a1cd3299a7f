//! `local_file` and `local_sensitive_file`: write `filename` with `content`, `content_base64`,
//! `source` (a file to copy) or, for `local_file`, the deprecated `sensitive_content`; any
//! change writes a new file, destroy deletes it. The sensitive variant's content is a secret:
//! never shown in plans, kept in state only as a digest (the file holds it, `0700` by default).
//! One implementation serves both, as the provider's two types differ only in those points.

use super::{check, conceal_content, refresh, remove, resource_schema, write};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;

/// `local_file` or `local_sensitive_file`.
pub struct LocalFile {
    schema: Schema,
    sensitive: bool,
}

impl LocalFile {
    /// `local_sensitive_file` when `sensitive`, else `local_file`.
    pub fn new(sensitive: bool) -> LocalFile {
        let mode = if sensitive { "0700" } else { "0777" };
        LocalFile {
            schema: resource_schema(sensitive, mode),
            sensitive,
        }
    }

    /// The ways to give the content.
    fn content_arguments(&self) -> &'static [&'static str] {
        if self.sensitive {
            &["content", "content_base64", "source"]
        } else {
            &["content", "sensitive_content", "content_base64", "source"]
        }
    }

    /// The arguments whose values state keeps only as digests.
    fn secret_arguments(&self) -> &'static [&'static str] {
        if self.sensitive {
            &["content", "content_base64"]
        } else {
            &["sensitive_content"]
        }
    }
}

#[async_trait]
impl ResourceType for LocalFile {
    fn type_name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check(config, self.content_arguments())
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(ProviderError::msg)?;
        Ok(conceal_content(write(planned)?, self.secret_arguments()))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(format!(
                "{} cannot be imported (as with Terraform's provider)",
                self.type_name()
            )));
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
        Ok(conceal_content(v, self.secret_arguments()))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        remove(prior)
    }
}
