//! What `tls_self_signed_cert` and `tls_locally_signed_cert` share: the schema, `allowed_uses`,
//! validity and early renewal, and the certificate template as the provider fills it for Go's
//! x509 (basic constraints always present, the subject key id when asked or for a CA, a random
//! 128-bit serial whose decimal form is the id).

use crate::pki::der;
use crate::pki::key::{Algorithm, Curve, PrivateKey};
use crate::provider::builtin::time::{format_rfc3339, now, parse_rfc3339};
use crate::provider::builtin::util::{random_bytes, set, str_arg, str_list};
use crate::provider::{PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use rcgen::{CustomExtension, DnType, DnValue, ExtendedKeyUsagePurpose as Eku, KeyUsagePurpose as Ku, SanType};
use sha1::Digest as _;

/// What an entry of `allowed_uses` adds: a key usage bit or an extended key usage.
enum Usage {
    Key(Ku),
    Ext(fn() -> Eku),
}

/// The provider's `allowed_uses` names.
const USES: [(&str, Usage); 23] = [
    ("digital_signature", Usage::Key(Ku::DigitalSignature)),
    ("content_commitment", Usage::Key(Ku::ContentCommitment)),
    ("key_encipherment", Usage::Key(Ku::KeyEncipherment)),
    ("data_encipherment", Usage::Key(Ku::DataEncipherment)),
    ("key_agreement", Usage::Key(Ku::KeyAgreement)),
    ("cert_signing", Usage::Key(Ku::KeyCertSign)),
    ("crl_signing", Usage::Key(Ku::CrlSign)),
    ("encipher_only", Usage::Key(Ku::EncipherOnly)),
    ("decipher_only", Usage::Key(Ku::DecipherOnly)),
    ("any_extended", Usage::Ext(|| Eku::Any)),
    ("server_auth", Usage::Ext(|| Eku::ServerAuth)),
    ("client_auth", Usage::Ext(|| Eku::ClientAuth)),
    ("code_signing", Usage::Ext(|| Eku::CodeSigning)),
    ("email_protection", Usage::Ext(|| Eku::EmailProtection)),
    (
        "ipsec_end_system",
        Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 5])),
    ),
    (
        "ipsec_tunnel",
        Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 6])),
    ),
    ("ipsec_user", Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 7]))),
    ("timestamping", Usage::Ext(|| Eku::TimeStamping)),
    ("ocsp_signing", Usage::Ext(|| Eku::OcspSigning)),
    (
        "microsoft_server_gated_crypto",
        Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 3])),
    ),
    (
        "netscape_server_gated_crypto",
        Usage::Ext(|| Eku::Other(vec![2, 16, 840, 1, 113730, 4, 1])),
    ),
    (
        "microsoft_commercial_code_signing",
        Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 4, 1, 311, 2, 1, 22])),
    ),
    (
        "microsoft_kernel_code_signing",
        Usage::Ext(|| Eku::Other(vec![1, 3, 6, 1, 4, 1, 311, 61, 1, 1])),
    ),
];

/// The arguments and attributes both certificate types have.
pub fn schema(base: Schema) -> Schema {
    base.required("validity_period_hours", Type::Number)
        .force_new()
        .required("allowed_uses", Type::list_of_strings())
        .force_new()
        .optional_computed("early_renewal_hours", Type::Number)
        .default(0)
        .optional_computed("is_ca_certificate", Type::Bool)
        .force_new()
        .default(false)
        .optional_computed("max_path_length", Type::Number)
        .force_new()
        .optional_computed("set_subject_key_id", Type::Bool)
        .force_new()
        .default(false)
        .computed("cert_pem", Type::String)
        .computed("ready_for_renewal", Type::Bool)
        .computed("validity_start_time", Type::String)
        .computed("validity_end_time", Type::String)
}

