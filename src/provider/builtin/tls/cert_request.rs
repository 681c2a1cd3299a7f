//! `tls_cert_request`: a PKCS #10 certificate signing request for a key, with a subject and
//! alternative names, for a CA to sign (`tls_locally_signed_cert` or another). Every argument
//! replaces. No import, as in the provider.

use super::{cert, check_names, hash_for_state, key_and_names_schema, plan_key_algorithm, subject_block, subject_of};
use crate::pki::key::PrivateKey;
use crate::provider::builtin::util::{config_error, set, str_arg};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `tls_cert_request` resource type.
pub struct TlsCertRequest {
    schema: Schema,
}

impl TlsCertRequest {
    /// The type with its schema.
    pub fn new() -> TlsCertRequest {
        let schema = key_and_names_schema().computed("cert_request_pem", Type::String);
        TlsCertRequest {
            schema: subject_block(schema),
        }
    }
}

impl Default for TlsCertRequest {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ResourceType for TlsCertRequest {
    fn type_name(&self) -> &'static str {
        "tls_cert_request"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_names(config)?;
        if let Some(text) = str_arg(config, "private_key_pem") {
            PrivateKey::parse(&text).map_err(|e| format!("private_key_pem: {e}"))?;
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        plan_key_algorithm(prior, config, planned, "private_key_pem", "key_algorithm");
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let text =
            str_arg(planned, "private_key_pem").ok_or_else(|| ProviderError::msg("private_key_pem is required"))?;
        let key = PrivateKey::parse(&text).map_err(|e| config_error(format!("private_key_pem: {e}")))?;
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = cert::distinguished_name(subject_of(planned));
        params.subject_alt_names = cert::alt_names(planned).map_err(ProviderError::msg)?;
        let signer = cert::signing_key(&key).map_err(ProviderError::msg)?;
        let csr = params
            .serialize_request(&signer)
            .map_err(|e| ProviderError::msg(format!("creating the certificate request failed: {e}")))?;
        let der = csr.der().to_vec();
        let mut v = planned.clone();
        set(
            &mut v,
            "cert_request_pem",
            Value::str(crate::pki::pem::encode("CERTIFICATE REQUEST", &der)),
        );
        set(&mut v, "key_algorithm", Value::str(key.algorithm().name()));
        set(&mut v, "id", Value::str(hash_for_state(&der)));
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        super::stored("tls_cert_request", prior)
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, _planned: &Value) -> PResult<Value> {
        Ok(prior.clone())
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
