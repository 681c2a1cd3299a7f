//! `infractl init`'s module installation: walks every module call of the tree (a downloaded
//! module may call others), installs what is missing or stale into `.terraform/modules/<key>`,
//! and writes `modules.json`, as Terraform's module installer does.
//!
//! A call is (re)installed when it is not recorded, when its source changed, when its recorded
//! version no longer meets the constraint, or on `-upgrade`; replacing a call also forgets
//! everything below it. A recorded module whose folder exists is used as it is, so a folder
//! Terraform already initialised needs no download. Local sources are never copied: they are
//! recorded relative to their caller's folder (inside a downloaded package when the caller is
//! one). Records of calls no longer in the configuration are dropped.

use super::cliconfig::CliConfig;
use super::fetch::{expand_subdir, Fetcher};
use super::http::Http;
use super::manifest::{self, Manifest, Record};
use super::registry::{Registry, RegistryError};
use super::source::{self, clean_path, ModuleSource, RegistrySource, RemoteSource};
use super::version::Version;
use super::{check_version_use, modules_dir, parse_source, CallSite};
use crate::blueprint::config::{parse_file, read_tf_files};
use crate::blueprint::json_syntax::NoSchemas;
use crate::blueprint::overrides;
use crate::blueprint::source::Loc;
use crate::diag::{DResult, Diag};
use hcl_edit::expr::Expression;
use hcl_edit::structure::Structure;
use hcl_edit::Span;
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// How deep module calls may nest before a module is assumed to include itself.
const MAX_DEPTH: usize = 32;

/// A `module` block as installation needs it.
struct Call {
    name: String,
    source: String,
    source_loc: Loc,
    version: Option<String>,
    loc: Loc,
}

/// Installs the modules of the tree rooted at `root`; `say` receives progress lines. Returns
/// how many module calls the tree has.
pub fn install(root: &Path, upgrade: bool, say: &mut dyn FnMut(&str)) -> DResult<usize> {
    let mods = modules_dir();
    let manifest_path = root.join(&mods).join(manifest::FILE_NAME);
    let mut manifest =
        manifest::read(&manifest_path).map_err(|e| Diag::new("Failed to read the module manifest").detail(e))?;
    manifest.insert(
        String::new(),
        Record {
            key: String::new(),
            source: String::new(),
            version: None,
            dir: ".".into(),
        },
    );
    let mut run = Run {
        root,
        mods,
        upgrade,
        manifest,
        visited: BTreeSet::from([String::new()]),
        config: OnceCell::new(),
        http: OnceCell::new(),
        versions: HashMap::new(),
        locations: HashMap::new(),
        say,
        calls: 0,
    };
    let walked = run.walk(".", &[]);
    let Run {
        mut manifest,
        visited,
        calls,
        ..
    } = run;
    if calls == 0 && !manifest_path.exists() {
        return walked.map(|_| 0);
    }
    // Written even when a call failed, as Terraform does, so what was installed stays
    // installed; records of calls that are gone are dropped only after a complete walk.
    if walked.is_ok() {
        manifest.retain(|k, _| visited.contains(k));
    }
    let written = manifest::write(&manifest_path, &manifest)
        .map_err(|e| Diag::new("Failed to update the module manifest").detail(e));
    walked?;
    written?;
    Ok(calls)
}

struct Run<'a> {
    root: &'a Path,
    /// The modules folder as recorded (`.terraform/modules`).
    mods: String,
    upgrade: bool,
    manifest: Manifest,
    visited: BTreeSet<String>,
    config: OnceCell<CliConfig>,
    http: OnceCell<Result<Http, String>>,
    /// Versions listed per registry package, asked once per run.
    versions: HashMap<String, Vec<String>>,
    /// Download locations per package and version, asked once per run.
    locations: HashMap<(String, String), String>,
    say: &'a mut dyn FnMut(&str),
    calls: usize,
}