/// Checks `allowed_uses`, the hour counts and `max_path_length`.
pub fn check(config: &Value) -> Result<(), String> {
    for u in str_list(config, "allowed_uses") {
        if !USES.iter().any(|(name, _)| *name == u) {
            let mut names: Vec<&str> = USES.iter().map(|(n, _)| *n).collect();
            names.sort();
            return Err(format!(
                "allowed_uses: value must be one of: {}, got: {u:?}",
                names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for (name, min) in [
        ("validity_period_hours", 0.0),
        ("early_renewal_hours", 0.0),
        ("max_path_length", -1.0),
    ] {
        if let Some(n) = config.get(name).as_number() {
            if n < min || n.fract() != 0.0 {
                return Err(format!("{name}: value must be a whole number at least {min}, got: {n}"));
            }
        }
    }
    let is_ca = config.get("is_ca_certificate").as_bool() == Some(true);
    if !is_ca && config.get("max_path_length").as_number().is_some_and(|n| n > 0.0) {
        return Err("max_path_length: only CAs are allowed to specify MaxPathLen (set is_ca_certificate)".into());
    }
    Ok(())
}

fn hours(v: &Value, key: &str) -> i64 {
    v.get(key).as_number().unwrap_or(0.0) as i64
}

/// `ready_for_renewal` at plan time for a new certificate: true when the validity is zero or
/// the early renewal window covers all of it, as the provider's plan modifier says.
pub fn planned_ready(config: &Value) -> Option<bool> {
    let (validity, early) = (config.get("validity_period_hours"), config.get("early_renewal_hours"));
    if validity.has_unknown() || early.has_unknown() {
        return None;
    }
    let v = hours(config, "validity_period_hours");
    Some(v == 0 || (!early.is_null() && hours(config, "early_renewal_hours") >= v))
}

/// Whether a certificate in state is due for renewal: its end time, less the early renewal
/// hours, has passed.
pub fn due(state: &Value, early_from: &Value) -> bool {
    let Some(end) = state.get("validity_end_time").as_str() else {
        return false;
    };
    let Ok(end) = parse_rfc3339(end) else { return false };
    now() >= end - hours(early_from, "early_renewal_hours") * 3600
}

/// Where Go's x509 puts a standard name attribute (C, ST, L, STREET, POSTALCODE, O, OU, CN,
/// SERIALNUMBER); none for the attributes it does not write from a parsed name.
pub fn go_rank(ty: &DnType) -> Option<usize> {
    let oid: &[u64] = match ty {
        DnType::CountryName => &[2, 5, 4, 6],
        DnType::StateOrProvinceName => &[2, 5, 4, 8],
        DnType::LocalityName => &[2, 5, 4, 7],
        DnType::OrganizationName => &[2, 5, 4, 10],
        DnType::OrganizationalUnitName => &[2, 5, 4, 11],
        DnType::CommonName => &[2, 5, 4, 3],
        DnType::CustomDnType(oid) => oid,
        _ => return None,
    };
    const ORDER: [u64; 9] = [6, 8, 7, 9, 17, 10, 11, 3, 5];
    match oid {
        [2, 5, 4, last] => ORDER.iter().position(|o| o == last),
        _ => None,
    }
}

/// The subject's names in Go's order: C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER,
/// then emailAddress.
pub fn distinguished_name(subject: Option<&Value>) -> rcgen::DistinguishedName {
    let mut dn = rcgen::DistinguishedName::new();
    let Some(s) = subject else { return dn };
    let custom = |oid: &[u64]| DnType::CustomDnType(oid.to_vec());
    let fields: [(&str, DnType); 9] = [
        ("country", DnType::CountryName),
        ("province", DnType::StateOrProvinceName),
        ("locality", DnType::LocalityName),
        ("street_address", custom(&[2, 5, 4, 9])),
        ("postal_code", custom(&[2, 5, 4, 17])),
        ("organization", DnType::OrganizationName),
        ("organizational_unit", DnType::OrganizationalUnitName),
        ("common_name", DnType::CommonName),
        ("serial_number", custom(&[2, 5, 4, 5])),
    ];
    for (key, ty) in fields {
        let value = if key == "street_address" {
            str_list(s, key).into_iter().next()
        } else {
            str_arg(s, key)
        };
        // Go leaves out an empty common name or serial number, and keeps the other empty ones.
        match value {
            Some(v) if v.is_empty() && matches!(key, "common_name" | "serial_number") => {}
            Some(v) => dn.push(ty, go_string(v)),
            None => {}
        }
    }
    if let Some(email) = str_arg(s, "email_address").filter(|e| !e.is_empty()) {
        if let Ok(ia5) = email.clone().try_into() {
            dn.push(custom(&[1, 2, 840, 113549, 1, 9, 1]), DnValue::Ia5String(ia5));
        } else {
            dn.push(custom(&[1, 2, 840, 113549, 1, 9, 1]), DnValue::Utf8String(email));
        }
    }
    dn
}

/// A name value as Go's asn1 writes a string: PrintableString when every character allows it,
/// else UTF8String.
fn go_string(v: String) -> DnValue {
    match v.clone().try_into() {
        Ok(p) => DnValue::PrintableString(p),
        Err(_) => DnValue::Utf8String(v),
    }
}

/// The subject alternative names from `dns_names`, `ip_addresses` and `uris`, in that order.
pub fn alt_names(config: &Value) -> Result<Vec<SanType>, String> {
    let ia5 = |s: String| s.try_into().map_err(|_| "alternative names must be ASCII".to_string());
    let mut out = Vec::new();
    for d in str_list(config, "dns_names") {
        out.push(SanType::DnsName(ia5(d)?));
    }
    for ip in str_list(config, "ip_addresses") {
        out.push(SanType::IpAddress(
            ip.parse()
                .map_err(|_| format!("Invalid IP address: Failed to parse {ip:?}"))?,
        ));
    }
    for u in str_list(config, "uris") {
        out.push(SanType::URI(ia5(u)?));
    }
    Ok(out)
}

/// The rcgen key for a private key, with the signature algorithm Go's x509 picks for it.
pub fn signing_key(key: &PrivateKey) -> Result<rcgen::KeyPair, String> {
    let alg = match key.algorithm() {
        Algorithm::Rsa => &rcgen::PKCS_RSA_SHA256,
        Algorithm::Ecdsa(Curve::P256) => &rcgen::PKCS_ECDSA_P256_SHA256,
        Algorithm::Ecdsa(Curve::P384) => &rcgen::PKCS_ECDSA_P384_SHA384,
        Algorithm::Ecdsa(Curve::P521) => &rcgen::PKCS_ECDSA_P521_SHA512,
        Algorithm::Ed25519 => &rcgen::PKCS_ED25519,
    };
    let der = rustls::pki_types::PrivatePkcs8KeyDer::from(key.pkcs8());
    rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, alg).map_err(|e| format!("the private key cannot sign: {e}"))
}

/// The subject key id as Go's x509 computes it for the provider: SHA-1 of the PKCS #1 public
/// key (RSA), of the point (ECDSA), or of the DER OCTET STRING of the key (Ed25519).
pub fn subject_key_id(spki: &[u8]) -> Result<Vec<u8>, String> {
    let mut r = der::Reader::new(spki).sequence()?;
    let mut alg = r.sequence()?;
    let oid = alg.expect(der::OID)?;
    let bits = r.expect(der::BIT_STRING)?;
    let key = bits.get(1..).ok_or("malformed public key")?;
    let hashed = if oid == der::oid::ED25519 {
        der::tlv(der::OCTET_STRING, key)
    } else {
        key.to_vec()
    };
    Ok(sha1::Sha1::digest(hashed).to_vec())
}

/// An extension whose value is a key identifier: subject (2.5.29.14) or authority (2.5.29.35).
pub fn key_id_extension(authority: bool, id: &[u8]) -> CustomExtension {
    if authority {
        CustomExtension::from_oid_content(&[2, 5, 29, 35], der::sequence(&[&der::tlv(0x80, id)]))
    } else {
        CustomExtension::from_oid_content(&[2, 5, 29, 14], der::tlv(der::OCTET_STRING, id))
    }
}

/// What the certificate's arguments make of a template; the caller adds names and the
/// authority key id. The subject key id is added when asked for or for a CA.
pub struct Template {
    pub params: rcgen::CertificateParams,
    /// The serial number in decimal: the id.
    pub serial: String,
    pub start: i64,
    pub end: i64,
}

/// The template: validity from now, a random 128-bit serial, the usages, basic constraints
/// and (when asked or for a CA) the subject key id of `spki`.
pub fn template(planned: &Value, spki: &[u8]) -> PResult<Template> {
    let mut p = rcgen::CertificateParams::default();
    // rcgen's default names a common name of its own.
    p.distinguished_name = rcgen::DistinguishedName::new();
    let start = now();
    let end = start + hours(planned, "validity_period_hours") * 3600;
    let at = |s: i64| time::OffsetDateTime::from_unix_timestamp(s).map_err(|e| ProviderError::msg(e.to_string()));
    p.not_before = at(start)?;
    p.not_after = at(end)?;
    let serial = random_bytes(16)?;
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    for u in str_list(planned, "allowed_uses") {
        match USES.iter().find(|(n, _)| *n == u).map(|(_, usage)| usage) {
            Some(Usage::Key(k)) if !p.key_usages.contains(k) => p.key_usages.push(*k),
            Some(Usage::Ext(e)) => p.extended_key_usages.push(e()),
            _ => {}
        }
    }
    let is_ca = planned.get("is_ca_certificate").as_bool() == Some(true);
    let path_len = planned.get("max_path_length").as_number().filter(|n| *n > 0.0 && is_ca);
    let mut constraints = Vec::new();
    if is_ca {
        constraints.push(vec![0x01, 0x01, 0xff]);
        if let Some(n) = path_len {
            constraints.push(der::uint(&(n as u64).to_be_bytes()));
        }
    }
    let mut bc = CustomExtension::from_oid_content(
        &[2, 5, 29, 19],
        der::sequence(&constraints.iter().map(Vec::as_slice).collect::<Vec<_>>()),
    );
    bc.set_criticality(true);
    p.custom_extensions.push(bc);
    if is_ca || planned.get("set_subject_key_id").as_bool() == Some(true) {
        let id = subject_key_id(spki).map_err(ProviderError::msg)?;
        p.custom_extensions.push(key_id_extension(false, &id));
    }
    Ok(Template {
        params: p,
        serial: num_bigint::BigUint::from_bytes_be(&serial).to_string(),
        start,
        end,
    })
}

/// The state of a new certificate: the planned value with the certificate and its times.
pub fn settled(planned: &Value, t: &Template, cert_pem: String) -> Value {
    let mut v = planned.clone();
    set(&mut v, "cert_pem", Value::str(cert_pem));
    set(&mut v, "validity_start_time", Value::str(format_rfc3339(t.start)));
    set(&mut v, "validity_end_time", Value::str(format_rfc3339(t.end)));
    set(&mut v, "id", Value::str(&t.serial));
    let ready = planned_ready(planned).unwrap_or(false);
    set(&mut v, "ready_for_renewal", Value::Bool(ready));
    if planned.get("max_path_length").has_unknown() {
        set(&mut v, "max_path_length", Value::Null);
    }
    v
}

/// The plan of a certificate: `ready_for_renewal` for a new one, and replacement once the
/// one in state is due for renewal.
pub fn refine(prior: Option<&Value>, config: &Value, planned: &mut Value) -> Option<String> {
    match prior {
        None => {
            if let Some(ready) = planned_ready(config) {
                set(planned, "ready_for_renewal", Value::Bool(ready));
            }
            None
        }
        Some(p) if due(p, config) => Some("the certificate is ready for renewal".into()),
        Some(p) => {
            set(planned, "ready_for_renewal", p.get("ready_for_renewal").clone());
            None
        }
    }
}

/// A certificate in state as a read sees it: `ready_for_renewal` set once it is due.
pub fn read(type_name: &str, prior: &Value) -> PResult<Option<Value>> {
    let mut v = super::stored(type_name, prior)?;
    if let Some(v) = v.as_mut().filter(|_| due(prior, prior)) {
        set(v, "ready_for_renewal", Value::Bool(true));
    }
    Ok(v)
}

/// An update of a certificate: only `early_renewal_hours` changes in place.
pub fn update(prior: &Value, planned: &Value) -> Value {
    let mut v = prior.clone();
    set(
        &mut v,
        "early_renewal_hours",
        planned.get("early_renewal_hours").clone(),
    );
    v
}
