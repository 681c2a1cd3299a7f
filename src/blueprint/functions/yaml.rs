//! `yamlencode` and `yamldecode`, byte for byte as Terraform (go-cty-yaml, a libyaml port).
//!
//! Encoding follows libyaml's block emitter: keys sorted and double-quoted, strings
//! double-quoted (folded at 80 columns) or, when they span lines, literal blocks with the
//! indentation and chomping indicators libyaml chooses; plain numbers, bools and null, and a
//! `...` end marker after a plain scalar document.
//!
//! Decoding reads events from `saphyr-parser` and resolves scalars with go-cty-yaml's rules,
//! which mix YAML 1.1 (`yes`, `on`, `y` are true) with 1.2 (`0o17`, `0x1F` are integers):
//! anchors and aliases, merge keys (`<<`), tags of the core schema, exactly one document.

use super::collection::sorted_map;
use super::convert::{number_text, parse_decimal};
use super::encoding::decode_base64;
use super::time::{days_in_month, Instant};
use super::{Args, FResult};
use crate::value::Value;
use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["yamldecode", "yamlencode"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "yamlencode" => a.get(0).and_then(|v| encode(v).map(Value::String).map_err(Into::into)),
        "yamldecode" => a.str(0).and_then(|s| decode(s).map_err(Into::into)),
        _ => return None,
    })
}

// ---- encoding ------------------------------------------------------------------------------

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// The emitter's state, as libyaml tracks it.
struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

/// Where a node is being written.
#[derive(Clone, Copy)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

