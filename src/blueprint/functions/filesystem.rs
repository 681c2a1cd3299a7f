//! Filesystem functions: `abspath`, `basename`, `dirname`, `pathexpand`, `file`, `fileexists`,
//! `fileset`, `filebase64`, `filemd5`, `filesha1`, `filesha256`, `filesha512`,
//! `filebase64sha256`, `filebase64sha512`.
//!
//! Paths are handled as Go's `path/filepath` handles them on Unix (lexical cleaning, `~` for the
//! home directory in the file functions), relative paths resolve against the environment's base
//! directory, and `fileset` matches with the doublestar glob syntax Terraform uses (`**`,
//! `{a,b}`, `[...]`).

use super::{Args, Environment, FResult, FnError};
use crate::value::Value;
use base64::Engine as _;
use sha2::Digest;
use std::path::Path;

/// The functions of this family.
pub(super) const NAMES: &[&str] = &[
    "abspath",
    "basename",
    "dirname",
    "file",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "fileexists",
    "filemd5",
    "fileset",
    "filesha1",
    "filesha256",
    "filesha512",
    "pathexpand",
];

pub(super) fn call(name: &str, a: &mut Args) -> Option<FResult> {
    if !NAMES.contains(&name) {
        return None;
    }
    let hex = |bytes: &[u8]| Value::String(hex::encode(bytes));
    let b64 = |bytes: &[u8]| Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    Some(match name {
        "abspath" => (|| {
            let p = a.str(0)?;
            let abs = if p.starts_with('/') {
                p.to_string()
            } else {
                let cwd = match &a.env.base_dir {
                    Some(b) if b.is_absolute() => b.clone(),
                    Some(b) => std::env::current_dir().map_err(|e| e.to_string())?.join(b),
                    None => std::env::current_dir().map_err(|e| e.to_string())?,
                };
                format!("{}/{p}", cwd.display())
            };
            Ok(Value::String(clean(&abs)))
        })(),
        "basename" => a.str(0).map(|p| Value::String(basename(p))),
        "dirname" => a.str(0).map(|p| Value::String(dirname(p))),
        "pathexpand" => (|| expand_home(a.str(0)?, a.env).map(Value::String).map_err(FnError::Call))(),
        "file" => (|| {
            let p = a.str(0)?;
            let bytes = read_bytes(p, a.env)?;
            String::from_utf8(bytes).map(Value::String).map_err(|_| {
                FnError::Call(format!(
                    "contents of {p:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
                ))
            })
        })(),
        "fileexists" => (|| {
            let p = a.str(0)?;
            let path = a.env.resolve(&expand_home(p, a.env).map_err(FnError::Call)?);
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => Err(format!("{p:?} is a directory, not a file").into()),
                Ok(m) => Ok(Value::Bool(m.is_file())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
                Err(e) => Err(format!("failed to stat {p:?}: {e}").into()),
            }
        })(),
        "filebase64" => (|| Ok(b64(&read_bytes(a.str(0)?, a.env)?)))(),
        "filemd5" => (|| Ok(hex(&md5::Md5::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "filesha1" => (|| Ok(hex(&sha1::Sha1::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "filesha256" => (|| Ok(hex(&sha2::Sha256::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "filesha512" => (|| Ok(hex(&sha2::Sha512::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "filebase64sha256" => (|| Ok(b64(&sha2::Sha256::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "filebase64sha512" => (|| Ok(b64(&sha2::Sha512::digest(read_bytes(a.str(0)?, a.env)?))))(),
        "fileset" => fileset(a),
        _ => return None,
    })
}

/// Reads a file as the file functions do (`~` expanded, relative to the base directory), with
/// Terraform's messages for a missing file or a directory.
fn read_bytes(p: &str, env: &Environment) -> Result<Vec<u8>, FnError> {
    let path = env.resolve(&expand_home(p, env).map_err(FnError::Call)?);
    std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FnError::Arg(
                0,
                format!(
                    "no file exists at {p:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"
                ),
            )
        } else {
            FnError::Arg(0, format!("failed to read file: read {p}: {e}"))
        }
    })
}

/// Reads a text file for `templatefile`: the error is the detail Terraform gives.
pub fn read_file(p: &str, env: &Environment) -> Result<String, String> {
    let bytes = read_bytes(p, env).map_err(|e| match e {
        FnError::Arg(_, m) | FnError::Call(m) | FnError::Arity(_, m) => m,
    })?;
    String::from_utf8(bytes).map_err(|_| format!("contents of {p:?} are not valid UTF-8"))
}

/// `~` or `~/...` with the home directory (`$HOME`, or the environment's).
fn expand_home(p: &str, env: &Environment) -> Result<String, String> {
    if !p.starts_with('~') {
        return Ok(p.to_string());
    }
    if p.len() > 1 && !p[1..].starts_with('/') {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = match &env.home {
        Some(h) => h.clone(),
        None => std::env::var("HOME").map_err(|_| "cannot find the home directory ($HOME is not set)".to_string())?,
    };
    Ok(format!("{home}{}", &p[1..]))
}

/// Go's `filepath.Clean`: the shortest equivalent path by lexical processing.
pub(super) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`.
fn basename(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Dir`.
fn dirname(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => ".".into(),
    }
}

/// `fileset(path, pattern)`: the regular files under `path` matching `pattern`, as paths
/// relative to `path` with forward slashes, in lexical order.
fn fileset(a: &Args) -> FResult {
    let base = expand_home(a.str(0)?, a.env).map_err(FnError::Call)?;
    let pattern = a.str(1)?;
    let joined = clean(&format!("{base}/{pattern}"));
    let segments: Vec<&str> = joined.split('/').collect();
    for seg in &segments {
        check_glob(seg).map_err(|m| format!("failed to glob pattern {joined:?}: {m}"))?;
    }
    // Walk from the longest leading part of the pattern without glob syntax.
    let literal = segments.iter().take_while(|s| !has_meta(s)).count();
    let root = if literal == segments.len() {
        segments[..literal.saturating_sub(1)].join("/")
    } else {
        segments[..literal].join("/")
    };
    let root = match (root.is_empty(), joined.starts_with('/')) {
        (true, true) => "/".to_string(),
        (true, false) => ".".to_string(),
        _ => root,
    };
    let mut files = Vec::new();
    walk(&a.env.resolve(&root), &root, 0, &mut files);
    let base_clean = clean(&base);
    let mut out: Vec<String> = files
        .into_iter()
        .filter(|f| {
            let f = clean(f);
            let parts: Vec<&str> = f.split('/').collect();
            match_segments(&segments, &parts)
        })
        .map(|f| relative(&base_clean, &clean(&f)))
        .collect();
    out.sort();
    out.dedup();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

/// Lists the regular files under `dir` (shown as `shown`), following symlinks to a fixed depth.
fn walk(dir: &Path, shown: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 64 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let shown = if shown == "/" {
            format!("/{name}")
        } else {
            format!("{shown}/{name}")
        };
        let path = entry.path();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, &shown, depth + 1, out),
            Ok(m) if m.is_file() => out.push(shown),
            _ => {}
        }
    }
}

/// Go's `filepath.Rel` for two cleaned paths.
fn relative(base: &str, target: &str) -> String {
    if base == "." {
        return target.to_string();
    }
    if let Some(rest) = target.strip_prefix(base).and_then(|r| r.strip_prefix('/')) {
        return rest.to_string();
    }
    let b: Vec<&str> = base.split('/').collect();
    let t: Vec<&str> = target.split('/').collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend(&t[common..]);
    parts.join("/")
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '{', '\\'])
}

/// Checks a glob segment's syntax (closed classes and braces).
fn check_glob(seg: &str) -> Result<(), String> {
    let c: Vec<char> = seg.chars().collect();
    let mut i = 0;
    let mut braces = 0i32;
    while i < c.len() {
        match c[i] {
            '\\' => i += 1,
            '[' => {
                let mut j = i + 1;
                if c.get(j) == Some(&'^') {
                    j += 1;
                }
                if c.get(j) == Some(&']') {
                    j += 1;
                }
                while j < c.len() && c[j] != ']' {
                    if c[j] == '\\' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= c.len() {
                    return Err("syntax error in pattern".into());
                }
                i = j;
            }
            '{' => braces += 1,
            '}' => braces -= 1,
            _ => {}
        }
        i += 1;
    }
    if braces != 0 {
        return Err("syntax error in pattern".into());
    }
    Ok(())
}

/// Matches path segments against pattern segments, `**` standing for any number of segments.
fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => match_segments(rest, path) || (!path.is_empty() && match_segments(pattern, &path[1..])),
        Some((p, rest)) => !path.is_empty() && glob_match(p, path[0]) && match_segments(rest, &path[1..]),
    }
}

/// Matches one path segment: `*`, `?`, `[...]` (with `^` negation and ranges), `{a,b}`, `\`.
fn glob_match(pattern: &str, name: &str) -> bool {
    // Braces expand into alternatives first.
    if let Some(open) = find_unescaped(pattern, '{') {
        let mut depth = 0;
        let chars: Vec<(usize, char)> = pattern.char_indices().collect();
        let mut close = None;
        let mut commas = vec![];
        for &(i, c) in chars.iter().filter(|(i, _)| *i >= open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                ',' if depth == 1 => commas.push(i),
                _ => {}
            }
        }
        let Some(close) = close else { return false };
        let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
        let mut starts = vec![open + 1];
        starts.extend(commas.iter().map(|c| c + 1));
        let mut ends = commas.clone();
        ends.push(close);
        return starts
            .iter()
            .zip(&ends)
            .any(|(s, e)| glob_match(&format!("{head}{}{tail}", &pattern[*s..*e]), name));
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    wildcard(&p, &n)
}

fn find_unescaped(s: &str, target: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == target {
            return Some(i);
        }
    }
    None
}

/// Matches a name against one glob segment without braces. `*` backtracks to the last star
/// only, so matching takes time proportional to the lengths, whatever the pattern.
fn wildcard(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => class(&p[pi..], n[ni]),
            Some('\\') if pi + 1 < p.len() => (p[pi + 1] == n[ni]).then_some(2),
            Some(&c) => (c == n[ni]).then_some(1),
            None => None,
        };
        match step {
            Some(len) => {
                pi += len;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches one character against the class at the start of `p` (`[...]`, ranges, `^`
/// negation, `\` escapes); the length of the class when it matches.
fn class(p: &[char], c: char) -> Option<usize> {
    let mut i = 1;
    let negate = p.get(i) == Some(&'^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() && (p[i] != ']' || first) {
        first = false;
        let mut lo = p[i];
        if lo == '\\' {
            i += 1;
            lo = p.get(i).copied().unwrap_or('\\');
        }
        let mut hi = lo;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|x| *x != ']') {
            hi = p[i + 2];
            if hi == '\\' {
                hi = p.get(i + 3).copied().unwrap_or('\\');
                i += 1;
            }
            i += 2;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
        i += 1;
    }
    (i < p.len() && matched != negate).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_clean_like_go() {
        assert_eq!(clean("/a//b/../c/"), "/a/c");
        assert_eq!(clean("a/../.."), "..");
        assert_eq!(clean(""), ".");
        assert_eq!(dirname("a/../b"), ".");
        assert_eq!(dirname("//a"), "/");
        assert_eq!(basename("/foo/bar/"), "bar");
        assert_eq!(basename("/"), "/");
    }

    #[test]
    fn globs_match_like_doublestar() {
        assert!(glob_match("{a,b}.*", "b.md"));
        assert!(glob_match("[!a].*", "a.txt"), "Go has no ! negation");
        assert!(!glob_match("[^a].*", "a.txt"));
        assert!(match_segments(&["**", "*.txt"], &["a.txt"]));
        assert!(match_segments(&["**", "*.txt"], &["sub", "deeper", "d.txt"]));
        assert!(!match_segments(&["*"], &["sub", "c.txt"]));
        assert!(check_glob("[").is_err());
        // Many stars: matched by backtracking to the last star only (no exponential search).
        let stars = format!("{}b", "*a".repeat(40));
        assert!(!glob_match(&stars, &"a".repeat(200)));
        assert!(glob_match(&stars, &format!("{}b", "a".repeat(200))));
        assert!(glob_match("a\\*[0-9]?", "a*5x"));
    }
}
