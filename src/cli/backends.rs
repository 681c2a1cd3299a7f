//! Which backend a blueprint uses, and in which workspace: reads the `backend` block, the
//! settings recorded by `infractl init` (in `.infractl/` beside the blueprint, as Terraform keeps
//! them in `.terraform/`), and the selected workspace; opens the backend; takes and releases the
//! state lock around a command.

use crate::blueprint::config::{Body, Module};
use crate::blueprint::eval::{self, Bindings, Resolver};
use crate::blueprint::source::Loc;
use crate::diag::{DResult, Diag};
use crate::duration::parse_go_duration;
use crate::state::backend::acquire;
use crate::state::s3::{S3Backend, S3Config};
use crate::state::{Backend, LocalBackend, LockInfo};
use crate::value::Value;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Where a blueprint keeps its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum BackendSpec {
    /// A file under `state/` (or `-state`, or `$INFRACTL_STATE_DIR`).
    Local,
    /// An S3 object with a lock.
    S3(Box<S3Config>),
}

/// What `infractl init` recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InitRecord {
    /// The backend as configured (block plus -backend-config).
    pub backend: BackendSpec,
    /// Hash of the blueprint's backend block when init ran, to notice later edits.
    pub block_hash: String,
}

/// Folder beside the blueprint where init's record and the selected workspace live.
pub fn work_dir(blueprint: &Path) -> PathBuf {
    blueprint.join(".infractl")
}

fn record_path(blueprint: &Path) -> PathBuf {
    work_dir(blueprint).join("backend.json")
}

/// Reads init's record, if any.
pub fn read_record(blueprint: &Path) -> DResult<Option<InitRecord>> {
    match std::fs::read_to_string(record_path(blueprint)) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            Diag::new("The backend settings recorded by init are damaged")
                .detail(format!("{e}. Run infractl init -reconfigure."))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Diag::new("Cannot read the backend settings recorded by init").detail(e.to_string())),
    }
}

/// Saves init's record.
pub fn write_record(blueprint: &Path, record: &InitRecord) -> DResult<()> {
    std::fs::create_dir_all(work_dir(blueprint))
        .and_then(|_| {
            std::fs::write(
                record_path(blueprint),
                serde_json::to_string_pretty(record).expect("serialises"),
            )
        })
        .map_err(|e| Diag::new("Cannot save the backend settings").detail(e.to_string()))
}

/// A backend block: its type, its settings, and where it was written.
pub type BlockSettings = (String, IndexMap<String, Value>, Loc);

/// The backend block's settings as values: no references are allowed there, as in Terraform.
pub fn block_settings(root: &Module) -> DResult<Option<BlockSettings>> {
    let Some((kind, body)) = &root.backend else {
        return Ok(None);
    };
    Ok(Some((kind.clone(), eval_constant_body(body)?, body.loc.clone())))
}

fn eval_constant_body(body: &Body) -> DResult<IndexMap<String, Value>> {
    struct NoRefs;
    impl Resolver for NoRefs {
        fn resolve(&self, root: &str, _: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
            Err(Diag::new("Variables not allowed")
                .detail(format!(
                    "A backend block cannot refer to \"{root}\"; pass values with -backend-config instead."
                ))
                .at(loc))
        }
    }
    let mut out = IndexMap::new();
    for (name, attr) in &body.attrs {
        out.insert(name.clone(), eval::eval(&attr.expr, &NoRefs, &Bindings::default())?);
    }
    for nested in &body.blocks {
        let inner = eval_constant_body(&nested.body)?;
        out.insert(nested.kind.clone(), Value::List(vec![Value::Object(inner)]));
    }
    Ok(out)
}

/// Hash of the backend block, so a later edit of it asks for init again.
pub fn block_hash(settings: &Option<BlockSettings>) -> String {
    let text = match settings {
        None => "local".to_string(),
        Some((kind, values, _)) => format!("{kind}:{}", Value::Object(values.clone()).to_json()),
    };
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The backend a command uses: from init's record when the blueprint has a remote backend.
pub fn resolve(root: &Module) -> DResult<BackendSpec> {
    let settings = block_settings(root)?;
    let record = read_record(&root.dir)?;
    match (&settings, record) {
        (None, None) => Ok(BackendSpec::Local),
        (Some((kind, _, _)), None) if kind == "local" => Ok(BackendSpec::Local),
        (Some((kind, _, loc)), None) => Err(Diag::new("Backend initialization required")
            .detail(format!("The blueprint uses the \"{kind}\" backend. Run infractl init (with -migrate-state to move an existing local state into it)."))
            .at(loc)),
        (_, Some(record)) => {
            if record.block_hash != block_hash(&settings) {
                return Err(Diag::new("Backend configuration changed").detail(
                    "The backend block differs from the one infractl init was run with. Run infractl init -migrate-state to move the state, or infractl init -reconfigure to use the new settings as they are.",
                ));
            }
            Ok(record.backend)
        }
    }
}

/// The workspace in use: `TF_WORKSPACE`, else the one selected with `workspace select`.
pub fn current_workspace(blueprint: &Path) -> String {
    if let Ok(ws) = std::env::var("TF_WORKSPACE") {
        if !ws.is_empty() {
            return ws;
        }
    }
    std::fs::read_to_string(work_dir(blueprint).join("environment"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into())
}

/// Records the selected workspace.
pub fn select_workspace(blueprint: &Path, name: &str) -> DResult<()> {
    std::fs::create_dir_all(work_dir(blueprint))
        .and_then(|_| std::fs::write(work_dir(blueprint).join("environment"), name))
        .map_err(|e| Diag::new("Cannot record the selected workspace").detail(e.to_string()))
}

/// Checks a workspace name as Terraform does.
pub fn valid_workspace_name(name: &str) -> DResult<()> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Diag::new(format!("Invalid workspace name \"{name}\""))
            .detail("Workspace names may contain letters, digits, - and _ only."));
    }
    Ok(())
}