fn encode(v: &Value) -> Result<String, String> {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
    };
    e.node(
        v,
        -1,
        Ctx {
            root: true,
            mapping: false,
            simple_key: false,
        },
    )?;
    // Document end (implicit), then stream end.
    e.write_indent(-1);
    if e.open_ended {
        e.indicator("...", true, false, false);
        e.write_indent(-1);
    }
    Ok(e.out)
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self, indent: i64) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(&mut self, text: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in text.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn node(&mut self, v: &Value, indent: i64, ctx: Ctx) -> Result<(), String> {
        match v {
            Value::List(items) if items.is_empty() => {
                self.indicator("[", true, true, false);
                self.indicator("]", false, false, false);
            }
            Value::Object(map) if map.is_empty() => {
                self.indicator("{", true, true, false);
                self.indicator("}", false, false, false);
            }
            Value::List(items) => {
                let indentless = ctx.mapping && !self.indention;
                let inner = if indent < 0 {
                    0
                } else if indentless {
                    indent
                } else {
                    indent + BEST_INDENT
                };
                for item in items {
                    self.write_indent(inner);
                    self.indicator("-", true, false, true);
                    self.node(
                        item,
                        inner,
                        Ctx {
                            root: false,
                            mapping: false,
                            simple_key: false,
                        },
                    )?;
                }
            }
            Value::Object(map) => {
                let inner = if indent < 0 { 0 } else { indent + BEST_INDENT };
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for k in keys {
                    self.write_indent(inner);
                    let simple = !k.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) && k.len() <= 128;
                    let key = Value::String(k.clone());
                    let value_ctx = Ctx {
                        root: false,
                        mapping: true,
                        simple_key: false,
                    };
                    if simple {
                        self.node(
                            &key,
                            inner,
                            Ctx {
                                root: false,
                                mapping: true,
                                simple_key: true,
                            },
                        )?;
                        self.indicator(":", false, false, false);
                    } else {
                        self.indicator("?", true, false, true);
                        self.node(&key, inner, value_ctx)?;
                        self.write_indent(inner);
                        self.indicator(":", true, false, true);
                    }
                    self.node(&map[k], inner, value_ctx)?;
                }
            }
            Value::String(s) => self.string(s, indent, ctx),
            Value::Number(n) => {
                if !n.is_finite() {
                    return Err("cannot serialize infinity as YAML".into());
                }
                self.plain(&number_text(*n), ctx);
            }
            Value::Bool(b) => self.plain(if *b { "true" } else { "false" }, ctx),
            Value::Null | Value::Unknown => self.plain("null", ctx),
        }
        Ok(())
    }

    fn plain(&mut self, text: &str, ctx: Ctx) {
        if !self.whitespace {
            self.put(' ');
        }
        for c in text.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
        if ctx.root {
            self.open_ended = true;
        }
    }

    /// A string: a literal block when it has a newline and a block is allowed there, otherwise
    /// double-quoted (go-cty-yaml asks for a literal only for strings with `\n`).
    fn string(&mut self, s: &str, indent: i64, ctx: Ctx) {
        let indent = if indent < 0 { BEST_INDENT } else { indent + BEST_INDENT };
        let a = analyze(s);
        if s.contains('\n') && a.block_allowed && !ctx.simple_key {
            self.literal(s, indent);
        } else {
            self.double_quoted(s, indent, !ctx.simple_key);
        }
    }

    fn double_quoted(&mut self, s: &str, indent: i64, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        // libyaml escapes every character of a string that starts with a byte order mark.
        let bom = s.starts_with('\u{feff}');
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for ch in format!("{v:0width$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < chars.len() {
                    self.write_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            i += 1;
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, s: &str, indent: i64) {
        self.indicator("|", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|c| *c == ' ' || is_break(*c)) {
            self.indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let chomp = match chars.as_slice() {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., prev, _] if is_break(*prev) => Some("+"),
            _ => None,
        };
        if let Some(h) = chomp {
            self.indicator(h, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Characters libyaml writes as they are (everything else is escaped in double quotes).
fn printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

struct Analysis {
    block_allowed: bool,
}

/// libyaml's scalar analysis, reduced to what decides between literal and double-quoted.
fn analyze(s: &str) -> Analysis {
    let chars: Vec<char> = s.chars().collect();
    let mut special = false;
    let mut space_break = false;
    let mut previous_space = false;
    for &c in &chars {
        if !printable(c) {
            special = true;
        }
        if c == ' ' {
            previous_space = true;
        } else if is_break(c) {
            if previous_space {
                space_break = true;
            }
            previous_space = false;
        } else {
            previous_space = false;
        }
    }
    let trailing_space = chars.last() == Some(&' ');
    Analysis {
        block_allowed: !chars.is_empty() && !trailing_space && !space_break && !special,
    }
}

// ---- decoding ------------------------------------------------------------------------------

const CORE: &str = "tag:yaml.org,2002:";

pub(super) fn decode(src: &str) -> Result<Value, String> {
    if let Some(v) = src
        .lines()
        .find(|l| l.starts_with("%YAML"))
        .and_then(|l| l.split_whitespace().nth(1))
    {
        if v != "1.1" {
            return Err("found incompatible YAML document".into());
        }
    }
    let src = if src.is_empty() { "\n" } else { src };
    let mut d = Decoder {
        events: Parser::new_from_str(src),
        depth: 0,
        anchors: HashMap::new(),
        pending: Vec::new(),
    };
    match d.next()? {
        Event::StreamStart => {}
        _ => return Err("missing stream start token".into()),
    }
    match d.next()? {
        Event::DocumentStart(_) => {}
        _ => return Err("missing start of document".into()),
    }
    let first = d.next()?;
    let v = d.value(first)?;
    match d.next()? {
        Event::DocumentEnd => {}
        Event::DocumentStart(_) => return Err("only a single document is allowed".into()),
        _ => return Err("unexpected extra content after value".into()),
    }
    match d.next()? {
        Event::StreamEnd => Ok(v),
        _ => Err("unexpected extra content after value".into()),
    }
}

/// The deepest nesting `yamldecode` reads (Terraform's decoder has no limit, but Go's stack
/// grows where infractl's would overflow).
const MAX_DEPTH: usize = 1000;

struct Decoder<'a> {
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Collections being read.
    depth: usize,
    anchors: HashMap<usize, Value>,
    /// Anchors whose node is still being read (an alias to them would be infinite).
    pending: Vec<usize>,
}

impl<'a> Decoder<'a> {
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the document nests deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn next(&mut self) -> Result<Event<'a>, String> {
        match self.events.next_event() {
            Some(Ok((event, _))) => Ok(event),
            Some(Err(e)) => Err(format!(
                "on line {}, column {}: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            )),
            None => Err("unexpected end of stream".into()),
        }
    }

    fn value(&mut self, event: Event<'a>) -> Result<Value, String> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let v = resolve(&text, style, tag.as_deref())?;
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::Alias(id) => {
                if self.pending.contains(&id) {
                    return Err("cannot refer to an anchor from inside its own definition".into());
                }
                self.anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "reference to undefined anchor".to_string())
            }
            Event::SequenceStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "seq", "sequence")?;
                self.enter()?;
                self.pending.push(anchor);
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        e => items.push(self.value(e)?),
                    }
                }
                self.pending.retain(|a| *a != anchor);
                self.depth -= 1;
                let v = Value::List(items);
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::MappingStart(anchor, tag) => {
                check_collection_tag(tag.as_deref(), "map", "mapping")?;
                self.enter()?;
                self.pending.push(anchor);
                let mut map: IndexMap<String, Value> = IndexMap::new();
                let mut merged: IndexMap<String, Value> = IndexMap::new();
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, _, tag) => {
                            if style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
                                let e = self.next()?;
                                match self.value(e)? {
                                    Value::Object(m) => {
                                        for (k, v) in m {
                                            merged.entry(k).or_insert(v);
                                        }
                                    }
                                    Value::List(_) => return Err("cannot merge tuple into mapping".into()),
                                    other => return Err(format!("cannot merge {} into mapping", other.type_name())),
                                }
                                continue;
                            }
                            match resolve(&text, style, tag.as_deref())? {
                                Value::Null => return Err("mapping key cannot be null".into()),
                                Value::String(s) => s,
                                Value::Bool(b) => b.to_string(),
                                Value::Number(n) => number_text(n),
                                _ => return Err("only strings are allowed as mapping keys".into()),
                            }
                        }
                        _ => return Err("only strings are allowed as mapping keys".into()),
                    };
                    let e = self.next()?;
                    let v = self.value(e)?;
                    map.insert(key, v);
                }
                for (k, v) in merged {
                    map.entry(k).or_insert(v);
                }
                self.pending.retain(|a| *a != anchor);
                self.depth -= 1;
                let v = Value::Object(sorted_map(map));
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::StreamEnd => Err("expecting value but found end of stream".into()),
            _ => Err("unexpected parser event".into()),
        }
    }
}

