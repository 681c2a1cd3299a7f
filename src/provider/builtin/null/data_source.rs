//! `data "null_data_source"` (deprecated in Terraform, still accepted): `outputs` repeats
//! `inputs`, and `random` is a new random number at every read.

use crate::provider::{DataSourceType, PResult};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `null_data_source` data source type.
pub struct NullDataSource {
    schema: Schema,
}

impl NullDataSource {
    /// The type with its schema.
    pub fn new() -> NullDataSource {
        NullDataSource {
            schema: Schema::new()
                .optional("inputs", Type::map_of_strings())
                .optional_computed("has_computed_default", Type::String)
                .computed("outputs", Type::map_of_strings())
                .computed("random", Type::String),
        }
    }
}

impl Default for NullDataSource {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl DataSourceType for NullDataSource {
    fn type_name(&self) -> &'static str {
        "null_data_source"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let inputs = match config.get("inputs") {
            Value::Null => Value::Object(Default::default()),
            v => v.clone(),
        };
        let default = match config.get("has_computed_default") {
            Value::Null => Value::str("default"),
            v => v.clone(),
        };
        Ok(Value::object([
            ("id", Value::str("static")),
            ("inputs", inputs.clone()),
            ("has_computed_default", default),
            ("outputs", inputs),
            ("random", Value::str(super::random_id()?)),
        ]))
    }
}
