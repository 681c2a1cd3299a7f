//! `random_string`: random characters, kept in state in the clear (use `random_password` for
//! secrets). Every argument forces a new string. Import takes the string itself.

use super::charset;
use super::SystemRng;
use crate::provider::builtin::util::{config_error, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `random_string` resource type.
pub struct RandomString {
    schema: Schema,
}

impl RandomString {
    /// The type with its schema.
    pub fn new() -> RandomString {
        RandomString {
            // The random provider's schema version of random_string (3.x).
            schema: charset::schema().computed("result", Type::String).with_version(2),
        }
    }
}

impl Default for RandomString {
    fn default() -> Self {
        Self::new()
    }
}

/// The state of an imported string: its length, and the defaults for everything else, as
/// Terraform's provider imports it (a configuration that differs plans a replacement).
pub fn imported(text: &str) -> Value {
    Value::object([
        ("id", Value::str(text)),
        ("length", Value::from(text.chars().count() as i64)),
        ("keepers", Value::Null),
        ("special", Value::Bool(true)),
        ("upper", Value::Bool(true)),
        ("lower", Value::Bool(true)),
        ("number", Value::Bool(true)),
        ("numeric", Value::Bool(true)),
        ("min_numeric", Value::from(0)),
        ("min_upper", Value::from(0)),
        ("min_lower", Value::from(0)),
        ("min_special", Value::from(0)),
        ("override_special", Value::Null),
        ("result", Value::str(text)),
    ])
}

#[async_trait]
impl ResourceType for RandomString {
    fn type_name(&self) -> &'static str {
        "random_string"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        charset::check(config)
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if prior.is_none() {
            charset::refine(planned, config);
        }
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let p = charset::params(planned).map_err(config_error)?;
        let result = charset::generate(&p, &mut SystemRng)?.map_err(config_error)?;
        let v = charset::settled(planned, &p);
        Ok(with(with(v, "result", Value::str(&result)), "id", Value::str(result)))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            if id.is_empty() {
                return Err(ProviderError::msg("import needs the string itself as the id"));
            }
            return Ok(Some(imported(id)));
        }
        Ok(Some(prior.clone()))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Only keepers-free metadata can change in place; the string stays.
        Ok(with(
            with(planned.clone(), "result", prior.get("result").clone()),
            "id",
            prior.get("id").clone(),
        ))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
