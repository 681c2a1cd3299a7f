//! Saved plan files (`plan -out FILE`, `apply FILE`).
//!
//! A saved plan records the refreshed state it was made from, the variable values, a hash of the
//! blueprint and the planned actions. Applying it re-derives the plan from exactly those inputs
//! and refuses when the state moved on, the blueprint changed, or the actions would differ, so
//! `apply FILE` does what the reviewed plan showed or nothing.

use crate::blueprint::config::Module;
use crate::diag::{DResult, Diag};
use crate::plan::{Action, Plan, PlanOptions, Planner};
use crate::state::{Backend, State};
use crate::value::Value;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

const FORMAT: u32 = 1;

/// The contents of a plan file.
#[derive(Serialize, Deserialize)]
pub struct SavedPlan {
    format_version: u32,
    blueprint_hash: String,
    inputs: IndexMap<String, serde_json::Value>,
    /// SHA-256 of each sensitive variable's value: the values themselves are never written.
    #[serde(default)]
    sensitive_inputs: IndexMap<String, String>,
    prior: State,
    options: PlanOptions,
    actions: Vec<(String, Action)>,
    /// The plan in Terraform's JSON plan format, made when the plan was (it needs the values
    /// and configuration of that moment): what `show -json FILE` prints for policy tools.
    #[serde(default)]
    terraform_json: Option<serde_json::Value>,
}

/// Hash of every `*.tf` file of the blueprint and its modules.
fn blueprint_hash(root: &Module) -> String {
    let mut h = Sha256::new();
    for (path, module) in root.walk() {
        h.update(path.join(".").as_bytes());
        let mut files: Vec<_> = std::fs::read_dir(&module.dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "tf" || x == "tfvars"));
        files.sort();
        for f in files {
            h.update(f.file_name().unwrap_or_default().as_encoded_bytes());
            h.update(std::fs::read(&f).unwrap_or_default());
        }
    }
    hex::encode(h.finalize())
}

fn is_sensitive(root: &Module, name: &str) -> bool {
    root.variables.get(name).is_some_and(|v| v.sensitive)
}

/// Ephemeral variables are not in plan files at all (not even as digests): they are given
/// again when the plan is applied, and may differ, as with Terraform.
fn is_ephemeral(root: &Module, name: &str) -> bool {
    root.variables.get(name).is_some_and(|v| v.ephemeral)
}

fn digest(v: &Value) -> String {
    hex::encode(Sha256::digest(v.to_json().to_string().as_bytes()))
}

fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes.iter().map(|c| (c.address.to_string(), c.action)).collect()
}

/// Writes a plan file.
pub fn save(
    path: &Path,
    plan: &Plan,
    root: &Module,
    inputs: &IndexMap<String, Value>,
    terraform_json: serde_json::Value,
) -> DResult<()> {
    let saved = SavedPlan {
        format_version: FORMAT,
        blueprint_hash: blueprint_hash(root),
        inputs: inputs
            .iter()
            .filter(|(k, _)| !is_sensitive(root, k) && !is_ephemeral(root, k))
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
        sensitive_inputs: inputs
            .iter()
            .filter(|(k, _)| is_sensitive(root, k) && !is_ephemeral(root, k))
            .map(|(k, v)| (k.clone(), digest(v)))
            .collect(),
        prior: plan.prior.clone(),
        options: plan.options.clone(),
        actions: actions(plan),
        terraform_json: Some(terraform_json),
    };
    let text = serde_json::to_string(&saved).expect("plan serialises");
    std::fs::write(path, text)
        .map_err(|e| Diag::new(format!("Cannot write plan file {}", path.display())).detail(e.to_string()))
}

/// Reads a plan file.
pub fn load(path: &Path) -> DResult<SavedPlan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diag::new(format!("Cannot read plan file {}", path.display())).detail(e.to_string()))?;
    let invalid = |e: serde_json::Error| {
        Diag::new(format!("{} is not a valid infractl plan file", path.display())).detail(e.to_string())
    };
    let raw: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    // The version first: a plan file of another version is reported as that, not as damage.
    let version = raw.get("format_version").and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(FORMAT)) {
        return Err(Diag::new(format!(
            "Plan file {} has an unsupported format version",
            path.display()
        ))
        .detail(format!(
            "Found {version:?}; this infractl reads format version {FORMAT}. Make the plan again with this infractl."
        )));
    }
    serde_json::from_value(raw).map_err(invalid)
}

impl SavedPlan {
    /// The variable values the plan was made with.
    pub fn inputs(&self) -> IndexMap<String, Value> {
        self.inputs
            .iter()
            .map(|(k, v)| (k.clone(), Value::from_json(v)))
            .collect()
    }

    /// Checks that sensitive variables, supplied again at apply, have the values planned.
    pub fn check_sensitive(&self, inputs: &IndexMap<String, Value>) -> DResult<()> {
        for (name, planned) in &self.sensitive_inputs {
            let Some(v) = inputs.get(name) else {
                return Err(Diag::new(format!("No value for sensitive variable \"{name}\"")));
            };
            if digest(v) != *planned {
                return Err(Diag::new(format!(
                    "Sensitive variable \"{name}\" differs from the value the plan was made with"
                ))
                .detail("Plan files never hold sensitive values; give the same value when applying (-var, TF_VAR_..., or a tfvars file), or plan again."));
            }
        }
        Ok(())
    }

    /// The plan in Terraform's JSON plan format (`show -json FILE`); `None` for a plan file
    /// written before infractl recorded it.
    pub fn terraform_json(&self) -> Option<&serde_json::Value> {
        self.terraform_json.as_ref()
    }

    /// A short JSON description for `show FILE`.
    pub fn summary_json(&self) -> serde_json::Value {
        serde_json::json!({
            "format_version": self.format_version,
            "state_lineage": self.prior.lineage,
            "state_serial": self.prior.serial,
            "options": self.options,
            "resource_changes": self.actions.iter().map(|(a, act)| serde_json::json!({"address": a, "action": act})).collect::<Vec<_>>(),
        })
    }

    /// Re-derives the saved plan, refusing if anything it was based on has changed.
    pub async fn replay(self, planner: &Planner<'_>, backend: &dyn Backend) -> DResult<Plan> {
        // A plan of a stack with no state yet was made from an empty state of its own lineage.
        let current = backend.read().await?.unwrap_or_else(|| State {
            lineage: self.prior.lineage.clone(),
            keeper: backend.new_state_keeper(),
            ..State::new()
        });
        if current.lineage != self.prior.lineage || current.serial != self.prior.serial {
            return Err(Diag::new("Saved plan is stale").detail(format!(
                "The plan was made from state serial {} (lineage {}), but the state is now at serial {} (lineage {}). Run plan again.",
                self.prior.serial, self.prior.lineage, current.serial, current.lineage
            )));
        }
        if blueprint_hash(planner.root) != self.blueprint_hash {
            return Err(Diag::new("Saved plan does not match the blueprint")
                .detail("The blueprint files changed after the plan was saved. Run plan again."));
        }
        let plan = planner.plan(self.prior, self.options).await?;
        if actions(&plan) != self.actions {
            return Err(Diag::new("Saved plan can no longer be applied exactly")
                .detail("Re-deriving the plan gave different actions. Run plan again."));
        }
        Ok(plan)
    }
}
