//! Value marks: which parts of a value are sensitive (never shown) or ephemeral (never stored),
//! as Terraform's `cty` marks say it.
//!
//! Marks travel beside values rather than inside them: every layer matches on [`Value`] and
//! none of them should have to step around a wrapper. A [`Marks`] is a short list of
//! (path, mark) pairs, empty for the unmarked values that are almost all values, so carrying it
//! costs nothing where nothing is marked. The evaluator keeps a value's marks next to it through
//! every operation (constructors keep them per element, traversals narrow them, everything else
//! marks its whole result with all its operands' marks, as `cty` does); the layers above ask
//! for marks only where they matter: plan rendering, root outputs, what may be stored.

use crate::value::Value;
use std::fmt;

/// A set of marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Mark(u8);

impl Mark {
    /// No mark.
    pub const NONE: Mark = Mark(0);
    /// Never shown: plans and output print "(sensitive value)".
    pub const SENSITIVE: Mark = Mark(1);
    /// Never stored: not in state, not in plan files; only where Terraform allows it.
    pub const EPHEMERAL: Mark = Mark(2);

    /// True when every mark of `other` is in this set.
    pub fn has(self, other: Mark) -> bool {
        other.0 != 0 && self.0 & other.0 == other.0
    }

    /// Both sets together.
    pub fn union(self, other: Mark) -> Mark {
        Mark(self.0 | other.0)
    }

    /// This set without the marks of `other`.
    pub fn without(self, other: Mark) -> Mark {
        Mark(self.0 & !other.0)
    }

    /// True for no mark at all.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One step into a value: an object attribute or map key, or a list element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// `.name` or `["key"]`.
    Key(String),
    /// `[3]`.
    Index(usize),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(k) => write!(f, ".{k}"),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Where a value's marks sit: each entry marks the part of the value at its path (an empty
/// path is the whole value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks(Vec<(Vec<Step>, Mark)>);

/// A value with its marks, as the evaluator passes them around.
pub type Marked = (Value, Marks);

impl Marks {
    /// No marks.
    pub fn none() -> Marks {
        Marks(Vec::new())
    }

    /// The whole value marked with `m` (nothing when `m` is empty).
    pub fn whole(m: Mark) -> Marks {
        let mut out = Marks::none();
        out.add(Vec::new(), m);
        out
    }

    /// True when nothing is marked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every (path, mark) entry.
    pub fn entries(&self) -> &[(Vec<Step>, Mark)] {
        &self.0
    }

    /// Every mark anywhere in the value.
    pub fn all(&self) -> Mark {
        self.0.iter().fold(Mark::NONE, |acc, (_, m)| acc.union(*m))
    }

    /// The marks of the whole value (not those of its parts only).
    pub fn shallow(&self) -> Mark {
        self.0
            .iter()
            .filter(|(p, _)| p.is_empty())
            .fold(Mark::NONE, |acc, (_, m)| acc.union(*m))
    }

    /// Marks the part at `path` with `m`.
    pub fn add(&mut self, path: Vec<Step>, m: Mark) {
        if m.is_empty() {
            return;
        }
        match self.0.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => *existing = existing.union(m),
            None => self.0.push((path, m)),
        }
    }

    /// Adds every entry of `other`.
    pub fn merge(&mut self, other: Marks) {
        for (p, m) in other.0 {
            self.add(p, m);
        }
    }

    /// These marks and `other`'s.
    pub fn with(mut self, other: Marks) -> Marks {
        self.merge(other);
        self
    }

    /// All these marks moved onto the whole value (what an operation on a marked value gives:
    /// `upper(var.secret)` is wholly sensitive).
    pub fn collapse(&self) -> Marks {
        Marks::whole(self.all())
    }

    /// The marks of a value that is the part at `step` of a value with these marks (what
    /// `x.step` carries): the marks of the whole, and those inside that part.
    pub fn get(&self, step: &Step) -> Marks {
        let mut out = Marks::none();
        for (p, m) in &self.0 {
            match p.split_first() {
                None => out.add(Vec::new(), *m),
                Some((first, rest)) if first == step => out.add(rest.to_vec(), *m),
                Some(_) => {}
            }
        }
        out
    }

