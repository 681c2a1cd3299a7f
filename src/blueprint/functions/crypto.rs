//! Hash and crypto functions: `md5`, `sha1`, `sha256`, `sha512`, `base64sha256`,
//! `base64sha512`, `bcrypt`, `rsadecrypt`, `uuid`, `uuidv5`.
//!
//! `rsadecrypt` (PKCS #1 v1.5, what EC2 uses for Windows passwords) accepts the key formats
//! Terraform accepts: PEM PKCS #1 and PKCS #8, and unencrypted OpenSSH keys; decryption is done
//! by aws-lc-rs.

use super::encoding::decode_base64;
use super::{Args, FResult, FnError};
use crate::value::Value;
use base64::Engine as _;
use sha2::Digest;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &[
    "base64sha256",
    "base64sha512",
    "bcrypt",
    "md5",
    "rsadecrypt",
    "sha1",
    "sha256",
    "sha512",
    "uuid",
    "uuidv5",
];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    let hex = |bytes: &[u8]| Value::String(hex::encode(bytes));
    let b64 = |bytes: &[u8]| Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    Some(match name {
        "md5" => a.str(0).map(|s| hex(&md5::Md5::digest(s.as_bytes()))),
        "sha1" => a.str(0).map(|s| hex(&sha1::Sha1::digest(s.as_bytes()))),
        "sha256" => a.str(0).map(|s| hex(&sha2::Sha256::digest(s.as_bytes()))),
        "sha512" => a.str(0).map(|s| hex(&sha2::Sha512::digest(s.as_bytes()))),
        "base64sha256" => a.str(0).map(|s| b64(&sha2::Sha256::digest(s.as_bytes()))),
        "base64sha512" => a.str(0).map(|s| b64(&sha2::Sha512::digest(s.as_bytes()))),
        "bcrypt" => bcrypt(a),
        "rsadecrypt" => rsadecrypt(a),
        "uuid" => Ok(Value::String(uuid::Uuid::new_v4().to_string())),
        "uuidv5" => uuidv5(a),
        _ => return None,
    })
}

/// `bcrypt(string, cost)`: a `$2a$` hash with a random salt. Like Go's bcrypt, a cost below 4
/// means the default 10 and passwords over 72 bytes are refused.
fn bcrypt(a: &Args) -> FResult {
    if a.len() > 2 {
        return Err("bcrypt() takes no more than two arguments".into());
    }
    let password = a.str(0)?;
    let cost = if a.len() == 2 { a.int(1)? } else { 10 };
    let cost = if cost < 4 { 10 } else { cost };
    if cost > 31 {
        return Err(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )
        .into());
    }
    if password.len() > 72 {
        return Err("error occured generating password bcrypt: password length exceeds 72 bytes".into());
    }
    let parts = bcrypt::hash_with_result(password, cost as u32).map_err(|e| e.to_string())?;
    Ok(Value::String(parts.format_for_version(bcrypt::Version::TwoA)))
}

/// Whether `password` matches a bcrypt hash (`$2a$`, `$2b$`, `$2y$`): used to check infractl's
/// bcrypt against hashes Terraform made.
#[cfg(test)]
pub(super) fn bcrypt_verify(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

fn uuidv5(a: &Args) -> FResult {
    let ns = a.str(0)?;
    let namespace = match ns {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => {
            uuid::Uuid::parse_str(other).map_err(|e| format!("uuidv5() doesn't support namespace {other} ({e})"))?
        }
    };
    let mut h = sha1::Sha1::new();
    h.update(namespace.as_bytes());
    h.update(a.str(1)?.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Ok(Value::String(
        uuid::Builder::from_sha1_bytes(bytes).into_uuid().to_string(),
    ))
}

fn rsadecrypt(a: &Args) -> FResult {
    let text = a.str(0)?;
    let ciphertext = decode_base64(text).ok_or_else(|| {
        FnError::Arg(
            0,
            format!("failed to decode input {text:?}: cipher text must be base64-encoded"),
        )
    })?;
    let pkcs8 = private_key_pkcs8(a.str(1)?).map_err(|m| FnError::Arg(1, format!("invalid private key: {m}")))?;
    let key = aws_lc_rs::rsa::PrivateDecryptingKey::from_pkcs8(&pkcs8)
        .map_err(|e| FnError::Arg(1, format!("invalid private key: {e}")))?;
    let key = aws_lc_rs::rsa::Pkcs1PrivateDecryptingKey::new(key)
        .map_err(|_| FnError::Arg(1, "invalid private key: not an RSA key for PKCS #1 v1.5".into()))?;
    let mut out = vec![0u8; key.min_output_size()];
    let plain = key
        .decrypt(&ciphertext, &mut out)
        .map_err(|_| "failed to decrypt: crypto/rsa: decryption error")?;
    String::from_utf8(plain.to_vec())
        .map(Value::String)
        .map_err(|_| "the decrypted text is not valid UTF-8".into())
}

/// The PKCS #8 DER of an RSA key in PEM or OpenSSH form.
fn private_key_pkcs8(text: &str) -> Result<Vec<u8>, String> {
    let key = crate::pki::key::PrivateKey::parse(text)?;
    if key.algorithm() != crate::pki::key::Algorithm::Rsa {
        return Err("not an RSA key".into());
    }
    Ok(key.pkcs8())
}
