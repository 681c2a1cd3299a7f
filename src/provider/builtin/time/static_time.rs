//! `time_static`: a timestamp taken at create (or given as `rfc3339`) and kept; `triggers`
//! replace it, taking a new one. Import takes the RFC 3339 timestamp.

use super::{format_rfc3339, now, parse_rfc3339, set_parts};
use crate::provider::builtin::util::with;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `time_static` resource type.
pub struct TimeStatic {
    schema: Schema,
}

impl TimeStatic {
    /// The type with its schema.
    pub fn new() -> TimeStatic {
        TimeStatic {
            schema: super::with_parts(
                Schema::new()
                    .optional_computed("rfc3339", Type::String)
                    .force_new()
                    .optional("triggers", Type::map_of_strings())
                    .force_new(),
            ),
        }
    }
}

impl Default for TimeStatic {
    fn default() -> Self {
        Self::new()
    }
}

/// The state of a static time at `secs`, with `text` as its `rfc3339`.
fn state(base: &Value, text: &str, secs: i64) -> Value {
    let mut v = with(with(base.clone(), "rfc3339", Value::str(text)), "id", Value::str(text));
    set_parts(&mut v, secs);
    v
}

#[async_trait]
impl ResourceType for TimeStatic {
    fn type_name(&self) -> &'static str {
        "time_static"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("rfc3339").as_str() {
            Some(t) => parse_rfc3339(t).map(|_| ()),
            None => Ok(()),
        }
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // A configured timestamp makes every part known at plan.
        if prior.is_none() {
            if let Some(t) = config.get("rfc3339").as_str() {
                let secs = parse_rfc3339(t).map_err(ProviderError::msg)?;
                set_parts(planned, secs);
            }
        }
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (text, secs) = match planned.get("rfc3339").as_str() {
            Some(t) => (t.to_string(), parse_rfc3339(t).map_err(ProviderError::msg)?),
            None => {
                let n = now();
                (format_rfc3339(n), n)
            }
        };
        Ok(state(planned, &text, secs))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let secs = parse_rfc3339(id).map_err(|e| ProviderError::msg(format!("import id: {e}")))?;
        Ok(Some(state(&Value::object([("triggers", Value::Null)]), id, secs)))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut v = prior.clone();
        crate::provider::builtin::util::set(&mut v, "triggers", planned.get("triggers").clone());
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
