//! `random_id`: `byte_length` random bytes, shown as URL-safe base64 (`b64_url`, also the id
//! without the prefix), standard base64 (`b64_std`), hex and decimal, each after `prefix`.
//! Import takes `B64_URL` or `PREFIX,B64_URL`.

use crate::provider::builtin::util::{config_error, random_bytes, with};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use base64::Engine;

/// The `random_id` resource type.
pub struct RandomId {
    schema: Schema,
}

impl RandomId {
    /// The type with its schema.
    pub fn new() -> RandomId {
        RandomId {
            schema: Schema::new()
                .required("byte_length", Type::Number)
                .force_new()
                .optional("keepers", Type::map_of_strings())
                .force_new()
                .optional("prefix", Type::String)
                .force_new()
                .computed("b64_url", Type::String)
                .computed("b64_std", Type::String)
                .computed("hex", Type::String)
                .computed("dec", Type::String),
        }
    }
}

impl Default for RandomId {
    fn default() -> Self {
        Self::new()
    }
}

/// The bytes as an unsigned big-endian number in decimal, without leading zeros.
pub fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new(); // little-endian base-10 digits
    for &b in bytes {
        // digits = digits * 256 + b
        let mut carry = b as u32;
        for d in digits.iter_mut() {
            let x = *d as u32 * 256 + carry;
            *d = (x % 10) as u8;
            carry = x / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// Every form of the bytes, as the attributes hold them.
pub fn forms(bytes: &[u8], prefix: &str) -> [(&'static str, String); 5] {
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    [
        ("id", url.clone()),
        ("b64_url", format!("{prefix}{url}")),
        (
            "b64_std",
            format!("{prefix}{}", base64::engine::general_purpose::STANDARD.encode(bytes)),
        ),
        ("hex", format!("{prefix}{}", hex::encode(bytes))),
        ("dec", format!("{prefix}{}", decimal(bytes))),
    ]
}

fn with_forms(mut v: Value, bytes: &[u8], prefix: &str) -> Value {
    for (k, x) in forms(bytes, prefix) {
        v = with(v, k, Value::str(x));
    }
    v
}

#[async_trait]
impl ResourceType for RandomId {
    fn type_name(&self) -> &'static str {
        "random_id"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("byte_length").as_number() {
            Some(n) if n < 1.0 || n.fract() != 0.0 => {
                Err(format!("byte_length must be a whole number of at least 1, not {n}"))
            }
            _ => Ok(()),
        }
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(config_error)?;
        let n = planned.get("byte_length").as_number().unwrap_or(0.0) as usize;
        let bytes = random_bytes(n)?;
        let prefix = planned.get("prefix").as_str().unwrap_or_default().to_string();
        Ok(with_forms(planned.clone(), &bytes, &prefix))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if !prior.is_null() {
            return Ok(Some(prior.clone()));
        }
        let (prefix, encoded) = match id.rsplit_once(',') {
            Some((p, e)) => (p, e),
            None => ("", id),
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded.trim_end_matches('='))
            .map_err(|_| {
                ProviderError::msg(format!(
                    "import id {id:?} is not URL-safe base64 (optionally PREFIX,B64_URL)"
                ))
            })?;
        let v = Value::object([
            ("byte_length", Value::from(bytes.len() as i64)),
            ("keepers", Value::Null),
            (
                "prefix",
                if prefix.is_empty() {
                    Value::Null
                } else {
                    Value::str(prefix)
                },
            ),
        ]);
        Ok(Some(with_forms(v, &bytes, prefix)))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut v = planned.clone();
        for k in ["id", "b64_url", "b64_std", "hex", "dec"] {
            v = with(v, k, prior.get(k).clone());
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_match_terraforms_encodings() {
        // Terraform's documented import example: b64_url "p-9hUg" is 0xa7 0xef 0x61 0x52.
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode("p-9hUg")
            .unwrap();
        let f: std::collections::HashMap<_, _> = forms(&bytes, "my-").into_iter().collect();
        assert_eq!(f["id"], "p-9hUg");
        assert_eq!(f["b64_url"], "my-p-9hUg");
        assert_eq!(f["b64_std"], "my-p+9hUg==");
        assert_eq!(f["hex"], "my-a7ef6152");
        assert_eq!(f["dec"], format!("my-{}", 0xa7ef6152u64));
    }

    #[test]
    fn decimal_handles_big_and_zero_values() {
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[1, 0]), "256");
        assert_eq!(decimal(&[0xff; 16]), u128::MAX.to_string());
    }
}
