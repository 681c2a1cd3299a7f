//! `resource "archive_file"` (deprecated in Terraform in favour of the data source): builds
//! the archive at create, and again at every refresh when its sources are files, so a changed
//! source shows up as new hashes. Every argument forces a new archive. Destroying it leaves the file where it is, as
//! Terraform's provider does.

use super::{check, schema, write};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;

/// The `archive_file` resource type.
pub struct ArchiveFile {
    schema: Schema,
}

impl ArchiveFile {
    /// The type with its schema.
    pub fn new() -> ArchiveFile {
        ArchiveFile { schema: schema(true) }
    }
}

impl Default for ArchiveFile {
    fn default() -> Self {
        Self::new()
    }
}

async fn archive(config: &Value) -> PResult<Value> {
    let attrs = tokio::task::spawn_blocking({
        let config = config.clone();
        move || write(&config)
    })
    .await
    .map_err(|e| ProviderError::msg(format!("archiving failed: {e}")))?
    .map_err(ProviderError::msg)?;
    let mut v = config.clone();
    if let Value::Object(m) = &mut v {
        m.extend(attrs);
    }
    Ok(v)
}

#[async_trait]
impl ResourceType for ArchiveFile {
    fn type_name(&self) -> &'static str {
        "archive_file"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check(config)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        archive(planned).await
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg("archive_file cannot be imported"));
        }
        // Sources on disk are archived again, so their changes show up as new hashes; given
        // contents are in the configuration (a change replaces the archive), and state may
        // hold them concealed, so they are not rebuilt from state.
        let on_disk = !prior.get("source_file").is_null() || !prior.get("source_dir").is_null();
        if on_disk {
            archive(prior).await.map(Some)
        } else {
            Ok(Some(prior.clone()))
        }
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        archive(planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
