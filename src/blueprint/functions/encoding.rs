//! Encoding functions: `base64encode`, `base64decode`, `base64gzip`, `csvdecode`, `jsonencode`,
//! `jsondecode`, `textencodebase64`, `textdecodebase64`, `urlencode` (YAML is in `yaml`).
//!
//! `jsonencode` writes JSON exactly as Terraform does, because its output ends up in policy
//! documents and tags where any byte of difference is a change to plan: object keys in lexical
//! order, whole numbers without a fraction, and Go's escaping of `<`, `>`, `&`, U+2028, U+2029.

use super::collection::sorted_map;
use super::convert::number_text;
use super::{Args, FResult, FnError};
use crate::value::Value;
use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use indexmap::IndexMap;
use std::io::Write as _;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &[
    "base64decode",
    "base64encode",
    "base64gzip",
    "csvdecode",
    "jsondecode",
    "jsonencode",
    "textdecodebase64",
    "textencodebase64",
    "urlencode",
];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "base64encode" => a.str(0).map(|s| Value::String(general_purpose::STANDARD.encode(s))),
        "base64decode" => (|| {
            let text = a.str(0)?;
            let bytes = decode_base64(text).ok_or_else(|| format!("failed to decode base64 data \"{text}\""))?;
            let s = String::from_utf8(bytes)
                .map_err(|_| "the result of decoding the provided string is not valid UTF-8")?;
            Ok(Value::String(s))
        })(),
        "base64gzip" => a.str(0).and_then(|s| gzip(s.as_bytes()).map(Value::String)),
        "csvdecode" => a.str(0).and_then(csvdecode),
        "jsonencode" => a
            .get(0)
            .and_then(|v| json_text(v).map(Value::String).map_err(FnError::Call)),
        "jsondecode" => (|| {
            let json: serde_json::Value = serde_json::from_str(a.str(0)?).map_err(|e| e.to_string())?;
            Ok(Value::from_json(&json))
        })(),
        "textencodebase64" => (|| {
            let encoding = Encoding::named(a.str(1)?).map_err(|m| FnError::Arg(1, m))?;
            let bytes = encoding.encode(a.str(0)?).map_err(|m| FnError::Arg(0, m))?;
            Ok(Value::String(general_purpose::STANDARD.encode(bytes)))
        })(),
        "textdecodebase64" => (|| {
            let encoding = Encoding::named(a.str(1)?).map_err(|m| FnError::Arg(1, m))?;
            let text = a.str(0)?;
            let bytes = decode_base64(text)
                .ok_or_else(|| FnError::Arg(0, "the given value is has an invalid base64 symbol".into()))?;
            encoding
                .decode(&bytes)
                .map(Value::String)
                .map_err(|m| FnError::Arg(0, m))
        })(),
        "urlencode" => a.str(0).map(|s| Value::String(urlencode(s))),
        _ => return None,
    })
}

/// Standard base64 as Go decodes it: padding required, line breaks ignored, stray bits in the
/// last symbol tolerated.
pub(super) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let cleaned: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    LENIENT.decode(cleaned).ok()
}

/// Gzip with the header Go writes (no name, no time, unknown OS), base64-encoded. The compressed
/// bytes can differ from Terraform's (a different deflate implementation); both decompress to
/// the same text.
fn gzip(data: &[u8]) -> Result<String, FnError> {
    let mut enc = flate2::GzBuilder::new()
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    enc.write_all(data).map_err(|e| e.to_string())?;
    let bytes = enc.finish().map_err(|e| e.to_string())?;
    Ok(general_purpose::STANDARD.encode(bytes))
}

/// A value as Terraform's `jsonencode` writes it.
pub(super) fn json_text(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null | Value::Unknown => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if !n.is_finite() {
                return Err("cannot serialize infinity as JSON".into());
            }
            out.push_str(&number_text(*n));
        }
        Value::String(s) => write_json_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(&map[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Go's `encoding/json` string escaping (with its HTML-safe escapes).
fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `csvdecode`: RFC 4180 CSV as Go's `encoding/csv` reads it; the first line names the columns
/// and every record must have as many fields.
fn csvdecode(text: &str) -> FResult {
    let records = parse_csv(text).map_err(|(line, m)| format!("CSV parse error on line {line}: {m}"))?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err("missing header line".into());
    };
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(format!("duplicate column name \"{name}\"").into());
        }
    }
    Ok(Value::List(
        records
            .map(|r| {
                let row: IndexMap<String, Value> =
                    header.iter().cloned().zip(r.into_iter().map(Value::String)).collect();
                Value::Object(sorted_map(row))
            })
            .collect(),
    ))
}

/// Records of CSV text, or the line and message of the first error.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, (usize, &'static str)> {
    let text = text.replace("\r\n", "\n");
    let chars: Vec<char> = text.chars().collect();
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        if chars[i] == '\n' {
            // Empty lines are skipped.
            i += 1;
            line += 1;
            continue;
        }
        let record_line = line;
        let mut record = Vec::new();
        loop {
            let mut field = String::new();
            if chars.get(i) == Some(&'"') {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err((record_line, "extraneous or missing \" in quoted-field")),
                        Some('"') if chars.get(i + 1) == Some(&'"') => {
                            field.push('"');
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            match chars.get(i) {
                                None | Some(',') | Some('\n') => break,
                                _ => return Err((record_line, "extraneous or missing \" in quoted-field")),
                            }
                        }
                        Some(&c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                            i += 1;
                        }
                    }
                }
            } else {
                while let Some(&c) = chars.get(i) {
                    if c == ',' || c == '\n' {
                        break;
                    }
                    if c == '"' {
                        return Err((record_line, "bare \" in non-quoted-field"));
                    }
                    field.push(c);
                    i += 1;
                }
            }
            record.push(field);
            match chars.get(i) {
                Some(',') => i += 1,
                Some('\n') => {
                    i += 1;
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        if let Some(first) = records.first() {
            if first.len() != record.len() {
                return Err((record_line, "wrong number of fields"));
            }
        }
        records.push(record);
    }
    Ok(records)
}

