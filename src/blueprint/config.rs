//! The blueprint's static structure: `*.tf` and `*.tf.json` files of a folder parsed into
//! modules, resources, variables, locals, outputs and module calls, each remembering where it
//! was written. JSON files are translated to native syntax first (`json_syntax`) and override
//! files merged into the others (`overrides`), so everything below reads one syntax.
//!
//! Nothing is evaluated here; this is the "what did the user write" layer that validation, the
//! graph builder and the evaluator all read.

pub use super::conditions::Condition;
use super::json_syntax::{self, BlockSchemas, NoSchemas};
use super::modules::{CallSite, Installed};
use super::overrides;
pub use super::provisioners::Provisioner;
use super::source::{Expr, Loc, SourceBuilder, SourceFile};
use crate::address::InstanceKey;
use crate::diag::{DResult, Diag};
use crate::value::Value;
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

/// Whether a block manages a resource, reads a data source, or opens an ephemeral resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// `resource` block.
    Managed,
    /// `data` block.
    Data,
    /// `ephemeral` block: opened at plan and at apply, never stored.
    Ephemeral,
}

impl Mode {
    /// The prefix of the mode's references and addresses (`data.`, `ephemeral.`; none for
    /// managed resources).
    pub fn prefix(self) -> &'static str {
        match self {
            Mode::Managed => "",
            Mode::Data => "data.",
            Mode::Ephemeral => "ephemeral.",
        }
    }
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
    /// `precondition` blocks: checked before the object's change is planned (and again at
    /// apply); a failure is an error.
    pub preconditions: Vec<Condition>,
    /// `postcondition` blocks: checked against the object (`self`) once it is planned or
    /// applied; a failure is an error that stops what depends on it.
    pub postconditions: Vec<Condition>,
    /// `replace_triggered_by`: references to other resources (or their attributes) whose
    /// planned change replaces this object.
    pub replace_triggered_by: Vec<Expr>,
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
    /// `provider = aws.east`: which provider configuration of its module manages it (the
    /// default configuration of the type's provider when absent).
    pub provider: Option<ProviderRef>,
    /// `lifecycle` settings.
    pub lifecycle: Lifecycle,
    /// `provisioner` blocks, in order.
    pub provisioners: Vec<Provisioner>,
    /// The resource's own `connection` block: the base of every provisioner's connection.
    pub connection: Option<Body>,
    /// For a `data` block written inside a `check` block: that check's name. Only the check
    /// may refer to it, and its failures are warnings.
    pub check: Option<String>,
    /// The rest of the body.
    pub body: Body,
    /// Where the block starts.
    pub loc: Loc,
}

impl Resource {
    /// `type.name` (or `data.type.name`, `ephemeral.type.name`) inside its module.
    pub fn key(&self) -> String {
        format!("{}{}.{}", self.mode.prefix(), self.type_name, self.name)
    }
}

/// A `check` block: assertions about the stack, evaluated at plan and after apply; failures
/// are warnings.
#[derive(Debug, Clone)]
pub struct Check {
    /// Its name.
    pub name: String,
    /// The key (in [`Module::resources`]) of the `data` block written inside it, if any.
    pub data: Option<String>,
    /// Its `assert` blocks.
    pub asserts: Vec<Condition>,
    /// Where the block starts.
    pub loc: Loc,
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
    /// `ephemeral`: its value is never stored (state, plan files), and may be used only where
    /// ephemeral values are allowed.
    pub ephemeral: bool,
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
    /// `ephemeral` (child modules only): its value is ephemeral.
    pub ephemeral: bool,
    /// `precondition` blocks, checked before its value is.
    pub preconditions: Vec<Condition>,
    /// Where the block starts.
    /// `depends_on`: what must be applied before anything that uses this output (a bucket's
    /// name handed on only once its policy is in place).
    pub depends_on: Vec<Expr>,
    pub loc: Loc,
}

