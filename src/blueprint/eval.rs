//! Expression evaluation with Terraform's semantics, including unknown values and value marks.
//!
//! Written by hand on top of hcl-edit's syntax tree rather than using hcl-rs's evaluator because
//! that evaluator has no notion of Terraform's unknown values (needed to plan "(known after
//! apply)") and drops source spans (needed for file:line in every error).
//!
//! Every value is evaluated together with its [`Marks`] (sensitive, ephemeral parts): literals
//! and constructors keep their elements' marks in place, traversals narrow them, and every other
//! operation marks its whole result with all the marks of its operands, as Terraform's values do.
//! [`eval`] drops them for callers that do not care; [`eval_marked`] keeps them.

use super::functions::{self, Environment};
use super::marks::{Mark, Marked, Marks, Step};
use super::source::{Expr, Loc, SourceFile};
use crate::diag::{DResult, Diag};
use crate::value::Value;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use indexmap::IndexMap;
use std::sync::Arc;

/// Resolves the names an expression refers to (`var.x`, `aws_vpc.main`, ...).
pub trait Resolver {
    /// Resolves `root` followed by the leading attribute names of a traversal. Returns the value
    /// and how many of `names` it used; the evaluator applies the rest.
    fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)>;

    /// [`Resolver::resolve`] with the value's marks; resolvers of marked values (sensitive
    /// variables, resources with sensitive attributes) override this one. The default has none.
    fn resolve_marked(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, Marks, usize)> {
        let (v, used) = self.resolve(root, names, loc)?;
        Ok((v, Marks::none(), used))
    }

    /// One instance of a resource block (`aws_subnet.private[2]`), when the resolver can find it
    /// without building the whole block's value: `None` sends the evaluator down the general
    /// path (which also reports errors). Returns the value, its marks and how many of `names`
    /// it used.
    fn resolve_instance(&self, _root: &str, _names: &[&str], _index: &Value) -> Option<(Value, Marks, usize)> {
        None
    }

    /// What function calls may depend on besides their arguments (the phase's clock, where
    /// relative file paths lead). The default is validation: `timestamp()` unknown.
    fn function_env(&self) -> Environment {
        Environment::default()
    }
}

/// Functions the evaluator implements itself because they evaluate expressions or templates,
/// or read and change value marks; the rest of the library is in [`functions`].
pub const EVALUATOR_FUNCTIONS: &[&str] = &[
    "can",
    "try",
    "templatefile",
    "templatestring",
    "sensitive",
    "nonsensitive",
    "issensitive",
    "ephemeralasnull",
];

/// True when `name` is a function of Terraform's library that infractl implements.
pub fn is_function(name: &str) -> bool {
    EVALUATOR_FUNCTIONS.contains(&name) || functions::exists(name)
}

/// The attribute names a traversal starts with (`vpc.main` of `aws_vpc.main[0].id`'s
/// operators `.main[0].id`): what a reference's root is resolved with.
pub fn leading_names(ops: &[hcl_edit::Decorated<TraversalOperator>]) -> Vec<&str> {
    ops.iter()
        .map_while(|op| match op.value() {
            TraversalOperator::GetAttr(id) => Some(id.as_str()),
            _ => None,
        })
        .collect()
}

/// How many of the operators after a splat apply to each element: all of them after `[*]`,
/// the attribute names that follow `.*`.
pub fn splat_reach(splat: &TraversalOperator, rest: &[hcl_edit::Decorated<TraversalOperator>]) -> usize {
    match splat {
        TraversalOperator::FullSplat(_) => rest.len(),
        _ => rest
            .iter()
            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
            .count(),
    }
}

/// Values bound for one resource instance or one iteration: `count.index`, `each.*`, `self`,
/// and names introduced by `for` expressions or `dynamic` block iterators.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    /// `count.index`.
    pub count_index: Option<Value>,
    /// `each.key` and `each.value`.
    pub each: Option<(Value, Value)>,
    /// Marks of `each.value` (the element's marks in the `for_each` value).
    pub each_marks: Marks,
    /// `self`: the object itself, in postconditions, provisioners and connection blocks.
    pub self_value: Option<Marked>,
    /// Plain names in scope (innermost last), with their marks.
    pub names: Vec<(String, Value, Marks)>,
}

impl Bindings {
    /// A copy with one more name bound.
    pub fn with(&self, name: &str, value: Value) -> Bindings {
        self.with_marked(name, (value, Marks::none()))
    }

    /// A copy with one more name bound to a marked value.
    pub fn with_marked(&self, name: &str, (value, marks): Marked) -> Bindings {
        let mut b = self.clone();
        b.names.push((name.to_string(), value, marks));
        b
    }

    /// A copy with `self` bound.
    pub fn with_self(&self, value: Marked) -> Bindings {
        let mut b = self.clone();
        b.self_value = Some(value);
        b
    }
}

/// Evaluates an expression.
pub fn eval(expr: &Expr, resolver: &dyn Resolver, bindings: &Bindings) -> DResult<Value> {
    eval_marked(expr, resolver, bindings).map(|(v, _)| v)
}

/// Evaluates an expression, keeping the marks of its value.
pub fn eval_marked(expr: &Expr, resolver: &dyn Resolver, bindings: &Bindings) -> DResult<Marked> {
    Evaluator {
        file: &expr.file,
        resolver,
        env: &resolver.function_env(),
        in_template: false,
    }
    .eval(&expr.ast, bindings)
}