/// Go's `url.QueryEscape`.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The character encodings `textencodebase64` and `textdecodebase64` support, by IANA name.
#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    Utf16,
    Utf16Le,
    Utf16Be,
    Latin1,
    Ascii,
    Windows1252,
}

/// Windows-1252's characters for bytes 0x80 to 0x9F (None where the code page has none).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

impl Encoding {
    /// Looks an encoding up by its IANA name or alias, ignoring case.
    fn named(name: &str) -> Result<Encoding, String> {
        let n = name.to_ascii_lowercase();
        Ok(match n.as_str() {
            "utf-8" | "csutf8" => Encoding::Utf8,
            "utf-16" | "csutf16" => Encoding::Utf16,
            "utf-16le" | "csutf16le" => Encoding::Utf16Le,
            "utf-16be" | "csutf16be" => Encoding::Utf16Be,
            "iso-8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "latin1" | "l1" | "ibm819"
            | "cp819" | "csisolatin1" => Encoding::Latin1,
            "us-ascii" | "iso-ir-6" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso_646.irv:1991" | "iso646-us"
            | "us" | "ibm367" | "cp367" | "csascii" => Encoding::Ascii,
            "windows-1252" | "cswindows1252" => Encoding::Windows1252,
            _ => {
                return Err(format!(
                    "\"{name}\" is not a supported IANA encoding name or alias (infractl supports UTF-8, UTF-16, UTF-16LE, UTF-16BE, ISO-8859-1, US-ASCII and windows-1252)"
                ))
            }
        })
    }

    fn canonical(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Latin1 => "ISO_8859-1:1987",
            Encoding::Ascii => "US-ASCII",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    fn encode(self, s: &str) -> Result<Vec<u8>, String> {
        let unrepresentable = || {
            format!(
                "the given string contains characters that cannot be represented in {}",
                self.canonical()
            )
        };
        let utf16 = |big: bool, bom: bool| {
            let mut out = Vec::new();
            if bom {
                out.extend([0xFE, 0xFF]);
            }
            for u in s.encode_utf16() {
                out.extend(if big { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            out
        };
        Ok(match self {
            Encoding::Utf8 => s.as_bytes().to_vec(),
            Encoding::Utf16 => utf16(true, true),
            Encoding::Utf16Le => utf16(false, false),
            Encoding::Utf16Be => utf16(true, false),
            Encoding::Latin1 | Encoding::Ascii => {
                let max = if self == Encoding::Ascii { 0x7F } else { 0xFF };
                s.chars()
                    .map(|c| u8::try_from(c as u32).ok().filter(|b| u32::from(*b) <= max))
                    .collect::<Option<Vec<u8>>>()
                    .ok_or_else(unrepresentable)?
            }
            Encoding::Windows1252 => s
                .chars()
                .map(|c| match c as u32 {
                    0..=0x7F | 0xA0..=0xFF => Some(c as u8),
                    _ => CP1252_HIGH.iter().position(|h| *h == Some(c)).map(|i| 0x80 + i as u8),
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(unrepresentable)?,
        })
    }

    fn decode(self, bytes: &[u8]) -> Result<String, String> {
        let undefined = || {
            format!(
                "the given string contains symbols that are not defined for {}",
                self.canonical()
            )
        };
        let utf16 = |bytes: &[u8], big: bool| -> Result<String, String> {
            if !bytes.len().is_multiple_of(2) {
                return Err(undefined());
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| {
                    if big {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                })
                .collect();
            String::from_utf16(&units).map_err(|_| undefined())
        };
        match self {
            Encoding::Utf8 => String::from_utf8(bytes.to_vec()).map_err(|_| undefined()),
            Encoding::Utf16 => match bytes {
                [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
                [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
                _ => utf16(bytes, true),
            },
            Encoding::Utf16Le => utf16(bytes, false),
            Encoding::Utf16Be => utf16(bytes, true),
            Encoding::Latin1 => Ok(bytes.iter().map(|b| *b as char).collect()),
            Encoding::Ascii => bytes
                .iter()
                .map(|b| b.is_ascii().then_some(*b as char))
                .collect::<Option<String>>()
                .ok_or_else(undefined),
            Encoding::Windows1252 => bytes
                .iter()
                .map(|b| match b {
                    0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
                    _ => Some(*b as char),
                })
                .collect::<Option<String>>()
                .ok_or_else(undefined),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_written_as_terraform_writes_it() {
        let v = Value::object([
            ("b", Value::Number(1e20)),
            (
                "a",
                Value::List(vec![Value::str("<&>"), Value::Number(1.5), Value::Null]),
            ),
        ]);
        assert_eq!(
            json_text(&v).unwrap(),
            r#"{"a":["\u003c\u0026\u003e",1.5,null],"b":100000000000000000000}"#
        );
        assert!(json_text(&Value::Number(f64::INFINITY)).is_err());
    }

    #[test]
    fn csv_quoting_and_errors_follow_go() {
        let rows = parse_csv("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n").unwrap();
        assert_eq!(rows[1], vec!["x, y".to_string(), "he said \"hi\"".to_string()]);
        assert!(parse_csv("a,b\n1,2\"x\"").is_err());
        assert!(parse_csv("a,b\n1").is_err());
    }
}
