//! The blueprint's static structure: `*.tf` files of a folder parsed into modules, resources,
//! variables, locals, outputs and module calls, each remembering where it was written.
//!
//! Nothing is evaluated here; this is the "what did the user write" layer that validation, the
//! graph builder and the evaluator all read.

use super::source::{Expr, Loc, SourceFile};
use crate::diag::{DResult, Diag};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body as HclBody, Structure};
use hcl_edit::Span;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A block body: attributes and nested blocks, as written.
#[derive(Debug, Clone)]
pub struct Body {
    /// Attributes by name, in source order.
    pub attrs: IndexMap<String, Attr>,
    /// Nested blocks in source order (including `dynamic` blocks).
    pub blocks: Vec<NestedBlock>,
    /// Where the body's block starts.
    pub loc: Loc,
}

/// `name = expression`.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Attribute name.
    pub name: String,
    /// Its expression.
    pub expr: Expr,
    /// Where the attribute starts.
    pub loc: Loc,
}

/// A nested block such as `route { ... }` or `dynamic "ingress" { ... }`.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    /// Block type (`route`, `dynamic`, ...).
    pub kind: String,
    /// Labels (`dynamic "ingress"` has one).
    pub labels: Vec<String>,
    /// Contents.
    pub body: Body,
}

/// Whether a block manages a resource or reads a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource` block.
    Managed,
    /// `data` block.
    Data,
}

/// The `lifecycle` meta-block.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// Refuse any plan that destroys this resource.
    pub prevent_destroy: bool,
    /// Replace by creating the new object before deleting the old one.
    pub create_before_destroy: bool,
    /// Attribute names whose changes are ignored after creation (`all` ignores everything).
    pub ignore_changes: Vec<String>,
    /// `ignore_changes = all`.
    pub ignore_all: bool,
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Managed or data.
    pub mode: Mode,
    /// Resource type (`aws_vpc`).
    pub type_name: String,
    /// Local name (`main`).
    pub name: String,
    /// `count` meta-argument.
    pub count: Option<Expr>,
    /// `for_each` meta-argument.
    pub for_each: Option<Expr>,
    /// `depends_on` entries, kept as expressions so references can be resolved like any other.
    pub depends_on: Vec<Expr>,
    /// `lifecycle` settings.
    pub lifecycle: Lifecycle,
    /// The rest of the body.
    pub body: Body,
    /// Where the block starts.
    pub loc: Loc,
}

impl Resource {
    /// `type.name` (or `data.type.name`) inside its module.
    pub fn key(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.type_name, self.name),
            Mode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }
}

