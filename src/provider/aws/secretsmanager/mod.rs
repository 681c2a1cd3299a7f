//! Secrets Manager resources: the secret (its name, key, policy and tags) and its versions
//! (the values, which state keeps only as digests).

pub mod secret;
pub mod secret_version;
