//! A resource type's declaration: the provider's published schema plus what its JSON does not
//! carry (ForceNew, defaults, validators, which arguments infractl implements), written as a
//! short chain:
//!
//! ```ignore
//! Decl::new("aws_vpc", published)
//!     .arg("cidr_block").force_new().check(ipv4_cidr_network())
//!     .arg("instance_tenancy").force_new().default("default").check(one_of(&["default", "dedicated"]))
//!     .args(&["tags"])
//!     .timeouts(10, 0, 5)
//!     .build()
//! ```
//!
//! Names, types and flags come only from the published schema, so they cannot drift from the
//! provider's. Everything starts "not implemented yet" (accepted only when unset) except
//! computed-only attributes and `timeouts`; `arg`/`args` mark what the type carries end to end,
//! a block with everything inside it (`not_yet` takes parts back). Paths go through blocks with
//! dots (`rule.filter.prefix`). Modifiers apply to the path `arg` selected last.

use super::validators::{Rule, Validator};
use super::{AttrSchema, BlockSchema, Nesting, Schema, Support, Timeouts, Type};
use crate::value::Value;
use std::time::Duration;

/// A declaration being written; [`Decl::build`] gives the schema.
pub struct Decl {
    schema: Schema,
    cursor: Option<String>,
    problems: Vec<String>,
}

enum Target<'s> {
    Attr(&'s mut AttrSchema),
    Block(&'s mut BlockSchema),
}

fn find<'s>(schema: &'s mut Schema, path: &str) -> Option<Target<'s>> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    match rest {
        Some(rest) => find(&mut schema.blocks.get_mut(head)?.schema, rest),
        None => {
            if schema.attrs.contains_key(head) {
                schema.attrs.get_mut(head).map(Target::Attr)
            } else {
                schema.blocks.get_mut(head).map(Target::Block)
            }
        }
    }
}

fn schema_at<'s>(schema: &'s mut Schema, path: &str) -> Option<&'s mut Schema> {
    if path.is_empty() {
        return Some(schema);
    }
    match find(schema, path)? {
        Target::Block(b) => Some(&mut b.schema),
        Target::Attr(_) => None,
    }
}

fn mark(schema: &mut Schema, support: Support) {
    for a in schema.attrs.values_mut() {
        if a.is_argument() {
            a.support = support;
        }
    }
    for b in schema.blocks.values_mut() {
        b.support = support;
        mark(&mut b.schema, support);
    }
}

fn set_paths(schema: &mut Schema, path: &str) {
    schema.path = path.to_string();
    for (name, b) in schema.blocks.iter_mut() {
        set_paths(&mut b.schema, &format!("{path}.{name}"));
    }
}

impl Decl {
    /// Starts from a type's published schema, nothing implemented yet but `timeouts`.
    pub fn new(type_name: &str, published: &Schema) -> Decl {
        let mut schema = published.clone();
        mark(&mut schema, Support::NotYet);
        if let Some(t) = schema.blocks.get_mut("timeouts") {
            t.support = Support::Yes;
            mark(&mut t.schema, Support::Yes);
            // Terraform refuses a timeout it cannot parse before any call (at plan).
            for a in t.schema.attrs.values_mut() {
                a.validators.push(super::validators::duration());
            }
        }
        set_paths(&mut schema, type_name);
        Decl {
            schema,
            cursor: None,
            problems: Vec::new(),
        }
    }

    fn problem(mut self, p: String) -> Decl {
        self.problems.push(format!("{}: {p}", self.schema.path));
        self
    }

    fn set_support(&mut self, path: &str, support: Support) -> bool {
        // The blocks around a path are accepted when anything inside them is.
        if support == Support::Yes {
            let mut prefix = String::new();
            for part in path
                .split('.')
                .collect::<Vec<_>>()
                .split_last()
                .map(|(_, p)| p.to_vec())
                .unwrap_or_default()
            {
                prefix = if prefix.is_empty() {
                    part.to_string()
                } else {
                    format!("{prefix}.{part}")
                };
                if let Some(Target::Block(b)) = find(&mut self.schema, &prefix) {
                    b.support = Support::Yes;
                }
            }
        }
        match find(&mut self.schema, path) {
            Some(Target::Attr(a)) => {
                a.support = support;
                true
            }
            Some(Target::Block(b)) => {
                b.support = support;
                mark(&mut b.schema, support);
                true
            }
            None => false,
        }
    }

