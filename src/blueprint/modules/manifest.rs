//! `.terraform/modules/modules.json`: which folder holds each module call of the tree, written
//! byte for byte as Terraform writes it so that either tool can use a folder the other
//! initialised.
//!
//! Layout: `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"...",
//! "Version":"5.21.0","Dir":".terraform/modules/vpc"}]}`, records sorted by key, compact, no
//! trailing newline, `Dir` relative to the root module's folder with forward slashes, `<`, `>`
//! and `&` escaped as Go's JSON encoder escapes them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file's name inside the modules folder.
pub const FILE_NAME: &str = "modules.json";

/// One installed module call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Module path joined with dots (`vpc.subnets`); empty for the root.
    #[serde(rename = "Key")]
    pub key: String,
    /// The source as Terraform normalises it.
    #[serde(rename = "Source")]
    pub source: String,
    /// Exact version, for registry modules.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Folder holding the module, relative to the root module's folder (or absolute).
    #[serde(rename = "Dir")]
    pub dir: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    #[serde(rename = "Modules", default)]
    modules: Vec<Record>,
}

/// Records by key.
pub type Manifest = BTreeMap<String, Record>;

/// The dotted key of a module path.
pub fn key(path: &[String]) -> String {
    path.join(".")
}

/// Reads a manifest; a missing or empty file is an empty manifest (as in Terraform).
pub fn read(path: &Path) -> Result<Manifest, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a manifest's text.
pub fn parse(text: &str) -> Result<Manifest, String> {
    if text.trim().is_empty() {
        return Ok(Manifest::new());
    }
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Manifest::new();
    for r in file.modules {
        if let Some(v) = &r.version {
            super::version::Version::parse(v).map_err(|e| format!("invalid version \"{v}\" for {}: {e}", r.key))?;
        }
        if out.contains_key(&r.key) {
            return Err(format!("the file contains two records for module {}", r.key));
        }
        out.insert(r.key.clone(), r);
    }
    Ok(out)
}

/// The manifest's text, exactly as Terraform writes it.
pub fn render(manifest: &Manifest) -> String {
    let file = File {
        modules: manifest.values().cloned().collect(),
    };
    crate::gojson::html_safe(&serde_json::to_string(&file).unwrap_or_default())
}

/// Writes the manifest (creating its folder).
pub fn write(path: &Path, manifest: &Manifest) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, render(manifest)).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERRAFORM_WROTE: &str = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"a","Source":"./modules/a","Dir":"modules/a"},{"Key":"a.inner","Source":"./sub","Dir":"modules/a/sub"},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.21.0","Dir":".terraform/modules/vpc"},{"Key":"x","Source":"git::https://example.com/r.git//sub?depth=1\u0026ref=v1","Dir":".terraform/modules/x/sub"}]}"#;

    #[test]
    fn round_trips_terraform_layout_byte_for_byte() {
        let m = parse(TERRAFORM_WROTE).unwrap();
        assert_eq!(m.len(), 5);
        assert_eq!(m["vpc"].version.as_deref(), Some("5.21.0"));
        assert_eq!(m["x"].source, "git::https://example.com/r.git//sub?depth=1&ref=v1");
        assert_eq!(m["a.inner"].dir, "modules/a/sub");
        assert_eq!(render(&m), TERRAFORM_WROTE);
    }

    #[test]
    fn records_are_sorted_by_key_and_version_omitted_when_absent() {
        let mut m = Manifest::new();
        for k in ["b", "a.z", "", "a"] {
            m.insert(
                k.into(),
                Record {
                    key: k.into(),
                    source: String::new(),
                    version: None,
                    dir: ".".into(),
                },
            );
        }
        let text = render(&m);
        assert!(
            text.starts_with(r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"a","#),
            "{text}"
        );
        assert!(!text.contains("Version"));
        assert!(text.find("\"a.z\"").unwrap() < text.find("\"b\"").unwrap());
    }

    #[test]
    fn rejects_duplicates_and_bad_versions_and_tolerates_empty() {
        assert!(parse(r#"{"Modules":[{"Key":"a","Source":"","Dir":"."},{"Key":"a","Source":"","Dir":"."}]}"#).is_err());
        assert!(parse(r#"{"Modules":[{"Key":"a","Source":"","Version":"x.y","Dir":"."}]}"#).is_err());
        assert!(parse("").unwrap().is_empty());
        let dir = tempfile::tempdir().unwrap();
        assert!(read(&dir.path().join("none.json")).unwrap().is_empty());
    }
}
