//! `null_resource`: no object anywhere; replaced whenever `triggers` change.

use crate::provider::builtin::util::with;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `null_resource` resource type.
pub struct NullResource {
    schema: Schema,
}

impl NullResource {
    /// The type with its schema.
    pub fn new() -> NullResource {
        NullResource {
            schema: Schema::new().optional("triggers", Type::map_of_strings()).force_new(),
        }
    }
}

impl Default for NullResource {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ResourceType for NullResource {
    fn type_name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        Ok(with(planned.clone(), "id", Value::str(super::random_id()?)))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            // Import: only the id is known.
            return Ok(Some(Value::object([("id", Value::str(id)), ("triggers", Value::Null)])));
        }
        Ok(Some(prior.clone()))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(with(planned.clone(), "id", prior.get("id").clone()))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
