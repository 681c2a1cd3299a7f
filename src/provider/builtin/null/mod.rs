//! hashicorp/null: `null_resource`, which does nothing but be replaced when its `triggers`
//! change (so what depends on it runs again), and the deprecated `null_data_source`.

pub mod data_source;
pub mod resource;

use crate::provider::builtin::random::{Rng, SystemRng};
use crate::provider::PResult;

/// A random non-negative 63-bit number in decimal, the id Terraform's provider gives.
pub fn random_id() -> PResult<String> {
    Ok((SystemRng.next_u64()? >> 1).to_string())
}
