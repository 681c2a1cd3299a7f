//! `*.tf.json` files: Terraform's JSON configuration syntax, read by translating each file into
//! the equivalent native syntax with a source map back to the JSON.
//!
//! Why translate rather than build the configuration model directly: the rest of the blueprint
//! (evaluation, reference extraction, the graph, `ignore_changes`, `dynamic` iterators) works on
//! hcl-edit expressions and reads some of them back as source text. Translating the JSON into
//! native text and parsing that with the one native parser yields exactly the expressions a
//! `.tf` file with the same meaning produces, and the source map
//! ([`SourceBuilder`](super::source::SourceBuilder)) keeps every location pointing at the JSON
//! property the user wrote.
//!
//! The mapping follows Terraform's "JSON Configuration Syntax" and HCL's JSON specification:
//! - A JSON string where an expression is expected is a string template (`"${var.x}"`,
//!   `%{ if }` directives; a lone interpolation keeps its value's type); numbers, bools and null
//!   are literals; objects and arrays map recursively, object keys being templates too.
//! - Some arguments take a string holding an expression instead (`depends_on` items, a
//!   variable's `type`, `provider`, `ignore_changes`, `replace_triggered_by`, `moved`/`import`
//!   `from`/`to`, module `providers`, a dynamic block's `iterator`), and some take literal
//!   values where `${` means nothing (a variable's `default` and `description`, module `source`
//!   and `version`, provider `alias`, everything in `terraform` blocks).
//! - Block labels are levels of nested objects (or arrays of objects); after the labels, an
//!   object is one block and an array of objects several. `"//"` properties of block bodies are
//!   comments.
//! - Whether a property of a resource body is a nested block or an attribute holding an object
//!   depends on the resource type's schema. The loader is given a schema lookup
//!   ([`BlockSchemas`]) and decides here, while translating, rather than later in `eval_body`:
//!   the graph builder, reference extraction and `dynamic` iterator scoping all read bodies
//!   before any schema is at hand, and they must see blocks as blocks. A type the lookup does not
//!   know (an unsupported type, rejected later anyway) gets its object properties as attributes.
//!
//! JSON is read with `jsonc-parser` in its strict mode: it keeps byte ranges for every value and
//! property (for file:line), keeps duplicate property names in order (the HCL JSON spec requires
//! both), and has no dependencies.

use super::config::Mode;
use super::source::{Loc, SourceBuilder, SourceFile};
use crate::diag::{DResult, Diag};
use crate::schema::Schema;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use jsonc_parser::ast::{Object, ObjectProp, ObjectPropName, Value as Json};
use std::ops::Range;
use std::sync::Arc;

/// The schemas the loader needs to tell nested blocks from attributes in JSON bodies.
pub trait BlockSchemas {
    /// The schema of a resource (managed) or data source type, if known.
    fn resource(&self, mode: Mode, type_name: &str) -> Option<&Schema>;
    /// The schema of a provider's configuration block, if known.
    fn provider(&self, name: &str) -> Option<&Schema>;
}

/// No schemas: every object-valued property of a JSON resource body is an attribute. Enough for
/// native-syntax blueprints and for tests that use no nested blocks in JSON.
pub struct NoSchemas;

impl BlockSchemas for NoSchemas {
    fn resource(&self, _: Mode, _: &str) -> Option<&Schema> {
        None
    }
    fn provider(&self, _: &str) -> Option<&Schema> {
        None
    }
}

/// Whether a file name is a JSON configuration file.
pub fn is_json_config(name: &str) -> bool {
    name.ends_with(".tf.json")
}

