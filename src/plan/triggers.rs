//! `lifecycle { replace_triggered_by = [...] }`: an instance is replaced when a resource it
//! names is planned to change, by Terraform 1.11's rules.
//!
//! Each entry is a reference written as a static traversal: a resource (`aws_x.y`), one of its
//! instances (`aws_x.y[0]`, `aws_x.y[count.index]`, `aws_x.y[each.key]`; the only variables
//! allowed, so that counted blocks can pair instance with instance), optionally followed by an
//! attribute path (`aws_x.y.attr`, `aws_x.y[each.key].tags["k"]`). A resource reference
//! triggers when any of its instances is planned for an update or a replacement; an attribute
//! reference when that instance is updated or replaced and the attribute's planned value
//! differs from its prior one (or is not known yet). Creates and deletes never trigger.

use super::{Action, Change};
use crate::address::{Address, InstanceKey, ModuleStep};
use crate::blueprint::config::Mode;
use crate::blueprint::eval::Bindings;
use crate::blueprint::marks::Step;
use crate::blueprint::source::{Expr, Loc};
use crate::diag::{DResult, Diag};
use crate::value::Value;
use hcl_edit::expr::{Expression, TraversalOperator};
use std::collections::HashMap;

/// Which instance a trigger names.
#[derive(Debug, Clone, PartialEq)]
enum Index {
    /// Written as a constant (`[0]`, `["a"]`).
    Fixed(InstanceKey),
    /// `[count.index]`: the instance with the same index as the triggered one.
    SameCount,
    /// `[each.key]`: the instance with the same key as the triggered one.
    SameKey,
}

/// One `replace_triggered_by` entry, parsed.
#[derive(Debug, Clone)]
pub struct Trigger {
    mode: Mode,
    type_name: String,
    name: String,
    index: Option<Index>,
    path: Vec<Step>,
    loc: Loc,
}

/// The planned changes so far, by block, for triggers to look up.
#[derive(Default)]
pub struct ChangeIndex {
    by_block: HashMap<Address, Vec<usize>>,
}

impl ChangeIndex {
    /// Notes that `changes[at]` was planned.
    pub fn add(&mut self, at: usize, change: &Change) {
        self.by_block
            .entry(super::block_of(&change.address))
            .or_default()
            .push(at);
    }

    fn of<'c>(&self, block: &Address, changes: &'c [Change]) -> Vec<&'c Change> {
        self.by_block
            .get(block)
            .map(|l| l.iter().filter_map(|i| changes.get(*i)).collect())
            .unwrap_or_default()
    }
}

fn invalid(detail: &str, loc: Loc) -> Diag {
    Diag::new("Invalid replace_triggered_by expression")
        .detail(detail.to_string())
        .at(loc)
}

impl Trigger {
    /// Reads an entry, refusing what Terraform refuses: anything but a resource reference,
    /// index expressions other than constants, `count.index` and `each.key`.
    pub fn parse(expr: &Expr) -> DResult<Trigger> {
        let loc = expr.loc();
        let (root, ops) = match &expr.ast {
            Expression::Variable(v) => (v.as_str(), &[][..]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => (v.as_str(), &t.operators[..]),
                _ => return Err(invalid("Unexpected expression found in replace_triggered_by.", loc)),
            },
            _ if crate::blueprint::refs::roots(expr).is_empty() => {
                return Err(invalid(
                    "Missing resource reference in replace_triggered_by expression.",
                    loc,
                ))
            }
            _ => return Err(invalid("Unexpected expression found in replace_triggered_by.", loc)),
        };
        if matches!(
            root,
            "var" | "local" | "module" | "path" | "terraform" | "self" | "count" | "each"
        ) {
            return Err(Diag::new("Invalid reference in replace_triggered_by expression")
                .detail("Only resources, count.index, and each.key may be used in replace_triggered_by.")
                .at(loc));
        }
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str().to_string()),
            _ => None,
        };
        let (mode, type_name, name, mut at) = match root {
            "data" | "ephemeral" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return Err(invalid(
                        "Missing resource reference in replace_triggered_by expression.",
                        loc,
                    ));
                };
                let mode = if root == "data" { Mode::Data } else { Mode::Ephemeral };
                (mode, t, n, 2)
            }
            t => {
                let Some(n) = attr(0) else {
                    return Err(invalid(
                        "Missing resource reference in replace_triggered_by expression.",
                        loc,
                    ));
                };
                (Mode::Managed, t.to_string(), n, 1)
            }
        };
        let mut index = None;
        if let Some(op) = ops.get(at) {
            if let Some(i) = instance_index(op.value(), &loc)? {
                index = Some(i);
                at += 1;
            }
        }
        let mut path = Vec::new();
        for op in &ops[at..] {
            path.push(match op.value() {
                TraversalOperator::GetAttr(id) => Step::Key(id.as_str().to_string()),
                other => match instance_index(other, &loc)? {
                    Some(Index::Fixed(InstanceKey::Index(i))) => Step::Index(i),
                    Some(Index::Fixed(InstanceKey::Key(k))) => Step::Key(k),
                    _ => return Err(invalid("Unexpected expression found in replace_triggered_by.", loc)),
                },
            });
        }
        Ok(Trigger {
            mode,
            type_name,
            name,
            index,
            path,
            loc,
        })
    }

    /// Whether this trigger fires for the instance with `bindings` in module instance
    /// `module`, given the changes planned so far.
    pub fn fires(
        &self,
        module: &[ModuleStep],
        bindings: &Bindings,
        planned: &ChangeIndex,
        changes: &[Change],
    ) -> DResult<bool> {
        let block = Address {
            module: module.to_vec(),
            mode: self.mode,
            type_name: self.type_name.clone(),
            name: self.name.clone(),
            key: InstanceKey::None,
        };
        let key = match &self.index {
            None => None,
            Some(Index::Fixed(k)) => Some(k.clone()),
            Some(Index::SameCount) => match bindings.count_index.as_ref().and_then(Value::as_number) {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => Some(InstanceKey::Index(n as usize)),
                _ => {
                    return Err(Diag::new("Reference to \"count\" in non-counted context")
                        .detail("The \"count\" object can only be used in \"resource\" blocks when the \"count\" argument is set.")
                        .at(&self.loc))
                }
            },
            Some(Index::SameKey) => match bindings.each.as_ref().and_then(|(k, _)| k.as_str().map(str::to_string)) {
                Some(k) => Some(InstanceKey::Key(k)),
                None => {
                    return Err(Diag::new("Reference to \"each\" in context without for_each")
                        .detail("The \"each\" object can be used only in \"resource\" blocks when the \"for_each\" argument is set.")
                        .at(&self.loc))
                }
            },
        };
        let mut found = planned.of(&block, changes);
        if let Some(k) = &key {
            found.retain(|c| c.address.key == *k);
        }
        let changing = |c: &Change| matches!(c.action, Action::Update | Action::Replace);
        if self.path.is_empty() {
            return Ok(found.iter().any(|c| changing(c)));
        }
        // An attribute path names one instance: the first, as Terraform takes it.
        let Some(change) = found.first().filter(|c| changing(c)) else {
            return Ok(false);
        };
        let before = change.before.as_ref().and_then(|v| at_path(v, &self.path));
        let after = change.after.as_ref().and_then(|v| at_path(v, &self.path));
        Ok(match (before, after) {
            (Some(b), Some(a)) => a.has_unknown() || b != a,
            (b, a) => b.is_some() != a.is_some(),
        })
    }
}

