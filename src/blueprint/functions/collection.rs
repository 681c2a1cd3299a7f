//! Collection functions: lists, maps and sets (`concat`, `merge`, `lookup`, `flatten`,
//! `setproduct`, `transpose`, ...).
//!
//! Map keys come out in lexical order, as Terraform iterates maps and objects. Lists and sets are
//! both `Value::List`; set functions deduplicate and order their results as Terraform's sets.

use super::convert::{set_of, unify};
use super::{Args, FResult, FnError};
use crate::value::Value;
use indexmap::IndexMap;
use unicode_segmentation::UnicodeSegmentation;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &[
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "matchkeys",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        // A known false (or null) decides alltrue, a known true anytrue, whatever else is unknown.
        "alltrue" => a.list(0).map(|l| {
            if l.iter().any(|v| matches!(v, Value::Bool(false) | Value::Null)) {
                Value::Bool(false)
            } else if l.contains(&Value::Unknown) {
                Value::Unknown
            } else {
                Value::Bool(true)
            }
        }),
        "anytrue" => a.list(0).map(|l| {
            if l.contains(&Value::Bool(true)) {
                Value::Bool(true)
            } else if l.contains(&Value::Unknown) {
                Value::Unknown
            } else {
                Value::Bool(false)
            }
        }),
        "chunklist" => chunklist(a),
        "coalesce" => coalesce(a),
        "coalescelist" => coalescelist(a),
        "compact" => a.list(0).map(|l| {
            Value::List(
                l.iter()
                    .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    .cloned()
                    .collect(),
            )
        }),
        "concat" => concat(a),
        "contains" => contains(a),
        "distinct" => a.list(0).map(|l| {
            let mut out: Vec<Value> = Vec::new();
            for v in l {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Value::List(out)
        }),
        "element" => element(a),
        "flatten" => sequence(a, 0, "can only flatten lists, sets and tuples").map(|l| {
            let mut out = Vec::new();
            if flatten_into(l, &mut out) {
                Value::List(out)
            } else {
                Value::Unknown
            }
        }),
        "index" => index(a),
        "keys" => object(a, 0, "must have map or object type")
            .map(|m| Value::List(sorted(m).map(|(k, _)| Value::str(k)).collect())),
        "values" => object(a, 0, "values() requires a map as the first argument")
            .map(|m| Value::List(sorted(m).map(|(_, v)| v.clone()).collect())),
        "length" => length(a),
        "lookup" => lookup(a),
        "matchkeys" => matchkeys(a),
        "merge" => merge(a),
        "one" => one(a),
        "range" => range(a),
        "reverse" => match a.get(0) {
            Ok(Value::List(l)) => Ok(Value::List(l.iter().rev().cloned().collect())),
            Ok(other) => Err(FnError::Arg(
                0,
                format!("can only reverse list or tuple values, not {}", other.type_name()),
            )),
            Err(e) => Err(e),
        },
        "setintersection" | "setsubtract" | "setunion" => set_operation(name, a),
        "setproduct" => setproduct(a),
        "slice" => slice(a),
        "sort" => sort(a),
        "sum" => sum(a),
        "transpose" => transpose(a),
        "zipmap" => zipmap(a),
        _ => return None,
    })
}

/// The pairs of a map in Terraform's iteration order (lexical by key).
fn sorted(m: &IndexMap<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    let mut pairs: Vec<(&String, &Value)> = m.iter().collect();
    pairs.sort_by(|x, y| x.0.cmp(y.0));
    pairs.into_iter()
}

/// A map with its keys in Terraform's order.
pub(super) fn sorted_map(m: IndexMap<String, Value>) -> IndexMap<String, Value> {
    let mut m = m;
    m.sort_keys();
    m
}

fn sequence<'a>(a: &'a Args, i: usize, msg: &str) -> Result<&'a [Value], FnError> {
    match a.get(i)? {
        Value::List(l) => Ok(l),
        _ => Err(FnError::Call(msg.into())),
    }
}

fn object<'a>(a: &'a Args, i: usize, msg: &str) -> Result<&'a IndexMap<String, Value>, FnError> {
    match a.get(i)? {
        Value::Object(m) => Ok(m),
        _ => Err(FnError::Arg(i, msg.into())),
    }
}

