//! `format` and `formatlist`: Terraform's printf, whose verbs follow Go's `fmt` (numbers) and
//! cty's own rules (strings measured in grapheme clusters, JSON for `%#v` and collections).

use super::convert::{to_bool, to_number, to_string};
use super::encoding::json_text;
use super::{Args, FResult, FnError};
use crate::value::Value;
use unicode_segmentation::UnicodeSegmentation;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &["format", "formatlist"];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(match name {
        "format" => (|| {
            let spec = a.str(0)?.to_string();
            let args = &a.vals[1..];
            if args.iter().any(Value::is_null) {
                // Terraform leaves the result unknown when any argument is null.
                return Ok(Value::Unknown);
            }
            format(&spec, args).map(Value::String)
        })(),
        "formatlist" => formatlist(a),
        _ => return None,
    })
}

/// `formatlist`: lists are iterated together (all of the same length), other arguments repeat.
fn formatlist(a: &Args) -> FResult {
    let spec = a.str(0)?.to_string();
    let args = &a.vals[1..];
    if args.contains(&Value::Unknown) {
        return Ok(Value::Unknown);
    }
    let mut len: Option<(usize, usize)> = None;
    for (i, v) in args.iter().enumerate() {
        if let Value::List(items) = v {
            match len {
                None => len = Some((items.len(), i)),
                Some((n, first)) if n != items.len() => {
                    return Err(FnError::Arg(
                        i + 1,
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {n}",
                            i + 1,
                            items.len(),
                            first + 1
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let n = len.map(|(n, _)| n).unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for row in 0..n {
        let row_args: Vec<Value> = args
            .iter()
            .map(|v| match v {
                Value::List(items) => items[row].clone(),
                other => other.clone(),
            })
            .collect();
        if row_args.iter().any(|v| v.has_unknown() || v.is_null()) {
            out.push(Value::Unknown);
            continue;
        }
        let s = format(&spec, &row_args).map_err(|e| match e {
            FnError::Call(m) | FnError::Arg(_, m) => FnError::Call(format!("error on format iteration {row}: {m}")),
            other => other,
        })?;
        out.push(Value::String(s));
    }
    Ok(Value::List(out))
}

/// The largest width or precision accepted.
const MAX_WIDTH: usize = 1_000_000;

/// One `%...` directive.
#[derive(Default)]
struct Verb {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    prec: Option<usize>,
    mode: char,
}

/// Formats `spec` with `args`.
fn format(spec: &str, args: &[Value]) -> Result<String, FnError> {
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut max_used = 0usize;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut verb = Verb::default();
        while let Some(&c) = chars.get(i) {
            match c {
                '-' => verb.minus = true,
                '+' => verb.plus = true,
                ' ' => verb.space = true,
                '0' => verb.zero = true,
                '#' => verb.sharp = true,
                _ => break,
            }
            i += 1;
        }
        let digits = |i: &mut usize| -> Option<usize> {
            let s = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            (*i > s).then(|| chars[s..*i].iter().collect::<String>().parse().unwrap_or(usize::MAX))
        };
        verb.width = digits(&mut i);
        if chars.get(i) == Some(&'.') {
            i += 1;
            verb.prec = Some(digits(&mut i).unwrap_or(0));
        }
        if chars.get(i) == Some(&'[') {
            i += 1;
            let n = match digits(&mut i) {
                Some(n) if n > 0 && chars.get(i) == Some(&']') => n,
                _ => {
                    return Err(FnError::Call(format!(
                        "unrecognized format character '{}' at offset {i}",
                        chars.get(i).copied().unwrap_or(' ')
                    )))
                }
            };
            i += 1;
            next_arg = n - 1;
        }
        let Some(&mode) = chars.get(i) else {
            return Err(FnError::Call(format!(
                "invalid format string starting at offset {start}"
            )));
        };
        i += 1;
        if !mode.is_ascii_alphabetic() {
            return Err(FnError::Call(format!(
                "unrecognized format character '{mode}' at offset {}",
                i - 1
            )));
        }
        verb.mode = mode;
        let raw: String = chars[start..i].iter().collect();
        // Go's fmt refuses widths and precisions above a million, as this does.
        if verb.width.is_some_and(|w| w > MAX_WIDTH) || verb.prec.is_some_and(|p| p > MAX_WIDTH) {
            return Err(FnError::Call(format!(
                "width or precision of \"{raw}\" at {start} is too large"
            )));
        }
        let Some(arg) = args.get(next_arg) else {
            return Err(FnError::Call(format!(
                "not enough arguments for \"{raw}\" at {start}: need index {} but have {} total",
                next_arg + 1,
                args.len()
            )));
        };
        next_arg += 1;
        max_used = max_used.max(next_arg);
        let unsupported = |m: String| FnError::Call(format!("unsupported value for \"{raw}\" at {start}: {m}"));
        let text = match mode {
            'v' => {
                let text = match arg {
                    Value::String(s) if !verb.sharp => s.clone(),
                    Value::Number(n) if !verb.sharp => float(*n, 'g', None),
                    other => json_text(other).map_err(unsupported)?,
                };
                pad(&verb, text)
            }
            't' => to_bool(arg).map_err(unsupported)?.to_string(),
            'b' | 'd' | 'o' | 'x' | 'X' => {
                let n = to_number(arg).map_err(unsupported)?;
                if n.fract() != 0.0 || !n.is_finite() {
                    return Err(unsupported("an integer is required".into()));
                }
                integer(&verb, n)
            }
            'e' | 'E' | 'f' | 'g' | 'G' => {
                let n = to_number(arg).map_err(unsupported)?;
                number(&verb, n)
            }
            's' | 'q' => {
                let mut s = to_string(arg).map_err(|_| unsupported("string required".into()))?;
                if let Some(p) = verb.prec.filter(|p| *p > 0) {
                    s = s.graphemes(true).take(p).collect();
                }
                if mode == 'q' {
                    s = json_text(&Value::String(s)).map_err(unsupported)?;
                }
                pad(&verb, s)
            }
            other => {
                return Err(FnError::Call(format!(
                    "unsupported format verb '{other}' in \"{raw}\" at offset {start}"
                )))
            }
        };
        out.push_str(&text);
    }
    if args.len() > max_used {
        return Err(FnError::Arg(
            1 + max_used,
            format!("too many arguments; only {max_used} used by format string"),
        ));
    }
    Ok(out)
}

/// Pads to the width in grapheme clusters, with spaces or zeros, on the left or (with `-`) the
/// right.
fn pad(verb: &Verb, text: String) -> String {
    let Some(width) = verb.width else { return text };
    let len = text.graphemes(true).count();
    if len >= width {
        return text;
    }
    let fill = if verb.zero { "0" } else { " " }.repeat(width - len);
    if verb.minus {
        text + &fill
    } else {
        fill + &text
    }
}

/// Go's integer formatting (`%b %d %o %x %X`) with sign, `#` prefix, precision as minimum digits
/// and width.
fn integer(verb: &Verb, n: f64) -> String {
    let base = match verb.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = integer_digits(n.abs(), base);
    if verb.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if n < 0.0 {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            digits.clear();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = verb.width.filter(|w| *w > length) {
        let d = w - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// The digits of a whole, non-negative number in a base, exactly (beyond 2^64 too).
fn integer_digits(n: f64, base: u32) -> String {
    if n < 3.4e38 {
        let v = n as u128;
        return match base {
            2 => format!("{v:b}"),
            8 => format!("{v:o}"),
            16 => format!("{v:x}"),
            _ => v.to_string(),
        };
    }
    if base == 10 {
        return format!("{n:.0}");
    }
    // n = mantissa * 2^exp exactly; in a power-of-two base that is the mantissa's bits shifted.
    let bits = n.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut binary = format!("{mantissa:b}");
    binary.push_str(&"0".repeat(exp.max(0) as usize));
    let group = match base {
        8 => 3,
        16 => 4,
        _ => 1,
    };
    let lead = (group - binary.len() % group) % group;
    let binary = "0".repeat(lead) + &binary;
    binary
        .as_bytes()
        .chunks(group)
        .map(|c| {
            let v = c.iter().fold(0u32, |acc, b| acc * 2 + u32::from(b - b'0'));
            std::char::from_digit(v, base).unwrap_or('?')
        })
        .collect()
}

/// Go's float formatting (`%e %E %f %g %G`) of big.Float, with sign flags and width.
fn number(verb: &Verb, n: f64) -> String {
    if n.is_infinite() {
        let sign = if n < 0.0 {
            "-"
        } else if verb.space {
            " "
        } else {
            "+"
        };
        return pad_number(verb, sign, "Inf".into(), false);
    }
    let body = float(n.abs(), verb.mode, verb.prec);
    let sign = if n < 0.0 || (n == 0.0 && n.is_sign_negative()) {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    pad_number(verb, sign, body, verb.zero)
}

fn pad_number(verb: &Verb, sign: &str, body: String, zero: bool) -> String {
    let len = sign.len() + body.len();
    let padding = verb.width.map(|w| w.saturating_sub(len)).unwrap_or(0);
    if zero && !verb.minus {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Formats a non-negative number (or any, for `%v`) in Go's `e`, `f` or `g` style. Without a
/// precision, `e` and `f` use 6 digits and `g` the shortest exact representation.
pub(super) fn float(n: f64, mode: char, prec: Option<usize>) -> String {
    if n < 0.0 {
        return format!("-{}", float(-n, mode, prec));
    }
    let upper = mode.is_ascii_uppercase();
    let e = if upper { 'E' } else { 'e' };
    match mode.to_ascii_lowercase() {
        'f' => format!("{n:.*}", prec.unwrap_or(6)),
        'e' => {
            let p = prec.unwrap_or(6);
            let (digits, dp) = decimal_digits(n, Some(p + 1));
            fmt_e(&digits, dp, p, e)
        }
        _ => {
            let shortest = prec.is_none();
            let p = prec.map(|p| p.max(1));
            let (digits, dp) = decimal_digits(n, p);
            let nd = digits.len() as i64;
            let mut prec = p.map(|p| p as i64).unwrap_or(nd);
            let mut eprec = prec;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                return fmt_e(&digits, dp, (prec - 1).max(0) as usize, e);
            }
            if prec > dp {
                prec = nd;
            }
            fmt_f(&digits, dp, (prec - dp).max(0) as usize)
        }
    }
}

/// Decimal digits (no trailing zeros, empty for zero) and decimal point position of `n`,
/// rounded to `sig` significant digits or the shortest that reads back exactly.
fn decimal_digits(n: f64, sig: Option<usize>) -> (String, i64) {
    if n == 0.0 {
        return (String::new(), 0);
    }
    let text = match sig {
        Some(s) => format!("{n:.*e}", s.saturating_sub(1)),
        None => format!("{n:e}"),
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0').to_string();
    let exp: i64 = exp.parse().unwrap_or(0);
    if digits.is_empty() {
        return (String::new(), 0);
    }
    (digits, exp + 1)
}

fn fmt_e(digits: &str, dp: i64, prec: usize, e: char) -> String {
    let mut out = String::new();
    let mut chars = digits.chars();
    out.push(chars.next().unwrap_or('0'));
    if prec > 0 {
        out.push('.');
        let rest: String = chars.take(prec).collect();
        out.push_str(&rest);
        out.push_str(&"0".repeat(prec - rest.len()));
    }
    let exp = if digits.is_empty() { 0 } else { dp - 1 };
    out.push(e);
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

fn fmt_f(digits: &str, dp: i64, prec: usize) -> String {
    let d = digits.as_bytes();
    let digit = |i: i64| -> char {
        if i >= 0 && (i as usize) < d.len() {
            d[i as usize] as char
        } else {
            '0'
        }
    };
    let mut out = String::new();
    if dp > 0 {
        for i in 0..dp {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec as i64 {
            out.push(digit(dp + i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_formats() {
        assert_eq!(float(123456.789, 'g', None), "123456.789");
        assert_eq!(float(1234567.0, 'g', None), "1.234567e+06");
        assert_eq!(float(1e-5, 'g', None), "1e-05");
        assert_eq!(float(0.0001, 'g', None), "0.0001");
        assert_eq!(float(1234567.0, 'g', Some(3)), "1.23e+06");
        assert_eq!(float(1234567.0, 'g', Some(10)), "1234567");
        assert_eq!(float(123456.789, 'e', None), "1.234568e+05");
        assert_eq!(float(0.0, 'e', None), "0.000000e+00");
        assert_eq!(float(1e-7, 'G', None), "1E-07");
    }

    #[test]
    fn integers_beyond_u128_keep_exact_digits() {
        assert_eq!(integer_digits(1e20, 16), "56bc75e2d63100000");
        assert_eq!(integer_digits(2f64.powi(130), 16), format!("4{}", "0".repeat(32)));
    }
}
