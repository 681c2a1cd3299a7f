//! `time_rotating`: a base timestamp and a rotation time after it (`rotation_*`, or
//! `rotation_rfc3339`). Once the rotation time has passed, the next plan replaces it (a new
//! base, a new rotation time), and with it whatever follows it through `keepers`, `triggers`
//! or `replace_triggered_by`. Changing the rotation arguments moves the rotation time in
//! place. Import takes `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES` or `BASE,ROTATION`.

use super::{add_date, at_least_one, format_rfc3339, int_or_zero, now, parse_rfc3339, set_parts};
use crate::provider::builtin::util::{set, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

const ROTATIONS: [&str; 5] = [
    "rotation_years",
    "rotation_months",
    "rotation_days",
    "rotation_hours",
    "rotation_minutes",
];

/// The `time_rotating` resource type.
pub struct TimeRotating {
    schema: Schema,
}

impl TimeRotating {
    /// The type with its schema.
    pub fn new() -> TimeRotating {
        let mut schema = Schema::new()
            .optional_computed("rfc3339", Type::String)
            .force_new()
            .optional("triggers", Type::map_of_strings())
            .force_new();
        for r in ROTATIONS {
            schema = schema.optional(r, Type::Number);
        }
        TimeRotating {
            schema: super::with_parts(schema.optional_computed("rotation_rfc3339", Type::String)),
        }
    }
}

impl Default for TimeRotating {
    fn default() -> Self {
        Self::new()
    }
}

/// The rotation time for a base: `rotation_rfc3339` when configured, else the base moved by
/// the `rotation_*` arguments.
fn rotation_of(base: i64, config: &Value) -> Result<String, String> {
    if let Some(t) = config.get("rotation_rfc3339").as_str() {
        parse_rfc3339(t)?;
        return Ok(t.to_string());
    }
    let n = |k: &str| int_or_zero(config, k);
    let at = add_date(base, n("rotation_years"), n("rotation_months"), n("rotation_days"))
        + n("rotation_hours") * 3600
        + n("rotation_minutes") * 60;
    Ok(format_rfc3339(at))
}

fn fill(v: &mut Value, config: &Value, base_text: &str, base: i64) -> Result<(), String> {
    let rotation = rotation_of(base, config)?;
    set(v, "rfc3339", Value::str(base_text));
    set(v, "id", Value::str(base_text));
    set(v, "rotation_rfc3339", Value::str(rotation));
    set_parts(v, base);
    Ok(())
}

fn all_known(config: &Value) -> bool {
    ROTATIONS
        .iter()
        .chain(&["rotation_rfc3339"])
        .all(|k| !config.get(k).has_unknown())
}

#[async_trait]
impl ResourceType for TimeRotating {
    fn type_name(&self) -> &'static str {
        "time_rotating"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        for k in ["rfc3339", "rotation_rfc3339"] {
            if let Some(t) = config.get(k).as_str() {
                parse_rfc3339(t)?;
            }
        }
        for k in ROTATIONS {
            if let Some(n) = config.get(k).as_number() {
                if n < 1.0 || n.fract() != 0.0 {
                    return Err(format!("{k} must be a whole number of at least 1, not {n}"));
                }
            }
        }
        let mut names = ROTATIONS.to_vec();
        names.push("rotation_rfc3339");
        at_least_one(config, &names, "rotation_")
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        match prior {
            Some(p) => {
                if let Some(rotation) = p.get("rotation_rfc3339").as_str() {
                    let at = parse_rfc3339(rotation).map_err(ProviderError::msg)?;
                    if now() >= at {
                        return Ok(Some(format!("its rotation time {rotation} has passed")));
                    }
                }
                // New rotation arguments move the rotation time, from the same base.
                let changed = ROTATIONS
                    .iter()
                    .chain(&["rotation_rfc3339"])
                    .any(|k| !config.get(k).is_null() && config.get(k) != p.get(k))
                    || ROTATIONS.iter().any(|k| config.get(k).is_null() && !p.get(k).is_null());
                if let Some(base_text) = p.get("rfc3339").as_str().filter(|_| changed && all_known(config)) {
                    let base = parse_rfc3339(base_text).map_err(ProviderError::msg)?;
                    let rotation = rotation_of(base, config).map_err(ProviderError::msg)?;
                    set(planned, "rotation_rfc3339", Value::str(rotation));
                }
            }
            None => {
                if let Some(t) = config.get("rfc3339").as_str().filter(|_| all_known(config)) {
                    let base = parse_rfc3339(t).map_err(ProviderError::msg)?;
                    fill(planned, config, t, base).map_err(ProviderError::msg)?;
                }
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
        // A configured rotation_rfc3339 is kept; otherwise it follows the rotation arguments.
        let mut config = planned.clone();
        if planned.get("rotation_rfc3339").has_unknown() {
            set(&mut config, "rotation_rfc3339", Value::Null);
        }
        let mut v = planned.clone();
        fill(&mut v, &config, &text, secs).map_err(ProviderError::msg)?;
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let parts: Vec<&str> = id.split(',').collect();
        let bad = || {
            ProviderError::msg(format!(
                "import id {id:?} must be BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES or BASE,ROTATION"
            ))
        };
        let base = parse_rfc3339(parts[0]).map_err(|_| bad())?;
        let mut v = Value::object([("triggers", Value::Null)]);
        match parts.len() {
            2 => {
                parse_rfc3339(parts[1]).map_err(|_| bad())?;
                v = with(v, "rotation_rfc3339", Value::str(parts[1]));
            }
            6 => {
                for (r, text) in ROTATIONS.iter().zip(&parts[1..]) {
                    let x = match text.trim() {
                        "" | "0" => Value::Null,
                        t => Value::from(t.parse::<i64>().map_err(|_| bad())?),
                    };
                    v = with(v, r, x);
                }
            }
            _ => return Err(bad()),
        }
        let config = v.clone();
        fill(&mut v, &config, parts[0], base).map_err(ProviderError::msg)?;
        Ok(Some(v))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let text = prior.get("rfc3339").as_str().unwrap_or_default().to_string();
        let base = parse_rfc3339(&text).map_err(ProviderError::msg)?;
        let mut v = planned.clone();
        fill(&mut v, planned, &text, base).map_err(ProviderError::msg)?;
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
    fn a_passed_rotation_time_plans_a_replacement() {
        let t = TimeRotating::new();
        let config = Value::object([("rotation_days", Value::from(30))]);
        let past = Value::object([
            ("rfc3339", Value::str("2020-01-01T00:00:00Z")),
            ("rotation_days", Value::from(30)),
            ("rotation_rfc3339", Value::str("2020-01-31T00:00:00Z")),
        ]);
        let mut planned = past.clone();
        let reason = t.refine_plan(Some(&past), &config, &mut planned).unwrap();
        assert!(reason.unwrap().contains("2020-01-31T00:00:00Z"));
        let future = with(past.clone(), "rotation_rfc3339", Value::str("2999-01-01T00:00:00Z"));
        let mut planned = future.clone();
        assert!(t.refine_plan(Some(&future), &config, &mut planned).unwrap().is_none());
        assert_eq!(planned.get("rotation_rfc3339"), &Value::str("2999-01-01T00:00:00Z"));
        // New rotation arguments move the rotation time from the same base, in place.
        let longer = Value::object([("rotation_days", Value::from(60))]);
        let mut planned = future.clone();
        assert!(t.refine_plan(Some(&future), &longer, &mut planned).unwrap().is_none());
        assert_eq!(planned.get("rotation_rfc3339"), &Value::str("2020-03-01T00:00:00Z"));
    }
}
