//! OpenSearch Serverless resources: security policies (encryption, network), data access
//! policies, lifecycle (retention) policies, VPC endpoints and collections. Policies are JSON
//! documents the API returns as structured documents; they are compared with the configured text
//! by meaning.

pub mod access_policy;
pub mod collection;
pub mod lifecycle_policy;
mod policy;
pub mod security_policy;
pub mod vpc_endpoint;

use aws_smithy_types::Document;

/// A document the API returned, as JSON text.
pub fn document_json(d: &Document) -> String {
    serde_json::to_string(&to_json(d)).unwrap_or_default()
}

fn to_json(d: &Document) -> serde_json::Value {
    use aws_smithy_types::Number;
    match d {
        Document::Object(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Document::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        Document::Number(Number::PosInt(n)) => (*n).into(),
        Document::Number(Number::NegInt(n)) => (*n).into(),
        Document::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Document::String(s) => s.clone().into(),
        Document::Bool(b) => (*b).into(),
        Document::Null => serde_json::Value::Null,
    }
}

/// Splits an import id `NAME/TYPE`.
pub fn name_and_type(id: &str, prior: &crate::value::Value) -> crate::provider::PResult<(String, String)> {
    use crate::provider::aws::common::opt_str;
    if let (Some(n), Some(t)) = (opt_str(prior, "name"), opt_str(prior, "type")) {
        return Ok((n, t));
    }
    id.split_once('/')
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .ok_or_else(|| crate::provider::ProviderError::msg(format!("import id {id:?} must be NAME/TYPE")))
}
