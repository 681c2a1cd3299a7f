//! Resource addresses (`module.vpc.aws_subnet.public[0]`), as Terraform writes and parses them.
//!
//! Addresses are the keys of state, the names in plans, and the arguments of `-target`,
//! `-replace` and `state show`, so they have one canonical text form.

use crate::blueprint::config::Mode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which instance of a resource block: none, a `count` index or a `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InstanceKey {
    /// A block without count or for_each.
    None,
    /// `[0]`.
    Index(usize),
    /// `["a"]`.
    Key(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => write!(f, "[{}]", serde_json::to_string(k).unwrap_or_default()),
        }
    }
}

/// One step of a module instance path: a module call and, when it has `count` or `for_each`,
/// which of its instances (`module.vpc`, `module.vpc[0]`, `module.vpc["east"]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// Which instance of the call.
    pub key: InstanceKey,
}

impl ModuleStep {
    /// A step into a call without count or for_each.
    pub fn single(name: impl Into<String>) -> ModuleStep {
        ModuleStep {
            name: name.into(),
            key: InstanceKey::None,
        }
    }
}

/// Module trees are walked by call name: a step's name is what [`Module::descend`] follows, so
/// instance paths and static paths descend the same way.
///
/// [`Module::descend`]: crate::blueprint::config::Module::descend
impl AsRef<str> for ModuleStep {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

/// The text of a module instance path with a trailing dot (`module.a["x"].module.b.`), empty
/// for the root: the prefix of every address inside it.
pub fn module_prefix(path: &[ModuleStep]) -> String {
    path.iter().map(|m| format!("module.{}{}.", m.name, m.key)).collect()
}

/// The call names of a module instance path: the module in the blueprint it is an instance of.
pub fn static_path(path: &[ModuleStep]) -> Vec<String> {
    path.iter().map(|m| m.name.clone()).collect()
}

/// The address of one resource instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// Module instance path from the root (`module.vpc["a"]` is one step).
    pub module: Vec<ModuleStep>,
    /// Managed resource or data source.
    pub mode: Mode,
    /// Resource type.
    pub type_name: String,
    /// Local name.
    pub name: String,
    /// Instance key.
    pub key: InstanceKey,
}

impl Address {
    /// The address of the block this instance belongs to, without the instance key.
    pub fn block(&self) -> String {
        let mut s = module_prefix(&self.module);
        if self.mode == Mode::Data {
            s.push_str("data.");
        }
        s.push_str(&self.type_name);
        s.push('.');
        s.push_str(&self.name);
        s
    }

    /// Parses `module.a["k"].aws_x.y[0]`. Returns None for text that is not an address.
    pub fn parse(text: &str) -> Option<Address> {
        let segments = segments(text)?;
        let mut module = Vec::new();
        let mut i = 0;
        while i + 1 < segments.len() && segments[i].0 == "module" && segments[i].1 == InstanceKey::None {
            let (name, key) = &segments[i + 1];
            module.push(ModuleStep {
                name: name.clone(),
                key: key.clone(),
            });
            i += 2;
        }
        let rest = &segments[i..];
        let (mode, rest) = match rest.first() {
            Some((first, InstanceKey::None)) if first == "data" => (Mode::Data, &rest[1..]),
            _ => (Mode::Managed, rest),
        };
        match rest {
            [(type_name, InstanceKey::None), (name, key)] => Some(Address {
                module,
                mode,
                type_name: type_name.clone(),
                name: name.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }

    /// True when this address is `target` or inside it: the instance itself, its block, a
    /// module instance (`module.a["x"]`) or a module call with all its instances (`module.a`).
    pub fn is_within(&self, target: &str) -> bool {
        let me = self.to_string();
        if me == target || self.block() == target {
            return true;
        }
        let Some(target) = ModuleTarget::parse(target) else {
            return false;
        };
        target.contains(&self.module)
    }
}

/// A `-target` naming a module: each step is a call name, with or without an instance key.
struct ModuleTarget(Vec<(String, Option<InstanceKey>)>);

impl ModuleTarget {
    fn parse(text: &str) -> Option<ModuleTarget> {
        let segments = segments(text)?;
        if segments.len() % 2 != 0 || segments.is_empty() {
            return None;
        }
        let mut steps = Vec::new();
        for pair in segments.chunks(2) {
            if pair[0].0 != "module" || pair[0].1 != InstanceKey::None {
                return None;
            }
            let key = (pair[1].1 != InstanceKey::None).then(|| pair[1].1.clone());
            steps.push((pair[1].0.clone(), key));
        }
        Some(ModuleTarget(steps))
    }

    /// True when a module instance path is this module or inside it. A step given without a
    /// key matches every instance of that call (and the single instance of a call without one).
    fn contains(&self, path: &[ModuleStep]) -> bool {
        path.len() >= self.0.len()
            && self
                .0
                .iter()
                .zip(path)
                .all(|((name, key), step)| *name == step.name && key.as_ref().is_none_or(|k| *k == step.key))
    }
}

/// Splits address text into dot-separated names, each with an optional `[index]` or
/// `["key"]` (keys may hold dots and brackets, so this is a small scanner, not a split).
pub fn segments(text: &str) -> Option<Vec<(String, InstanceKey)>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() {
            return None;
        }
        rest = &rest[end..];
        let mut key = InstanceKey::None;
        if let Some(inner) = rest.strip_prefix('[') {
            let (k, len) = if inner.starts_with('"') {
                let mut de = serde_json::Deserializer::from_str(inner).into_iter::<String>();
                let k = de.next()?.ok()?;
                (InstanceKey::Key(k), de.byte_offset())
            } else {
                let len = inner.find(']')?;
                (InstanceKey::Index(inner[..len].trim().parse().ok()?), len)
            };
            rest = inner[len..].strip_prefix(']')?;
            key = k;
        }
        out.push((name.to_string(), key));
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix('.')?;
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.block(), self.key)
    }
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Address::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid resource address \"{text}\"")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            "aws_vpc.main",
            "module.vpc.aws_subnet.public[0]",
            "module.a.module.b.data.aws_region.current",
            "aws_subnet.x[\"us-west-2a\"]",
        ] {
            assert_eq!(Address::parse(text).unwrap().to_string(), text);
        }
        assert!(Address::parse("nonsense").is_none());
    }

    #[test]
    fn targets_match_blocks_and_modules() {
        let a = Address::parse("module.vpc.aws_subnet.public[0]").unwrap();
        assert!(a.is_within("module.vpc"));
        assert!(a.is_within("module.vpc.aws_subnet.public"));
        assert!(!a.is_within("module.vp"));
        assert!(!a.is_within("aws_subnet.public"));
    }

    #[test]
    fn module_instances_round_trip_and_match_targets() {
        for text in [
            "module.vpc[0].aws_subnet.public[0]",
            "module.app[\"east.1\"].module.db.aws_db_instance.this",
            "module.x[\"a[b]\"].data.aws_region.r",
            "aws_subnet.x[\"10.0.1.0/24\"]",
        ] {
            assert_eq!(Address::parse(text).unwrap().to_string(), text);
        }
        let a = Address::parse("module.app[\"east\"].module.db.aws_db_instance.this").unwrap();
        assert!(a.is_within("module.app"));
        assert!(a.is_within("module.app[\"east\"]"));
        assert!(a.is_within("module.app[\"east\"].module.db"));
        assert!(!a.is_within("module.app[\"west\"]"));
        assert!(!a.is_within("module.app[0]"));
        assert!(Address::parse("module.x[").is_none());
        assert!(Address::parse("module.x[\"a\"]").is_none());
    }
}