fn chunklist(a: &Args) -> FResult {
    let items = a.list(0)?;
    let size = a.int(1)?;
    if size < 0 {
        return Err("the size argument must be positive".into());
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    Ok(Value::List(
        items.chunks(size as usize).map(|c| Value::List(c.to_vec())).collect(),
    ))
}

/// The first argument that is neither null nor an empty string; all arguments are first
/// converted to one type (`coalesce(1, "a")` is "1").
fn coalesce(a: &Args) -> FResult {
    if a.len() == 0 {
        return Err("all arguments must have the same type".into());
    }
    let vals = unify(a.vals.clone()).map_err(|_| FnError::Call("all arguments must have the same type".into()))?;
    let strings = vals.iter().any(|v| matches!(v, Value::String(_)));
    for v in vals {
        match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => continue,
            Value::String(s) if s.is_empty() && strings => continue,
            v => return Ok(v),
        }
    }
    Err("no non-null, non-empty-string arguments".into())
}

fn coalescelist(a: &Args) -> FResult {
    if a.len() == 0 {
        return Err("at least one argument is required".into());
    }
    for v in &a.vals {
        match v {
            Value::List(items) if items.is_empty() => continue,
            Value::List(_) => return Ok(v.clone()),
            _ => return Err("coalescelist arguments must be lists or tuples".into()),
        }
    }
    Err("no non-null arguments".into())
}

fn concat(a: &Args) -> FResult {
    if a.len() == 0 {
        return Err("at least one argument is required".into());
    }
    let mut out = Vec::new();
    for (i, v) in a.vals.iter().enumerate() {
        match v {
            Value::List(items) => out.extend(items.iter().cloned()),
            other => {
                return Err(FnError::Arg(
                    i,
                    format!("all arguments must be lists or tuples; got {}", other.type_name()),
                ))
            }
        }
    }
    Ok(Value::List(out))
}

fn contains(a: &Args) -> FResult {
    let items = sequence(a, 0, "argument must be list, tuple, or set")?;
    let needle = a.get(1)?;
    if needle.has_unknown() {
        return Ok(Value::Unknown);
    }
    if items.contains(needle) {
        return Ok(Value::Bool(true));
    }
    Ok(if items.iter().any(Value::has_unknown) {
        Value::Unknown
    } else {
        Value::Bool(false)
    })
}

fn element(a: &Args) -> FResult {
    let items = match a.get(0)? {
        Value::List(l) => l,
        other => return Err(format!("cannot read elements from {}", other.type_name()).into()),
    };
    if items.is_empty() {
        return Err("cannot use element function with an empty list".into());
    }
    let i = super::whole(a.num(1)?).map_err(|m| FnError::Call(format!("invalid index: {m}")))?;
    if i < 0 {
        return Err("cannot use element function with a negative index".into());
    }
    Ok(items[(i as usize) % items.len()].clone())
}

/// Flattens nested lists into `out`; false when an element at list level is unknown (it may
/// be a list, so neither the length nor the elements are known), as cty's flatten. Objects
/// with unknown attributes are known elements: a module's list of settings objects flattens
/// to a known length with known keys, which a `for_each` needs.
fn flatten_into(items: &[Value], out: &mut Vec<Value>) -> bool {
    let mut known = true;
    for v in items {
        match v {
            Value::List(inner) => known &= flatten_into(inner, out),
            Value::Unknown => known = false,
            other => out.push(other.clone()),
        }
    }
    known
}

fn index(a: &Args) -> FResult {
    let items = sequence(a, 0, "argument must be a list or tuple")?;
    if items.is_empty() {
        return Err("cannot search an empty list".into());
    }
    let needle = a.get(1)?;
    items
        .iter()
        .position(|v| v == needle)
        .map(|i| Value::Number(i as f64))
        .ok_or_else(|| "item not found".into())
}

fn length(a: &Args) -> FResult {
    Ok(Value::Number(match a.get(0)? {
        Value::List(l) => l.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.graphemes(true).count(),
        _ => return Err("argument must be a string, a collection type, or a structural type".into()),
    } as f64))
}

