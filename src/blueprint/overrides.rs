//! Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms), merged into the
//! blocks of the primary files as Terraform's "Override Files" documentation (and, where it is
//! more precise, Terraform's own merge code) says.
//!
//! Merging happens on the parsed syntax, before blocks are read into the configuration model: an
//! override block is partial (an `output` without `value`, a `module` without `source`), so it
//! cannot be read on its own, and the model no longer knows which settings were written and
//! which are defaults. A merged block is written out again as native text made of verbatim
//! pieces of the primary and override files, with a source map
//! ([`SourceBuilder`](super::source::SourceBuilder)), and parsed like any other block: every
//! attribute keeps the file and line it was written at, whichever file that is.
//!
//! The rules:
//! - Override files are read after the primary files, in name order, blocks in file order; each
//!   top-level block merges into the primary block of the same type and labels (providers: name
//!   and `alias`). An override with no original is an error (except a default provider, which
//!   Terraform adds as a new configuration), and so are `moved` and `import` blocks.
//! - Attributes replace attributes of the same name; nested blocks of a type replace every
//!   block of that type (a `dynamic "x"` block counts as type `x`); nested block contents are
//!   not merged.
//! - `resource`/`data`: `lifecycle` is merged argument by argument (an empty `ignore_changes`
//!   keeps the original, as in Terraform); `depends_on` in an override is an error. When the
//!   merged block has both `count` and `for_each`, `count` wins, as Terraform 1.11 plans it.
//! - `variable`: arguments replace; `type` and `default` are checked against each other when the
//!   variable is read, as they would be if written together.
//! - `output`: arguments replace; `depends_on` is an error.
//! - `validation`, `precondition` and `postcondition` blocks cannot be overridden, nor can
//!   `check` blocks (errors, as in Terraform 1.11); `ephemeral` blocks merge as resources do.
//! - `module`: arguments replace, `depends_on` included (Terraform 1.11 accepts it).
//! - `locals`: value by value, wherever the original is defined.
//! - `terraform`: each setting replaces the original one, `required_providers` entry by entry,
//!   and a `backend` or `cloud` block replaces the original backend or cloud block.

use super::source::{Loc, SourceBuilder, SourceFile};
use crate::diag::{DResult, Diag};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::Span;
use std::ops::Range;
use std::sync::Arc;

