//! A provider's published schema (`terraform providers schema -json`), read lazily.
//!
//! infractl ships the schema of the provider whose resource types it implements as a fixture: one
//! type per line (`resource <name> <json>` / `data <name> <json>` / `ephemeral <name> <json>`,
//! the JSON in Terraform's own
//! shape without descriptions), gzipped. A [`Catalog`] decompresses it once (tens of
//! milliseconds) and indexes the lines, but parses a type's JSON only when a run asks for that
//! type: parsing all two thousand types would cost more than a whole plan.
//!
//! It also compares a declared schema with the published one ([`differences`]), which is what
//! the parity test asserts on.

use super::{AttrSchema, BlockSchema, Nesting, Schema, Support, Type};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A managed resource type (`resource` blocks).
    Resource = 0,
    /// A data source type (`data` blocks).
    Data = 1,
    /// An ephemeral resource type (`ephemeral` blocks).
    Ephemeral = 2,
}

/// Every type of one provider, parsed on demand.
pub struct Catalog {
    /// The first line of the fixture: which provider and version, and how it was made.
    pub origin: &'static str,
    /// The JSON of each type by name: resources, data sources, ephemeral resources (by
    /// [`Kind`]).
    lines: [HashMap<&'static str, &'static str>; 3],
    names: Vec<(Kind, &'static str)>,
    parsed: Mutex<HashMap<(Kind, &'static str), Arc<Schema>>>,
}

impl Catalog {
    /// Reads a gzipped fixture. The text is kept for the life of the process (as the binary's
    /// own data is) so that names can be borrowed from it.
    pub fn from_gzip(bytes: &[u8]) -> Result<Catalog, String> {
        // gzip's trailer holds the uncompressed size: one allocation of the right size, instead
        // of doubling up to twice that and copying into a box.
        let size = bytes
            .get(bytes.len().saturating_sub(4)..)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(|b| u32::from_le_bytes(b) as usize)
            .unwrap_or(0);
        let mut text = String::with_capacity(size.min(64 << 20));
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("the provider schema fixture is damaged: {e}"))?;
        Catalog::from_text(Box::leak(text.into_boxed_str()))
    }

    /// Reads the fixture's text (see the module documentation for its shape).
    pub fn from_text(text: &'static str) -> Result<Catalog, String> {
        let mut lines: [HashMap<&'static str, &'static str>; 3] = Default::default();
        let mut names = Vec::new();
        let mut origin = "";
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# ") {
                origin = rest;
                continue;
            }
            let mut parts = line.splitn(3, ' ');
            let kind = match parts.next() {
                Some("resource") => Kind::Resource,
                Some("data") => Kind::Data,
                Some("ephemeral") => Kind::Ephemeral,
                _ => return Err(format!("unexpected line in the provider schema: {line:.60}")),
            };
            let (Some(name), Some(json)) = (parts.next(), parts.next()) else {
                return Err(format!("unexpected line in the provider schema: {line:.60}"));
            };
            lines[kind as usize].insert(name, json);
            names.push((kind, name));
        }
        Ok(Catalog {
            origin,
            lines,
            names,
            parsed: Mutex::default(),
        })
    }

    /// The published schema of a type, every argument marked implemented (nothing declared).
    pub fn get(&self, kind: Kind, name: &str) -> Option<Arc<Schema>> {
        let (&key, &json) = self.lines[kind as usize].get_key_value(name)?;
        let key = (kind, key);
        let mut parsed = self.parsed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = parsed.get(&key) {
            return Some(s.clone());
        }
        let schema = match parse_type(json) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                tracing::error!("provider schema of {name}: {e}");
                return None;
            }
        };
        parsed.insert(key, schema.clone());
        Some(schema)
    }

    /// True when the provider has this type.
    pub fn has(&self, kind: Kind, name: &str) -> bool {
        self.lines[kind as usize].contains_key(name)
    }

    /// Every type name of one kind, sorted.
    pub fn names(&self, kind: Kind) -> impl Iterator<Item = &'static str> + '_ {
        self.names.iter().filter(move |(k, _)| *k == kind).map(|(_, n)| *n)
    }
}

#[derive(Deserialize)]
struct TfType<'a> {
    #[serde(default)]
    version: u64,
    #[serde(borrow)]
    block: TfBlock<'a>,
}

#[derive(Deserialize)]
struct TfBlock<'a> {
    #[serde(borrow, default)]
    attributes: IndexMap<&'a str, TfAttr>,
    #[serde(borrow, default)]
    block_types: IndexMap<&'a str, TfBlockType<'a>>,
}

