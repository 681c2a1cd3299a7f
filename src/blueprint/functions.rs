//! Terraform's built-in functions that blueprints commonly use.
//!
//! Unknown arguments make the result unknown, except for the few functions whose result does not
//! depend on the unknown parts (such as `length` of a list with unknown elements).

use super::source::Loc;
use crate::diag::{DResult, Diag};
use crate::value::{format_number, Value};
use base64::Engine as _;
use indexmap::IndexMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use sha2::Digest;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Functions whose result is computed even when some nested parts of the arguments are unknown.
const LENIENT: &[&str] = &[
    "length",
    "concat",
    "merge",
    "element",
    "lookup",
    "tolist",
    "tomap",
    "coalesce",
    "flatten",
    "compact",
    "keys",
    "values",
    "slice",
    "one",
    "zipmap",
    "reverse",
    "distinct",
    "toset",
    "coalescelist",
];

/// Calls a built-in function by name.
pub fn call(name: &str, args: Vec<Value>, loc: &Loc) -> DResult<Value> {
    let lenient = LENIENT.contains(&name);
    let unknown = if lenient {
        args.contains(&Value::Unknown)
    } else {
        args.iter().any(Value::has_unknown)
    };
    if unknown {
        if !KNOWN.contains(&name) {
            return Err(unknown_function(name, loc));
        }
        return Ok(Value::Unknown);
    }
    call_known(name, args).map_err(|msg| match msg {
        FnError::Unknown => unknown_function(name, loc),
        FnError::Invalid(m) => Diag::new(format!("Invalid function argument in call to {name}()"))
            .detail(m)
            .at(loc),
    })
}

fn unknown_function(name: &str, loc: &Loc) -> Diag {
    Diag::new(format!("Call to unknown function \"{name}\""))
        .detail("There is no function with this name among those infractl supports.")
        .at(loc)
}

enum FnError {
    Unknown,
    Invalid(String),
}

impl From<String> for FnError {
    fn from(s: String) -> Self {
        FnError::Invalid(s)
    }
}

impl From<&str> for FnError {
    fn from(s: &str) -> Self {
        FnError::Invalid(s.to_string())
    }
}

type FResult = Result<Value, FnError>;

/// Every supported function name.
const KNOWN: &[&str] = &[
    "jsonencode",
    "jsondecode",
    "cidrsubnet",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnets",
    "format",
    "formatlist",
    "merge",
    "concat",
    "length",
    "element",
    "lookup",
    "tolist",
    "toset",
    "tomap",
    "tostring",
    "tonumber",
    "tobool",
    "file",
    "fileexists",
    "filebase64",
    "join",
    "split",
    "replace",
    "lower",
    "upper",
    "title",
    "trimspace",
    "trim",
    "trimprefix",
    "trimsuffix",
    "coalesce",
    "coalescelist",
    "keys",
    "values",
    "contains",
    "distinct",
    "flatten",
    "range",
    "min",
    "max",
    "abs",
    "ceil",
    "floor",
    "substr",
    "startswith",
    "endswith",
    "strcontains",
    "zipmap",
    "compact",
    "slice",
    "index",
    "sort",
    "reverse",
    "one",
    "sum",
    "base64encode",
    "base64decode",
    "sha256",
    "sha1",
    "sha512",
    "md5",
    "filesha256",
    "filemd5",
    "abspath",
    "basename",
    "dirname",
    "setproduct",
    "chunklist",
    "alltrue",
    "anytrue",
    "signum",
    "pow",
    "parseint",
    "log",
    "sensitive",
    "nonsensitive",
    "type",
    "strrev",
    "indent",
    "chomp",
    "can",
    "try",
    "templatefile",
];

fn arg(args: &[Value], i: usize) -> Result<&Value, FnError> {
    args.get(i)
        .ok_or_else(|| FnError::Invalid(format!("missing argument {}", i + 1)))
}

