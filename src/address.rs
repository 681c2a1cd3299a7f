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

/// The address of one resource instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// Module path from the root (`["vpc"]` for `module.vpc`).
    pub module: Vec<String>,
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
        let mut s = String::new();
        for m in &self.module {
            s.push_str("module.");
            s.push_str(m);
            s.push('.');
        }
        if self.mode == Mode::Data {
            s.push_str("data.");
        }
        s.push_str(&self.type_name);
        s.push('.');
        s.push_str(&self.name);
        s
    }

    /// Parses `module.a.aws_x.y["k"]`. Returns None for text that is not an address.
    pub fn parse(text: &str) -> Option<Address> {
        let (path, key) = match text.find('[') {
            Some(i) if text.ends_with(']') => {
                let inner = &text[i + 1..text.len() - 1];
                let key = if let Ok(n) = inner.parse::<usize>() {
                    InstanceKey::Index(n)
                } else {
                    InstanceKey::Key(serde_json::from_str::<String>(inner).ok()?)
                };
                (&text[..i], key)
            }
            Some(_) => return None,
            None => (text, InstanceKey::None),
        };
        let parts: Vec<&str> = path.split('.').collect();
        let mut module = Vec::new();
        let mut i = 0;
        while i + 1 < parts.len() && parts[i] == "module" {
            module.push(parts[i + 1].to_string());
            i += 2;
        }
        let rest = &parts[i..];
        let (mode, rest) = match rest.first() {
            Some(&"data") => (Mode::Data, &rest[1..]),
            _ => (Mode::Managed, rest),
        };
        if rest.len() != 2 || rest.iter().any(|p| p.is_empty()) {
            return None;
        }
        Some(Address {
            module,
            mode,
            type_name: rest[0].to_string(),
            name: rest[1].to_string(),
            key,
        })
    }

    /// True when this address is `target` or inside it (a block or module prefix).
    pub fn is_within(&self, target: &str) -> bool {
        let me = self.to_string();
        me == target || self.block() == target || me.starts_with(&format!("{target}."))
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
}
