//! `data "tls_public_key"`: the public forms of a private key given in PEM or OpenSSH form
//! (for a key made elsewhere, or an `aws_key_pair`'s `public_key`).

use super::private_key::public_attributes;
use crate::pki::key::PrivateKey;
use crate::provider::builtin::util::{set, str_arg};
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `tls_public_key` data source type.
pub struct TlsPublicKey {
    schema: Schema,
}

impl TlsPublicKey {
    /// The type with its schema.
    pub fn new() -> TlsPublicKey {
        let mut schema = Schema::new()
            .optional("private_key_pem", Type::String)
            .sensitive()
            .optional("private_key_openssh", Type::String)
            .sensitive()
            .computed("algorithm", Type::String);
        for k in [
            "public_key_pem",
            "public_key_openssh",
            "public_key_fingerprint_md5",
            "public_key_fingerprint_sha256",
        ] {
            schema = schema.computed(k, Type::String);
        }
        TlsPublicKey { schema }
    }
}

impl Default for TlsPublicKey {
    fn default() -> Self {
        Self::new()
    }
}

/// The one key argument set, by name.
fn key_argument(config: &Value) -> Result<(&'static str, Option<String>), String> {
    let set: Vec<&str> = ["private_key_pem", "private_key_openssh"]
        .into_iter()
        .filter(|k| !config.get(k).is_null())
        .collect();
    match set.as_slice() {
        [one] => Ok((one, str_arg(config, one))),
        _ => Err(
            "Invalid Attribute Combination: exactly one of private_key_pem or private_key_openssh must be set".into(),
        ),
    }
}

#[async_trait]
impl DataSourceType for TlsPublicKey {
    fn type_name(&self) -> &'static str {
        "tls_public_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        key_argument(config).map(|_| ())
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let (name, text) = key_argument(config).map_err(ProviderError::msg)?;
        let text = text.ok_or_else(|| ProviderError::msg(format!("{name} is not known")))?;
        let key = PrivateKey::parse(&text).map_err(|e| ProviderError::msg(format!("{name}: {e}")))?;
        let mut v = config.clone();
        set(&mut v, "algorithm", Value::str(key.algorithm().name()));
        public_attributes(&mut v, &key);
        Ok(v)
    }
}
