//! Terraform's type of an expression, found without evaluating it: what Terraform records beside
//! each root output (`["list","string"]`) and what tools reading its state and plans (Terraform
//! itself, checkov, OPA) compare. infractl's values carry no type (a list and a tuple, a map and
//! an object look alike), so the type comes from the expression, as Terraform's comes from its
//! values' history: the provider schema of the attributes it reads, the declared types of
//! variables, what each function returns, how `count`/`for_each` blocks and splats group
//! instances. Where the expression does not say (an untyped variable, `jsondecode`), the value's
//! shape decides, as Terraform's tuple and object constructors do ([`value_shape_type`]).

use super::config::{Mode, Module};
use super::functions::{self, ParamType};
use super::types::TypeConstraint;
use crate::schema::{Nesting, Schema, Type};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::Element;
use hcl_edit::Decorated;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A type as Terraform's values have them, with what only the value can tell left open.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// Not known from the expression: the value's shape decides.
    Dynamic,
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `list(T)`.
    List(Box<Ty>),
    /// `set(T)`.
    Set(Box<Ty>),
    /// `map(T)`.
    Map(Box<Ty>),
    /// `tuple([...])` of a known length.
    Tuple(Vec<Ty>),
    /// `object({...})` with known attribute names.
    Object(IndexMap<String, Ty>),
    /// A tuple whose length only the value knows, each element of this type (a counted block,
    /// a splat over one, a `[for ...]`).
    TupleOf(Box<Ty>),
    /// An object whose attribute names only the value knows, each of this type (a `for_each`
    /// block, a `{for ...}`).
    ObjectOf(Box<Ty>),
    /// One of these, whichever the value fits first (`try`, a conditional with an untyped
    /// branch): Terraform's result has the type of the branch taken.
    OneOf(Vec<Ty>),
}

impl Ty {
    /// The type of a provider schema attribute.
    pub fn of_attribute(t: &Type) -> Ty {
        match t {
            Type::String => Ty::String,
            Type::Number => Ty::Number,
            Type::Bool => Ty::Bool,
            Type::List(e) => Ty::List(Box::new(Ty::of_attribute(e))),
            Type::Set(e) => Ty::Set(Box::new(Ty::of_attribute(e))),
            Type::Map(e) => Ty::Map(Box::new(Ty::of_attribute(e))),
            Type::Object(fields) => Ty::Object(fields.iter().map(|(k, t)| (k.clone(), Ty::of_attribute(t))).collect()),
            Type::Any => Ty::Dynamic,
        }
    }

    /// The object type of one instance of a resource type: its attributes and nested blocks.
    pub fn of_schema(schema: &Schema) -> Ty {
        let mut fields: IndexMap<String, Ty> = schema
            .attrs
            .iter()
            .map(|(k, a)| (k.to_string(), Ty::of_attribute(&a.ty)))
            .collect();
        for (k, b) in &schema.blocks {
            let inner = Ty::of_schema(&b.schema);
            let t = match (b.nesting, &b.as_attribute) {
                (_, Some(t)) => Ty::of_attribute(t),
                (Nesting::List, None) => Ty::List(Box::new(inner)),
                (Nesting::Set, None) => Ty::Set(Box::new(inner)),
                (Nesting::Single, None) => inner,
            };
            fields.insert(k.to_string(), t);
        }
        Ty::Object(fields)
    }

    /// The type a value converted to a variable's type constraint has.
    pub fn of_constraint(t: &TypeConstraint) -> Ty {
        match t {
            TypeConstraint::Any => Ty::Dynamic,
            TypeConstraint::String => Ty::String,
            TypeConstraint::Number => Ty::Number,
            TypeConstraint::Bool => Ty::Bool,
            TypeConstraint::List(e) => Ty::List(Box::new(Ty::of_constraint(e))),
            TypeConstraint::Set(e) => Ty::Set(Box::new(Ty::of_constraint(e))),
            TypeConstraint::Map(e) => Ty::Map(Box::new(Ty::of_constraint(e))),
            TypeConstraint::Tuple(ts) => Ty::Tuple(ts.iter().map(Ty::of_constraint).collect()),
            TypeConstraint::Object(fields) => Ty::Object(
                fields
                    .iter()
                    .map(|(k, (t, _, _))| (k.clone(), Ty::of_constraint(t)))
                    .collect(),
            ),
        }
    }

    fn of_param(p: &ParamType) -> Ty {
        match p {
            ParamType::Primitive(s) => match s.as_str() {
                "string" => Ty::String,
                "number" => Ty::Number,
                "bool" => Ty::Bool,
                _ => Ty::Dynamic,
            },
            ParamType::Collection(kind, e) => {
                let e = Box::new(Ty::of_param(e));
                match kind.as_str() {
                    "list" => Ty::List(e),
                    "set" => Ty::Set(e),
                    _ => Ty::Map(e),
                }
            }
        }
    }

    /// The element type of the list, set or map this converts to: a tuple's or object's
    /// members unified.
    fn element(&self) -> Ty {
        match self {
            Ty::Tuple(ts) => unify(ts).unwrap_or(Ty::Dynamic),
            Ty::Object(fs) => unify(&fs.values().cloned().collect::<Vec<_>>()).unwrap_or(Ty::Dynamic),
            other => other.member(),
        }
    }

    /// The type of any one member, as it is (iterated, or indexed by a key only the value
    /// knows): a tuple's or object's when they all agree.
    fn member(&self) -> Ty {
        match self {
            Ty::List(e) | Ty::Set(e) | Ty::Map(e) | Ty::TupleOf(e) | Ty::ObjectOf(e) => (**e).clone(),
            Ty::Tuple(ts) => same(ts.iter()),
            Ty::Object(fs) => same(fs.values()),
            _ => Ty::Dynamic,
        }
    }