/// Whether a configuration file name marks an override file.
pub fn is_override_file(name: &str) -> bool {
    let stem = name.strip_suffix(".tf.json").or_else(|| name.strip_suffix(".tf"));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// A top-level item of a module (a block, or a stray attribute for the loader to reject) with
/// the file its text is in.
pub type Item = (Arc<SourceFile>, Structure);

/// The top-level items of a module: those of the primary files in order, with the override
/// files' blocks merged in.
pub fn merge(primary: Vec<(Arc<SourceFile>, Body)>, overrides: Vec<(Arc<SourceFile>, Body)>) -> DResult<Vec<Item>> {
    let mut entries: Vec<Entry> = Vec::new();
    for (file, body) in primary {
        entries.extend(body.into_iter().map(|item| Entry {
            file: file.clone(),
            item,
            draft: None,
        }));
    }
    for (file, body) in overrides {
        for item in body {
            match item {
                Structure::Block(block) => apply(&mut entries, &file, block)?,
                attr @ Structure::Attribute(_) => entries.push(Entry {
                    file: file.clone(),
                    item: attr,
                    draft: None,
                }),
            }
        }
    }
    entries.into_iter().map(Entry::finish).collect()
}

/// A top-level item and, once an override touched it, its rewritten form.
struct Entry {
    file: Arc<SourceFile>,
    item: Structure,
    draft: Option<Draft>,
}

impl Entry {
    fn block(&self) -> Option<&Block> {
        match &self.item {
            Structure::Block(b) => Some(b),
            Structure::Attribute(_) => None,
        }
    }

    fn draft(&mut self) -> &mut Draft {
        let Entry { file, item, draft } = self;
        draft.get_or_insert_with(|| match item {
            Structure::Block(b) => Draft::of(file, b),
            Structure::Attribute(_) => unreachable!("only blocks are merged into"),
        })
    }

    fn finish(self) -> DResult<Item> {
        let Some(draft) = self.draft else {
            return Ok((self.file, self.item));
        };
        let mut out = SourceBuilder::new();
        draft.render(&mut out);
        let (file, body) = super::config::parse_file(&out.finish(self.file.path.clone()))?;
        let item = body
            .into_iter()
            .next()
            .ok_or_else(|| Diag::new("Internal error: a merged block was lost").at(draft.loc()))?;
        Ok((file, item))
    }
}

/// Text of one file: where a piece of a rewritten block comes from.
#[derive(Debug, Clone)]
struct Slice {
    file: Arc<SourceFile>,
    span: Range<usize>,
}

impl Slice {
    fn of(file: &Arc<SourceFile>, thing: &impl Span) -> Slice {
        Slice {
            file: file.clone(),
            span: thing.span().unwrap_or(0..0),
        }
    }

    fn loc(&self) -> Loc {
        Loc::new(&self.file, Some(self.span.clone()))
    }
}

/// A block being rewritten from pieces of several files.
#[derive(Debug, Clone)]
struct Draft {
    /// The block type and labels as written in the original.
    head: Slice,
    attrs: Vec<(String, Slice)>,
    blocks: Vec<Nested>,
}

/// A nested block of a draft: copied as written, or rewritten itself (`lifecycle`,
/// `required_providers`).
#[derive(Debug, Clone)]
enum Nested {
    Copy(Arc<SourceFile>, Box<Block>),
    Draft(String, Draft),
}

impl Nested {
    /// The block type it sets: a `dynamic "x"` block sets blocks of type `x`.
    fn sets(&self) -> &str {
        match self {
            Nested::Copy(_, b) => block_type(b),
            Nested::Draft(kind, _) => kind,
        }
    }
}

fn block_type(b: &Block) -> &str {
    match (b.ident.as_str(), b.labels.first()) {
        ("dynamic", Some(l)) => l.as_str(),
        (kind, _) => kind,
    }
}

impl Draft {
    fn of(file: &Arc<SourceFile>, block: &Block) -> Draft {
        let start = block.span().map_or(0, |s| s.start);
        let end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| block.ident.span())
            .map_or(start, |s| s.end);
        Draft {
            head: Slice {
                file: file.clone(),
                span: start..end,
            },
            attrs: block
                .body
                .attributes()
                .map(|a| (a.key.as_str().to_string(), Slice::of(file, a)))
                .collect(),
            blocks: block
                .body
                .blocks()
                .map(|b| Nested::Copy(file.clone(), Box::new(b.clone())))
                .collect(),
        }
    }

    fn loc(&self) -> Loc {
        self.head.loc()
    }

    fn render(&self, out: &mut SourceBuilder) {
        let head = &self.head;
        out.copy(&head.file, head.span.clone());
        out.push(" {\n", &head.file, head.span.end..head.span.end);
        for (_, s) in &self.attrs {
            out.copy(&s.file, s.span.clone());
            out.push("\n", &s.file, s.span.end..s.span.end);
        }
        for n in &self.blocks {
            match n {
                Nested::Copy(file, b) => {
                    let s = Slice::of(file, b);
                    out.copy(file, s.span.clone());
                    out.push("\n", file, s.span.end..s.span.end);
                }
                Nested::Draft(_, d) => d.render(out),
            }
        }
        out.push("}\n", &head.file, head.span.end..head.span.end);
    }

    /// Sets an attribute, in the original's place when it had one.
    fn set(&mut self, name: &str, slice: Slice) {
        match self.attrs.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = slice,
            None => self.attrs.push((name.to_string(), slice)),
        }
    }

    /// The general rule: attributes replace, nested block types replace all blocks of their
    /// type. Override blocks of the `ignored` types take no part.
    fn merge_body(&mut self, file: &Arc<SourceFile>, over: &Block, ignored: &[&str]) {
        for a in over.body.attributes() {
            self.set(a.key.as_str(), Slice::of(file, a));
        }
        let replacing: Vec<&Block> = over
            .body
            .blocks()
            .filter(|b| !ignored.contains(&b.ident.as_str()))
            .collect();
        self.blocks
            .retain(|n| !replacing.iter().any(|b| block_type(b) == n.sets()));
        self.blocks.extend(
            replacing
                .into_iter()
                .map(|b| Nested::Copy(file.clone(), Box::new(b.clone()))),
        );
    }

    /// The first nested block of a type, made rewritable; created from `like` (whose type
    /// header it copies) when there is none.
    fn nested(&mut self, kind: &str, like: (&Arc<SourceFile>, &Block)) -> &mut Draft {
        let i = match self.blocks.iter().position(|n| n.sets() == kind) {
            Some(i) => i,
            None => {
                let mut empty = Draft::of(like.0, like.1);
                empty.attrs.clear();
                empty.blocks.clear();
                self.blocks.push(Nested::Draft(kind.to_string(), empty));
                self.blocks.len() - 1
            }
        };
        if let Nested::Copy(file, b) = &self.blocks[i] {
            let d = Draft::of(file, b);
            self.blocks[i] = Nested::Draft(kind.to_string(), d);
        }
        match &mut self.blocks[i] {
            Nested::Draft(_, d) => d,
            Nested::Copy(..) => unreachable!("made a draft above"),
        }
    }
}

