//! hashicorp/local: files on the machine running infractl. `local_file` and
//! `local_sensitive_file` write one (and delete it on destroy); the data sources of the same
//! names read one. A file that is gone, or whose content no longer matches, is created again
//! by the next apply, as with Terraform. The sensitive forms keep their content in state only
//! as a digest.

pub mod file;
pub mod file_data;

use super::util::{checksums, parse_mode, sha1_hex, str_arg};
use crate::provider::{PResult, ProviderError};
use crate::schema::{Schema, Type};
use crate::value::Value;
use base64::Engine;
use std::io::Write;
use std::path::Path;

/// The content checksums both file resources and data sources expose.
const SUMS: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

/// The schema of a file resource: `content_args` are the ways to give content (sensitive in
/// `local_sensitive_file`), `mode` the default permissions.
pub fn resource_schema(sensitive: bool, default_mode: &str) -> Schema {
    let mut s = Schema::new().required("filename", Type::String).force_new();
    for (name, secret) in [("content", sensitive), ("content_base64", sensitive)] {
        s = s.optional(name, Type::String).force_new();
        if secret {
            s = s.sensitive().normalized(crate::provider::secrets::digest);
        }
    }
    if !sensitive {
        s = s
            .optional("sensitive_content", Type::String)
            .force_new()
            .sensitive()
            .normalized(crate::provider::secrets::digest);
    }
    s = s
        .optional("source", Type::String)
        .force_new()
        .optional("file_permission", Type::String)
        .default(default_mode)
        .force_new()
        .optional("directory_permission", Type::String)
        .default(default_mode)
        .force_new();
    for sum in SUMS {
        s = s.computed(sum, Type::String);
    }
    s
}

/// Exactly one way of giving the content, and valid permissions.
pub fn check(config: &Value, content_args: &[&str]) -> Result<(), String> {
    let set: Vec<&&str> = content_args.iter().filter(|k| !config.get(k).is_null()).collect();
    if set.len() != 1 && content_args.iter().all(|k| !config.get(k).has_unknown()) {
        return Err(format!("exactly one of {} must be set", content_args.join(", ")));
    }
    for k in ["file_permission", "directory_permission"] {
        if let Some(m) = config.get(k).as_str() {
            if parse_mode(m).is_none() {
                return Err(format!(
                    "{k} \"{m}\" is not a permission in numeric notation such as \"0644\""
                ));
            }
        }
    }
    if let Some(b) = config.get("content_base64").as_str() {
        base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|_| "content_base64 is not valid base64".to_string())?;
    }
    Ok(())
}

/// The bytes a planned file resource holds.
fn content(planned: &Value) -> PResult<Vec<u8>> {
    if let Some(c) = str_arg(planned, "content").or_else(|| str_arg(planned, "sensitive_content")) {
        return Ok(c.into_bytes());
    }
    if let Some(b) = str_arg(planned, "content_base64") {
        return base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|_| ProviderError::msg("content_base64 is not valid base64"));
    }
    if let Some(src) = str_arg(planned, "source") {
        return std::fs::read(&src).map_err(|e| ProviderError::msg(format!("cannot read source {src}: {e}")));
    }
    Err(ProviderError::msg("no content given"))
}

/// Writes the file of a planned resource; returns its state (content checksums, id).
pub fn write(planned: &Value) -> PResult<Value> {
    let bytes = content(planned)?;
    let filename = str_arg(planned, "filename").ok_or_else(|| ProviderError::msg("filename is required"))?;
    let mode = |k: &str| str_arg(planned, k).and_then(|m| parse_mode(&m)).unwrap_or(0o777);
    let path = Path::new(&filename);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(mode("directory_permission"));
        }
        b.create(dir)
            .map_err(|e| ProviderError::msg(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // As Terraform: the permission before umask, for a file it creates.
        options.mode(mode("file_permission"));
    }
    options
        .open(path)
        .and_then(|mut f| f.write_all(&bytes))
        .map_err(|e| ProviderError::msg(format!("cannot write {filename}: {e}")))?;
    let mut v = planned.clone();
    if let Value::Object(m) = &mut v {
        m.extend(checksums("content_", &bytes));
        m.insert("id".into(), Value::str(sha1_hex(&bytes)));
    }
    Ok(v)
}

/// The state of a file resource after a refresh: `None` when the file is gone or its content
/// differs from what was written (the next apply writes it again).
pub fn refresh(prior: &Value) -> Option<Value> {
    let filename = str_arg(prior, "filename")?;
    let bytes = std::fs::read(&filename).ok()?;
    (prior.get("id").as_str() == Some(sha1_hex(&bytes).as_str())).then(|| prior.clone())
}

/// Deletes the file of a resource; a file already gone is fine.
pub fn remove(prior: &Value) -> PResult<()> {
    let Some(filename) = str_arg(prior, "filename") else {
        return Ok(());
    };
    match std::fs::remove_file(&filename) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ProviderError::msg(format!("cannot delete {filename}: {e}"))),
    }
}

/// State keeps the sensitive content arguments only as digests.
pub fn conceal_content(mut v: Value, args: &[&str]) -> Value {
    if let Value::Object(m) = &mut v {
        for k in args {
            if let Some(Value::String(s)) = m.get_mut(*k) {
                *s = crate::provider::secrets::digest(s);
            }
        }
    }
    v
}