/// Plain JSON (RFC 8259): none of jsonc-parser's leniencies.
const STRICT: jsonc_parser::ParseOptions = jsonc_parser::ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Translates a `*.tf.json` file into a native-syntax file whose locations map back to it.
pub fn translate(json: &Arc<SourceFile>, schemas: &dyn BlockSchemas) -> DResult<Arc<SourceFile>> {
    let parsed = jsonc_parser::parse_to_ast(&json.text, &Default::default(), &STRICT).map_err(|e| {
        let r = e.range();
        Diag::new(format!("Syntax error in JSON: {}", e.kind())).at(Loc::new(json, Some(r.start..r.end)))
    })?;
    let Some(root) = parsed.value else {
        return Err(Diag::new("Empty JSON configuration file")
            .detail("A .tf.json file holds one JSON object whose properties are top-level blocks.")
            .at(Loc::new(json, Some(0..0))));
    };
    let mut g = Gen {
        src: json,
        out: SourceBuilder::new(),
        schemas,
    };
    for prop in g.deep_props(&root, None)? {
        let (name, name_range) = prop_name(prop);
        if name == "//" {
            continue;
        }
        let Some((kind, labels)) = top_level(name) else {
            return Err(Diag::new(format!("Unsupported block type \"{name}\""))
                .detail("Blocks allowed at top level: resource, data, variable, locals, output, module, provider, terraform, moved, import, removed, check.")
                .at(g.loc(name_range)));
        };
        g.blocks(name, name_range, &prop.value, kind, labels, &mut Vec::new())?;
    }
    Ok(g.out.finish(json.path.clone()))
}

/// How a JSON string is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Str {
    /// A string template (the general case).
    Template,
    /// A literal string: `${` is just text.
    Literal,
    /// A native expression (a reference, a keyword, a type).
    Expr,
}

