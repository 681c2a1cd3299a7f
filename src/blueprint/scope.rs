//! The evaluation context of a whole blueprint: resolves `var.*`, `local.*`, `module.*.*`,
//! resource and data references in the right module, expands `count`/`for_each`, and turns a
//! resource body into a typed value checked against its schema.
//!
//! Locals, module inputs and outputs are evaluated lazily and memoised once fully known, so the
//! same context serves planning (resources partly unknown) and applying (resources filling in).

use super::config::{Body, Module, Resource};
use super::eval::{self, iterate, Bindings, Resolver};
use super::source::{Expr, Loc};
use super::types::TypeConstraint;
use crate::address::InstanceKey;
use crate::diag::{DResult, Diag};
use crate::schema::Schema;
use crate::value::Value;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// What the planner or engine currently knows of resource values.
pub trait ResourceValues: Send + Sync {
    /// The value of a resource block (`aws_vpc.main` or `data.aws_region.r`) in a module: an
    /// object for a single instance, a list for `count`, an object of instances for `for_each`.
    /// `None` when nothing is known yet (the reference evaluates to unknown).
    fn block_value(&self, module: &[String], key: &str) -> Option<Value>;

    /// One instance of a block, by its count index or for_each key; `None` when it is not
    /// (yet) known, and the caller falls back to [`ResourceValues::block_value`].
    fn instance_value(&self, _module: &[String], _key: &str, _index: &Value) -> Option<Value> {
        None
    }
}

/// Resource values where everything is unknown: used to validate a blueprint without AWS.
pub struct AllUnknown;

impl ResourceValues for AllUnknown {
    fn block_value(&self, _: &[String], _: &str) -> Option<Value> {
        None
    }
}

/// The instances a resource block expands to.
#[derive(Debug, Clone)]
pub enum Expansion {
    /// Known instance keys with their `count.index`/`each` bindings.
    Known(Vec<(InstanceKey, Bindings)>),
    /// `count` or `for_each` depends on values not known until apply.
    Unknown,
}

/// The most instances one block may expand to: far beyond any real stack, and low enough that
/// a mistyped count is an error instead of an attempt to allocate it.
pub const MAX_INSTANCES: usize = 100_000;

/// One instance of a resource block, as [`Context::expand_one`] finds it.
#[derive(Debug, Clone)]
pub enum OneInstance {
    /// It exists, with these bindings.
    Bound(Box<Bindings>),
    /// count/for_each no longer produce this key.
    Gone,
    /// count/for_each are not known yet.
    Unknown,
}

/// Everything needed to evaluate any expression of the blueprint.
pub struct Context<'a> {
    /// The root module (with its children).
    pub root: &'a Module,
    /// Values of the root module's variables, already converted to their types.
    pub inputs: &'a IndexMap<String, Value>,
    /// Current knowledge of resource values.
    pub resources: &'a dyn ResourceValues,
    /// `terraform.workspace`.
    pub workspace: String,
    memo: Mutex<HashMap<String, Value>>,
}