    /// The type of attribute `name` of a value of this type.
    pub fn attribute(&self, name: &str) -> Ty {
        match self {
            Ty::Object(fs) => fs.get(name).cloned().unwrap_or(Ty::Dynamic),
            Ty::Map(e) | Ty::ObjectOf(e) => (**e).clone(),
            _ => Ty::Dynamic,
        }
    }

    fn is_sequence(&self) -> bool {
        matches!(self, Ty::List(_) | Ty::Set(_) | Ty::Tuple(_) | Ty::TupleOf(_))
    }

    fn is_mapping(&self) -> bool {
        matches!(self, Ty::Map(_) | Ty::Object(_) | Ty::ObjectOf(_))
    }

    /// Terraform's JSON spelling of this type for a value of it (`["list","string"]`): what the
    /// expression leaves open is taken from the value.
    pub fn json_for(&self, v: &Json) -> Json {
        match (self, v) {
            (Ty::OneOf(ts), v) => match ts.iter().find(|t| t.fits(v)) {
                Some(t) => t.json_for(v),
                None => value_shape_type(v),
            },
            (_, Json::Null) => self.declared_json(),
            (Ty::Dynamic, v) => value_shape_type(v),
            (Ty::String, _) => json!("string"),
            (Ty::Number, _) => json!("number"),
            (Ty::Bool, _) => json!("bool"),
            (Ty::List(e), Json::Array(items)) => json!(["list", e.element_json(items.iter())]),
            (Ty::Set(e), Json::Array(items)) => json!(["set", e.element_json(items.iter())]),
            (Ty::Map(e), Json::Object(m)) => json!(["map", e.element_json(m.values())]),
            (Ty::Tuple(ts), Json::Array(items)) if ts.len() == items.len() => {
                json!([
                    "tuple",
                    ts.iter().zip(items).map(|(t, x)| t.json_for(x)).collect::<Vec<_>>()
                ])
            }
            (Ty::TupleOf(e), Json::Array(items)) => {
                json!(["tuple", items.iter().map(|x| e.json_for(x)).collect::<Vec<_>>()])
            }
            (Ty::Object(fs), Json::Object(m)) => json!([
                "object",
                fs.iter()
                    .map(|(k, t)| (k.clone(), t.json_for(m.get(k).unwrap_or(&Json::Null))))
                    .collect::<serde_json::Map<_, _>>()
            ]),
            (Ty::ObjectOf(e), Json::Object(m)) => json!([
                "object",
                m.iter()
                    .map(|(k, x)| (k.clone(), e.json_for(x)))
                    .collect::<serde_json::Map<_, _>>()
            ]),
            (_, v) => value_shape_type(v),
        }
    }

    /// The element type of a collection holding `items`: the declared one, its open parts
    /// taken from the first element (Terraform's elements all share one type).
    fn element_json<'v>(&self, mut items: impl Iterator<Item = &'v Json>) -> Json {
        match items.find(|x| !x.is_null()) {
            Some(first) if !self.is_closed() => self.json_for(first),
            _ => self.declared_json(),
        }
    }

    /// True when nothing of the type is left to the value.
    fn is_closed(&self) -> bool {
        match self {
            Ty::String | Ty::Number | Ty::Bool => true,
            Ty::List(e) | Ty::Set(e) | Ty::Map(e) => e.is_closed(),
            Ty::Tuple(ts) => ts.iter().all(Ty::is_closed),
            Ty::Object(fs) => fs.values().all(Ty::is_closed),
            Ty::Dynamic | Ty::TupleOf(_) | Ty::ObjectOf(_) | Ty::OneOf(_) => false,
        }
    }

    /// The type as far as the expression knows it (a null value tells nothing more).
    fn declared_json(&self) -> Json {
        match self {
            Ty::Dynamic | Ty::OneOf(_) => json!("dynamic"),
            Ty::String => json!("string"),
            Ty::Number => json!("number"),
            Ty::Bool => json!("bool"),
            Ty::List(e) => json!(["list", e.declared_json()]),
            Ty::Set(e) => json!(["set", e.declared_json()]),
            Ty::Map(e) => json!(["map", e.declared_json()]),
            Ty::Tuple(ts) => json!(["tuple", ts.iter().map(Ty::declared_json).collect::<Vec<_>>()]),
            Ty::TupleOf(_) => json!(["tuple", []]),
            Ty::Object(fs) => json!([
                "object",
                fs.iter()
                    .map(|(k, t)| (k.clone(), t.declared_json()))
                    .collect::<serde_json::Map<_, _>>()
            ]),
            Ty::ObjectOf(_) => json!(["object", {}]),
        }
    }

    /// True when a value of this shape could be of this type.
    fn fits(&self, v: &Json) -> bool {
        match (self, v) {
            (_, Json::Null) | (Ty::Dynamic, _) => true,
            (Ty::String, Json::String(_)) | (Ty::Number, Json::Number(_)) | (Ty::Bool, Json::Bool(_)) => true,
            (Ty::List(e) | Ty::Set(e) | Ty::TupleOf(e), Json::Array(items)) => items.iter().all(|x| e.fits(x)),
            (Ty::Tuple(ts), Json::Array(items)) => {
                ts.len() == items.len() && ts.iter().zip(items).all(|(t, x)| t.fits(x))
            }
            (Ty::Map(e) | Ty::ObjectOf(e), Json::Object(m)) => m.values().all(|x| e.fits(x)),
            (Ty::Object(fs), Json::Object(m)) => {
                m.keys().all(|k| fs.contains_key(k)) && fs.iter().all(|(k, t)| t.fits(m.get(k).unwrap_or(&Json::Null)))
            }
            (Ty::OneOf(ts), v) => ts.iter().any(|t| t.fits(v)),
            _ => false,
        }
    }
}

/// The type Terraform gives a value built by tuple and object constructors: what a value says
/// of its type when nothing else does.
pub fn value_shape_type(v: &Json) -> Json {
    match v {
        Json::Null => json!("dynamic"),
        Json::Bool(_) => json!("bool"),
        Json::Number(_) => json!("number"),
        Json::String(_) => json!("string"),
        Json::Array(items) => json!(["tuple", items.iter().map(value_shape_type).collect::<Vec<_>>()]),
        Json::Object(m) => json!([
            "object",
            m.iter()
                .map(|(k, x)| (k.clone(), value_shape_type(x)))
                .collect::<serde_json::Map<_, _>>()
        ]),
    }
}

