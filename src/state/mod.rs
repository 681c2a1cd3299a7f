//! The state document and where it is kept.
//!
//! State is what infractl knows it manages: one versioned JSON document with a lineage (which
//! stack history it belongs to) and a serial (bumped on every write). Backends keep it: a local
//! file, or an S3 object with a DynamoDB (or S3) lock; both write after every completed mutation
//! and refuse to overwrite a newer state or another lineage.

pub mod backend;
pub mod journal;
pub mod local;
pub mod s3;

pub use backend::{Backend, LockInfo};
pub use local::LocalBackend;

use crate::address::Address;
use crate::diag::{DResult, Diag};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

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
    /// Addresses whose create was begun but whose outcome was never recorded (the run was
    /// killed, or the create failed): the next create of such an address first looks for the
    /// object, by tags or by its unique name.
    /// With each, the idempotency token its create call used.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub unfinished_creates: IndexMap<String, String>,
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
    /// The provider configuration that manages it (`aws.east`); absent for the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Whether it was created with create_before_destroy (kept for destroy ordering).
    #[serde(default)]
    pub create_before_destroy: bool,
    /// Objects replaced with create_before_destroy whose deletion has not completed yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deposed: Vec<DeposedObject>,
    /// Tainted: a create-time provisioner failed on it (or `taint` said so), so the next plan
    /// replaces it. Terraform's state records this as the instance's status.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
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
            unfinished_creates: IndexMap::new(),
        }
    }

    /// Finds an instance by address. `resources` is kept sorted by address, so this is a
    /// binary search: state lookups happen once per step, and stacks reach thousands of objects.
    pub fn get(&self, address: &Address) -> Option<&ResourceState> {
        self.position(address).ok().map(|i| &self.resources[i])
    }

    /// Finds an instance by address, for changing it in place.
    pub fn get_mut(&mut self, address: &Address) -> Option<&mut ResourceState> {
        self.position(address).ok().map(|i| &mut self.resources[i])
    }

    /// Inserts or replaces an instance, keeping the list sorted by address.
    pub fn upsert(&mut self, r: ResourceState) {
        match self.position(&r.address) {
            Ok(i) => self.resources[i] = r,
            Err(i) => self.resources.insert(i, r),
        }
    }

    /// Removes an instance; true when it was there.
    pub fn remove(&mut self, address: &Address) -> bool {
        match self.position(address) {
            Ok(i) => {
                self.resources.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Where an address is (or would go) in the sorted list. Lists edited by hand or written by
    /// older builds may be unsorted: `from_json` sorts them on load.
    fn position(&self, address: &Address) -> Result<usize, usize> {
        self.resources.binary_search_by(|r| r.address.cmp(address))
    }

    /// Notes that a create of `address` is about to be called with `token`.
    pub fn begin_create(&mut self, address: &Address, token: &str) {
        self.unfinished_creates.insert(address.to_string(), token.to_string());
    }

    /// The token of a create of `address` that was begun and never recorded as done.
    pub fn unfinished_create(&self, address: &Address) -> Option<&str> {
        self.unfinished_creates.get(&address.to_string()).map(String::as_str)
    }

    /// Records that `address`'s create (if any was under way) is done.
    pub fn finish_create(&mut self, address: &Address) {
        self.unfinished_creates.shift_remove(&address.to_string());
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
        let mut state: State = serde_json::from_value(raw).map_err(|e| {
            Diag::new(format!("State file {origin} is damaged")).detail(format!("{e}. The file was left as it is."))
        })?;
        state.resources.sort_by(|a, b| a.address.cmp(&b.address));
        Ok(state)
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_state_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tfstate.json");
        std::fs::write(&p, "{\"format_version\": 1, \"serial\": ").unwrap();
        let err = LocalBackend::new(&p).read_now().unwrap_err();
        assert!(err.summary.contains("not valid JSON"));
        std::fs::write(&p, "{\"format_version\": 99}").unwrap();
        assert!(LocalBackend::new(&p)
            .read_now()
            .unwrap_err()
            .summary
            .contains("format version"));
    }
}