impl<'a> Context<'a> {
    /// A context over a loaded blueprint.
    pub fn new(
        root: &'a Module,
        inputs: &'a IndexMap<String, Value>,
        resources: &'a dyn ResourceValues,
    ) -> Context<'a> {
        Context {
            root,
            inputs,
            resources,
            workspace: "default".into(),
            memo: Mutex::new(HashMap::new()),
        }
    }

    fn module(&self, path: &[String]) -> &'a Module {
        self.root.descend(path).expect("module paths come from the loaded tree")
    }

    /// Evaluates an expression written in module `path`.
    pub fn eval(&self, path: &[String], expr: &Expr, b: &Bindings) -> DResult<Value> {
        let resolver = ModuleResolver { ctx: self, path };
        eval::eval(expr, &resolver, b)
    }

    fn memoised(&self, key: String, compute: impl FnOnce() -> DResult<Value>) -> DResult<Value> {
        if let Some(v) = self.memo.lock().expect("memo lock").get(&key) {
            return Ok(v.clone());
        }
        let v = compute()?;
        if !v.has_unknown() {
            self.memo.lock().expect("memo lock").insert(key, v.clone());
        }
        Ok(v)
    }

    /// The value of `var.NAME` in module `path`.
    pub fn var(&self, path: &[String], name: &str, loc: &Loc) -> DResult<Value> {
        let module = self.module(path);
        let decl = module.variables.get(name).ok_or_else(|| {
            Diag::new("Reference to undeclared input variable")
                .detail(format!(
                    "An input variable with the name \"{name}\" has not been declared."
                ))
                .at(loc)
        })?;
        let Some((parent, call_name)) = path.split_last().map(|(last, parent)| (parent, last)) else {
            return Ok(self.inputs.get(name).cloned().unwrap_or(Value::Null));
        };
        self.memoised(format!("var:{}:{name}", path.join(".")), || {
            let call = &self.module(parent).calls[call_name];
            let raw = match call.args.get(name) {
                Some(arg) => self.eval(parent, &arg.expr, &Bindings::default())?,
                None => match &decl.default {
                    Some(d) => self.eval(path, d, &Bindings::default())?,
                    None => {
                        return Err(Diag::new(format!("Missing required argument \"{name}\""))
                            .detail(format!(
                                "Module \"{call_name}\" needs a value for its variable \"{name}\"."
                            ))
                            .at(&call.loc))
                    }
                },
            };
            let converted = match &decl.type_expr {
                Some(t) => TypeConstraint::parse(t)?.convert(raw).map_err(|m| {
                    Diag::new(format!("Invalid value for module argument \"{name}\""))
                        .detail(m)
                        .at(call.args.get(name).map(|a| a.loc.clone()).unwrap_or(call.loc.clone()))
                })?,
                None => raw,
            };
            Ok(converted)
        })
    }

    /// The value of `local.NAME` in module `path`.
    pub fn local(&self, path: &[String], name: &str, loc: &Loc) -> DResult<Value> {
        let attr = self.module(path).locals.get(name).ok_or_else(|| {
            Diag::new("Reference to undeclared local value")
                .detail(format!("A local value with the name \"{name}\" has not been declared."))
                .at(loc)
        })?;
        self.memoised(format!("local:{}:{name}", path.join(".")), || {
            self.eval(path, &attr.expr, &Bindings::default())
        })
    }

    /// The value of output `name` of the module at `path`.
    pub fn output(&self, path: &[String], name: &str, loc: &Loc) -> DResult<Value> {
        let out = self.module(path).outputs.get(name).ok_or_else(|| {
            Diag::new("Unsupported attribute")
                .detail(format!("This module has no output value named \"{name}\"."))
                .at(loc)
        })?;
        self.memoised(format!("output:{}:{name}", path.join(".")), || {
            self.eval(path, &out.value, &Bindings::default())
        })
    }

    /// Expands `count`/`for_each` of a resource block into its instances.
    pub fn expand(&self, path: &[String], res: &Resource) -> DResult<Expansion> {
        if let Some(count) = &res.count {
            let v = self.eval(path, count, &Bindings::default())?;
            if v == Value::Unknown {
                return Ok(Expansion::Unknown);
            }
            let n = v.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0).ok_or_else(|| {
                Diag::new("Invalid count argument")
                    .detail(format!(
                        "count must be a whole number of zero or more, got {}",
                        v.render()
                    ))
                    .at(count.loc())
            })?;
            if n > MAX_INSTANCES as f64 {
                return Err(Diag::new("Invalid count argument")
                    .detail(format!(
                        "count is {n}; infractl expands at most {MAX_INSTANCES} instances of one block (each is an object in AWS)."
                    ))
                    .at(count.loc()));
            }
            return Ok(Expansion::Known(
                (0..n as usize)
                    .map(|i| {
                        (
                            InstanceKey::Index(i),
                            Bindings {
                                count_index: Some(Value::Number(i as f64)),
                                ..Default::default()
                            },
                        )
                    })
                    .collect(),
            ));
        }
        if let Some(fe) = &res.for_each {
            let v = self.eval(path, fe, &Bindings::default())?;
            return for_each_instances(&v, fe);
        }
        Ok(Expansion::Known(vec![(InstanceKey::None, Bindings::default())]))
    }

    /// The bindings of one instance of a block, without expanding all of them: the engine
    /// evaluates instances one at a time, and building every binding of a `count = 10000`
    /// block for each of its instances made apply quadratic.
    pub fn expand_one(&self, path: &[String], res: &Resource, key: &InstanceKey) -> DResult<OneInstance> {
        if res.count.is_none() && res.for_each.is_none() {
            return Ok(match key {
                InstanceKey::None => OneInstance::Bound(Box::default()),
                _ => OneInstance::Gone,
            });
        }
        if let (Some(count), InstanceKey::Index(i)) = (&res.count, key) {
            let v = self.eval(path, count, &Bindings::default())?;
            if v == Value::Unknown {
                return Ok(OneInstance::Unknown);
            }
            if let Some(n) = v.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0) {
                return Ok(if (*i as f64) < n {
                    OneInstance::Bound(Box::new(Bindings {
                        count_index: Some(Value::Number(*i as f64)),
                        ..Default::default()
                    }))
                } else {
                    OneInstance::Gone
                });
            }
        }
        if let (Some(fe), InstanceKey::Key(k)) = (&res.for_each, key) {
            if let Value::Object(map) = self.eval(path, fe, &Bindings::default())? {
                return Ok(match map.get(k) {
                    Some(x) => OneInstance::Bound(Box::new(Bindings {
                        each: Some((Value::str(k), x.clone())),
                        ..Default::default()
                    })),
                    None => OneInstance::Gone,
                });
            }
        }
        // Sets of strings, wrong key kinds and invalid values: the general path decides (and
        // reports errors with their location).
        Ok(match self.expand(path, res)? {
            Expansion::Known(list) => list
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, b)| OneInstance::Bound(Box::new(b)))
                .unwrap_or(OneInstance::Gone),
            Expansion::Unknown => OneInstance::Unknown,
        })
    }

    /// Evaluates a resource body into an object, checking names and types against the schema.
    /// Unset attributes are present as null so later stages see every attribute.
    pub fn eval_body(&self, path: &[String], body: &Body, schema: &Schema, b: &Bindings) -> DResult<Value> {
        let mut out = IndexMap::new();
        let mut blocks: IndexMap<String, Value> = IndexMap::new();
        for (name, attr) in &body.attrs {
            let Some(a) = schema.attrs.get(name.as_str()) else {
                if let Some(bs) = schema.blocks.get(name.as_str()).filter(|bs| bs.as_attribute.is_some()) {
                    // Terraform's "attributes as blocks": `ingress = [...]` as well as `ingress { }`.
                    let v = self.eval(path, &attr.expr, b)?;
                    let items =
                        crate::schema::check::attribute_as_blocks(schema, name, bs, v).map_err(|d| d.at(&attr.loc))?;
                    blocks.insert(name.clone(), items);
                    continue;
                }
                let hint = if schema.blocks.contains_key(name.as_str()) {
                    format!("\"{name}\" is a block: write it as {name} {{ ... }}.")
                } else {
                    format!("An argument named \"{name}\" is not expected here.")
                };
                return Err(Diag::new(format!("Unsupported argument \"{name}\""))
                    .detail(hint)
                    .at(&attr.loc));
            };
            if !a.optional && !a.required {
                return Err(Diag::new(format!("Invalid argument \"{name}\""))
                    .detail(format!("\"{name}\" is computed by AWS and cannot be set."))
                    .at(&attr.loc));
            }
            let v = self.eval(path, &attr.expr, b)?;
            let v = a.ty.convert(v).map_err(|m| {
                Diag::new(format!("Incorrect attribute value type for \"{name}\""))
                    .detail(m)
                    .at(&attr.loc)
            })?;
            crate::schema::check::attr(schema, name, a, &v).map_err(|d| d.at(&attr.loc))?;
            out.insert(name.clone(), v);
        }
        for (name, a) in &schema.attrs {
            if !out.contains_key(*name) {
                if a.required {
                    return Err(Diag::new(format!("Missing required argument \"{name}\""))
                        .detail(format!(
                            "The argument \"{name}\" is required, but no definition was found."
                        ))
                        .at(&body.loc));
                }
                out.insert(name.to_string(), Value::Null);
            }
        }
        for nested in &body.blocks {
            let (kind, items) = if nested.kind == "dynamic" {
                self.dynamic_block(path, nested, schema, b)?
            } else {
                let bs = schema.blocks.get(nested.kind.as_str()).ok_or_else(|| {
                    Diag::new(format!("Unsupported block type \"{}\"", nested.kind))
                        .detail(format!("Blocks of type \"{}\" are not expected here.", nested.kind))
                        .at(&nested.body.loc)
                })?;
                crate::schema::check::block(schema, &nested.kind, bs, 1).map_err(|d| d.at(&nested.body.loc))?;
                (
                    nested.kind.clone(),
                    Value::List(vec![self.eval_body(path, &nested.body, &bs.schema, b)?]),
                )
            };
            let slot = blocks.entry(kind).or_insert_with(|| Value::List(vec![]));
            match (slot, items) {
                (Value::List(existing), Value::List(new)) => existing.extend(new),
                (slot, _) => *slot = Value::Unknown,
            }
        }
        for (name, bs) in &schema.blocks {
            let v = blocks.shift_remove(*name);
            if let Some(Value::List(items)) = &v {
                if bs.max_items > 0 && items.len() > bs.max_items {
                    return Err(Diag::new(format!("Too many \"{name}\" blocks"))
                        .detail(format!("No more than {} \"{name}\" blocks are allowed.", bs.max_items))
                        .at(&body.loc));
                }
            }
            // An omitted block is "not configured" (null); the planner treats computed ones as AWS's.
            out.insert(name.to_string(), v.unwrap_or(Value::Null));
        }
        crate::schema::check::object(schema, &out).map_err(|d| d.at(&body.loc))?;
        Ok(Value::Object(out))
    }

    fn dynamic_block(
        &self,
        path: &[String],
        nested: &super::config::NestedBlock,
        schema: &Schema,
        b: &Bindings,
    ) -> DResult<(String, Value)> {
        let loc = &nested.body.loc;
        let kind = nested
            .labels
            .first()
            .cloned()
            .ok_or_else(|| Diag::new("A dynamic block needs a label naming the block type").at(loc))?;
        let bs = schema
            .blocks
            .get(kind.as_str())
            .ok_or_else(|| Diag::new(format!("Unsupported block type \"{kind}\"")).at(loc))?;
        let for_each = nested
            .body
            .attrs
            .get("for_each")
            .ok_or_else(|| Diag::new("A dynamic block needs for_each").at(loc))?;
        let iterator = match nested.body.attrs.get("iterator") {
            Some(a) => a.expr.text().trim().to_string(),
            None => kind.clone(),
        };
        let content = nested
            .body
            .blocks
            .iter()
            .find(|c| c.kind == "content")
            .ok_or_else(|| Diag::new("A dynamic block needs a content block").at(loc))?;
        let coll = self.eval(path, &for_each.expr, b)?;
        if coll == Value::Unknown {
            return Ok((kind, Value::Unknown));
        }
        let mut items = Vec::new();
        for (k, v) in iterate(&coll).map_err(|m| Diag::new(m).at(&for_each.loc))? {
            let inner = b.with(&iterator, Value::object([("key", k), ("value", v)]));
            items.push(self.eval_body(path, &content.body, &bs.schema, &inner)?);
        }
        crate::schema::check::block(schema, &kind, bs, items.len()).map_err(|d| d.at(loc))?;
        Ok((kind, Value::List(items)))
    }
}