/// One type all of `ts` convert to, as cty's unification finds it for a conditional's branches
/// and a collection's elements (numbers and bools become strings, tuples of different lengths a
/// list, objects of different attributes a map); `None` when there is none.
fn unify(ts: &[Ty]) -> Option<Ty> {
    let first = ts.first()?;
    if ts.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    if ts.iter().any(|t| matches!(t, Ty::Dynamic | Ty::OneOf(_))) {
        return Some(Ty::Dynamic);
    }
    if ts.iter().all(|t| matches!(t, Ty::String | Ty::Number | Ty::Bool)) {
        return ts.contains(&Ty::String).then_some(Ty::String);
    }
    if ts.iter().all(Ty::is_sequence) {
        if let Some(Ty::Tuple(f)) = ts.iter().find(|t| matches!(t, Ty::Tuple(_))) {
            let tuples: Option<Vec<&Vec<Ty>>> = ts
                .iter()
                .map(|t| match t {
                    Ty::Tuple(x) if x.len() == f.len() => Some(x),
                    _ => None,
                })
                .collect();
            if let Some(tuples) = tuples {
                return (0..f.len())
                    .map(|i| unify(&tuples.iter().map(|t| t[i].clone()).collect::<Vec<_>>()))
                    .collect::<Option<Vec<_>>>()
                    .map(Ty::Tuple);
            }
        }
        let elems = sequence_elements(ts);
        let e = if elems.is_empty() { Ty::Dynamic } else { unify(&elems)? };
        return Some(match ts.iter().all(|t| matches!(t, Ty::Set(_))) {
            true => Ty::Set(Box::new(e)),
            false => Ty::List(Box::new(e)),
        });
    }
    if ts.iter().all(Ty::is_mapping) {
        if let Some(Ty::Object(f)) = ts.first() {
            let same_names = ts
                .iter()
                .all(|t| matches!(t, Ty::Object(x) if x.len() == f.len() && x.keys().all(|k| f.contains_key(k))));
            if same_names {
                return f
                    .keys()
                    .map(|k| {
                        let at: Vec<Ty> = ts
                            .iter()
                            .map(|t| match t {
                                Ty::Object(x) => x[k].clone(),
                                _ => unreachable!("all objects"),
                            })
                            .collect();
                        unify(&at).map(|t| (k.clone(), t))
                    })
                    .collect::<Option<IndexMap<_, _>>>()
                    .map(Ty::Object);
            }
        }
        let elems: Vec<Ty> = ts
            .iter()
            .flat_map(|t| match t {
                Ty::Object(fs) => fs.values().cloned().collect(),
                other => vec![other.element()],
            })
            .collect();
        let e = if elems.is_empty() { Ty::Dynamic } else { unify(&elems)? };
        return Some(Ty::Map(Box::new(e)));
    }
    None
}

fn sequence_elements(ts: &[Ty]) -> Vec<Ty> {
    ts.iter()
        .flat_map(|t| match t {
            Ty::Tuple(x) => x.clone(),
            other => vec![other.element()],
        })
        .collect()
}

/// Where a typed expression is written: its module, and the names `for` expressions bind.
#[derive(Clone)]
struct Scope {
    module: Vec<String>,
    names: Vec<(String, Ty)>,
}

/// Finds the types of a blueprint's expressions. `schemas` gives the schema of a resource type
/// by the key prefix its references use (`aws_vpc`, `data.aws_region`, `ephemeral.x`).
pub struct Typer<'a> {
    root: &'a Module,
    schemas: &'a dyn Fn(Mode, &str) -> Option<Arc<Schema>>,
    /// Computed dynamic attributes that hold an argument's value: (type, attribute, argument).
    copies: &'a [(&'a str, &'a str, &'a str)],
    /// Locals and outputs already typed, and those being typed (`None`), which a cycle (an
    /// error evaluation reports) sees as dynamic.
    memo: RefCell<HashMap<String, Option<Ty>>>,
}