/// What a JSON object being read as a block body is the body of; it decides how each property is
/// read.
#[derive(Debug, Clone, Copy)]
enum Kind<'s> {
    /// `resource`/`data` before its type label is known.
    Resource(Mode),
    /// A resource or data body with its type's schema.
    ResourceBody(Option<&'s Schema>),
    /// A nested block of a resource or provider, with its schema.
    Nested(Option<&'s Schema>),
    /// A `dynamic` block in a body of this schema, before its label is known.
    Dynamic(Option<&'s Schema>),
    /// A `dynamic` block's own body, with the schema of the block type it generates.
    DynamicSpec(Option<&'s Schema>),
    Lifecycle,
    /// `validation`, `precondition`, `postcondition`, `assert`.
    Condition,
    Provisioner,
    Connection,
    Variable,
    Output,
    Module,
    /// `provider` before its name label is known.
    Provider,
    ProviderBody(Option<&'s Schema>),
    Locals,
    Terraform,
    Cloud,
    /// Bodies whose values are all literal (backend settings, `required_providers`).
    Literal,
    Moved,
    Import,
    Removed,
    Check,
}

/// How one property of a body is read.
enum Prop<'s> {
    /// An attribute whose strings are read this way.
    Attr(Str),
    /// An attribute holding an array of strings that are expressions.
    ExprList,
    /// `ignore_changes`: `"all"` or an array of expression strings.
    IgnoreChanges,
    /// A module's `providers`: an object whose keys and values are expression strings.
    ProviderMap,
    /// Nested blocks of this kind with this many labels.
    Block(Kind<'s>, usize),
}

fn top_level(name: &str) -> Option<(Kind<'static>, usize)> {
    Some(match name {
        "resource" => (Kind::Resource(Mode::Managed), 2),
        "data" => (Kind::Resource(Mode::Data), 2),
        "ephemeral" => (Kind::Resource(Mode::Ephemeral), 2),
        "variable" => (Kind::Variable, 1),
        "output" => (Kind::Output, 1),
        "module" => (Kind::Module, 1),
        "provider" => (Kind::Provider, 1),
        "locals" => (Kind::Locals, 0),
        "terraform" => (Kind::Terraform, 0),
        "moved" => (Kind::Moved, 0),
        "import" => (Kind::Import, 0),
        "removed" => (Kind::Removed, 0),
        "check" => (Kind::Check, 1),
        _ => return None,
    })
}

fn classify<'s>(kind: Kind<'s>, name: &str) -> Prop<'s> {
    use Kind as K;
    use Prop::{Attr, Block, ExprList};
    let by_schema = |s: Option<&'s Schema>| match s.and_then(|s| s.blocks.get(name)) {
        Some(b) => Block(K::Nested(Some(&b.schema)), 0),
        None => Attr(Str::Template),
    };
    match (kind, name) {
        (K::ResourceBody(_), "count" | "for_each") => Attr(Str::Template),
        (K::ResourceBody(_), "provider") => Attr(Str::Expr),
        (K::ResourceBody(_) | K::Output | K::Module, "depends_on") => ExprList,
        (K::ResourceBody(_) | K::Removed, "lifecycle") => Block(K::Lifecycle, 0),
        (K::ResourceBody(_) | K::Removed, "provisioner") => Block(K::Provisioner, 1),
        (K::ResourceBody(_) | K::Removed | K::Provisioner, "connection") => Block(K::Connection, 0),
        (K::ResourceBody(s) | K::Nested(s) | K::ProviderBody(s), "dynamic") => Block(K::Dynamic(s), 1),
        (K::ResourceBody(s) | K::Nested(s), _) => by_schema(s),
        (K::ProviderBody(_), "alias" | "version") => Attr(Str::Literal),
        (K::ProviderBody(s), _) => by_schema(s),
        (K::DynamicSpec(_), "iterator") => Attr(Str::Expr),
        (K::DynamicSpec(s), "content") => Block(K::Nested(s), 0),
        (K::Lifecycle, "ignore_changes") => Prop::IgnoreChanges,
        // Terraform reads these without an evaluation context: literals only.
        (K::Lifecycle, "create_before_destroy" | "prevent_destroy") => Attr(Str::Literal),
        (K::Lifecycle, "replace_triggered_by") => ExprList,
        (K::Lifecycle | K::Output, "precondition" | "postcondition") => Block(K::Condition, 0),
        (K::Provisioner, "when" | "on_failure") => Attr(Str::Expr),
        (K::Connection, "type") => Attr(Str::Literal),
        (K::Variable, "type") => Attr(Str::Expr),
        (K::Variable, "default" | "description" | "sensitive" | "nullable" | "ephemeral") => Attr(Str::Literal),
        (K::Variable, "validation") => Block(K::Condition, 0),
        (K::Output, "description" | "sensitive" | "ephemeral") => Attr(Str::Literal),
        (K::Module, "source" | "version") => Attr(Str::Literal),
        (K::Module, "providers") => Prop::ProviderMap,
        (K::Terraform, "backend" | "provider_meta") => Block(K::Literal, 1),
        (K::Terraform, "cloud") => Block(K::Cloud, 0),
        (K::Terraform, "required_providers") => Block(K::Literal, 0),
        (K::Terraform, "experiments") => ExprList,
        (K::Cloud, "workspaces") => Block(K::Literal, 0),
        (K::Terraform | K::Cloud | K::Literal, _) => Attr(Str::Literal),
        (K::Moved, "from" | "to") | (K::Import, "to" | "provider") | (K::Removed, "from") => Attr(Str::Expr),
        (K::Check, "data") => Block(K::Resource(Mode::Data), 2),
        (K::Check, "assert") => Block(K::Condition, 0),
        _ => Attr(Str::Template),
    }
}

fn prop_name<'p>(p: &'p ObjectProp) -> (&'p str, Range<usize>) {
    match &p.name {
        ObjectPropName::String(s) => (&s.value, s.range.start..s.range.end),
        ObjectPropName::Word(w) => (w.value, w.range.start..w.range.end),
    }
}

fn range(v: &Json) -> Range<usize> {
    let r = match v {
        Json::StringLit(x) => x.range,
        Json::NumberLit(x) => x.range,
        Json::BooleanLit(x) => x.range,
        Json::Object(x) => x.range,
        Json::Array(x) => x.range,
        Json::NullKeyword(x) => x.range,
    };
    r.start..r.end
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::StringLit(_) => "string",
        Json::NumberLit(_) => "number",
        Json::BooleanLit(_) => "bool",
        Json::Object(_) => "object",
        Json::Array(_) => "array",
        Json::NullKeyword(_) => "null",
    }
}