/// A `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    /// Name.
    pub name: String,
    /// `type` constraint expression.
    pub type_expr: Option<Expr>,
    /// `default`.
    pub default: Option<Expr>,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive`.
    pub sensitive: bool,
    /// `nullable` (default true).
    pub nullable: bool,
    /// `validation { condition, error_message }` blocks.
    pub validations: Vec<(Expr, Expr)>,
    /// Where the block starts.
    pub loc: Loc,
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    /// Name.
    pub name: String,
    /// `value`.
    pub value: Expr,
    /// `sensitive`.
    pub sensitive: bool,
    /// `description`.
    pub description: Option<String>,
    /// Where the block starts.
    pub loc: Loc,
}

/// A `module` block with a local source, loaded recursively.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// Name (`vpc` in `module "vpc"`).
    pub name: String,
    /// The `source` as written.
    pub source: String,
    /// Input arguments.
    pub args: IndexMap<String, Attr>,
    /// `depends_on`.
    pub depends_on: Vec<Expr>,
    /// The loaded child module.
    pub module: Arc<Module>,
    /// Where the block starts.
    pub loc: Loc,
}

/// A `provider` block, kept as a body; the provider interprets it.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Provider name (`aws`).
    pub name: String,
    /// `alias`, if any.
    pub alias: Option<String>,
    /// The body.
    pub body: Body,
}

/// One folder of `*.tf` files.
#[derive(Debug, Clone)]
pub struct Module {
    /// The folder.
    pub dir: PathBuf,
    /// `variable` blocks.
    pub variables: IndexMap<String, Variable>,
    /// `locals` entries.
    pub locals: IndexMap<String, Attr>,
    /// `output` blocks.
    pub outputs: IndexMap<String, Output>,
    /// `resource` and `data` blocks by key (`aws_vpc.main`, `data.aws_region.current`).
    pub resources: IndexMap<String, Arc<Resource>>,
    /// `module` blocks.
    pub calls: IndexMap<String, ModuleCall>,
    /// `provider` blocks.
    pub providers: Vec<ProviderConfig>,
    /// `terraform { backend "..." }` type and body, if any.
    pub backend: Option<(String, Body)>,
    /// Entries of `terraform { required_providers { ... } }` (`random = { source = ... }`),
    /// as written: the providers check that each names a provider infractl runs.
    pub required_providers: Vec<Attr>,
}

impl Module {
    /// Follows a module path (`["vpc", "subnets"]`) down the tree.
    pub fn descend(&self, path: &[String]) -> Option<&Module> {
        match path.split_first() {
            None => Some(self),
            Some((first, rest)) => self.calls.get(first)?.module.descend(rest),
        }
    }

    /// Every module in the tree with its path, parents first.
    pub fn walk(&self) -> Vec<(Vec<String>, &Module)> {
        let mut out = vec![(Vec::new(), self)];
        let mut i = 0;
        while i < out.len() {
            let (path, module) = out[i].clone();
            for (name, call) in &module.calls {
                let mut child = path.clone();
                child.push(name.clone());
                out.push((child, &call.module));
            }
            i += 1;
        }
        out
    }
}

/// How deep module calls may nest before we assume a module includes itself.
const MAX_MODULE_DEPTH: usize = 32;

/// Loads the blueprint in `dir` and every local module it calls.
pub fn load(dir: &Path) -> DResult<Module> {
    load_module(dir, 0)
}

fn load_module(dir: &Path, depth: usize) -> DResult<Module> {
    if depth > MAX_MODULE_DEPTH {
        return Err(Diag::new("Module nesting too deep").detail(format!(
            "{} is nested more than {MAX_MODULE_DEPTH} levels deep; does a module call itself?",
            dir.display()
        )));
    }
    let files = read_tf_files(dir)?;
    if files.is_empty() {
        return Err(Diag::new("No configuration files").detail(format!("{} contains no *.tf files.", dir.display())));
    }
    let mut module = Module {
        dir: dir.to_path_buf(),
        variables: IndexMap::new(),
        locals: IndexMap::new(),
        outputs: IndexMap::new(),
        resources: IndexMap::new(),
        calls: IndexMap::new(),
        providers: Vec::new(),
        backend: None,
        required_providers: Vec::new(),
    };
    for file in files {
        let body = parse_file(&file)?;
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    return Err(
                        Diag::new(format!("Unsupported argument \"{}\" at top level", attr.key.as_str()))
                            .at(Loc::new(&file, attr.span())),
                    );
                }
                Structure::Block(block) => add_top_block(&mut module, &file, block, depth)?,
            }
        }
    }
    Ok(module)
}

/// The `*.tf` files of a folder, sorted by name as Terraform reads them.
fn read_tf_files(dir: &Path) -> DResult<Vec<Arc<SourceFile>>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Diag::new(format!("Cannot read blueprint folder {}", dir.display())).detail(e.to_string()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "tf"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Diag::new(format!("Cannot read {}", p.display())).detail(e.to_string()))?;
            Ok(SourceFile::new(display_path(&p), text))
        })
        .collect()
}

/// A path as short as possible for messages: relative to the working directory when inside it.
pub fn display_path(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
}

/// Parses one file, turning a syntax error into a diagnostic with its line and column.
pub fn parse_file(file: &Arc<SourceFile>) -> DResult<HclBody> {
    hcl_edit::parser::parse_body(&file.text).map_err(|e| {
        let loc = e.location();
        Diag::new(format!("Syntax error: {}", e.message()))
            .at(format!("{}:{}:{}", file.path.display(), loc.line(), loc.column()))
            .detail(format!("    {}", excerpt(e.line(), loc.column())))
    })
}

/// At most 120 characters of a source line around `column` (1-based): a minified or generated
/// file can put megabytes on one line, and the message must stay readable.
fn excerpt(line: &str, column: usize) -> String {
    const WIDTH: usize = 120;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WIDTH {
        return line.to_string();
    }
    let start = column
        .saturating_sub(1)
        .saturating_sub(WIDTH / 2)
        .min(chars.len() - WIDTH);
    let mut out: String = chars[start..start + WIDTH].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if start + WIDTH < chars.len() {
        out.push('…');
    }
    out
}

fn labels(block: &Block) -> Vec<String> {
    block.labels.iter().map(|l| l.as_str().to_string()).collect()
}

fn expect_labels(file: &Arc<SourceFile>, block: &Block, n: usize, what: &str) -> DResult<Vec<String>> {
    let l = labels(block);
    if l.len() != n {
        return Err(
            Diag::new(format!("A {} block needs {n} label(s): {what}", block.ident.as_str()))
                .at(Loc::new(file, block.span())),
        );
    }
    Ok(l)
}

fn add_top_block(module: &mut Module, file: &Arc<SourceFile>, block: &Block, depth: usize) -> DResult<()> {
    let loc = Loc::new(file, block.span());
    match block.ident.as_str() {
        "resource" | "data" => {
            let l = expect_labels(file, block, 2, "a type and a name")?;
            let mode = if block.ident.as_str() == "resource" {
                Mode::Managed
            } else {
                Mode::Data
            };
            let resource = parse_resource(file, block, mode, &l[0], &l[1])?;
            let key = resource.key();
            if module.resources.contains_key(&key) {
                return Err(Diag::new(format!("Duplicate {} block \"{key}\"", block.ident.as_str())).at(loc));
            }
            module.resources.insert(key, Arc::new(resource));
        }
        "variable" => {
            let name = expect_labels(file, block, 1, "the variable name")?.remove(0);
            let body = convert_body(file, &block.body, loc.clone())?;
            let var = parse_variable(name.clone(), body, loc.clone())?;
            if module.variables.insert(name.clone(), var).is_some() {
                return Err(Diag::new(format!("Duplicate variable \"{name}\"")).at(loc));
            }
        }
        "locals" => {
            let body = convert_body(file, &block.body, loc.clone())?;
            if let Some(b) = body.blocks.first() {
                return Err(Diag::new("Blocks are not allowed in locals").at(&b.body.loc));
            }
            for (name, attr) in body.attrs {
                if module.locals.contains_key(&name) {
                    return Err(Diag::new(format!("Duplicate local value \"{name}\"")).at(&attr.loc));
                }
                module.locals.insert(name, attr);
            }
        }
        "output" => {
            let name = expect_labels(file, block, 1, "the output name")?.remove(0);
            let mut body = convert_body(file, &block.body, loc.clone())?;
            let value = body
                .attrs
                .shift_remove("value")
                .ok_or_else(|| Diag::new(format!("Output \"{name}\" has no value")).at(&loc))?;
            let sensitive = take_bool(&mut body, "sensitive")?.unwrap_or(false);
            let description = take_string(&mut body, "description")?;
            body.attrs.shift_remove("depends_on");
            reject_rest(&body, "output")?;
            module.outputs.insert(
                name.clone(),
                Output {
                    name,
                    value: value.expr,
                    sensitive,
                    description,
                    loc,
                },
            );
        }
        "module" => {
            let name = expect_labels(file, block, 1, "the module name")?.remove(0);
            let mut body = convert_body(file, &block.body, loc.clone())?;
            let source_attr = body
                .attrs
                .shift_remove("source")
                .ok_or_else(|| Diag::new(format!("Module \"{name}\" has no source")).at(&loc))?;
            let source = literal_string(&source_attr)?;
            for meta in ["count", "for_each"] {
                if let Some(a) = body.attrs.get(meta) {
                    return Err(Diag::new(format!("\"{meta}\" on module blocks is not supported yet")).at(&a.loc));
                }
            }
            body.attrs.shift_remove("version");
            body.attrs.shift_remove("providers");
            let depends_on = take_depends_on(&mut body)?;
            if !(source.starts_with("./") || source.starts_with("../")) {
                return Err(Diag::new(format!("Module source \"{source}\" is not a local path"))
                    .detail("Only local module sources (starting with ./ or ../) are supported.")
                    .at(&source_attr.loc));
            }
            let child_dir = normalize(&file.dir().join(&source));
            if !child_dir.is_dir() {
                return Err(
                    Diag::new(format!("Module folder {} does not exist", child_dir.display())).at(&source_attr.loc),
                );
            }
            let child = load_module(&child_dir, depth + 1)?;
            if let Some(b) = body.blocks.first() {
                return Err(Diag::new(format!("Unsupported block \"{}\" in module call", b.kind)).at(&b.body.loc));
            }
            module.calls.insert(
                name.clone(),
                ModuleCall {
                    name,
                    source,
                    args: body.attrs,
                    depends_on,
                    module: Arc::new(child),
                    loc,
                },
            );
        }
        "provider" => {
            let name = expect_labels(file, block, 1, "the provider name")?.remove(0);
            let mut body = convert_body(file, &block.body, loc)?;
            let alias = take_string(&mut body, "alias")?;
            module.providers.push(ProviderConfig { name, alias, body });
        }
        "terraform" => {
            let body = convert_body(file, &block.body, loc)?;
            for b in &body.blocks {
                match b.kind.as_str() {
                    "backend" => {
                        let kind = b.labels.first().cloned().unwrap_or_default();
                        module.backend = Some((kind, b.body.clone()));
                    }
                    "required_providers" => {
                        module.required_providers.extend(b.body.attrs.values().cloned());
                    }
                    "cloud" | "provider_meta" => {}
                    other => {
                        return Err(
                            Diag::new(format!("Unsupported block \"{other}\" in terraform block")).at(&b.body.loc)
                        )
                    }
                }
            }
        }
        "moved" | "import" | "removed" | "check" => {
            return Err(Diag::new(format!("\"{}\" blocks are not supported yet", block.ident.as_str())).at(loc));
        }
        other => {
            return Err(Diag::new(format!("Unsupported block type \"{other}\""))
                .detail("Blocks allowed at top level: resource, data, variable, locals, output, module, provider, terraform.")
                .at(loc));
        }
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() && !out.ends_with("..") => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Converts an hcl-edit body into ours, remembering the file of every expression.
pub fn convert_body(file: &Arc<SourceFile>, body: &HclBody, loc: Loc) -> DResult<Body> {
    let mut out = Body {
        attrs: IndexMap::new(),
        blocks: Vec::new(),
        loc,
    };
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let name = attr.key.as_str().to_string();
                let aloc = Loc::new(file, attr.span());
                if out.attrs.contains_key(&name) {
                    return Err(Diag::new(format!("Attribute \"{name}\" is set more than once")).at(aloc));
                }
                out.attrs.insert(
                    name.clone(),
                    Attr {
                        name,
                        expr: Expr::new(attr.value.clone(), file),
                        loc: aloc,
                    },
                );
            }
            Structure::Block(block) => {
                let bloc = Loc::new(file, block.span());
                out.blocks.push(NestedBlock {
                    kind: block.ident.as_str().to_string(),
                    labels: labels(block),
                    body: convert_body(file, &block.body, bloc)?,
                });
            }
        }
    }
    Ok(out)
}

fn parse_resource(file: &Arc<SourceFile>, block: &Block, mode: Mode, type_name: &str, name: &str) -> DResult<Resource> {
    let loc = Loc::new(file, block.span());
    let mut body = convert_body(file, &block.body, loc.clone())?;
    let count = body.attrs.shift_remove("count").map(|a| a.expr);
    let for_each = body.attrs.shift_remove("for_each").map(|a| a.expr);
    if let (Some(_), Some(fe)) = (&count, &for_each) {
        return Err(Diag::new("\"count\" and \"for_each\" cannot both be set").at(fe.loc()));
    }
    let depends_on = take_depends_on(&mut body)?;
    if let Some(p) = body.attrs.shift_remove("provider") {
        let text = p.expr.text().to_string();
        if text != "aws" && !crate::provider::builtin::PROVIDERS.contains(&text.as_str()) {
            return Err(Diag::new(format!(
                "Provider \"{text}\" is not supported; only the default aws provider is"
            ))
            .at(&p.loc));
        }
    }
    let mut lifecycle = Lifecycle::default();
    let mut rest = Vec::new();
    for nested in std::mem::take(&mut body.blocks) {
        if nested.kind == "lifecycle" {
            lifecycle = parse_lifecycle(nested.body)?;
        } else if nested.kind == "provisioner" || nested.kind == "connection" {
            return Err(Diag::new(format!("\"{}\" blocks are not supported", nested.kind)).at(&nested.body.loc));
        } else {
            rest.push(nested);
        }
    }
    body.blocks = rest;
    Ok(Resource {
        mode,
        type_name: type_name.to_string(),
        name: name.to_string(),
        count,
        for_each,
        depends_on,
        lifecycle,
        body,
        loc,
    })
}

fn parse_lifecycle(mut body: Body) -> DResult<Lifecycle> {
    let mut lc = Lifecycle {
        prevent_destroy: take_bool(&mut body, "prevent_destroy")?.unwrap_or(false),
        create_before_destroy: take_bool(&mut body, "create_before_destroy")?.unwrap_or(false),
        ..Default::default()
    };
    if let Some(attr) = body.attrs.shift_remove("ignore_changes") {
        match &attr.expr.ast {
            Expression::Variable(v) if v.as_str() == "all" => lc.ignore_all = true,
            Expression::Array(items) => {
                for item in items.iter() {
                    let e = Expr::new(item.clone(), &attr.expr.file);
                    lc.ignore_changes.push(e.text().trim().to_string());
                }
            }
            _ => return Err(Diag::new("ignore_changes must be a list of attribute names or all").at(&attr.loc)),
        }
    }
    body.attrs.shift_remove("replace_triggered_by");
    if let Some(b) = body
        .blocks
        .iter()
        .find(|b| b.kind == "precondition" || b.kind == "postcondition")
    {
        return Err(Diag::new(format!("\"{}\" blocks are not supported yet", b.kind)).at(&b.body.loc));
    }
    reject_rest(&body, "lifecycle")?;
    Ok(lc)
}

fn parse_variable(name: String, mut body: Body, loc: Loc) -> DResult<Variable> {
    let type_expr = body.attrs.shift_remove("type").map(|a| a.expr);
    let default = body.attrs.shift_remove("default").map(|a| a.expr);
    let description = take_string(&mut body, "description")?;
    let sensitive = take_bool(&mut body, "sensitive")?.unwrap_or(false);
    let nullable = take_bool(&mut body, "nullable")?.unwrap_or(true);
    body.attrs.shift_remove("ephemeral");
    let mut validations = Vec::new();
    for b in std::mem::take(&mut body.blocks) {
        if b.kind != "validation" {
            return Err(Diag::new(format!("Unsupported block \"{}\" in variable", b.kind)).at(&b.body.loc));
        }
        let mut vb = b.body;
        let cond = vb
            .attrs
            .shift_remove("condition")
            .ok_or_else(|| Diag::new("validation block needs a condition").at(&vb.loc))?;
        let msg = vb
            .attrs
            .shift_remove("error_message")
            .ok_or_else(|| Diag::new("validation block needs an error_message").at(&vb.loc))?;
        validations.push((cond.expr, msg.expr));
    }
    reject_rest(&body, "variable")?;
    Ok(Variable {
        name,
        type_expr,
        default,
        description,
        sensitive,
        nullable,
        validations,
        loc,
    })
}

fn take_depends_on(body: &mut Body) -> DResult<Vec<Expr>> {
    let Some(attr) = body.attrs.shift_remove("depends_on") else {
        return Ok(Vec::new());
    };
    match &attr.expr.ast {
        Expression::Array(items) => Ok(items.iter().map(|e| Expr::new(e.clone(), &attr.expr.file)).collect()),
        _ => Err(Diag::new("depends_on must be a list of references").at(&attr.loc)),
    }
}

fn literal_string(attr: &Attr) -> DResult<String> {
    match &attr.expr.ast {
        Expression::String(s) => Ok(s.value().clone()),
        _ => Err(Diag::new(format!("\"{}\" must be a literal string", attr.name)).at(&attr.loc)),
    }
}

fn take_string(body: &mut Body, name: &str) -> DResult<Option<String>> {
    body.attrs.shift_remove(name).map(|a| literal_string(&a)).transpose()
}

fn take_bool(body: &mut Body, name: &str) -> DResult<Option<bool>> {
    let Some(attr) = body.attrs.shift_remove(name) else {
        return Ok(None);
    };
    match &attr.expr.ast {
        Expression::Bool(b) => Ok(Some(*b.value())),
        _ => Err(Diag::new(format!("\"{name}\" must be a literal true or false")).at(&attr.loc)),
    }
}

fn reject_rest(body: &Body, what: &str) -> DResult<()> {
    if let Some(a) = body.attrs.values().next() {
        return Err(Diag::new(format!("Unsupported argument \"{}\" in {what} block", a.name)).at(&a.loc));
    }
    if let Some(b) = body.blocks.first() {
        return Err(Diag::new(format!("Unsupported block \"{}\" in {what} block", b.kind)).at(&b.body.loc));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> DResult<Module> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        load(dir.path())
    }

    #[test]
    fn loads_resources_variables_locals_outputs() {
        let m = load_text(
            r#"
variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}
locals { name = "x" }
resource "aws_vpc" "main" {
  cidr_block = var.cidr
  lifecycle { prevent_destroy = true }
}
output "id" { value = aws_vpc.main.id }
"#,
        )
        .unwrap();
        assert!(m.variables.contains_key("cidr"));
        assert!(m.locals.contains_key("name"));
        let r = &m.resources["aws_vpc.main"];
        assert!(r.lifecycle.prevent_destroy);
        assert!(r.body.attrs.contains_key("cidr_block"));
        assert!(m.outputs.contains_key("id"));
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let err = load_text("resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n").unwrap_err();
        let loc = err.location.unwrap();
        assert!(loc.contains("main.tf:"), "{loc}");
        assert!(err.summary.starts_with("Syntax error"));
    }

    #[test]
    fn unknown_top_level_block_is_rejected_with_location() {
        let err = load_text("\n\nwidget \"a\" {}\n").unwrap_err();
        assert!(err.location.unwrap().ends_with("main.tf:3:1"));
    }
}
