//! `data "tls_certificate"`: the certificates of a PEM text (`content`, its first block) or of
//! a TLS server (`url`, `https://` or `tls://host:port`, in the order the provider gives them:
//! the server's chain reversed, the certificate nearest the root first), with their details
//! as Go's x509 names them. The OIDC provider modules read a server's root fingerprint this
//! way (`sha1_fingerprint`).

use crate::pki::pem;
use crate::provider::builtin::util::{set, str_arg};
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use sha1::Digest as _;
use std::sync::Arc;
use x509_parser::prelude::*;

/// The `tls_certificate` data source type.
pub struct TlsCertificate {
    schema: Schema,
}

/// The fields of each certificate, in the provider's order (the id hashes them in it).
const FIELDS: [(&str, Type); 12] = [
    ("signature_algorithm", Type::String),
    ("public_key_algorithm", Type::String),
    ("serial_number", Type::String),
    ("is_ca", Type::Bool),
    ("max_path_length", Type::Number),
    ("version", Type::Number),
    ("issuer", Type::String),
    ("subject", Type::String),
    ("not_before", Type::String),
    ("not_after", Type::String),
    ("sha1_fingerprint", Type::String),
    ("cert_pem", Type::String),
];

impl TlsCertificate {
    /// The type with its schema.
    pub fn new() -> TlsCertificate {
        let fields = FIELDS.iter().map(|(n, t)| (n.to_string(), t.clone())).collect();
        TlsCertificate {
            schema: Schema::new()
                .optional("url", Type::String)
                .optional("content", Type::String)
                .optional("verify_chain", Type::Bool)
                .computed("certificates", Type::List(Box::new(Type::Object(fields)))),
        }
    }
}

impl Default for TlsCertificate {
    fn default() -> Self {
        Self::new()
    }
}

fn check(config: &Value) -> Result<(), String> {
    let (url, content) = (config.get("url"), config.get("content"));
    if url.is_null() == content.is_null() {
        return Err("Invalid Attribute Combination: exactly one of content or url must be set".into());
    }
    if !content.is_null() && !config.get("verify_chain").is_null() {
        return Err("Invalid Attribute Combination: verify_chain cannot be set with content".into());
    }
    if let Some(u) = url.as_str() {
        target(u)?;
    }
    Ok(())
}

/// The host and port of a `url`.
fn target(text: &str) -> Result<(String, u16), String> {
    let u = url::Url::parse(text).map_err(|e| format!("url: Invalid URL: {e}"))?;
    let host = u
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("url: URL {text:?} contains no host"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = match (u.scheme(), u.port()) {
        (_, Some(p)) => p,
        ("https", None) => 443,
        ("tls", None) => return Err(format!("url: URL malformed: Port missing from URL: {text}")),
        (other, _) => {
            return Err(format!(
                "url: Invalid URL scheme {other:?}: expected \"https\" or \"tls\""
            ))
        }
    };
    if !matches!(u.scheme(), "https" | "tls") {
        return Err(format!(
            "url: Invalid URL scheme {:?}: expected \"https\" or \"tls\"",
            u.scheme()
        ));
    }
    Ok((host, port))
}

/// Accepts any server certificate (`verify_chain = false`); signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The certificates a TLS server presents, as sent (leaf first).
async fn server_chain(url: &str, verify: bool) -> Result<Vec<Vec<u8>>, String> {
    let (host, port) = target(url)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = if verify {
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(c);
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth()
    };
    let fail = |e: &dyn std::fmt::Display| format!("Unable to make request to URL {url:?}: {e}");
    let tcp = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    .map_err(|e| fail(&e))?
    .map_err(|e| fail(&e))?;
    let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| fail(&e))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| fail(&e))?;
    let chain = tls.get_ref().1.peer_certificates().unwrap_or_default();
    Ok(chain.iter().map(|c| c.to_vec()).collect())
}

/// Go's name of a signature algorithm (x509.SignatureAlgorithm.String).
fn signature_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.113549.1.1.10" => "SHA256-RSAPSS",
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        _ => "0",
    }
}

/// Go's name of a public key algorithm.
fn key_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.10045.2.1" => "ECDSA",
        "1.3.101.112" => "Ed25519",
        _ => "0",
    }
}