/// An HCL identifier: what attribute and block type names must be in native syntax.
fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Escapes text for a native quoted string; `literal` also escapes template introducers.
fn escape(s: &str, literal: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if literal && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The spans of a template's literal text, nested directives included.
fn literal_spans(t: &Template, out: &mut Vec<Range<usize>>) {
    for el in t.iter() {
        match el {
            Element::Literal(l) => out.extend(l.span()),
            Element::Interpolation(_) => {}
            Element::Directive(d) => match d.as_ref() {
                Directive::If(ifd) => {
                    literal_spans(&ifd.if_expr.template, out);
                    if let Some(e) = &ifd.else_expr {
                        literal_spans(&e.template, out);
                    }
                }
                Directive::For(ford) => literal_spans(&ford.for_expr.template, out),
            },
        }
    }
}

/// The translation of one file in progress.
struct Gen<'a> {
    src: &'a Arc<SourceFile>,
    out: SourceBuilder,
    schemas: &'a dyn BlockSchemas,
}

impl<'a> Gen<'a> {
    fn loc(&self, r: Range<usize>) -> Loc {
        Loc::new(self.src, Some(r))
    }

    fn emit(&mut self, text: &str, at: Range<usize>) {
        self.out.push(text, self.src, at);
    }

    fn wrong_type(&self, v: &Json, detail: String) -> Diag {
        Diag::new("Incorrect JSON value type")
            .detail(detail)
            .at(self.loc(range(v)))
    }

