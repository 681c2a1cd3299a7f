//! `tls_locally_signed_cert`: a certificate for a request (`cert_request_pem`), signed by a CA
//! given as its certificate and key. As Go's x509 does for the provider, it takes the
//! request's subject, DNS names, IP addresses and URIs and nothing else from it, names the CA's
//! subject as issuer and the CA's subject key id as authority key id. Every argument but
//! `early_renewal_hours` replaces; renewal as `tls_self_signed_cert`. No import.

use super::cert;
use crate::pki::key::PrivateKey;
use crate::pki::pem;
use crate::provider::builtin::util::{config_error, set, str_arg};
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use rcgen::{DnType, PublicKeyData as _, SanType};
use x509_parser::prelude::FromDer as _;

/// The `tls_locally_signed_cert` resource type.
pub struct TlsLocallySignedCert {
    schema: Schema,
}

impl TlsLocallySignedCert {
    /// The type with its schema.
    pub fn new() -> TlsLocallySignedCert {
        let schema = Schema::new()
            .required("cert_request_pem", Type::String)
            .force_new()
            .required("ca_private_key_pem", Type::String)
            .force_new()
            .sensitive()
            .required("ca_cert_pem", Type::String)
            .force_new()
            .computed("ca_key_algorithm", Type::String);
        TlsLocallySignedCert {
            schema: cert::schema(schema),
        }
    }
}

impl Default for TlsLocallySignedCert {
    fn default() -> Self {
        Self::new()
    }
}

/// The DER of the first PEM block of an argument, which must carry `label`.
fn pem_block(v: &Value, key: &str, label: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(text) = str_arg(v, key) else { return Ok(None) };
    match pem::decode(&text) {
        Some((l, der)) if l == label => Ok(Some(der)),
        Some((l, _)) => Err(format!("{key}: invalid PEM type - expected {label:?}, got {l:?}")),
        None => Err(format!("{key}: failed to decode PEM block")),
    }
}

#[async_trait]
impl ResourceType for TlsLocallySignedCert {
    fn type_name(&self) -> &'static str {
        "tls_locally_signed_cert"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        cert::check(config)?;
        pem_block(config, "cert_request_pem", "CERTIFICATE REQUEST")?;
        pem_block(config, "ca_cert_pem", "CERTIFICATE")?;
        if let Some(text) = str_arg(config, "ca_private_key_pem") {
            PrivateKey::parse(&text).map_err(|e| format!("ca_private_key_pem: {e}"))?;
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        super::plan_key_algorithm(prior, config, planned, "ca_private_key_pem", "ca_key_algorithm");
        Ok(cert::refine(prior, config, planned))
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let required = |k: &str, label: &str| {
            pem_block(planned, k, label)
                .map_err(config_error)?
                .ok_or_else(|| ProviderError::msg(format!("{k} is required")))
        };
        let csr_der = required("cert_request_pem", "CERTIFICATE REQUEST")?;
        let ca_der = required("ca_cert_pem", "CERTIFICATE")?;
        let ca_key_text = str_arg(planned, "ca_private_key_pem")
            .ok_or_else(|| ProviderError::msg("ca_private_key_pem is required"))?;
        let ca_key = PrivateKey::parse(&ca_key_text).map_err(|e| config_error(format!("ca_private_key_pem: {e}")))?;
        let (_, ca) = x509_parser::parse_x509_certificate(&ca_der)
            .map_err(|e| config_error(format!("ca_cert_pem: failed to parse the certificate: {e}")))?;
        if ca.public_key().raw != ca_key.public_der().as_slice() {
            return Err(config_error(
                "ca_private_key_pem: the key does not match the public key of ca_cert_pem".into(),
            ));
        }
        let ca_key_id = ca.iter_extensions().find_map(|ext| match ext.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        });
        let csr = rcgen::CertificateSigningRequestParams::from_der(&csr_der.clone().into())
            .map_err(|e| config_error(format!("cert_request_pem: failed to parse the request: {e}")))?;
        let spki = csr.public_key.subject_public_key_info();
        let mut t = cert::template(planned, &spki)?;
        // Go keeps the standard name attributes of the request (not its email address), in
        // its own order, and its DNS, IP and URI names.
        let mut names: Vec<(usize, DnType, rcgen::DnValue)> = csr
            .params
            .distinguished_name
            .iter()
            .filter_map(|(ty, value)| cert::go_rank(ty).map(|rank| (rank, ty.clone(), value.clone())))
            .collect();
        names.sort_by_key(|(rank, _, _)| *rank);
        for (_, ty, value) in names {
            t.params.distinguished_name.push(ty, value);
        }
        t.params.subject_alt_names = csr
            .params
            .subject_alt_names
            .iter()
            .filter(|n| matches!(n, SanType::DnsName(_) | SanType::IpAddress(_) | SanType::URI(_)))
            .cloned()
            .collect();
        // As Go's x509: the CA's key id, unless the new certificate names the CA's subject.
        let csr_subject = x509_parser::certification_request::X509CertificationRequest::from_der(&csr_der)
            .map(|(_, r)| r.certification_request_info.subject.as_raw().to_vec())
            .unwrap_or_default();
        if let Some(id) = ca_key_id.filter(|_| ca.subject().as_raw() != csr_subject.as_slice()) {
            t.params.custom_extensions.push(cert::key_id_extension(true, &id));
        }
        let signer = cert::signing_key(&ca_key).map_err(ProviderError::msg)?;
        let issuer = rcgen::Issuer::from_ca_cert_der(&ca_der.clone().into(), signer)
            .map_err(|e| config_error(format!("ca_cert_pem: {e}")))?;
        let request = rcgen::CertificateSigningRequestParams {
            params: t.params.clone(),
            public_key: csr.public_key,
        };
        let certificate = request
            .signed_by(&issuer)
            .map_err(|e| ProviderError::msg(format!("creating the certificate failed: {e}")))?;
        let mut v = cert::settled(planned, &t, certificate.pem());
        set(&mut v, "ca_key_algorithm", Value::str(ca_key.algorithm().name()));
        Ok(v)
    }

    async fn read(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<Option<Value>> {
        cert::read("tls_locally_signed_cert", prior)
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        Ok(cert::update(prior, planned))
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }
}
