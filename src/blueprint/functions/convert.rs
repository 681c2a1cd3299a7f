//! Type conversion: `tobool`, `tolist`, `tomap`, `tonumber`, `toset`, `tostring`, and the rules
//! behind them that every family shares.
//!
//! infractl's values carry no static type, so Terraform's type unification is done on the values
//! themselves: the elements of a list or map must agree on one type, where numbers and bools
//! become strings when strings are among them (`tolist([1, "a"])` is `["1", "a"]`), and sets are
//! deduplicated and ordered as Terraform orders them (strings lexically, numbers numerically).

use super::{Args, FResult, FnError};
use crate::value::{format_number, Value};
use indexmap::IndexMap;
use std::cmp::Ordering;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["tobool", "tolist", "tomap", "tonumber", "toset", "tostring"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "tobool" => one(a, |v| to_bool(v).map(Value::Bool)),
        "tonumber" => one(a, |v| to_number(v).map(Value::Number)),
        "tostring" => one(a, |v| to_string(v).map(Value::String)),
        "tolist" => one(a, |v| match v {
            Value::List(items) => unify(items.clone()).map(Value::List),
            other => Err(format!(
                "cannot convert {} to list of any single type",
                kind_name(other)
            )),
        }),
        "toset" => one(a, |v| match v {
            Value::List(items) => {
                let items = unify(items.clone())?;
                Ok(if items.iter().any(Value::has_unknown) {
                    Value::Unknown
                } else {
                    Value::List(set_of(items))
                })
            }
            other => Err(format!("cannot convert {} to set of any single type", kind_name(other))),
        }),
        "tomap" => one(a, |v| match v {
            Value::Object(map) => {
                let (keys, values): (Vec<String>, Vec<Value>) = map.clone().into_iter().unzip();
                let values =
                    unify(values).map_err(|_| "cannot convert object to map of any single type".to_string())?;
                Ok(Value::Object(keys.into_iter().zip(values).collect()))
            }
            other => Err(format!("cannot convert {} to map of any single type", kind_name(other))),
        }),
        _ => return None,
    })
}

/// Applies a conversion to the single argument; null converts to null.
fn one(a: &Args, f: impl Fn(&Value) -> Result<Value, String>) -> FResult {
    match a.get(0)? {
        Value::Null => Ok(Value::Null),
        v => f(v).map_err(|m| FnError::Arg(0, m)),
    }
}

/// The name Terraform gives a value's type in conversion errors.
fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "tuple",
        Value::Object(_) => "object",
        other => other.type_name(),
    }
}

/// A primitive as a string: numbers in Terraform's notation, bools as `true`/`false`.
pub fn to_string(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(number_text(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("cannot convert {} to string", kind_name(other))),
    }
}

/// A number as Terraform writes it: whole numbers without a fraction, `-0` kept.
pub fn number_text(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        "-0".into()
    } else {
        format_number(n)
    }
}

/// A value as a number; strings must be decimal notation exactly (no spaces, no hex).
pub fn to_number(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => parse_decimal(s).ok_or_else(|| {
            format!("cannot convert \"{s}\" to number; given string must be a decimal representation of a number")
        }),
        other => Err(format!("cannot convert {} to number", kind_name(other))),
    }
}

/// Parses `[+-]digits[.digits][e[+-]digits]` (also `.5` and `5.`), Terraform's number syntax.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A value as a bool; only the strings "true" and "false" convert.
pub fn to_bool(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        Value::String(s) => Err(format!(
            "cannot convert \"{s}\" to bool; only the strings \"true\" or \"false\" are allowed"
        )),
        other => Err(format!("cannot convert {} to bool", kind_name(other))),
    }
}

/// The shape of a value for unification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number,
    String,
    List,
    Object,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Bool(_) => Some(Kind::Bool),
        Value::Number(_) => Some(Kind::Number),
        Value::String(_) => Some(Kind::String),
        Value::List(_) => Some(Kind::List),
        Value::Object(_) => Some(Kind::Object),
        Value::Null | Value::Unknown => None,
    }
}

