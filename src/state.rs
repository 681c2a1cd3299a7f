//! The state document and the local backend.
//!
//! State is what infractl knows it manages: one versioned JSON document with a lineage (which
//! stack history it belongs to) and a serial (bumped on every write). The local backend writes it
//! atomically (temp file + rename) and keeps the previous version as a backup, after every
//! completed mutation, so a killed run loses nothing it had finished.

use crate::address::Address;
use crate::blueprint::config::Mode;
use crate::diag::{DResult, Diag};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The state file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The whole state of one stack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    /// Format version of the document.
    pub format_version: u32,
    /// Bumped on every write, so stale writers and stale plans can be detected.
    pub serial: u64,
    /// Identifies one stack's history; a state of another lineage is never overwritten.
    pub lineage: String,
    /// Managed resources and data sources, by address.
    pub resources: Vec<ResourceState>,
    /// Root module outputs.
    #[serde(default)]
    pub outputs: IndexMap<String, OutputState>,
}

/// One resource instance in state.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResourceState {
    /// Its address.
    pub address: Address,
    /// `managed` or `data`.
    pub mode: StateMode,
    /// Resource type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Provider-assigned id.
    pub id: String,
    /// Attributes as last read or written.
    pub attributes: serde_json::Value,
    /// Addresses this instance depended on when last applied (destroy order).
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Whether it was created with create_before_destroy (kept for destroy ordering).
    #[serde(default)]
    pub create_before_destroy: bool,
    /// Objects replaced with create_before_destroy whose deletion has not completed yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deposed: Vec<DeposedObject>,
}

/// An old object kept in state between the create of its replacement and its own delete, so a
/// run killed in between still deletes it next time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeposedObject {
    /// Provider id of the old object.
    pub id: String,
    /// Its last known attributes.
    pub attributes: serde_json::Value,
}

/// Mode as written in state files.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum StateMode {
    /// A managed resource.
    Managed,
    /// A data source.
    Data,
}

impl From<Mode> for StateMode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::Managed => StateMode::Managed,
            Mode::Data => StateMode::Data,
        }
    }
}

/// A root output value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutputState {
    /// The value.
    pub value: serde_json::Value,
    /// Hidden from normal output.
    pub sensitive: bool,
}

impl State {
    /// A fresh state with a new lineage.
    pub fn new() -> State {
        State {
            format_version: FORMAT_VERSION,
            serial: 0,
            lineage: uuid::Uuid::new_v4().to_string(),
            resources: Vec::new(),
            outputs: IndexMap::new(),
        }
    }

    /// Finds an instance by address.
    pub fn get(&self, address: &Address) -> Option<&ResourceState> {
        self.resources.iter().find(|r| &r.address == address)
    }

    /// Inserts or replaces an instance.
    pub fn upsert(&mut self, r: ResourceState) {
        match self.resources.iter_mut().find(|x| x.address == r.address) {
            Some(slot) => *slot = r,
            None => {
                self.resources.push(r);
                self.resources.sort_by(|a, b| a.address.cmp(&b.address));
            }
        }
    }

    /// Removes an instance; true when it was there.
    pub fn remove(&mut self, address: &Address) -> bool {
        let before = self.resources.len();
        self.resources.retain(|r| &r.address != address);
        before != self.resources.len()
    }

    /// Managed instances only.
    pub fn managed(&self) -> impl Iterator<Item = &ResourceState> {
        self.resources.iter().filter(|r| r.mode == StateMode::Managed)
    }

    /// Parses and checks a state document.
    pub fn from_json(text: &str, origin: &str) -> DResult<State> {
        let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Diag::new(format!("State file {origin} is not valid JSON")).detail(format!(
                "{e}. The file was left as it is; restore it from its .backup or from version control."
            ))
        })?;
        let version = raw.get("format_version").and_then(|v| v.as_u64());
        if version != Some(FORMAT_VERSION as u64) {
            return Err(
                Diag::new(format!("State file {origin} has an unsupported format version")).detail(format!(
                    "Found {:?}; this infractl reads format version {FORMAT_VERSION}.",
                    version
                )),
            );
        }
        serde_json::from_value(raw).map_err(|e| {
            Diag::new(format!("State file {origin} is damaged")).detail(format!("{e}. The file was left as it is."))
        })
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// A state file on the local disk.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    /// The state file's path.
    pub path: PathBuf,
}

