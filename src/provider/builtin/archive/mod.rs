//! hashicorp/archive: `archive_file` (a data source, and a deprecated resource of the same
//! name) zips a file, a folder, or given contents to `output_path` and exposes the archive's
//! hashes, typically for a Lambda function's `source_code_hash`.
//!
//! The zip is byte-for-byte stable, so its hashes only change when its contents do: entries
//! are sorted by name, every entry has the same timestamp (1980-01-01 00:00, the earliest a zip
//! can hold), and modes are normalised as git normalises them (`0755` when the file is
//! executable by its owner, else `0644`) unless `output_file_mode` sets one mode for all.
//! Terraform's provider keeps each file's own mode, so its hashes differ between checkouts
//! made with different umasks; infractl's do not. (Deflate output differs between zip
//! libraries, so the bytes are not Terraform's.)

pub mod file;
pub mod file_data;

use super::util::{parse_mode, str_arg, str_list};
use crate::schema::{Nesting, Schema, Type};
use crate::value::Value;
use indexmap::IndexMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The arguments and attributes both forms share; `force_new` marks every argument (the
/// resource is replaced whenever one changes).
pub fn schema(force_new: bool) -> Schema {
    let arg = |s: Schema| if force_new { s.force_new() } else { s };
    let mut s = arg(Schema::new().required("type", Type::String));
    for name in [
        "source_content",
        "source_content_filename",
        "source_file",
        "source_dir",
        "output_file_mode",
    ] {
        s = arg(s.optional(name, Type::String));
    }
    s = arg(s.optional("excludes", Type::set_of_strings()));
    s = arg(s.optional("follow_symlinks", Type::Bool));
    s = arg(s.required("output_path", Type::String));
    s = s.block(
        "source",
        Nesting::Set,
        Schema::new()
            .required("content", Type::String)
            .required("filename", Type::String),
    );
    if force_new {
        s = s.block_force_new();
    }
    s.computed("output_size", Type::Number)
        .computed("output_md5", Type::String)
        .computed("output_sha", Type::String)
        .computed("output_sha256", Type::String)
        .computed("output_base64sha256", Type::String)
        .computed("output_sha512", Type::String)
        .computed("output_base64sha512", Type::String)
}

/// The checks Terraform's provider makes: a zip, and exactly one kind of source.
pub fn check(config: &Value) -> Result<(), String> {
    match config.get("type").as_str() {
        None | Some("zip") => {}
        Some(other) => {
            return Err(format!(
                "type \"{other}\" is not supported: infractl writes \"zip\" archives"
            ))
        }
    }
    if let Some(m) = config.get("output_file_mode").as_str() {
        if parse_mode(m).is_none() {
            return Err(format!(
                "output_file_mode \"{m}\" is not an octal file mode such as \"0644\""
            ));
        }
    }
    let set = |k: &str| !config.get(k).is_null();
    let blocks = match config.get("source") {
        Value::List(l) => !l.is_empty(),
        Value::Null => false,
        _ => true,
    };
    let kinds = [
        blocks,
        set("source_content") || set("source_content_filename"),
        set("source_file"),
        set("source_dir"),
    ];
    match kinds.iter().filter(|k| **k).count() {
        1 => {}
        0 => {
            return Err(
                "one of source, source_content (with source_content_filename), source_file or source_dir must be set"
                    .into(),
            )
        }
        _ => return Err(
            "only one of source, source_content (with source_content_filename), source_file and source_dir may be set"
                .into(),
        ),
    }
    if set("source_content") != set("source_content_filename") {
        return Err("source_content and source_content_filename must be set together".into());
    }
    Ok(())
}

/// One file in the archive.
struct Entry {
    name: String,
    data: Vec<u8>,
    mode: u32,
}

/// git's normalisation of a file mode.
fn normal_mode(mode: u32) -> u32 {
    if mode & 0o100 != 0 {
        0o755
    } else {
        0o644
    }
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

/// True when `name` (relative to the source folder, `/`-separated) matches an exclude:
/// exactly, or as a pattern where `*` matches anything (from the start of the name), as
/// Terraform's provider matches them.
fn excluded(name: &str, excludes: &[String]) -> bool {
    excludes.iter().filter(|e| !e.is_empty()).any(|e| {
        let e = e.replace('\\', "/");
        let e = e.trim_start_matches("./");
        if e == name {
            return true;
        }
        if !e.contains('*') {
            return false;
        }
        // Anchored at the start, open at the end, like the provider's `^` + pattern.
        let parts: Vec<&str> = e.split('*').collect();
        let Some(rest) = name.strip_prefix(parts[0]) else {
            return false;
        };
        let mut rest = rest;
        for p in &parts[1..] {
            match rest.find(p) {
                Some(i) => rest = &rest[i + p.len()..],
                None => return false,
            }
        }
        true
    })
}

fn walk(dir: &Path, rel: &str, excludes: &[String], follow: bool, out: &mut Vec<Entry>) -> Result<(), String> {
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read folder {}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    names.sort();
    for (name, path) in names {
        let rel_name = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if excluded(&rel_name, excludes) {
            continue;
        }
        let link = std::fs::symlink_metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            if link.file_type().is_symlink() && !follow {
                continue;
            }
            walk(&path, &rel_name, excludes, follow, out)?;
        } else if meta.is_file() {
            let data = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            out.push(Entry {
                name: rel_name,
                data,
                mode: file_mode(&meta),
            });
        }
    }
    Ok(())
}

/// The entries a configuration archives, in the order they are written (sorted by name).
fn entries(config: &Value) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    if let Some(list) = config.get("source").as_list().filter(|l| !l.is_empty()) {
        for s in list {
            out.push(Entry {
                name: str_arg(s, "filename").unwrap_or_default(),
                data: str_arg(s, "content").unwrap_or_default().into_bytes(),
                mode: 0o644,
            });
        }
    } else if let Some(content) = str_arg(config, "source_content") {
        out.push(Entry {
            name: str_arg(config, "source_content_filename").unwrap_or_default(),
            data: content.into_bytes(),
            mode: 0o644,
        });
    } else if let Some(file) = str_arg(config, "source_file") {
        let path = PathBuf::from(&file);
        let meta = std::fs::metadata(&path).map_err(|e| format!("cannot read source_file {file}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("source_file {file} is not a file"));
        }
        out.push(Entry {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or(file.clone()),
            data: std::fs::read(&path).map_err(|e| format!("cannot read source_file {file}: {e}"))?,
            mode: file_mode(&meta),
        });
    } else if let Some(dir) = str_arg(config, "source_dir") {
        let path = PathBuf::from(&dir);
        if !path.is_dir() {
            return Err(format!("source_dir {dir} is not a folder"));
        }
        let follow = config.get("follow_symlinks").as_bool().unwrap_or(false);
        walk(&path, "", &str_list(config, "excludes"), follow, &mut out)?;
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = out.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!("two sources have the file name \"{}\"", w[0].name));
    }
    Ok(out)
}