    /// The properties of an object, or of every object of an array, in order (HCL's reading of
    /// bodies and label levels). `label` names the label level, for messages.
    fn deep_props<'j>(&self, v: &'j Json<'j>, label: Option<&str>) -> DResult<Vec<&'j ObjectProp<'j>>> {
        let need = |what: &str| match label {
            Some(l) => format!("{what} is required here, to specify the {l} block's labels."),
            None => format!("{what} is required here, to define arguments and child blocks."),
        };
        match v {
            Json::NullKeyword(_) => Ok(Vec::new()),
            Json::Object(o) => Ok(o.properties.iter().collect()),
            Json::Array(a) => {
                let mut out = Vec::new();
                for e in &a.elements {
                    match e {
                        Json::Object(o) => out.extend(o.properties.iter()),
                        other => return Err(self.wrong_type(other, need("A JSON object"))),
                    }
                }
                Ok(out)
            }
            other => Err(self.wrong_type(other, need("Either a JSON object or a JSON array of objects"))),
        }
    }

    /// The blocks a property named after a block type defines: `labels_left` levels of label
    /// objects, then one body object or an array of them.
    fn blocks(
        &mut self,
        name: &str,
        name_range: Range<usize>,
        v: &Json,
        kind: Kind<'a>,
        labels_left: usize,
        labels: &mut Vec<(String, Range<usize>)>,
    ) -> DResult<()> {
        if labels_left > 0 {
            let props = self.deep_props(v, Some(name))?;
            if props.is_empty() {
                return Err(Diag::new("Missing block label")
                    .detail(format!(
                        "At least one object property is required, whose name is a label of the {name} block."
                    ))
                    .at(self.loc(range(v))));
            }
            for p in props {
                let (label, label_range) = prop_name(p);
                labels.push((label.to_string(), label_range));
                self.blocks(name, name_range.clone(), &p.value, kind, labels_left - 1, labels)?;
                labels.pop();
            }
            return Ok(());
        }
        match v {
            Json::NullKeyword(_) => Ok(()),
            Json::Object(o) => self.block(name, name_range, o, kind, labels),
            Json::Array(a) => {
                for e in &a.elements {
                    match e {
                        Json::Object(o) => self.block(name, name_range.clone(), o, kind, labels)?,
                        other => {
                            return Err(self.wrong_type(
                                other,
                                "A JSON object is required here, to define arguments and child blocks.".into(),
                            ))
                        }
                    }
                }
                Ok(())
            }
            other => Err(self.wrong_type(
                other,
                format!(
                    "Either a JSON object or a JSON array is required, representing the contents of one or more \"{name}\" blocks."
                ),
            )),
        }
    }

    /// One block: its header (located at its innermost label, or its type), then its body.
    fn block(
        &mut self,
        name: &str,
        name_range: Range<usize>,
        body: &Object,
        kind: Kind<'a>,
        labels: &[(String, Range<usize>)],
    ) -> DResult<()> {
        if !is_ident(name) {
            return Err(Diag::new(format!("Invalid block type name \"{name}\"")).at(self.loc(name_range)));
        }
        let head = labels.last().map_or(name_range, |(_, r)| r.clone());
        self.emit(name, head.clone());
        for (label, r) in labels {
            self.emit(&format!(" \"{}\"", escape(label, false)), r.clone());
        }
        let open = body.range.start..body.range.start + 1;
        self.emit(" {\n", open);
        let label = |i: usize| labels.get(i).map(|(l, _)| l.as_str()).unwrap_or_default();
        let kind = match kind {
            Kind::Resource(mode) => Kind::ResourceBody(self.schemas.resource(mode, label(0))),
            Kind::Provider => Kind::ProviderBody(self.schemas.provider(label(0))),
            Kind::Dynamic(parent) => Kind::DynamicSpec(parent.and_then(|s| s.blocks.get(label(0))).map(|b| &b.schema)),
            other => other,
        };
        self.body(body, kind)?;
        self.emit("}\n", body.range.end.saturating_sub(1)..body.range.end);
        Ok(())
    }

    fn body(&mut self, obj: &Object, kind: Kind<'a>) -> DResult<()> {
        for p in &obj.properties {
            let (name, name_range) = prop_name(p);
            if name == "//" {
                continue;
            }
            let prop = classify(kind, name);
            if let Prop::Block(k, labels) = prop {
                self.blocks(name, name_range, &p.value, k, labels, &mut Vec::new())?;
                continue;
            }
            if !is_ident(name) {
                return Err(Diag::new(format!("Invalid argument name \"{name}\""))
                    .detail("Argument names must start with a letter or underscore and hold only letters, digits, underscores and dashes.")
                    .at(self.loc(name_range)));
            }
            self.emit(name, name_range.clone());
            self.emit(" = ", name_range);
            match prop {
                Prop::Attr(mode) => self.value(&p.value, mode)?,
                Prop::ExprList => self.expr_list(name, &p.value)?,
                Prop::IgnoreChanges => match &p.value {
                    Json::StringLit(_) => self.value(&p.value, Str::Expr)?,
                    other => self.expr_list(name, other)?,
                },
                Prop::ProviderMap => self.provider_map(&p.value)?,
                Prop::Block(..) => unreachable!("handled above"),
            }
            let end = range(&p.value).end;
            self.emit("\n", end..end);
        }
        Ok(())
    }

    /// A JSON value as an expression.
    fn value(&mut self, v: &Json, mode: Str) -> DResult<()> {
        let r = range(v);
        match v {
            Json::StringLit(s) => match mode {
                Str::Template => self.template(&s.value, r)?,
                Str::Literal => self.emit(&format!("\"{}\"", escape(&s.value, true)), r),
                Str::Expr => self.expr(&s.value, r)?,
            },
            _ if mode == Str::Expr => {
                return Err(self.wrong_type(
                    v,
                    format!(
                        "A JSON string holding an expression is required here, not a JSON {}.",
                        type_name(v)
                    ),
                ))
            }
            Json::NumberLit(n) => self.emit(n.value, r),
            Json::BooleanLit(b) => self.emit(if b.value { "true" } else { "false" }, r),
            Json::NullKeyword(_) => self.emit("null", r),
            Json::Array(a) => {
                self.emit("[", r.start..r.start + 1);
                for e in &a.elements {
                    let er = range(e);
                    self.emit("\n", er.clone());
                    self.value(e, mode)?;
                    self.emit(",", er.end..er.end);
                }
                self.emit("\n]", r.end.saturating_sub(1)..r.end);
            }
            Json::Object(o) => {
                self.emit("{", r.start..r.start + 1);
                for p in &o.properties {
                    let (key, key_range) = prop_name(p);
                    self.emit("\n", key_range.clone());
                    match mode {
                        Str::Literal => self.emit(&format!("\"{}\"", escape(key, true)), key_range.clone()),
                        _ => self.template(key, key_range.clone())?,
                    }
                    self.emit(" = ", key_range);
                    self.value(&p.value, mode)?;
                }
                self.emit("\n}", r.end.saturating_sub(1)..r.end);
            }
        }
        Ok(())
    }

    /// A JSON string read as a template, written as a native quoted template: its literal text
    /// escaped, its interpolations and directives as written.
    fn template(&mut self, s: &str, r: Range<usize>) -> DResult<()> {
        let t = hcl_edit::parser::parse_template(s).map_err(|e| {
            Diag::new("Invalid template in JSON string")
                .detail(format!("{} (in \"{}\")", e.message(), s))
                .at(self.loc(r.clone()))
        })?;
        let mut literals = Vec::new();
        literal_spans(&t, &mut literals);
        literals.sort_by_key(|l| l.start);
        // Without escapes the JSON text between the quotes is the template itself, so offsets
        // map one to one; otherwise a piece stands for the whole string.
        let exact = self.src.text.get(r.start + 1..r.end.saturating_sub(1)) == Some(s);
        let at = |a: usize, b: usize| {
            if exact {
                r.start + 1 + a..r.start + 1 + b
            } else {
                r.clone()
            }
        };
        self.emit("\"", r.start..r.start + 1);
        let mut pos = 0;
        for lit in literals {
            if lit.start > pos {
                self.emit(&s[pos..lit.start], at(pos, lit.start));
            }
            self.emit(&escape(&s[lit.clone()], false), at(lit.start, lit.end));
            pos = lit.end;
        }
        if pos < s.len() {
            self.emit(&s[pos..], at(pos, s.len()));
        }
        self.emit("\"", r.end.saturating_sub(1)..r.end);
        Ok(())
    }

    /// A JSON string holding a native expression, written as it is once it parses alone (so it
    /// cannot spill into the text around it).
    fn expr(&mut self, s: &str, r: Range<usize>) -> DResult<()> {
        hcl_edit::parser::parse_expr(s).map_err(|e| {
            Diag::new("Invalid expression in JSON string")
                .detail(format!("{} (in \"{}\")", e.message(), s))
                .at(self.loc(r.clone()))
        })?;
        let exact = self.src.text.get(r.start + 1..r.end.saturating_sub(1)) == Some(s);
        let at = if exact { r.start + 1..r.end - 1 } else { r };
        self.emit(s, at);
        Ok(())
    }

    fn expr_list(&mut self, name: &str, v: &Json) -> DResult<()> {
        let need = format!("\"{name}\" takes a JSON array of strings, each holding a reference.");
        let Json::Array(a) = v else {
            return Err(self.wrong_type(v, need));
        };
        let r = range(v);
        self.emit("[", r.start..r.start + 1);
        for e in &a.elements {
            let er = range(e);
            let Json::StringLit(s) = e else {
                return Err(self.wrong_type(e, need));
            };
            self.emit("\n", er.clone());
            self.expr(&s.value, er.clone())?;
            self.emit(",", er.end..er.end);
        }
        self.emit("\n]", r.end.saturating_sub(1)..r.end);
        Ok(())
    }

    fn provider_map(&mut self, v: &Json) -> DResult<()> {
        let Json::Object(o) = v else {
            return Err(self.wrong_type(
                v,
                "\"providers\" takes a JSON object mapping provider names in the module to provider configurations here, both as strings.".into(),
            ));
        };
        let r = range(v);
        self.emit("{", r.start..r.start + 1);
        for p in &o.properties {
            let (key, key_range) = prop_name(p);
            self.emit("\n", key_range.clone());
            self.expr(key, key_range.clone())?;
            self.emit(" = ", key_range);
            self.value(&p.value, Str::Expr)?;
        }
        self.emit("\n}", r.end.saturating_sub(1)..r.end);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
