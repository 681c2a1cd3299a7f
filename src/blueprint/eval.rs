//! Expression evaluation with Terraform's semantics, including unknown values.
//!
//! Written by hand on top of hcl-edit's syntax tree rather than using hcl-rs's evaluator because
//! that evaluator has no notion of Terraform's unknown values (needed to plan "(known after
//! apply)") and drops source spans (needed for file:line in every error).

use super::functions;
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

    /// One instance of a resource block (`aws_subnet.private[2]`), when the resolver can find it
    /// without building the whole block's value: `None` sends the evaluator down the general
    /// path (which also reports errors). Returns the value and how many of `names` it used.
    fn resolve_instance(&self, _root: &str, _names: &[&str], _index: &Value) -> Option<(Value, usize)> {
        None
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
    /// Plain names in scope (innermost last).
    pub names: Vec<(String, Value)>,
}

impl Bindings {
    /// A copy with one more name bound.
    pub fn with(&self, name: &str, value: Value) -> Bindings {
        let mut b = self.clone();
        b.names.push((name.to_string(), value));
        b
    }
}

/// Evaluates an expression.
pub fn eval(expr: &Expr, resolver: &dyn Resolver, bindings: &Bindings) -> DResult<Value> {
    Evaluator {
        file: &expr.file,
        resolver,
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

/// Evaluates a template string (for `templatefile`) with only the given names in scope.
pub fn eval_template_text(
    text: &str,
    file: &Arc<SourceFile>,
    resolver: &dyn Resolver,
    bindings: &Bindings,
) -> DResult<Value> {
    let template = hcl_edit::parser::parse_template(text).map_err(|e| {
        Diag::new(format!("Syntax error in template: {}", e.message())).at(format!(
            "{}:{}:{}",
            file.path.display(),
            e.location().line(),
            e.location().column()
        ))
    })?;
    Evaluator { file, resolver }.template(&template, bindings, true)
}

struct Evaluator<'a> {
    file: &'a Arc<SourceFile>,
    resolver: &'a dyn Resolver,
}

impl Evaluator<'_> {
    fn loc(&self, span: Option<std::ops::Range<usize>>) -> Loc {
        Loc::new(self.file, span)
    }

    fn err(&self, span: Option<std::ops::Range<usize>>, summary: impl Into<String>) -> Diag {
        Diag::new(summary).at(self.loc(span))
    }

    fn eval(&self, e: &Expression, b: &Bindings) -> DResult<Value> {
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(v) => Ok(Value::Bool(*v.value())),
            Expression::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(0.0))),
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => items
                .iter()
                .map(|i| self.eval(i, b))
                .collect::<DResult<Vec<_>>>()
                .map(Value::List),
            Expression::Object(obj) => {
                let mut map = IndexMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            // A bare name used as key is the name itself, as in Terraform.
                            if let Expression::Variable(id) = ke {
                                id.as_str().to_string()
                            } else {
                                match self.eval(ke, b)? {
                                    Value::Unknown => return Ok(Value::Unknown),
                                    kv => kv
                                        .to_plain_string()
                                        .ok_or_else(|| self.err(ke.span(), "Object keys must be strings"))?,
                                }
                            }
                        }
                    };
                    map.insert(key, self.eval(v.expr(), b)?);
                }
                Ok(Value::Object(map))
            }
            Expression::StringTemplate(t) => self.template(t, b, false),
            Expression::HeredocTemplate(h) => self.template(&h.template, b, false),
            Expression::Parenthesis(p) => self.eval(p.inner(), b),
            Expression::Variable(v) => self.traversal(e, &[], b, v.span()),
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, b, t.span()),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, b)? {
                Value::Unknown => Ok(Value::Unknown),
                v => match v.as_bool() {
                    Some(true) => self.eval(&c.true_expr, b),
                    Some(false) => self.eval(&c.false_expr, b),
                    None => Err(self.err(
                        c.cond_expr.span(),
                        format!("The condition must be a bool, not {}", v.type_name()),
                    )),
                },
            },
            Expression::FuncCall(call) => self.call(call, b),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, b)?;
                if v == Value::Unknown {
                    return Ok(Value::Unknown);
                }
                match op.operator.value() {
                    UnaryOperator::Neg => v
                        .as_number()
                        .map(|n| Value::Number(-n))
                        .ok_or_else(|| self.err(op.expr.span(), "Unary minus needs a number")),
                    UnaryOperator::Not => v
                        .as_bool()
                        .map(|x| Value::Bool(!x))
                        .ok_or_else(|| self.err(op.expr.span(), "! needs a bool")),
                }
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
    ) -> DResult<Value> {
        let (start, rest) = match root {
            Expression::Variable(v) => {
                let name = v.as_str();
                let names: Vec<&str> = ops
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(id) => Some(id.as_str()),
                        _ => None,
                    })
                    .collect();
                if let Some((_, val)) = b.names.iter().rev().find(|(n, _)| n == name) {
                    (val.clone(), ops)
                } else if name == "count" {
                    let idx = b.count_index.clone().ok_or_else(|| {
                        self.err(span.clone(), "count.index is only available in a resource with count")
                    })?;
                    if names.first() != Some(&"index") {
                        return Err(self.err(span, "The only attribute of count is index"));
                    }
                    (idx, &ops[1..])
                } else if name == "each" {
                    let (k, v) = b.each.clone().ok_or_else(|| {
                        self.err(span.clone(), "each.key and each.value are only available with for_each")
                    })?;
                    match names.first() {
                        Some(&"key") => (k, &ops[1..]),
                        Some(&"value") => (v, &ops[1..]),
                        _ => return Err(self.err(span, "each has only key and value")),
                    }
                } else if let Some((val, used)) = self.instance_shortcut(name, &names, ops, b) {
                    (val, &ops[used + 1..])
                } else {
                    let (val, used) = self.resolver.resolve(name, &names, &self.loc(span.clone()))?;
                    (val, &ops[used..])
                }
            }
            other => (self.eval(other, b)?, ops),
        };
        self.apply_ops(start, rest, b, span)
    }

    /// `block.name[index]` read as one instance, so that each of ten thousand references to a
    /// counted block does not copy all of its instances first.
    fn instance_shortcut(
        &self,
        root: &str,
        names: &[&str],
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        b: &Bindings,
    ) -> Option<(Value, usize)> {
        let index_op = ops.get(names.len())?;
        let index = match index_op.value() {
            TraversalOperator::LegacyIndex(n) => Value::Number(*n.value() as f64),
            TraversalOperator::Index(ie) => self.eval(ie, b).ok()?,
            _ => return None,
        };
        let (value, used) = self.resolver.resolve_instance(root, names, &index)?;
        (used == names.len()).then_some((value, used))
    }

    fn apply_ops(
        &self,
        mut value: Value,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        b: &Bindings,
        span: Option<std::ops::Range<usize>>,
    ) -> DResult<Value> {
        for (i, op) in ops.iter().enumerate() {
            match op.value() {
                TraversalOperator::GetAttr(id) => value = self.get_attr(value, id.as_str(), span.clone())?,
                TraversalOperator::LegacyIndex(n) => {
                    value = self.index(value, Value::Number(*n.value() as f64), span.clone())?
                }
                TraversalOperator::Index(ie) => {
                    let key = self.eval(ie, b)?;
                    value = self.index(value, key, ie.span())?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op.value(), TraversalOperator::FullSplat(_));
                    let rest = &ops[i + 1..];
                    let per_item_len = if full {
                        rest.len()
                    } else {
                        rest.iter()
                            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .count()
                    };
                    let items = match value {
                        Value::Unknown => return Ok(Value::Unknown),
                        Value::Null => vec![],
                        Value::List(items) => items,
                        other => vec![other],
                    };
                    let mapped = items
                        .into_iter()
                        .map(|item| self.apply_ops(item, &rest[..per_item_len], b, span.clone()))
                        .collect::<DResult<Vec<_>>>()?;
                    return self.apply_ops(Value::List(mapped), &rest[per_item_len..], b, span);
                }
            }
        }
        Ok(value)
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

    fn template(&self, t: &Template, b: &Bindings, force_string: bool) -> DResult<Value> {
        let elements: Vec<&Element> = t.iter().collect();
        if !force_string {
            if let [Element::Interpolation(i)] = elements.as_slice() {
                return self.eval(&i.expr, b);
            }
        }
        let mut out = String::new();
        for el in elements {
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => match self.eval(&i.expr, b)? {
                    Value::Unknown => return Ok(Value::Unknown),
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
                },
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let c = self.eval(&ifd.if_expr.cond_expr, b)?;
                        if c == Value::Unknown {
                            return Ok(Value::Unknown);
                        }
                        let branch = if c.as_bool().unwrap_or(false) {
                            Some(&ifd.if_expr.template)
                        } else {
                            ifd.else_expr.as_ref().map(|e| &e.template)
                        };
                        if let Some(t) = branch {
                            match self.template(t, b, true)? {
                                Value::String(s) => out.push_str(&s),
                                _ => return Ok(Value::Unknown),
                            }
                        }
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        let coll = self.eval(&fe.collection_expr, b)?;
                        if coll == Value::Unknown {
                            return Ok(Value::Unknown);
                        }
                        for (k, v) in iterate(&coll).map_err(|m| self.err(fe.collection_expr.span(), m))? {
                            let mut inner = b.with(fe.value_var.as_str(), v);
                            if let Some(kv) = &fe.key_var {
                                inner = inner.with(kv.as_str(), k);
                            }
                            match self.template(&fe.template, &inner, true)? {
                                Value::String(s) => out.push_str(&s),
                                _ => return Ok(Value::Unknown),
                            }
                        }
                    }
                },
            }
        }
        Ok(Value::String(out))
    }

    fn call(&self, call: &hcl_edit::expr::FuncCall, b: &Bindings) -> DResult<Value> {
        let name = call.name.name.as_str();
        let span = call.span();
        let loc = self.loc(span.clone());
        // try and can look at failures, so their arguments are evaluated here, lazily.
        if name == "try" {
            let mut last = None;
            for arg in call.args.iter() {
                match self.eval(arg, b) {
                    Ok(Value::Unknown) => return Ok(Value::Unknown),
                    Ok(v) => return Ok(v),
                    Err(e) => last = Some(e),
                }
            }
            return Err(last
                .unwrap_or_else(|| self.err(span, "try needs at least one argument"))
                .detail("No expression given to try could be evaluated without an error."));
        }
        if name == "can" {
            let arg = call
                .args
                .iter()
                .next()
                .ok_or_else(|| self.err(span, "can needs one argument"))?;
            return Ok(match self.eval(arg, b) {
                Ok(Value::Unknown) => Value::Unknown,
                Ok(_) => Value::Bool(true),
                Err(_) => Value::Bool(false),
            });
        }
        let mut args = call.args.iter().map(|a| self.eval(a, b)).collect::<DResult<Vec<_>>>()?;
        if call.args.expand_final() {
            match args.pop() {
                Some(Value::List(items)) => args.extend(items),
                Some(Value::Unknown) => return Ok(Value::Unknown),
                _ => return Err(self.err(span, "The final argument before ... must be a list")),
            }
        }
        if name == "templatefile" {
            return self.templatefile(&args, &loc);
        }
        functions::call(name, args, &loc)
    }

    fn templatefile(&self, args: &[Value], loc: &Loc) -> DResult<Value> {
        let (Some(path), vars) = (args.first().and_then(Value::as_str), args.get(1)) else {
            return Err(Diag::new("templatefile needs a path and a map of variables").at(loc));
        };
        if vars.is_some_and(Value::has_unknown) {
            return Ok(Value::Unknown);
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diag::new(format!("Cannot read template file {path}"))
                .detail(e.to_string())
                .at(loc)
        })?;
        let file = SourceFile::new(path, text);
        let mut bindings = Bindings::default();
        if let Some(Value::Object(map)) = vars {
            for (k, v) in map {
                bindings.names.push((k.clone(), v.clone()));
            }
        }
        struct NoRefs;
        impl Resolver for NoRefs {
            fn resolve(&self, root: &str, _: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
                Err(Diag::new(format!("Unknown variable \"{root}\" in template")).at(loc))
            }
        }
        eval_template_text(&file.text, &file, &NoRefs, &bindings)
    }

    fn binary(&self, op: &hcl_edit::expr::BinaryOp, b: &Bindings) -> DResult<Value> {
        use BinaryOperator::*;
        let operator = *op.operator.value();
        let l = self.eval(&op.lhs_expr, b)?;
        // && and || short-circuit on a known left side, as Terraform does.
        if let (And | Or, Some(lb)) = (operator, l.as_bool()) {
            if (operator == And && !lb) || (operator == Or && lb) {
                return Ok(Value::Bool(lb));
            }
        }
        let r = self.eval(&op.rhs_expr, b)?;
        if matches!(operator, Eq | NotEq) {
            if l.has_unknown() || r.has_unknown() {
                return Ok(Value::Unknown);
            }
            let eq = values_equal(&l, &r);
            return Ok(Value::Bool(if operator == Eq { eq } else { !eq }));
        }
        if l == Value::Unknown || r == Value::Unknown {
            return Ok(Value::Unknown);
        }
        let span = op.span();
        if matches!(operator, And | Or) {
            let (Some(a), Some(c)) = (l.as_bool(), r.as_bool()) else {
                return Err(self.err(span, "&& and || need bool operands"));
            };
            return Ok(Value::Bool(if operator == And { a && c } else { a || c }));
        }
        let (Some(a), Some(c)) = (l.as_number(), r.as_number()) else {
            return Err(self
                .err(span, "Arithmetic and comparison need number operands")
                .detail(format!("Got {} and {}.", l.type_name(), r.type_name())));
        };
        Ok(match operator {
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
        })
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, b: &Bindings) -> DResult<Value> {
        let coll = self.eval(&f.intro.collection_expr, b)?;
        if coll == Value::Unknown {
            return Ok(Value::Unknown);
        }
        let pairs = iterate(&coll).map_err(|m| self.err(f.intro.collection_expr.span(), m))?;
        let mut list = Vec::new();
        let mut map: IndexMap<String, Value> = IndexMap::new();
        for (k, v) in pairs {
            let mut inner = b.with(f.intro.value_var.as_str(), v);
            if let Some(kv) = &f.intro.key_var {
                inner = inner.with(kv.as_str(), k);
            }
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner)? {
                    Value::Unknown => return Ok(Value::Unknown),
                    c => {
                        if !c
                            .as_bool()
                            .ok_or_else(|| self.err(cond.expr.span(), "for condition must be a bool"))?
                        {
                            continue;
                        }
                    }
                }
            }
            let value = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = match self.eval(ke, &inner)? {
                        Value::Unknown => return Ok(Value::Unknown),
                        k => k
                            .to_plain_string()
                            .ok_or_else(|| self.err(ke.span(), "for keys must be strings"))?,
                    };
                    if f.grouping {
                        match map.entry(key).or_insert_with(|| Value::List(vec![])) {
                            Value::List(items) => items.push(value),
                            _ => unreachable!("grouped entries are lists"),
                        }
                    } else if map.contains_key(&key) {
                        return Err(self
                            .err(ke.span(), format!("Duplicate object key \"{key}\""))
                            .detail("Use ... after the value expression to group values by key."));
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        Ok(if f.key_expr.is_some() {
            Value::Object(map)
        } else {
            Value::List(list)
        })
    }
}

/// Key/value pairs of a collection: index/item for lists, key/value for objects.
pub fn iterate(v: &Value) -> Result<Vec<(Value, Value)>, String> {
    match v {
        Value::List(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, x)| (Value::Number(i as f64), x.clone()))
            .collect()),
        Value::Object(map) => Ok(map.iter().map(|(k, x)| (Value::str(k), x.clone())).collect()),
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
    }
}