fn lookup(a: &Args) -> FResult {
    if a.len() > 3 {
        return Err(format!("lookup() takes two or three arguments, got {}", a.len()).into());
    }
    if a.get(0)? == &Value::Unknown || a.get(1)? == &Value::Unknown {
        return Ok(Value::Unknown);
    }
    let map = object(a, 0, "lookup() requires a map as the first argument")?;
    let key = a.str(1)?;
    match (map.get(key), a.vals.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(FnError::Arg(0, format!("the given object has no attribute \"{key}\""))),
    }
}

/// `matchkeys(values, keys, searchset)`: the values whose key (at the same index) is in the
/// search set; keys and search set are compared after conversion to one type.
fn matchkeys(a: &Args) -> FResult {
    let (values, keys, search) = (a.list(0)?, a.list(1)?, a.list(2)?);
    if values.len() != keys.len() {
        return Err("length of keys and values should be equal".into());
    }
    let mut both: Vec<Value> = keys.to_vec();
    both.extend(search.iter().cloned());
    let both = unify(both).map_err(FnError::Call)?;
    let (keys, search) = both.split_at(keys.len());
    Ok(Value::List(
        values
            .iter()
            .zip(keys)
            .filter(|(_, k)| search.contains(k))
            .map(|(v, _)| v.clone())
            .collect(),
    ))
}

fn merge(a: &Args) -> FResult {
    let mut out = IndexMap::new();
    for v in &a.vals {
        match v {
            Value::Null => {}
            Value::Object(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => {
                let ty = if matches!(other, Value::List(_)) {
                    "tuple"
                } else {
                    other.type_name()
                };
                return Err(format!("arguments must be maps or objects, got \"{ty}\"").into());
            }
        }
    }
    Ok(Value::Object(sorted_map(out)))
}

fn one(a: &Args) -> FResult {
    match a.get(0)? {
        Value::List(l) if l.len() <= 1 => Ok(l.first().cloned().unwrap_or(Value::Null)),
        _ => Err(FnError::Arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements".into(),
        )),
    }
}

fn range(a: &Args) -> FResult {
    let (start, end, step) = match a.len() {
        1 => (0.0, a.num(0)?, None),
        2 => (a.num(0)?, a.num(1)?, None),
        3 => (a.num(0)?, a.num(1)?, Some(a.num(2)?)),
        _ => return Err("must have one, two, or three arguments".into()),
    };
    let step = step.unwrap_or(if end < start { -1.0 } else { 1.0 });
    if step < 0.0 && end > start {
        return Err(FnError::Arg(
            0,
            "end must be less than start when step is negative".into(),
        ));
    }
    if step > 0.0 && end < start {
        return Err(FnError::Arg(
            0,
            "end must be greater than start when step is positive".into(),
        ));
    }
    let mut out = Vec::new();
    let mut v = start;
    while (step >= 0.0 && v < end) || (step < 0.0 && v > end) {
        if out.len() >= 1024 {
            return Err("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step".into());
        }
        out.push(Value::Number(v));
        v += step;
    }
    Ok(Value::List(out))
}

/// `setunion`, `setintersection`, `setsubtract`: the sets' elements are first converted to one
/// type together (`setunion([1], ["a"])` is `["1", "a"]`).
fn set_operation(name: &str, a: &Args) -> FResult {
    let mut lens = Vec::new();
    let mut all = Vec::new();
    for i in 0..a.len() {
        let l = a.list(i)?;
        lens.push(l.len());
        all.extend(l.iter().cloned());
    }
    let mut all = unify(all).map_err(FnError::Call)?.into_iter();
    let sets: Vec<Vec<Value>> = lens.iter().map(|n| all.by_ref().take(*n).collect()).collect();
    let mut result = sets.first().cloned().unwrap_or_default();
    for other in sets.iter().skip(1) {
        match name {
            "setunion" => result.extend(other.iter().cloned()),
            "setintersection" => result.retain(|v| other.contains(v)),
            _ => result.retain(|v| !other.contains(v)),
        }
    }
    Ok(Value::List(set_of(result)))
}

/// The most combinations `setproduct` builds: far beyond any real use (each is a resource
/// instance or a rule), and low enough that a mistake is an error instead of exhausting memory.
const MAX_PRODUCT: usize = 1_000_000;

