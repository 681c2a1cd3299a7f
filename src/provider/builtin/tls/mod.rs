//! hashicorp/tls (4.x): private keys, certificate requests, self-signed and locally signed
//! certificates, and the `tls_public_key` and `tls_certificate` data sources, as the
//! provider's documentation and sources describe them. Keys come from aws-lc-rs
//! ([`crate::pki`]); certificates are written by rcgen, with the extensions Go's crypto/x509
//! writes for the provider (basic constraints always, the subject key id the provider's way).
//! Nothing is ever read back from anywhere: like Terraform's, these objects live in state only.

pub mod cert;
pub mod cert_request;
pub mod certificate_data;
pub mod locally_signed_cert;
pub mod private_key;
pub mod public_key_data;
pub mod self_signed_cert;

use crate::pki::key::PrivateKey;
use crate::provider::builtin::util::{set, str_arg, str_list};
use crate::provider::{PResult, ProviderError};
use crate::schema::{Nesting, Schema, Type};
use crate::value::Value;
use sha1::Digest as _;

/// The provider's id of a key or request: hex SHA-1 of its DER, after Go's `TrimSpace` (which
/// the provider applies to the raw bytes, so trailing whitespace bytes do not count).
pub fn hash_for_state(der: &[u8]) -> String {
    let end = der
        .iter()
        .rposition(|b| !b" \t\n\r\x0b\x0c".contains(b))
        .map_or(0, |i| i + 1);
    if end == 0 {
        return String::new();
    }
    hex::encode(sha1::Sha1::digest(&der[..end]))
}

/// The `subject` block of certificates and requests: every field optional, changes replace.
pub fn subject_block(schema: Schema) -> Schema {
    let mut subject = Schema::new();
    for name in SUBJECT_FIELDS {
        subject = subject.optional(name, Type::String).force_new();
    }
    subject = subject.optional("street_address", Type::list_of_strings()).force_new();
    schema.block("subject", Nesting::List, subject).block_force_new()
}

/// The single-valued fields of `subject`.
const SUBJECT_FIELDS: [&str; 9] = [
    "common_name",
    "country",
    "email_address",
    "locality",
    "organization",
    "organizational_unit",
    "postal_code",
    "province",
    "serial_number",
];

/// The `subject` block's object, when the configuration has one.
pub fn subject_of(config: &Value) -> Option<&Value> {
    config.get("subject").as_list().and_then(|l| l.first())
}

/// Checks `subject` (at most one block, one street address) and the SAN arguments.
pub fn check_names(config: &Value) -> Result<(), String> {
    if config.get("subject").as_list().is_some_and(|l| l.len() > 1) {
        return Err("Too many subject blocks: no more than 1 \"subject\" block is allowed".into());
    }
    if let Some(s) = subject_of(config) {
        if str_list(s, "street_address").len() > 1 {
            return Err("subject.street_address: infractl writes one street address (a multi-valued name); more are not supported yet".into());
        }
    }
    for ip in str_list(config, "ip_addresses") {
        if ip.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("Invalid IP address: Failed to parse {ip:?}"));
        }
    }
    for name in ["ip_addresses", "uris"] {
        if str_list(config, name).iter().any(String::is_empty) {
            return Err(format!("{name}: values must not be empty"));
        }
    }
    Ok(())
}

/// A private key and the names a request or certificate is for: the arguments
/// `tls_cert_request` and `tls_self_signed_cert` share, with `key_algorithm`.
pub fn key_and_names_schema() -> Schema {
    Schema::new()
        .required("private_key_pem", Type::String)
        .force_new()
        .sensitive()
        .optional("dns_names", Type::list_of_strings())
        .force_new()
        .optional("ip_addresses", Type::list_of_strings())
        .force_new()
        .optional("uris", Type::list_of_strings())
        .force_new()
        .computed("key_algorithm", Type::String)
}

/// Plans `attr` (`key_algorithm`, `ca_key_algorithm`) of a new object from its key argument.
pub fn plan_key_algorithm(prior: Option<&Value>, config: &Value, planned: &mut Value, arg: &str, attr: &str) {
    if prior.is_none() {
        if let Some(key) = str_arg(config, arg).and_then(|t| PrivateKey::parse(&t).ok()) {
            set(planned, attr, Value::str(key.algorithm().name()));
        }
    }
}

/// A read of an object that lives in state only: what state holds. There is nothing to
/// import, as in the provider.
pub fn stored(type_name: &str, prior: &Value) -> PResult<Option<Value>> {
    if prior.is_null() {
        return Err(ProviderError::msg(format!(
            "{type_name} cannot be imported (as with Terraform's tls provider)"
        )));
    }
    Ok(Some(prior.clone()))
}