/// Evaluates an expression that may not refer to anything (variable defaults, descriptions,
/// `optional()` defaults): Terraform evaluates these before any scope exists.
pub fn eval_constant(expr: &Expr) -> DResult<Value> {
    eval(expr, &Constant, &Bindings::default())
}

/// The resolver of constant expressions: every reference is an error.
struct Constant;

impl Resolver for Constant {
    fn resolve(&self, root: &str, _: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
        Err(Diag::new("Variables not allowed")
            .detail(format!("Variables may not be used here (found \"{root}\")."))
            .at(loc))
    }
}

fn parse_template(text: &str, file: &Arc<SourceFile>) -> DResult<Template> {
    hcl_edit::parser::parse_template(text).map_err(|e| {
        Diag::new(format!("Syntax error in template: {}", e.message())).at(format!(
            "{}:{}:{}",
            file.path.display(),
            e.location().line(),
            e.location().column()
        ))
    })
}

/// An unmarked value.
fn plain(v: Value) -> Marked {
    (v, Marks::none())
}

struct Evaluator<'a> {
    file: &'a Arc<SourceFile>,
    resolver: &'a dyn Resolver,
    /// Environment of function calls, taken from the resolver once per evaluation.
    env: &'a Environment,
    /// Inside a template rendered by `templatefile`/`templatestring`, which may not nest.
    in_template: bool,
}