/// `setproduct`: every combination, one element from each argument, in the arguments' order.
fn setproduct(a: &Args) -> FResult {
    if a.len() < 2 {
        return Err("at least two arguments are required".into());
    }
    let mut total: usize = 1;
    for i in 0..a.len() {
        total = total.saturating_mul(a.get(i)?.as_list().map_or(1, <[Value]>::len));
    }
    if total > MAX_PRODUCT {
        return Err(format!("the product has {total} elements; at most {MAX_PRODUCT} are supported").into());
    }
    let mut acc: Vec<Vec<Value>> = vec![vec![]];
    for i in 0..a.len() {
        let items = match a.get(i)? {
            Value::List(l) => l,
            _ => return Err(FnError::Arg(i, "a set or a list is required".into())),
        };
        let mut next = Vec::with_capacity(acc.len() * items.len());
        for prefix in &acc {
            for x in items {
                let mut p = prefix.clone();
                p.push(x.clone());
                next.push(p);
            }
        }
        acc = next;
    }
    Ok(Value::List(acc.into_iter().map(Value::List).collect()))
}

fn slice(a: &Args) -> FResult {
    let items = match a.get(0)? {
        Value::List(l) => l,
        _ => return Err(FnError::Arg(0, "must be a list or tuple value".into())),
    };
    let start = super::whole(a.num(1)?).map_err(|m| FnError::Arg(1, format!("invalid start index: {m}")))?;
    let end = super::whole(a.num(2)?).map_err(|m| FnError::Arg(2, format!("invalid end index: {m}")))?;
    if start < 0 {
        return Err(FnError::Arg(1, "start index must not be less than zero".into()));
    }
    if end > items.len() as i64 {
        return Err(FnError::Arg(
            2,
            "end index must not be greater than the length of the list".into(),
        ));
    }
    if start > end {
        return Err(FnError::Arg(1, "start index must not be greater than end index".into()));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

fn sort(a: &Args) -> FResult {
    let mut out = Vec::new();
    for (i, v) in a.list(0)?.iter().enumerate() {
        match v {
            Value::String(s) => out.push(s.clone()),
            _ => return Err(format!("given list element {i} is null; a null string cannot be sorted").into()),
        }
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

fn sum(a: &Args) -> FResult {
    let items = match a.get(0)? {
        Value::List(l) => l,
        other => {
            return Err(FnError::Arg(
                0,
                format!("argument must be list, set, or tuple. Received {}", other.type_name()),
            ))
        }
    };
    if items.is_empty() {
        return Err(FnError::Arg(0, "cannot sum an empty list".into()));
    }
    let mut total = 0.0;
    for v in items {
        let n = match v {
            Value::Number(n) => *n,
            Value::String(_) => super::convert::to_number(v).map_err(|m| FnError::Arg(0, m))?,
            _ => {
                return Err(FnError::Arg(
                    0,
                    "argument must be list, set, or tuple of number values".into(),
                ))
            }
        };
        total += n;
    }
    Ok(Value::Number(total))
}

fn transpose(a: &Args) -> FResult {
    let mut out: IndexMap<String, Vec<Value>> = IndexMap::new();
    for (k, list) in sorted(a.map(0)?) {
        for v in list.as_list().unwrap_or_default() {
            let Value::String(s) = v else {
                return Err("input list must not contain null string".into());
            };
            out.entry(s.clone()).or_default().push(Value::str(k));
        }
    }
    Ok(Value::Object(sorted_map(
        out.into_iter().map(|(k, v)| (k, Value::List(v))).collect(),
    )))
}

fn zipmap(a: &Args) -> FResult {
    let keys = a.list(0)?;
    let values = match a.get(1)? {
        Value::List(l) => l,
        _ => return Err(FnError::Arg(1, "values must be a list or tuple".into())),
    };
    if keys.contains(&Value::Unknown) {
        return Ok(Value::Unknown);
    }
    if keys.len() != values.len() {
        return Err(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        )
        .into());
    }
    let mut out = IndexMap::new();
    for (i, (k, v)) in keys.iter().zip(values).enumerate() {
        let Value::String(k) = k else {
            return Err(format!("keys list has null value at index {i}").into());
        };
        out.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(sorted_map(out)))
}
