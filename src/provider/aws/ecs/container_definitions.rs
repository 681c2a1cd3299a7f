//! Comparing container definitions as Terraform's AWS provider does.
//!
//! ECS answers with defaults filled in (`essential`, `cpu: 0`, empty lists, `protocol: tcp`,
//! `hostPort` equal to `containerPort` under awsvpc) and may reorder containers and variables.
//! Two documents that differ only in those ways describe the same task and must not plan a
//! replacement; any other difference is real drift.
//!
//! Unlike Terraform, the canonical form does not depend on the network mode: a `hostPort`
//! equal to its `containerPort` is dropped in every mode. The one case this cannot tell apart,
//! a bridge-mode mapping changed between "dynamic host port" and "the same port", is rare.

use serde_json::{Map, Value as Json};
use std::sync::LazyLock;

/// The member names of ECS's `ContainerDefinition` and the structures inside it, from the ECS
/// API model (`container_shapes.json`, written by `container_shapes.py`, which says how).
static SHAPES: LazyLock<Map<String, Json>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("container_shapes.json")).expect("container_shapes.json is a JSON object")
});

/// Parses the user's `container_definitions`, with a clear message when it is not a JSON array
/// of objects each naming its container.
pub fn parse(text: &str) -> Result<Vec<Json>, String> {
    let v: Json = serde_json::from_str(text).map_err(|e| format!("container_definitions is not valid JSON: {e}"))?;
    let Json::Array(items) = v else {
        return Err("container_definitions must be a JSON array of container definitions".into());
    };
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(format!("container definition at index {i} is not an object"));
        };
        if obj.is_empty() {
            return Err(format!("invalid container definition supplied at index ({i})"));
        }
    }
    Ok(items
        .into_iter()
        .map(|item| as_go_reads(item, &shape("ContainerDefinition")))
        .collect())
}

fn shape(name: &str) -> Json {
    serde_json::json!({ "struct": name })
}

/// `value` as the provider's Go decoder reads it into the ECS SDK's types (`kind` is a kind of
/// `container_shapes.json`): each key of a structure goes to the member whose name matches it,
/// exactly or else without regard to case, and a key no member has is dropped. Modules rely on
/// it (`entrypoint` for `entryPoint`); ECS itself would not know the key as written. Map keys
/// are data and stay as written.
fn as_go_reads(value: Json, kind: &Json) -> Json {
    match (value, kind) {
        (Json::Object(obj), Json::Object(k)) if k.contains_key("struct") => {
            let Some(Json::Object(members)) = k["struct"].as_str().and_then(|s| SHAPES.get(s)) else {
                return Json::Object(obj);
            };
            let mut read = Map::new();
            for (key, v) in obj {
                let member = members
                    .get_key_value(&key)
                    .or_else(|| members.iter().find(|(m, _)| m.eq_ignore_ascii_case(&key)));
                if let Some((name, member_kind)) = member {
                    read.insert(name.clone(), as_go_reads(v, member_kind));
                }
            }
            Json::Object(read)
        }
        (Json::Array(items), Json::Object(k)) if k.contains_key("list") => {
            Json::Array(items.into_iter().map(|i| as_go_reads(i, &k["list"])).collect())
        }
        (other, _) => other,
    }
}

/// Whether two container-definition documents describe the same containers.
pub fn equivalent(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

/// The canonical text of a document (itself when it is not valid): what the plan compares.
pub fn canonical(text: &str) -> String {
    match parse(text) {
        Ok(defs) => serde_json::to_string(&sorted_keys(Json::Array(reduce(defs)))).unwrap_or_else(|_| text.into()),
        Err(_) => text.into(),
    }
}

/// The canonical form: defaults made explicit or dropped, empty values removed, containers and
/// name/value lists sorted by name.
pub fn reduce(mut defs: Vec<Json>) -> Vec<Json> {
    for def in defs.iter_mut() {
        if let Json::Object(obj) = def {
            reduce_container(obj);
        }
    }
    defs.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    defs
}

/// The same document with every object's keys in order, so equal documents print alike.
fn sorted_keys(v: Json) -> Json {
    match v {
        Json::Object(map) => {
            let mut pairs: Vec<(String, Json)> = map.into_iter().map(|(k, v)| (k, sorted_keys(v))).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(pairs.into_iter().collect())
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sorted_keys).collect()),
        other => other,
    }
}

