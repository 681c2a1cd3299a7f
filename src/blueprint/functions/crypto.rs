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

/// The PKCS #8 DER of a PEM or OpenSSH private key.
fn private_key_pkcs8(text: &str) -> Result<Vec<u8>, String> {
    let (label, body) = pem(text).ok_or("ssh: no key found")?;
    match label.as_str() {
        "PRIVATE KEY" => Ok(body),
        "RSA PRIVATE KEY" => Ok(pkcs1_to_pkcs8(&body)),
        "OPENSSH PRIVATE KEY" => openssh_rsa(&body).map(|der| pkcs1_to_pkcs8(&der)),
        "ENCRYPTED PRIVATE KEY" => Err("ssh: this private key is passphrase protected".into()),
        other => Err(format!("ssh: unsupported key type {other:?}")),
    }
}

/// The label and decoded body of the first PEM block.
fn pem(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_string();
    let body_start = &rest[label_end + 5..];
    let end = body_start.find(&format!("-----END {label}-----"))?;
    let body = &body_start[..end];
    if body.contains("Proc-Type:") {
        return None;
    }
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .ok()
        .map(|b| (label, b))
}

/// A DER element: tag, length, contents.
fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = contents.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// A DER INTEGER from unsigned big-endian bytes.
fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend(trimmed);
    der(0x02, &contents)
}

/// Wraps a PKCS #1 RSAPrivateKey in a PKCS #8 PrivateKeyInfo.
fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Vec<u8> {
    // rsaEncryption, 1.2.840.113549.1.1.1, with NULL parameters.
    let algorithm = der(
        0x30,
        &[
            &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01][..],
            &[0x05, 0x00],
        ]
        .concat(),
    );
    let version = [0x02, 0x01, 0x00];
    der(0x30, &[&version[..], &algorithm, &der(0x04, pkcs1)].concat())
}

/// The RSA key of an unencrypted `openssh-key-v1` private key, as PKCS #1 DER.
fn openssh_rsa(blob: &[u8]) -> Result<Vec<u8>, String> {
    struct Reader<'a>(&'a [u8]);
    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
            if self.0.len() < n {
                return Err("ssh: malformed OpenSSH key".into());
            }
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            Ok(head)
        }
        fn u32(&mut self) -> Result<u32, String> {
            let b = self.take(4)?;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
        fn string(&mut self) -> Result<&'a [u8], String> {
            let n = self.u32()? as usize;
            self.take(n)
        }
    }
    let magic = b"openssh-key-v1\0";
    let mut r = Reader(
        blob.strip_prefix(&magic[..])
            .ok_or("ssh: invalid openssh private key format")?,
    );
    let cipher = r.string()?;
    let _kdf = r.string()?;
    let _kdf_options = r.string()?;
    if cipher != b"none" {
        return Err("ssh: this private key is passphrase protected".into());
    }
    if r.u32()? != 1 {
        return Err("ssh: multi-key files are not supported".into());
    }
    let _public = r.string()?;
    let mut private = Reader(r.string()?);
    if private.u32()? != private.u32()? {
        return Err("ssh: malformed OpenSSH key".into());
    }
    if private.string()? != b"ssh-rsa" {
        return Err("ssh: not an RSA key".into());
    }
    let n = private.string()?;
    let e = private.string()?;
    let d = private.string()?;
    let iqmp = private.string()?;
    let p = private.string()?;
    let q = private.string()?;
    use num_bigint::BigUint;
    let one = BigUint::from(1u8);
    let dn = BigUint::from_bytes_be(d);
    let dp = (&dn % (BigUint::from_bytes_be(p) - &one)).to_bytes_be();
    let dq = (&dn % (BigUint::from_bytes_be(q) - &one)).to_bytes_be();
    let fields = [&[0u8][..], n, e, d, p, q, &dp, &dq, iqmp];
    let body: Vec<u8> = fields.iter().flat_map(|f| der_uint(f)).collect();
    Ok(der(0x30, &body))
}