impl LocalBackend {
    /// The backend for a state file.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend { path: path.into() }
    }

    /// Reads the state; `None` when there is no state file yet.
    pub fn read(&self) -> DResult<Option<State>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => State::from_json(&text, &self.path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diag::new(format!("Cannot read state file {}", self.path.display())).detail(e.to_string())),
        }
    }

    /// Writes the state atomically, keeping the previous file as `<name>.backup`. Refuses to
    /// overwrite a file of another lineage or a newer serial.
    pub fn write(&self, state: &State) -> DResult<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_diag("create state folder", dir, e))?;
        }
        if let Ok(Some(current)) = self.read() {
            if current.lineage != state.lineage {
                return Err(
                    Diag::new("Refusing to overwrite a state of another lineage").detail(format!(
                        "{} holds lineage {}, this run has {}.",
                        self.path.display(),
                        current.lineage,
                        state.lineage
                    )),
                );
            }
            if current.serial > state.serial {
                return Err(Diag::new("Refusing to overwrite a newer state").detail(format!(
                    "{} has serial {}, this run would write {}: another run changed it meanwhile.",
                    self.path.display(),
                    current.serial,
                    state.serial
                )));
            }
        }
        let text = serde_json::to_string_pretty(state).expect("state serialises");
        let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
        std::fs::write(&tmp, text.as_bytes()).map_err(|e| io_diag("write", &tmp, e))?;
        if self.path.exists() {
            let backup = backup_path(&self.path);
            std::fs::copy(&self.path, &backup).map_err(|e| io_diag("back up", &backup, e))?;
        }
        std::fs::rename(&tmp, &self.path).map_err(|e| io_diag("replace", &self.path, e))?;
        Ok(())
    }
}

/// Where the previous version of a state file is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".backup");
    path.with_file_name(name)
}

fn io_diag(what: &str, path: &Path, e: std::io::Error) -> Diag {
    Diag::new(format!("Cannot {what} {}", path.display())).detail(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        let mut s = State::new();
        s.upsert(ResourceState {
            address: Address::parse("aws_vpc.main").unwrap(),
            mode: StateMode::Managed,
            type_name: "aws_vpc".into(),
            id: "vpc-1".into(),
            attributes: serde_json::json!({"id": "vpc-1"}),
            dependencies: vec![],
            create_before_destroy: false,
            deposed: vec![],
        });
        s
    }

    #[test]
    fn writes_atomically_with_backup_and_guards_lineage_and_serial() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("s.tfstate.json"));
        assert!(b.read().unwrap().is_none());
        let mut s = sample();
        s.serial = 1;
        b.write(&s).unwrap();
        s.serial = 2;
        b.write(&s).unwrap();
        assert_eq!(b.read().unwrap().unwrap(), s);
        let backup = State::from_json(&std::fs::read_to_string(backup_path(&b.path)).unwrap(), "b").unwrap();
        assert_eq!(backup.serial, 1);

        let mut stale = s.clone();
        stale.serial = 1;
        assert!(b.write(&stale).unwrap_err().summary.contains("newer"));
        let other = State {
            serial: 5,
            ..State::new()
        };
        assert!(b.write(&other).unwrap_err().summary.contains("lineage"));
        assert_eq!(b.read().unwrap().unwrap().serial, 2);
    }

    #[test]
    fn damaged_state_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tfstate.json");
        std::fs::write(&p, "{\"format_version\": 1, \"serial\": ").unwrap();
        let err = LocalBackend::new(&p).read().unwrap_err();
        assert!(err.summary.contains("not valid JSON"));
        std::fs::write(&p, "{\"format_version\": 99}").unwrap();
        assert!(LocalBackend::new(&p)
            .read()
            .unwrap_err()
            .summary
            .contains("format version"));
    }
}