/// A `module` block, its child module loaded recursively (local sources from their folder,
/// others from where `infractl init` installed them).
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// Name (`vpc` in `module "vpc"`).
    pub name: String,
    /// The `source` as written.
    pub source: String,
    /// Input arguments.
    pub args: IndexMap<String, Attr>,
    /// `count` meta-argument: the call makes that many module instances.
    pub count: Option<Expr>,
    /// `for_each` meta-argument: one module instance per key.
    pub for_each: Option<Expr>,
    /// `providers = { aws = aws.east }`: which provider configuration of the caller each of the
    /// child's provider names means (child name → caller's `aws` or `aws.ALIAS`).
    pub providers: IndexMap<String, ProviderRef>,
    /// `depends_on`.
    pub depends_on: Vec<Expr>,
    /// The loaded child module.
    pub module: Arc<Module>,
    /// Where the block starts.
    pub loc: Loc,
}

/// A reference to a provider configuration: `aws` (the default one) or `aws.east` (an alias).
#[derive(Debug, Clone)]
pub struct ProviderRef {
    /// Provider local name (`aws`).
    pub name: String,
    /// Alias, when not the default configuration.
    pub alias: Option<String>,
    /// Where the reference is written.
    pub loc: Loc,
}

impl ProviderRef {
    /// Parses `aws` or `aws.east` from an expression written as a bare reference.
    pub fn from_expr(expr: &Expr) -> DResult<ProviderRef> {
        ProviderRef::parse(expr.text().trim(), &expr.loc())
    }

    /// Parses `aws` or `aws.east` written at `loc`.
    pub fn parse(text: &str, loc: &Loc) -> DResult<ProviderRef> {
        let mut parts = text.split('.');
        let name = parts.next().unwrap_or_default().to_string();
        let alias = parts.next().map(str::to_string);
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if !valid(&name) || alias.as_deref().is_some_and(|a| !valid(a)) || parts.next().is_some() {
            return Err(Diag::new("Invalid provider reference")
                .detail(format!(
                    "A provider is referred to as NAME or NAME.ALIAS (aws, aws.east), not \"{text}\"."
                ))
                .at(loc));
        }
        Ok(ProviderRef {
            name,
            alias,
            loc: loc.clone(),
        })
    }

    /// `aws` or `aws.east`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
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

/// A `moved` block: state objects at `from` now belong at `to` (both relative to the module the
/// block is written in).
#[derive(Debug, Clone)]
pub struct Moved {
    /// The old address.
    pub from: Endpoint,
    /// The new address.
    pub to: Endpoint,
    /// Where the block is written.
    pub loc: Loc,
}

/// A `removed` block: objects at `from` leave the configuration; with `destroy = false` they are
/// forgotten (left in AWS) instead of destroyed.
#[derive(Debug, Clone)]
pub struct Removed {
    /// The address no longer configured.
    pub from: Endpoint,
    /// `lifecycle { destroy = ... }` (true by default).
    pub destroy: bool,
    /// Where the block is written.
    pub loc: Loc,
}

/// An `import` block: bring an existing object under management at `to` during the next apply.
#[derive(Debug, Clone)]
pub struct Import {
    /// The target address, as an expression (`aws_s3_bucket.b[each.key]`).
    pub to: Expr,
    /// The object's import id.
    pub id: Expr,
    /// `for_each`, to import several objects.
    pub for_each: Option<Expr>,
    /// `provider = aws.east`.
    pub provider: Option<ProviderRef>,
    /// Where the block is written.
    pub loc: Loc,
}

/// An address named by `moved` and `removed` blocks: module calls (with or without an instance
/// key) and optionally a resource block or instance inside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Module steps: call name and, when written, the instance key.
    pub module: Vec<(String, Option<InstanceKey>)>,
    /// The resource (`Mode`, type, name) and its instance key when written; `None` when the
    /// endpoint is a module call or instance.
    pub resource: Option<(Mode, String, String, Option<InstanceKey>)>,
    /// The text as written.
    pub text: String,
}