/// The full name of a tag (`!!str` is `tag:yaml.org,2002:str`).
fn tag_name(tag: &Tag) -> String {
    if tag.handle == "!!" {
        format!("{CORE}{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

fn check_collection_tag(tag: Option<&Tag>, expected: &str, what: &str) -> Result<(), String> {
    match tag.map(tag_name) {
        None => Ok(()),
        Some(t) if t == format!("{CORE}{expected}") => Ok(()),
        Some(t) => Err(format!("can't interpret {what} as {t}")),
    }
}

/// Resolves a scalar as go-cty-yaml does: quoted scalars are strings (a tag is checked but does
/// not change the value, except `!!null`), plain ones are matched against YAML's forms.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let tag = tag.map(tag_name);
    let short = tag.as_deref().and_then(|t| t.strip_prefix(CORE));
    if let Some(t) = &tag {
        if short.is_none()
            || !matches!(
                short,
                Some("str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary")
            )
        {
            return Err(format!("unsupported tag {:?}", t.replace(CORE, "!!")));
        }
    }
    let cannot = || format!("cannot parse {text:?} as {}", tag.as_deref().unwrap_or(""));
    let plain = style == ScalarStyle::Plain;
    if !plain {
        return match short {
            None | Some("str") => Ok(Value::str(text)),
            Some("null") => Ok(Value::Null),
            Some("binary") => decode_base64(text)
                .map(|_| Value::str(text))
                .ok_or_else(|| format!("{}: not valid base64", cannot())),
            Some(t) => typed(text, t).map(|_| Value::str(text)).ok_or_else(cannot),
        };
    }
    match short {
        Some("str") => Ok(Value::str(text)),
        Some(_) if text.is_empty() => Ok(Value::Null),
        Some("binary") => decode_base64(text)
            .map(|_| Value::str(text))
            .ok_or_else(|| format!("{}: not valid base64", cannot())),
        Some(t) => typed(text, t).ok_or_else(cannot),
        None => untagged(text),
    }
}

/// A plain scalar with an explicit core tag.
fn typed(text: &str, tag: &str) -> Option<Value> {
    match tag {
        "null" => Some(Value::Null),
        "bool" => match special(text) {
            Some(v @ Value::Bool(_)) => Some(v),
            _ => None,
        },
        "int" | "float" => {
            let plain = text.replace('_', "");
            if let Some(n) = parse_decimal(&plain) {
                return Some(Value::Number(n));
            }
            let (neg, digits) = match plain.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
            };
            let n = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
                u64::from_str_radix(h, 16).ok()
            } else if let Some(b) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
                u64::from_str_radix(b, 2).ok()
            } else if let Some(o) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
                u64::from_str_radix(o, 8).ok()
            } else if digits.len() > 1 && digits.starts_with('0') {
                u64::from_str_radix(&digits[1..], 8).ok()
            } else {
                None
            }? as f64;
            Some(Value::Number(if neg { -n } else { n }))
        }
        "timestamp" => timestamp(text).map(Value::String),
        _ => None,
    }
}