impl<'a> Typer<'a> {
    /// A typer of the blueprint rooted at `root`; `copies` names the computed dynamic
    /// attributes that take an argument's value, and so its type (`terraform_data.output`).
    pub fn new(
        root: &'a Module,
        schemas: &'a dyn Fn(Mode, &str) -> Option<Arc<Schema>>,
        copies: &'a [(&'a str, &'a str, &'a str)],
    ) -> Typer<'a> {
        Typer {
            root,
            schemas,
            copies,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// The type of root output `name`.
    pub fn root_output(&self, name: &str) -> Ty {
        self.output(&[], name)
    }

    /// The type of an expression written in the module at `path` (call names from the root),
    /// as in a resource's arguments.
    pub fn expr_in(&self, path: &[String], e: &super::source::Expr) -> Ty {
        self.expr(&scope_in(path), &e.ast)
    }

    fn module(&self, path: &[String]) -> Option<&'a Module> {
        self.root.descend(path)
    }

    fn memoised(&self, key: String, compute: impl FnOnce() -> Ty) -> Ty {
        if let Some(known) = self.memo.borrow().get(&key) {
            return known.clone().unwrap_or(Ty::Dynamic);
        }
        self.memo.borrow_mut().insert(key.clone(), None);
        let t = compute();
        self.memo.borrow_mut().insert(key, Some(t.clone()));
        t
    }

    fn output(&self, path: &[String], name: &str) -> Ty {
        let Some(out) = self.module(path).and_then(|m| m.outputs.get(name)) else {
            return Ty::Dynamic;
        };
        self.memoised(format!("output:{}:{name}", path.join(".")), || {
            self.expr(&scope_in(path), &out.value.ast)
        })
    }

    fn local(&self, path: &[String], name: &str) -> Ty {
        let Some(attr) = self.module(path).and_then(|m| m.locals.get(name)) else {
            return Ty::Dynamic;
        };
        self.memoised(format!("local:{}:{name}", path.join(".")), || {
            self.expr(&scope_in(path), &attr.expr.ast)
        })
    }

    fn variable(&self, path: &[String], name: &str) -> Ty {
        self.module(path)
            .and_then(|m| m.variables.get(name))
            .and_then(|v| v.type_expr.as_ref())
            .and_then(|t| TypeConstraint::parse(t).ok())
            .map_or(Ty::Dynamic, |t| Ty::of_constraint(&t))
    }

    /// `module.NAME`: the object of its outputs, or a tuple or object of them with count or
    /// for_each.
    fn module_call(&self, path: &[String], name: &str) -> Ty {
        let Some(call) = self.module(path).and_then(|m| m.calls.get(name)) else {
            return Ty::Dynamic;
        };
        let mut child = path.to_vec();
        child.push(name.to_string());
        let outputs = Ty::Object(
            call.module
                .outputs
                .keys()
                .map(|o| (o.clone(), self.output(&child, o)))
                .collect(),
        );
        repeated(outputs, call.count.is_some(), call.for_each.is_some())
    }

    /// A resource, data or ephemeral block: its instance type, repeated as count or for_each
    /// make it.
    fn block(&self, path: &[String], key: &str) -> Ty {
        match self.module(path).and_then(|m| m.resources.get(key)) {
            Some(res) => repeated(self.instance(path, key), res.count.is_some(), res.for_each.is_some()),
            None => Ty::Dynamic,
        }
    }

    /// The object type of one instance of block `key` (`aws_vpc.main`, `data.x.y`) of the
    /// module at `path`: its schema's, a dynamically typed attribute (`terraform_data.input`)
    /// taking the type of the argument that gives its value.
    pub fn instance(&self, path: &[String], key: &str) -> Ty {
        let Some(res) = self.module(path).and_then(|m| m.resources.get(key)) else {
            return Ty::Dynamic;
        };
        self.memoised(format!("block:{}:{key}", path.join(".")), || {
            let Some(Ty::Object(mut fields)) = (self.schemas)(res.mode, &res.type_name).map(|s| Ty::of_schema(&s))
            else {
                return Ty::Dynamic;
            };
            for (name, t) in fields.iter_mut().filter(|(_, t)| **t == Ty::Dynamic) {
                let argument = self
                    .copies
                    .iter()
                    .find(|(ty, a, _)| *ty == res.type_name && a == name)
                    .map_or(name.as_str(), |(_, _, from)| *from);
                if let Some(attr) = res.body.attrs.get(argument) {
                    *t = self.expr(&scope_in(path), &attr.expr.ast);
                }
            }
            Ty::Object(fields)
        })
    }

    fn expr(&self, scope: &Scope, e: &Expression) -> Ty {
        match e {
            Expression::Null(_) => Ty::Dynamic,
            Expression::Bool(_) => Ty::Bool,
            Expression::Number(_) => Ty::Number,
            Expression::String(_) | Expression::HeredocTemplate(_) => Ty::String,
            Expression::Array(items) => Ty::Tuple(items.iter().map(|i| self.expr(scope, i)).collect()),
            Expression::Object(obj) => {
                let mut fields = IndexMap::new();
                for (k, v) in obj.iter() {
                    let name = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                        // A computed name: only the value knows the attribute names.
                        ObjectKey::Expression(_) => {
                            let all: Vec<Ty> = obj.iter().map(|(_, v)| self.expr(scope, v.expr())).collect();
                            return match all.first() {
                                Some(f) if all.iter().all(|t| t == f) => Ty::ObjectOf(Box::new(f.clone())),
                                _ => Ty::Dynamic,
                            };
                        }
                    };
                    fields.insert(name, self.expr(scope, v.expr()));
                }
                Ty::Object(fields)
            }
            Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
                // A lone interpolation is its expression's value, unconverted.
                [Element::Interpolation(i)] => self.expr(scope, &i.expr),
                _ => Ty::String,
            },
            Expression::Parenthesis(p) => self.expr(scope, p.inner()),
            Expression::Variable(v) => self.traversal(scope, v.as_str(), &[]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.traversal(scope, v.as_str(), &t.operators),
                other => {
                    let start = self.expr(scope, other);
                    self.apply_ops(start, &t.operators)
                }
            },
            Expression::Conditional(c) => {
                let (t, f) = (self.expr(scope, &c.true_expr), self.expr(scope, &c.false_expr));
                match (&c.true_expr, &c.false_expr) {
                    (Expression::Null(_), _) => f,
                    (_, Expression::Null(_)) => t,
                    _ if matches!(t, Ty::Dynamic) || matches!(f, Ty::Dynamic) => Ty::OneOf(vec![t, f]),
                    _ => unify(&[t.clone(), f.clone()]).unwrap_or(Ty::OneOf(vec![t, f])),
                }
            }
            Expression::FuncCall(call) => {
                let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                if !matches!(namespace.as_slice(), [] | ["core"]) {
                    return Ty::Dynamic;
                }
                let args: Vec<&Expression> = call.args.iter().collect();
                self.call(scope, call.name.name.as_str(), &args, call.args.expand_final())
            }
            Expression::UnaryOp(op) => match op.operator.value() {
                UnaryOperator::Neg => Ty::Number,
                UnaryOperator::Not => Ty::Bool,
            },
            Expression::BinaryOp(op) => match op.operator.value() {
                BinaryOperator::Plus
                | BinaryOperator::Minus
                | BinaryOperator::Mul
                | BinaryOperator::Div
                | BinaryOperator::Mod => Ty::Number,
                _ => Ty::Bool,
            },
            Expression::ForExpr(f) => {
                let coll = self.expr(scope, &f.intro.collection_expr);
                let key = match coll.is_mapping() {
                    true => Ty::String,
                    false => Ty::Number,
                };
                let mut inner = scope.clone();
                if let Some(k) = &f.intro.key_var {
                    inner.names.push((k.as_str().to_string(), key));
                }
                inner
                    .names
                    .push((f.intro.value_var.as_str().to_string(), coll.member()));
                let value = self.expr(&inner, &f.value_expr);
                match (&f.key_expr, f.grouping) {
                    (None, _) => Ty::TupleOf(Box::new(value)),
                    (Some(_), false) => Ty::ObjectOf(Box::new(value)),
                    (Some(_), true) => Ty::ObjectOf(Box::new(Ty::TupleOf(Box::new(value)))),
                }
            }
        }
    }

    /// A reference: `var.x`, `local.x`, `module.m.out`, `aws_vpc.main.id`, a `for` name...
    /// followed by its traversal.
    fn traversal(&self, scope: &Scope, root: &str, ops: &[Decorated<TraversalOperator>]) -> Ty {
        let names = super::eval::leading_names(ops);
        let path = &scope.module;
        let (start, used) = if let Some((_, t)) = scope.names.iter().rev().find(|(n, _)| n == root) {
            (t.clone(), 0)
        } else {
            match (root, names.as_slice()) {
                ("var", [n, ..]) => (self.variable(path, n), 1),
                ("local", [n, ..]) => (self.local(path, n), 1),
                ("module", [m, o, ..]) if !self.module_is_repeated(path, m) => (self.output(&join(path, m), o), 2),
                ("module", [m, ..]) => (self.module_call(path, m), 1),
                ("path", [_, ..]) | ("terraform", [_, ..]) => (Ty::String, 1),
                ("count", [_, ..]) => (Ty::Number, 1),
                ("each", ["key", ..]) => (Ty::String, 1),
                ("each" | "self", _) => return Ty::Dynamic,
                ("data", [t, n, ..]) => (self.block(path, &format!("data.{t}.{n}")), 2),
                ("ephemeral", [t, n, ..]) => (self.block(path, &format!("ephemeral.{t}.{n}")), 2),
                (t, [n, ..]) => (self.block(path, &format!("{t}.{n}")), 1),
                _ => return Ty::Dynamic,
            }
        };
        self.apply_ops(start, &ops[used..])
    }

    fn module_is_repeated(&self, path: &[String], name: &str) -> bool {
        self.module(path)
            .and_then(|m| m.calls.get(name))
            .is_some_and(|c| c.count.is_some() || c.for_each.is_some())
    }

    fn apply_ops(&self, mut t: Ty, ops: &[Decorated<TraversalOperator>]) -> Ty {
        for (i, op) in ops.iter().enumerate() {
            t = match op.value() {
                TraversalOperator::GetAttr(id) => t.attribute(id.as_str()),
                TraversalOperator::LegacyIndex(n) => index(&t, Some(&Json::from(*n.value()))),
                TraversalOperator::Index(ie) => index(&t, constant(ie).as_ref()),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let per_item = super::eval::splat_reach(op.value(), rest);
                    let each = |x: &Ty| self.apply_ops(x.clone(), &rest[..per_item]);
                    let splatted = match &t {
                        Ty::Dynamic | Ty::OneOf(_) => Ty::Dynamic,
                        Ty::List(e) | Ty::Set(e) => Ty::List(Box::new(each(e))),
                        Ty::TupleOf(e) => Ty::TupleOf(Box::new(each(e))),
                        Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(each).collect()),
                        // Anything else is taken as a tuple of itself (or of nothing, when
                        // null: the value's shape tells).
                        other => Ty::OneOf(vec![Ty::Tuple(vec![each(other)]), Ty::Tuple(vec![])]),
                    };
                    return self.apply_ops(splatted, &rest[per_item..]);
                }
            };
        }
        t
    }

    fn call(&self, scope: &Scope, name: &str, args: &[&Expression], expanded: bool) -> Ty {
        let arg = |i: usize| match args.get(i) {
            Some(e) if !(expanded && i + 1 == args.len()) => self.expr(scope, e),
            _ => Ty::Dynamic,
        };
        let all = || (0..args.len()).map(arg).collect::<Vec<_>>();
        match name {
            "format" => Ty::String,
            "formatlist" => Ty::List(Box::new(Ty::String)),
            "contains" => Ty::Bool,
            "index" | "parseint" | "sum" => Ty::Number,
            "sensitive" | "nonsensitive" | "ephemeralasnull" => arg(0),
            "try" | "coalescelist" => one_of(all()),
            "coalesce" => unify(&all()).unwrap_or_else(|| one_of(all())),
            "element" => arg(0).element(),
            "one" => arg(0).member(),
            "lookup" => index(&arg(0), args.get(1).and_then(|k| constant(k)).as_ref()),
            "keys" => match arg(0) {
                Ty::Map(_) => Ty::List(Box::new(Ty::String)),
                Ty::Object(fs) => Ty::Tuple(vec![Ty::String; fs.len()]),
                Ty::ObjectOf(_) => Ty::TupleOf(Box::new(Ty::String)),
                _ => Ty::Dynamic,
            },
            "values" => match arg(0) {
                Ty::Map(e) => Ty::List(e),
                Ty::Object(fs) => Ty::Tuple(fs.into_values().collect()),
                Ty::ObjectOf(e) => Ty::TupleOf(e),
                _ => Ty::Dynamic,
            },
            "reverse" => match arg(0) {
                Ty::Set(e) => Ty::List(e),
                Ty::Tuple(mut ts) => {
                    ts.reverse();
                    Ty::Tuple(ts)
                }
                t @ (Ty::List(_) | Ty::TupleOf(_)) => t,
                _ => Ty::Dynamic,
            },
            "slice" => match arg(0) {
                t @ (Ty::List(_) | Ty::TupleOf(_)) => t,
                Ty::Tuple(ts) => Ty::TupleOf(Box::new(unify(&ts).unwrap_or(Ty::Dynamic))),
                _ => Ty::Dynamic,
            },
            "concat" => {
                let ts = all();
                match ts.first() {
                    Some(f @ Ty::List(_)) if ts.iter().all(|t| t == f) => f.clone(),
                    _ if ts.iter().all(|t| matches!(t, Ty::Tuple(_))) => Ty::Tuple(sequence_elements(&ts)),
                    _ => tuple_of(sequence_elements(&ts)),
                }
            }
            "flatten" => tuple_of(leaves(&arg(0))),
            "merge" => {
                let ts = all();
                match ts.first() {
                    Some(f @ Ty::Map(_)) if ts.iter().all(|t| t == f) => f.clone(),
                    _ if ts.iter().all(|t| matches!(t, Ty::Object(_) | Ty::Dynamic))
                        && ts.iter().any(|t| matches!(t, Ty::Object(_))) =>
                    {
                        let mut merged = IndexMap::new();
                        for t in ts {
                            match t {
                                Ty::Object(fs) => merged.extend(fs),
                                _ => return Ty::Dynamic,
                            }
                        }
                        Ty::Object(merged)
                    }
                    _ => {
                        let elems: Vec<Ty> = ts.iter().map(Ty::element).collect();
                        match elems.first() {
                            Some(f) if elems.iter().all(|t| t == f) && !matches!(f, Ty::Dynamic) => {
                                Ty::ObjectOf(Box::new(f.clone()))
                            }
                            _ => Ty::Dynamic,
                        }
                    }
                }
            }
            "zipmap" => match arg(1) {
                Ty::List(e) | Ty::Set(e) => Ty::Map(e),
                Ty::TupleOf(e) => Ty::ObjectOf(e),
                t @ Ty::Tuple(_) => match t.element() {
                    Ty::Dynamic => Ty::Dynamic,
                    e => Ty::ObjectOf(Box::new(e)),
                },
                _ => Ty::Dynamic,
            },
            "setunion" | "setintersection" | "setsubtract" => Ty::Set(Box::new(
                unify(&all().iter().map(Ty::element).collect::<Vec<_>>()).unwrap_or(Ty::Dynamic),
            )),
            "regexall" => Ty::List(Box::new(Ty::Dynamic)),
            "setproduct" => {
                let ts = all();
                let product = Box::new(Ty::Tuple(ts.iter().map(Ty::element).collect()));
                match ts.iter().all(|t| matches!(t, Ty::Set(_))) {
                    true => Ty::Set(product),
                    false => Ty::List(product),
                }
            }
            _ => match functions::return_type(name).map(Ty::of_param) {
                // A collection of what the first argument holds (tolist, toset, tomap,
                // distinct, matchkeys, chunklist).
                Some(Ty::List(e)) if *e == Ty::Dynamic => Ty::List(Box::new(arg(0).element())),
                Some(Ty::Set(e)) if *e == Ty::Dynamic => Ty::Set(Box::new(arg(0).element())),
                Some(Ty::Map(e)) if *e == Ty::Dynamic => Ty::Map(Box::new(arg(0).element())),
                Some(Ty::List(e)) if *e == Ty::List(Box::new(Ty::Dynamic)) => {
                    Ty::List(Box::new(Ty::List(Box::new(arg(0).element()))))
                }
                Some(t) => t,
                None => Ty::Dynamic,
            },
        }
    }
}