impl Evaluator<'_> {
    fn loc(&self, span: Option<std::ops::Range<usize>>) -> Loc {
        Loc::new(self.file, span)
    }

    fn err(&self, span: Option<std::ops::Range<usize>>, summary: impl Into<String>) -> Diag {
        Diag::new(summary).at(self.loc(span))
    }

    fn eval(&self, e: &Expression, b: &Bindings) -> DResult<Marked> {
        match e {
            Expression::Null(_) => Ok(plain(Value::Null)),
            Expression::Bool(v) => Ok(plain(Value::Bool(*v.value()))),
            Expression::Number(n) => Ok(plain(Value::Number(n.value().as_f64().unwrap_or(0.0)))),
            Expression::String(s) => Ok(plain(Value::String(s.value().clone()))),
            Expression::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut marks = Marks::none();
                for (i, item) in items.iter().enumerate() {
                    let (v, m) = self.eval(item, b)?;
                    values.push(v);
                    marks.merge(Marks::nest(Step::Index(i), m));
                }
                Ok((Value::List(values), marks))
            }
            Expression::Object(obj) => {
                let mut map = IndexMap::new();
                let mut item_marks: IndexMap<String, Marks> = IndexMap::new();
                let mut whole = Marks::none();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            // A bare name used as key is the name itself, as in Terraform.
                            if let Expression::Variable(id) = ke {
                                id.as_str().to_string()
                            } else {
                                match self.eval(ke, b)? {
                                    (Value::Unknown, m) => return Ok((Value::Unknown, m.collapse())),
                                    (kv, m) => {
                                        whole.merge(m.collapse());
                                        kv.to_plain_string()
                                            .ok_or_else(|| self.err(ke.span(), "Object keys must be strings"))?
                                    }
                                }
                            }
                        }
                    };
                    let (value, m) = self.eval(v.expr(), b)?;
                    map.insert(key.clone(), value);
                    item_marks.insert(key, m);
                }
                for (k, m) in item_marks {
                    whole.merge(Marks::nest(Step::Key(k), m));
                }
                Ok((Value::Object(map), whole))
            }
            Expression::StringTemplate(t) => self.template(t, b, false, true),
            Expression::HeredocTemplate(h) => self.template(&h.template, b, false, false),
            Expression::Parenthesis(p) => self.eval(p.inner(), b),
            Expression::Variable(v) => self.traversal(e, &[], b, v.span()),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, b, t.span()),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, b)? {
                (Value::Unknown, m) => Ok((Value::Unknown, m.collapse())),
                (v, cm) => {
                    let (result, rm) = match v.as_bool() {
                        Some(true) => self.eval(&c.true_expr, b)?,
                        Some(false) => self.eval(&c.false_expr, b)?,
                        None => {
                            return Err(self.err(
                                c.cond_expr.span(),
                                format!("The condition must be a bool, not {}", v.type_name()),
                            ))
                        }
                    };
                    Ok((result, rm.with(cm.collapse())))
                }
            },
            Expression::FuncCall(call) => self.call(call, b),
            Expression::UnaryOp(op) => {
                let (v, m) = self.eval(&op.expr, b)?;
                let m = m.collapse();
                if v == Value::Unknown {
                    return Ok((Value::Unknown, m));
                }
                let result = match op.operator.value() {
                    UnaryOperator::Neg => v
                        .as_number()
                        .map(|n| Value::Number(-n))
                        .ok_or_else(|| self.err(op.expr.span(), "Unary minus needs a number")),
                    UnaryOperator::Not => v
                        .as_bool()
                        .map(|x| Value::Bool(!x))
                        .ok_or_else(|| self.err(op.expr.span(), "! needs a bool")),
                }?;
                Ok((result, m))
            }
            Expression::BinaryOp(op) => self.binary(op, b),
            Expression::ForExpr(f) => self.for_expr(f, b),
        }
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        b: &Bindings,
        span: Option<std::ops::Range<usize>>,
    ) -> DResult<Marked> {
        let (start, marks, rest) = match root {
            Expression::Variable(v) => {
                let name = v.as_str();
                let names = leading_names(ops);
                if let Some((_, val, m)) = b.names.iter().rev().find(|(n, _, _)| n == name) {
                    (val.clone(), m.clone(), ops)
                } else if name == "count" {
                    let idx = b.count_index.clone().ok_or_else(|| {
                        self.err(span.clone(), "count.index is only available in a resource with count")
                    })?;
                    if names.first() != Some(&"index") {
                        return Err(self.err(span, "The only attribute of count is index"));
                    }
                    (idx, Marks::none(), &ops[1..])
                } else if name == "each" {
                    let (k, v) = b.each.clone().ok_or_else(|| {
                        self.err(span.clone(), "each.key and each.value are only available with for_each")
                    })?;
                    match names.first() {
                        Some(&"key") => (k, Marks::none(), &ops[1..]),
                        Some(&"value") => (v, b.each_marks.clone(), &ops[1..]),
                        _ => return Err(self.err(span, "each has only key and value")),
                    }
                } else if let (Some((val, m)), "self") = (&b.self_value, name) {
                    (val.clone(), m.clone(), ops)
                } else if let Some((val, m, used)) = self.instance_shortcut(name, &names, ops, b) {
                    (val, m, &ops[used + 1..])
                } else {
                    let (val, m, used) = self.resolver.resolve_marked(name, &names, &self.loc(span.clone()))?;
                    (val, m, &ops[used..])
                }
            }
            other => {
                let (v, m) = self.eval(other, b)?;
                (v, m, ops)
            }
        };
        self.apply_ops((start, marks), rest, b, span)
    }

    /// `block.name[index]` read as one instance, so that each of ten thousand references to a
    /// counted block does not copy all of its instances first.
    fn instance_shortcut(
        &self,
        root: &str,
        names: &[&str],
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        b: &Bindings,
    ) -> Option<(Value, Marks, usize)> {
        let index_op = ops.get(names.len())?;
        let index = match index_op.value() {
            TraversalOperator::LegacyIndex(n) => Value::Number(*n.value() as f64),
            TraversalOperator::Index(ie) => match self.eval(ie, b).ok()? {
                // A marked index makes the whole result marked: the general path does that.
                (v, m) if m.is_empty() => v,
                _ => return None,
            },
            _ => return None,
        };
        let (value, marks, used) = self.resolver.resolve_instance(root, names, &index)?;
        (used == names.len()).then_some((value, marks, used))
    }

    fn apply_ops(
        &self,
        (mut value, mut marks): Marked,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        b: &Bindings,
        span: Option<std::ops::Range<usize>>,
    ) -> DResult<Marked> {
        for (i, op) in ops.iter().enumerate() {
            match op.value() {
                TraversalOperator::GetAttr(id) => {
                    if marks.is_empty() {
                        value = self.get_attr(value, id.as_str(), span.clone())?;
                    } else {
                        marks = marks.get(&Step::Key(id.as_str().to_string()));
                        value = self.get_attr(value, id.as_str(), span.clone())?;
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Value::Number(*n.value() as f64);
                    if !marks.is_empty() {
                        marks = marks.get(&step_of(&value, &key));
                    }
                    value = self.index(value, key, span.clone())?;
                }
                TraversalOperator::Index(ie) => {
                    let (key, km) = self.eval(ie, b)?;
                    if !marks.is_empty() {
                        marks = marks.get(&step_of(&value, &key));
                    }
                    marks.merge(km.collapse());
                    value = self.index(value, key, ie.span())?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let per_item_len = splat_reach(op.value(), rest);
                    let (items, item_marks): (Vec<Value>, Vec<Marks>) = match value {
                        Value::Unknown => return Ok((Value::Unknown, marks.collapse())),
                        Value::Null => (vec![], vec![]),
                        Value::List(items) => {
                            let ms = (0..items.len()).map(|i| marks.get(&Step::Index(i))).collect();
                            (items, ms)
                        }
                        other => (vec![other], vec![marks.clone()]),
                    };
                    let mut mapped = Vec::with_capacity(items.len());
                    let mut mapped_marks = Marks::whole(marks.shallow());
                    for (i, (item, m)) in items.into_iter().zip(item_marks).enumerate() {
                        let (v, m) = self.apply_ops((item, m), &rest[..per_item_len], b, span.clone())?;
                        mapped.push(v);
                        mapped_marks.merge(Marks::nest(Step::Index(i), m));
                    }
                    return self.apply_ops((Value::List(mapped), mapped_marks), &rest[per_item_len..], b, span);
                }
            }
        }
        Ok((value, marks))
    }

    fn get_attr(&self, value: Value, name: &str, span: Option<std::ops::Range<usize>>) -> DResult<Value> {
        match value {
            Value::Unknown => Ok(Value::Unknown),
            Value::Object(mut map) => map.shift_remove(name).ok_or_else(|| {
                self.err(span, format!("Unsupported attribute \"{name}\""))
                    .detail(format!("This object has no attribute named \"{name}\"."))
            }),
            Value::Null => Err(self.err(span, format!("Attempt to get attribute \"{name}\" from a null value"))),
            other => Err(self.err(
                span,
                format!("Cannot get attribute \"{name}\" of a {}", other.type_name()),
            )),
        }
    }

    fn index(&self, value: Value, key: Value, span: Option<std::ops::Range<usize>>) -> DResult<Value> {
        if value == Value::Unknown || key == Value::Unknown {
            return Ok(Value::Unknown);
        }
        match value {
            Value::List(items) => {
                let n = key
                    .as_number()
                    .ok_or_else(|| self.err(span.clone(), "A list index must be a number"))?;
                if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                    return Err(self.err(span, "Invalid index").detail(format!(
                        "The index {} is out of range for a list of {} elements.",
                        key.render(),
                        items.len()
                    )));
                }
                Ok(items.into_iter().nth(n as usize).unwrap_or_default())
            }
            Value::Object(mut map) => {
                let k = key
                    .to_plain_string()
                    .ok_or_else(|| self.err(span.clone(), "A map key must be a string"))?;
                map.shift_remove(&k).ok_or_else(|| {
                    self.err(span, "Invalid index")
                        .detail(format!("The given key \"{k}\" does not identify an element."))
                })
            }
            Value::Null => Err(self.err(span, "Cannot index a null value")),
            other => Err(self.err(span, format!("Cannot index a {}", other.type_name()))),
        }
    }

    /// Evaluates a template; `quoted` for a quoted string (whose literals have backslash escapes)
    /// rather than a heredoc or template file.
    fn template(&self, t: &Template, b: &Bindings, force_string: bool, quoted: bool) -> DResult<Marked> {
        if !force_string {
            if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
                return self.eval(&i.expr, b);
            }
        }
        let mut out = String::new();
        let how = Render {
            trim: (false, false),
            quoted,
            nested: false,
        };
        let mut marks = Marks::none();
        let known = self.render_into(t, b, how, &mut out, &mut marks)?;
        let marks = marks.collapse();
        Ok(match known {
            true => (Value::String(out), marks),
            false => (Value::Unknown, marks),
        })
    }

    /// Renders a template's elements onto `out`, collecting the marks of what it interpolates;
    /// false when the result is unknown.
    fn render_into(
        &self,
        t: &Template,
        b: &Bindings,
        how: Render,
        out: &mut String,
        marks: &mut Marks,
    ) -> DResult<bool> {
        let trim = how.trim;
        let inner = |trim: (bool, bool)| Render {
            trim,
            nested: true,
            ..how
        };
        let elements: Vec<&Element> = t.iter().collect();
        // Whether an element strips the literal before it, and the literal after it.
        let strips = |el: &Element| -> (bool, bool) {
            match el {
                Element::Literal(_) => (false, false),
                Element::Interpolation(i) => (i.strip.strip_start(), i.strip.strip_end()),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => (ifd.if_expr.strip.strip_start(), ifd.endif_expr.strip.strip_end()),
                    Directive::For(fd) => (fd.for_expr.strip.strip_start(), fd.endfor_expr.strip.strip_end()),
                },
            }
        };
        for (idx, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    // The parser decodes the escapes of a quoted string's own literals but not
                    // those inside its directives' templates.
                    let decoded = match how.quoted && how.nested {
                        true => unescape(s.value()),
                        false => std::borrow::Cow::Borrowed(s.value().as_str()),
                    };
                    let mut text: &str = &decoded;
                    let after_strip = if idx == 0 { trim.0 } else { strips(elements[idx - 1]).1 };
                    let before_strip = match elements.get(idx + 1) {
                        Some(next) => strips(next).0,
                        None => trim.1,
                    };
                    if after_strip {
                        text = text.trim_start();
                    }
                    if before_strip {
                        text = text.trim_end();
                    }
                    out.push_str(text);
                }
                Element::Interpolation(i) => {
                    let (v, m) = self.eval(&i.expr, b)?;
                    marks.merge(m);
                    match v {
                        Value::Unknown => return Ok(false),
                        Value::Null => {
                            return Err(self
                                .err(i.expr.span(), "Invalid template interpolation value")
                                .detail("The expression result is null; a string is needed."))
                        }
                        v => out.push_str(&v.to_plain_string().ok_or_else(|| {
                            self.err(
                                i.expr.span(),
                                format!("Cannot include a {} in a string template", v.type_name()),
                            )
                        })?),
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let (c, cm) = self.eval(&ifd.if_expr.cond_expr, b)?;
                        marks.merge(cm);
                        if c.has_unknown() {
                            return Ok(false);
                        }
                        let cond = c.as_bool().ok_or_else(|| {
                            self.err(
                                ifd.if_expr.cond_expr.span(),
                                format!("The condition must be a bool, not {}", c.type_name()),
                            )
                        })?;
                        let end_strip = ifd.endif_expr.strip.strip_start();
                        let branch = if cond {
                            let trail = ifd
                                .else_expr
                                .as_ref()
                                .map(|e| e.strip.strip_start())
                                .unwrap_or(end_strip);
                            Some((&ifd.if_expr.template, (ifd.if_expr.strip.strip_end(), trail)))
                        } else {
                            ifd.else_expr
                                .as_ref()
                                .map(|e| (&e.template, (e.strip.strip_end(), end_strip)))
                        };
                        if let Some((t, trim)) = branch {
                            if !self.render_into(t, b, inner(trim), out, marks)? {
                                return Ok(false);
                            }
                        }
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        let (coll, cm) = self.eval(&fe.collection_expr, b)?;
                        if coll.has_unknown() {
                            marks.merge(cm);
                            return Ok(false);
                        }
                        let trim = (fe.strip.strip_end(), ford.endfor_expr.strip.strip_start());
                        for (k, v, vm) in
                            iterate_marked(&coll, &cm).map_err(|m| self.err(fe.collection_expr.span(), m))?
                        {
                            let mut bound = b.with_marked(fe.value_var.as_str(), (v, vm));
                            if let Some(kv) = &fe.key_var {
                                bound = bound.with_marked(kv.as_str(), (k, Marks::whole(cm.shallow())));
                            }
                            if !self.render_into(&fe.template, &bound, inner(trim), out, marks)? {
                                return Ok(false);
                            }
                        }
                        marks.merge(Marks::whole(cm.shallow()));
                    }
                },
            }
        }
        Ok(true)
    }

    fn call(&self, call: &hcl_edit::expr::FuncCall, b: &Bindings) -> DResult<Marked> {
        let span = call.span();
        let loc = self.loc(span.clone());
        let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
        let name = call.name.name.as_str();
        match namespace.as_slice() {
            [] | ["core"] => {}
            ["provider", ..] => {
                let full = format!("{}::{name}", namespace.join("::"));
                return Err(Diag::new(format!("provider functions are not supported: {full}"))
                    .detail("infractl runs Terraform's built-in functions only; provider-defined functions need the provider's plugin.")
                    .at(loc));
            }
            _ => {
                return Err(
                    functions::unknown_function(&format!("{}::{name}", namespace.join("::")), &loc)
                        .detail("Function namespaces other than core:: and provider:: do not exist."),
                )
            }
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        // try and can look at failures, so their arguments are evaluated here, lazily.
        match name {
            "try" => return self.try_(&args, call.args.expand_final(), &loc, b),
            "can" => return self.can(&args, call.args.expand_final(), &loc, b),
            "templatestring" if !args.is_empty() => {
                if let Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) = args[0]
                {
                    return Err(Diag::new("Invalid function argument").detail(
                        "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead.",
                    ).at(loc));
                }
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        let mut arg_marks = Vec::with_capacity(args.len());
        for a in &args {
            let (v, m) = self.eval(a, b)?;
            values.push(v);
            arg_marks.push(m);
        }
        if call.args.expand_final() {
            let last_marks = arg_marks.pop().unwrap_or_default();
            match values.pop() {
                Some(Value::List(items)) => {
                    for i in 0..items.len() {
                        arg_marks.push(last_marks.get(&Step::Index(i)));
                    }
                    values.extend(items);
                }
                Some(Value::Unknown) => return Ok((Value::Unknown, last_marks.collapse())),
                _ => return Err(self.err(span, "The final argument before ... must be a list")),
            }
        }
        if let Some(result) = self.mark_function(name, &values, &arg_marks, &loc) {
            return result;
        }
        // Every other function sees unmarked arguments and marks its whole result with all of
        // their marks, as Terraform's functions do.
        let marks = arg_marks
            .into_iter()
            .fold(Marks::none(), |acc, m| acc.with(m.collapse()));
        let result = match name {
            "templatefile" | "templatestring" => self.render(name, values, &loc)?,
            _ => functions::call(name, values, self.env, &loc)?,
        };
        Ok((result, marks))
    }

    /// The functions that read or change marks: `sensitive`, `nonsensitive`, `issensitive` and
    /// `ephemeralasnull`. `None` for any other function.
    fn mark_function(&self, name: &str, values: &[Value], marks: &[Marks], loc: &Loc) -> Option<DResult<Marked>> {
        if !matches!(name, "sensitive" | "nonsensitive" | "issensitive" | "ephemeralasnull") {
            return None;
        }
        // The library checks the number of arguments, as for any call.
        if let Err(d) = functions::call(name, values.to_vec(), self.env, loc) {
            return Some(Err(d));
        }
        let (value, m) = (values[0].clone(), marks[0].clone());
        Some(Ok(match name {
            "sensitive" => (value, m.with(Marks::whole(Mark::SENSITIVE))),
            "nonsensitive" => (value, m.unmark_shallow(Mark::SENSITIVE)),
            "issensitive" => {
                let answer = if m.shallow().has(Mark::SENSITIVE) {
                    Value::Bool(true)
                } else if value == Value::Unknown {
                    Value::Unknown
                } else {
                    Value::Bool(false)
                };
                (answer, Marks::none())
            }
            _ => (
                super::marks::replace_marked(&value, &m, Mark::EPHEMERAL, &Value::Null),
                m.unmark_deep(Mark::EPHEMERAL),
            ),
        }))
    }

    /// `try(...)`: the first argument that evaluates without an error; unknown if that value is
    /// not wholly known (a later refinement could still make it fail).
    fn try_(&self, args: &[&Expression], expand: bool, loc: &Loc, b: &Bindings) -> DResult<Marked> {
        if expand {
            return Err(Diag::new("Invalid use of ... with try").at(loc));
        }
        if args.is_empty() {
            return Err(Diag::new("Error in function call")
                .detail("Call to function \"try\" failed: at least one argument is required.")
                .at(loc));
        }
        let mut errors = Vec::new();
        for arg in args {
            match self.eval(arg, b) {
                Ok((v, m)) if v.has_unknown() => return Ok((Value::Unknown, m.collapse())),
                Ok(v) => return Ok(v),
                Err(e) if is_static_error(&e) => return Err(e),
                Err(e) => errors.push(e.summary),
            }
        }
        Err(Diag::new("Error in function call")
            .detail(format!(
                "Call to function \"try\" failed: no expression succeeded: {}.",
                errors.join("; ")
            ))
            .at(loc))
    }

    /// `can(expr)`: whether the expression evaluates without an error; unknown while its value
    /// is not wholly known.
    fn can(&self, args: &[&Expression], expand: bool, loc: &Loc, b: &Bindings) -> DResult<Marked> {
        match args {
            [arg] if !expand => Ok(plain(match self.eval(arg, b) {
                Ok((v, _)) if v.has_unknown() => Value::Unknown,
                Ok(_) => Value::Bool(true),
                Err(e) if is_static_error(&e) => return Err(e),
                Err(_) => Value::Bool(false),
            })),
            [] => Err(Diag::new("Not enough function arguments")
                .detail("Function \"can\" expects 1 argument(s). Missing value for \"expression\".")
                .at(loc)),
            _ => Err(Diag::new("Too many function arguments")
                .detail("Function \"can\" expects only 1 argument(s).")
                .at(loc)),
        }
    }

    /// `templatefile(path, vars)` and `templatestring(template, vars)`: renders a template with
    /// only the given variables (and the functions) in scope.
    fn render(&self, name: &str, args: Vec<Value>, loc: &Loc) -> DResult<Value> {
        let invalid = |param: &str, msg: String| {
            Diag::new("Invalid function argument")
                .detail(format!("Invalid value for \"{param}\" parameter: {msg}."))
                .at(loc)
        };
        let first = if name == "templatefile" { "path" } else { "template" };
        let [source, vars] = <[Value; 2]>::try_from(args).map_err(|args| {
            let (summary, detail) = if args.len() < 2 {
                let missing = if args.is_empty() { first } else { "vars" };
                (
                    "Not enough function arguments",
                    format!("Function \"{name}\" expects 2 argument(s). Missing value for \"{missing}\"."),
                )
            } else {
                (
                    "Too many function arguments",
                    format!("Function \"{name}\" expects only 2 argument(s)."),
                )
            };
            Diag::new(summary).detail(detail).at(loc)
        })?;
        if self.in_template {
            return Err(Diag::new("Error in function call")
                .detail(format!("Call to function \"{name}\" failed: cannot recursively call {name} from inside another template function."))
                .at(loc));
        }
        if source.is_null() {
            return Err(invalid(first, "argument must not be null".into()));
        }
        if vars.is_null() {
            return Err(invalid("vars", "argument must not be null".into()));
        }
        if source == Value::Unknown {
            return Ok(Value::Unknown);
        }
        let vars = functions::template_vars(&vars).map_err(|m| invalid("vars", m))?;
        let (file, text) = if name == "templatefile" {
            let path = source
                .to_plain_string()
                .ok_or_else(|| invalid("path", "string required".into()))?;
            let text = functions::read_file(&path, self.env).map_err(|m| invalid("path", m))?;
            (SourceFile::new(path, text.clone()), text)
        } else {
            let Value::String(text) = source else {
                return Err(invalid(
                    "template",
                    "invalid template value: a string is required".into(),
                ));
            };
            (SourceFile::new("<templatestring argument>", text.clone()), text)
        };
        let template = parse_template(&text, &file).map_err(|d| {
            let at = d.location.clone().unwrap_or_default();
            Diag::new("Error in function call")
                .detail(format!("Call to function \"{name}\" failed: {at}: {}.", d.summary))
                .at(loc)
        })?;
        let mut bindings = Bindings::default();
        bindings
            .names
            .extend(vars.into_iter().map(|(k, v)| (k, v, Marks::none())));
        struct TemplateVars;
        impl Resolver for TemplateVars {
            fn resolve(&self, root: &str, _: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
                Err(Diag::new("Invalid function argument")
                    .detail(format!("Invalid value for \"vars\" parameter: vars map does not contain key \"{root}\", referenced at {loc}."))
                    .at(loc))
            }
        }
        Evaluator {
            file: &file,
            resolver: &TemplateVars,
            env: self.env,
            in_template: true,
        }
        .template(&template, &bindings, true, false)
        .map(|(v, _)| v)
    }

    fn binary(&self, op: &hcl_edit::expr::BinaryOp, b: &Bindings) -> DResult<Marked> {
        use BinaryOperator::*;
        let operator = *op.operator.value();
        let (l, lm) = self.eval(&op.lhs_expr, b)?;
        // && and || short-circuit on a known left side, as Terraform does.
        if let (And | Or, Some(lb)) = (operator, l.as_bool()) {
            if (operator == And && !lb) || (operator == Or && lb) {
                return Ok((Value::Bool(lb), lm.collapse()));
            }
        }
        let (r, rm) = self.eval(&op.rhs_expr, b)?;
        let marks = lm.collapse().with(rm.collapse());
        if matches!(operator, Eq | NotEq) {
            if l.has_unknown() || r.has_unknown() {
                return Ok((Value::Unknown, marks));
            }
            let eq = values_equal(&l, &r);
            return Ok((Value::Bool(if operator == Eq { eq } else { !eq }), marks));
        }
        if l == Value::Unknown || r == Value::Unknown {
            return Ok((Value::Unknown, marks));
        }
        let span = op.span();
        if matches!(operator, And | Or) {
            let (Some(a), Some(c)) = (l.as_bool(), r.as_bool()) else {
                return Err(self.err(span, "&& and || need bool operands"));
            };
            return Ok((Value::Bool(if operator == And { a && c } else { a || c }), marks));
        }
        let (Some(a), Some(c)) = (l.as_number(), r.as_number()) else {
            return Err(self
                .err(span, "Arithmetic and comparison need number operands")
                .detail(format!("Got {} and {}.", l.type_name(), r.type_name())));
        };
        let result = match operator {
            Plus => Value::Number(a + c),
            Minus => Value::Number(a - c),
            Mul => Value::Number(a * c),
            Div => {
                if c == 0.0 {
                    return Err(self.err(span, "Division by zero"));
                }
                Value::Number(a / c)
            }
            Mod => {
                if c == 0.0 {
                    return Err(self.err(span, "Modulo by zero"));
                }
                Value::Number(a % c)
            }
            Less => Value::Bool(a < c),
            LessEq => Value::Bool(a <= c),
            Greater => Value::Bool(a > c),
            GreaterEq => Value::Bool(a >= c),
            Eq | NotEq | And | Or => unreachable!("handled above"),
        };
        Ok((result, marks))
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, b: &Bindings) -> DResult<Marked> {
        let (coll, cm) = self.eval(&f.intro.collection_expr, b)?;
        // The collection's own marks hold for the whole result; its elements' marks travel
        // with each element.
        let mut marks = Marks::whole(cm.shallow());
        if coll == Value::Unknown {
            return Ok((Value::Unknown, marks));
        }
        let pairs = iterate_marked(&coll, &cm).map_err(|m| self.err(f.intro.collection_expr.span(), m))?;
        let mut list = Vec::new();
        let mut map: IndexMap<String, Value> = IndexMap::new();
        let mut item_marks: IndexMap<String, Marks> = IndexMap::new();
        for (k, v, vm) in pairs {
            let mut inner = b.with_marked(f.intro.value_var.as_str(), (v, vm));
            if let Some(kv) = &f.intro.key_var {
                inner = inner.with_marked(kv.as_str(), (k, Marks::whole(cm.shallow())));
            }
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner)? {
                    (Value::Unknown, m) => return Ok((Value::Unknown, marks.with(m.collapse()))),
                    (c, m) => {
                        marks.merge(m.collapse());
                        if !c
                            .as_bool()
                            .ok_or_else(|| self.err(cond.expr.span(), "for condition must be a bool"))?
                        {
                            continue;
                        }
                    }
                }
            }
            let (value, vm) = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                None => {
                    marks.merge(Marks::nest(Step::Index(list.len()), vm));
                    list.push(value);
                }
                Some(ke) => {
                    let key = match self.eval(ke, &inner)? {
                        (Value::Unknown, m) => return Ok((Value::Unknown, marks.with(m.collapse()))),
                        (k, m) => {
                            marks.merge(m.collapse());
                            k.to_plain_string()
                                .ok_or_else(|| self.err(ke.span(), "for keys must be strings"))?
                        }
                    };
                    if f.grouping {
                        let slot = map.entry(key.clone()).or_insert_with(|| Value::List(vec![]));
                        let at = match slot {
                            Value::List(items) => {
                                items.push(value);
                                items.len() - 1
                            }
                            _ => unreachable!("grouped entries are lists"),
                        };
                        item_marks
                            .entry(key)
                            .or_default()
                            .merge(Marks::nest(Step::Index(at), vm));
                    } else if map.contains_key(&key) {
                        return Err(self
                            .err(ke.span(), format!("Duplicate object key \"{key}\""))
                            .detail("Use ... after the value expression to group values by key."));
                    } else {
                        map.insert(key.clone(), value);
                        item_marks.insert(key, vm);
                    }
                }
            }
        }
        for (k, m) in item_marks {
            marks.merge(Marks::nest(Step::Key(k), m));
        }
        Ok(if f.key_expr.is_some() {
            (Value::Object(map), marks)
        } else {
            (Value::List(list), marks)
        })
    }
}