fn name_of(v: &Json) -> &str {
    v.get("name").and_then(Json::as_str).unwrap_or("")
}

fn reduce_container(obj: &mut Map<String, Json>) {
    strip_empty(obj);
    if obj.get("cpu").and_then(Json::as_f64) == Some(0.0) {
        obj.remove("cpu");
    }
    obj.entry("essential").or_insert(Json::Bool(true));
    if let Some(Json::Object(hc)) = obj.get_mut("healthCheck") {
        hc.entry("interval").or_insert(30.into());
        hc.entry("retries").or_insert(3.into());
        hc.entry("timeout").or_insert(5.into());
    }
    if let Some(Json::Array(ports)) = obj.get_mut("portMappings") {
        for pm in ports.iter_mut().filter_map(Json::as_object_mut) {
            if pm.get("protocol").and_then(Json::as_str) == Some("tcp") {
                pm.remove("protocol");
            }
            let host = pm.get("hostPort").and_then(Json::as_f64);
            if host == Some(0.0) || (host.is_some() && host == pm.get("containerPort").and_then(Json::as_f64)) {
                pm.remove("hostPort");
            }
        }
    }
    for key in ["environment", "secrets"] {
        if let Some(Json::Array(list)) = obj.get_mut(key) {
            list.sort_by(|a, b| name_of(a).cmp(name_of(b)));
        }
    }
}

/// Removes nulls, empty lists and empty objects, at every depth (ECS returns `[]` for lists
/// the user never wrote).
fn strip_empty(obj: &mut Map<String, Json>) {
    for v in obj.values_mut() {
        match v {
            Json::Object(inner) => strip_empty(inner),
            Json::Array(items) => {
                for i in items.iter_mut() {
                    if let Json::Object(inner) = i {
                        strip_empty(inner);
                    }
                }
                items.retain(|i| !is_empty(i));
            }
            _ => {}
        }
    }
    obj.retain(|_, v| !is_empty(v));
}

fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_order_do_not_count() {
        let user = r#"[{"name":"web","image":"nginx","portMappings":[{"containerPort":80}],
            "environment":[{"name":"B","value":"2"},{"name":"A","value":"1"}]}]"#;
        let aws = r#"[{"name":"web","image":"nginx","cpu":0,"essential":true,"mountPoints":[],"volumesFrom":[],
            "portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}],
            "environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]"#;
        assert!(equivalent(user, aws));
        let other_port = aws.replace(r#""hostPort":80"#, r#""hostPort":8080"#);
        assert!(!equivalent(user, &other_port));
    }

    #[test]
    fn real_changes_count() {
        let a = r#"[{"name":"web","image":"nginx:1"}]"#;
        let b = r#"[{"name":"web","image":"nginx:2"}]"#;
        assert!(!equivalent(a, b));
        let c = r#"[{"name":"web","image":"nginx:1","essential":false}]"#;
        assert!(!equivalent(a, c));
    }

    #[test]
    fn keys_are_read_as_gos_decoder_reads_them() {
        let written = r#"[{"name":"app","image":"x","entrypoint":["sh","-c"],"PORTMAPPINGS":[{"containerport":80}],
            "dockerLabels":{"entrypoint":"kept"},"notAField":1,"logConfiguration":{"logdriver":"awslogs","options":{"Mode":"x"}}}]"#;
        let read = parse(written).unwrap();
        assert_eq!(
            read[0],
            serde_json::json!({"name":"app","image":"x","entryPoint":["sh","-c"],"portMappings":[{"containerPort":80}],
                "dockerLabels":{"entrypoint":"kept"},"logConfiguration":{"logDriver":"awslogs","options":{"Mode":"x"}}})
        );
        assert!(equivalent(
            written,
            r#"[{"name":"app","image":"x","entryPoint":["sh","-c"],"portMappings":[{"containerPort":80}],
            "dockerLabels":{"entrypoint":"kept"},"logConfiguration":{"logDriver":"awslogs","options":{"Mode":"x"}}}]"#
        ));
        assert!(!equivalent(
            written,
            r#"[{"name":"app","image":"x","entryPoint":["sh"]}]"#
        ));
    }

    #[test]
    fn bad_documents_are_explained() {
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
        assert!(parse("{}").unwrap_err().contains("array"));
        assert!(parse("[{}]").unwrap_err().contains("index (0)"));
    }
}
