//! What Terraform keeps in a blueprint folder, so infractl can work on a stack Terraform runs
//! without being told where anything is: whether Terraform initialised the folder, where its
//! local backend keeps each workspace's state, the workspace it has selected, and the backend
//! settings `terraform init` recorded.
//!
//! A folder Terraform initialised (it has `.terraform.lock.hcl`, Terraform's provider lock
//! file that teams commit, or Terraform's own files under `.terraform/`; infractl writes only
//! `.terraform/modules/`) is Terraform's: a state infractl starts there is Terraform-kept.

use crate::value::Value;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// Terraform's file name for a local state, and for each workspace's under `workspace_dir`.
pub const STATE_FILE: &str = "terraform.tfstate";

/// True when Terraform initialised the folder.
pub fn is_terraform_folder(dir: &Path) -> bool {
    dir.join(".terraform.lock.hcl").is_file()
        || dir.join(".terraform").join("terraform.tfstate").is_file()
        || dir.join(".terraform").join("providers").is_dir()
}

/// Where Terraform's local backend keeps a workspace's state: `path` (default
/// `terraform.tfstate`) for the default workspace, `<workspace_dir>/<name>/terraform.tfstate`
/// (default `terraform.tfstate.d`) for others, relative to the blueprint folder. `settings`
/// are those of a `backend "local"` block, when the blueprint has one.
pub fn local_state_path(dir: &Path, settings: Option<&IndexMap<String, Value>>, workspace: &str) -> PathBuf {
    let setting = |k: &str| {
        settings
            .and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .map(PathBuf::from)
    };
    if workspace == "default" {
        return dir.join(setting("path").unwrap_or_else(|| PathBuf::from(STATE_FILE)));
    }
    dir.join(setting("workspace_dir").unwrap_or_else(|| PathBuf::from("terraform.tfstate.d")))
        .join(workspace)
        .join(STATE_FILE)
}

/// The workspaces Terraform's local backend has states for (default always).
pub fn local_workspaces(dir: &Path, settings: Option<&IndexMap<String, Value>>) -> Vec<String> {
    let mut names = vec!["default".to_string()];
    let base = local_state_path(dir, settings, "x");
    let Some(workspaces) = base.parent().and_then(Path::parent) else {
        return names;
    };
    if let Ok(rd) = std::fs::read_dir(workspaces) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                names.push(e.file_name().to_string_lossy().to_string());
            }
        }
    }
    names.sort();
    names
}

/// The workspace `terraform workspace select` recorded (`.terraform/environment`).
pub fn selected_workspace(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(".terraform").join("environment"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The backend `terraform init` recorded (`.terraform/terraform.tfstate`): its type and the
/// settings that are set (Terraform records every setting of the backend's schema, unset ones
/// as null).
pub fn recorded_backend(dir: &Path) -> Option<(String, IndexMap<String, Value>)> {
    let text = std::fs::read_to_string(dir.join(".terraform").join("terraform.tfstate")).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    let backend = doc.get("backend")?;
    let kind = backend.get("type")?.as_str()?.to_string();
    let settings = backend
        .get("config")?
        .as_object()?
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), Value::from_json(v)))
        .collect();
    Some((kind, settings))
}

/// True when a state file holds something: Terraform's local backend creates the file empty
/// when it takes its lock, and treats an empty file as no state.
pub fn has_state(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_terraforms_local_layout_and_records() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(!is_terraform_folder(d));
        std::fs::create_dir_all(d.join(".terraform/modules")).unwrap();
        assert!(!is_terraform_folder(d), "infractl init writes .terraform/modules only");
        std::fs::write(d.join(".terraform.lock.hcl"), "").unwrap();
        assert!(is_terraform_folder(d));

        assert_eq!(local_state_path(d, None, "default"), d.join("terraform.tfstate"));
        assert_eq!(
            local_state_path(d, None, "dev"),
            d.join("terraform.tfstate.d/dev/terraform.tfstate")
        );
        let mut s = IndexMap::new();
        s.insert("path".to_string(), Value::str("st/main.tfstate"));
        s.insert("workspace_dir".to_string(), Value::str("ws"));
        assert_eq!(local_state_path(d, Some(&s), "default"), d.join("st/main.tfstate"));
        assert_eq!(local_state_path(d, Some(&s), "dev"), d.join("ws/dev/terraform.tfstate"));
        std::fs::create_dir_all(d.join("terraform.tfstate.d/dev")).unwrap();
        assert_eq!(local_workspaces(d, None), vec!["default", "dev"]);

        assert_eq!(selected_workspace(d), None);
        std::fs::write(d.join(".terraform/environment"), "dev\n").unwrap();
        assert_eq!(selected_workspace(d).as_deref(), Some("dev"));

        std::fs::write(
            d.join(".terraform/terraform.tfstate"),
            r#"{"version":3,"backend":{"type":"s3","config":{"bucket":"b","key":"k","profile":null},"hash":1}}"#,
        )
        .unwrap();
        let (kind, settings) = recorded_backend(d).unwrap();
        assert_eq!(kind, "s3");
        assert_eq!(settings.keys().collect::<Vec<_>>(), vec!["bucket", "key"]);

        let f = d.join("terraform.tfstate");
        std::fs::write(&f, "").unwrap();
        assert!(!has_state(&f));
        std::fs::write(&f, "{}").unwrap();
        assert!(has_state(&f));
    }
}