fn for_each_instances(v: &Value, fe: &Expr) -> DResult<Expansion> {
    let bad = |detail: String| Diag::new("Invalid for_each argument").detail(detail).at(fe.loc());
    match v {
        Value::Unknown => Ok(Expansion::Unknown),
        Value::Object(map) => Ok(Expansion::Known(
            map.iter()
                .map(|(k, x)| {
                    (
                        InstanceKey::Key(k.clone()),
                        Bindings {
                            each: Some((Value::str(k), x.clone())),
                            ..Default::default()
                        },
                    )
                })
                .collect(),
        )),
        Value::List(items) => {
            if items.contains(&Value::Unknown) {
                return Ok(Expansion::Unknown);
            }
            let mut keys = std::collections::BTreeSet::new();
            for item in items {
                let k = item.as_str().ok_or_else(|| {
                    bad(format!(
                        "for_each needs a map or a set of strings; this list holds a {}. Use toset() on a list of strings.",
                        item.type_name()
                    ))
                })?;
                keys.insert(k.to_string());
            }
            Ok(Expansion::Known(
                keys.into_iter()
                    .map(|k| {
                        (
                            InstanceKey::Key(k.clone()),
                            Bindings {
                                each: Some((Value::str(&k), Value::str(&k))),
                                ..Default::default()
                            },
                        )
                    })
                    .collect(),
            ))
        }
        Value::Null => Err(bad("for_each must not be null.".into())),
        other => Err(bad(format!(
            "for_each needs a map or a set of strings, got {}.",
            other.type_name()
        ))),
    }
}

