//! `terraform_data`: holds a value of any type. `input` is copied to `output` at apply (so
//! `output` is known only after apply whenever `input` changes, which updates in place), and a
//! change of `triggers_replace` replaces it, which is how blueprints make other resources'
//! `replace_triggered_by` follow arbitrary values. Import takes the id.

use crate::plan::diff::same;
use crate::provider::builtin::util::with;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `terraform_data` resource type.
pub struct TerraformData {
    schema: Schema,
}

impl TerraformData {
    /// The type with its schema.
    pub fn new() -> TerraformData {
        TerraformData {
            schema: Schema::new()
                .optional("input", Type::Any)
                .computed("output", Type::Any)
                .optional("triggers_replace", Type::Any)
                .force_new(),
        }
    }
}

impl Default for TerraformData {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ResourceType for TerraformData {
    fn type_name(&self) -> &'static str {
        "terraform_data"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let input = config.get("input");
        let output = match prior {
            // A null input gives a null output, known at plan.
            None if input.is_null() => Value::Null,
            None => Value::Unknown,
            Some(p) if !same(&Type::Any, input, p.get("input")) => Value::Unknown,
            Some(p) => p.get("output").clone(),
        };
        crate::provider::builtin::util::set(planned, "output", output);
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = uuid::Uuid::new_v4().to_string();
        let output = planned.get("input").clone();
        Ok(with(with(planned.clone(), "output", output), "id", Value::str(id)))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Ok(Some(Value::object([
                ("id", Value::str(id)),
                ("input", Value::Null),
                ("output", Value::Null),
                ("triggers_replace", Value::Null),
            ])));
        }
        Ok(Some(prior.clone()))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let output = planned.get("input").clone();
        Ok(with(
            with(planned.clone(), "output", output),
            "id",
            prior.get("id").clone(),
        ))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