#[derive(Deserialize)]
struct TfAttr {
    #[serde(rename = "type")]
    ty: Json,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    write_only: bool,
}

#[derive(Deserialize)]
struct TfBlockType<'a> {
    nesting_mode: &'a str,
    #[serde(borrow)]
    block: TfBlock<'a>,
    #[serde(default)]
    min_items: usize,
    #[serde(default)]
    max_items: usize,
}

fn parse_type(json: &'static str) -> Result<Schema, String> {
    let t: TfType<'static> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(block(t.block)?.with_version(t.version))
}

fn block(b: TfBlock<'static>) -> Result<Schema, String> {
    let mut s = Schema::new();
    for (name, a) in b.attributes {
        let mut attr = AttrSchema::new(type_of(&a.ty)?, a.required, a.optional, a.computed);
        attr.sensitive = a.sensitive;
        attr.write_only = a.write_only;
        s.attrs.insert(name, attr);
    }
    for (name, bt) in b.block_types {
        let nesting = match bt.nesting_mode {
            "list" => Nesting::List,
            "set" => Nesting::Set,
            // "group" is a single block that is never null; infractl has no distinct value for it.
            "single" | "group" => Nesting::Single,
            other => return Err(format!("block {name}: nesting mode {other} is not supported")),
        };
        s.blocks.insert(
            name,
            BlockSchema {
                nesting,
                schema: block(bt.block)?,
                force_new: false,
                min_items: bt.min_items,
                max_items: if nesting == Nesting::Single { 1 } else { bt.max_items },
                computed: false,
                as_attribute: None,
                support: Support::Yes,
            },
        );
    }
    Ok(s)
}