/// Where the local backend keeps a workspace's state.
pub fn local_path(explicit: Option<&PathBuf>, start_dir: &Path, stack: &str, workspace: &str) -> PathBuf {
    if let Some(p) = explicit {
        return if p.is_absolute() { p.clone() } else { start_dir.join(p) };
    }
    let dir = std::env::var_os("INFRACTL_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| start_dir.join("state"));
    if workspace == "default" {
        dir.join(format!("{stack}.tfstate.json"))
    } else {
        dir.join(format!("{stack}.tfstate.d"))
            .join(format!("{workspace}.tfstate.json"))
    }
}

/// Workspaces of the local backend: default and every state file under `<stack>.tfstate.d/`.
pub fn local_workspaces(start_dir: &Path, stack: &str) -> Vec<String> {
    let default = local_path(None, start_dir, stack, "default");
    let dir = default.with_file_name(format!("{stack}.tfstate.d"));
    let mut names = vec!["default".to_string()];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if let Some(ws) = n.strip_suffix(".tfstate.json") {
                names.push(ws.to_string());
            }
        }
    }
    names.sort();
    names
}

/// Opens the backend of a spec for a workspace.
pub async fn open(spec: &BackendSpec, local: PathBuf, workspace: &str) -> DResult<Arc<dyn Backend>> {
    Ok(match spec {
        BackendSpec::Local => Arc::new(LocalBackend::new(local)),
        BackendSpec::S3(config) => Arc::new(S3Backend::open(config, workspace).await?),
    })
}

/// Parses `-backend-config` values: `KEY=VALUE` pairs or files of `key = value` lines.
pub fn backend_config_overrides(args: &[String]) -> DResult<IndexMap<String, Value>> {
    let mut out = IndexMap::new();
    for a in args {
        if let Some((k, v)) = a.split_once('=') {
            if !k.contains('/') && !k.contains('.') {
                out.insert(k.trim().to_string(), parse_scalar(v));
                continue;
            }
        }
        let text = std::fs::read_to_string(a)
            .map_err(|e| Diag::new(format!("Cannot read -backend-config file {a}")).detail(e.to_string()))?;
        let (file, body) = crate::blueprint::config::parse_file(&crate::blueprint::source::SourceFile::new(a, text))?;
        let converted = crate::blueprint::config::convert_body(&file, &body, Loc::new(&file, Some(0..0)))?;
        out.extend(eval_constant_body(&converted)?);
    }
    Ok(out)
}

fn parse_scalar(v: &str) -> Value {
    match v {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        other => Value::str(other),
    }
}

/// The lock a command holds; released explicitly (errors included) by [`release`].
pub struct HeldLock {
    backend: Arc<dyn Backend>,
    id: Option<String>,
}

/// Takes the state lock unless `-lock=false`, waiting up to `-lock-timeout`.
pub async fn lock(
    backend: &Arc<dyn Backend>,
    operation: &str,
    enabled: bool,
    timeout: Option<&str>,
) -> DResult<HeldLock> {
    if !enabled {
        eprintln!("Warning: running without the state lock (-lock=false). Another run can change the same state at the same time.");
        return Ok(HeldLock {
            backend: backend.clone(),
            id: None,
        });
    }
    let wait = match timeout {
        Some(t) => parse_go_duration(t)
            .ok_or_else(|| Diag::new(format!("Invalid -lock-timeout \"{t}\"")).detail("Write it as 30s, 5m or 1h."))?,
        None => Duration::ZERO,
    };
    let info = LockInfo::new(operation, &backend.describe());
    acquire(backend.as_ref(), &info, wait).await?;
    Ok(HeldLock {
        backend: backend.clone(),
        id: Some(info.id),
    })
}

/// Releases a lock taken by [`lock`], reporting (not hiding) a failure to release.
pub async fn release(lock: HeldLock) {
    if let Some(id) = lock.id {
        if let Err(d) = lock.backend.unlock(&id).await {
            eprintln!("{d}\n\nThe state lock could not be released; remove it with: infractl force-unlock {id}");
        }
    }
}