/// The step that indexes `value` with `key`: a list position or a map key.
fn step_of(value: &Value, key: &Value) -> Step {
    match (value, key.as_number()) {
        (Value::List(_), Some(n)) if n >= 0.0 && n.fract() == 0.0 => Step::Index(n as usize),
        _ => Step::Key(key.to_plain_string().unwrap_or_default()),
    }
}

/// Errors Terraform finds before evaluating (a reference to a variable, local, resource or
/// module that is not declared), which `try` and `can` therefore do not catch.
fn is_static_error(e: &Diag) -> bool {
    e.summary.starts_with("Reference to undeclared")
}

/// How a template is rendered.
#[derive(Clone, Copy)]
struct Render {
    /// Strip the whitespace at the start and end of the template (`~` markers of the directive
    /// around it); each element's own markers strip its neighbouring literals.
    trim: (bool, bool),
    /// Part of a quoted string, where `\n`, `\"`, `\uNNNN`... are escapes.
    quoted: bool,
    /// A directive's template rather than the string itself.
    nested: bool,
}

/// Decodes the backslash escapes of a quoted HCL string.
fn unescape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\\') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(u @ ('u' | 'U')) => {
                let len = if u == 'u' { 4 } else { 8 };
                let hex: String = (0..len).filter_map(|_| chars.next()).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(u);
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Key/value pairs of a collection with each element's marks (see [`iterate`]).
pub fn iterate_marked(v: &Value, marks: &Marks) -> Result<Vec<(Value, Value, Marks)>, String> {
    Ok(iterate(v)?
        .into_iter()
        .map(|(k, x)| {
            let step = match &k {
                Value::Number(n) => Step::Index(*n as usize),
                other => Step::Key(other.to_plain_string().unwrap_or_default()),
            };
            let m = if marks.is_empty() {
                Marks::none()
            } else {
                marks.get(&step)
            };
            (k, x, m)
        })
        .collect())
}