impl Run<'_> {
    fn walk(&mut self, dir: &str, path: &[String]) -> DResult<()> {
        if path.len() > MAX_DEPTH {
            return Err(Diag::new("Module nesting too deep").detail(format!(
                "module.{} is nested more than {MAX_DEPTH} levels deep; does a module call itself?",
                path.join(".module.")
            )));
        }
        let calls = scan_calls(&self.root.join(dir))?;
        for call in calls {
            if self.calls == 0 {
                (self.say)("Initializing modules...");
            }
            self.calls += 1;
            let mut child_path = path.to_vec();
            child_path.push(call.name.clone());
            let child_dir = self.install_call(dir, &child_path, &call)?;
            self.walk(&child_dir, &child_path)?;
        }
        Ok(())
    }

    /// Makes sure one call is installed; returns its folder as recorded.
    fn install_call(&mut self, parent_dir: &str, path: &[String], call: &Call) -> DResult<String> {
        let parent_abs = self.root.join(parent_dir);
        let site = CallSite {
            path,
            source: &call.source,
            source_loc: &call.source_loc,
            version: call.version.as_deref(),
            block_loc: &call.loc,
            parent_dir: &parent_abs,
        };
        let source = parse_source(&site)?;
        let constraints = check_version_use(&site, &source)?;
        let key = manifest::key(path);
        self.visited.insert(key.clone());

        let stale = match self.manifest.get(&key) {
            None => true,
            Some(r) if r.source != source.to_string() => true,
            Some(r) => match (&r.version, &constraints) {
                (Some(v), Some(c)) => !Version::parse(v).is_ok_and(|v| c.check(&v)),
                _ => false,
            },
        };
        if self.upgrade || stale {
            let prefix = format!("{key}.");
            self.manifest.retain(|k, _| *k != key && !k.starts_with(&prefix));
        } else if let Some(r) = self.manifest.get(&key) {
            if self.root.join(&r.dir).is_dir() {
                // Keep descendants' records: the walk below revisits them.
                return Ok(r.dir.clone());
            }
        }

        let record = match &source {
            ModuleSource::Local(rel) => {
                let joined = clean_path(&format!("{parent_dir}/{rel}"));
                let unreadable = |why: String| {
                    Diag::new("Unreadable module directory")
                        .detail(format!(
                            "The directory {joined} could not be read for module \"{}\" at {}{why}.",
                            call.name,
                            site.at()
                        ))
                        .at(&call.source_loc)
                };
                if !self.root.join(&joined).is_dir() {
                    return Err(unreadable(String::new()));
                }
                // Terraform records the folder with symbolic links resolved.
                let dir = eval_symlinks(self.root, &joined).map_err(|e| unreadable(format!(": {e}")))?;
                (self.say)(&format!("- {key} in {dir}"));
                Record {
                    key: key.clone(),
                    source: source.to_string(),
                    version: None,
                    dir,
                }
            }
            ModuleSource::Registry(addr) => {
                let constraints = constraints.unwrap_or_default();
                self.install_registry(&site, &key, addr, &constraints, &source)?
            }
            ModuleSource::Remote(remote) => {
                (self.say)(&format!("Downloading {source} for {key}..."));
                let inst = format!("{}/{key}", self.mods);
                self.fetch_into(&site, &remote.package, &inst, &call.source)?;
                let dir = self.subdir_of(&site, &inst, &remote.subdir)?;
                (self.say)(&format!("- {key} in {dir}"));
                Record {
                    key: key.clone(),
                    source: source.to_string(),
                    version: None,
                    dir,
                }
            }
        };
        let dir = record.dir.clone();
        self.manifest.insert(key, record);
        Ok(dir)
    }

    fn install_registry(
        &mut self,
        site: &CallSite,
        key: &str,
        addr: &RegistrySource,
        constraints: &super::version::Constraints,
        source: &ModuleSource,
    ) -> DResult<Record> {
        let package = addr.package();
        if !self.versions.contains_key(&package) {
            let listed = {
                let (config, http) = self.clients(site)?;
                Registry::new(http, config).versions(addr)
            };
            let listed = listed.map_err(|e| match e {
                RegistryError::NotFound => Diag::new("Module not found")
                    .detail(format!(
                        "Module \"{}\" (from {}) cannot be found in the module registry at {}: no module \"{package}\" there.",
                        site.name(),
                        site.at(),
                        addr.host
                    ))
                    .at(site.block_loc),
                RegistryError::Failed(e) => Diag::new("Error accessing remote module registry")
                    .detail(format!(
                        "Failed to retrieve available versions for module \"{}\" ({}, source \"{}\") from {}: {e}.",
                        site.name(),
                        site.at(),
                        site.source,
                        addr.host
                    ))
                    .at(site.block_loc),
            })?;
            self.versions.insert(package.clone(), listed);
        }
        let mut parsed = Vec::new();
        for text in &self.versions[&package] {
            match Version::parse(text) {
                Ok(v) => parsed.push(v),
                Err(_) => (self.say)(&format!(
                    "Warning: the registry at {} returned an invalid version \"{text}\" for module \"{}\" ({}), which was ignored.",
                    addr.host,
                    site.name(),
                    site.at()
                )),
            }
        }
        let Some(newest) = parsed
            .iter()
            .filter(|v| v.prerelease().is_empty() || constraints.allows(v))
            .max()
        else {
            return Err(Diag::new("Module has no versions")
                .detail(format!(
                    "Module \"{package}\" ({}) has no versions available on {}.",
                    site.at(),
                    addr.host
                ))
                .at(site.block_loc));
        };
        let Some(chosen) = constraints.newest(&parsed) else {
            return Err(Diag::new("Unresolvable module version constraint")
                .detail(format!(
                    "There is no available version of module \"{package}\" ({}) which matches the given version constraint \"{constraints}\". The newest available version is {newest}.",
                    site.at()
                ))
                .at(site.block_loc));
        };
        let chosen = chosen.to_string();
        (self.say)(&format!("Downloading {source} {chosen} for {key}..."));
        let loc_key = (package.clone(), chosen.clone());
        if !self.locations.contains_key(&loc_key) {
            let found = {
                let (config, http) = self.clients(site)?;
                Registry::new(http, config).location(addr, &chosen)
            };
            let location = found.map_err(|e| {
                Diag::new("Error accessing remote module registry")
                    .detail(format!(
                        "Failed to retrieve a download URL for {package} {chosen} from {}: {e}",
                        addr.host
                    ))
                    .at(site.block_loc)
            })?;
            self.locations.insert(loc_key.clone(), location);
        }
        let location = self.locations[&loc_key].clone();
        let remote: RemoteSource = match source::parse(&location) {
            Ok(ModuleSource::Remote(r)) => r,
            Ok(_) => {
                return Err(Diag::new("Invalid package location from module registry")
                    .detail(format!(
                        "Module registry {} returned invalid source location \"{location}\" for {package} {chosen}: must be a direct remote package address.",
                        addr.host
                    ))
                    .at(site.block_loc))
            }
            Err(e) => {
                return Err(Diag::new("Invalid package location from module registry")
                    .detail(format!(
                        "Module registry {} returned invalid source location \"{location}\" for {package} {chosen}: {e}",
                        addr.host
                    ))
                    .at(site.block_loc))
            }
        };
        let inst = format!("{}/{key}", self.mods);
        self.fetch_into(site, &remote.package, &inst, &location)?;
        let subdir = match (remote.subdir.is_empty(), addr.subdir.is_empty()) {
            (true, _) => addr.subdir.clone(),
            (false, true) => remote.subdir.clone(),
            (false, false) => clean_path(&format!("{}/{}", remote.subdir, addr.subdir)),
        };
        let dir = self.subdir_of(site, &inst, &subdir)?;
        (self.say)(&format!("- {key} in {dir}"));
        Ok(Record {
            key: key.to_string(),
            source: source.to_string(),
            version: Some(chosen),
            dir,
        })
    }

    /// The CLI configuration and HTTP client, made on first need.
    fn clients(&mut self, site: &CallSite) -> DResult<(&CliConfig, &Http)> {
        if self.config.get().is_none() {
            let config = CliConfig::load();
            for w in &config.warnings {
                (self.say)(&format!("Warning: {w}"));
            }
            let _ = self.config.set(config);
        }
        let http = self.http.get_or_init(Http::new).as_ref().map_err(|e| {
            Diag::new("Cannot set up HTTPS for module downloads")
                .detail(e.clone())
                .at(site.block_loc)
        })?;
        Ok((self.config.get().expect("set above"), http))
    }

    /// Fetches `package` into the recorded folder `inst` (emptied first).
    fn fetch_into(&mut self, site: &CallSite, package: &str, inst: &str, shown_source: &str) -> DResult<()> {
        let abs = self.root.join(inst);
        let failed = |e: String| {
            Diag::new("Failed to download module")
                .detail(format!(
                    "Could not download module \"{}\" ({}) source code from \"{shown_source}\": {e}",
                    site.name(),
                    site.at()
                ))
                .at(site.block_loc)
        };
        match std::fs::remove_dir_all(&abs) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(format!("cannot remove the old copy in {inst}: {e}"))),
        }
        if let Some(parent) = abs.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(format!("cannot create {}: {e}", parent.display())))?;
        }
        let (_, http) = self.clients(site)?;
        let result = Fetcher::new(http).fetch(package, &abs);
        if let Err(e) = result {
            let _ = std::fs::remove_dir_all(&abs);
            return Err(failed(e));
        }
        Ok(())
    }

    /// The recorded folder of `subdir` (globs expanded) inside the package at `inst`.
    fn subdir_of(&self, site: &CallSite, inst: &str, subdir: &str) -> DResult<String> {
        if subdir.is_empty() {
            return Ok(inst.to_string());
        }
        let abs = self.root.join(inst);
        let found = expand_subdir(&abs, subdir).map_err(|e| {
            Diag::new("Unreadable module subdirectory")
                .detail(format!(
                    "Module \"{}\" ({}): {e} in the downloaded package {inst}.",
                    site.name(),
                    site.at()
                ))
                .at(site.block_loc)
        })?;
        let rel = found.strip_prefix(&abs).unwrap_or(Path::new(subdir));
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(format!("{inst}/{}", rel.join("/")))
    }
}

