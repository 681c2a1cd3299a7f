//! String functions: `chomp`, `endswith`, `indent`, `join`, `lower`, `regex`, `regexall`,
//! `replace`, `split`, `startswith`, `strcontains`, `strrev`, `substr`, `title`, `trim`,
//! `trimprefix`, `trimspace`, `trimsuffix`, `upper`.
//!
//! Lengths and offsets count grapheme clusters, as Terraform's do (`"e\u0301"` is one
//! character); case mapping is Go's simple one-character mapping (`upper("ß")` stays "ß").

use super::{re2, Args, FResult, FnError};
use crate::value::Value;
use indexmap::IndexMap;
use unicode_segmentation::UnicodeSegmentation;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &[
    "chomp",
    "endswith",
    "indent",
    "join",
    "lower",
    "regex",
    "regexall",
    "replace",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "title",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
];

/// The longest string `indent` makes: far beyond any real document, and low enough that a
/// mistyped count is an error instead of an attempt to allocate it.
const MAX_RESULT: i64 = 100_000_000;

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "chomp" => a.str(0).map(|s| Value::str(s.trim_end_matches(['\n', '\r']))),
        "endswith" => (|| Ok(Value::Bool(a.str(0)?.ends_with(a.str(1)?))))(),
        "startswith" => (|| Ok(Value::Bool(a.str(0)?.starts_with(a.str(1)?))))(),
        "strcontains" => (|| Ok(Value::Bool(a.str(0)?.contains(a.str(1)?))))(),
        "indent" => (|| {
            let n = a.int(0)?;
            if n < 0 {
                return Err("the number of spaces must not be negative".into());
            }
            let lines = a.str(1)?.matches('\n').count() as i64;
            if n.saturating_mul(lines) > MAX_RESULT {
                return Err(
                    format!("indenting by {n} spaces makes a string of more than {MAX_RESULT} characters").into(),
                );
            }
            let pad = format!("\n{}", " ".repeat(n as usize));
            Ok(Value::str(a.str(1)?.replace('\n', &pad)))
        })(),
        "join" => join(a),
        "lower" => a.str(0).map(|s| Value::str(map_case(s, Case::Lower))),
        "upper" => a.str(0).map(|s| Value::str(map_case(s, Case::Upper))),
        "title" => a.str(0).map(|s| Value::str(title(s))),
        "split" => (|| {
            let (sep, text) = (a.str(0)?, a.str(1)?);
            let parts: Vec<Value> = if sep.is_empty() {
                text.chars().map(|c| Value::str(c.to_string())).collect()
            } else {
                text.split(sep).map(Value::str).collect()
            };
            Ok(Value::List(parts))
        })(),
        "strrev" => a
            .str(0)
            .map(|s| Value::str(s.graphemes(true).rev().collect::<String>())),
        "substr" => substr(a),
        "trim" => (|| {
            let cut = a.str(1)?;
            Ok(Value::str(a.str(0)?.trim_matches(|c| cut.contains(c))))
        })(),
        "trimprefix" => (|| {
            let (s, p) = (a.str(0)?, a.str(1)?);
            Ok(Value::str(s.strip_prefix(p).unwrap_or(s)))
        })(),
        "trimsuffix" => (|| {
            let (s, p) = (a.str(0)?, a.str(1)?);
            Ok(Value::str(s.strip_suffix(p).unwrap_or(s)))
        })(),
        "trimspace" => a.str(0).map(|s| Value::str(s.trim())),
        "regex" => regex(a, false),
        "regexall" => regex(a, true),
        "replace" => replace(a),
        _ => return None,
    })
}

fn join(a: &Args) -> FResult {
    let sep = a.str(0)?;
    if a.len() < 2 {
        return Err("at least one list is required".into());
    }
    let mut parts = Vec::new();
    for li in 1..a.len() {
        for (ei, v) in a.list(li)?.iter().enumerate() {
            match v {
                Value::String(s) => parts.push(s.as_str()),
                _ => {
                    return Err(FnError::Arg(
                        li,
                        format!("element {ei} is null; cannot concatenate null values"),
                    ))
                }
            }
        }
    }
    Ok(Value::str(parts.join(sep)))
}

/// `substr(string, offset, length)` by grapheme clusters, following Terraform's edge cases:
/// a negative offset counts from the end, a negative length takes the rest.
fn substr(a: &Args) -> FResult {
    let text = a.str(0)?;
    let (mut offset, length) = (a.int(1)?, a.int(2)?);
    let clusters: Vec<&str> = text.graphemes(true).collect();
    if offset < 0 {
        offset += clusters.len() as i64;
    } else if length == 0 {
        return Ok(Value::str(""));
    }
    let start = if offset > 0 {
        if offset as usize >= clusters.len() {
            return Ok(Value::str(""));
        }
        offset as usize
    } else {
        0
    };
    let rest = &clusters[start..];
    let end = if length <= 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::str(rest[..end].concat()))
}

