//! Data source `aws_cloudwatch_log_data_protection_policy_document`: renders a CloudWatch Logs
//! data protection policy locally (no AWS call), in the provider's exact text, so a policy
//! built here and one Terraform built compare equal and plan no change.

use crate::provider::aws::common::first;
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::schema::data_source;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::not_empty;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};

/// The `aws_cloudwatch_log_data_protection_policy_document` data source.
pub struct DataProtectionPolicyDocument {
    schema: Schema,
}

impl Default for DataProtectionPolicyDocument {
    fn default() -> Self {
        Self::new()
    }
}

impl DataProtectionPolicyDocument {
    /// Creates the type (it needs no client).
    pub fn new() -> DataProtectionPolicyDocument {
        let mut decl = data_source("aws_cloudwatch_log_data_protection_policy_document")
            .args(&["description", "configuration", "statement"])
            .arg("name")
            .check(not_empty())
            .arg("version")
            .default(DEFAULT_VERSION);
        for path in [
            "statement.operation.audit.findings_destination.cloudwatch_logs.log_group",
            "statement.operation.audit.findings_destination.firehose.delivery_stream",
            "statement.operation.audit.findings_destination.s3.bucket",
        ] {
            decl = decl.arg(path).check(not_empty());
        }
        DataProtectionPolicyDocument { schema: decl.build() }
    }
}

/// The policy language version the provider writes when none is given.
const DEFAULT_VERSION: &str = "2021-06-01";

/// A set of strings in the order the provider's SDK lists it: by the decimal text of each
/// element's hash code (CRC-32 of the value and `;`), compared as strings. The document keeps
/// that order, so matching it is what makes the JSON text equal to Terraform's.
fn in_provider_set_order(items: &[Value]) -> Vec<String> {
    let mut keyed: Vec<(String, String)> = items
        .iter()
        .filter_map(Value::as_str)
        .map(|s| (crc32fast::hash(format!("{s};").as_bytes()).to_string(), s.to_string()))
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, s)| s).collect()
}

/// Inserts `key: {inner_key: value}` when the block holds a value at `inner`.
fn destination(out: &mut Map<String, Json>, block: Option<&Value>, key: &str, inner: &str, json_key: &str) {
    if let Some(b) = block {
        let value = b.get(inner).as_str().unwrap_or_default().to_string();
        out.insert(key.into(), json!({ json_key: value }));
    }
}

/// One statement's `Operation`, or None when the block is absent.
fn operation(op: &Value) -> Json {
    let mut out = Map::new();
    if let Some(audit) = first(op, "audit") {
        let mut a = Map::new();
        if let Some(fd) = first(audit, "findings_destination") {
            let mut d = Map::new();
            destination(
                &mut d,
                first(fd, "cloudwatch_logs"),
                "CloudWatchLogs",
                "log_group",
                "LogGroup",
            );
            destination(
                &mut d,
                first(fd, "firehose"),
                "Firehose",
                "delivery_stream",
                "DeliveryStream",
            );
            destination(&mut d, first(fd, "s3"), "S3", "bucket", "Bucket");
            a.insert("FindingsDestination".into(), Json::Object(d));
        }
        out.insert("Audit".into(), Json::Object(a));
    }
    if let Some(deidentify) = first(op, "deidentify") {
        let mut d = Map::new();
        if first(deidentify, "mask_config").is_some() {
            d.insert("MaskConfig".into(), json!({}));
        }
        out.insert("Deidentify".into(), Json::Object(d));
    }
    Json::Object(out)
}

fn statement(s: &Value) -> Json {
    let mut out = Map::new();
    if let Some(sid) = s.get("sid").as_str().filter(|x| !x.is_empty()) {
        out.insert("Sid".into(), json!(sid));
    }
    let ids = in_provider_set_order(s.get("data_identifiers").as_list().unwrap_or(&[]));
    if !ids.is_empty() {
        out.insert("DataIdentifier".into(), json!(ids));
    }
    if let Some(op) = first(s, "operation") {
        out.insert("Operation".into(), operation(op));
    }
    Json::Object(out)
}

/// The document as the provider writes it: keys in its order, empty strings left out.
fn document(config: &Value) -> PResult<Json> {
    let statements: Vec<Json> = config
        .get("statement")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(statement)
        .collect();
    let has = |s: Option<&Json>, op: &str| s.and_then(|s| s.pointer(&format!("/Operation/{op}"))).is_some();
    let (one, two) = (statements.first(), statements.get(1));
    if !has(one, "Audit") || has(one, "Deidentify") {
        return Err(ProviderError::msg(
            "the first policy statement must contain only the audit operation",
        ));
    }
    if has(two, "Audit") || !has(two, "Deidentify") {
        return Err(ProviderError::msg(
            "the second policy statement must contain only the deidentify operation",
        ));
    }
    let mut doc = Map::new();
    if let Some(conf) = first(config, "configuration") {
        let identifiers: Vec<Json> = conf
            .get("custom_data_identifier")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|c| json!({ "Name": c.get("name").as_str(), "Regex": c.get("regex").as_str() }))
            .collect();
        let mut c = Map::new();
        if !identifiers.is_empty() {
            c.insert("CustomDataIdentifier".into(), Json::Array(identifiers));
        }
        doc.insert("Configuration".into(), Json::Object(c));
    }
    for (key, arg) in [("Description", "description"), ("Name", "name")] {
        if let Some(v) = config.get(arg).as_str().filter(|v| !v.is_empty()) {
            doc.insert(key.into(), json!(v));
        }
    }
    doc.insert("Statement".into(), Json::Array(statements));
    let version = config.get("version").as_str().unwrap_or(DEFAULT_VERSION);
    if !version.is_empty() {
        doc.insert("Version".into(), json!(version));
    }
    Ok(Json::Object(doc))
}

