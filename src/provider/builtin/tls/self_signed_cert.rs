//! `tls_self_signed_cert`: a certificate signed by its own key, for a root CA or a test
//! server. Every argument but `early_renewal_hours` replaces it; once the renewal time (the end
//! of validity less `early_renewal_hours`) has passed, the next plan replaces it too. No
//! import, as in the provider.

use super::{cert, check_names, key_and_names_schema, plan_key_algorithm, subject_block, subject_of};
use crate::pki::key::PrivateKey;
use crate::provider::builtin::util::{config_error, set, str_arg};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;

/// The `tls_self_signed_cert` resource type.
pub struct TlsSelfSignedCert {
    schema: Schema,
}

impl TlsSelfSignedCert {
    /// The type with its schema.
    pub fn new() -> TlsSelfSignedCert {
        let schema = key_and_names_schema()
            .optional_computed("set_authority_key_id", Type::Bool)
            .force_new()
            .default(false);
        TlsSelfSignedCert {
            schema: subject_block(cert::schema(schema)),
        }
    }
}

impl Default for TlsSelfSignedCert {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ResourceType for TlsSelfSignedCert {
    fn type_name(&self) -> &'static str {
        "tls_self_signed_cert"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check_names(config)?;
        cert::check(config)?;
        if let Some(text) = str_arg(config, "private_key_pem") {
            PrivateKey::parse(&text).map_err(|e| format!("private_key_pem: {e}"))?;
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        plan_key_algorithm(prior, config, planned, "private_key_pem", "key_algorithm");
        Ok(cert::refine(prior, config, planned))
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let text =
            str_arg(planned, "private_key_pem").ok_or_else(|| ProviderError::msg("private_key_pem is required"))?;
        let key = PrivateKey::parse(&text).map_err(|e| config_error(format!("private_key_pem: {e}")))?;
        let subject = subject_of(planned);
        let is_ca = planned.get("is_ca_certificate").as_bool() == Some(true);
        let dn = cert::distinguished_name(subject);
        if is_ca && dn.iter().next().is_none() {
            return Err(ProviderError::msg(
                "Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)",
            ));
        }
        let spki = key.public_der();
        let mut t = cert::template(planned, &spki)?;
        let wants_aki = planned.get("set_authority_key_id").as_bool() == Some(true);
        if wants_aki {
            if !is_ca && planned.get("set_subject_key_id").as_bool() != Some(true) {
                return Err(ProviderError::msg("Invalid Certificate Authority: Could not determine Authority Key Identifier (set set_subject_key_id or is_ca_certificate)"));
            }
            let id = cert::subject_key_id(&spki).map_err(ProviderError::msg)?;
            t.params.custom_extensions.push(cert::key_id_extension(true, &id));
        }
        t.params.distinguished_name = dn;
        t.params.subject_alt_names = cert::alt_names(planned).map_err(ProviderError::msg)?;
        let signer = cert::signing_key(&key).map_err(ProviderError::msg)?;
        let certificate = t
            .params
            .self_signed(&signer)
            .map_err(|e| ProviderError::msg(format!("creating the certificate failed: {e}")))?;
        let mut v = cert::settled(planned, &t, certificate.pem());
        set(&mut v, "key_algorithm", Value::str(key.algorithm().name()));
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        cert::read("tls_self_signed_cert", prior)
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(cert::update(prior, planned))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