#[derive(Clone, Copy)]
enum Case {
    Lower,
    Upper,
    Title,
}

/// Go's simple case mapping of one character: where the full Unicode mapping gives several
/// characters (`ß` to `SS`), Go keeps the character or uses its single-character mapping.
fn map_char(c: char, case: Case) -> char {
    let mapped: Vec<char> = match case {
        Case::Lower => c.to_lowercase().collect(),
        Case::Upper | Case::Title => c.to_uppercase().collect(),
    };
    if let Case::Title = case {
        // Letters with a distinct titlecase form (the Latin digraphs).
        match c {
            'Ǆ' | 'ǅ' | 'ǆ' => return 'ǅ',
            'Ǉ' | 'ǈ' | 'ǉ' => return 'ǈ',
            'Ǌ' | 'ǋ' | 'ǌ' => return 'ǋ',
            'Ǳ' | 'ǲ' | 'ǳ' => return 'ǲ',
            _ => {}
        }
    }
    match mapped.as_slice() {
        [one] => *one,
        // İ lowercases to i + combining dot in full mapping, to i in the simple one.
        [first, ..] if matches!(case, Case::Lower) => *first,
        _ => match c as u32 {
            // Greek with ypogegrammeni: the simple mapping is the titlecase letter.
            0x1F80..=0x1FAF if (c as u32) & 0x8 == 0 => char::from_u32(c as u32 + 8).unwrap_or(c),
            0x1FB3 => '\u{1FBC}',
            0x1FC3 => '\u{1FCC}',
            0x1FF3 => '\u{1FFC}',
            _ => c,
        },
    }
}

fn map_case(s: &str, case: Case) -> String {
    s.chars().map(|c| map_char(c, case)).collect()
}

/// Go's `strings.Title`: the first letter of each word in title case, where words are separated
/// by spaces and ASCII punctuation (but not by `_`, digits, or non-ASCII symbols).
fn title(s: &str) -> String {
    let mut prev_separator = true;
    s.chars()
        .map(|c| {
            let out = if prev_separator { map_char(c, Case::Title) } else { c };
            prev_separator = if c.is_ascii() {
                !(c.is_ascii_alphanumeric() || c == '_')
            } else if c.is_alphabetic() || c.is_numeric() {
                false
            } else {
                c.is_whitespace()
            };
            out
        })
        .collect()
}

/// `regex` (first match) and `regexall` (every match): the whole match when the pattern has no
/// capture groups, a list of groups when they are unnamed, an object when they are named.
fn regex(a: &Args, all: bool) -> FResult {
    let (pattern, text) = (a.str(0)?, a.str(1)?);
    let re = re2::compile(pattern).map_err(|m| FnError::Arg(0, format!("invalid regexp pattern: {m}")))?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() {
        return Err(FnError::Arg(
            0,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups".into(),
        ));
    }
    let shape = |caps: regex::Captures| -> Value {
        let group = |i: usize| caps.get(i).map(|m| Value::str(m.as_str())).unwrap_or(Value::Null);
        if names.is_empty() {
            group(0)
        } else if named > 0 {
            let mut obj: Vec<(String, Value)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.unwrap_or_default().to_string(), group(i + 1)))
                .collect();
            obj.sort_by(|x, y| x.0.cmp(&y.0));
            Value::Object(obj.into_iter().collect::<IndexMap<_, _>>())
        } else {
            Value::List((1..=names.len()).map(group).collect())
        }
    };
    if all {
        return Ok(Value::List(
            go_captures_iter(&re, text).into_iter().map(shape).collect(),
        ));
    }
    re.captures(text)
        .map(shape)
        .ok_or_else(|| "pattern did not match any part of the given string".into())
}

/// Every match, as Go's `FindAll` reports them: an empty match right after a previous match is
/// skipped.
fn go_captures_iter<'t>(re: &regex::Regex, text: &'t str) -> Vec<regex::Captures<'t>> {
    let mut out: Vec<regex::Captures<'t>> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        out.push(caps);
    }
    out
}

/// `replace(string, substring, replacement)`; a substring in slashes is a regular expression and
/// the replacement may refer to its groups (`$1`, `${name}`).
fn replace(a: &Args) -> FResult {
    let (text, from, to) = (a.str(0)?, a.str(1)?, a.str(2)?);
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        let re = re2::compile(&from[1..from.len() - 1]).map_err(|m| format!("error parsing regexp: {m}"))?;
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for caps in go_captures_iter(&re, text) {
            let Some(m) = caps.get(0) else { continue };
            out.push_str(&text[last..m.start()]);
            caps.expand(to, &mut out);
            last = m.end();
        }
        out.push_str(&text[last..]);
        return Ok(Value::String(out));
    }
    Ok(Value::String(text.replace(from, to)))
}