    /// Marks an argument or block as implemented and selects it for the modifiers that follow.
    pub fn arg(mut self, path: &str) -> Decl {
        if !self.set_support(path, Support::Yes) {
            return self.problem(format!("{path} is not in the provider's schema"));
        }
        self.cursor = Some(path.to_string());
        self
    }

    /// Marks several arguments or blocks as implemented.
    pub fn args(mut self, paths: &[&str]) -> Decl {
        for p in paths {
            self = self.arg(p);
        }
        self.cursor = None;
        self
    }

    /// Marks parts of an implemented block as not implemented yet.
    pub fn not_yet(mut self, paths: &[&str]) -> Decl {
        for p in paths {
            if !self.set_support(p, Support::NotYet) {
                self = self.problem(format!("{p} is not in the provider's schema"));
            }
        }
        self.cursor = None;
        self
    }

    fn with_attr(mut self, what: &str, f: impl FnOnce(&mut AttrSchema)) -> Decl {
        let Some(path) = self.cursor.clone() else {
            return self.problem(format!("{what} follows no arg()"));
        };
        match find(&mut self.schema, &path) {
            Some(Target::Attr(a)) => {
                f(a);
                self
            }
            _ => self.problem(format!("{what} applies to attributes, {path} is a block")),
        }
    }

    fn with_block(mut self, what: &str, f: impl FnOnce(&mut BlockSchema)) -> Decl {
        let Some(path) = self.cursor.clone() else {
            return self.problem(format!("{what} follows no arg()"));
        };
        match find(&mut self.schema, &path) {
            Some(Target::Block(b)) => {
                f(b);
                self
            }
            _ => self.problem(format!("{what} applies to blocks, {path} is an attribute")),
        }
    }

    /// Changing the selected argument (or block) replaces the object (the provider's ForceNew).
    pub fn force_new(mut self) -> Decl {
        let Some(path) = self.cursor.clone() else {
            return self.problem("force_new follows no arg()".into());
        };
        match find(&mut self.schema, &path) {
            Some(Target::Attr(a)) => a.force_new = true,
            Some(Target::Block(b)) => b.force_new = true,
            None => {}
        }
        self
    }

    /// The provider's default for the selected argument.
    pub fn default(self, v: impl Into<Value>) -> Decl {
        let v = v.into();
        self.with_attr("default", |a| a.default = Some(v))
    }

    /// The provider plans `v` for the selected Optional+Computed argument whenever the
    /// blueprint leaves it unset (a plan modifier, not a schema default): unset means `v`, not
    /// what AWS has.
    pub fn default_when_unset(self, v: impl Into<Value>) -> Decl {
        let v = v.into();
        self.with_attr("default_when_unset", |a| {
            a.default = Some(v);
            a.default_when_unset = true;
        })
    }

    /// A validator of the selected argument; a JSON one also makes plans compare it as JSON.
    pub fn check(self, v: Validator) -> Decl {
        self.with_attr("check", |a| {
            a.json |= v.is_json();
            a.policy |= v == Validator::IamPolicy;
            a.validators.push(v);
        })
    }

    /// The selected argument is a JSON document, compared by meaning, which the provider does not
    /// validate before calling AWS.
    pub fn compare_json(self) -> Decl {
        self.with_attr("compare_json", |a| a.json = true)
    }

    /// The selected argument is an IAM policy document that the provider validates only as
    /// JSON but compares as a policy (its `SuppressEquivalentPolicyDiffs`).
    pub fn compare_policy(self) -> Decl {
        self.with_attr("compare_policy", |a| {
            a.json = true;
            a.policy = true;
        })
    }

    /// A canonical form for comparing the selected argument (see [`AttrSchema::normalize`]).
    pub fn normalized(self, f: fn(&str) -> String) -> Decl {
        self.with_attr("normalized", |a| a.normalize = Some(f))
    }

    /// AWS picks the selected argument's value (or blocks) when the blueprint leaves it unset,
    /// which the provider handles in code (Computed on a block, a suppressed diff): unset keeps
    /// what AWS has.
    pub fn live_if_unset(mut self) -> Decl {
        let Some(path) = self.cursor.clone() else {
            return self.problem("live_if_unset follows no arg()".into());
        };
        match find(&mut self.schema, &path) {
            Some(Target::Attr(a)) => a.live_when_unset = true,
            Some(Target::Block(b)) => b.computed = true,
            None => {}
        }
        self
    }

