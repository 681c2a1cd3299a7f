//! `time_offset`: a base timestamp (taken at create, or `base_rfc3339`) moved by the
//! `offset_*` arguments. Changing an offset recomputes the result from the same base, in
//! place; `triggers` replace it, taking a new base. Import takes
//! `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS`.

use super::{add_date, at_least_one, format_rfc3339, int_or_zero, now, parse_rfc3339, set_parts};
use crate::provider::builtin::util::{set, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

const OFFSETS: [&str; 6] = [
    "offset_years",
    "offset_months",
    "offset_days",
    "offset_hours",
    "offset_minutes",
    "offset_seconds",
];

/// The `time_offset` resource type.
pub struct TimeOffset {
    schema: Schema,
}

impl TimeOffset {
    /// The type with its schema.
    pub fn new() -> TimeOffset {
        let mut schema = Schema::new()
            .optional_computed("base_rfc3339", Type::String)
            .optional("triggers", Type::map_of_strings())
            .force_new();
        for o in OFFSETS {
            schema = schema.optional(o, Type::Number);
        }
        TimeOffset {
            schema: super::with_parts(schema.computed("rfc3339", Type::String)),
        }
    }
}

impl Default for TimeOffset {
    fn default() -> Self {
        Self::new()
    }
}

/// The offset timestamp of a base under the offsets of `v`.
fn offset_of(base: i64, v: &Value) -> i64 {
    let n = |k: &str| int_or_zero(v, k);
    add_date(base, n("offset_years"), n("offset_months"), n("offset_days"))
        + n("offset_hours") * 3600
        + n("offset_minutes") * 60
        + n("offset_seconds")
}

/// Fills the computed attributes of `v` for a base timestamp.
fn fill(v: &mut Value, base_text: &str, base: i64) {
    let at = offset_of(base, v);
    set(v, "base_rfc3339", Value::str(base_text));
    set(v, "id", Value::str(base_text));
    set(v, "rfc3339", Value::str(format_rfc3339(at)));
    set_parts(v, at);
}

fn known_offsets(v: &Value) -> bool {
    OFFSETS.iter().all(|o| !v.get(o).has_unknown())
}

#[async_trait]
impl ResourceType for TimeOffset {
    fn type_name(&self) -> &'static str {
        "time_offset"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        if let Some(t) = config.get("base_rfc3339").as_str() {
            parse_rfc3339(t)?;
        }
        at_least_one(config, &OFFSETS, "offset_")
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // Known whenever the base is: configured, or (for an update) kept from state.
        let base = match (config.get("base_rfc3339").as_str(), prior) {
            (Some(t), _) => Some(t.to_string()),
            (None, Some(p)) => p.get("base_rfc3339").as_str().map(str::to_string),
            (None, None) => None,
        };
        if let Some(text) = base.filter(|_| known_offsets(planned)) {
            let secs = parse_rfc3339(&text).map_err(ProviderError::msg)?;
            fill(planned, &text, secs);
        }
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (text, secs) = match planned.get("base_rfc3339").as_str() {
            Some(t) => (t.to_string(), parse_rfc3339(t).map_err(ProviderError::msg)?),
            None => {
                let n = now();
                (format_rfc3339(n), n)
            }
        };
        let mut v = planned.clone();
        fill(&mut v, &text, secs);
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let parts: Vec<&str> = id.split(',').collect();
        let bad = || {
            ProviderError::msg(format!(
                "import id {id:?} must be BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS"
            ))
        };
        if parts.len() != 7 {
            return Err(bad());
        }
        let secs = parse_rfc3339(parts[0]).map_err(|_| bad())?;
        let mut v = Value::object([("triggers", Value::Null)]);
        for (o, text) in OFFSETS.iter().zip(&parts[1..]) {
            let x = match text.trim() {
                "" => Value::Null,
                t => Value::from(t.parse::<i64>().map_err(|_| bad())?),
            };
            v = with(v, o, if x == Value::from(0) { Value::Null } else { x });
        }
        fill(&mut v, parts[0], secs);
        Ok(Some(v))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let text = planned
            .get("base_rfc3339")
            .as_str()
            .or_else(|| prior.get("base_rfc3339").as_str())
            .unwrap_or_default()
            .to_string();
        let secs = parse_rfc3339(&text).map_err(ProviderError::msg)?;
        let mut v = planned.clone();
        fill(&mut v, &text, secs);
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_add_calendar_units_then_clock_units() {
        let base = parse_rfc3339("2021-01-31T23:00:00Z").unwrap();
        let v = Value::object([("offset_months", Value::from(1)), ("offset_hours", Value::from(2))]);
        assert_eq!(format_rfc3339(offset_of(base, &v)), "2021-03-04T01:00:00Z");
        assert!(TimeOffset::new().check_config(&Value::object::<String>([])).is_err());
    }
}