impl Endpoint {
    /// Parses `module.a["x"].aws_vpc.main[0]`, `module.a`, `aws_vpc.main`, `data.aws_x.y`.
    pub fn parse(text: &str) -> Option<Endpoint> {
        let segments = crate::address::segments(text)?;
        let mut module = Vec::new();
        let mut i = 0;
        while i + 1 < segments.len() && segments[i].0 == "module" && segments[i].1 == InstanceKey::None {
            let (name, key) = &segments[i + 1];
            module.push((name.clone(), (*key != InstanceKey::None).then(|| key.clone())));
            i += 2;
        }
        let rest = &segments[i..];
        let (mode, rest) = match rest.first() {
            Some((first, InstanceKey::None)) if first == "data" => (Mode::Data, &rest[1..]),
            _ => (Mode::Managed, rest),
        };
        let resource = match rest {
            [] if !module.is_empty() => None,
            [(t, InstanceKey::None), (n, key)] => Some((
                mode,
                t.clone(),
                n.clone(),
                (*key != InstanceKey::None).then(|| key.clone()),
            )),
            _ => return None,
        };
        Some(Endpoint {
            module,
            resource,
            text: text.to_string(),
        })
    }
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
    /// `resource`, `data` and `ephemeral` blocks by key (`aws_vpc.main`,
    /// `data.aws_region.current`, `ephemeral.aws_ssm_parameter.db`), the `data` blocks of
    /// `check` blocks included.
    pub resources: IndexMap<String, Arc<Resource>>,
    /// `check` blocks by name.
    pub checks: IndexMap<String, Check>,
    /// `module` blocks.
    pub calls: IndexMap<String, ModuleCall>,
    /// `provider` blocks.
    pub providers: Vec<ProviderConfig>,
    /// `terraform { backend "..." }` type and body, if any.
    pub backend: Option<(String, Body)>,
    /// `moved` blocks, in source order.
    pub moved: Vec<Moved>,
    /// `removed` blocks.
    pub removed: Vec<Removed>,
    /// `import` blocks (root module only, as in Terraform).
    pub imports: Vec<Import>,
    /// Entries of `terraform { required_providers { ... } }` (`random = { source = ... }`),
    /// as written: the providers check that each names a provider infractl runs.
    pub required_providers: Vec<Attr>,
}

