//! Data source `aws_iam_policy_document`: renders an IAM policy JSON document locally, as the
//! AWS provider does (single values as strings, lists otherwise), with no AWS call.

use crate::provider::aws::schema::data_source;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};

/// The `aws_iam_policy_document` data source.
pub struct PolicyDocument {
    schema: Schema,
}

impl Default for PolicyDocument {
    fn default() -> Self {
        Self::new()
    }
}

impl PolicyDocument {
    /// Creates the type (it needs no client).
    pub fn new() -> PolicyDocument {
        let schema = data_source("aws_iam_policy_document")
            .args(&[
                "version",
                "policy_id",
                "source_policy_documents",
                "override_policy_documents",
                "statement",
            ])
            .arg("version")
            .check(one_of(&["2008-10-17", "2012-10-17"]))
            .arg("statement.effect")
            .check(one_of(&["Allow", "Deny"]))
            .build();
        PolicyDocument { schema }
    }
}

/// One value as a string, several as a list: the shape IAM documents use.
fn one_or_many(items: &[Value]) -> Option<Json> {
    let strings: Vec<Json> = items
        .iter()
        .filter_map(Value::to_plain_string)
        .map(Json::String)
        .collect();
    match strings.len() {
        0 => None,
        1 => strings.into_iter().next(),
        _ => Some(Json::Array(strings)),
    }
}

fn principals(blocks: &[Value]) -> Option<Json> {
    if blocks.is_empty() {
        return None;
    }
    if blocks.len() == 1 {
        let b = &blocks[0];
        let ids = b.get("identifiers").as_list().unwrap_or(&[]);
        if b.get("type").as_str() == Some("*") && ids.len() == 1 && ids[0].as_str() == Some("*") {
            return Some(Json::String("*".into()));
        }
    }
    let mut map = Map::new();
    for b in blocks {
        let kind = b.get("type").as_str().unwrap_or_default().to_string();
        let ids = b.get("identifiers").as_list().unwrap_or(&[]).to_vec();
        let merged = match map.remove(&kind) {
            Some(Json::String(s)) => [vec![Value::str(s)], ids].concat(),
            Some(Json::Array(a)) => [a.into_iter().filter_map(|x| x.as_str().map(Value::str)).collect(), ids].concat(),
            _ => ids,
        };
        if let Some(v) = one_or_many(&merged) {
            map.insert(kind, v);
        }
    }
    Some(Json::Object(map))
}

fn statement(s: &Value) -> PResult<Json> {
    let mut out = Map::new();
    if let Some(sid) = s.get("sid").as_str().filter(|x| !x.is_empty()) {
        out.insert("Sid".into(), json!(sid));
    }
    let effect = s.get("effect").as_str().unwrap_or("Allow");
    if effect != "Allow" && effect != "Deny" {
        return Err(ProviderError::msg(format!(
            "effect must be Allow or Deny, not \"{effect}\""
        )));
    }
    out.insert("Effect".into(), json!(effect));
    let list = |k: &str| s.get(k).as_list().unwrap_or(&[]).to_vec();
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = one_or_many(&list(attr)) {
            out.insert(key.into(), v);
        }
    }
    if let Some(p) = principals(&list("principals")) {
        out.insert("Principal".into(), p);
    }
    if let Some(p) = principals(&list("not_principals")) {
        out.insert("NotPrincipal".into(), p);
    }
    let conditions = list("condition");
    if !conditions.is_empty() {
        let mut by_test = Map::new();
        for c in conditions {
            let test = c.get("test").as_str().unwrap_or_default().to_string();
            let var = c.get("variable").as_str().unwrap_or_default().to_string();
            let values = one_or_many(c.get("values").as_list().unwrap_or(&[])).unwrap_or(Json::Array(vec![]));
            let entry = by_test.entry(test).or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(m) = entry {
                m.insert(var, values);
            }
        }
        out.insert("Condition".into(), Json::Object(by_test));
    }
    Ok(Json::Object(out))
}

fn statements_of(doc: &str) -> PResult<Vec<Json>> {
    let v: Json = serde_json::from_str(doc).map_err(|e| ProviderError::msg(format!("invalid policy document: {e}")))?;
    Ok(match v.get("Statement") {
        Some(Json::Array(a)) => a.clone(),
        Some(one @ Json::Object(_)) => vec![one.clone()],
        _ => vec![],
    })
}