fn s(args: &[Value], i: usize) -> Result<String, FnError> {
    let v = arg(args, i)?;
    v.to_plain_string()
        .ok_or_else(|| FnError::Invalid(format!("argument {} must be a string, not {}", i + 1, v.type_name())))
}

fn n(args: &[Value], i: usize) -> Result<f64, FnError> {
    let v = arg(args, i)?;
    v.as_number()
        .ok_or_else(|| FnError::Invalid(format!("argument {} must be a number, not {}", i + 1, v.type_name())))
}

fn list(args: &[Value], i: usize) -> Result<Vec<Value>, FnError> {
    match arg(args, i)? {
        Value::List(items) => Ok(items.clone()),
        other => Err(FnError::Invalid(format!(
            "argument {} must be a list, not {}",
            i + 1,
            other.type_name()
        ))),
    }
}

fn object(args: &[Value], i: usize) -> Result<IndexMap<String, Value>, FnError> {
    match arg(args, i)? {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(IndexMap::new()),
        other => Err(FnError::Invalid(format!(
            "argument {} must be a map or object, not {}",
            i + 1,
            other.type_name()
        ))),
    }
}

fn strings(items: &[Value]) -> Result<Vec<String>, FnError> {
    items
        .iter()
        .map(|v| {
            v.to_plain_string()
                .ok_or_else(|| FnError::from("list elements must be strings"))
        })
        .collect()
}