impl Module {
    /// Follows a module path down the tree: call names (`["vpc", "subnets"]`) or the steps of a
    /// module instance path, which name the same calls.
    pub fn descend<S: AsRef<str>>(&self, path: &[S]) -> Option<&Module> {
        match path.split_first() {
            None => Some(self),
            Some((first, rest)) => self.calls.get(first.as_ref())?.module.descend(rest),
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

/// Loads the blueprint in `dir` and every module it calls (never downloading anything),
/// reading every object-valued property of a JSON resource body as an attribute (see
/// [`load_with`]).
pub fn load(dir: &Path) -> DResult<Module> {
    load_with(dir, &NoSchemas)
}

/// Loads the blueprint in `dir` and every module it calls, with the schemas that tell nested
/// blocks from attributes in `*.tf.json` resource and provider bodies.
pub fn load_with(dir: &Path, schemas: &dyn BlockSchemas) -> DResult<Module> {
    let root = load_module(dir, &Installed::new(dir), &[], schemas)?;
    super::providers::check(&root)?;
    Ok(root)
}

fn load_module(dir: &Path, installed: &Installed, path: &[String], schemas: &dyn BlockSchemas) -> DResult<Module> {
    if path.len() > MAX_MODULE_DEPTH {
        return Err(Diag::new("Module nesting too deep").detail(format!(
            "{} is nested more than {MAX_MODULE_DEPTH} levels deep; does a module call itself?",
            dir.display()
        )));
    }
    let files = read_tf_files(dir, schemas)?;
    if files.is_empty() {
        return Err(Diag::new("No configuration files")
            .detail(format!("{} contains no *.tf or *.tf.json files.", dir.display())));
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
        moved: Vec::new(),
        removed: Vec::new(),
        imports: Vec::new(),
        required_providers: Vec::new(),
        checks: IndexMap::new(),
    };
    let (mut primary, mut overriding) = (Vec::new(), Vec::new());
    for (is_override, file) in files {
        let (file, body) = parse_file(&file)?;
        let list = if is_override { &mut overriding } else { &mut primary };
        list.push((file, body));
    }
    for (file, structure) in overrides::merge(primary, overriding)? {
        match &structure {
            Structure::Attribute(attr) => {
                return Err(
                    Diag::new(format!("Unsupported argument \"{}\" at top level", attr.key.as_str()))
                        .at(Loc::new(&file, attr.span())),
                );
            }
            Structure::Block(block) => add_top_block(&mut module, &file, block, installed, path, schemas)?,
        }
    }
    Ok(module)
}

/// The `*.tf` and `*.tf.json` files of a folder, sorted by name as Terraform reads them, each
/// with whether it is an override file; JSON files come back translated to native syntax.
pub(crate) fn read_tf_files(dir: &Path, schemas: &dyn BlockSchemas) -> DResult<Vec<(bool, Arc<SourceFile>)>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Diag::new(format!("Cannot read blueprint folder {}", dir.display())).detail(e.to_string()))?;
    let mut paths: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|p| Some((p.file_name()?.to_str()?.to_string(), p)))
        // Hidden files (editor swap files and the like) are ignored, as Terraform ignores them.
        .filter(|(name, _)| !name.starts_with('.'))
        .filter(|(name, _)| name.ends_with(".tf") || json_syntax::is_json_config(name))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|(name, p)| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Diag::new(format!("Cannot read {}", p.display())).detail(e.to_string()))?;
            let file = SourceFile::new(display_path(&p), text);
            let file = if json_syntax::is_json_config(&name) {
                json_syntax::translate(&file, schemas)?
            } else {
                file
            };
            Ok((overrides::is_override_file(&name), file))
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
///
/// Repeated object keys (valid HCL that hcl-edit refuses) are rewritten into equivalent keys
/// first, see [`super::repeated_keys`]; the returned file is the text that was parsed, mapped
/// back to where each piece was written.
pub fn parse_file(file: &Arc<SourceFile>) -> DResult<(Arc<SourceFile>, HclBody)> {
    let mut file = file.clone();
    for round in 1..=super::repeated_keys::MAX_REWRITES {
        let e = match hcl_edit::parser::parse_body(&file.text) {
            Ok(body) => return Ok((file, body)),
            Err(e) => e,
        };
        let loc = e.location();
        let at = file.offset_of(loc.line(), loc.column());
        if let Some((range, replacement)) = super::repeated_keys::rewrite(&e, &file.text, at, round) {
            let mut b = SourceBuilder::new();
            b.copy(&file, 0..range.start);
            b.push(&replacement, &file, range.clone());
            b.copy(&file, range.end..file.text.len());
            file = b.finish(file.path.clone());
            continue;
        }
        return Err(Diag::new(format!("Syntax error: {}", e.message()))
            .at(Loc::new(&file, Some(at..at)))
            .detail(format!("    {}", excerpt(e.line(), loc.column()))));
    }
    Err(Diag::new("Syntax error: too many repeated object keys").at(Loc::new(&file, Some(0..0))))
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

fn add_top_block(
    module: &mut Module,
    file: &Arc<SourceFile>,
    block: &Block,
    installed: &Installed,
    path: &[String],
    schemas: &dyn BlockSchemas,
) -> DResult<()> {
    let loc = Loc::new(file, block.span());
    match block.ident.as_str() {
        "resource" | "data" | "ephemeral" => {
            let l = expect_labels(file, block, 2, "a type and a name")?;
            let mode = match block.ident.as_str() {
                "resource" => Mode::Managed,
                "data" => Mode::Data,
                _ => Mode::Ephemeral,
            };
            let body = convert_body(file, &block.body, loc.clone())?;
            let resource = parse_resource(body, mode, &l[0], &l[1], None)?;
            add_resource(module, resource, block.ident.as_str())?;
        }
        "check" => {
            let name = expect_labels(file, block, 1, "the check name")?.remove(0);
            let body = convert_body(file, &block.body, loc.clone())?;
            let (check, data) = parse_check(name.clone(), body, loc.clone())?;
            if let Some(data) = data {
                add_resource(module, data, "data")?;
            }
            if module.checks.insert(name.clone(), check).is_some() {
                return Err(Diag::new(format!("Duplicate check \"{name}\" configuration"))
                    .detail(format!(
                        "A check block named \"{name}\" was already declared in this module."
                    ))
                    .at(loc));
            }
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
            let ephemeral_attr = body.attrs.get("ephemeral").map(|a| a.loc.clone());
            let ephemeral = take_bool(&mut body, "ephemeral")?.unwrap_or(false);
            if let (true, true, Some(at)) = (ephemeral, path.is_empty(), ephemeral_attr) {
                return Err(Diag::new("Ephemeral output not allowed")
                    .detail("Ephemeral outputs are not allowed in context of a root module")
                    .at(at));
            }
            let description = take_description(&mut body)?;
            let depends_on = take_depends_on(&mut body)?;
            let mut preconditions = Vec::new();
            for b in std::mem::take(&mut body.blocks) {
                if b.kind != "precondition" {
                    return Err(Diag::new(format!("Unsupported block \"{}\" in output block", b.kind)).at(&b.body.loc));
                }
                preconditions.push(super::conditions::parse("precondition", b.body)?);
            }
            reject_rest(&body, "output")?;
            module.outputs.insert(
                name.clone(),
                Output {
                    name,
                    value: value.expr,
                    sensitive,
                    description,
                    ephemeral,
                    preconditions,
                    depends_on,
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
            let count = body.attrs.shift_remove("count").map(|a| a.expr);
            let for_each = body.attrs.shift_remove("for_each").map(|a| a.expr);
            if let (Some(_), Some(fe)) = (&count, &for_each) {
                return Err(Diag::new("\"count\" and \"for_each\" cannot both be set").at(fe.loc()));
            }
            let version = take_string(&mut body, "version")?;
            let providers = take_provider_map(&mut body)?;
            let depends_on = take_depends_on(&mut body)?;
            let call_path = [path, std::slice::from_ref(&name)].concat();
            let child_dir = installed.child_dir(&CallSite {
                path: &call_path,
                source: &source,
                source_loc: &source_attr.loc,
                version: version.as_deref(),
                block_loc: &loc,
                parent_dir: file.dir(),
            })?;
            let child = load_module(&child_dir, installed, &call_path, schemas)?;
            if let Some(b) = body.blocks.first() {
                return Err(Diag::new(format!("Unsupported block \"{}\" in module call", b.kind)).at(&b.body.loc));
            }
            module.calls.insert(
                name.clone(),
                ModuleCall {
                    name,
                    source,
                    args: body.attrs,
                    count,
                    for_each,
                    providers,
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
        "moved" => {
            let mut body = convert_body(file, &block.body, loc.clone())?;
            let from = take_endpoint(&mut body, "from", &loc)?;
            let to = take_endpoint(&mut body, "to", &loc)?;
            reject_rest(&body, "moved")?;
            module.moved.push(Moved { from, to, loc });
        }
        "removed" => {
            let mut body = convert_body(file, &block.body, loc.clone())?;
            let from = take_endpoint(&mut body, "from", &loc)?;
            let mut destroy = true;
            for nested in std::mem::take(&mut body.blocks) {
                match nested.kind.as_str() {
                    "lifecycle" => {
                        let mut lc = nested.body;
                        destroy = take_bool(&mut lc, "destroy")?.unwrap_or(true);
                        reject_rest(&lc, "lifecycle")?;
                    }
                    // Destroy-time provisioners of removed resources run with the destroy.
                    "provisioner" | "connection" => {}
                    other => {
                        return Err(
                            Diag::new(format!("Unsupported block \"{other}\" in removed block")).at(&nested.body.loc)
                        )
                    }
                }
            }
            reject_rest(&body, "removed")?;
            module.removed.push(Removed { from, destroy, loc });
        }
        "import" => {
            if !path.is_empty() {
                return Err(Diag::new("Import blocks are only allowed in the root module")
                    .detail("Move the import block to the root module and address the resource inside the module (module.NAME.TYPE.NAME).")
                    .at(loc));
            }
            let mut body = convert_body(file, &block.body, loc.clone())?;
            let to = body
                .attrs
                .shift_remove("to")
                .ok_or_else(|| Diag::new("An import block needs \"to\"").at(&loc))?
                .expr;
            let id = body
                .attrs
                .shift_remove("id")
                .ok_or_else(|| Diag::new("An import block needs \"id\"").at(&loc))?
                .expr;
            let for_each = body.attrs.shift_remove("for_each").map(|a| a.expr);
            let provider = body
                .attrs
                .shift_remove("provider")
                .map(|p| ProviderRef::from_expr(&p.expr))
                .transpose()?;
            if let Some(a) = body.attrs.shift_remove("identity") {
                return Err(Diag::new("Import by identity is not supported; give an id").at(&a.loc));
            }
            reject_rest(&body, "import")?;
            module.imports.push(Import {
                to,
                id,
                for_each,
                provider,
                loc,
            });
        }
        other => {
            return Err(Diag::new(format!("Unsupported block type \"{other}\""))
                .detail("Blocks allowed at top level: resource, data, ephemeral, variable, locals, output, module, provider, terraform, check, moved, removed, import.")
                .at(loc));
        }
    }
    Ok(())
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

/// Adds a `resource`, `data` or `ephemeral` block (or a check's `data` block) to a module,
/// refusing a second block of the same key.
fn add_resource(module: &mut Module, resource: Resource, what: &str) -> DResult<()> {
    let key = resource.key();
    if module.resources.contains_key(&key) {
        return Err(Diag::new(format!("Duplicate {what} block \"{key}\"")).at(&resource.loc));
    }
    module.resources.insert(key, Arc::new(resource));
    Ok(())
}

/// Reads a `resource`, `data` or `ephemeral` block's body; `check` names the check block a
/// `data` block is written in.
fn parse_resource(mut body: Body, mode: Mode, type_name: &str, name: &str, check: Option<&str>) -> DResult<Resource> {
    let loc = body.loc.clone();
    let count = body.attrs.shift_remove("count").map(|a| a.expr);
    let for_each = body.attrs.shift_remove("for_each").map(|a| a.expr);
    if let (Some(_), Some(fe)) = (&count, &for_each) {
        return Err(Diag::new("\"count\" and \"for_each\" cannot both be set").at(fe.loc()));
    }
    let depends_on = take_depends_on(&mut body)?;
    let provider = body
        .attrs
        .shift_remove("provider")
        .map(|p| ProviderRef::from_expr(&p.expr))
        .transpose()?;
    let key = format!("{}{type_name}.{name}", mode.prefix());
    let mut lifecycle = Lifecycle::default();
    let mut provisioners = Vec::new();
    let mut connection: Option<Body> = None;
    let mut rest = Vec::new();
    let mut seen_lifecycle = false;
    for nested in std::mem::take(&mut body.blocks) {
        match nested.kind.as_str() {
            "lifecycle" => {
                if check.is_some() {
                    return Err(Diag::new("Invalid lifecycle block")
                        .detail("Nested data blocks do not support \"lifecycle\" blocks as the lifecycle is managed by the containing block.")
                        .at(&nested.body.loc));
                }
                if std::mem::replace(&mut seen_lifecycle, true) {
                    return Err(Diag::new("Duplicate lifecycle block")
                        .detail("This resource already has a lifecycle block.")
                        .at(&nested.body.loc));
                }
                lifecycle = parse_lifecycle(nested.body, mode, &key)?;
            }
            "provisioner" | "connection" if mode != Mode::Managed => {
                return Err(Diag::new(format!("Unsupported block type \"{}\"", nested.kind))
                    .detail(format!(
                        "Blocks of type \"{}\" are allowed in resource blocks only.",
                        nested.kind
                    ))
                    .at(&nested.body.loc));
            }
            "provisioner" => provisioners.push(super::provisioners::parse(nested)?),
            "connection" => {
                if connection.is_some() {
                    return Err(Diag::new("Duplicate connection block")
                        .detail("This resource already has a connection block.")
                        .at(&nested.body.loc));
                }
                super::provisioners::check_connection(&nested.body)?;
                connection = Some(nested.body);
            }
            _ => rest.push(nested),
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
        provider,
        lifecycle,
        provisioners,
        connection,
        check: check.map(str::to_string),
        body,
        loc,
    })
}

/// Reads a `check` block: its assertions, and the `data` block written in it (returned apart,
/// as a block of the module scoped to the check).
fn parse_check(name: String, body: Body, loc: Loc) -> DResult<(Check, Option<Resource>)> {
    if !is_identifier(&name) {
        return Err(Diag::new("Invalid check block name")
            .detail("A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.")
            .at(&loc));
    }
    if let Some(a) = body.attrs.values().next() {
        return Err(Diag::new("Unsupported argument")
            .detail(format!("An argument named \"{}\" is not expected here.", a.name))
            .at(&a.loc));
    }
    let mut data: Option<Resource> = None;
    let mut asserts = Vec::new();
    for nested in body.blocks {
        match nested.kind.as_str() {
            "data" => {
                let [t, n] = nested.labels.as_slice() else {
                    return Err(Diag::new("A data block needs 2 label(s): a type and a name").at(&nested.body.loc));
                };
                if let Some(first) = &data {
                    return Err(Diag::new("Multiple data resource blocks")
                        .detail(format!(
                            "This check block already has a data resource defined at {}.",
                            first.loc
                        ))
                        .at(&nested.body.loc));
                }
                let (t, n) = (t.clone(), n.clone());
                data = Some(parse_resource(nested.body, Mode::Data, &t, &n, Some(&name))?);
            }
            "assert" => asserts.push(super::conditions::parse("assert", nested.body)?),
            other => {
                return Err(Diag::new("Unsupported block type")
                    .detail(format!("Blocks of type \"{other}\" are not expected here."))
                    .at(&nested.body.loc))
            }
        }
    }
    if asserts.is_empty() {
        return Err(Diag::new("Zero assert blocks")
            .detail("Check blocks must have at least one assert block.")
            .at(&loc));
    }
    let check = Check {
        name,
        data: data.as_ref().map(Resource::key),
        asserts,
        loc,
    };
    Ok((check, data))
}

/// True for a valid HCL identifier.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn parse_lifecycle(mut body: Body, mode: Mode, key: &str) -> DResult<Lifecycle> {
    let mut lc = Lifecycle::default();
    for nested in std::mem::take(&mut body.blocks) {
        match nested.kind.as_str() {
            "precondition" => lc
                .preconditions
                .push(super::conditions::parse("precondition", nested.body)?),
            "postcondition" => lc
                .postconditions
                .push(super::conditions::parse("postcondition", nested.body)?),
            other => {
                return Err(Diag::new(format!("Unsupported block \"{other}\" in lifecycle block")).at(&nested.body.loc))
            }
        }
    }
    super::conditions::check_self_references("precondition", &lc.preconditions, key)?;
    super::conditions::check_self_references("postcondition", &lc.postconditions, key)?;
    if mode != Mode::Managed {
        // Only the conditions apply to data sources and ephemeral resources.
        if let Some(a) = body.attrs.values().next() {
            let what = if mode == Mode::Data { "data" } else { "ephemeral" };
            return Err(Diag::new(format!("Invalid {what} resource lifecycle argument"))
                .detail(format!(
                    "The lifecycle argument \"{}\" is defined only for managed resources (\"resource\" blocks), and is not valid for {what} resources.",
                    a.name
                ))
                .at(&a.loc));
        }
        return Ok(lc);
    }
    lc.prevent_destroy = take_bool(&mut body, "prevent_destroy")?.unwrap_or(false);
    lc.create_before_destroy = take_bool(&mut body, "create_before_destroy")?.unwrap_or(false);
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
    if let Some(attr) = body.attrs.shift_remove("replace_triggered_by") {
        let Expression::Array(items) = &attr.expr.ast else {
            return Err(Diag::new("Invalid replace_triggered_by expression")
                .detail("replace_triggered_by must be a list of references to resources or their attributes.")
                .at(&attr.loc));
        };
        for item in items.iter() {
            let e = Expr::new(item.clone(), &attr.expr.file);
            crate::plan::triggers::Trigger::parse(&e)?;
            lc.replace_triggered_by.push(e);
        }
    }
    reject_rest(&body, "lifecycle")?;
    Ok(lc)
}

fn parse_variable(name: String, mut body: Body, loc: Loc) -> DResult<Variable> {
    let type_expr = body.attrs.shift_remove("type").map(|a| a.expr);
    let default = body.attrs.shift_remove("default").map(|a| a.expr);
    let description = take_description(&mut body)?;
    let sensitive = take_bool(&mut body, "sensitive")?.unwrap_or(false);
    let nullable = take_bool(&mut body, "nullable")?.unwrap_or(true);
    let ephemeral = take_bool(&mut body, "ephemeral")?.unwrap_or(false);
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
        ephemeral,
        validations,
        loc,
    })
}

/// The `from`/`to` address of a moved or removed block.
fn take_endpoint(body: &mut Body, name: &str, loc: &Loc) -> DResult<Endpoint> {
    let attr = body
        .attrs
        .shift_remove(name)
        .ok_or_else(|| Diag::new(format!("The block needs \"{name}\"")).at(loc))?;
    let text = attr.expr.text().trim().to_string();
    Endpoint::parse(&text).ok_or_else(|| {
        Diag::new(format!("Invalid address in \"{name}\""))
            .detail(format!(
                "\"{text}\" is not a resource or module address (aws_vpc.main, aws_vpc.main[0], module.net, module.net[\"a\"])."
            ))
            .at(&attr.loc)
    })
}

/// A module call's `providers = { aws = aws.east, aws.west = aws.other }` map.
fn take_provider_map(body: &mut Body) -> DResult<IndexMap<String, ProviderRef>> {
    let mut out = IndexMap::new();
    let Some(attr) = body.attrs.shift_remove("providers") else {
        return Ok(out);
    };
    let Expression::Object(obj) = &attr.expr.ast else {
        return Err(Diag::new("Invalid providers argument")
            .detail("providers must be a map like { aws = aws.east }.")
            .at(&attr.loc));
    };
    for (k, v) in obj.iter() {
        let key_text = match k {
            hcl_edit::expr::ObjectKey::Ident(id) => id.as_str().to_string(),
            hcl_edit::expr::ObjectKey::Expression(e) => Expr::new(e.clone(), &attr.expr.file).text().trim().to_string(),
        };
        let target = ProviderRef::from_expr(&Expr::new(v.expr().clone(), &attr.expr.file))?;
        let child = ProviderRef::parse(&key_text, &target.loc)?;
        out.insert(child.key(), target);
    }
    Ok(out)
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

/// A `description`: any constant string expression (a heredoc, a template without
/// interpolation, a parenthesised string), as Terraform accepts.
fn take_description(body: &mut Body) -> DResult<Option<String>> {
    let Some(attr) = body.attrs.shift_remove("description") else {
        return Ok(None);
    };
    match super::eval::eval_constant(&attr.expr)? {
        Value::String(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        other => Err(Diag::new("Invalid description")
            .detail(format!("A description must be a string, not {}.", other.type_name()))
            .at(&attr.loc)),
    }
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
