//! Dynamic values of the blueprint language, with Terraform's "unknown" value.
//!
//! Every layer (blueprint evaluation, planning, providers, state) speaks this one type so that a
//! value computed by AWS after a create can flow into the configuration of the next resource
//! unchanged. `Unknown` is what Terraform prints as "(known after apply)": it propagates through
//! every operation so the planner can tell what it cannot know yet.

use indexmap::IndexMap;
use serde_json::Value as Json;
use std::fmt;

/// A blueprint value. Lists stand for HCL tuples, lists and sets; objects for objects and maps.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Object(IndexMap<String, Value>),
    /// A value that only becomes known once the resource it comes from has been applied.
    Unknown,
}

impl Value {
    /// Builds a string value; saves `.to_string()` noise at call sites.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// Builds an object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// True when this value, or anything nested in it, is unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Object(map) => map.values().any(Value::has_unknown),
            _ => false,
        }
    }

    /// The same value with every unknown part replaced by null: what a provider is given for
    /// attributes AWS will compute.
    pub fn unknown_to_null(&self) -> Value {
        match self {
            Value::Unknown => Value::Null,
            Value::List(items) => Value::List(items.iter().map(Value::unknown_to_null).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), v.unknown_to_null())).collect()),
            other => other.clone(),
        }
    }

    /// The same object with each unknown top-level attribute taken from `known`: what a plan
    /// left to AWS becomes what AWS made, so an update from `known` changes only what was set.
    pub fn unknowns_from(&self, known: &Value) -> Value {
        match self {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| match v {
                        Value::Unknown => (k.clone(), known.get(k).clone()),
                        v => (k.clone(), v.clone()),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean inside, accepting the strings "true"/"false" as Terraform's conversion does.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The number inside, accepting numeric strings as Terraform's conversion does.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The items inside, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The map inside, if this is an object.
    pub fn as_object(&self) -> Option<&IndexMap<String, Value>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Looks up an attribute of an object; `Null` when absent or not an object.
    pub fn get(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Object(map) => map.get(key).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// A human name of the value's type, as Terraform's error messages spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown => "unknown",
        }
    }

    /// Converts to a string the way Terraform converts primitives to strings.
    pub fn to_plain_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts into JSON for state files and `jsonencode`. Unknown values become null.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null | Value::Unknown => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => Json::String(s.clone()),
            Value::List(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// Converts from JSON (state files, `jsondecode`, API documents).
    pub fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            Json::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }

    /// Renders the value as HCL-like text for plan output.
    pub fn render(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Unknown => "(known after apply)".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => format_number(*n),
            Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::render).collect();
                format!("[{}]", inner.join(", "))
            }
            Value::Object(map) => {
                let inner: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {}", v.render())).collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(f64::from(n))
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// Prints whole numbers without a fraction, as Terraform does.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn number_to_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map(Json::Number).unwrap_or(Json::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknowns_are_taken_from_what_is_known() {
        let planned = Value::object([("a", Value::Unknown), ("b", Value::str("set"))]);
        let made = Value::object([("a", Value::str("made")), ("b", Value::str("other"))]);
        assert_eq!(
            planned.unknowns_from(&made),
            Value::object([("a", Value::str("made")), ("b", Value::str("set"))])
        );
    }

    #[test]
    fn unknown_is_found_when_nested() {
        let v = Value::object([("a", Value::List(vec![Value::from(1), Value::Unknown]))]);
        assert!(v.has_unknown());
        assert!(!Value::object([("a", Value::from("x"))]).has_unknown());
    }

    #[test]
    fn json_round_trip_keeps_integers_whole() {
        let v = Value::object([("n", Value::Number(3.0)), ("s", Value::str("x"))]);
        assert_eq!(v.to_json().to_string(), r#"{"n":3,"s":"x"}"#);
        assert_eq!(Value::from_json(&v.to_json()), v);
    }

    #[test]
    fn primitives_convert_to_strings_like_terraform() {
        assert_eq!(Value::Number(10.0).to_plain_string().unwrap(), "10");
        assert_eq!(Value::Number(0.5).to_plain_string().unwrap(), "0.5");
        assert_eq!(Value::Bool(true).to_plain_string().unwrap(), "true");
    }
}
