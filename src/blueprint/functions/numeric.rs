//! Numeric functions: `abs`, `ceil`, `floor`, `log`, `max`, `min`, `parseint`, `pow`, `signum`.

use super::{whole, Args, FResult, FnError};
use crate::value::Value;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["abs", "ceil", "floor", "log", "max", "min", "parseint", "pow", "signum"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "abs" => a.num(0).map(|n| Value::Number(n.abs())),
        "ceil" => a.num(0).map(|n| Value::Number(n.ceil())),
        "floor" => a.num(0).map(|n| Value::Number(n.floor())),
        "log" => (|| finite(a.num(0)?.ln() / a.num(1)?.ln()))(),
        "pow" => (|| finite(a.num(0)?.powf(a.num(1)?)))(),
        "signum" => (|| {
            let n = whole(a.num(0)?)?;
            Ok(Value::Number(n.signum() as f64))
        })(),
        "max" | "min" => extreme(a, name == "max"),
        "parseint" => parseint(a),
        _ => return None,
    })
}

/// Terraform's numbers cannot be NaN; infinities are allowed (and then refused by encoders).
fn finite(n: f64) -> FResult {
    if n.is_nan() {
        Err("the result is not a number".into())
    } else {
        Ok(Value::Number(n))
    }
}

fn extreme(a: &Args, max: bool) -> FResult {
    let mut best: Option<f64> = None;
    for i in 0..a.len() {
        let n = a.num(i)?;
        best = Some(match best {
            Some(b) if (max && b >= n) || (!max && b <= n) => b,
            _ => n,
        });
    }
    best.map(Value::Number)
        .ok_or_else(|| "must pass at least one number".into())
}

/// `parseint(string, base)`: bases 2 to 62, digits 0-9, then a-z, then A-Z (case-insensitive
/// up to base 36, as Go's big.Int parses them).
fn parseint(a: &Args) -> FResult {
    let text = match a.get(0)? {
        Value::String(s) => s.clone(),
        other => {
            return Err(FnError::Arg(
                0,
                format!("first argument must be a string, not {}", other.type_name()),
            ))
        }
    };
    let base = a.num(1)?;
    if base.fract() != 0.0 || !(2.0..=62.0).contains(&base) {
        return Err(FnError::Arg(
            1,
            "base must be a whole number between 2 and 62 inclusive".into(),
        ));
    }
    let base = base as u32;
    let bad = || FnError::Arg(0, format!("cannot parse \"{text}\" as a base {base} integer"));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut n = 0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        n = n * base as f64 + d as f64;
    }
    Ok(Value::Number(if negative { -n } else { n }))
}
