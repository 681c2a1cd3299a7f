//! The evaluation context of a whole blueprint: resolves `var.*`, `local.*`, `module.*.*`,
//! resource and data references in the right module, expands `count`/`for_each`, and turns a
//! resource body into a typed value checked against its schema.
//!
//! Locals, module inputs and outputs are evaluated lazily and memoised once fully known, so the
//! same context serves planning (resources partly unknown) and applying (resources filling in).

use super::config::{Attr, Body, Module, ModuleCall, NestedBlock, Resource};
use super::eval::{self, Bindings, Resolver};
use super::functions::{Clock, Environment};
use super::marks::{Mark, Marked, Marks, Step};
use super::source::{Expr, Loc};
use super::types::TypeConstraint;
use crate::address::{module_prefix, InstanceKey, ModuleStep};
use crate::diag::{DResult, Diag};
use crate::schema::Schema;
use crate::value::Value;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// What the planner or engine currently knows of resource values.
pub trait ResourceValues: Send + Sync {
    /// The value of a resource block (`aws_vpc.main` or `data.aws_region.r`) in a module
    /// instance, with its marks (sensitive attributes): an object for a single instance, a list
    /// for `count`, an object of instances for `for_each`. `None` when nothing is known yet (the
    /// reference evaluates to unknown).
    fn block_value(&self, module: &[ModuleStep], key: &str) -> Option<Marked>;

    /// One instance of a block, by its count index or for_each key; `None` when it is not
    /// (yet) known, and the caller falls back to [`ResourceValues::block_value`].
    fn instance_value(&self, _module: &[ModuleStep], _key: &str, _index: &Value) -> Option<Marked> {
        None
    }
}

/// Resource values where everything is unknown: used to validate a blueprint without AWS.
pub struct AllUnknown;

impl ResourceValues for AllUnknown {
    fn block_value(&self, _: &[ModuleStep], _: &str) -> Option<Marked> {
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

/// What one argument of a body evaluates to: a value, or the blocks an "attributes as
/// blocks" argument (`ingress = [...]`) stands for.
enum Argument {
    Value(Value, Marks),
    Blocks(Value, Marks),
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
    /// Checking rather than planning (`validate`, and the check before any AWS call): a
    /// module call whose `count`/`for_each` is not known yet stands for all its instances with
    /// one keyless instance whose `count.index`/`each` are unknown, instead of being an error.
    pub validating: bool,
    /// `validate`'s view of child modules: every module input variable is unknown, whatever
    /// the call passes (the call's expressions are still evaluated and converted, so their
    /// errors show), as Terraform validates each module for all the values it could be given.
    pub module_inputs_unknown: bool,
    /// What function calls see: the phase's clock for `timestamp()` and `plantimestamp()`.
    pub functions: Environment,
    memo: Mutex<HashMap<String, Marked>>,
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
            validating: false,
            module_inputs_unknown: false,
            functions: Environment::default(),
            memo: Mutex::new(HashMap::new()),
        }
    }