/// Adds statements, a statement with the Sid of an existing one replacing it.
fn merge(into: &mut Vec<Json>, more: Vec<Json>) {
    for s in more {
        let sid = s.get("Sid").and_then(Json::as_str).map(str::to_string);
        match sid.and_then(|sid| {
            into.iter()
                .position(|x| x.get("Sid").and_then(Json::as_str) == Some(sid.as_str()))
        }) {
            Some(i) => into[i] = s,
            None => into.push(s),
        }
    }
}

#[async_trait]
impl DataSourceType for PolicyDocument {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        crate::provider::aws::iam::lint::statement_blocks(config)
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut statements = Vec::new();
        for doc in config.get("source_policy_documents").as_list().unwrap_or(&[]) {
            merge(&mut statements, statements_of(doc.as_str().unwrap_or("{}"))?);
        }
        let own = config
            .get("statement")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(statement)
            .collect::<PResult<Vec<_>>>()?;
        merge(&mut statements, own);
        for doc in config.get("override_policy_documents").as_list().unwrap_or(&[]) {
            merge(&mut statements, statements_of(doc.as_str().unwrap_or("{}"))?);
        }
        let mut doc = Map::new();
        doc.insert(
            "Version".into(),
            json!(config.get("version").as_str().unwrap_or("2012-10-17")),
        );
        if let Some(id) = config.get("policy_id").as_str() {
            doc.insert("Id".into(), json!(id));
        }
        doc.insert("Statement".into(), Json::Array(statements));
        let doc = Json::Object(doc);
        // Go's encoder (the provider's) escapes `<`, `>` and `&` in both texts.
        let pretty = crate::gojson::html_safe(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        let minified = crate::gojson::html_safe(&doc.to_string());
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            m.insert(
                "id".into(),
                Value::str(hex::encode(Sha256::digest(minified.as_bytes()))[..16].to_string()),
            );
            m.insert("json".into(), Value::str(pretty));
            m.insert("minified_json".into(), Value::str(minified));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_like_the_aws_provider() {
        let config = Value::object([(
            "statement",
            Value::List(vec![Value::object([
                ("sid", Value::str("Invoke")),
                ("actions", Value::List(vec![Value::str("bedrock:InvokeModel")])),
                ("resources", Value::List(vec![Value::str("arn:a"), Value::str("arn:b")])),
                (
                    "principals",
                    Value::List(vec![Value::object([
                        ("type", Value::str("Service")),
                        ("identifiers", Value::List(vec![Value::str("ecs-tasks.amazonaws.com")])),
                    ])]),
                ),
                (
                    "condition",
                    Value::List(vec![Value::object([
                        ("test", Value::str("StringEquals")),
                        ("variable", Value::str("aws:SourceAccount")),
                        ("values", Value::List(vec![Value::str("123")])),
                    ])]),
                ),
            ])]),
        )]);
        let out = PolicyDocument::new().read(&config).await.unwrap();
        let doc: Json = serde_json::from_str(out.get("json").as_str().unwrap()).unwrap();
        assert_eq!(
            doc,
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "Invoke",
                    "Effect": "Allow",
                    "Action": "bedrock:InvokeModel",
                    "Resource": ["arn:a", "arn:b"],
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Condition": {"StringEquals": {"aws:SourceAccount": "123"}}
                }]
            })
        );
    }

    #[tokio::test]
    async fn escapes_html_characters_as_the_providers_go_encoder_does() {
        // Terraform 1.11 with the AWS provider 5.100 printed these texts (2026-12-03).
        let config = Value::from_json(&json!({ "statement": [{
            "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/<a>&b"]
        }] }));
        let out = PolicyDocument::new().read(&config).await.unwrap();
        assert_eq!(
            out.get("minified_json").as_str(),
            Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/\u003ca\u003e\u0026b"}]}"#
            )
        );
        assert!(out
            .get("json")
            .as_str()
            .unwrap()
            .contains(r#""Resource": "arn:aws:s3:::b/\u003ca\u003e\u0026b""#));
    }
}
