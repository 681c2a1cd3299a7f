//! `data "terraform_remote_state"`: the root outputs of another stack, read from where its
//! state lives. Backends `s3` (the object infractl's S3 backend writes, `key` for the default
//! workspace and `<workspace_key_prefix>/<workspace>/<key>` for others, as Terraform lays it
//! out) and `local` (a state file; other workspaces under `workspace_dir`). Both infractl's
//! state format and Terraform's (version 4) are read. `defaults` fills outputs the state lacks.

use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::state::s3::{S3Backend, S3Config};
use crate::state::LocalBackend;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::path::PathBuf;

/// The `terraform_remote_state` data source type.
pub struct RemoteState {
    schema: Schema,
}

impl RemoteState {
    /// The type with its schema.
    pub fn new() -> RemoteState {
        RemoteState {
            schema: Schema::new()
                .required("backend", Type::String)
                .optional("config", Type::Any)
                .optional("defaults", Type::Any)
                .optional("workspace", Type::String)
                .computed("outputs", Type::Any),
        }
    }
}

impl Default for RemoteState {
    fn default() -> Self {
        Self::new()
    }
}

/// The root outputs of a state document in Terraform's format (which infractl writes too) or
/// infractl's earlier format 1 (both keep `outputs` as `{name: {value, ...}}`); an error when
/// the document is neither.
pub fn outputs_of(text: &str, place: &str) -> PResult<IndexMap<String, Value>> {
    let doc: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ProviderError::msg(format!("the state at {place} is not valid JSON: {e}")))?;
    let infractl = doc.get("format_version").and_then(serde_json::Value::as_u64) == Some(1);
    let terraform = doc.get("version").and_then(serde_json::Value::as_u64) == Some(4);
    if !infractl && !terraform {
        return Err(ProviderError::msg(format!(
            "the state at {place} is neither infractl's (format_version 1) nor Terraform's (version 4)"
        )));
    }
    let mut out = IndexMap::new();
    if let Some(outputs) = doc.get("outputs").and_then(serde_json::Value::as_object) {
        for (name, o) in outputs {
            out.insert(
                name.clone(),
                Value::from_json(o.get("value").unwrap_or(&serde_json::Value::Null)),
            );
        }
    }
    Ok(out)
}

fn config_map(config: &Value) -> PResult<IndexMap<String, Value>> {
    match config {
        Value::Null => Ok(IndexMap::new()),
        Value::Object(m) => Ok(m.clone()),
        other => Err(ProviderError::msg(format!(
            "config must be an object of backend settings, not a {}",
            other.type_name()
        ))),
    }
}

/// The local backend's state file for a workspace: `path` (default `terraform.tfstate`), or
/// `<workspace_dir>/<workspace>/<file name of path>` for other workspaces.
fn local_path(settings: &IndexMap<String, Value>, workspace: &str) -> PathBuf {
    let s = |k: &str| settings.get(k).and_then(Value::as_str).map(str::to_string);
    let path = PathBuf::from(s("path").unwrap_or_else(|| "terraform.tfstate".into()));
    if workspace == "default" {
        return path;
    }
    let dir = PathBuf::from(s("workspace_dir").unwrap_or_else(|| "terraform.tfstate.d".into()));
    dir.join(workspace).join(
        path.file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| "terraform.tfstate".into()),
    )
}

fn not_found(place: &str) -> ProviderError {
    ProviderError::msg(format!(
        "Unable to find remote state: no stored state was found for the given workspace in the given backend ({place})"
    ))
}

#[async_trait]
impl DataSourceType for RemoteState {
    fn type_name(&self) -> &'static str {
        "terraform_remote_state"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("backend").as_str() {
            None | Some("s3") | Some("local") => Ok(()),
            Some(other) => Err(format!(
                "backend \"{other}\" is not supported by infractl's terraform_remote_state: use \"s3\" or \"local\""
            )),
        }
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        self.check_config(config).map_err(ProviderError::msg)?;
        let workspace = config.get("workspace").as_str().unwrap_or("default").to_string();
        let settings = config_map(config.get("config"))?;
        let (outputs, place) = match config.get("backend").as_str().unwrap_or_default() {
            "s3" => {
                let s3 = S3Config::from_value(&settings).map_err(|d| ProviderError::msg(d.summary))?;
                let backend = S3Backend::connect(&s3, &workspace).await;
                let place = format!("s3://{}/{}", s3.bucket, s3.key_for(&workspace));
                let text = backend
                    .read_text()
                    .await
                    .map_err(|d| ProviderError::msg(d.to_string().trim_start_matches("Error: ").to_string()))?
                    .ok_or_else(|| not_found(&place))?;
                (outputs_of(&text, &place)?, place)
            }
            _ => {
                let path = local_path(&settings, &workspace);
                let place = path.display().to_string();
                let text = match std::fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found(&place)),
                    Err(e) => return Err(ProviderError::msg(format!("cannot read {place}: {e}"))),
                };
                // infractl's local state may have a journal beside it: read through the backend.
                let is_infractl = serde_json::from_str::<serde_json::Value>(&text).ok().is_some_and(|d| {
                    d.get("format_version").and_then(serde_json::Value::as_u64) == Some(1)
                        || d.get(crate::state::tfstate::EXTRAS_KEY).is_some()
                });
                let outputs = if is_infractl {
                    let state = LocalBackend::new(&path)
                        .read_now()
                        .map_err(|d| ProviderError::msg(d.summary))?
                        .ok_or_else(|| not_found(&place))?;
                    state
                        .outputs
                        .iter()
                        .map(|(k, o)| (k.clone(), Value::from_json(&o.value)))
                        .collect()
                } else {
                    outputs_of(&text, &place)?
                };
                (outputs, place)
            }
        };
        let mut merged = match config.get("defaults") {
            Value::Object(d) => d.clone(),
            Value::Null => IndexMap::new(),
            other => {
                return Err(ProviderError::msg(format!(
                    "defaults must be an object, not a {}",
                    other.type_name()
                )))
            }
        };
        merged.extend(outputs);
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            m.insert("workspace".into(), Value::str(workspace));
            m.insert("outputs".into(), Value::Object(merged));
            m.insert("id".into(), Value::str(place));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_come_from_either_format() {
        let infractl = r#"{"format_version":1,"serial":3,"lineage":"l","resources":[],"outputs":{"vpc":{"value":"vpc-1","sensitive":false}}}"#;
        assert_eq!(outputs_of(infractl, "x").unwrap()["vpc"], Value::str("vpc-1"));
        let terraform = r#"{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"l","outputs":{"ids":{"value":["a","b"],"type":["list","string"]}},"resources":[]}"#;
        assert_eq!(
            outputs_of(terraform, "x").unwrap()["ids"],
            Value::List(vec![Value::str("a"), Value::str("b")])
        );
        assert!(outputs_of("{\"version\":3}", "x").is_err());
    }

    #[test]
    fn local_workspaces_follow_terraforms_layout() {
        let mut s = IndexMap::new();
        assert_eq!(local_path(&s, "default"), PathBuf::from("terraform.tfstate"));
        s.insert("path".into(), Value::str("../net/state.tfstate"));
        assert_eq!(
            local_path(&s, "dev"),
            PathBuf::from("terraform.tfstate.d/dev/state.tfstate")
        );
    }
}
