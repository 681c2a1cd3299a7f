//! Attribute-level diff of a resource: desired configuration against its refreshed state,
//! following the schema (what is computed, what forces replacement, what is a set).

use crate::blueprint::config::Lifecycle;
use crate::schema::{AttrSchema, BlockSchema, Nesting, Schema, Type};
use crate::value::Value;
use indexmap::IndexMap;

/// One attribute that changes.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrChange {
    /// Attribute name.
    pub name: String,
    /// Value in state.
    pub before: Value,
    /// Planned value.
    pub after: Value,
    /// Changing it replaces the resource.
    pub forces_replacement: bool,
}

/// The planned value of a resource that does not exist yet: configured values, schema
/// defaults, and unknown for everything AWS computes.
pub fn plan_create(schema: &Schema, config: &Value) -> Value {
    let mut out = IndexMap::new();
    out.insert("id".to_string(), Value::Unknown);
    for (name, a) in &schema.attrs {
        let v = config.get(name).clone();
        out.insert(name.to_string(), planned_new(a, v));
    }
    for (name, b) in &schema.blocks {
        let v = match config.get(name) {
            Value::Null if b.computed => Value::Unknown,
            Value::Null => Value::List(vec![]),
            Value::List(items) => Value::List(items.iter().map(|i| plan_nested(&b.schema, i)).collect()),
            other => other.clone(),
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

/// A data source's read with the schema's defaults where it holds nothing: the provider's SDK
/// records an unset argument's default in what a data source reads (`most_recent = false`).
pub fn with_defaults(schema: &Schema, read: Value) -> Value {
    let Value::Object(mut m) = read else { return read };
    for (name, a) in &schema.attrs {
        if let (Some(d), Value::Null) = (&a.default, m.get(*name).unwrap_or(&Value::Null)) {
            m.insert(name.to_string(), d.clone());
        }
    }
    Value::Object(m)
}

fn planned_new(a: &AttrSchema, v: Value) -> Value {
    if a.write_only {
        // Never part of a plan or of state: only the provider call sees it.
        return Value::Null;
    }
    match as_configured(a, v) {
        Value::Null if a.fills_when_unset() => Value::Unknown,
        Value::Null => a.default.clone().unwrap_or(Value::Null),
        other => other,
    }
}

/// A configured value as the provider's SDK sees it: an empty string in an argument AWS fills
/// when unset (Optional+Computed) is no value at all, since the SDK cannot tell "" from unset
/// there. Terraform then plans the attribute as AWS's (an SNS topic's default policy), where
/// taking "" literally would plan a change on every run.
fn as_configured(a: &AttrSchema, v: Value) -> Value {
    match v {
        Value::String(s) if s.is_empty() && a.fills_when_unset() && a.ty == Type::String => Value::Null,
        other => other,
    }
}

fn plan_nested(schema: &Schema, item: &Value) -> Value {
    let mut out = IndexMap::new();
    for (name, a) in &schema.attrs {
        out.insert(
            name.to_string(),
            match item.get(name) {
                Value::Null => a.default.clone().unwrap_or(Value::Null),
                v => v.clone(),
            },
        );
    }
    // Blocks inside blocks get their defaults too, at any depth.
    for (name, b) in &schema.blocks {
        let inner = match item.get(name) {
            Value::List(items) => Value::List(items.iter().map(|i| plan_nested(&b.schema, i)).collect()),
            v => v.clone(),
        };
        out.insert(name.to_string(), inner);
    }
    Value::Object(out)
}

/// The value sent to a provider's create or update: `planned` with the write-only arguments
/// of the configuration, which plans and state never hold.
pub fn with_write_only(schema: &Schema, planned: &Value, config: &Value) -> Value {
    let mut out = planned.clone();
    if let Value::Object(map) = &mut out {
        for (name, a) in &schema.attrs {
            if a.write_only {
                map.insert(name.to_string(), config.get(name).clone());
            }
        }
    }
    out
}

/// What state records of what a provider returned: every attribute of the schema, null where
/// the read set none, and every write-only argument null. Terraform's state objects always
/// conform to the schema; without that, the value plan sees (built from the schema) and the one
/// apply recorded differ in shape, and an output holding the whole object shows a change after
/// every apply.
pub fn as_recorded(schema: &Schema, mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        for (name, a) in &schema.attrs {
            if a.write_only || !map.contains_key(*name) {
                map.insert(name.to_string(), Value::Null);
            }
        }
    }
    value
}

/// What an update sends to the provider: the planned value with every normalised attribute
/// (a secret kept as its digest, a name kept as its ARN) in the spelling the blueprint gives,
/// since the recorded spelling [`plan_update`] keeps for references is not a value to write.
pub fn to_send(schema: &Schema, planned: &Value, config: &Value) -> Value {
    let mut out = planned.clone();
    if let Value::Object(map) = &mut out {
        for (name, a) in &schema.attrs {
            let configured = config.get(name);
            if (a.normalize.is_some() && !configured.is_null()) || a.write_only {
                map.insert(name.to_string(), configured.clone());
            }
        }
    }
    out
}

/// The planned value of an existing resource and the attributes that change.
pub fn plan_update(schema: &Schema, config: &Value, prior: &Value, lifecycle: &Lifecycle) -> (Value, Vec<AttrChange>) {
    let mut planned = IndexMap::new();
    let mut changes = Vec::new();
    planned.insert("id".to_string(), prior.get("id").clone());
    let ignored = |name: &str| lifecycle.ignore_all || lifecycle.ignore_changes.iter().any(|i| i == name);
    for (name, a) in &schema.attrs {
        if a.write_only {
            // Never planned, never diffed: a new value reaches AWS when its version changes.
            planned.insert(name.to_string(), Value::Null);
            continue;
        }
        let old = prior.get(name).clone();
        let cfg = as_configured(a, config.get(name).clone());
        let mut desired = match cfg {
            Value::Null if a.fills_when_unset() => old.clone(),
            Value::Null => a.default.clone().unwrap_or(Value::Null),
            v => v,
        };
        if ignored(name) || (*name == "tags" && !a.computed) {
            if ignored(name) {
                desired = old.clone();
            }
            planned.insert(name.to_string(), desired);
            continue;
        }
        if (!a.optional && !a.required) || *name == "tags_all" {
            // Purely computed: keeps its value unless the resource is replaced. (`tags_all`,
            // which the provider also lets blueprints set, is planned from `tags` below.)
            planned.insert(name.to_string(), old);
            continue;
        }
        if !same_attr(a, &desired, &old) {
            changes.push(AttrChange {
                name: name.to_string(),
                before: old.clone(),
                after: desired.clone(),
                forces_replacement: a.force_new,
            });
        } else if a.normalize.is_some() {
            // Equal in meaning but not in spelling (a secret and its digest, a name and its
            // ARN): the recorded value stays, as Terraform keeps state when a diff is
            // suppressed, so what references see at plan is what they see after apply.
            desired = old;
        }
        planned.insert(name.to_string(), desired);
    }
    if let Some(a) = schema.attrs.get("tags_all") {
        let desired = config.get("tags_all").clone();
        let old = prior.get("tags_all").clone();
        if !ignored("tags") && !ignored("tags_all") && !same(&a.ty, &desired, &old) {
            // Terraform shows the resource's own `tags` changing beside `tags_all`. Shown only
            // with a `tags_all` change: `tags` in state is what was configured, not read back,
            // so on its own (after an import) it would plan an update Terraform never shows.
            let (tags_before, tags_after) = (prior.get("tags"), config.get("tags"));
            if schema.attrs.contains_key("tags") && !same(&a.ty, tags_after, tags_before) {
                changes.push(AttrChange {
                    name: "tags".into(),
                    before: tags_before.clone(),
                    after: tags_after.clone(),
                    forces_replacement: false,
                });
            }
            changes.push(AttrChange {
                name: "tags_all".into(),
                before: old,
                after: desired.clone(),
                forces_replacement: false,
            });
            planned.insert("tags_all".into(), desired);
        }
    }
    for (name, b) in &schema.blocks {
        let old = prior.get(name).clone();
        let cfg = config.get(name).clone();
        // Zero blocks (a dynamic block over an empty collection) is the same as none written.
        if ignored(name) || keeps_what_aws_holds(b, &cfg) {
            planned.insert(name.to_string(), old);
            continue;
        }
        let desired = match &cfg {
            Value::Null => Value::List(vec![]),
            Value::List(items) => Value::List(items.iter().map(|i| plan_nested(&b.schema, i)).collect()),
            other => other.clone(),
        };
        if *name == "timeouts" {
            // How long infractl waits is not a change to the object.
            planned.insert(name.to_string(), desired);
            continue;
        }
        if blocks_match(&b.schema, b.nesting, &desired, &old) {
            planned.insert(name.to_string(), old);
        } else {
            changes.push(AttrChange {
                name: name.to_string(),
                before: old,
                after: desired.clone(),
                forces_replacement: b.force_new,
            });
            planned.insert(name.to_string(), desired);
        }
    }
    (Value::Object(planned), changes)
}

/// The planned value when a resource is replaced: its new configuration, computed values unknown.
pub fn plan_replace(schema: &Schema, config: &Value) -> Value {
    plan_create(schema, config)
}

/// Equality as the plan needs it: null equals an empty collection, sets ignore order, and an
/// unknown desired value always counts as a change.
pub fn same(ty: &Type, desired: &Value, actual: &Value) -> bool {
    if desired.has_unknown() {
        return false;
    }
    match (desired, actual) {
        (Value::Null, Value::List(l)) | (Value::List(l), Value::Null) => l.is_empty(),
        (Value::Null, Value::Object(m)) | (Value::Object(m), Value::Null) => m.is_empty(),
        (Value::List(a), Value::List(b)) if matches!(ty, Type::Set(_)) => {
            a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
        }
        (Value::String(a), Value::String(b)) if matches!(ty, Type::Any) => json_equal(a, b),
        (Value::Number(a), Value::Number(b)) => (a - b).abs() < 1e-9,
        _ => desired == actual,
    }
}

/// Equality of one attribute: its canonical forms when the schema gives one, else [`same`].
/// An empty string and null are one value for a string argument, as the AWS provider's SDK
/// holds them (modules pass `""` for "not set"; AWS reports nothing back).
pub fn same_attr(a: &AttrSchema, desired: &Value, actual: &Value) -> bool {
    if a.ty == Type::String && a.is_argument() && (is_empty_string(desired) || is_empty_string(actual)) {
        return (desired.is_null() || is_empty_string(desired)) && (actual.is_null() || is_empty_string(actual));
    }
    // The provider's SDK reads an unset number or bool argument as its zero value (state holds
    // 0 or false where the blueprint says nothing), and plans no change between the two.
    if matches!(a.ty, Type::Number | Type::Bool) && a.is_argument() && !a.computed {
        let zero = |v: &Value| matches!(v, Value::Bool(false)) || matches!(v, Value::Number(n) if *n == 0.0);
        if (desired.is_null() && zero(actual)) || (actual.is_null() && zero(desired)) {
            return true;
        }
    }
    if let (Some(f), Value::String(x), Value::String(y)) = (a.normalize, desired, actual) {
        return f(x) == f(y);
    }
    // A map of strings with a canonical form compares value by value in that form (a map of
    // settings where some values are secrets kept as digests).
    if let (Some(f), Value::Object(x), Value::Object(y)) = (a.normalize, desired, actual) {
        return x.len() == y.len()
            && x.iter().all(|(k, v)| match (v, y.get(k)) {
                (Value::String(p), Some(Value::String(q))) => f(p) == f(q),
                (p, Some(q)) => p == q,
                (_, None) => false,
            });
    }
    if let (true, Value::String(x), Value::String(y)) = (a.json, desired, actual) {
        if a.policy {
            return policy_equal(x, y);
        }
        return json_equal(x, y);
    }
    same(&a.ty, desired, actual)
}

/// IAM policy documents compare as the AWS provider compares them: statements, and the values
/// of actions, resources, principals and conditions, as sets, a single value the same as a list
/// of it (so a document written by `aws_iam_policy_document` in Terraform's spelling and order
/// plans no change against the same document in infractl's).
fn policy_equal(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => canonical_policy(None, x) == canonical_policy(None, y),
        _ => a == b,
    }
}

/// Keys whose string values stay single strings in a policy document.
const POLICY_SCALARS: &[&str] = &["Version", "Id", "Sid", "Effect"];

/// A policy document's canonical form (see [`policy_equal`]); `key` is the member holding `v`.
fn canonical_policy(key: Option<&str>, v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::String(s) if key.is_some_and(|k| !POLICY_SCALARS.contains(&k)) => J::Array(vec![J::String(s)]),
        J::Object(m) if key == Some("Statement") => J::Array(vec![canonical_policy(None, J::Object(m))]),
        J::Object(m) => {
            // Keys in one order, so that statements sort the same whatever order each
            // document wrote its keys in (serde_json keeps insertion order here).
            let mut entries: Vec<(String, J)> = m
                .into_iter()
                .map(|(k, v)| {
                    let c = canonical_policy(Some(&k), v);
                    (k, c)
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            J::Object(entries.into_iter().collect())
        }
        J::Array(items) => {
            let mut items: Vec<J> = items.into_iter().map(|i| canonical_policy(None, i)).collect();
            items.sort_by_key(|i| i.to_string());
            items.dedup();
            J::Array(items)
        }
        other => other,
    }
}

/// JSON documents (policies) compare by meaning, not by spelling.
fn json_equal(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Nested blocks match when every configured block has its own counterpart in state, with
/// computed attributes the blueprint left unset matching anything.
pub fn blocks_match(schema: &Schema, nesting: Nesting, desired: &Value, actual: &Value) -> bool {
    if desired.has_unknown() {
        return false;
    }
    let empty = Vec::new();
    let d = desired.as_list().unwrap_or(&empty);
    let a = actual.as_list().unwrap_or(&empty);
    if d.len() != a.len() {
        return false;
    }
    match nesting {
        Nesting::List | Nesting::Single => d.iter().zip(a).all(|(x, y)| block_matches(schema, x, y)),
        Nesting::Set => {
            let mut used = vec![false; a.len()];
            d.iter().all(
                |x| match (0..a.len()).find(|&j| !used[j] && block_matches(schema, x, &a[j])) {
                    Some(j) => {
                        used[j] = true;
                        true
                    }
                    None => false,
                },
            )
        }
    }
}

fn block_matches(schema: &Schema, desired: &Value, actual: &Value) -> bool {
    schema
        .attrs
        .iter()
        .all(|(name, a)| nested_attr_matches(a, desired.get(name), actual.get(name)))
        && schema.blocks.iter().all(|(name, b)| {
            let d = desired.get(name);
            keeps_what_aws_holds(b, d) || blocks_match(&b.schema, b.nesting, d, actual.get(name))
        })
}

/// One attribute of a nested block matches what AWS holds: equal, or left unset where AWS
/// fills it in (a computed value, or an empty string). Plan text uses the same rule, so a block
/// shown unchanged is one the plan leaves alone.
pub fn nested_attr_matches(a: &AttrSchema, desired: &Value, actual: &Value) -> bool {
    (desired.is_null() && a.fills_when_unset())
        || same_attr(a, desired, actual)
        || (desired.is_null() && is_empty_string(actual))
}

/// A nested block AWS fills when the blueprint leaves it out (Optional+Computed) matches
/// whatever AWS holds, as a top-level one does in `plan_update`.
pub fn keeps_what_aws_holds(b: &BlockSchema, desired: &Value) -> bool {
    let absent = desired.is_null() || desired.as_list().is_some_and(|l| l.is_empty());
    absent && b.computed
}

fn is_empty_string(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_compare_as_the_aws_provider_compares_them() {
        let terraform = r#"{"Version":"2012-10-17","Statement":[{"Action":["logs:PutLogEvents","logs:CreateLogStream"],"Effect":"Allow","Resource":"arn:aws:logs:*:*:*","Sid":"W"}]}"#;
        let ours = "{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\"Sid\": \"W\", \"Effect\": \"Allow\", \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"], \"Resource\": [\"arn:aws:logs:*:*:*\"]}\n}";
        assert!(policy_equal(terraform, ours));
        let other_action = terraform.replace("PutLogEvents", "DeleteLogGroup");
        assert!(!policy_equal(terraform, &other_action));
        let other_effect = terraform.replace("Allow", "Deny");
        assert!(!policy_equal(terraform, &other_effect));
        // Effect stays a scalar: a list of it is another document.
        let listed = terraform.replace(r#""Effect":"Allow""#, r#""Effect":["Allow"]"#);
        assert!(!policy_equal(terraform, &listed));
    }

    #[test]
    fn statements_in_another_order_with_keys_in_another_order_are_the_same_policy() {
        // Terraform's aws_iam_policy_document writes Action, Effect, Resource, Sid; a
        // hand-written document Sid, Effect, Action, Resource; and the statements come in
        // different orders.
        let terraform = r#"{"Version":"2012-10-17","Statement":[{"Action":"ecr:GetAuthorizationToken","Effect":"Allow","Resource":"*","Sid":"Login"},{"Action":["ecs:UpdateService","ecs:DescribeServices"],"Effect":"Allow","Resource":"arn:aws:ecs:r:1:service/c/*","Sid":"Roll"}]}"#;
        let ours = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Roll","Effect":"Allow","Action":["ecs:DescribeServices","ecs:UpdateService"],"Resource":"arn:aws:ecs:r:1:service/c/*"},{"Sid":"Login","Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}"#;
        assert!(policy_equal(terraform, ours));
        assert!(!policy_equal(terraform, &ours.replace("Roll", "Other")));
    }

    fn schema() -> Schema {
        Schema::new()
            .required("cidr_block", Type::String)
            .force_new()
            .optional_computed("name", Type::String)
            .optional("enabled", Type::Bool)
            .default(true)
            .computed("arn", Type::String)
            .tags()
            .block(
                "rule",
                Nesting::Set,
                Schema::new()
                    .required("port", Type::Number)
                    .optional_computed("note", Type::String),
            )
    }

    fn cfg(cidr: &str) -> Value {
        Value::object([
            ("cidr_block", Value::str(cidr)),
            ("name", Value::Null),
            ("enabled", Value::Null),
            ("arn", Value::Null),
            ("tags", Value::Null),
            ("tags_all", Value::object::<String>([])),
            (
                "rule",
                Value::List(vec![Value::object([("port", Value::from(80)), ("note", Value::Null)])]),
            ),
        ])
    }

    #[test]
    fn create_marks_computed_unknown_and_fills_defaults() {
        let p = plan_create(&schema(), &cfg("10.0.0.0/16"));
        assert_eq!(p.get("id"), &Value::Unknown);
        assert_eq!(p.get("arn"), &Value::Unknown);
        assert_eq!(p.get("name"), &Value::Unknown);
        assert_eq!(p.get("enabled"), &Value::Bool(true));
    }

    #[test]
    fn an_empty_string_where_aws_fills_the_value_is_no_value() {
        let mut config = cfg("10.0.0.0/16");
        if let Value::Object(m) = &mut config {
            m.insert("name".into(), Value::str(""));
        }
        assert_eq!(plan_create(&schema(), &config).get("name"), &Value::Unknown);
        let prior = plan_create(&schema(), &cfg("10.0.0.0/16"));
        let mut prior = prior.clone();
        if let Value::Object(m) = &mut prior {
            m.insert("name".into(), Value::str("aws-chosen"));
            m.insert("rule".into(), config.get("rule").clone());
        }
        let (planned, changes) = plan_update(&schema(), &config, &prior, &Lifecycle::default());
        assert!(changes.iter().all(|c| c.name != "name"), "{changes:?}");
        assert_eq!(planned.get("name"), &Value::str("aws-chosen"));
    }

    #[test]
    fn update_detects_changes_and_replacement_and_ignores_computed() {
        let prior = Value::object([
            ("id", Value::str("x")),
            ("cidr_block", Value::str("10.0.0.0/16")),
            ("name", Value::str("aws-chosen")),
            ("enabled", Value::Bool(true)),
            ("arn", Value::str("arn:x")),
            ("tags_all", Value::object::<String>([])),
            (
                "rule",
                Value::List(vec![Value::object([
                    ("port", Value::from(80)),
                    ("note", Value::str("n")),
                ])]),
            ),
        ]);
        let (planned, changes) = plan_update(&schema(), &cfg("10.0.0.0/16"), &prior, &Lifecycle::default());
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(planned.get("name"), &Value::str("aws-chosen"));
        let (_, changes) = plan_update(&schema(), &cfg("10.1.0.0/16"), &prior, &Lifecycle::default());
        assert_eq!(changes.len(), 1);
        assert!(changes[0].forces_replacement);
        let lc = Lifecycle {
            ignore_changes: vec!["cidr_block".into()],
            ..Default::default()
        };
        let (_, changes) = plan_update(&schema(), &cfg("10.1.0.0/16"), &prior, &lc);
        assert!(changes.is_empty());
    }

    #[test]
    fn a_tag_change_shows_tags_beside_tags_all_as_terraform_does() {
        let tagged = |name: &str| Value::object([("Name", Value::str(name))]);
        let mut prior = cfg("10.0.0.0/16");
        if let Value::Object(m) = &mut prior {
            m.insert("id".into(), Value::str("x"));
            m.insert("enabled".into(), Value::Bool(true));
            m.insert("tags".into(), tagged("one"));
            m.insert("tags_all".into(), tagged("one"));
        }
        let mut config = cfg("10.0.0.0/16");
        if let Value::Object(m) = &mut config {
            m.insert("tags".into(), tagged("two"));
            m.insert("tags_all".into(), tagged("two"));
        }
        let (planned, changes) = plan_update(&schema(), &config, &prior, &Lifecycle::default());
        let names: Vec<&str> = changes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["tags", "tags_all"]);
        assert_eq!(changes[0].before, tagged("one"));
        assert_eq!(changes[0].after, tagged("two"));
        assert_eq!(planned.get("tags"), &tagged("two"));
        // `tags` alone differing (recorded as configured, e.g. not yet after an import) plans
        // nothing while what AWS holds (`tags_all`) is unchanged.
        if let Value::Object(m) = &mut prior {
            m.insert("tags".into(), Value::Null);
            m.insert("tags_all".into(), tagged("two"));
        }
        let (_, changes) = plan_update(&schema(), &config, &prior, &Lifecycle::default());
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn normalized_attributes_compare_by_canonical_form() {
        let a = Schema::new()
            .required("cluster", Type::String)
            .normalized(|s| s.rsplit('/').next().unwrap_or(s).to_string());
        let attr = &a.attrs["cluster"];
        assert!(same_attr(
            attr,
            &Value::str("arn:aws:ecs:r:1:cluster/app"),
            &Value::str("app")
        ));
        assert!(!same_attr(
            attr,
            &Value::str("arn:aws:ecs:r:1:cluster/app"),
            &Value::str("other")
        ));
        assert!(!same_attr(attr, &Value::Unknown, &Value::str("app")));
    }

    #[test]
    fn equal_normalized_values_keep_the_recorded_spelling() {
        let schema = Schema::new()
            .required("value", Type::String)
            .normalized(crate::provider::secrets::digest);
        let digest = crate::provider::secrets::digest("s3cret");
        let prior = Value::object([("id", Value::str("p")), ("value", Value::str(&digest))]);
        let config = Value::object([("value", Value::str("s3cret"))]);
        let (planned, changes) = plan_update(&schema, &config, &prior, &Lifecycle::default());
        assert!(changes.is_empty());
        assert_eq!(planned.get("value"), &Value::str(digest));
    }

    #[test]
    fn a_map_with_a_canonical_form_compares_value_by_value() {
        let a = Schema::new()
            .optional("details", Type::Map(Box::new(Type::String)))
            .normalized(crate::provider::secrets::digest);
        let attr = &a.attrs["details"];
        let map =
            |secret: &str| Value::object([("client_id", Value::str("id-1")), ("client_secret", Value::str(secret))]);
        let kept = map(&crate::provider::secrets::digest("s3cret"));
        assert!(same_attr(attr, &map("s3cret"), &kept));
        assert!(!same_attr(attr, &map("other"), &kept));
        let fewer = Value::object([("client_id", Value::str("id-1"))]);
        assert!(!same_attr(attr, &fewer, &kept));
        assert!(!same_attr(attr, &kept, &fewer));
    }

    #[test]
    fn sets_compare_without_order() {
        let t = Type::set_of_strings();
        let a = Value::List(vec!["a".into(), "b".into()]);
        let b = Value::List(vec!["b".into(), "a".into()]);
        assert!(same(&t, &a, &b));
        assert!(!same(&Type::list_of_strings(), &a, &b));
        assert!(same(
            &Type::map_of_strings(),
            &Value::Null,
            &Value::object::<String>([])
        ));
    }
}