/// A distinguished name as Go's `pkix.Name.String()` writes it: the standard attributes in
/// Go's order, reversed (CN first), others (an email address) last as `OID=#<DER hex>`.
pub fn go_name(name: &X509Name<'_>) -> String {
    const STANDARD: [(&str, &str); 9] = [
        ("2.5.4.6", "C"),
        ("2.5.4.8", "ST"),
        ("2.5.4.7", "L"),
        ("2.5.4.9", "STREET"),
        ("2.5.4.17", "POSTALCODE"),
        ("2.5.4.10", "O"),
        ("2.5.4.11", "OU"),
        ("2.5.4.3", "CN"),
        ("2.5.4.5", "SERIALNUMBER"),
    ];
    let attrs: Vec<(String, String)> = name
        .iter_attributes()
        .map(|a| {
            (
                a.attr_type().to_id_string(),
                a.as_str().map(str::to_string).unwrap_or_default(),
            )
        })
        .collect();
    let mut rdns: Vec<Vec<String>> = Vec::new();
    for (oid, value) in &attrs {
        if STANDARD.iter().all(|(o, _)| o != oid) && oid != "2.5.4.5" {
            // Go marshals the value again as a Go string: PrintableString or UTF8String.
            let printable = value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c));
            let der = crate::pki::der::tlv(if printable { 0x13 } else { 0x0c }, value.as_bytes());
            rdns.push(vec![format!("{oid}=#{}", hex::encode(der))]);
        }
    }
    for (oid, label) in STANDARD {
        let values: Vec<&String> = attrs.iter().filter(|(o, _)| o == oid).map(|(_, v)| v).collect();
        let values = if matches!(label, "CN" | "SERIALNUMBER") {
            values.into_iter().last().into_iter().collect()
        } else {
            values
        };
        if !values.is_empty() {
            rdns.push(values.iter().map(|v| format!("{label}={}", escape_dn(v))).collect());
        }
    }
    rdns.iter().rev().map(|r| r.join("+")).collect::<Vec<_>>().join(",")
}

fn escape_dn(v: &str) -> String {
    let n = v.chars().count();
    let mut out = String::new();
    for (i, c) in v.chars().enumerate() {
        let escape = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => i == 0 || i + 1 == n,
            '#' => i == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One certificate's fields.
fn describe(der: &[u8]) -> Result<Value, String> {
    let (_, c) = X509Certificate::from_der(der).map_err(|e| format!("failed to parse the certificate: {e}"))?;
    let rfc3339 = |t: ASN1Time| crate::provider::builtin::time::format_rfc3339(t.timestamp());
    let (is_ca, max_path) = match c.basic_constraints().ok().flatten() {
        Some(bc) => (bc.value.ca, bc.value.path_len_constraint.map_or(-1, i64::from)),
        None => (false, 0),
    };
    Ok(Value::object([
        (
            "signature_algorithm",
            Value::str(signature_name(&c.signature_algorithm.algorithm.to_id_string())),
        ),
        (
            "public_key_algorithm",
            Value::str(key_name(&c.public_key().algorithm.algorithm.to_id_string())),
        ),
        ("serial_number", Value::str(c.serial.to_string())),
        ("is_ca", Value::Bool(is_ca)),
        ("max_path_length", Value::from(max_path)),
        ("version", Value::from(i64::from(c.version().0) + 1)),
        ("issuer", Value::str(go_name(c.issuer()))),
        ("subject", Value::str(go_name(c.subject()))),
        ("not_before", Value::str(rfc3339(c.validity().not_before))),
        ("not_after", Value::str(rfc3339(c.validity().not_after))),
        ("sha1_fingerprint", Value::str(hex::encode(sha1::Sha1::digest(der)))),
        ("cert_pem", Value::str(pem::encode("CERTIFICATE", der))),
    ]))
}

/// The provider's id: the hash of the certificates printed as Go's `%v` prints them.
fn id_of(certs: &[Value]) -> String {
    let printed: Vec<String> = certs
        .iter()
        .map(|c| {
            let fields: Vec<String> = FIELDS
                .iter()
                .map(|(k, _)| match c.get(k) {
                    Value::String(s) => crate::provision::go_quote(s),
                    other => other.to_plain_string().unwrap_or_default(),
                })
                .collect();
            format!("{{{}}}", fields.join(" "))
        })
        .collect();
    super::hash_for_state(format!("[{}]", printed.join(" ")).as_bytes())
}

#[async_trait]
impl DataSourceType for TlsCertificate {
    fn type_name(&self) -> &'static str {
        "tls_certificate"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        check(config)
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        check(config).map_err(ProviderError::msg)?;
        let verify = config.get("verify_chain").as_bool().unwrap_or(true);
        let ders = match (str_arg(config, "content"), str_arg(config, "url")) {
            (Some(text), _) => match pem::decode(&text) {
                Some((label, der)) if label == "CERTIFICATE" => vec![der],
                Some((label, _)) => {
                    return Err(ProviderError::msg(format!(
                        "content: Unexpected PEM preamble {label:?}: expected CERTIFICATE"
                    )))
                }
                None => return Err(ProviderError::msg("content: Failed to decoded PEM")),
            },
            (None, Some(url)) => {
                let mut chain = server_chain(&url, verify).await.map_err(ProviderError::msg)?;
                chain.reverse();
                chain
            }
            (None, None) => return Err(ProviderError::msg("content or url must be known")),
        };
        let certs = ders
            .iter()
            .map(|d| describe(d))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ProviderError::msg)?;
        let mut v = config.clone();
        set(&mut v, "verify_chain", Value::Bool(verify));
        set(&mut v, "id", Value::str(id_of(&certs)));
        set(&mut v, "certificates", Value::List(certs));
        Ok(v)
    }
}