fn labels(b: &Block) -> Vec<&str> {
    b.labels.iter().map(|l| l.as_str()).collect()
}

fn literal(a: &Attribute) -> Option<&str> {
    match &a.value {
        Expression::String(s) => Some(s.value().as_str()),
        _ => None,
    }
}

/// What identifies a top-level block for merging: type and labels, plus the alias for providers.
fn identity(b: &Block) -> (String, Vec<String>) {
    let mut id: Vec<String> = labels(b).into_iter().map(str::to_string).collect();
    if b.ident.as_str() == "provider" {
        id.push(
            b.body
                .get_attribute("alias")
                .and_then(literal)
                .unwrap_or_default()
                .to_string(),
        );
    }
    (b.ident.as_str().to_string(), id)
}

/// The condition blocks Terraform refuses in override files.
fn no_conditions(file: &Arc<SourceFile>, body: &Body) -> DResult<()> {
    match body
        .blocks()
        .find(|b| matches!(b.ident.as_str(), "validation" | "precondition" | "postcondition"))
    {
        Some(b) => Err(Diag::new(format!("Can't override {} blocks", b.ident.as_str()))
            .detail(format!(
                "Override files cannot override \"{}\" blocks.",
                b.ident.as_str()
            ))
            .at(Slice::of(file, b).loc())),
        None => Ok(()),
    }
}

fn unsupported_depends_on(file: &Arc<SourceFile>, a: &Attribute) -> Diag {
    Diag::new("Unsupported override")
        .detail("The depends_on argument may not be overridden.")
        .at(Slice::of(file, a).loc())
}

/// Merges one override block into the entries.
fn apply(entries: &mut Vec<Entry>, file: &Arc<SourceFile>, over: Block) -> DResult<()> {
    let kind = over.ident.as_str().to_string();
    let loc = Slice::of(file, &over).loc();
    match kind.as_str() {
        "locals" => return merge_locals(entries, file, &over),
        "terraform" => {
            merge_terraform(entries, &over);
            entries.push(Entry {
                file: file.clone(),
                item: Structure::Block(over),
                draft: None,
            });
            return Ok(());
        }
        "moved" | "import" => {
            let what = if kind == "moved" {
                "Records of moved objects can appear only in normal files, not in override files."
            } else {
                "Import blocks can appear only in normal files, not in override files."
            };
            return Err(Diag::new(format!("Cannot override '{kind}' blocks"))
                .detail(what)
                .at(loc));
        }
        "check" => {
            return Err(Diag::new("Can't override check blocks")
                .detail("Override files cannot override check blocks.")
                .at(loc));
        }
        "resource" | "data" | "ephemeral" | "variable" | "output" | "module" | "provider" => {}
        // Other blocks (check, removed, unknown types) are added for the loader to judge.
        _ => {
            entries.push(Entry {
                file: file.clone(),
                item: Structure::Block(over),
                draft: None,
            });
            return Ok(());
        }
    }
    let id = identity(&over);
    let Some(target) = entries
        .iter_mut()
        .find(|e| e.block().is_some_and(|b| identity(b) == id))
    else {
        let l = labels(&over);
        let label = |i: usize| l.get(i).copied().unwrap_or_default();
        let (summary, detail) = match kind.as_str() {
            "resource" => (
                "Missing resource to override",
                format!("There is no {} resource named \"{}\". An override file can only override a resource block defined in a primary configuration file.", label(0), label(1)),
            ),
            "ephemeral" => (
                "Missing ephemeral resource to override",
                format!("There is no {} ephemeral resource named \"{}\". An override file can only override an ephemeral block defined in a primary configuration file.", label(0), label(1)),
            ),
            "data" => (
                "Missing data resource to override",
                format!("There is no {} data resource named \"{}\". An override file can only override a data block defined in a primary configuration file.", label(0), label(1)),
            ),
            "variable" => (
                "Missing base variable declaration to override",
                format!("There is no variable named \"{}\". An override file can only override a variable that was already declared in a primary configuration file.", label(0)),
            ),
            "output" => (
                "Missing base output definition to override",
                format!("There is no output named \"{}\". An override file can only override an output that was already defined in a primary configuration file.", label(0)),
            ),
            "module" => (
                "Missing module call to override",
                format!("There is no module call named \"{}\". An override file can only override a module call that was defined in a primary configuration file.", label(0)),
            ),
            _ => {
                let alias = id.1.last().cloned().unwrap_or_default();
                if alias.is_empty() {
                    // A default provider configuration exists implicitly; the override is it.
                    entries.push(Entry {
                        file: file.clone(),
                        item: Structure::Block(over),
                        draft: None,
                    });
                    return Ok(());
                }
                (
                    "Missing base provider configuration for override",
                    format!("There is no {} provider configuration with the alias \"{alias}\". An override file can only override an aliased provider configuration that was already defined in a primary configuration file.", label(0)),
                )
            }
        };
        return Err(Diag::new(summary).detail(detail).at(loc));
    };
    match kind.as_str() {
        "resource" | "data" | "ephemeral" => {
            if let Some(a) = over.body.get_attribute("depends_on") {
                return Err(unsupported_depends_on(file, a));
            }
            let draft = target.draft();
            draft.merge_body(file, &over, &["lifecycle"]);
            if draft.attrs.iter().any(|(n, _)| n == "count") {
                draft.attrs.retain(|(n, _)| n != "for_each");
            }
            for lc in over.body.blocks().filter(|b| b.ident.as_str() == "lifecycle") {
                no_conditions(file, &lc.body)?;
                let base = draft.nested("lifecycle", (file, lc));
                for a in lc.body.attributes() {
                    let empty_list = matches!(&a.value, Expression::Array(items) if items.is_empty());
                    if a.key.as_str() == "ignore_changes" && empty_list {
                        continue;
                    }
                    base.set(a.key.as_str(), Slice::of(file, a));
                }
            }
        }
        "variable" => {
            no_conditions(file, &over.body)?;
            target.draft().merge_body(file, &over, &[]);
        }
        "output" => {
            if let Some(a) = over.body.get_attribute("depends_on") {
                return Err(unsupported_depends_on(file, a));
            }
            no_conditions(file, &over.body)?;
            target.draft().merge_body(file, &over, &[]);
        }
        _ => target.draft().merge_body(file, &over, &[]),
    }
    Ok(())
}