/// A type in Terraform's JSON spelling (`"string"`, `["list","string"]`, `["object",{...}]`).
pub fn type_of(j: &Json) -> Result<Type, String> {
    let bad = || format!("unknown type {j}");
    match j {
        Json::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Any),
            _ => Err(bad()),
        },
        Json::Array(parts) if parts.len() == 2 => match (parts[0].as_str(), &parts[1]) {
            (Some("list"), e) => Ok(Type::List(Box::new(type_of(e)?))),
            (Some("set"), e) => Ok(Type::Set(Box::new(type_of(e)?))),
            (Some("map"), e) => Ok(Type::Map(Box::new(type_of(e)?))),
            (Some("object"), Json::Object(fields)) => Ok(Type::Object(
                fields
                    .iter()
                    .map(|(k, t)| type_of(t).map(|t| (k.clone(), t)))
                    .collect::<Result<_, _>>()?,
            )),
            // Tuples are rare in provider schemas; their elements are checked by the provider.
            (Some("tuple"), _) => Ok(Type::Any),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// Where a declared schema differs from the published one: missing or extra names, other
/// types, flags, nesting or item limits. Empty when they agree. An "attributes as blocks" block
/// is compared with the attribute the provider publishes.
pub fn differences(ours: &Schema, published: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    compare(ours, published, "", &mut out);
    out
}

fn compare(ours: &Schema, theirs: &Schema, prefix: &str, out: &mut Vec<String>) {
    for (name, t) in &theirs.attrs {
        let path = format!("{prefix}{name}");
        if let Some(a) = ours.attrs.get(name) {
            let flags = |a: &AttrSchema| (a.required, a.optional, a.computed, a.sensitive, a.write_only);
            if a.ty != t.ty {
                out.push(format!(
                    "{path}: type {} (provider: {})",
                    a.ty.terraform_name(),
                    t.ty.terraform_name()
                ));
            }
            if flags(a) != flags(t) {
                out.push(format!(
                    "{path}: required/optional/computed/sensitive/write_only {:?} (provider: {:?})",
                    flags(a),
                    flags(t)
                ));
            }
        } else if let Some(b) = ours.blocks.get(name) {
            if b.as_attribute.as_ref() != Some(&t.ty) {
                out.push(format!("{path}: a block, the provider has an attribute"));
            }
        } else {
            out.push(format!("{path}: missing"));
        }
    }
    for (name, t) in &theirs.blocks {
        let path = format!("{prefix}{name}");
        let Some(b) = ours.blocks.get(name) else {
            out.push(format!("{path}: block missing"));
            continue;
        };
        if b.as_attribute.is_some() {
            out.push(format!("{path}: an attribute, the provider has a block"));
        }
        if (b.nesting, b.min_items, b.max_items) != (t.nesting, t.min_items, t.max_items) {
            out.push(format!(
                "{path}: nesting/min/max {:?} (provider: {:?})",
                (b.nesting, b.min_items, b.max_items),
                (t.nesting, t.min_items, t.max_items)
            ));
        }
        compare(&b.schema, &t.schema, &format!("{path}."), out);
    }
    for name in ours.attrs.keys() {
        if !theirs.attrs.contains_key(name) {
            out.push(format!("{prefix}{name}: not in the provider's schema"));
        }
    }
    for (name, b) in &ours.blocks {
        let published =
            theirs.blocks.contains_key(name) || (b.as_attribute.is_some() && theirs.attrs.contains_key(name));
        if !published {
            out.push(format!("{prefix}{name}: block not in the provider's schema"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = concat!(
        "# test 1.0\n",
        r#"resource aws_thing {"version":0,"block":{"attributes":{"name":{"type":"string","required":true},"#,
        r#""ports":{"type":["set","number"],"optional":true,"computed":true},"#,
        r#""rule":{"type":["list",["object",{"cidr":"string"}]],"optional":true},"#,
        r#""secret":{"type":"string","optional":true,"sensitive":true},"#,
        r#""secret_wo":{"type":"string","optional":true,"sensitive":true,"write_only":true}},"#,
        r#""block_types":{"logs":{"nesting_mode":"list","block":{"attributes":{"bucket":{"type":"string","required":true}}},"max_items":1},"#,
        r#""timeouts":{"nesting_mode":"single","block":{"attributes":{"create":{"type":"string","optional":true}}}}}}}"#,
        "\n",
        r#"data aws_thing {"version":0,"block":{"attributes":{"id":{"type":"string","computed":true}}}}"#,
        "\n",
        r#"ephemeral aws_thing {"version":0,"block":{"attributes":{"arn":{"type":"string","required":true},"value":{"type":"string","computed":true,"sensitive":true}}}}"#,
        "\n"
    );

    #[test]
    fn reads_types_lazily_with_names_flags_and_blocks() {
        let c = Catalog::from_text(TEXT).unwrap();
        assert_eq!(c.origin, "test 1.0");
        assert!(c.has(Kind::Resource, "aws_thing") && c.has(Kind::Data, "aws_thing"));
        assert!(c.get(Kind::Resource, "aws_other").is_none());
        let s = c.get(Kind::Resource, "aws_thing").unwrap();
        assert!(s.attrs["name"].required);
        assert_eq!(s.attrs["ports"].ty, Type::Set(Box::new(Type::Number)));
        assert!(s.attrs["ports"].computed && s.attrs["ports"].optional);
        assert!(s.attrs["secret"].sensitive && !s.attrs["secret"].write_only);
        assert!(s.attrs["secret_wo"].write_only);
        let e = c.get(Kind::Ephemeral, "aws_thing").unwrap();
        assert!(e.attrs["arn"].required && e.attrs["value"].sensitive);
        assert!(matches!(&s.attrs["rule"].ty, Type::List(e) if matches!(**e, Type::Object(_))));
        assert_eq!(s.blocks["logs"].max_items, 1);
        assert_eq!(s.blocks["logs"].nesting, Nesting::List);
        assert_eq!(s.blocks["timeouts"].nesting, Nesting::Single);
        assert_eq!(s.version, 0);
        assert!(Arc::ptr_eq(&s, &c.get(Kind::Resource, "aws_thing").unwrap()));
        assert_eq!(c.names(Kind::Data).collect::<Vec<_>>(), vec!["aws_thing"]);
    }

    #[test]
    fn differences_name_what_differs() {
        let c = Catalog::from_text(TEXT).unwrap();
        let published = c.get(Kind::Resource, "aws_thing").unwrap();
        assert!(differences(&published, &published).is_empty());
        let mut ours = (*published).clone();
        ours.attrs.get_mut("name").unwrap().optional = true;
        ours.attrs.shift_remove("secret");
        ours.blocks.get_mut("logs").unwrap().max_items = 0;
        let d = differences(&ours, &published);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().any(|x| x.starts_with("secret: missing")));
    }

    #[test]
    fn a_damaged_fixture_is_an_error() {
        assert!(Catalog::from_gzip(b"not gzip").is_err());
        assert!(Catalog::from_text("what is this\n").is_err());
    }
}