fn call_known(name: &str, args: Vec<Value>) -> FResult {
    let a = &args;
    Ok(match name {
        "jsonencode" => Value::str(serde_json::to_string(&arg(a, 0)?.to_json()).map_err(|e| e.to_string())?),
        "jsondecode" => {
            let text = s(a, 0)?;
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
            Value::from_json(&json)
        }
        "cidrsubnet" => cidrsubnet(&s(a, 0)?, n(a, 1)? as u8, n(a, 2)? as u128)?,
        "cidrsubnets" => {
            let prefix = s(a, 0)?;
            let base: IpNet = prefix.parse().map_err(|_| format!("invalid CIDR \"{prefix}\""))?;
            let mut out = Vec::new();
            let mut next = ip_to_u128(base.network());
            for i in 1..a.len() {
                let bits = n(a, i)? as u8;
                let len = base.prefix_len() + bits;
                let size = 1u128 << (max_len(&base) - len);
                next = next.div_ceil(size) * size;
                out.push(Value::str(format!("{}/{len}", u128_to_ip(next, &base))));
                next += size;
            }
            Value::List(out)
        }
        "cidrhost" => {
            let prefix = s(a, 0)?;
            let net: IpNet = prefix.parse().map_err(|_| format!("invalid CIDR \"{prefix}\""))?;
            let num = n(a, 1)?;
            let size = 1u128 << (max_len(&net) - net.prefix_len());
            let offset = if num < 0.0 {
                size as i128 + num as i128
            } else {
                num as i128
            };
            if offset < 0 || offset as u128 >= size {
                return Err(format!("prefix {prefix} has no host number {num}").into());
            }
            Value::str(u128_to_ip(ip_to_u128(net.network()) + offset as u128, &net).to_string())
        }
        "cidrnetmask" => {
            let prefix = s(a, 0)?;
            let net: Ipv4Net = prefix.parse().map_err(|_| format!("invalid IPv4 CIDR \"{prefix}\""))?;
            Value::str(net.netmask().to_string())
        }
        "format" => Value::str(format_string(&s(a, 0)?, &a[1..])?),
        "formatlist" => {
            let fmt = s(a, 0)?;
            let len = a[1..]
                .iter()
                .filter_map(Value::as_list)
                .map(<[Value]>::len)
                .max()
                .unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = a[1..]
                    .iter()
                    .map(|v| match v {
                        Value::List(items) => items.get(i).cloned().unwrap_or_default(),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::str(format_string(&fmt, &row)?));
            }
            Value::List(out)
        }
        "merge" => {
            let mut out = IndexMap::new();
            for (i, v) in a.iter().enumerate() {
                if v.is_null() {
                    continue;
                }
                out.extend(object(a, i)?);
            }
            Value::Object(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..a.len() {
                out.extend(list(a, i)?);
            }
            Value::List(out)
        }
        "length" => match arg(a, 0)? {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Object(m) => Value::Number(m.len() as f64),
            Value::String(st) => Value::Number(st.chars().count() as f64),
            other => return Err(format!("cannot take the length of a {}", other.type_name()).into()),
        },
        "element" => {
            let items = list(a, 0)?;
            if items.is_empty() {
                return Err("cannot use element on an empty list".into());
            }
            let i = n(a, 1)? as usize;
            items[i % items.len()].clone()
        }
        "lookup" => {
            let m = object(a, 0)?;
            let k = s(a, 1)?;
            match (m.get(&k), a.get(2)) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) => return Err(format!("the map has no key \"{k}\" and no default was given").into()),
            }
        }
        "tolist" => Value::List(list(a, 0)?),
        "toset" => {
            let mut items = list(a, 0)?;
            dedupe(&mut items);
            if items.iter().all(|v| matches!(v, Value::String(_))) {
                items.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
            }
            Value::List(items)
        }
        "tomap" => Value::Object(object(a, 0)?),
        "tostring" => match arg(a, 0)? {
            Value::Null => Value::Null,
            v => Value::str(v.to_plain_string().ok_or("cannot convert to string")?),
        },
        "tonumber" => match arg(a, 0)? {
            Value::Null => Value::Null,
            v => Value::Number(v.as_number().ok_or("cannot convert to number")?),
        },
        "tobool" => match arg(a, 0)? {
            Value::Null => Value::Null,
            v => Value::Bool(v.as_bool().ok_or("cannot convert to bool")?),
        },
        "file" => {
            let p = s(a, 0)?;
            Value::str(std::fs::read_to_string(&p).map_err(|e| format!("cannot read file {p}: {e}"))?)
        }
        "filebase64" => {
            let p = s(a, 0)?;
            let bytes = std::fs::read(&p).map_err(|e| format!("cannot read file {p}: {e}"))?;
            Value::str(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        "fileexists" => Value::Bool(std::path::Path::new(&s(a, 0)?).is_file()),
        "join" => {
            let sep = s(a, 0)?;
            let mut parts = Vec::new();
            for i in 1..a.len() {
                parts.extend(strings(&list(a, i)?)?);
            }
            Value::str(parts.join(&sep))
        }
        "split" => {
            let sep = s(a, 0)?;
            let text = s(a, 1)?;
            if text.is_empty() {
                Value::List(vec![])
            } else {
                Value::List(text.split(sep.as_str()).map(Value::str).collect())
            }
        }
        "replace" => {
            let (text, from, to) = (s(a, 0)?, s(a, 1)?, s(a, 2)?);
            if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                return Err("regular expression patterns in replace are not supported yet".into());
            }
            Value::str(text.replace(&from, &to))
        }
        "lower" => Value::str(s(a, 0)?.to_lowercase()),
        "upper" => Value::str(s(a, 0)?.to_uppercase()),
        "title" => Value::str(
            s(a, 0)?
                .split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "trimspace" => Value::str(s(a, 0)?.trim()),
        "chomp" => Value::str(s(a, 0)?.trim_end_matches(['\n', '\r'])),
        "trim" => {
            let cut = s(a, 1)?;
            Value::str(s(a, 0)?.trim_matches(|c| cut.contains(c)))
        }
        "trimprefix" => {
            let (t, p) = (s(a, 0)?, s(a, 1)?);
            Value::str(t.strip_prefix(p.as_str()).unwrap_or(&t))
        }
        "trimsuffix" => {
            let (t, p) = (s(a, 0)?, s(a, 1)?);
            Value::str(t.strip_suffix(p.as_str()).unwrap_or(&t))
        }
        "strrev" => Value::str(s(a, 0)?.chars().rev().collect::<String>()),
        "indent" => {
            let pad = " ".repeat(n(a, 0)? as usize);
            Value::str(s(a, 1)?.replace('\n', &format!("\n{pad}")))
        }
        "coalesce" => a
            .iter()
            .find(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned()
            .ok_or("no non-null, non-empty argument")?,
        "coalescelist" => a
            .iter()
            .find(|v| v.as_list().is_some_and(|l| !l.is_empty()))
            .cloned()
            .unwrap_or(Value::List(vec![])),
        "keys" => Value::List(object(a, 0)?.keys().map(Value::str).collect()),
        "values" => Value::List(object(a, 0)?.values().cloned().collect()),
        "contains" => Value::Bool(list(a, 0)?.contains(arg(a, 1)?)),
        "distinct" => {
            let mut items = list(a, 0)?;
            dedupe(&mut items);
            Value::List(items)
        }
        "flatten" => {
            fn flat(v: &[Value], out: &mut Vec<Value>) {
                for x in v {
                    match x {
                        Value::List(inner) => flat(inner, out),
                        other => out.push(other.clone()),
                    }
                }
            }
            let mut out = Vec::new();
            flat(&list(a, 0)?, &mut out);
            Value::List(out)
        }
        "range" => {
            let (start, end, step) = match a.len() {
                1 => (0.0, n(a, 0)?, 1.0),
                2 => (n(a, 0)?, n(a, 1)?, 1.0),
                _ => (n(a, 0)?, n(a, 1)?, n(a, 2)?),
            };
            if step == 0.0 {
                return Err("step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                if out.len() > 1024 {
                    return Err("range would produce more than 1024 elements".into());
                }
            }
            Value::List(out)
        }
        "min" | "max" => {
            let nums: Vec<f64> = (0..a.len()).map(|i| n(a, i)).collect::<Result<_, _>>()?;
            let pick = if name == "min" { f64::min } else { f64::max };
            Value::Number(nums.into_iter().reduce(pick).ok_or("needs at least one number")?)
        }
        "abs" => Value::Number(n(a, 0)?.abs()),
        "ceil" => Value::Number(n(a, 0)?.ceil()),
        "floor" => Value::Number(n(a, 0)?.floor()),
        "signum" => Value::Number(n(a, 0)?.signum()),
        "pow" => Value::Number(n(a, 0)?.powf(n(a, 1)?)),
        "log" => Value::Number(n(a, 0)?.ln() / n(a, 1)?.ln()),
        "parseint" => {
            let base = n(a, 1)? as u32;
            Value::Number(i64::from_str_radix(&s(a, 0)?, base).map_err(|e| e.to_string())? as f64)
        }
        "substr" => {
            let text: Vec<char> = s(a, 0)?.chars().collect();
            let off = n(a, 1)?;
            let len = n(a, 2)?;
            let start = if off < 0.0 {
                text.len().saturating_sub((-off) as usize)
            } else {
                (off as usize).min(text.len())
            };
            let end = if len < 0.0 {
                text.len()
            } else {
                (start + len as usize).min(text.len())
            };
            Value::str(text[start..end].iter().collect::<String>())
        }
        "startswith" => Value::Bool(s(a, 0)?.starts_with(&s(a, 1)?)),
        "endswith" => Value::Bool(s(a, 0)?.ends_with(&s(a, 1)?)),
        "strcontains" => Value::Bool(s(a, 0)?.contains(&s(a, 1)?)),
        "zipmap" => {
            let keys = strings(&list(a, 0)?)?;
            let vals = list(a, 1)?;
            if keys.len() != vals.len() {
                return Err("keys and values must have the same length".into());
            }
            Value::Object(keys.into_iter().zip(vals).collect())
        }
        "compact" => Value::List(
            list(a, 0)?
                .into_iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .collect(),
        ),
        "slice" => {
            let items = list(a, 0)?;
            let (from, to) = (n(a, 1)? as usize, n(a, 2)? as usize);
            if from > to || to > items.len() {
                return Err(format!(
                    "slice bounds {from}..{to} are out of range for {} elements",
                    items.len()
                )
                .into());
            }
            Value::List(items[from..to].to_vec())
        }
        "index" => {
            let items = list(a, 0)?;
            let pos = items.iter().position(|v| v == arg(a, 1).unwrap_or(&Value::Null));
            Value::Number(pos.ok_or("the value is not in the list")? as f64)
        }
        "sort" => {
            let mut items = strings(&list(a, 0)?)?;
            items.sort();
            Value::List(items.into_iter().map(Value::str).collect())
        }
        "reverse" => Value::List(list(a, 0)?.into_iter().rev().collect()),
        "one" => {
            let items = list(a, 0)?;
            match items.len() {
                0 => Value::Null,
                1 => items[0].clone(),
                k => return Err(format!("must be a list of zero or one elements, got {k}").into()),
            }
        }
        "sum" => Value::Number(
            list(a, 0)?
                .iter()
                .map(|v| v.as_number().ok_or("sum needs numbers"))
                .sum::<Result<f64, _>>()?,
        ),
        "alltrue" => Value::Bool(list(a, 0)?.iter().all(|v| v.as_bool() == Some(true))),
        "anytrue" => Value::Bool(list(a, 0)?.iter().any(|v| v.as_bool() == Some(true))),
        "base64encode" => Value::str(base64::engine::general_purpose::STANDARD.encode(s(a, 0)?)),
        "base64decode" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s(a, 0)?)
                .map_err(|e| format!("invalid base64: {e}"))?;
            Value::str(String::from_utf8(bytes).map_err(|_| "decoded bytes are not UTF-8")?)
        }
        "sha256" => Value::str(hex::encode(sha2::Sha256::digest(s(a, 0)?.as_bytes()))),
        "sha1" => Value::str(hex::encode(sha1::Sha1::digest(s(a, 0)?.as_bytes()))),
        "sha512" => Value::str(hex::encode(sha2::Sha512::digest(s(a, 0)?.as_bytes()))),
        "md5" => Value::str(hex::encode(md5::Md5::digest(s(a, 0)?.as_bytes()))),
        "filesha256" | "filemd5" => {
            let p = s(a, 0)?;
            let bytes = std::fs::read(&p).map_err(|e| format!("cannot read file {p}: {e}"))?;
            Value::str(if name == "filemd5" {
                hex::encode(md5::Md5::digest(&bytes))
            } else {
                hex::encode(sha2::Sha256::digest(&bytes))
            })
        }
        "abspath" => {
            let p = std::path::PathBuf::from(s(a, 0)?);
            let abs = if p.is_absolute() {
                p
            } else {
                std::env::current_dir().map_err(|e| e.to_string())?.join(p)
            };
            Value::str(abs.display().to_string())
        }
        "basename" => Value::str(
            std::path::Path::new(&s(a, 0)?)
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default(),
        ),
        "dirname" => Value::str(
            std::path::Path::new(&s(a, 0)?)
                .parent()
                .map(|f| f.display().to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or(".".into()),
        ),
        "setproduct" => {
            let mut acc: Vec<Vec<Value>> = vec![vec![]];
            for i in 0..a.len() {
                let items = list(a, i)?;
                acc = acc
                    .into_iter()
                    .flat_map(|prefix| {
                        items.iter().map(move |x| {
                            let mut p = prefix.clone();
                            p.push(x.clone());
                            p
                        })
                    })
                    .collect();
            }
            Value::List(acc.into_iter().map(Value::List).collect())
        }
        "chunklist" => {
            let items = list(a, 0)?;
            let size = n(a, 1)? as usize;
            if size == 0 {
                Value::List(vec![Value::List(items)])
            } else {
                Value::List(items.chunks(size).map(|c| Value::List(c.to_vec())).collect())
            }
        }
        "sensitive" | "nonsensitive" => arg(a, 0)?.clone(),
        "type" => Value::str(arg(a, 0)?.type_name()),
        _ => return Err(FnError::Unknown),
    })
}

fn dedupe(items: &mut Vec<Value>) {
    let mut seen: Vec<Value> = Vec::new();
    items.retain(|v| {
        if seen.contains(v) {
            false
        } else {
            seen.push(v.clone());
            true
        }
    });
}

fn max_len(net: &IpNet) -> u8 {
    match net {
        IpNet::V4(_) => 32,
        IpNet::V6(_) => 128,
    }
}

fn ip_to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u32::from(v4) as u128,
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn u128_to_ip(n: u128, like: &IpNet) -> IpAddr {
    match like {
        IpNet::V4(_) => IpAddr::V4(Ipv4Addr::from(n as u32)),
        IpNet::V6(_) => IpAddr::V6(Ipv6Addr::from(n)),
    }
}

/// Terraform's `cidrsubnet(prefix, newbits, netnum)`.
fn cidrsubnet(prefix: &str, newbits: u8, netnum: u128) -> FResult {
    let net: IpNet = prefix
        .parse()
        .map_err(|_| format!("invalid CIDR address \"{prefix}\""))?;
    let len = net.prefix_len() as u32 + newbits as u32;
    let max = max_len(&net) as u32;
    if len > max {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix_len()
        )
        .into());
    }
    if newbits < 128 && netnum >= (1u128 << newbits) {
        return Err(format!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}").into());
    }
    let base = ip_to_u128(net.network());
    let addr = base | (netnum << (max - len));
    let out = match net {
        IpNet::V4(_) => IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr as u32), len as u8).map_err(|e| e.to_string())?),
        IpNet::V6(_) => IpNet::V6(Ipv6Net::new(Ipv6Addr::from(addr), len as u8).map_err(|e| e.to_string())?),
    };
    Ok(Value::str(out.to_string()))
}