/// The instance index an operator writes, when it is one (`[0]`, `["a"]`, `[count.index]`,
/// `[each.key]`); an error for other index expressions.
fn instance_index(op: &TraversalOperator, loc: &Loc) -> DResult<Option<Index>> {
    let bad = || {
        Diag::new("Invalid index expression")
            .detail("Only constant values, count.index or each.key are allowed in index expressions.")
            .at(loc)
    };
    Ok(Some(match op {
        TraversalOperator::LegacyIndex(n) => Index::Fixed(InstanceKey::Index(*n.value() as usize)),
        TraversalOperator::Index(e) => match e {
            Expression::Number(n) => match n.value().as_u64() {
                Some(i) => Index::Fixed(InstanceKey::Index(i as usize)),
                None => return Err(bad()),
            },
            Expression::String(s) => Index::Fixed(InstanceKey::Key(s.value().to_string())),
            Expression::Traversal(t) => {
                let Expression::Variable(v) = &t.expr else {
                    return Err(bad());
                };
                let attr = match t.operators.as_slice() {
                    [one] => match one.value() {
                        TraversalOperator::GetAttr(id) => id.as_str().to_string(),
                        _ => return Err(bad()),
                    },
                    _ => return Err(bad()),
                };
                match (v.as_str(), attr.as_str()) {
                    ("count", "index") => Index::SameCount,
                    ("each", "key") => Index::SameKey,
                    ("count", _) => {
                        return Err(Diag::new("Invalid count reference in replace_triggered_by expression")
                            .detail("Only count.index may be used in replace_triggered_by.")
                            .at(loc))
                    }
                    ("each", _) => {
                        return Err(Diag::new("Invalid each reference in replace_triggered_by expression")
                            .detail("Only each.key may be used in replace_triggered_by.")
                            .at(loc))
                    }
                    _ => return Err(bad()),
                }
            }
            _ => return Err(bad()),
        },
        _ => return Ok(None),
    }))
}

fn at_path<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    let mut cur = v;
    for step in path {
        cur = match (cur, step) {
            (Value::Unknown, _) => return Some(cur),
            (Value::Object(m), Step::Key(k)) => m.get(k)?,
            (Value::List(items), Step::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::source::SourceFile;

    fn parse(text: &str) -> DResult<Trigger> {
        let f = SourceFile::new("t.tf", text.to_string());
        Trigger::parse(&Expr::new(hcl_edit::parser::parse_expr(text).unwrap(), &f))
    }

    #[test]
    fn parses_what_terraform_accepts_and_refuses_the_rest() {
        let t = parse("aws_x.y[each.key].tags[\"k\"]").unwrap();
        assert_eq!(t.index, Some(Index::SameKey));
        assert_eq!(t.path, vec![Step::Key("tags".into()), Step::Key("k".into())]);
        assert_eq!(parse("aws_x.y[count.index]").unwrap().index, Some(Index::SameCount));
        assert_eq!(parse("terraform_data.z").unwrap().index, None, "a whole resource");
        assert!(parse("var.x").unwrap_err().summary.contains("Invalid reference"));
        assert!(parse("aws_x.y[var.i]").unwrap_err().summary.contains("Invalid index"));
        assert!(parse("aws_x.y[each.value]")
            .unwrap_err()
            .summary
            .contains("each reference"));
        assert!(parse("\"x\"").unwrap_err().detail.unwrap().contains("Missing resource"));
    }
}
