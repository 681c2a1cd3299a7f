//! `random_pet`: a random name of `length` words (`adjective-animal` by default; longer names
//! start with adverbs), joined by `separator`, after an optional `prefix`. The name is the id.

use super::words::{ADJECTIVES, ADVERBS, NAMES};
use super::{Rng, SystemRng};
use crate::provider::builtin::util::with;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `random_pet` resource type.
pub struct RandomPet {
    schema: Schema,
}

impl RandomPet {
    /// The type with its schema.
    pub fn new() -> RandomPet {
        RandomPet {
            schema: Schema::new()
                .optional("keepers", Type::map_of_strings())
                .force_new()
                .optional("length", Type::Number)
                .default(2)
                .force_new()
                .optional("prefix", Type::String)
                .force_new()
                .optional("separator", Type::String)
                .default("-")
                .force_new(),
        }
    }
}

impl Default for RandomPet {
    fn default() -> Self {
        Self::new()
    }
}

/// A name of `words` words: the animal last, an adjective before it, adverbs before that.
pub fn name(rng: &mut dyn Rng, words: usize, separator: &str, prefix: Option<&str>) -> PResult<String> {
    let mut pick =
        |list: &[&'static str]| -> PResult<&'static str> { Ok(list[rng.below(list.len() as u64)? as usize]) };
    let mut parts: Vec<&str> = Vec::with_capacity(words + 1);
    if let Some(p) = prefix.filter(|p| !p.is_empty()) {
        parts.push(p);
    }
    for _ in 0..words.saturating_sub(2) {
        parts.push(pick(ADVERBS)?);
    }
    if words >= 2 {
        parts.push(pick(ADJECTIVES)?);
    }
    if words >= 1 {
        parts.push(pick(NAMES)?);
    }
    Ok(parts.join(separator))
}

#[async_trait]
impl ResourceType for RandomPet {
    fn type_name(&self) -> &'static str {
        "random_pet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("length").as_number() {
            Some(n) if n < 1.0 || n.fract() != 0.0 => {
                Err(format!("length must be a whole number of at least 1, not {n}"))
            }
            _ => Ok(()),
        }
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(ProviderError::msg)?;
        let words = planned.get("length").as_number().unwrap_or(2.0) as usize;
        let separator = planned.get("separator").as_str().unwrap_or("-");
        let id = name(&mut SystemRng, words, separator, planned.get("prefix").as_str())?;
        Ok(with(planned.clone(), "id", Value::str(id)))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            return Err(ProviderError::msg(
                "random_pet cannot be imported (as with Terraform's provider)",
            ));
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

#[cfg(test)]
mod tests {
    use super::super::SeededRng;
    use super::*;

    #[test]
    fn names_have_the_requested_shape() {
        let mut rng = SeededRng::new("pets");
        let two = name(&mut rng, 2, "-", None).unwrap();
        let parts: Vec<&str> = two.split('-').collect();
        assert_eq!(parts.len(), 2);
        assert!(ADJECTIVES.contains(&parts[0]) && NAMES.contains(&parts[1]), "{two}");
        let one = name(&mut rng, 1, "-", Some("web")).unwrap();
        let parts: Vec<&str> = one.split('-').collect();
        assert_eq!(parts[0], "web");
        assert!(NAMES.contains(&parts[1]), "{one}");
        let four = name(&mut rng, 4, "_", None).unwrap();
        let parts: Vec<&str> = four.split('_').collect();
        assert_eq!(parts.len(), 4);
        assert!(ADVERBS.contains(&parts[0]) && ADVERBS.contains(&parts[1]), "{four}");
        assert!(ADJECTIVES.contains(&parts[2]) && NAMES.contains(&parts[3]), "{four}");
    }
}
