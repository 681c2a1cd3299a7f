//! Secrets Manager resources: the secret (its name, key, policy and tags) and its versions
//! (the values, which state keeps only as digests), and the ephemeral form that reads a
//! version without storing it.

pub mod random_password_ephemeral;
pub mod secret;
pub mod secret_data;
pub mod secret_policy;
pub mod secret_rotation;
pub mod secret_version;
pub mod secret_version_data;
pub mod secret_version_ephemeral;

use crate::provider::ProviderError;

/// True when the secret is gone, or scheduled for deletion (Secrets Manager then refuses every
/// call on it, and the provider counts it gone).
pub fn secret_gone(e: &ProviderError) -> bool {
    match e.code.as_deref() {
        Some("ResourceNotFoundException") => true,
        Some("InvalidRequestException") => e.message.contains("marked for deletion"),
        _ => false,
    }
}
