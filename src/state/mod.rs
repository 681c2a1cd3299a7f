//! The state document and where it is kept.
//!
//! State is what infractl knows it manages: one versioned JSON document with a lineage (which
//! stack history it belongs to) and a serial (bumped on every write). Its file format is
//! Terraform's own (state format version 4, [`tfstate`]), so the same file serves both tools.
//! Backends keep it: a local file, or an S3 object with a DynamoDB (or S3) lock; both write
//! after every completed mutation and refuse to overwrite a newer state or another lineage.

pub mod backend;
pub mod fslock;
pub mod journal;
pub mod local;
pub mod s3;
pub mod tfstate;

pub use backend::{Backend, LockInfo};
pub use local::LocalBackend;

use crate::address::Address;
use crate::blueprint::config::Mode;
use crate::diag::DResult;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Who keeps a state: which tool's conventions infractl follows toward the objects it holds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Keeper {
    /// infractl's own stack: objects carry its ownership tags (`infractl:stack`,
    /// `infractl:address`), which crash recovery uses to find objects a killed run made.
    #[default]
    Infractl,
    /// A stack Terraform also runs: infractl behaves toward the objects as Terraform would (no
    /// ownership tags, which Terraform would plan to remove), and leaves state readable by it.
    Terraform,
}

/// The whole state of one stack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
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
    /// Whose conventions the stack follows; see [`Keeper`] and [`tfstate`] for how it is told.
    #[serde(default)]
    pub keeper: Keeper,
    /// `terraform_version` of the document: as read (kept, so Terraform sees the version it
    /// wrote), [`tfstate::TERRAFORM_VERSION`] for a state infractl started.
    #[serde(default = "tfstate::default_terraform_version")]
    pub terraform_version: String,
    /// Terraform's `check_results` as read, kept as they are (infractl evaluates no checks
    /// between runs; Terraform recomputes them on its next plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_results: Option<serde_json::Value>,
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
    /// The provider's schema version the attributes follow (Terraform upgrades objects
    /// recorded with an older one when it reads them).
    #[serde(default)]
    pub schema_version: u64,
    /// Paths of attributes Terraform treats as sensitive (its `sensitive_attributes`, kept in
    /// its own JSON form): marks from the schema and from sensitive values in the configuration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<serde_json::Value>,
    /// The provider's private data for the object (Terraform's `private`, base64), kept as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// Terraform marked the object tainted (its create failed part way, or `terraform taint`):
    /// the next apply replaces it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
    /// The types Terraform records beside the values of dynamically typed attributes
    /// (`terraform_data.input`), by attribute: as read from Terraform's state, or found from the
    /// blueprint's expressions when applied. Terraform compares a value with its type, so a
    /// list recorded as a tuple would plan a change; an attribute without one takes its value's
    /// shape.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub dynamic_types: IndexMap<String, serde_json::Value>,
}

impl ResourceState {
    /// An object at `address` with nothing but its id and attributes recorded; the other fields
    /// take their defaults (no dependencies, default provider configuration, schema version 0).
    pub fn new(address: Address, id: impl Into<String>, attributes: serde_json::Value) -> ResourceState {
        ResourceState {
            mode: address.mode.into(),
            type_name: address.type_name.clone(),
            address,
            id: id.into(),
            attributes,
            dependencies: Vec::new(),
            provider: None,
            create_before_destroy: false,
            deposed: Vec::new(),
            schema_version: 0,
            sensitive_attributes: Vec::new(),
            private: None,
            tainted: false,
            dynamic_types: IndexMap::new(),
        }
    }
}

/// An old object kept in state between the create of its replacement and its own delete, so a
/// run killed in between still deletes it next time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeposedObject {
    /// The key Terraform's state names it by (`deposed`, 8 hex digits), unique per address.
    #[serde(default)]
    pub key: String,
    /// Provider id of the old object.
    pub id: String,
    /// Its last known attributes.
    pub attributes: serde_json::Value,
    /// Schema version of those attributes.
    #[serde(default)]
    pub schema_version: u64,
    /// Its sensitive attribute paths, as Terraform records them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<serde_json::Value>,
    /// The provider's private data for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
}

impl DeposedObject {
    /// Deposes the current object of `r`, with a key no other deposed object of it has.
    pub fn of(r: &ResourceState) -> DeposedObject {
        let key = loop {
            let candidate = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
            if r.deposed.iter().all(|d| d.key != candidate) {
                break candidate;
            }
        };
        DeposedObject {
            key,
            id: r.id.clone(),
            attributes: r.attributes.clone(),
            schema_version: r.schema_version,
            sensitive_attributes: r.sensitive_attributes.clone(),
            private: r.private.clone(),
        }
    }
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
            // Ephemeral objects never reach state; like data sources they are read, not owned.
            Mode::Data | Mode::Ephemeral => StateMode::Data,
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
    /// Its type in Terraform's JSON spelling (`"string"`, `["tuple", [...]]`), as recorded;
    /// `None` when not known (the state writer then derives it from the value).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub value_type: Option<serde_json::Value>,
}

impl State {
    /// A fresh state with a new lineage.
    pub fn new() -> State {
        State {
            serial: 0,
            lineage: uuid::Uuid::new_v4().to_string(),
            resources: Vec::new(),
            outputs: IndexMap::new(),
            unfinished_creates: IndexMap::new(),
            keeper: Keeper::Infractl,
            terraform_version: tfstate::default_terraform_version(),
            check_results: None,
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

    /// Parses and checks a state document: Terraform's format (version 4, what infractl
    /// writes), or infractl's earlier format 1 (read once; the next write is version 4).
    pub fn from_json(text: &str, origin: &str) -> DResult<State> {
        tfstate::decode(text, origin)
    }

    /// The state document as written to a file or object (Terraform's format version 4).
    pub fn to_json(&self) -> String {
        tfstate::encode(self)
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
        std::fs::write(&p, "{\"version\": 4, \"serial\": ").unwrap();
        let err = LocalBackend::new(&p).read_now().unwrap_err();
        assert!(err.summary.contains("not valid JSON"));
        std::fs::write(&p, "{\"version\": 99}").unwrap();
        assert!(LocalBackend::new(&p)
            .read_now()
            .unwrap_err()
            .summary
            .contains("format version"));
    }
}