/// Converts the elements of a sequence to one common type, as Terraform does when a tuple becomes
/// a list, set or map: primitives become strings if any is a string, nested lists and objects with
/// the same attributes are unified element by element. Objects with different attributes are left
/// as they are.
pub fn unify(items: Vec<Value>) -> Result<Vec<Value>, String> {
    let kinds: Vec<Kind> = items.iter().filter_map(kind).collect();
    let Some(&first) = kinds.first() else {
        return Ok(items);
    };
    let same = kinds.iter().all(|k| *k == first);
    if !same {
        let primitive = |k: &Kind| matches!(k, Kind::Bool | Kind::Number | Kind::String);
        if kinds.iter().all(primitive) && kinds.contains(&Kind::String) {
            return items
                .into_iter()
                .map(|v| match v {
                    Value::Null | Value::Unknown => Ok(v),
                    v => to_string(&v).map(Value::String),
                })
                .collect();
        }
        return Err("all elements must have the same type".into());
    }
    match first {
        Kind::List => {
            // Lists of lists: unify every inner element together.
            let lens: Vec<Option<usize>> = items.iter().map(|v| v.as_list().map(<[Value]>::len)).collect();
            let inner: Vec<Value> = items
                .iter()
                .filter_map(Value::as_list)
                .flat_map(|l| l.iter().cloned())
                .collect();
            let Ok(mut unified) = unify(inner).map(Vec::into_iter) else {
                return Ok(items);
            };
            Ok(items
                .into_iter()
                .zip(lens)
                .map(|(v, len)| match len {
                    Some(n) => Value::List(unified.by_ref().take(n).collect()),
                    None => v,
                })
                .collect())
        }
        Kind::Object => {
            let maps: Vec<&IndexMap<String, Value>> = items.iter().filter_map(Value::as_object).collect();
            let mut names: Vec<&String> = maps[0].keys().collect();
            names.sort();
            let same_attrs = maps.iter().all(|m| {
                let mut k: Vec<&String> = m.keys().collect();
                k.sort();
                k == names
            });
            if !same_attrs {
                return Ok(items);
            }
            let mut columns: IndexMap<String, std::vec::IntoIter<Value>> = IndexMap::new();
            for name in names {
                let column: Vec<Value> = maps.iter().map(|m| m[name].clone()).collect();
                match unify(column) {
                    Ok(c) => columns.insert(name.clone(), c.into_iter()),
                    Err(_) => return Ok(items),
                };
            }
            Ok(items
                .into_iter()
                .map(|v| match v {
                    Value::Object(m) => Value::Object(
                        m.keys()
                            .map(|k| (k.clone(), columns[k].next().unwrap_or_default()))
                            .collect(),
                    ),
                    other => other,
                })
                .collect())
        }
        _ => Ok(items),
    }
}

/// The elements as a set: duplicates removed, ordered as Terraform orders sets.
pub fn set_of(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out.sort_by(set_order);
    out
}

/// Terraform's set order: unknown last, strings lexically, numbers numerically, false before
/// true, anything else by a canonical serialisation.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Unknown, Value::Unknown) => Ordering::Equal,
        (Value::Unknown, _) => Ordering::Greater,
        (_, Value::Unknown) => Ordering::Less,
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => hash_text(a).cmp(&hash_text(b)),
    }
}

/// The text Terraform orders non-primitive set elements by.
fn hash_text(v: &Value) -> String {
    let mut out = String::new();
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::Unknown => out.push('?'),
            Value::Null => out.push('~'),
            Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
            Value::Number(n) => out.push_str(&number_text(*n)),
            Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Value::List(items) => {
                out.push('[');
                for x in items {
                    walk(x, out);
                    out.push(';');
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('<');
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for k in keys {
                    walk(&map[k], out);
                    out.push(';');
                }
                out.push('>');
            }
        }
    }
    walk(v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_syntax_is_strict() {
        assert_eq!(parse_decimal("1.5e3"), Some(1500.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("5."), Some(5.0));
        for bad in ["", " 1", "1 ", "0x10", "1_000", "Infinity", "e5", "."] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn mixed_primitives_unify_to_strings_and_numbers_with_bools_do_not() {
        let v = unify(vec![Value::from(1), Value::str("a"), Value::Null]).unwrap();
        assert_eq!(v, vec![Value::str("1"), Value::str("a"), Value::Null]);
        assert!(unify(vec![Value::from(1), Value::Bool(true)]).is_err());
    }
}
