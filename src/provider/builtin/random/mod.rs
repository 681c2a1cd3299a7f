//! hashicorp/random: values drawn once at create and kept in state, so plans stay stable until
//! `keepers` (or any argument: they all force replacement) change.
//!
//! Draws come from the system's cryptographic generator, through [`Rng`] so the generators
//! can be tested with a fixed stream; `seed` arguments (`random_integer`, `random_shuffle`)
//! drive a stream derived from the seed instead, so equal seeds give equal results.

pub mod charset;
pub mod id;
pub mod integer;
pub mod password;
pub mod pet;
pub mod shuffle;
pub mod string;
pub mod uuid;
mod words;

use crate::provider::PResult;
use sha2::Digest;

/// A source of uniform draws.
pub trait Rng {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> PResult<u64>;

    /// A uniform draw from `0..n` (`n > 0`), without modulo bias.
    fn below(&mut self, n: u64) -> PResult<u64> {
        if n <= 1 {
            return Ok(0);
        }
        // Reject the top partial block of the u64 range so every residue is equally likely.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64()?;
            if x < zone {
                return Ok(x % n);
            }
        }
    }
}

/// The system's cryptographic random number generator.
pub struct SystemRng;

impl Rng for SystemRng {
    fn next_u64(&mut self) -> PResult<u64> {
        let b = super::util::random_bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }
}

/// A stream derived from a seed string (SHA-256 of the seed and a counter): the same seed
/// always gives the same draws in this version of infractl. As Terraform's random provider
/// says of its own seeds, results are not promised to match across versions (nor Terraform's).
pub struct SeededRng {
    seed: [u8; 32],
    counter: u64,
}

impl SeededRng {
    /// The stream for a seed.
    pub fn new(seed: &str) -> SeededRng {
        let mut h = sha2::Sha256::new();
        h.update(b"infractl random seed v1\0");
        h.update(seed.as_bytes());
        SeededRng {
            seed: h.finalize().into(),
            counter: 0,
        }
    }
}

impl Rng for SeededRng {
    fn next_u64(&mut self) -> PResult<u64> {
        let mut h = sha2::Sha256::new();
        h.update(self.seed);
        h.update(self.counter.to_le_bytes());
        self.counter += 1;
        let d = h.finalize();
        let mut a = [0u8; 8];
        a.copy_from_slice(&d[..8]);
        Ok(u64::from_le_bytes(a))
    }
}

/// Shuffles in place (Fisher–Yates): every permutation equally likely.
pub fn shuffle<T>(rng: &mut dyn Rng, items: &mut [T]) -> PResult<()> {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1)? as usize;
        items.swap(i, j);
    }
    Ok(())
}

/// A generator for a `seed` argument: seeded when given, the system's otherwise.
pub fn rng_for(seed: Option<&str>) -> Box<dyn Rng + Send> {
    match seed {
        Some(s) => Box::new(SeededRng::new(s)),
        None => Box::new(SystemRng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_streams_repeat_and_differ_by_seed() {
        let draw = |seed: &str| {
            let mut r = SeededRng::new(seed);
            (0..8).map(|_| r.below(1000).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(draw("a"), draw("a"));
        assert_ne!(draw("a"), draw("b"));
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut r = SystemRng;
        let mut seen = [false; 7];
        for _ in 0..500 {
            let x = r.below(7).unwrap();
            assert!(x < 7);
            seen[x as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.below(1).unwrap(), 0);
    }

    #[test]
    fn shuffles_are_permutations() {
        let mut r = SeededRng::new("x");
        let mut v: Vec<u32> = (0..50).collect();
        shuffle(&mut r, &mut v).unwrap();
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }
}
