//! Static reference extraction: which variables, locals, modules and resources an expression
//! mentions, found without evaluating it. The graph builder turns these into edges.

use super::source::{Expr, Loc};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;

/// Something an expression refers to, inside its own module.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reference {
    /// `var.NAME`.
    Var(String),
    /// `local.NAME`.
    Local(String),
    /// `module.NAME` or `module.NAME.OUTPUT`.
    Module(String, Option<String>),
    /// `TYPE.NAME` or `data.TYPE.NAME` (the key as in `Module::resources`).
    Resource(String),
}

/// Names that are never references to declared objects.
const BUILTIN_ROOTS: &[&str] = &["count", "each", "path", "self", "terraform"];

/// Every reference in an expression, with where it was written.
pub fn references(expr: &Expr) -> Vec<(Reference, Loc)> {
    references_with(expr, &[])
}

/// The references of an expression written where `bound` names are already in scope (the
/// iterator of an enclosing `dynamic` block), which are not references to anything declared.
pub fn references_with(expr: &Expr, bound: &[String]) -> Vec<(Reference, Loc)> {
    let mut out = Vec::new();
    walk(expr, &expr.ast, &mut bound.to_vec(), &mut |seen: Seen| {
        if let Seen::Root(root) = seen {
            if let Some(r) = reference_of(root) {
                out.push((r, root.loc.clone()));
            }
        }
    });
    out
}

/// The start of a traversal: a name not bound by a `for` expression, and the attribute names
/// that follow it (`count.index` is root `count` with `["index"]`).
#[derive(Debug, Clone)]
pub struct Root {
    /// The name (`var`, `self`, `aws_vpc`, ...).
    pub name: String,
    /// The attribute names right after it, up to the first index or splat.
    pub attrs: Vec<String>,
    /// The traversal after the name as written, up to the first splat or index that is not a
    /// literal (`.this`, `["a"]`, `.id`): what Terraform's reference strings are made of.
    pub path: Vec<String>,
    /// Where the traversal is written.
    pub loc: Loc,
}

/// Every traversal root of an expression, built-in names (`self`, `count`, `each`, `path`,
/// `terraform`) included: what rules about which names may be used somewhere (destroy-time
/// provisioners, conditions, replace_triggered_by) look at.
pub fn roots(expr: &Expr) -> Vec<Root> {
    let mut out = Vec::new();
    walk(expr, &expr.ast, &mut Vec::new(), &mut |seen: Seen| {
        if let Seen::Root(root) = seen {
            out.push(root.clone())
        }
    });
    out
}

/// Whether an expression calls a function anywhere: Terraform's JSON configuration gives a
/// constant value only for expressions that evaluate with no references and no functions.
pub fn calls_functions(expr: &Expr) -> bool {
    let mut calls = false;
    walk(expr, &expr.ast, &mut Vec::new(), &mut |seen: Seen| {
        calls |= matches!(seen, Seen::Call);
    });
    calls
}

/// What the walk reports: a traversal root, or a function call.
enum Seen<'a> {
    Root(&'a Root),
    Call,
}

fn reference_of(root: &Root) -> Option<Reference> {
    if BUILTIN_ROOTS.contains(&root.name.as_str()) {
        return None;
    }
    let names: Vec<&str> = root.attrs.iter().map(String::as_str).collect();
    Some(match (root.name.as_str(), names.as_slice()) {
        ("var", [name, ..]) => Reference::Var(name.to_string()),
        ("local", [name, ..]) => Reference::Local(name.to_string()),
        ("module", [name, rest @ ..]) => Reference::Module(name.to_string(), rest.first().map(|s| s.to_string())),
        ("data", [t, n, ..]) => Reference::Resource(format!("data.{t}.{n}")),
        ("ephemeral", [t, n, ..]) => Reference::Resource(format!("ephemeral.{t}.{n}")),
        (t, [n, ..]) => Reference::Resource(format!("{t}.{n}")),
        // A bare name (a dynamic-block iterator, or a typo) is checked when evaluated.
        _ => return None,
    })
}

type Sink<'a> = dyn FnMut(Seen) + 'a;