/// Terraform's `format` verbs: %s %d %f %q %v %t %%, with optional width/precision.
fn format_string(fmt: &str, args: &[Value]) -> Result<String, FnError> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '+' || d == '#' || d == ' ' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next().ok_or("format string ends with %")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = args
            .get(next)
            .ok_or_else(|| format!("not enough arguments for format string \"{fmt}\""))?;
        next += 1;
        let (width, prec) = match spec.trim_start_matches(['-', '+', '#', ' ']).split_once('.') {
            Some((w, p)) => (w.parse::<usize>().ok(), p.parse::<usize>().ok()),
            None => (
                spec.trim_start_matches(['-', '+', '#', ' ']).parse::<usize>().ok(),
                None,
            ),
        };
        let text = match verb {
            's' | 'v' => match v {
                Value::List(_) | Value::Object(_) => serde_json::to_string(&v.to_json()).unwrap_or_default(),
                _ => v.to_plain_string().ok_or("cannot format a null value")?,
            },
            'q' => serde_json::to_string(&v.to_plain_string().ok_or("%q needs a string")?).unwrap_or_default(),
            'd' => format!("{}", v.as_number().ok_or("%d needs a number")?.trunc() as i64),
            'f' => format!("{:.*}", prec.unwrap_or(6), v.as_number().ok_or("%f needs a number")?),
            't' => v.as_bool().ok_or("%t needs a bool")?.to_string(),
            'x' => format!("{:x}", v.as_number().ok_or("%x needs a number")? as i64),
            'o' => format!("{:o}", v.as_number().ok_or("%o needs a number")? as i64),
            'b' => format!("{:b}", v.as_number().ok_or("%b needs a number")? as i64),
            'e' => format!("{:e}", v.as_number().ok_or("%e needs a number")?),
            'g' => format_number(v.as_number().ok_or("%g needs a number")?),
            other => return Err(format!("unsupported format verb %{other}").into()),
        };
        let width = width.unwrap_or(0);
        if spec.starts_with('-') {
            out.push_str(&format!("{text:<width$}"));
        } else if spec.starts_with('0') && verb == 'd' {
            out.push_str(&format!("{:0>width$}", text));
        } else {
            out.push_str(&format!("{text:>width$}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::source::SourceFile;

    fn c(name: &str, args: Vec<Value>) -> DResult<Value> {
        let f = SourceFile::new("f.tf", String::new());
        call(name, args, &Loc::new(&f, Some(0..0)))
    }

    #[test]
    fn cidrsubnet_matches_terraform() {
        assert_eq!(
            c("cidrsubnet", vec!["10.0.0.0/16".into(), 8.into(), 2.into()]).unwrap(),
            Value::str("10.0.2.0/24")
        );
        assert_eq!(
            c("cidrsubnet", vec!["172.16.0.0/12".into(), 4.into(), 2.into()]).unwrap(),
            Value::str("172.18.0.0/16")
        );
        assert!(c("cidrsubnet", vec!["10.0.0.0/16".into(), 8.into(), 256.into()]).is_err());
        assert_eq!(
            c("cidrhost", vec!["10.12.112.0/20".into(), 16.into()]).unwrap(),
            Value::str("10.12.112.16")
        );
        assert_eq!(
            c("cidrsubnets", vec!["10.1.0.0/16".into(), 4.into(), 4.into(), 8.into()]).unwrap(),
            Value::List(vec!["10.1.0.0/20".into(), "10.1.16.0/20".into(), "10.1.32.0/24".into()])
        );
    }

    #[test]
    fn hashes_match_terraform() {
        // Values checked with `terraform console`.
        assert_eq!(
            c("sha1", vec!["hello world".into()]).unwrap(),
            Value::str("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
        );
        assert_eq!(
            c("md5", vec!["hello world".into()]).unwrap(),
            Value::str("5eb63bbbe01eeed093cb22bb8f5acdc3")
        );
        assert!(c("sha512", vec!["hello world".into()])
            .unwrap()
            .to_plain_string()
            .unwrap()
            .starts_with("309ecc489c12d6eb4cc40f50c902f2b4"));
    }

    #[test]
    fn format_and_join() {
        assert_eq!(
            c("format", vec!["%s-%03d".into(), "web".into(), 7.into()]).unwrap(),
            Value::str("web-007")
        );
        let l = Value::List(vec!["a".into(), "b".into()]);
        assert_eq!(c("join", vec!["-".into(), l.clone()]).unwrap(), Value::str("a-b"));
        assert_eq!(c("split", vec!["-".into(), "a-b".into()]).unwrap(), l);
    }

    #[test]
    fn collections() {
        let m1 = Value::object([("a", Value::from(1)), ("b", Value::from(2))]);
        let m2 = Value::object([("b", Value::from(3))]);
        assert_eq!(c("merge", vec![m1, m2]).unwrap().get("b"), &Value::from(3));
        assert_eq!(
            c("toset", vec![Value::List(vec!["b".into(), "a".into(), "b".into()])]).unwrap(),
            Value::List(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            c("length", vec![Value::List(vec![Value::Unknown])]).unwrap(),
            Value::from(1)
        );
        assert_eq!(c("upper", vec![Value::Unknown]).unwrap(), Value::Unknown);
    }

    #[test]
    fn json_round_trip() {
        let v = Value::object([("k", Value::List(vec![1.into(), "x".into()]))]);
        let text = c("jsonencode", vec![v.clone()]).unwrap();
        assert_eq!(text, Value::str(r#"{"k":[1,"x"]}"#));
        assert_eq!(c("jsondecode", vec![text]).unwrap(), v);
    }

    #[test]
    fn unknown_function_is_an_error() {
        let e = c("frobnicate", vec![]).unwrap_err();
        assert!(e.summary.contains("frobnicate"));
    }
}