fn scope_in(path: &[String]) -> Scope {
    Scope {
        module: path.to_vec(),
        names: Vec::new(),
    }
}

fn join(path: &[String], name: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(name.to_string());
    p
}

/// A block's or module call's value: one instance, a tuple of them with count, an object of
/// them with for_each.
fn repeated(instance: Ty, count: bool, for_each: bool) -> Ty {
    match (count, for_each) {
        (true, _) => Ty::TupleOf(Box::new(instance)),
        (_, true) => Ty::ObjectOf(Box::new(instance)),
        _ => instance,
    }
}

/// A tuple of elements of these types, their number known only from the value when they do
/// not all agree (then the value's shape decides).
fn tuple_of(elems: Vec<Ty>) -> Ty {
    match elems.first() {
        Some(f) if elems.iter().all(|t| t == f) => Ty::TupleOf(Box::new(f.clone())),
        _ => Ty::Dynamic,
    }
}

/// The types of what `flatten` keeps: elements of nested sequences, all the way down.
fn leaves(t: &Ty) -> Vec<Ty> {
    match t {
        Ty::Tuple(ts) => ts.iter().flat_map(leaves).collect(),
        Ty::List(e) | Ty::Set(e) | Ty::TupleOf(e) if e.is_sequence() || matches!(**e, Ty::Dynamic) => leaves(e),
        Ty::List(e) | Ty::Set(e) | Ty::TupleOf(e) => vec![(**e).clone()],
        Ty::Dynamic => vec![Ty::Dynamic],
        other => vec![other.clone()],
    }
}