/// Go's `filepath.EvalSymlinks` for a recorded path (relative to `root`, or absolute): each
/// symbolic link met is replaced by its target, so the result stays relative unless a link
/// points somewhere absolute (a `file://` package is a link to its folder, as in Terraform).
fn eval_symlinks(root: &Path, path: &str) -> Result<String, String> {
    let mut done = if path.starts_with('/') {
        "/".to_string()
    } else {
        String::new()
    };
    let mut todo: std::collections::VecDeque<String> =
        path.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
    let mut links = 0;
    while let Some(seg) = todo.pop_front() {
        match seg.as_str() {
            "." => continue,
            ".." => {
                if done.is_empty() || done == ".." || done.ends_with("/..") {
                    done = if done.is_empty() {
                        "..".into()
                    } else {
                        format!("{done}/..")
                    };
                } else if done != "/" {
                    done = match done.rfind('/') {
                        Some(0) => "/".into(),
                        Some(i) => done[..i].to_string(),
                        None => String::new(),
                    };
                }
                continue;
            }
            _ => {}
        }
        let candidate = match done.as_str() {
            "" => seg.clone(),
            "/" => format!("/{seg}"),
            d => format!("{d}/{seg}"),
        };
        let full = root.join(&candidate);
        let meta = std::fs::symlink_metadata(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        if !meta.file_type().is_symlink() {
            done = candidate;
            continue;
        }
        links += 1;
        if links > 255 {
            return Err(format!("{path}: too many links"));
        }
        let target = std::fs::read_link(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        let target = target.to_string_lossy().into_owned();
        if target.starts_with('/') {
            done = "/".into();
        }
        for part in target.split('/').rev().filter(|s| !s.is_empty()) {
            todo.push_front(part.to_string());
        }
    }
    Ok(if done.is_empty() { ".".into() } else { done })
}

/// The `module` blocks of one folder, sorted by name (Terraform's install order).
fn scan_calls(dir: &Path) -> DResult<Vec<Call>> {
    let mut calls = Vec::new();
    let (mut primary, mut overriding) = (Vec::new(), Vec::new());
    for (is_override, file) in read_tf_files(dir, &NoSchemas)? {
        let parsed = parse_file(&file)?;
        if is_override {
            overriding.push(parsed);
        } else {
            primary.push(parsed);
        }
    }
    for (file, structure) in overrides::merge(primary, overriding)? {
        {
            let Structure::Block(block) = structure else { continue };
            if block.ident.as_str() != "module" || block.labels.len() != 1 {
                continue;
            }
            let name = block.labels[0].as_str().to_string();
            let loc = Loc::new(&file, block.span());
            let mut source = None;
            let mut version = None;
            for s in block.body.iter() {
                let Structure::Attribute(a) = s else { continue };
                let aloc = Loc::new(&file, a.span());
                let text = match &a.value {
                    Expression::String(v) => Some(v.value().clone()),
                    _ => None,
                };
                match a.key.as_str() {
                    "source" => {
                        let text = text.ok_or_else(|| {
                            Diag::new("Invalid module source address")
                                .detail("The \"source\" argument must be a literal string: module sources are resolved before any expression is evaluated.")
                                .at(&aloc)
                        })?;
                        source = Some((text, aloc));
                    }
                    "version" => {
                        version = Some(text.ok_or_else(|| {
                            Diag::new("Invalid version constraint")
                                .detail("The \"version\" argument must be a literal string.")
                                .at(&aloc)
                        })?);
                    }
                    _ => {}
                }
            }
            let (source, source_loc) =
                source.ok_or_else(|| Diag::new(format!("Module \"{name}\" has no source")).at(&loc))?;
            calls.push(Call {
                name,
                source,
                source_loc,
                version,
                loc,
            });
        }
    }
    calls.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(calls)
}

/// Installs, printing progress to standard output (what `infractl init` runs).
pub fn install_printing(root: &Path, upgrade: bool) -> DResult<usize> {
    install(root, upgrade, &mut |line| println!("{line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn local_and_file_sources_are_recorded_in_terraform_layout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let pkg = dir.path().join("pkg");
        write(&pkg, "net/main.tf", "module \"inner\" {\n  source = \"../shared\"\n}\n");
        write(&pkg, "shared/main.tf", "output \"x\" { value = 1 }\n");
        write(
            &root,
            "main.tf",
            &format!(
                "module \"b\" {{\n  source = \"./modules/b/\"\n}}\nmodule \"a\" {{\n  source = \"{}//net\"\n}}\n",
                pkg.display()
            ),
        );
        write(&root, "modules/b/main.tf", "locals {}\n");
        let mut lines = Vec::new();
        let n = install(&root, false, &mut |l| lines.push(l.to_string())).unwrap();
        assert_eq!(n, 3, "{lines:?}");
        let text = std::fs::read_to_string(root.join(".terraform/modules/modules.json")).unwrap();
        assert_eq!(
            text,
            format!(
                r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"a","Source":"file://{p}//net","Dir":".terraform/modules/a/net"}},{{"Key":"a.inner","Source":"../shared","Dir":"{p}/shared"}},{{"Key":"b","Source":"./modules/b","Dir":"modules/b"}}]}}"#,
                p = pkg.display()
            )
        );
        // As Terraform does, a file:// package is a link to its folder.
        assert!(std::fs::symlink_metadata(root.join(".terraform/modules/a"))
            .unwrap()
            .file_type()
            .is_symlink());
        // A second run finds everything installed and downloads nothing.
        let mut again = Vec::new();
        install(&root, false, &mut |l| again.push(l.to_string())).unwrap();
        assert!(!again.iter().any(|l| l.starts_with("Downloading")), "{again:?}");
        // -upgrade fetches again (and fails, the package being gone), naming the call.
        std::fs::remove_dir_all(&pkg).unwrap();
        let err = install(&root, true, &mut |_| {}).unwrap_err();
        assert_eq!(err.summary, "Failed to download module");
        assert!(err.location.unwrap().contains("main.tf:4"));
    }

    #[test]
    fn a_failed_call_keeps_what_was_installed_before_it() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "main.tf",
            "module \"a\" {\n  source = \"./a\"\n}\nmodule \"b\" {\n  source = \"/no/such/package\"\n}\n",
        );
        write(dir.path(), "a/main.tf", "locals {}\n");
        let err = install(dir.path(), false, &mut |_| {}).unwrap_err();
        assert_eq!(err.summary, "Failed to download module");
        let written = std::fs::read_to_string(dir.path().join(".terraform/modules/modules.json")).unwrap();
        assert!(written.contains(r#"{"Key":"a","Source":"./a","Dir":"a"}"#), "{written}");
        assert!(!written.contains("\"b\""), "{written}");
    }

    #[test]
    fn version_on_a_non_registry_source_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "main.tf",
            "module \"a\" {\n  source  = \"./a\"\n  version = \"1.0.0\"\n}\n",
        );
        write(dir.path(), "a/main.tf", "locals {}\n");
        let err = install(dir.path(), false, &mut |_| {}).unwrap_err();
        assert!(err.detail.unwrap().contains("relative local path"));
    }

    #[test]
    fn a_folder_without_module_calls_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "main.tf", "locals {}\n");
        assert_eq!(install(dir.path(), false, &mut |_| {}).unwrap(), 0);
        assert!(!dir.path().join(".terraform").exists());
    }
}
