//! `data "archive_file"`: builds the archive whenever it is read (at plan when its
//! configuration is known, else during apply), writing `output_path`, as Terraform does.

use super::{check, schema, write};
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;

/// The `archive_file` data source type.
pub struct ArchiveFileData {
    schema: Schema,
}

impl ArchiveFileData {
    /// The type with its schema.
    pub fn new() -> ArchiveFileData {
        ArchiveFileData { schema: schema(false) }
    }
}

impl Default for ArchiveFileData {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl DataSourceType for ArchiveFileData {
    fn type_name(&self) -> &'static str {
        "archive_file"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check(config)
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let config = config.clone();
        let attrs = tokio::task::spawn_blocking({
            let config = config.clone();
            move || write(&config)
        })
        .await
        .map_err(|e| ProviderError::msg(format!("archiving failed: {e}")))?
        .map_err(ProviderError::msg)?;
        let mut v = config;
        if let Value::Object(m) = &mut v {
            m.extend(attrs);
        }
        Ok(v)
    }
}