fn one_of(ts: Vec<Ty>) -> Ty {
    match ts.first() {
        Some(f) if ts.iter().all(|t| t == f) => f.clone(),
        _ => Ty::OneOf(ts),
    }
}

/// The value of a literal index (`[0]`, `["a"]`), which picks one element of a tuple or
/// object type.
fn constant(e: &Expression) -> Option<Json> {
    match e {
        Expression::Number(n) => n.value().as_f64().map(Json::from),
        Expression::String(s) => Some(Json::from(s.value().as_str())),
        _ => None,
    }
}

fn index(t: &Ty, key: Option<&Json>) -> Ty {
    match (t, key) {
        (Ty::Tuple(ts), Some(Json::Number(n))) => n
            .as_f64()
            .and_then(|i| ts.get(i as usize))
            .cloned()
            .unwrap_or(Ty::Dynamic),
        (Ty::Object(fs), Some(Json::String(k))) => fs.get(k).cloned().unwrap_or(Ty::Dynamic),
        (other, _) => other.member(),
    }
}

/// The one type all of `ts` have, or dynamic when they differ.
fn same<'t>(mut ts: impl Iterator<Item = &'t Ty>) -> Ty {
    match ts.next() {
        Some(f) if ts.all(|t| t == f) => f.clone(),
        _ => Ty::Dynamic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config;

    /// A stand-in provider type with attributes of each kind.
    fn thing_schema() -> Schema {
        Schema::new()
            .computed("id", Type::String)
            .optional("tags", Type::map_of_strings())
            .computed("ids", Type::list_of_strings())
            .optional("zones", Type::set_of_strings())
            .block("rule", Nesting::List, Schema::new().optional("port", Type::Number))
    }

    /// The type Terraform records for each root output of `blueprint` whose value (as infractl
    /// holds it) is given.
    fn types_of(blueprint: &str, values: &[(&str, Json)]) -> Vec<(String, Json)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), blueprint).unwrap();
        std::fs::create_dir_all(dir.path().join("child")).unwrap();
        std::fs::write(
            dir.path().join("child/main.tf"),
            "variable \"n\" { type = list(string) }\noutput \"names\" { value = var.n }\noutput \"first\" { value = var.n[0] }\n",
        )
        .unwrap();
        let root = config::load(dir.path()).unwrap();
        let schemas = |mode: Mode, name: &str| {
            (mode != Mode::Ephemeral && name == "fake_thing").then(|| Arc::new(thing_schema()))
        };
        let typer = Typer::new(&root, &schemas, &[]);
        values
            .iter()
            .map(|(name, v)| (name.to_string(), typer.root_output(name).json_for(v)))
            .collect()
    }

    /// Each expected type is what `terraform console` (1.11) answers for `type(EXPR)` with the
    /// same blueprint applied.
    #[test]
    fn output_types_are_terraforms() {
        let blueprint = r#"
            variable "l" {
              type    = list(any)
              default = ["a", "b"]
            }
            variable "untyped" { default = ["a"] }
            locals { m = { a = "1", b = "2" } }
            resource "fake_thing" "one" {}
            resource "fake_thing" "counted" { count = 2 }
            resource "fake_thing" "each" { for_each = toset(["a"]) }
            data "fake_thing" "d" {}
            module "child" {
              source = "./child"
              n      = ["x"]
            }
            module "many" {
              source = "./child"
              count  = 1
              n      = ["x"]
            }
            output "sort" { value = sort(["b"]) }
            output "keys_object" { value = keys({ a = 1 }) }
            output "keys_map" { value = keys(tomap({ a = 1 })) }
            output "values_object" { value = values({ a = 1 }) }
            output "var_list" { value = var.l }
            output "untyped" { value = var.untyped }
            output "concat_mixed" { value = concat(["a"], tolist(["b"])) }
            output "concat_lists" { value = concat(tolist(["a"]), tolist(["b"])) }
            output "merge_mixed" { value = merge({ a = "1" }, tomap({ b = "2" })) }
            output "merge_maps" { value = merge(tomap({ a = "1" }), tomap({ b = "2" })) }
            output "flatten" { value = flatten([tolist(["a"])]) }
            output "distinct" { value = distinct(["a", "b"]) }
            output "reverse_tuple" { value = reverse(["a"]) }
            output "reverse_list" { value = reverse(tolist(["a"])) }
            output "cond_lengths" { value = true ? ["a"] : [] }
            output "cond_null" { value = true ? ["a"] : null }
            output "cond_objects" { value = true ? { a = 1 } : { b = 2 } }
            output "cond_same_names" { value = true ? { a = "x" } : { a = 1 } }
            output "cond_list_empty" { value = true ? [{ a = "x" }] : [] }
            output "cond_map" { value = true ? { a = 1 } : tomap({ b = "x" }) }
            output "template" { value = "${var.l}" }
            output "zipmap_tuple" { value = zipmap(["a"], ["b"]) }
            output "zipmap_list" { value = zipmap(["a"], tolist(["b"])) }
            output "lookup" { value = lookup(local.m, "a", "z") }
            output "lookup_object" { value = lookup({ a = 1, b = "x" }, "a") }
            output "slice_list" { value = slice(tolist(["a", "b"]), 0, 1) }
            output "coalescelist" { value = coalescelist(["a"], tolist(["b"])) }
            output "setunion" { value = setunion(["a"], ["b"]) }
            output "range" { value = range(2) }
            output "try" { value = try(var.l, "x") }
            output "transpose" { value = transpose({ a = ["b"] }) }
            output "chunklist" { value = chunklist(["a", "b"], 1) }
            output "tomap_mixed" { value = tomap({ a = 1, b = "x" }) }
            output "tolist_mixed" { value = tolist(["a", 1]) }
            output "local" { value = local.m }
            output "for_tuple" { value = [for x in var.l : x] }
            output "for_grouped" { value = { for k, v in local.m : v => k... } }
            output "setproduct" { value = setproduct(["a"], ["b"]) }
            output "index" { value = index(["a"], "a") }
            output "coalesce" { value = coalesce("a", 1) }
            output "set_splat" { value = toset(["a"])[*] }
            output "object_splat" { value = local.m[*] }
            output "element" { value = element(["a", 1], 0) }
            output "tags" { value = fake_thing.one.tags }
            output "tags_null" { value = fake_thing.one.tags }
            output "zones" { value = fake_thing.one.zones }
            output "rules" { value = fake_thing.one.rule }
            output "data_ids" { value = data.fake_thing.d.ids }
            output "counted_ids" { value = fake_thing.counted[*].id }
            output "counted_tags" { value = fake_thing.counted[*].tags }
            output "counted_first" { value = fake_thing.counted[0].ids }
            output "each_keys" { value = keys(fake_thing.each) }
            output "each_tomap" { value = { for k, v in fake_thing.each : k => v.tags } }
            output "module_names" { value = module.child.names }
            output "module_first" { value = module.child.first }
            output "modules_names" { value = module.many[*].names }
            output "sensitive" { value = nonsensitive(sensitive(tolist(["a"]))) }
            output "jsondecode" { value = jsondecode("[1]") }
        "#;
        let t = |s: &str| -> Json { serde_json::from_str(s).unwrap() };
        let cases: Vec<(&str, Json, Json)> = vec![
            ("sort", t(r#"["b"]"#), t(r#"["list","string"]"#)),
            ("keys_object", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("keys_map", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            ("values_object", t("[1]"), t(r#"["tuple",["number"]]"#)),
            ("var_list", t(r#"["a","b"]"#), t(r#"["list","string"]"#)),
            ("untyped", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("concat_mixed", t(r#"["a","b"]"#), t(r#"["tuple",["string","string"]]"#)),
            ("concat_lists", t(r#"["a","b"]"#), t(r#"["list","string"]"#)),
            (
                "merge_mixed",
                t(r#"{"a":"1","b":"2"}"#),
                t(r#"["object",{"a":"string","b":"string"}]"#),
            ),
            ("merge_maps", t(r#"{"a":"1","b":"2"}"#), t(r#"["map","string"]"#)),
            ("flatten", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("distinct", t(r#"["a","b"]"#), t(r#"["list","string"]"#)),
            ("reverse_tuple", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("reverse_list", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            ("cond_lengths", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            ("cond_null", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("cond_objects", t(r#"{"a":1}"#), t(r#"["map","number"]"#)),
            ("cond_same_names", t(r#"{"a":"x"}"#), t(r#"["object",{"a":"string"}]"#)),
            (
                "cond_list_empty",
                t(r#"[{"a":"x"}]"#),
                t(r#"["list",["object",{"a":"string"}]]"#),
            ),
            ("cond_map", t(r#"{"a":"1"}"#), t(r#"["map","string"]"#)),
            ("template", t(r#"["a","b"]"#), t(r#"["list","string"]"#)),
            ("zipmap_tuple", t(r#"{"a":"b"}"#), t(r#"["object",{"a":"string"}]"#)),
            ("zipmap_list", t(r#"{"a":"b"}"#), t(r#"["map","string"]"#)),
            ("lookup", t(r#""1""#), t(r#""string""#)),
            ("lookup_object", t("1"), t(r#""number""#)),
            ("slice_list", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            ("coalescelist", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            ("setunion", t(r#"["a","b"]"#), t(r#"["set","string"]"#)),
            ("range", t("[0,1]"), t(r#"["list","number"]"#)),
            ("try", t(r#"["a","b"]"#), t(r#"["list","string"]"#)),
            ("transpose", t(r#"{"b":["a"]}"#), t(r#"["map",["list","string"]]"#)),
            ("chunklist", t(r#"[["a"],["b"]]"#), t(r#"["list",["list","string"]]"#)),
            ("tomap_mixed", t(r#"{"a":"1","b":"x"}"#), t(r#"["map","string"]"#)),
            ("tolist_mixed", t(r#"["a","1"]"#), t(r#"["list","string"]"#)),
            (
                "local",
                t(r#"{"a":"1","b":"2"}"#),
                t(r#"["object",{"a":"string","b":"string"}]"#),
            ),
            ("for_tuple", t(r#"["a","b"]"#), t(r#"["tuple",["string","string"]]"#)),
            (
                "for_grouped",
                t(r#"{"1":["a"],"2":["b"]}"#),
                t(r#"["object",{"1":["tuple",["string"]],"2":["tuple",["string"]]}]"#),
            ),
            (
                "setproduct",
                t(r#"[["a","b"]]"#),
                t(r#"["list",["tuple",["string","string"]]]"#),
            ),
            ("index", t("0"), t(r#""number""#)),
            ("coalesce", t(r#""a""#), t(r#""string""#)),
            ("set_splat", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            (
                "object_splat",
                t(r#"[{"a":"1","b":"2"}]"#),
                t(r#"["tuple",[["object",{"a":"string","b":"string"}]]]"#),
            ),
            ("element", t(r#""a""#), t(r#""string""#)),
            ("tags", t(r#"{"Name":"x"}"#), t(r#"["map","string"]"#)),
            ("tags_null", Json::Null, t(r#"["map","string"]"#)),
            ("zones", t(r#"["a"]"#), t(r#"["set","string"]"#)),
            (
                "rules",
                t(r#"[{"port":80}]"#),
                t(r#"["list",["object",{"port":"number"}]]"#),
            ),
            ("data_ids", t("[]"), t(r#"["list","string"]"#)),
            (
                "counted_ids",
                t(r#"["i-1","i-2"]"#),
                t(r#"["tuple",["string","string"]]"#),
            ),
            (
                "counted_tags",
                t(r#"[{"a":"1"},{}]"#),
                t(r#"["tuple",[["map","string"],["map","string"]]]"#),
            ),
            ("counted_first", t(r#"["x"]"#), t(r#"["list","string"]"#)),
            ("each_keys", t(r#"["a"]"#), t(r#"["tuple",["string"]]"#)),
            (
                "each_tomap",
                t(r#"{"a":{"k":"v"}}"#),
                t(r#"["object",{"a":["map","string"]}]"#),
            ),
            ("module_names", t(r#"["x"]"#), t(r#"["list","string"]"#)),
            ("module_first", t(r#""x""#), t(r#""string""#)),
            ("modules_names", t(r#"[["x"]]"#), t(r#"["tuple",[["list","string"]]]"#)),
            ("sensitive", t(r#"["a"]"#), t(r#"["list","string"]"#)),
            ("jsondecode", t("[1]"), t(r#"["tuple",["number"]]"#)),
        ];
        let values: Vec<(&str, Json)> = cases.iter().map(|(n, v, _)| (*n, v.clone())).collect();
        let got = types_of(blueprint, &values);
        let wrong: Vec<String> = cases
            .iter()
            .zip(&got)
            .filter(|((_, _, want), (_, have))| want != have)
            .map(|((name, _, want), (_, have))| format!("{name}: want {want}, got {have}"))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
