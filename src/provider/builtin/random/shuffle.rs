//! `random_shuffle`: a random permutation of `input`, cut to (or repeated up to)
//! `result_count` items; with `seed`, the same permutation every time.

use super::{rng_for, shuffle};
use crate::provider::builtin::util::{str_list, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `random_shuffle` resource type.
pub struct RandomShuffle {
    schema: Schema,
}

impl RandomShuffle {
    /// The type with its schema.
    pub fn new() -> RandomShuffle {
        RandomShuffle {
            schema: Schema::new()
                .required("input", Type::list_of_strings())
                .force_new()
                .optional("keepers", Type::map_of_strings())
                .force_new()
                .optional("result_count", Type::Number)
                .force_new()
                .optional("seed", Type::String)
                .force_new()
                .computed("result", Type::list_of_strings()),
        }
    }
}

impl Default for RandomShuffle {
    fn default() -> Self {
        Self::new()
    }
}

/// `count` items of a random permutation of `input`: more than `input` has repeats whole
/// permutations, so no item appears more often than the number of times the input is used.
pub fn shuffled(input: &[String], count: usize, seed: Option<&str>) -> PResult<Vec<String>> {
    let mut rng = rng_for(seed);
    let mut out = Vec::with_capacity(count);
    if input.is_empty() {
        return Ok(out);
    }
    while out.len() < count {
        let mut round = input.to_vec();
        shuffle(rng.as_mut(), &mut round)?;
        let take = (count - out.len()).min(round.len());
        out.extend(round.into_iter().take(take));
    }
    Ok(out)
}

#[async_trait]
impl ResourceType for RandomShuffle {
    fn type_name(&self) -> &'static str {
        "random_shuffle"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("result_count").as_number() {
            Some(n) if n < 0.0 || n.fract() != 0.0 => {
                Err(format!("result_count must be a whole number of at least 0, not {n}"))
            }
            _ => Ok(()),
        }
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(ProviderError::msg)?;
        let input = str_list(planned, "input");
        let count = planned
            .get("result_count")
            .as_number()
            .map(|n| n as usize)
            .unwrap_or(input.len());
        let result = shuffled(&input, count, planned.get("seed").as_str())?;
        Ok(with(
            with(
                planned.clone(),
                "result",
                Value::List(result.into_iter().map(Value::String).collect()),
            ),
            "id",
            Value::str("-"),
        ))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(
                "random_shuffle cannot be imported (as with Terraform's provider)",
            ));
        }
        Ok(Some(prior.clone()))
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

    fn items(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("i{i}")).collect()
    }

    #[test]
    fn results_are_permutations_of_the_input() {
        let input = items(6);
        let out = shuffled(&input, 6, None).unwrap();
        let mut sorted = out.clone();
        sorted.sort();
        assert_eq!(sorted, input);
        assert_eq!(shuffled(&input, 2, None).unwrap().len(), 2);
        assert!(shuffled(&[], 3, None).unwrap().is_empty());
    }

    #[test]
    fn more_results_than_input_repeat_evenly() {
        let input = items(3);
        let out = shuffled(&input, 7, None).unwrap();
        assert_eq!(out.len(), 7);
        for i in &input {
            let n = out.iter().filter(|x| *x == i).count();
            assert!((2..=3).contains(&n), "{out:?}");
        }
    }

    #[test]
    fn seeds_fix_the_permutation() {
        let input = items(10);
        assert_eq!(
            shuffled(&input, 10, Some("s")).unwrap(),
            shuffled(&input, 10, Some("s")).unwrap()
        );
    }
}