    /// The selected field of an "attributes as blocks" block must be set (the provider's
    /// nested schema says Required; its published object type cannot).
    pub fn required(self) -> Decl {
        self.with_attr("required", |a| {
            a.required = true;
            a.optional = false;
        })
    }

    /// The selected list field of an "attributes as blocks" block compares without order (its
    /// published object type says list; AWS returns the elements in an order of its own).
    pub fn unordered(self) -> Decl {
        self.with_attr("unordered", |a| {
            if let Type::List(e) = &a.ty {
                a.ty = Type::Set(e.clone());
            }
        })
    }

    /// Blocks the provider declares Optional+Computed (its published schema cannot say so for
    /// blocks): unknown at create when the blueprint omits them, and filled from AWS.
    pub fn computed_blocks(mut self, paths: &[&str]) -> Decl {
        for path in paths {
            match find(&mut self.schema, path) {
                Some(Target::Block(b)) => b.computed = true,
                _ => return self.problem(format!("{path}: no such block")),
            }
        }
        self
    }

    /// The selected block's most items, where the provider's code (not its schema) limits them.
    pub fn max_items(self, n: usize) -> Decl {
        self.with_block("max_items", |b| b.max_items = n)
    }

    /// Turns an attribute of type list/set of objects into blocks, as Terraform lets blueprints
    /// write it ("attributes as blocks"); the object's fields become optional arguments. Filled
    /// from AWS when the blueprint omits them, when the provider marks it computed.
    pub fn as_blocks(mut self, path: &str) -> Decl {
        let (parent, name) = match path.rsplit_once('.') {
            Some((p, n)) => (p, n),
            None => ("", path),
        };
        let Some(schema) = schema_at(&mut self.schema, parent) else {
            return self.problem(format!("{path}: no such block"));
        };
        let Some(attr) = schema.attrs.get(name).cloned() else {
            return self.problem(format!("{path} is not an attribute"));
        };
        let (nesting, fields) = match &attr.ty {
            Type::List(e) | Type::Set(e) => match &**e {
                Type::Object(fields) => (
                    if matches!(attr.ty, Type::Set(_)) {
                        Nesting::Set
                    } else {
                        Nesting::List
                    },
                    fields.clone(),
                ),
                _ => return self.problem(format!("{path} is not a collection of objects")),
            },
            _ => return self.problem(format!("{path} is not a collection of objects")),
        };
        let mut inner = Schema::new();
        for (k, t) in fields {
            let mut a = AttrSchema::new(t, false, true, false);
            a.support = attr.support;
            inner.attrs.insert(Box::leak(k.into_boxed_str()), a);
        }
        inner.path = format!("{}.{name}", schema.path);
        let key = schema.attrs.get_key_value(name).map(|(k, _)| *k).unwrap_or("");
        schema.attrs.shift_remove(name);
        schema.blocks.insert(
            key,
            BlockSchema {
                nesting,
                schema: inner,
                force_new: false,
                min_items: 0,
                max_items: 0,
                computed: attr.computed,
                as_attribute: Some(attr.ty.clone()),
                support: attr.support,
            },
        );
        self
    }

    /// A rule between arguments of the block at `path` (`""` for the type itself).
    pub fn rule_in(mut self, path: &str, rule: Rule) -> Decl {
        let names: Vec<&str> = match &rule {
            Rule::Conflicts(n) | Rule::ExactlyOne(n) | Rule::AtLeastOne(n) => n.to_vec(),
            Rule::RequiredWith(first, n) => std::iter::once(*first).chain(n.iter().copied()).collect(),
        };
        let Some(schema) = schema_at(&mut self.schema, path) else {
            return self.problem(format!("{path}: no such block"));
        };
        let missing: Vec<&str> = names
            .into_iter()
            .filter(|n| !schema.attrs.contains_key(n) && !schema.blocks.contains_key(n))
            .collect();
        if !missing.is_empty() {
            return self.problem(format!("rule names {missing:?}, not in the provider's schema"));
        }
        schema.rules.push(rule);
        self
    }

    /// A rule between the type's own arguments.
    pub fn rule(self, rule: Rule) -> Decl {
        self.rule_in("", rule)
    }

