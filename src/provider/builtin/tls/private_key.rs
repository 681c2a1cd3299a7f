//! `tls_private_key`: a key generated once and kept in state (RSA, ECDSA or ED25519), with its
//! private key in PEM (the algorithm's own form and PKCS #8) and OpenSSH forms and its public
//! key in PEM and OpenSSH forms with fingerprints. The private forms are sealed in state as
//! `random_password`'s result is ([`crate::provider::secrets`]). Every argument replaces; the
//! provider defaults (`rsa_bits` 2048, `ecdsa_curve` P224) are kept in state whatever the
//! algorithm, as the provider keeps them. No import, as in the provider.

use super::hash_for_state;
use crate::pki::key::{rsa_size_error, Algorithm, Curve, PrivateKey, RSA_SIZES};
use crate::provider::builtin::util::{config_error, random_bytes, set, str_arg};
use crate::provider::secrets::Secrets;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The attributes that hold the private key.
const SECRET_ATTRS: [&str; 3] = ["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"];

/// The `tls_private_key` resource type.
pub struct TlsPrivateKey {
    schema: Schema,
    secrets: Arc<Secrets>,
}

impl TlsPrivateKey {
    /// The type, sealing with the run's secrets.
    pub fn new(secrets: Arc<Secrets>) -> TlsPrivateKey {
        let mut schema = Schema::new()
            .required("algorithm", Type::String)
            .force_new()
            .optional_computed("rsa_bits", Type::Number)
            .force_new()
            .default(2048)
            .optional_computed("ecdsa_curve", Type::String)
            .force_new()
            .default("P224");
        for k in SECRET_ATTRS {
            schema = schema.computed(k, Type::String).sensitive();
        }
        for k in [
            "public_key_pem",
            "public_key_openssh",
            "public_key_fingerprint_md5",
            "public_key_fingerprint_sha256",
        ] {
            schema = schema.computed(k, Type::String);
        }
        TlsPrivateKey {
            schema: schema.with_version(1),
            secrets,
        }
    }
}

/// The key the arguments ask for, or why it cannot be made.
fn spec(config: &Value) -> Result<Option<Algorithm>, String> {
    let Some(alg) = str_arg(config, "algorithm") else {
        return Ok(None);
    };
    Ok(Some(match alg.as_str() {
        "RSA" => {
            if let Some(bits) = config.get("rsa_bits").as_number() {
                if bits.fract() != 0.0 || !RSA_SIZES.contains(&(bits as u32)) {
                    return Err(rsa_size_error(bits as u32));
                }
            }
            Algorithm::Rsa
        }
        "ECDSA" => match config.get("ecdsa_curve") {
            Value::Null => Curve::from_name("P224").map(Algorithm::Ecdsa)?,
            v => match v.as_str() {
                Some(c) => Algorithm::Ecdsa(Curve::from_name(c).map_err(|e| format!("ecdsa_curve: {e}"))?),
                None => return Ok(None),
            },
        },
        "ED25519" => Algorithm::Ed25519,
        other => {
            return Err(format!(
                "algorithm: value must be one of: \"RSA\", \"ECDSA\", \"ED25519\", got: {other:?}"
            ))
        }
    }))
}

/// The computed attributes of a key: its private and public forms and the id.
pub fn key_attributes(v: &mut Value, key: &PrivateKey) -> PResult<()> {
    let check = random_bytes(4)?;
    set(v, "private_key_pem", Value::str(key.private_pem()));
    set(v, "private_key_pem_pkcs8", Value::str(key.private_pem_pkcs8()));
    set(
        v,
        "private_key_openssh",
        Value::str(key.private_openssh(u32::from_be_bytes([check[0], check[1], check[2], check[3]]))),
    );
    public_attributes(v, key);
    Ok(())
}

/// The public forms of a key and the id (the hash of its SubjectPublicKeyInfo).
pub fn public_attributes(v: &mut Value, key: &PrivateKey) {
    set(v, "public_key_pem", Value::str(key.public_pem()));
    set(v, "public_key_openssh", Value::str(key.public_openssh()));
    set(v, "public_key_fingerprint_md5", Value::str(key.fingerprint_md5()));
    set(v, "public_key_fingerprint_sha256", Value::str(key.fingerprint_sha256()));
    set(v, "id", Value::str(hash_for_state(&key.public_der())));
}

#[async_trait]
impl ResourceType for TlsPrivateKey {
    fn type_name(&self) -> &'static str {
        "tls_private_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        spec(config).map(|_| ())
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let algorithm = spec(planned)
            .map_err(config_error)?
            .ok_or_else(|| ProviderError::msg("algorithm is required"))?;
        let bits = planned.get("rsa_bits").as_number().unwrap_or(2048.0) as u32;
        // RSA generation takes a while (seconds for 4096 bits): off the async workers.
        let key = tokio::task::spawn_blocking(move || match algorithm {
            Algorithm::Rsa => PrivateKey::generate_rsa(bits),
            Algorithm::Ecdsa(curve) => PrivateKey::generate_ecdsa(curve),
            Algorithm::Ed25519 => PrivateKey::generate_ed25519(),
        })
        .await
        .map_err(|e| ProviderError::msg(format!("generating the key failed: {e}")))?
        .map_err(ProviderError::msg)?;
        let mut v = planned.clone();
        key_attributes(&mut v, &key)?;
        Ok(self.secrets.seal_attrs(&v, &SECRET_ATTRS).await?.unwrap_or(v))
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        super::stored("tls_private_key", prior)
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, _planned: &Value) -> PResult<Value> {
        Ok(prior.clone())
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.reveal_attrs(state, &SECRET_ATTRS).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.seal_attrs(state, &SECRET_ATTRS).await
    }
}
