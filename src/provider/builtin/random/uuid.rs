//! `random_uuid`: a random (version 4) UUID, in `result` and the id. Import takes the UUID.

use crate::provider::builtin::util::{random_bytes, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `random_uuid` resource type.
pub struct RandomUuid {
    schema: Schema,
}

impl RandomUuid {
    /// The type with its schema.
    pub fn new() -> RandomUuid {
        RandomUuid {
            schema: Schema::new()
                .optional("keepers", Type::map_of_strings())
                .force_new()
                .computed("result", Type::String),
        }
    }
}

impl Default for RandomUuid {
    fn default() -> Self {
        Self::new()
    }
}

fn state(planned: &Value, id: &str) -> Value {
    with(with(planned.clone(), "result", Value::str(id)), "id", Value::str(id))
}

#[async_trait]
impl ResourceType for RandomUuid {
    fn type_name(&self) -> &'static str {
        "random_uuid"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let bytes = random_bytes(16)?;
        let mut b = [0u8; 16];
        b.copy_from_slice(&bytes);
        let id = uuid::Builder::from_random_bytes(b).into_uuid().to_string();
        Ok(state(planned, &id))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let parsed =
            uuid::Uuid::parse_str(id).map_err(|_| ProviderError::msg(format!("import id {id:?} is not a UUID")))?;
        Ok(Some(state(
            &Value::object([("keepers", Value::Null)]),
            &parsed.hyphenated().to_string(),
        )))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(state(planned, prior.get("id").as_str().unwrap_or_default()))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