    /// The provider's default timeouts in minutes (0: the operation has none), for a type with
    /// a `timeouts` block.
    pub fn timeouts(mut self, create: u64, update: u64, delete: u64) -> Decl {
        let m = |n: u64| (n > 0).then(|| Duration::from_secs(n * 60));
        self.schema.timeouts = Timeouts {
            create: m(create),
            update: m(update),
            delete: m(delete),
            read: self.schema.timeouts.read,
        };
        if !self.schema.blocks.contains_key("timeouts") {
            return self.problem("timeouts declared, but the provider's schema has no timeouts block".into());
        }
        self
    }

    /// The provider's default read timeout in minutes (data sources, mostly).
    pub fn read_timeout(mut self, read: u64) -> Decl {
        self.schema.timeouts.read = Some(Duration::from_secs(read * 60));
        self
    }

    /// What was declared wrong (a path the provider's schema lacks, a modifier with nothing
    /// selected). The registry's tests assert this is empty for every type.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The finished schema. A mistake in the declaration is a bug in infractl, caught by the
    /// tests (debug builds stop here); a release build logs it and goes on.
    pub fn build(self) -> Schema {
        if !self.problems.is_empty() {
            tracing::error!("schema declaration: {}", self.problems.join("; "));
            debug_assert!(false, "schema declaration: {}", self.problems.join("; "));
        }
        self.schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::validators::one_of;

    fn published() -> Schema {
        Schema::new()
            .optional("name", Type::String)
            .optional("ipam", Type::String)
            .computed("arn", Type::String)
            .optional_computed(
                "route",
                Type::Set(Box::new(Type::Object(
                    [("cidr".to_string(), Type::String), ("gw".to_string(), Type::String)].into(),
                ))),
            )
            .block(
                "rule",
                Nesting::List,
                Schema::new()
                    .optional("id", Type::String)
                    .block("filter", Nesting::List, Schema::new().optional("prefix", Type::String))
                    .block("and", Nesting::List, Schema::new().optional("x", Type::String)),
            )
            .block(
                "timeouts",
                Nesting::Single,
                Schema::new().optional("create", Type::String),
            )
    }

    #[test]
    fn starts_not_implemented_and_marks_what_is_declared() {
        let s = Decl::new("aws_thing", &published())
            .arg("name")
            .force_new()
            .check(one_of(&["a"]))
            .arg("rule")
            .not_yet(&["rule.and"])
            .build();
        assert_eq!(s.attrs["name"].support, Support::Yes);
        assert!(s.attrs["name"].force_new);
        assert_eq!(s.attrs["ipam"].support, Support::NotYet);
        assert_eq!(
            s.attrs["arn"].support,
            Support::Yes,
            "computed-only attributes need no declaration"
        );
        assert_eq!(s.blocks["rule"].schema.blocks["filter"].support, Support::Yes);
        assert_eq!(s.blocks["rule"].schema.blocks["and"].support, Support::NotYet);
        assert_eq!(s.blocks["timeouts"].support, Support::Yes);
        assert_eq!(
            s.blocks["rule"].schema.blocks["filter"].schema.path,
            "aws_thing.rule.filter"
        );
    }

    #[test]
    fn nested_paths_mark_their_blocks_and_attributes_become_blocks() {
        let s = Decl::new("aws_thing", &published())
            .arg("rule.filter.prefix")
            .default("")
            .as_blocks("route")
            .arg("route")
            .arg("route.cidr")
            .required()
            .build();
        assert_eq!(s.blocks["rule"].support, Support::Yes);
        assert_eq!(s.blocks["rule"].schema.attrs["id"].support, Support::NotYet);
        assert_eq!(
            s.blocks["rule"].schema.blocks["filter"].schema.attrs["prefix"].default,
            Some(Value::str(""))
        );
        let route = &s.blocks["route"];
        assert!(route.computed && route.as_attribute.is_some() && route.nesting == Nesting::Set);
        assert!(route.schema.attrs["cidr"].required);
        assert!(!s.attrs.contains_key("route"));
        assert!(crate::schema::provider_schema::differences(&s, &published()).is_empty());
    }

    #[test]
    fn mistakes_are_reported() {
        let d = Decl::new("aws_thing", &published()).arg("nope").force_new();
        assert_eq!(d.problems().len(), 2, "{:?}", d.problems());
        let d = Decl::new("aws_thing", &published()).arg("rule").default(1);
        assert_eq!(d.problems().len(), 1);
    }
}