/// Key/value pairs of a collection: index/item for lists, key/value for objects (by key).
pub fn iterate(v: &Value) -> Result<Vec<(Value, Value)>, String> {
    match v {
        Value::List(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, x)| (Value::Number(i as f64), x.clone()))
            .collect()),
        Value::Object(map) => {
            // Terraform iterates maps and objects in lexical order of their keys.
            let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            Ok(pairs.into_iter().map(|(k, x)| (Value::str(k), x.clone())).collect())
        }
        Value::Null => Err("Cannot iterate over a null value".into()),
        other => Err(format!("Cannot iterate over a {}", other.type_name())),
    }
}

/// Equality as Terraform's `==`: numbers compare by value and "1" is not 1.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars(IndexMap<String, Value>);
    impl Resolver for Vars {
        fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
            if root == "var" {
                let n = names.first().ok_or_else(|| Diag::new("var needs a name"))?;
                return self
                    .0
                    .get(*n)
                    .cloned()
                    .map(|v| (v, 1))
                    .ok_or_else(|| Diag::new("undeclared").at(loc));
            }
            Err(Diag::new(format!("unknown root {root}")).at(loc))
        }
    }

    fn ev(text: &str) -> DResult<Value> {
        let file = SourceFile::new("t.tf", text.to_string());
        let ast = hcl_edit::parser::parse_expr(text).unwrap();
        let mut vars = IndexMap::new();
        vars.insert("list".to_string(), Value::List(vec![Value::str("a"), Value::str("b")]));
        vars.insert("unk".to_string(), Value::Unknown);
        vars.insert(
            "objs".to_string(),
            Value::List(vec![
                Value::object([("id", Value::str("x"))]),
                Value::object([("id", Value::str("y"))]),
            ]),
        );
        eval(&Expr::new(ast, &file), &Vars(vars), &Bindings::default())
    }

    #[test]
    fn arithmetic_and_conditionals() {
        assert_eq!(ev("1 + 2 * 3").unwrap(), Value::Number(7.0));
        assert_eq!(ev("true ? \"y\" : \"n\"").unwrap(), Value::str("y"));
        assert_eq!(ev("!(1 < 2) || 3 >= 3").unwrap(), Value::Bool(true));
    }

    #[test]
    fn templates_and_references() {
        assert_eq!(ev("\"x-${var.list[1]}\"").unwrap(), Value::str("x-b"));
        assert_eq!(ev("\"${var.list}\"").unwrap(), ev("var.list").unwrap());
        assert_eq!(
            ev("\"%{for s in var.list}${s}.%{endfor}\"").unwrap(),
            Value::str("a.b.")
        );
    }

    #[test]
    fn unknown_propagates() {
        assert_eq!(ev("\"id-${var.unk}\"").unwrap(), Value::Unknown);
        assert_eq!(ev("var.unk.id").unwrap(), Value::Unknown);
        assert_eq!(ev("var.unk == 1").unwrap(), Value::Unknown);
        assert_eq!(ev("[var.unk]").unwrap(), Value::List(vec![Value::Unknown]));
    }

    #[test]
    fn splat_and_for_expressions() {
        assert_eq!(
            ev("var.objs[*].id").unwrap(),
            Value::List(vec![Value::str("x"), Value::str("y")])
        );
        assert_eq!(
            ev("var.objs.*.id").unwrap(),
            Value::List(vec![Value::str("x"), Value::str("y")])
        );
        assert_eq!(
            ev("{ for i, s in var.list : s => i if s != \"b\" }").unwrap(),
            Value::object([("a", Value::Number(0.0))])
        );
        assert_eq!(
            ev("{ for s in [\"a\",\"b\",\"a\"] : s => s... }").unwrap().get("a"),
            &Value::List(vec![Value::str("a"), Value::str("a")])
        );
    }

    #[test]
    fn errors_carry_locations() {
        let e = ev("var.list[5]").unwrap_err();
        assert!(e.location.unwrap().starts_with("t.tf:1:"));
        let e = ev("var.nope").unwrap_err();
        assert_eq!(e.summary, "undeclared");
    }

    #[test]
    fn try_and_can() {
        assert_eq!(ev("try(var.list[9], \"fallback\")").unwrap(), Value::str("fallback"));
        assert_eq!(ev("can(var.list[9])").unwrap(), Value::Bool(false));
        // A result that is not wholly known could still fail once known: unknown, as Terraform.
        assert_eq!(ev("try([var.unk], \"fallback\")").unwrap(), Value::Unknown);
        assert_eq!(ev("can({ a = var.unk })").unwrap(), Value::Unknown);
        assert!(ev("try(var.list[8], var.list[9])").is_err());
    }

    #[test]
    fn function_namespaces() {
        assert_eq!(ev("core::upper(\"a\")").unwrap(), Value::str("A"));
        let e = ev("provider::aws::arn_parse(\"arn:aws:iam::1:role/x\")").unwrap_err();
        assert_eq!(
            e.summary,
            "provider functions are not supported: provider::aws::arn_parse"
        );
        assert!(e.location.unwrap().starts_with("t.tf:1:"));
        assert!(ev("other::upper(\"a\")").is_err());
    }

    #[test]
    fn templatestring_refuses_a_literal_template() {
        let e = ev("templatestring(\"x\", {})").unwrap_err();
        assert!(e
            .detail
            .unwrap()
            .contains("templatestring is only for rendering templates"));
    }

    #[test]
    fn template_strip_markers_remove_adjacent_whitespace() {
        assert_eq!(
            ev("\"%{ for s in var.list ~}\n  ${s}\n%{~ endfor ~}\n!\"").unwrap(),
            Value::str("ab!")
        );
        assert_eq!(ev("\"a \n ${~ \"b\" ~} \n c\"").unwrap(), Value::str("abc"));
        assert_eq!(
            ev("\"%{ if true ~}  yes  %{~ else ~} no %{~ endif }\"").unwrap(),
            Value::str("yes")
        );
    }

    #[test]
    fn maps_are_iterated_in_key_order() {
        assert_eq!(
            ev("[for k, v in { b = 1, a = 2 } : k]").unwrap(),
            Value::List(vec![Value::str("a"), Value::str("b")])
        );
    }
}