struct ModuleResolver<'c, 'a> {
    ctx: &'c Context<'a>,
    path: &'c [String],
}

impl Resolver for ModuleResolver<'_, '_> {
    fn resolve_instance(&self, root: &str, names: &[&str], index: &Value) -> Option<(Value, usize)> {
        let (key, used) = Self::resource_key(root, names)?;
        if used != names.len() || !self.ctx.module(self.path).resources.contains_key(&key) {
            return None;
        }
        let value = self.ctx.resources.instance_value(self.path, &key, index)?;
        Some((value, used))
    }

    fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
        let need = |n: usize, what: &str| -> DResult<()> {
            if names.len() < n {
                Err(Diag::new(format!("Invalid reference: {what}")).at(loc))
            } else {
                Ok(())
            }
        };
        let ctx = self.ctx;
        let path = self.path;
        match root {
            "var" => {
                need(1, "var needs a variable name, as in var.name")?;
                Ok((ctx.var(path, names[0], loc)?, 1))
            }
            "local" => {
                need(1, "local needs a name, as in local.name")?;
                Ok((ctx.local(path, names[0], loc)?, 1))
            }
            "module" => {
                need(1, "module needs a module name, as in module.vpc.output")?;
                let module = ctx.module(path);
                if !module.calls.contains_key(names[0]) {
                    return Err(Diag::new("Reference to undeclared module")
                        .detail(format!(
                            "No module call named \"{}\" is declared in this module.",
                            names[0]
                        ))
                        .at(loc));
                }
                let mut child = path.to_vec();
                child.push(names[0].to_string());
                if let Some(out) = names.get(1) {
                    return Ok((ctx.output(&child, out, loc)?, 2));
                }
                let outputs = ctx.module(&child).outputs.keys().cloned().collect::<Vec<_>>();
                let mut map = IndexMap::new();
                for o in outputs {
                    map.insert(o.clone(), ctx.output(&child, &o, loc)?);
                }
                Ok((Value::Object(map), 1))
            }
            "path" => {
                need(1, "path needs module, root or cwd")?;
                let dir = match names[0] {
                    "module" => ctx.module(path).dir.clone(),
                    "root" => ctx.root.dir.clone(),
                    "cwd" => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
                    other => return Err(Diag::new(format!("Unsupported attribute path.{other}")).at(loc)),
                };
                Ok((
                    Value::str(super::config::display_path(&dir).display().to_string()).or_dot(),
                    1,
                ))
            }
            "terraform" => match names.first() {
                Some(&"workspace") => Ok((Value::str(&ctx.workspace), 1)),
                _ => Err(Diag::new("terraform.workspace is the only terraform attribute").at(loc)),
            },
            "self" => Err(Diag::new("self is only valid in provisioners").at(loc)),
            "data" => {
                need(2, "data needs a type and a name, as in data.aws_region.current")?;
                let key = format!("data.{}.{}", names[0], names[1]);
                Ok((self.resource(&key, loc)?, 2))
            }
            other => {
                if names.is_empty() {
                    return Err(Diag::new(format!("Unknown variable \"{other}\""))
                        .detail("There is no variable of this name in scope.")
                        .at(loc));
                }
                let key = format!("{other}.{}", names[0]);
                Ok((self.resource(&key, loc)?, 1))
            }
        }
    }
}

impl ModuleResolver<'_, '_> {
    /// The block key a resource reference starts with, and how many names it takes.
    fn resource_key(root: &str, names: &[&str]) -> Option<(String, usize)> {
        match root {
            "var" | "local" | "module" | "path" | "terraform" | "self" | "count" | "each" => None,
            "data" => (names.len() >= 2).then(|| (format!("data.{}.{}", names[0], names[1]), 2)),
            other => names.first().map(|n| (format!("{other}.{n}"), 1)),
        }
    }

    fn resource(&self, key: &str, loc: &Loc) -> DResult<Value> {
        if !self.ctx.module(self.path).resources.contains_key(key) {
            return Err(Diag::new("Reference to undeclared resource")
                .detail(format!("A resource \"{key}\" has not been declared in this module."))
                .at(loc));
        }
        Ok(self.ctx.resources.block_value(self.path, key).unwrap_or(Value::Unknown))
    }
}

trait OrDot {
    fn or_dot(self) -> Value;
}

impl OrDot for Value {
    /// An empty relative path means "here": Terraform spells it ".".
    fn or_dot(self) -> Value {
        match self {
            Value::String(s) if s.is_empty() => Value::str("."),
            other => other,
        }
    }
}