#[async_trait]
impl DataSourceType for DataProtectionPolicyDocument {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_data_protection_policy_document"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let text = serde_json::to_string_pretty(&document(config)?).map_err(|e| ProviderError::msg(e.to_string()))?;
        // Go's json.Encoder (the provider's) escapes `<`, `>`, `&` and ends the text with a newline.
        let text = crate::gojson::html_safe(&text) + "\n";
        Ok(with_results(
            config,
            Value::object([
                // The provider's id: the hash code of the text (CRC-32, as a decimal string).
                ("id", Value::str(crc32fast::hash(text.as_bytes()).to_string())),
                (
                    "version",
                    Value::str(config.get("version").as_str().unwrap_or(DEFAULT_VERSION)),
                ),
                ("json", Value::str(text)),
            ]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(first_op: Json) -> Value {
        Value::from_json(&json!({
            "name": "Example",
            "description": "desc",
            "version": null,
            "configuration": [{ "custom_data_identifier": [{ "name": "EmployeeId", "regex": "EmployeeId-\\d{9}" }] }],
            "statement": [
                {
                    "sid": "Audit",
                    "data_identifiers": [
                        "arn:aws:dataprotection::aws:data-identifier/EmailAddress",
                        "arn:aws:dataprotection::aws:data-identifier/DriversLicense-US",
                        "EmployeeId", "zeta", "alpha", "Mid"
                    ],
                    "operation": [first_op]
                },
                {
                    "sid": null,
                    "data_identifiers": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                    "operation": [{ "audit": [], "deidentify": [{ "mask_config": [{}] }] }]
                }
            ]
        }))
    }

    /// What Terraform 1.11 with the AWS provider 5.100 wrote for the same configuration
    /// (`terraform output -raw json`, 2026-12-03), and its id.
    const TERRAFORM_TEXT: &str = r#"{
  "Configuration": {
    "CustomDataIdentifier": [
      {
        "Name": "EmployeeId",
        "Regex": "EmployeeId-\\d{9}"
      }
    ]
  },
  "Description": "desc",
  "Name": "Example",
  "Statement": [
    {
      "Sid": "Audit",
      "DataIdentifier": [
        "arn:aws:dataprotection::aws:data-identifier/DriversLicense-US",
        "EmployeeId",
        "arn:aws:dataprotection::aws:data-identifier/EmailAddress",
        "Mid",
        "alpha",
        "zeta"
      ],
      "Operation": {
        "Audit": {
          "FindingsDestination": {
            "CloudWatchLogs": {
              "LogGroup": "lg"
            },
            "Firehose": {
              "DeliveryStream": "fh"
            },
            "S3": {
              "Bucket": "b"
            }
          }
        }
      }
    },
    {
      "DataIdentifier": [
        "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
      ],
      "Operation": {
        "Deidentify": {
          "MaskConfig": {}
        }
      }
    }
  ],
  "Version": "2021-06-01"
}
"#;

    #[tokio::test]
    async fn writes_the_providers_text_and_id() {
        let audit = json!({ "audit": [{ "findings_destination": [{
            "cloudwatch_logs": [{ "log_group": "lg" }],
            "firehose": [{ "delivery_stream": "fh" }],
            "s3": [{ "bucket": "b" }]
        }] }], "deidentify": [] });
        let out = DataProtectionPolicyDocument::new()
            .read(&config(audit.clone()))
            .await
            .unwrap();
        assert_eq!(out.get("json").as_str(), Some(TERRAFORM_TEXT));
        assert_eq!(out.get("id").as_str(), Some("1264145115"));
        assert_eq!(out.get("version").as_str(), Some("2021-06-01"));
        // HTML characters in a value: escaped, and the id Terraform gave that text.
        let mut escaped = config(audit);
        if let Value::Object(m) = &mut escaped {
            m.insert("name".into(), Value::str("Ex<a>&mple"));
        }
        let out = DataProtectionPolicyDocument::new().read(&escaped).await.unwrap();
        assert!(out
            .get("json")
            .as_str()
            .unwrap()
            .contains(r#""Name": "Ex\u003ca\u003e\u0026mple","#));
        assert_eq!(out.get("id").as_str(), Some("4201610191"));
    }

    #[tokio::test]
    async fn refuses_statements_in_the_wrong_roles() {
        let deidentify = json!({ "audit": [], "deidentify": [{ "mask_config": [{}] }] });
        let err = DataProtectionPolicyDocument::new()
            .read(&config(deidentify))
            .await
            .unwrap_err();
        assert!(err
            .to_string()
            .contains("the first policy statement must contain only the audit operation"));
    }
}