/// The words YAML reads as bools, null and infinities.
fn special(text: &str) -> Option<Value> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Number(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Number(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// An untagged plain scalar: a special word, a timestamp, a number, or else a string.
fn untagged(text: &str) -> Result<Value, String> {
    if let Some(v) = special(text) {
        return Ok(v);
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Err("floating point NaN is not supported".into());
    }
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'.' {
        if first.is_ascii_digit() {
            if let Some(t) = timestamp(text) {
                return Ok(Value::String(t));
            }
        }
        if let Some(n) = parse_decimal(text) {
            return Ok(Value::Number(n));
        }
        if first.is_ascii_digit() {
            let radix = |prefix: &str, radix: u32| {
                text.strip_prefix(prefix)
                    .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(radix)))
                    .map(|d| u64::from_str_radix(d, radix))
            };
            if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
                return n
                    .map(|n| Value::Number(n as f64))
                    .map_err(|_| format!("cannot parse {text:?} as {CORE}int"));
            }
        }
    }
    Ok(Value::str(text))
}

/// A YAML timestamp (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43`) as
/// RFC 3339, the way Terraform's functions represent times.
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i - start < min {
            return None;
        }
        s[start..*i].parse().ok()
    };
    let mut i = 0;
    let year = digits(&mut i, 4, 4)?;
    let expect = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    expect(&mut i, b'-')?;
    let month = digits(&mut i, 1, 2)?;
    expect(&mut i, b'-')?;
    let day = digits(&mut i, 1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(i64::from(year), month) {
        return None;
    }
    let date = (i64::from(year), month, day);
    if i == b.len() {
        return Some(Instant::from_fields(date, (0, 0, 0), 0, 0).rfc3339());
    }
    let zoned = match b[i] {
        b'T' | b't' => {
            i += 1;
            true
        }
        b' ' => {
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
            false
        }
        _ => return None,
    };
    let hour = digits(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    let minute = digits(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    let second = digits(&mut i, 1, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        digits(&mut i, 1, 9)?;
    }
    let offset = if zoned {
        match b.get(i) {
            Some(b'Z') if i + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                let h: i32 = s[i + 1..i + 3].parse().ok()?;
                let m: i32 = s[i + 4..i + 6].parse().ok()?;
                (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 }
            }
            _ => return None,
        }
    } else if i == b.len() {
        0
    } else {
        return None;
    };
    Some(Instant::from_fields(date, (hour, minute, second), 0, offset).rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_libyaml() {
        let v = Value::object([
            ("b", Value::List(vec![Value::str("x"), Value::str("multi\nline")])),
            ("a", Value::object([("c", Value::Bool(true)), ("d", Value::Null)])),
        ]);
        assert_eq!(
            encode(&v).unwrap(),
            "\"a\":\n  \"c\": true\n  \"d\": null\n\"b\":\n- \"x\"\n- |-\n  multi\n  line\n"
        );
        assert_eq!(encode(&Value::Number(1.0)).unwrap(), "1\n...\n");
        assert_eq!(encode(&Value::str(" lead\nx")).unwrap(), "|2-\n   lead\n  x\n");
    }

    #[test]
    fn decodes_with_go_cty_yaml_rules() {
        let v = decode("a: yes\nb: 0x10\nc: 010\nd: '1'\ne: 2001-12-14\nf: 1_000").unwrap();
        assert_eq!(v.get("a"), &Value::Bool(true));
        assert_eq!(v.get("b"), &Value::Number(16.0));
        assert_eq!(v.get("c"), &Value::Number(10.0));
        assert_eq!(v.get("d"), &Value::str("1"));
        assert_eq!(v.get("e"), &Value::str("2001-12-14T00:00:00Z"));
        assert_eq!(v.get("f"), &Value::str("1_000"));
        assert!(decode("---\na: 1\n---\nb: 2").is_err());
        assert!(decode("").is_err());
        assert!(decode("{a: &x [1, *x]}").is_err());
    }
}
