//! Module sources beyond local folders: registry, git and archive modules, installed by
//! `infractl init` into `.terraform/modules/` and found again through `modules.json`, in
//! Terraform's layout so that a folder initialised by either tool works with the other.
//!
//! Data flow: [`source`] parses what a `module` block says; [`install`] (init only) resolves
//! registry versions ([`version`], [`registry`], [`cliconfig`]), fetches packages ([`fetch`],
//! [`git`], [`archive`] over [`http`]) and writes the [`manifest`]; loading (validate, plan,
//! apply) only reads the manifest through [`Installed`] and never touches the network.

pub mod archive;
pub mod cliconfig;
pub mod fetch;
pub mod git;
pub mod http;
pub mod install;
pub mod manifest;
pub mod registry;
pub mod source;
pub mod version;

use crate::blueprint::source::Loc;
use crate::diag::{DResult, Diag};
use manifest::Manifest;
use source::ModuleSource;
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use version::{Constraints, Version};

/// The modules folder as `modules.json` records paths under it: `.terraform/modules`, or
/// `$TF_DATA_DIR/modules` (relative to the root module's folder unless absolute).
pub fn modules_dir() -> String {
    let data = std::env::var("TF_DATA_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| ".terraform".into());
    format!("{}/modules", data.trim_end_matches('/'))
}

/// A `module` block as the loader hands it over.
#[derive(Debug, Clone, Copy)]
pub struct CallSite<'a> {
    /// Module path of the call, ending with its name (`["network", "vpc"]`).
    pub path: &'a [String],
    /// `source` as written.
    pub source: &'a str,
    /// Where `source` is written.
    pub source_loc: &'a Loc,
    /// `version` as written, if any.
    pub version: Option<&'a str>,
    /// Where the block starts.
    pub block_loc: &'a Loc,
    /// Folder of the calling module (local sources are relative to it).
    pub parent_dir: &'a Path,
}

impl CallSite<'_> {
    fn name(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("")
    }

    /// `main.tf:12`, as Terraform quotes a call in messages.
    fn at(&self) -> String {
        format!("{}:{}", self.block_loc.file.path.display(), self.block_loc.line())
    }
}

/// What the loader knows about installed modules: the root module's folder and, read on first
/// need, the `modules.json` init wrote there.
pub struct Installed {
    root: PathBuf,
    manifest: OnceCell<Result<Manifest, String>>,
}

impl Installed {
    /// For the tree rooted at `root`.
    pub fn new(root: &Path) -> Installed {
        Installed {
            root: root.to_path_buf(),
            manifest: OnceCell::new(),
        }
    }

    /// The folder holding the module a call names: a local source relative to the caller, any
    /// other from `modules.json` (which must be current: same source, and an installed
    /// version that still meets the constraint).
    pub fn child_dir(&self, call: &CallSite) -> DResult<PathBuf> {
        let source = parse_source(call)?;
        let constraints = check_version_use(call, &source)?;
        if let ModuleSource::Local(rel) = &source {
            let dir = lexical_join(call.parent_dir, rel);
            if !dir.is_dir() {
                return Err(Diag::new(format!("Module folder {} does not exist", dir.display())).at(call.source_loc));
            }
            return Ok(dir);
        }
        let manifest = self
            .manifest
            .get_or_init(|| manifest::read(&self.manifest_path()))
            .as_ref()
            .map_err(|e| Diag::new("Failed to read the module manifest").detail(format!("{e}. Run infractl init.")))?;
        let key = manifest::key(call.path);
        let not_installed = |why: String| {
            Diag::new("Module not installed: run infractl init")
                .detail(format!(
                    "{why} Run infractl init to install all modules required by this configuration."
                ))
                .at(call.block_loc)
        };
        let Some(record) = manifest.get(&key) else {
            return Err(not_installed(format!(
                "Module \"{}\" (source \"{}\") is not installed yet.",
                call.name(),
                call.source
            )));
        };
        if record.source != source.to_string() {
            return Err(Diag::new("Module source has changed: run infractl init")
                .detail(format!(
                    "Module \"{}\" was installed from \"{}\" but its source is now \"{source}\". Run infractl init to install all modules required by this configuration.",
                    call.name(),
                    record.source
                ))
                .at(call.block_loc));
        }
        if let (Some(v), Some(c)) = (&record.version, &constraints) {
            let fits = Version::parse(v).map(|v| c.check(&v)).unwrap_or(false);
            if !fits {
                return Err(Diag::new("Module version requirements have changed: run infractl init")
                    .detail(format!(
                        "Module \"{}\" is installed at version {v}, which does not meet the constraint \"{c}\". Run infractl init to install all modules required by this configuration.",
                        call.name()
                    ))
                    .at(call.block_loc));
            }
        }
        let dir = self.root.join(&record.dir);
        if !dir.is_dir() {
            return Err(not_installed(format!(
                "modules.json places module \"{}\" in {}, which does not exist.",
                call.name(),
                dir.display()
            )));
        }
        Ok(dir)
    }

    fn manifest_path(&self) -> PathBuf {
        self.root.join(modules_dir()).join(manifest::FILE_NAME)
    }
}

/// Parses a call's source, as an error at the `source` argument.
fn parse_source(call: &CallSite) -> DResult<ModuleSource> {
    source::parse(call.source).map_err(|e| Diag::new("Invalid module source address").detail(e).at(call.source_loc))
}

/// `version` is only for registry modules; parsed there.
fn check_version_use(call: &CallSite, source: &ModuleSource) -> DResult<Option<Constraints>> {
    let Some(text) = call.version else { return Ok(None) };
    let why = match source {
        ModuleSource::Registry(_) => {
            return Constraints::parse(text).map(Some).map_err(|e| {
                Diag::new("Invalid version constraint")
                    .detail(format!("{e} (module \"{}\").", call.name()))
                    .at(call.block_loc)
            })
        }
        ModuleSource::Local(_) => "it has a relative local path",
        ModuleSource::Remote(_) => "it doesn't come from a module registry",
    };
    Err(Diag::new("Invalid version constraint")
        .detail(format!(
            "Cannot apply a version constraint to module \"{}\" (at {}) because {why}.",
            call.name(),
            call.at()
        ))
        .at(call.block_loc))
}

/// `base/rel` with `.` and `..` resolved lexically (as Terraform joins module paths).
fn lexical_join(base: &Path, rel: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.file_name().is_some() && !out.ends_with("..") => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}
