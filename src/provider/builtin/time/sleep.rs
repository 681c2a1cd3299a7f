//! `time_sleep`: waits `create_duration` when created and `destroy_duration` when destroyed,
//! so what depends on it starts (or what it depends on is deleted) that much later. Changing a
//! duration updates it without waiting; `triggers` replace it (waiting again). Import takes
//! `CREATE_DURATION,DESTROY_DURATION` (either may be empty).

use super::{format_rfc3339, now, parse_duration};
use crate::provider::builtin::util::with;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `time_sleep` resource type.
pub struct TimeSleep {
    schema: Schema,
}

impl TimeSleep {
    /// The type with its schema.
    pub fn new() -> TimeSleep {
        TimeSleep {
            schema: Schema::new()
                .optional("create_duration", Type::String)
                .optional("destroy_duration", Type::String)
                .optional("triggers", Type::map_of_strings())
                .force_new(),
        }
    }
}

impl Default for TimeSleep {
    fn default() -> Self {
        Self::new()
    }
}

async fn wait(v: &Value, key: &str) -> PResult<()> {
    if let Some(text) = v.get(key).as_str() {
        let d = parse_duration(text).map_err(|e| ProviderError::msg(format!("{key}: {e}")))?;
        tokio::time::sleep(d).await;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for TimeSleep {
    fn type_name(&self) -> &'static str {
        "time_sleep"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        for key in ["create_duration", "destroy_duration"] {
            if let Some(text) = config.get(key).as_str() {
                parse_duration(text).map_err(|e| format!("{key}: {e}"))?;
            }
        }
        Ok(())
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        wait(planned, "create_duration").await?;
        Ok(with(planned.clone(), "id", Value::str(format_rfc3339(now()))))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let (create, destroy) = id
            .split_once(',')
            .ok_or_else(|| ProviderError::msg(format!("import id {id:?} must be CREATE_DURATION,DESTROY_DURATION")))?;
        let opt = |s: &str| -> PResult<Value> {
            if s.is_empty() {
                return Ok(Value::Null);
            }
            parse_duration(s).map_err(ProviderError::msg)?;
            Ok(Value::str(s))
        };
        Ok(Some(Value::object([
            ("id", Value::str(format_rfc3339(now()))),
            ("create_duration", opt(create)?),
            ("destroy_duration", opt(destroy)?),
            ("triggers", Value::Null),
        ])))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(with(planned.clone(), "id", prior.get("id").clone()))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        wait(prior, "destroy_duration").await
    }
}