/// The zip a configuration describes, as bytes.
pub fn build(config: &Value) -> Result<Vec<u8>, String> {
    check(config)?;
    let fixed_mode = config.get("output_file_mode").as_str().and_then(parse_mode);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for e in entries(config)? {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(fixed_mode.unwrap_or_else(|| normal_mode(e.mode)));
        w.start_file(e.name.as_str(), options)
            .map_err(|err| format!("cannot add {} to the archive: {err}", e.name))?;
        w.write_all(&e.data)
            .map_err(|err| format!("cannot add {} to the archive: {err}", e.name))?;
    }
    let cursor = w.finish().map_err(|e| format!("cannot finish the archive: {e}"))?;
    Ok(cursor.into_inner())
}

/// Builds the archive, writes it to `output_path` (making its folder) and returns the
/// computed attributes, with the id (the archive's SHA-1).
pub fn write(config: &Value) -> Result<IndexMap<String, Value>, String> {
    let bytes = build(config)?;
    let out = str_arg(config, "output_path").ok_or("output_path is required")?;
    let path = PathBuf::from(&out);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Written beside under a name of its own and renamed, so a reader never sees half an
    // archive, and two data sources writing the same path at once (modules called twice with
    // one output path do) each rename a whole file.
    let mut tmp = tempfile::Builder::new()
        .prefix(".infractl-archive.")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    tmp.write_all(&bytes)
        .map_err(|e| format!("cannot write {}: {e}", tmp.path().display()))?;
    // tempfile makes its files 0600; the provider's os.Create leaves them readable to all.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| format!("cannot write {}: {e}", tmp.path().display()))?;
    }
    tmp.persist(&path)
        .map_err(|e| format!("cannot write {out}: {}", e.error))?;
    let sums = super::util::checksums("output_", &bytes);
    let mut attrs = IndexMap::new();
    attrs.insert("id".to_string(), sums["output_sha1"].clone());
    attrs.insert("output_size".to_string(), Value::from(bytes.len() as i64));
    for (k, v) in sums {
        let name = if k == "output_sha1" {
            "output_sha".to_string()
        } else {
            k
        };
        attrs.insert(name, v);
    }
    Ok(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object([("type", Value::str("zip")), ("output_path", Value::str("x.zip"))]);
        for (k, x) in pairs {
            crate::provider::builtin::util::set(&mut v, k, x.clone());
        }
        v
    }

    /// Two modules packaging into one output path read at the same time (cloudwatch's
    /// `lambda-metric-alarm` example calls its lambda module twice so): each write must land a
    /// whole archive in a folder it makes, as the provider's does.
    #[test]
    fn concurrent_writes_to_one_path_in_a_new_folder_both_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("made/by/the/write/out.zip");
        let cfg = config(&[
            ("source_content", Value::str("print(1)")),
            ("source_content_filename", Value::str("index.py")),
            ("output_path", Value::str(out.to_str().unwrap())),
        ]);
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| write(&cfg))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for r in &results {
            assert_eq!(
                r.as_ref().unwrap()["output_size"],
                results[0].as_ref().unwrap()["output_size"]
            );
        }
        assert_eq!(std::fs::read(&out).unwrap(), build(&cfg).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o644);
        }
        let left: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left beside the archive");
    }

    #[test]
    fn archives_are_byte_stable_whatever_the_file_times() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("lib")).unwrap();
        std::fs::write(src.join("b.txt"), "bee").unwrap();
        std::fs::write(src.join("a.txt"), "ay").unwrap();
        std::fs::write(src.join("lib/c.py"), "print(1)").unwrap();
        let cfg = config(&[("source_dir", Value::str(src.to_str().unwrap()))]);
        let first = build(&cfg).unwrap();
        // Touch every file (new mtimes) and build again: the same bytes.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        for f in ["b.txt", "a.txt", "lib/c.py"] {
            let p = src.join(f);
            let data = std::fs::read(&p).unwrap();
            std::fs::write(&p, data).unwrap();
        }
        assert_eq!(build(&cfg).unwrap(), first);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(names, ["a.txt", "b.txt", "lib/c.py"]);
        let mut f = z.by_name("lib/c.py").unwrap();
        assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o644));
        assert_eq!(
            f.last_modified().map(|d| (d.year(), d.month(), d.day())),
            Some((1980, 1, 1))
        );
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        assert_eq!(text, "print(1)");
    }

    #[test]
    fn excludes_match_names_and_star_patterns() {
        let ex = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(excluded("a.txt", &ex(&["a.txt"])));
        assert!(excluded("tests/x_test.py", &ex(&["tests/*"])));
        assert!(excluded("node_modules", &ex(&["node_*"])));
        assert!(!excluded("src/node_x", &ex(&["node_*"])));
        assert!(excluded("lib/a.pyc", &ex(&["*.pyc"])));
        assert!(!excluded("b.txt", &ex(&["a.txt", ""])));
    }

    #[test]
    fn sources_are_sorted_and_modes_fixed_on_request() {
        let blocks = Value::List(vec![
            Value::object([("content", Value::str("2")), ("filename", Value::str("z/two"))]),
            Value::object([("content", Value::str("1")), ("filename", Value::str("one"))]),
        ]);
        let cfg = config(&[("source", blocks), ("output_file_mode", Value::str("0600"))]);
        let bytes = build(&cfg).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(z.by_index(0).unwrap().name().unwrap(), "one");
        assert_eq!(z.by_index(1).unwrap().unix_mode().map(|m| m & 0o777), Some(0o600));
    }

    #[test]
    fn exactly_one_source_kind_is_required() {
        assert!(check(&config(&[])).is_err());
        let both = config(&[("source_file", Value::str("a")), ("source_dir", Value::str("b"))]);
        assert!(check(&both).unwrap_err().contains("only one"));
        let half = config(&[("source_content", Value::str("a"))]);
        assert!(check(&half).is_err());
        assert!(check(&config(&[
            ("source_file", Value::str("a")),
            ("type", Value::str("tar"))
        ]))
        .is_err());
    }
}