/// Each local of an override replaces the local of the same name, wherever it is defined.
fn merge_locals(entries: &mut [Entry], file: &Arc<SourceFile>, over: &Block) -> DResult<()> {
    if let Some(b) = over.body.blocks().next() {
        return Err(Diag::new("Blocks are not allowed in locals").at(Slice::of(file, b).loc()));
    }
    for a in over.body.attributes() {
        let name = a.key.as_str();
        let Some(target) = entries.iter_mut().find(|e| {
            e.block()
                .is_some_and(|b| b.ident.as_str() == "locals" && b.body.get_attribute(name).is_some())
        }) else {
            return Err(Diag::new("Missing base local value definition to override")
                .detail(format!(
                    "There is no local value named \"{name}\". An override file can only override a local value that was already defined in a primary configuration file."
                ))
                .at(Slice::of(file, a).loc()));
        };
        target.draft().set(name, Slice::of(file, a));
    }
    Ok(())
}

/// Removes from the primary `terraform` blocks whatever an override `terraform` block sets, so
/// that adding the override block after them replaces each setting (and each
/// `required_providers` entry) on its own.
fn merge_terraform(entries: &mut [Entry], over: &Block) {
    let attrs: Vec<&str> = over.body.attributes().map(|a| a.key.as_str()).collect();
    let backend = over
        .body
        .blocks()
        .any(|b| matches!(b.ident.as_str(), "backend" | "cloud"));
    let providers: Vec<&str> = over
        .body
        .blocks()
        .filter(|b| b.ident.as_str() == "required_providers")
        .flat_map(|b| b.body.attributes().map(|a| a.key.as_str()))
        .collect();
    for e in entries.iter_mut() {
        let Some(b) = e.block().filter(|b| b.ident.as_str() == "terraform") else {
            continue;
        };
        let touched = b.body.attributes().any(|a| attrs.contains(&a.key.as_str()))
            || backend && b.body.blocks().any(|n| matches!(n.ident.as_str(), "backend" | "cloud"))
            || b.body.blocks().any(|n| {
                n.ident.as_str() == "required_providers"
                    && n.body.attributes().any(|a| providers.contains(&a.key.as_str()))
            });
        if !touched {
            continue;
        }
        let d = e.draft();
        d.attrs.retain(|(n, _)| !attrs.contains(&n.as_str()));
        if backend {
            d.blocks.retain(|n| !matches!(n.sets(), "backend" | "cloud"));
        }
        for n in d.blocks.iter_mut().filter(|n| n.sets() == "required_providers") {
            if let Nested::Copy(file, b) = n {
                let rp = Draft::of(file, b);
                *n = Nested::Draft("required_providers".into(), rp);
            }
            if let Nested::Draft(_, rp) = n {
                rp.attrs.retain(|(name, _)| !providers.contains(&name.as_str()));
            }
        }
    }
}

#[cfg(test)]
mod tests;