fn walk(file: &Expr, e: &Expression, bound: &mut Vec<String>, out: &mut Sink) {
    match e {
        Expression::Variable(v) => root_ref(file, v.as_str(), (&[], Vec::new()), e.span(), bound, out),
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                let mut names: Vec<&str> = t
                    .operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(id) => Some(id.as_str()),
                        _ => None,
                    })
                    .collect();
                // `module.NAME[KEY].OUTPUT`: an instance of a call with count/for_each, whose
                // output is still what is referred to.
                if v.as_str() == "module" && names.len() == 1 {
                    let mut after = t.operators.iter().skip(1);
                    if let (Some(index), Some(attr)) = (after.next(), after.next()) {
                        if let (
                            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_),
                            TraversalOperator::GetAttr(out),
                        ) = (index.value(), attr.value())
                        {
                            names.push(out.as_str());
                        }
                    }
                }
                let path = literal_path(&t.operators);
                root_ref(file, v.as_str(), (&names, path), t.span(), bound, out);
            } else {
                walk(file, &t.expr, bound, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(ie) = op.value() {
                    walk(file, ie, bound, out);
                }
            }
        }
        Expression::Array(items) => items.iter().for_each(|i| walk(file, i, bound, out)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(ke) = k {
                    if !matches!(ke, Expression::Variable(_)) {
                        walk(file, ke, bound, out);
                    }
                }
                walk(file, v.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => template(file, t, bound, out),
        Expression::HeredocTemplate(h) => template(file, &h.template, bound, out),
        Expression::Parenthesis(p) => walk(file, p.inner(), bound, out),
        Expression::Conditional(c) => {
            walk(file, &c.cond_expr, bound, out);
            walk(file, &c.true_expr, bound, out);
            walk(file, &c.false_expr, bound, out);
        }
        Expression::FuncCall(call) => {
            out(Seen::Call);
            call.args.iter().for_each(|a| walk(file, a, bound, out))
        }
        Expression::UnaryOp(op) => walk(file, &op.expr, bound, out),
        Expression::BinaryOp(op) => {
            walk(file, &op.lhs_expr, bound, out);
            walk(file, &op.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            walk(file, &f.intro.collection_expr, bound, out);
            let before = bound.len();
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            if let Some(k) = &f.key_expr {
                walk(file, k, bound, out);
            }
            walk(file, &f.value_expr, bound, out);
            if let Some(c) = &f.cond {
                walk(file, &c.expr, bound, out);
            }
            bound.truncate(before);
        }
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
    }
}

fn template(file: &Expr, t: &Template, bound: &mut Vec<String>, out: &mut Sink) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(file, &i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(ifd) => {
                    walk(file, &ifd.if_expr.cond_expr, bound, out);
                    template(file, &ifd.if_expr.template, bound, out);
                    if let Some(e) = &ifd.else_expr {
                        template(file, &e.template, bound, out);
                    }
                }
                Directive::For(ford) => {
                    let fe = &ford.for_expr;
                    walk(file, &fe.collection_expr, bound, out);
                    let before = bound.len();
                    bound.push(fe.value_var.as_str().to_string());
                    if let Some(k) = &fe.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    template(file, &fe.template, bound, out);
                    bound.truncate(before);
                }
            },
        }
    }
}

/// The operators of a traversal as written, up to the first that is neither an attribute nor a
/// literal index.
fn literal_path(ops: &[hcl_edit::Decorated<TraversalOperator>]) -> Vec<String> {
    let mut out = Vec::new();
    for op in ops {
        match op.value() {
            TraversalOperator::GetAttr(id) => out.push(format!(".{}", id.as_str())),
            TraversalOperator::LegacyIndex(i) => out.push(format!("[{}]", i.value())),
            TraversalOperator::Index(Expression::Number(n)) => out.push(format!("[{}]", n.value())),
            TraversalOperator::Index(Expression::String(s)) => out.push(format!(
                "[{}]",
                serde_json::to_string(s.value().as_str()).unwrap_or_default()
            )),
            _ => break,
        }
    }
    out
}

fn root_ref(
    file: &Expr,
    root: &str,
    (names, path): (&[&str], Vec<String>),
    span: Option<std::ops::Range<usize>>,
    bound: &[String],
    out: &mut Sink,
) {
    if bound.iter().any(|b| b == root) {
        return;
    }
    out(Seen::Root(&Root {
        name: root.to_string(),
        attrs: names.iter().map(|n| n.to_string()).collect(),
        path,
        loc: file.loc_of(span),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::source::SourceFile;

    fn refs(text: &str) -> Vec<Reference> {
        let f = SourceFile::new("r.tf", text.to_string());
        let e = Expr::new(hcl_edit::parser::parse_expr(text).unwrap(), &f);
        references(&e).into_iter().map(|(r, _)| r).collect()
    }

    #[test]
    fn finds_references() {
        let r = refs("concat([for s in aws_subnet.x : s.id if s.tags != var.t], [\"${local.l}-${module.m.o}\", data.aws_region.r.name, count.index])");
        assert_eq!(
            r,
            vec![
                Reference::Resource("aws_subnet.x".into()),
                Reference::Var("t".into()),
                Reference::Local("l".into()),
                Reference::Module("m".into(), Some("o".into())),
                Reference::Resource("data.aws_region.r".into()),
            ]
        );
    }

    #[test]
    fn module_instance_references_name_their_output() {
        assert_eq!(
            refs("[module.a[0].id, module.b[\"k\"].arn, module.c.out, module.d]"),
            vec![
                Reference::Module("a".into(), Some("id".into())),
                Reference::Module("b".into(), Some("arn".into())),
                Reference::Module("c".into(), Some("out".into())),
                Reference::Module("d".into(), None),
            ]
        );
    }
}