    /// The same context in a phase: validating (the default, `timestamp()` and `plantimestamp()`
    /// unknown), planning, or applying.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.functions.clock = clock;
        self
    }

    fn module<S: AsRef<str>>(&self, path: &[S]) -> &'a Module {
        self.root.descend(path).expect("module paths come from the loaded tree")
    }

    /// Evaluates an expression written in module instance `path`.
    pub fn eval(&self, path: &[ModuleStep], expr: &Expr, b: &Bindings) -> DResult<Value> {
        self.eval_marked(path, expr, b).map(|(v, _)| v)
    }

    /// Evaluates an expression written in module instance `path`, with its value's marks.
    pub fn eval_marked(&self, path: &[ModuleStep], expr: &Expr, b: &Bindings) -> DResult<Marked> {
        let resolver = ModuleResolver { ctx: self, path };
        eval::eval_marked(expr, &resolver, b)
    }

    fn memoised(&self, key: String, compute: impl FnOnce() -> DResult<Marked>) -> DResult<Marked> {
        if let Some(v) = self.memo.lock().expect("memo lock").get(&key) {
            return Ok(v.clone());
        }
        let v = compute()?;
        if !v.0.has_unknown() {
            self.memo.lock().expect("memo lock").insert(key, v.clone());
        }
        Ok(v)
    }

    /// The value of `var.NAME` in module instance `path`.
    pub fn var(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Value> {
        self.var_marked(path, name, loc).map(|(v, _)| v)
    }

    /// The value of `var.NAME` in module instance `path`, marked as its declaration says
    /// (`sensitive`, `ephemeral`) and as the value given for it is.
    pub fn var_marked(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Marked> {
        let module = self.module(path);
        let decl = module.variables.get(name).ok_or_else(|| {
            Diag::new("Reference to undeclared input variable")
                .detail(format!(
                    "An input variable with the name \"{name}\" has not been declared."
                ))
                .at(loc)
        })?;
        let declared = Marks::whole(
            [(decl.sensitive, Mark::SENSITIVE), (decl.ephemeral, Mark::EPHEMERAL)]
                .into_iter()
                .filter(|(on, _)| *on)
                .fold(Mark::NONE, |acc, (_, m)| acc.union(m)),
        );
        let Some((step, parent)) = path.split_last() else {
            return Ok((self.inputs.get(name).cloned().unwrap_or(Value::Null), declared));
        };
        let call_name = &step.name;
        self.memoised(format!("var:{}{name}", module_prefix(path)), || {
            let call = &self.module(parent).calls[call_name];
            let (raw, marks) = match call.args.get(name) {
                Some(arg) => {
                    let bindings = self.call_bindings(parent, call, &step.key)?;
                    let (v, m) = self.eval_marked(parent, &arg.expr, &bindings)?;
                    if !decl.ephemeral && m.all().has(Mark::EPHEMERAL) {
                        return Err(Diag::new("Ephemeral value not allowed")
                            .detail("This input variable is not declared as accepting a ephemeral values, so it cannot be set to a result derived from an ephemeral value.")
                            .at(&arg.loc));
                    }
                    (v, m)
                }
                None => match &decl.default {
                    Some(d) => self.eval_marked(path, d, &Bindings::default())?,
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
            // `validate` sees a child module's variables as unknown values marked only as
            // they are declared, as Terraform validates each module for any caller.
            Ok(if self.module_inputs_unknown {
                (Value::Unknown, declared)
            } else {
                (converted, marks.with(declared))
            })
        })
    }

    /// The value of `local.NAME` in module instance `path`.
    pub fn local(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Value> {
        self.local_marked(path, name, loc).map(|(v, _)| v)
    }

    /// The value of `local.NAME` in module instance `path`, with its marks.
    pub fn local_marked(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Marked> {
        let attr = self.module(path).locals.get(name).ok_or_else(|| {
            Diag::new("Reference to undeclared local value")
                .detail(format!("A local value with the name \"{name}\" has not been declared."))
                .at(loc)
        })?;
        self.memoised(format!("local:{}{name}", module_prefix(path)), || {
            self.eval_marked(path, &attr.expr, &Bindings::default())
        })
    }

    /// The value of output `name` of the module instance at `path`.
    pub fn output(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Value> {
        self.output_marked(path, name, loc).map(|(v, _)| v)
    }

    /// The value of output `name` of the module instance at `path`, with its marks: its
    /// preconditions are checked first (a failure is an error, an unknown result waits), and
    /// its value must be ephemeral exactly when the output is declared `ephemeral`.
    pub fn output_marked(&self, path: &[ModuleStep], name: &str, loc: &Loc) -> DResult<Marked> {
        let out = self.module(path).outputs.get(name).ok_or_else(|| {
            Diag::new("Unsupported attribute")
                .detail(format!("This module has no output value named \"{name}\"."))
                .at(loc)
        })?;
        self.memoised(format!("output:{}{name}", module_prefix(path)), || {
            let kind = super::conditions::Kind::OutputPrecondition;
            super::conditions::all_hold(self, path, &out.preconditions, &Bindings::default(), kind)?;
            let (v, m) = self.eval_marked(path, &out.value, &Bindings::default())?;
            let ephemeral = m.all().has(Mark::EPHEMERAL);
            if out.ephemeral && !ephemeral {
                return Err(Diag::new("Value not allowed in ephemeral output")
                    .detail("This output value is declared as returning an ephemeral value, so it can only be set to an ephemeral value.")
                    .at(out.value.loc()));
            }
            if !out.ephemeral && ephemeral {
                return Err(Diag::new("Ephemeral value not allowed")
                    .detail("This output value is not declared as returning an ephemeral value, so it cannot be set to a result derived from an ephemeral value.")
                    .at(out.value.loc()));
            }
            let declared = [(out.sensitive, Mark::SENSITIVE), (out.ephemeral, Mark::EPHEMERAL)]
                .into_iter()
                .filter(|(on, _)| *on)
                .fold(Mark::NONE, |acc, (_, x)| acc.union(x));
            Ok((v, m.with(Marks::whole(declared))))
        })
    }

    /// The object of every output of one module instance (what `module.NAME` evaluates to).
    fn module_object(&self, path: &[ModuleStep], loc: &Loc) -> DResult<Marked> {
        let names: Vec<String> = self.module(path).outputs.keys().cloned().collect();
        let mut map = IndexMap::new();
        let mut marks = Marks::none();
        for o in names {
            let (v, m) = self.output_marked(path, &o, loc)?;
            marks.merge(Marks::nest(Step::Key(o.clone()), m));
            map.insert(o, v);
        }
        Ok((Value::Object(map), marks))
    }

    /// Expands `count`/`for_each` of a resource block into its instances.
    pub fn expand(&self, path: &[ModuleStep], res: &Resource) -> DResult<Expansion> {
        self.expand_meta(path, res.count.as_ref(), res.for_each.as_ref())
    }

    /// Expands `count`/`for_each` of a module call written in module instance `parent`.
    pub fn expand_call(&self, parent: &[ModuleStep], call: &ModuleCall) -> DResult<Expansion> {
        self.expand_meta(parent, call.count.as_ref(), call.for_each.as_ref())
    }

    /// Expands a `count` or `for_each` written in module instance `path` (resources, module
    /// calls, import blocks).
    pub fn expand_meta(
        &self,
        path: &[ModuleStep],
        count: Option<&Expr>,
        for_each: Option<&Expr>,
    ) -> DResult<Expansion> {
        if let Some(count) = count {
            let (v, m) = self.eval_marked(path, count, &Bindings::default())?;
            if m.all().has(Mark::EPHEMERAL) {
                return Err(Diag::new("Invalid count argument")
                    .detail("The given \"count\" is derived from an ephemeral value, which means that Terraform cannot persist it between plan/apply rounds. Use only non-ephemeral values to specify the number of resource instances.")
                    .at(count.loc()));
            }
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
        if let Some(fe) = for_each {
            let (v, m) = self.eval_marked(path, fe, &Bindings::default())?;
            let invalid = |detail: &str| {
                Diag::new("Invalid for_each argument")
                    .detail(detail.to_string())
                    .at(fe.loc())
            };
            if m.shallow().has(Mark::SENSITIVE) {
                return Err(invalid("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key."));
            }
            if m.all().has(Mark::EPHEMERAL) {
                return Err(invalid("The given \"for_each\" value is derived from an ephemeral value, which means that Terraform cannot persist it between plan/apply rounds. Use only non-ephemeral values to specify a resource's instance keys."));
            }
            let mut expansion = for_each_instances(&v, fe)?;
            if let (Expansion::Known(list), false) = (&mut expansion, m.is_empty()) {
                for (key, b) in list.iter_mut() {
                    if let InstanceKey::Key(k) = key {
                        b.each_marks = m.get(&Step::Key(k.clone()));
                    }
                }
            }
            return Ok(expansion);
        }
        Ok(Expansion::Known(vec![(InstanceKey::None, Bindings::default())]))
    }

    /// The `count.index`/`each` bindings a module call's arguments see for one instance of the
    /// call: its arguments are evaluated in the caller, once per instance.
    fn call_bindings(&self, parent: &[ModuleStep], call: &ModuleCall, key: &InstanceKey) -> DResult<Bindings> {
        if call.count.is_none() && call.for_each.is_none() {
            return Ok(Bindings::default());
        }
        let unknown = Bindings {
            count_index: call.count.as_ref().map(|_| Value::Unknown),
            each: call.for_each.as_ref().map(|_| (Value::Unknown, Value::Unknown)),
            ..Default::default()
        };
        if *key == InstanceKey::None {
            // The keyless stand-in of a call whose instances are not known yet.
            return Ok(unknown);
        }
        match self.expand_call(parent, call)? {
            Expansion::Known(list) => list.into_iter().find(|(k, _)| k == key).map(|(_, b)| b).ok_or_else(|| {
                Diag::new(format!("module.{}{key} is not an instance of its call", call.name)).at(&call.loc)
            }),
            Expansion::Unknown => Ok(unknown),
        }
    }

    /// Every instance of the module at a static path (call names from the root); an error
    /// naming the call when a `count`/`for_each` on the way is not known yet.
    /// With [`Context::validating`], a call whose instances are not known yet stands for all of
    /// them (one keyless path).
    pub fn module_instances(&self, path: &[String]) -> DResult<Vec<Vec<ModuleStep>>> {
        let mut paths: Vec<Vec<ModuleStep>> = vec![vec![]];
        for name in path {
            let mut next = Vec::new();
            for parent in &paths {
                let call = &self.module(parent).calls[name];
                let expansion = self.expand_call(parent, call)?;
                match expansion {
                    Expansion::Known(list) => {
                        next.extend(list.into_iter().map(|(k, _)| child_path(parent, name, k)));
                    }
                    Expansion::Unknown if self.validating => next.push(child_path(parent, name, InstanceKey::None)),
                    Expansion::Unknown => {
                        let (what, expr) = match (&call.count, &call.for_each) {
                            (Some(c), _) => ("count", c),
                            (_, Some(f)) => ("for_each", f),
                            _ => unreachable!("only count/for_each expand to unknown"),
                        };
                        return Err(Diag::new(format!("Invalid {what} argument"))
                            .detail(format!(
                                "The \"{what}\" value of module \"{name}\" depends on resource attributes that cannot be determined until apply. Use -target to apply the resources it depends on first."
                            ))
                            .at(expr.loc()));
                    }
                }
            }
            paths = next;
        }
        Ok(paths)
    }

    /// The bindings of one instance of a block, without expanding all of them: the engine
    /// evaluates instances one at a time, and building every binding of a `count = 10000`
    /// block for each of its instances made apply quadratic.
    pub fn expand_one(&self, path: &[ModuleStep], res: &Resource, key: &InstanceKey) -> DResult<OneInstance> {
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
            // Marked values take the general path, which checks and carries their marks.
            if let (Value::Object(map), true) = self
                .eval_marked(path, fe, &Bindings::default())
                .map(|(v, m)| (v, m.is_empty()))?
            {
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
    pub fn eval_body(&self, path: &[ModuleStep], body: &Body, schema: &Schema, b: &Bindings) -> DResult<Value> {
        self.eval_body_marked(path, body, schema, b).map(|(v, _)| v)
    }

    /// [`Context::eval_body`] with the marks of the body's value: each attribute's and each
    /// nested block's, at their paths.
    pub fn eval_body_marked(&self, path: &[ModuleStep], body: &Body, schema: &Schema, b: &Bindings) -> DResult<Marked> {
        let mut out = IndexMap::new();
        let mut marks = Marks::none();
        let mut blocks: IndexMap<String, Value> = IndexMap::new();
        let mut block_marks: IndexMap<String, Vec<Marks>> = IndexMap::new();
        // Every bad argument of the body is reported, not just the first, as Terraform does.
        let mut errors = Vec::new();
        for (name, attr) in &body.attrs {
            match self.eval_argument(path, schema, name, attr, b) {
                Ok(Argument::Value(v, m)) => {
                    marks.merge(Marks::nest(Step::Key(name.clone()), m));
                    out.insert(name.clone(), v);
                }
                Ok(Argument::Blocks(items, m)) => {
                    marks.merge(Marks::nest(Step::Key(name.clone()), m));
                    blocks.insert(name.clone(), items);
                }
                Err(d) => {
                    errors.push(d);
                    // Written, so never "missing"; its value is not known.
                    out.insert(name.clone(), Value::Unknown);
                }
            }
        }
        for (name, a) in &schema.attrs {
            if !out.contains_key(*name) {
                if a.required {
                    errors.push(
                        Diag::new(format!("Missing required argument \"{name}\""))
                            .detail(format!(
                                "The argument \"{name}\" is required, but no definition was found."
                            ))
                            .at(&body.loc),
                    );
                }
                out.insert(name.to_string(), Value::Null);
            }
        }
        for nested in &body.blocks {
            let (kind, items, item_marks) = match self.eval_nested(path, nested, schema, b) {
                Ok(found) => found,
                Err(d) => {
                    errors.push(d);
                    continue;
                }
            };
            let kind_marks = block_marks.entry(kind.clone()).or_default();
            let slot = blocks.entry(kind).or_insert_with(|| Value::List(vec![]));
            match (slot, items) {
                (Value::List(existing), Value::List(new)) => {
                    existing.extend(new);
                    kind_marks.extend(item_marks);
                }
                (slot, _) => *slot = Value::Unknown,
            }
        }
        for (kind, list) in block_marks {
            for (i, m) in list.into_iter().enumerate() {
                marks.merge(Marks::nest(Step::Key(kind.clone()), Marks::nest(Step::Index(i), m)));
            }
        }
        for (name, bs) in &schema.blocks {
            let v = blocks.shift_remove(*name);
            if let Some(Value::List(items)) = &v {
                if bs.max_items > 0 && items.len() > bs.max_items {
                    errors.push(
                        Diag::new(format!("Too many \"{name}\" blocks"))
                            .detail(format!("No more than {} \"{name}\" blocks are allowed.", bs.max_items))
                            .at(&body.loc),
                    );
                }
            }
            // An omitted block is "not configured" (null); the planner treats computed ones as AWS's.
            out.insert(name.to_string(), v.unwrap_or(Value::Null));
        }
        if let Err(d) = crate::schema::check::object(schema, &out) {
            errors.push(d.at(&body.loc));
        }
        match Diag::all(errors) {
            Some(d) => Err(d),
            None => Ok((Value::Object(out), marks)),
        }
    }

    /// One argument of a body, evaluated and checked against its schema.
    fn eval_argument(
        &self,
        path: &[ModuleStep],
        schema: &Schema,
        name: &str,
        attr: &Attr,
        b: &Bindings,
    ) -> DResult<Argument> {
        let Some(a) = schema.attrs.get(name) else {
            if let Some(bs) = schema.blocks.get(name).filter(|bs| bs.as_attribute.is_some()) {
                // Terraform's "attributes as blocks": `ingress = [...]` as well as `ingress { }`.
                let (v, m) = self.eval_marked(path, &attr.expr, b)?;
                let items =
                    crate::schema::check::attribute_as_blocks(schema, name, bs, v).map_err(|d| d.at(&attr.loc))?;
                return Ok(Argument::Blocks(items, m));
            }
            let hint = if schema.blocks.contains_key(name) {
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
        let (v, m) = self.eval_marked(path, &attr.expr, b)?;
        let v = a.ty.convert(v).map_err(|m| {
            Diag::new(format!("Incorrect attribute value type for \"{name}\""))
                .detail(m)
                .at(&attr.loc)
        })?;
        crate::schema::check::attr(schema, name, a, &v).map_err(|d| d.at(&attr.loc))?;
        Ok(Argument::Value(v, m))
    }

    /// One nested block of a body (or the blocks a `dynamic` block makes): its type name, the
    /// items, and their marks.
    fn eval_nested(
        &self,
        path: &[ModuleStep],
        nested: &NestedBlock,
        schema: &Schema,
        b: &Bindings,
    ) -> DResult<(String, Value, Vec<Marks>)> {
        if nested.kind == "dynamic" {
            return self.dynamic_block(path, nested, schema, b);
        }
        let bs = schema.blocks.get(nested.kind.as_str()).ok_or_else(|| {
            Diag::new(format!("Unsupported block type \"{}\"", nested.kind))
                .detail(format!("Blocks of type \"{}\" are not expected here.", nested.kind))
                .at(&nested.body.loc)
        })?;
        crate::schema::check::block(schema, &nested.kind, bs, 1).map_err(|d| d.at(&nested.body.loc))?;
        let (item, m) = self.eval_body_marked(path, &nested.body, &bs.schema, b)?;
        Ok((nested.kind.clone(), Value::List(vec![item]), vec![m]))
    }

    /// Refuses ephemeral values in a resource or data source body except in write-only
    /// arguments, as Terraform does: everything else is stored in state.
    pub fn forbid_ephemeral(body: &Body, schema: &Schema, marks: &Marks) -> DResult<()> {
        for (p, m) in marks.entries() {
            if !m.has(Mark::EPHEMERAL) {
                continue;
            }
            let Some(Step::Key(top)) = p.first() else {
                return Err(Diag::new("Invalid use of ephemeral value")
                    .detail("Ephemeral values are not valid here, because they would be persisted to state.")
                    .at(&body.loc));
            };
            let write_only = p.len() == 1 && schema.attrs.get(top.as_str()).is_some_and(|a| a.write_only);
            if write_only {
                continue;
            }
            let why = if schema.attrs.contains_key(top.as_str()) {
                "because it is not a write-only attribute and must be persisted to state"
            } else {
                "because it is not an assignable attribute"
            };
            let shown: String = p.iter().map(|s| s.to_string()).collect::<String>();
            let loc = body
                .attrs
                .get(top)
                .map(|a| a.loc.clone())
                .unwrap_or_else(|| body.loc.clone());
            return Err(Diag::new("Invalid use of ephemeral value")
                .detail(format!(
                    "Ephemeral values are not valid for \"{}\", {why}.",
                    shown.trim_start_matches('.')
                ))
                .at(loc));
        }
        Ok(())
    }

    /// Checks the argument and block names of a body against a schema without evaluating
    /// anything: what is checked of a block with no instances (`count = 0`), whose expressions
    /// Terraform never evaluates.
    pub fn check_names(body: &Body, schema: &Schema) -> DResult<()> {
        for (name, attr) in &body.attrs {
            if !schema.attrs.contains_key(name.as_str()) {
                return Err(Diag::new(format!("Unsupported argument \"{name}\""))
                    .detail(format!("An argument named \"{name}\" is not expected here."))
                    .at(&attr.loc));
            }
        }
        for nested in &body.blocks {
            let (kind, inner) = if nested.kind == "dynamic" {
                let content = nested.body.blocks.iter().find(|c| c.kind == "content");
                (
                    nested.labels.first().cloned().unwrap_or_default(),
                    content.map(|c| &c.body),
                )
            } else {
                (nested.kind.clone(), Some(&nested.body))
            };
            let bs = schema.blocks.get(kind.as_str()).ok_or_else(|| {
                Diag::new(format!("Unsupported block type \"{kind}\""))
                    .detail(format!("Blocks of type \"{kind}\" are not expected here."))
                    .at(&nested.body.loc)
            })?;
            if let Some(inner) = inner {
                Self::check_names(inner, &bs.schema)?;
            }
        }
        Ok(())
    }

    fn dynamic_block(
        &self,
        path: &[ModuleStep],
        nested: &NestedBlock,
        schema: &Schema,
        b: &Bindings,
    ) -> DResult<(String, Value, Vec<Marks>)> {
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
        let (coll, cm) = self.eval_marked(path, &for_each.expr, b)?;
        if coll == Value::Unknown {
            return Ok((kind, Value::Unknown, vec![]));
        }
        let mut items = Vec::new();
        let mut item_marks = Vec::new();
        for (k, v, vm) in eval::iterate_marked(&coll, &cm).map_err(|m| Diag::new(m).at(&for_each.loc))? {
            let m = Marks::nest(Step::Key("value".into()), vm).with(Marks::whole(cm.shallow()));
            let inner = b.with_marked(&iterator, (Value::object([("key", k), ("value", v)]), m));
            let (item, im) = self.eval_body_marked(path, &content.body, &bs.schema, &inner)?;
            items.push(item);
            item_marks.push(im);
        }
        crate::schema::check::block(schema, &kind, bs, items.len()).map_err(|d| d.at(loc))?;
        Ok((kind, Value::List(items), item_marks))
    }
}

fn child_path(parent: &[ModuleStep], name: &str, key: InstanceKey) -> Vec<ModuleStep> {
    let mut p = parent.to_vec();
    p.push(ModuleStep {
        name: name.to_string(),
        key,
    });
    p
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
    path: &'c [ModuleStep],
}

impl Resolver for ModuleResolver<'_, '_> {
    fn function_env(&self) -> Environment {
        self.ctx.functions.clone()
    }

    fn resolve_instance(&self, root: &str, names: &[&str], index: &Value) -> Option<(Value, Marks, usize)> {
        let (key, used) = Self::resource_key(root, names)?;
        if used != names.len() || !self.ctx.module(self.path).resources.contains_key(&key) {
            return None;
        }
        let (value, marks) = self.ctx.resources.instance_value(self.path, &key, index)?;
        Some((value, marks.with(Self::mode_marks(&key)), used))
    }

    fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
        self.resolve_marked(root, names, loc).map(|(v, _, used)| (v, used))
    }

    fn resolve_marked(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, Marks, usize)> {
        let need = |n: usize, what: &str| -> DResult<()> {
            if names.len() < n {
                Err(Diag::new(format!("Invalid reference: {what}")).at(loc))
            } else {
                Ok(())
            }
        };
        let ctx = self.ctx;
        let path = self.path;
        let unmarked = |v: Value, used: usize| Ok((v, Marks::none(), used));
        match root {
            "var" => {
                need(1, "var needs a variable name, as in var.name")?;
                let (v, m) = ctx.var_marked(path, names[0], loc)?;
                Ok((v, m, 1))
            }
            "local" => {
                need(1, "local needs a name, as in local.name")?;
                let (v, m) = ctx.local_marked(path, names[0], loc)?;
                Ok((v, m, 1))
            }
            "module" => {
                need(1, "module needs a module name, as in module.vpc.output")?;
                let (v, m, used) = self.module_ref(names, loc)?;
                // Terraform's validate walk sees module outputs without their marks (it only
                // knows them once planned), so a root output or a resource argument refers to
                // a sensitive or ephemeral module output without error until the plan.
                Ok((v, if ctx.validating { Marks::none() } else { m }, used))
            }
            "path" => {
                need(1, "path needs module, root or cwd")?;
                let dir = match names[0] {
                    "module" => ctx.module(path).dir.clone(),
                    "root" => ctx.root.dir.clone(),
                    // Absolute, and where infractl was started (before -chdir), as in Terraform
                    // (modules name things after basename(path.cwd)); path.module and path.root
                    // are relative.
                    "cwd" => return unmarked(Value::str(start_dir().display().to_string()), 1),
                    other => return Err(Diag::new(format!("Unsupported attribute path.{other}")).at(loc)),
                };
                unmarked(
                    Value::str(super::config::display_path(&dir).display().to_string()).or_dot(),
                    1,
                )
            }
            "terraform" => match names.first() {
                Some(&"workspace") => unmarked(Value::str(&ctx.workspace), 1),
                _ => Err(Diag::new("terraform.workspace is the only terraform attribute").at(loc)),
            },
            "self" => Err(Diag::new("Invalid \"self\" reference")
                .detail("The \"self\" object is only available in postconditions, provisioners and connection blocks, where it is the object itself.")
                .at(loc)),
            "data" | "ephemeral" => {
                need(
                    2,
                    &format!("{root} needs a type and a name, as in {root}.aws_ssm_parameter.name"),
                )?;
                let key = format!("{root}.{}.{}", names[0], names[1]);
                let (v, m) = self.resource(&key, loc)?;
                Ok((v, m, 2))
            }
            other => {
                if names.is_empty() {
                    return Err(Diag::new(format!("Unknown variable \"{other}\""))
                        .detail("There is no variable of this name in scope.")
                        .at(loc));
                }
                let key = format!("{other}.{}", names[0]);
                let (v, m) = self.resource(&key, loc)?;
                Ok((v, m, 1))
            }
        }
    }
}

impl ModuleResolver<'_, '_> {
    /// `module.NAME[.OUTPUT]`: one output, the object of a single instance's outputs, or the
    /// list or map of the instances' objects; with how many names it used.
    fn module_ref(&self, names: &[&str], loc: &Loc) -> DResult<(Value, Marks, usize)> {
        let ctx = self.ctx;
        let path = self.path;
        let module = ctx.module(path);
        if !module.calls.contains_key(names[0]) {
            return Err(Diag::new("Reference to undeclared module")
                .detail(format!(
                    "No module call named \"{}\" is declared in this module.",
                    names[0]
                ))
                .at(loc));
        }
        let call = &module.calls[names[0]];
        if call.count.is_none() && call.for_each.is_none() {
            let child = child_path(path, names[0], InstanceKey::None);
            if let Some(out) = names.get(1) {
                let (v, m) = ctx.output_marked(&child, out, loc)?;
                return Ok((v, m, 2));
            }
            let (v, m) = ctx.module_object(&child, loc)?;
            return Ok((v, m, 1));
        }
        // A call with count or for_each is a list or map of its instances' outputs.
        let instances = match ctx.expand_call(path, call)? {
            Expansion::Known(list) => list,
            Expansion::Unknown => return Ok((Value::Unknown, Marks::none(), 1)),
        };
        let mut items = Vec::new();
        let mut map = IndexMap::new();
        let mut marks = Marks::none();
        for (key, _) in instances {
            let child = child_path(path, names[0], key.clone());
            let (object, m) = ctx.module_object(&child, loc)?;
            match key {
                InstanceKey::Key(k) => {
                    marks.merge(Marks::nest(Step::Key(k.clone()), m));
                    map.insert(k, object);
                }
                _ => {
                    marks.merge(Marks::nest(Step::Index(items.len()), m));
                    items.push(object)
                }
            }
        }
        let value = if call.for_each.is_some() {
            Value::Object(map)
        } else {
            Value::List(items)
        };
        Ok((value, marks, 1))
    }

    /// The block key a resource reference starts with, and how many names it takes.
    fn resource_key(root: &str, names: &[&str]) -> Option<(String, usize)> {
        match root {
            "var" | "local" | "module" | "path" | "terraform" | "self" | "count" | "each" => None,
            "data" | "ephemeral" => (names.len() >= 2).then(|| (format!("{root}.{}.{}", names[0], names[1]), 2)),
            other => names.first().map(|n| (format!("{other}.{n}"), 1)),
        }
    }

    /// Marks every value of a block has by its kind: an ephemeral resource's values are
    /// ephemeral, known or not.
    fn mode_marks(key: &str) -> Marks {
        match key.starts_with("ephemeral.") {
            true => Marks::whole(Mark::EPHEMERAL),
            false => Marks::none(),
        }
    }

    fn resource(&self, key: &str, loc: &Loc) -> DResult<Marked> {
        if !self.ctx.module(self.path).resources.contains_key(key) {
            return Err(Diag::new("Reference to undeclared resource")
                .detail(format!("A resource \"{key}\" has not been declared in this module."))
                .at(loc));
        }
        let (v, m) = self
            .ctx
            .resources
            .block_value(self.path, key)
            .unwrap_or((Value::Unknown, Marks::none()));
        Ok((v, m.with(Self::mode_marks(key))))
    }
}

/// The folder infractl was started in, before `-chdir` (what `path.cwd` is).
static START_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Records the folder infractl was started in, before `-chdir` moves it; the CLI calls this
/// first thing. Without it, `path.cwd` is the current folder.
pub fn set_start_dir(dir: PathBuf) {
    let _ = START_DIR.set(dir);
}

fn start_dir() -> PathBuf {
    START_DIR
        .get()
        .cloned()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
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
