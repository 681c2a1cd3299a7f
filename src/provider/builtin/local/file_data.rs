//! `data "local_file"` and `data "local_sensitive_file"`: a file's content (as text, with
//! invalid UTF-8 replaced, and as base64) and checksums. The sensitive form's contents are
//! secrets: kept out of state (digests) and printed plans.

use super::SUMS;
use crate::provider::builtin::util::{checksums, sha1_hex, str_arg};
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use base64::Engine;

/// The `local_file` or `local_sensitive_file` data source type.
pub struct LocalFileData {
    schema: Schema,
    sensitive: bool,
}

impl LocalFileData {
    /// The plain (`local_file`) or sensitive (`local_sensitive_file`) form.
    pub fn new(sensitive: bool) -> LocalFileData {
        let mut s = Schema::new().required("filename", Type::String);
        for k in ["content", "content_base64"] {
            s = s.computed(k, Type::String);
            if sensitive {
                s = s.sensitive();
            }
        }
        for k in SUMS {
            s = s.computed(k, Type::String);
        }
        LocalFileData { schema: s, sensitive }
    }
}

#[async_trait]
impl DataSourceType for LocalFileData {
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

    async fn read(&self, config: &Value) -> PResult<Value> {
        let filename = str_arg(config, "filename").ok_or_else(|| ProviderError::msg("filename is required"))?;
        let bytes = std::fs::read(&filename).map_err(|e| ProviderError::msg(format!("cannot read {filename}: {e}")))?;
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            m.insert("content".into(), Value::str(String::from_utf8_lossy(&bytes)));
            m.insert(
                "content_base64".into(),
                Value::str(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            );
            m.extend(checksums("content_", &bytes));
            m.insert("id".into(), Value::str(sha1_hex(&bytes)));
        }
        Ok(v)
    }
}
