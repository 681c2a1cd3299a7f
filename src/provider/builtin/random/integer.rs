//! `random_integer`: a whole number in `min..=max`, drawn once (from `seed` when given, so the
//! same seed gives the same number). Import takes `RESULT,MIN,MAX[,SEED]`.

use super::rng_for;
use crate::provider::builtin::util::{config_error, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::{format_number, Value};
use async_trait::async_trait;

/// The `random_integer` resource type.
pub struct RandomInteger {
    schema: Schema,
}

impl RandomInteger {
    /// The type with its schema.
    pub fn new() -> RandomInteger {
        RandomInteger {
            schema: Schema::new()
                .required("min", Type::Number)
                .force_new()
                .required("max", Type::Number)
                .force_new()
                .optional("keepers", Type::map_of_strings())
                .force_new()
                .optional("seed", Type::String)
                .force_new()
                .computed("result", Type::Number),
        }
    }
}

impl Default for RandomInteger {
    fn default() -> Self {
        Self::new()
    }
}

fn bounds(v: &Value) -> Result<Option<(i64, i64)>, String> {
    let (Some(min), Some(max)) = (v.get("min").as_number(), v.get("max").as_number()) else {
        return Ok(None);
    };
    if min.fract() != 0.0 || max.fract() != 0.0 {
        return Err(format!("min and max must be whole numbers, not {min} and {max}"));
    }
    if max < min {
        return Err(format!(
            "minimum value ({min}) needs to be smaller than or equal to maximum value ({max})"
        ));
    }
    Ok(Some((min as i64, max as i64)))
}

#[async_trait]
impl ResourceType for RandomInteger {
    fn type_name(&self) -> &'static str {
        "random_integer"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        bounds(config).map(|_| ())
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (min, max) = bounds(planned)
            .map_err(config_error)?
            .ok_or_else(|| ProviderError::msg("min and max are required"))?;
        let span = (max as i128 - min as i128 + 1) as u128;
        let mut rng = rng_for(planned.get("seed").as_str());
        let draw = if span > u64::MAX as u128 {
            rng.next_u64()? as i128
        } else {
            rng.below(span as u64)? as i128
        };
        let n = (min as i128 + draw) as i64;
        Ok(with(
            with(planned.clone(), "result", Value::from(n)),
            "id",
            Value::str(n.to_string()),
        ))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let parts: Vec<&str> = id.split(',').collect();
        let bad = || {
            ProviderError::msg(format!(
                "import id {id:?} must be RESULT,MIN,MAX or RESULT,MIN,MAX,SEED"
            ))
        };
        if parts.len() != 3 && parts.len() != 4 {
            return Err(bad());
        }
        let n = |s: &str| s.trim().parse::<i64>().map_err(|_| bad());
        let (result, min, max) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
        Ok(Some(Value::object([
            ("id", Value::str(format_number(result as f64))),
            ("min", Value::from(min)),
            ("max", Value::from(max)),
            ("keepers", Value::Null),
            ("seed", parts.get(3).map(|s| Value::str(*s)).unwrap_or(Value::Null)),
            ("result", Value::from(result)),
        ])))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> CallCtx {
        CallCtx {
            stack: "s".into(),
            address: "random_integer.x".into(),
            resumed: false,
            token: String::new(),
            keeper: Default::default(),
        }
    }

    #[tokio::test]
    async fn results_stay_in_range_and_seeds_repeat() {
        let t = RandomInteger::new();
        let cfg = |seed: Value| Value::object([("min", Value::from(5)), ("max", Value::from(9)), ("seed", seed)]);
        for _ in 0..30 {
            let v = t.create(&ctx(), &cfg(Value::Null)).await.unwrap();
            let n = v.get("result").as_number().unwrap();
            assert!((5.0..=9.0).contains(&n));
            assert_eq!(v.get("id"), &Value::str(format_number(n)));
        }
        let a = t.create(&ctx(), &cfg(Value::str("s"))).await.unwrap();
        let b = t.create(&ctx(), &cfg(Value::str("s"))).await.unwrap();
        assert_eq!(a.get("result"), b.get("result"));
        assert!(t
            .check_config(&Value::object([("min", Value::from(3)), ("max", Value::from(1))]))
            .is_err());
    }

    #[tokio::test]
    async fn import_takes_result_min_max() {
        let v = RandomInteger::new()
            .read(&ctx(), "15390,1,50000", &Value::Null)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.get("result"), &Value::from(15390));
        assert_eq!(v.get("max"), &Value::from(50000));
        assert!(RandomInteger::new().read(&ctx(), "x", &Value::Null).await.is_err());
    }
}
