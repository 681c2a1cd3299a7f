//! Small helpers the built-in types share: reading arguments from a planned value, checksums
//! in the forms Terraform's providers expose, and the system's random bytes.

use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use base64::Engine;
use indexmap::IndexMap;
use sha1::Digest as _;

/// A string argument, `None` when null or unknown.
pub fn str_arg(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Value::String(s) => Some(s.clone()),
        other => other.to_plain_string(),
    }
}

/// A list-of-strings argument (empty when null).
pub fn str_list(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .as_list()
        .map(|l| l.iter().filter_map(Value::to_plain_string).collect())
        .unwrap_or_default()
}

/// Sets `key` in an object value.
pub fn set(v: &mut Value, key: &str, x: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_string(), x);
    }
}

/// The value with `key` set: for building results from planned values.
pub fn with(mut v: Value, key: &str, x: Value) -> Value {
    set(&mut v, key, x);
    v
}

/// The checksums Terraform's local and archive providers expose for a file, each named
/// `<prefix><kind>` (`content_md5`, `output_sha256`, ...).
pub fn checksums(prefix: &str, bytes: &[u8]) -> IndexMap<String, Value> {
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let sha256 = sha2::Sha256::digest(bytes);
    let sha512 = sha2::Sha512::digest(bytes);
    let mut out = IndexMap::new();
    out.insert(format!("{prefix}md5"), Value::str(hex::encode(md5::Md5::digest(bytes))));
    out.insert(format!("{prefix}sha1"), Value::str(sha1_hex(bytes)));
    out.insert(format!("{prefix}sha256"), Value::str(hex::encode(sha256)));
    out.insert(format!("{prefix}base64sha256"), Value::str(b64(&sha256)));
    out.insert(format!("{prefix}sha512"), Value::str(hex::encode(sha512)));
    out.insert(format!("{prefix}base64sha512"), Value::str(b64(&sha512)));
    out
}

/// Hex SHA-1, the id Terraform's local and archive providers give a file.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(sha1::Sha1::digest(bytes))
}

/// `n` bytes from the system's cryptographic random number generator.
pub fn random_bytes(n: usize) -> PResult<Vec<u8>> {
    let mut out = vec![0u8; n];
    aws_lc_rs::rand::fill(&mut out).map_err(|_| ProviderError::msg("the system's random number generator failed"))?;
    Ok(out)
}

/// Parses a permission string in numeric notation (`"0644"`, `"755"`).
pub fn parse_mode(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || t.len() > 4 {
        return None;
    }
    u32::from_str_radix(t, 8).ok().filter(|m| *m <= 0o7777)
}

/// An error about the configuration (what [`crate::provider::ResourceType::check_config`]
/// returns) as a provider error, for checks repeated at apply time.
pub fn config_error(message: String) -> ProviderError {
    ProviderError::msg(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_digests() {
        let c = checksums("content_", b"foo!");
        assert_eq!(
            c["content_sha1"],
            Value::str("4bf3e335199107182c6f7638efaad377acc7f452")
        );
        assert_eq!(c["content_md5"], Value::str("35af8b7a9490467f75f19c1e5459f7e7"));
        assert_eq!(
            c["content_base64sha256"],
            Value::str("wOCqrqBQvPO+JsDCPVj6iQwN+3nIojAWtKhs0oym6nE=")
        );
    }

    #[test]
    fn modes_parse_in_octal() {
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("755"), Some(0o755));
        assert_eq!(parse_mode("0999"), None);
        assert_eq!(parse_mode("rwx"), None);
    }
}
