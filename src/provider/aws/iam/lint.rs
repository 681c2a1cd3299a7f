//! Least-privilege check: statements of IAM policy documents that allow every action (`*`) or
//! every resource (`*`). `validate` reports them as warnings (errors with `-strict`), with the
//! resource address and the statement, before anything reaches AWS. A statement that names a
//! principal belongs to a resource-based policy (a key, bucket or queue policy), whose `*`
//! resource means the resource the policy is attached to (a KMS key policy must say `*`), so
//! only its actions are checked.

use crate::value::Value;

/// Findings for a policy document given as JSON text (as `policy` arguments hold it); nothing
/// when the text is not known yet or is not JSON (the apply reports that).
pub fn json_policy(text: &Value) -> Vec<String> {
    let Some(text) = text.as_str() else {
        return vec![];
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return vec![];
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(list) => list.clone(),
        one @ serde_json::Value::Object(_) => vec![one.clone()],
        _ => vec![],
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
            _ => vec![],
        }
    };
    statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s["Effect"].as_str() == Some("Allow"))
        .filter_map(|(i, s)| {
            let name = s["Sid"]
                .as_str()
                .map(|sid| format!("\"{sid}\""))
                .unwrap_or(format!("#{}", i + 1));
            let resources = if s["Principal"].is_null() {
                strings(&s["Resource"])
            } else {
                vec![]
            };
            finding(&name, &strings(&s["Action"]), &resources)
        })
        .collect()
}

/// Findings for `statement` blocks of an `aws_iam_policy_document` data source.
pub fn statement_blocks(config: &Value) -> Vec<String> {
    let list_of = |v: &Value| -> Vec<String> {
        v.as_list()
            .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    config
        .get("statement")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, s)| s.get("effect").as_str().unwrap_or("Allow") == "Allow")
        .filter_map(|(i, s)| {
            let name = s
                .get("sid")
                .as_str()
                .filter(|sid| !sid.is_empty())
                .map(|sid| format!("\"{sid}\""))
                .unwrap_or(format!("#{}", i + 1));
            let names_principals = s.get("principals").as_list().is_some_and(|p| !p.is_empty());
            let resources = if names_principals {
                vec![]
            } else {
                list_of(s.get("resources"))
            };
            finding(&name, &list_of(s.get("actions")), &resources)
        })
        .collect()
}

/// Actions IAM authorizes on no resource but `*` (the Service Authorization Reference lists no
/// resource type for them): `*` is the least privilege they can be given.
const RESOURCELESS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "sts:GetCallerIdentity",
    "cloudwatch:PutMetricData",
    "ecs:RegisterTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "s3:ListAllMyBuckets",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
];

fn finding(statement: &str, actions: &[String], resources: &[String]) -> Option<String> {
    let all_actions = actions.iter().any(|a| a == "*");
    let resourceless = !actions.is_empty()
        && actions
            .iter()
            .all(|a| RESOURCELESS.iter().any(|r| r.eq_ignore_ascii_case(a)));
    let all_resources = resources.iter().any(|r| r == "*") && !resourceless;
    let what = match (all_actions, all_resources) {
        (true, true) => "allows every action (\"*\") on every resource (\"*\")",
        (true, false) => "allows every action (\"*\")",
        (false, true) => "allows its actions on every resource (\"*\")",
        (false, false) => return None,
    };
    Some(format!(
        "IAM policy statement {statement} {what}, more than least privilege (actions: {})",
        if actions.is_empty() {
            "none".to_string()
        } else {
            actions.join(", ")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_actions_and_resources_are_found_in_allow_statements_only() {
        let doc = Value::str(
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"Tables","Effect":"Allow","Action":["dynamodb:GetItem"],"Resource":"arn:aws:dynamodb:us-east-1:1:table/t"},
                {"Effect":"Allow","Action":"*","Resource":"*"},
                {"Sid":"Logs","Effect":"Allow","Action":"logs:PutLogEvents","Resource":["*"]},
                {"Sid":"Deny","Effect":"Deny","Action":"*","Resource":"*"},
                {"Sid":"EcrLogin","Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
                {"Sid":"Mixed","Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:PutImage"],"Resource":"*"}]}"#,
        );
        let found = json_policy(&doc);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("IAM policy statement #2 allows every action (\"*\") on every resource"));
        assert!(found[1].starts_with("IAM policy statement \"Logs\" allows its actions on every resource"));
        // An action that takes no resource but "*" is least privilege; beside another, it is not.
        assert!(found[2].starts_with("IAM policy statement \"Mixed\" allows its actions on every resource"));
        assert!(json_policy(&Value::Unknown).is_empty());
        // In a key policy "*" is the key itself: only a wildcard action is reported.
        let key_policy = Value::str(
            r#"{"Statement":[
                {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:*","Resource":"*"},
                {"Sid":"Any","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}"#,
        );
        let found = json_policy(&key_policy);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("IAM policy statement \"Any\" allows every action (\"*\"),"));
        assert!(json_policy(&Value::str("not json")).is_empty());
    }

    #[test]
    fn policy_document_blocks_default_to_allow() {
        let statement = |actions: &[&str], resources: &[&str]| {
            Value::object([
                ("actions", Value::List(actions.iter().map(|a| Value::str(*a)).collect())),
                (
                    "resources",
                    Value::List(resources.iter().map(|r| Value::str(*r)).collect()),
                ),
            ])
        };
        let config = Value::object([(
            "statement",
            Value::List(vec![
                statement(&["s3:GetObject"], &["arn:aws:s3:::b/*"]),
                statement(&["s3:*", "*"], &["arn:aws:s3:::b"]),
            ]),
        )]);
        let found = statement_blocks(&config);
        assert_eq!(
            found,
            vec![
                "IAM policy statement #2 allows every action (\"*\"), more than least privilege (actions: s3:*, *)"
                    .to_string()
            ]
        );
        // With principals the statement is a resource policy's: its "*" resource is not reported.
        let principals = Value::List(vec![Value::object([
            ("type", Value::str("AWS")),
            ("identifiers", Value::List(vec![Value::str("arn:aws:iam::1:root")])),
        ])]);
        let mut key_statement = statement(&["kms:Decrypt"], &["*"]);
        if let Value::Object(m) = &mut key_statement {
            m.insert("principals".into(), principals);
        }
        let config = Value::object([(
            "statement",
            Value::List(vec![key_statement, statement(&["kms:Decrypt"], &["*"])]),
        )]);
        let found = statement_blocks(&config);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("IAM policy statement #2 allows its actions on every resource"));
    }
}