    /// Marks of a part, put at `step` of a containing value (an element of a constructor).
    pub fn nest(step: Step, child: Marks) -> Marks {
        Marks(
            child
                .0
                .into_iter()
                .map(|(mut p, m)| {
                    p.insert(0, step.clone());
                    (p, m)
                })
                .collect(),
        )
    }

    /// The same marks without `m` on the whole value (`nonsensitive` removes the whole
    /// value's sensitive mark only, as Terraform's does).
    pub fn unmark_shallow(&self, m: Mark) -> Marks {
        Marks(
            self.0
                .iter()
                .map(|(p, x)| (p.clone(), if p.is_empty() { x.without(m) } else { *x }))
                .filter(|(_, x)| !x.is_empty())
                .collect(),
        )
    }

    /// The same marks without `m` anywhere.
    pub fn unmark_deep(&self, m: Mark) -> Marks {
        Marks(
            self.0
                .iter()
                .map(|(p, x)| (p.clone(), x.without(m)))
                .filter(|(_, x)| !x.is_empty())
                .collect(),
        )
    }

    /// True when the part at `path` (or anything around it) carries `m`.
    pub fn covers(&self, path: &[Step], m: Mark) -> bool {
        self.0
            .iter()
            .any(|(p, x)| x.has(m) && (path.starts_with(p) || p.starts_with(path)))
    }
}

/// `value` with every non-null part marked `m` replaced by `by` (a whole value marked `m`
/// becomes `by`): how ephemeral parts become null (`ephemeralasnull`), and how plan output
/// hides sensitive parts.
pub fn replace_marked(value: &Value, marks: &Marks, m: Mark, by: &Value) -> Value {
    if marks.shallow().has(m) {
        // Null is null whatever it is marked: there is nothing to hide or drop.
        return if value.is_null() { Value::Null } else { by.clone() };
    }
    if !marks.all().has(m) {
        return value.clone();
    }
    match value {
        Value::List(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| replace_marked(x, &marks.get(&Step::Index(i)), m, by))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, x)| (k.clone(), replace_marked(x, &marks.get(&Step::Key(k.clone())), m, by)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The marks of a value whose parts at `paths` are marked `m` (schema attributes declared
/// sensitive, for instance).
pub fn at_paths(paths: impl IntoIterator<Item = Vec<Step>>, m: Mark) -> Marks {
    let mut out = Marks::none();
    for p in paths {
        out.add(p, m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.to_string())
    }

    #[test]
    fn traversals_narrow_and_constructors_nest() {
        let inner = Marks::whole(Mark::SENSITIVE);
        let obj = Marks::nest(key("a"), inner);
        assert!(obj.get(&key("a")).shallow().has(Mark::SENSITIVE));
        assert!(obj.get(&key("b")).is_empty());
        assert!(obj.all().has(Mark::SENSITIVE) && obj.shallow().is_empty());
        // A mark on the whole reaches every part.
        let whole = Marks::whole(Mark::EPHEMERAL);
        assert!(whole.get(&key("x")).get(&Step::Index(3)).shallow().has(Mark::EPHEMERAL));
    }

    #[test]
    fn unmarking_and_replacing() {
        let m = Marks::whole(Mark::SENSITIVE).with(Marks::nest(key("a"), Marks::whole(Mark::SENSITIVE)));
        let shallow = m.unmark_shallow(Mark::SENSITIVE);
        assert!(shallow.shallow().is_empty() && shallow.all().has(Mark::SENSITIVE));
        assert!(m.unmark_deep(Mark::SENSITIVE).is_empty());
        let v = Value::object([("a", Value::str("s")), ("b", Value::str("p"))]);
        let marks = Marks::nest(key("a"), Marks::whole(Mark::EPHEMERAL));
        assert_eq!(
            replace_marked(&v, &marks, Mark::EPHEMERAL, &Value::Null),
            Value::object([("a", Value::Null), ("b", Value::str("p"))])
        );
    }
}
