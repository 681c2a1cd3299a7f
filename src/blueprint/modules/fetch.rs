//! Fetching a module package (a normalised go-getter address) into a folder: git repositories,
//! http(s) archives, http(s) pages that point elsewhere with `X-Terraform-Get`, and local
//! folders or archives (`file://`).
//!
//! For http(s), as go-getter: a URL whose path ends in an archive extension, or that carries
//! `?archive=FORMAT`, is downloaded and unpacked (`?checksum=[TYPE:]HEX` is verified first);
//! any other URL is requested with `terraform-get=1` added, and the address in its
//! `X-Terraform-Get` header (or `<meta name="terraform-get">` tag) is fetched instead, its own
//! `//subdir` selecting part of what it names. A local folder is linked, not copied (as
//! go-getter does).

use super::archive;
use super::http::{shown, Http};
use super::source::{parse_remote, split_forced, url_scheme};
use std::path::Path;
use url::Url;

/// How many `X-Terraform-Get` hops one fetch may take.
const MAX_HOPS: usize = 10;

/// Fetches packages with one HTTP client.
pub struct Fetcher<'a> {
    http: &'a Http,
}

impl<'a> Fetcher<'a> {
    /// A fetcher using `http`.
    pub fn new(http: &'a Http) -> Fetcher<'a> {
        Fetcher { http }
    }

    /// Fetches `package` into `dst`, which must not exist yet.
    pub fn fetch(&self, package: &str, dst: &Path) -> Result<(), String> {
        self.fetch_hop(package, dst, 0)
    }

    fn fetch_hop(&self, package: &str, dst: &Path, hops: usize) -> Result<(), String> {
        let (force, rest) = split_forced(package);
        let getter = force.or_else(|| url_scheme(rest)).unwrap_or("");
        match getter {
            "git" => super::git::fetch(rest, dst),
            "http" | "https" => self.fetch_http(rest, dst, hops),
            "file" => fetch_file(rest, dst),
            other => Err(format!("download not supported for \"{other}\" sources ({package})")),
        }
    }

    fn fetch_http(&self, raw: &str, dst: &Path, hops: usize) -> Result<(), String> {
        let mut url = Url::parse(raw).map_err(|e| format!("invalid URL \"{raw}\": {e}"))?;
        let mut archive_param = None;
        let mut checksum = None;
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter_map(|(k, v)| match k.as_ref() {
                "archive" => {
                    archive_param = Some(v.into_owned());
                    None
                }
                "checksum" => {
                    checksum = Some(v.into_owned());
                    None
                }
                _ => Some((k.into_owned(), v.into_owned())),
            })
            .collect();
        set_query(&mut url, &kept);
        let format = match archive_param.as_deref() {
            Some("false") => None,
            Some(name) => Some(archive::by_name(name)?),
            None => archive::by_path(url.path()).transpose()?,
        };
        if let Some(format) = format {
            let resp = self.http.get(&url, &[], None, 10)?;
            if !(200..300).contains(&resp.status) {
                return Err(format!("bad response code: {} from {}", resp.status, shown(&url)));
            }
            if let Some(c) = &checksum {
                verify_checksum(c, &resp.body)?;
            }
            return archive::extract(format, &resp.body, dst);
        }
        if hops >= MAX_HOPS {
            return Err(format!("too many X-Terraform-Get redirects at {}", shown(&url)));
        }
        let mut asked = url.clone();
        asked.query_pairs_mut().append_pair("terraform-get", "1");
        let resp = self.http.get(&asked, &[], None, 10)?;
        if !(200..300).contains(&resp.status) {
            return Err(format!("bad response code: {} from {}", resp.status, shown(&url)));
        }
        let source = resp
            .header("x-terraform-get")
            .map(str::to_string)
            .or_else(|| meta_terraform_get(&String::from_utf8_lossy(&resp.body)))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("no source URL was returned by {}", shown(&url)))?;
        let source = if source.starts_with('/') || source.starts_with("./") || source.starts_with("../") {
            resp.url
                .join(&source)
                .map_err(|e| format!("bad X-Terraform-Get \"{source}\": {e}"))?
                .to_string()
        } else {
            source
        };
        let remote = parse_remote(&source)?;
        if remote.subdir.is_empty() {
            return self.fetch_hop(&remote.package, dst, hops + 1);
        }
        // Fetch the whole package aside, then keep only the subdir it names.
        let scratch = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let whole = scratch.path().join("package");
        self.fetch_hop(&remote.package, &whole, hops + 1)?;
        let sub = expand_subdir(&whole, &remote.subdir)?;
        copy_dir(&sub, dst)
    }
}

fn set_query(url: &mut Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
}

/// `<meta name="terraform-get" content="...">` in an HTML page.
fn meta_terraform_get(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<meta") {
        let start = from + i;
        let end = start + lower[start..].find('>')?;
        let tag = &html[start..end];
        let tag_lower = &lower[start..end];
        if tag_lower.contains("name=\"terraform-get\"") || tag_lower.contains("name='terraform-get'") {
            let c = tag_lower.find("content=")?;
            let rest = &tag[c + 8..];
            let quote = rest.chars().next()?;
            let value = rest[1..].split(quote).next()?;
            return Some(value.replace("&amp;", "&"));
        }
        from = end;
    }
    None
}

/// Checks `?checksum=[md5|sha1|sha256|sha512:]HEX` (the type guessed from the length when
/// omitted, as go-getter does).
fn verify_checksum(spec: &str, bytes: &[u8]) -> Result<(), String> {
    use sha2::Digest;
    let (kind, want) = match spec.split_once(':') {
        Some((k, v)) => (k.to_string(), v.to_ascii_lowercase()),
        None => {
            let kind = match spec.len() {
                32 => "md5",
                40 => "sha1",
                64 => "sha256",
                128 => "sha512",
                _ => return Err(format!("cannot tell the checksum type of \"{spec}\"")),
            };
            (kind.to_string(), spec.to_ascii_lowercase())
        }
    };
    let got = match kind.as_str() {
        "md5" => hex::encode(md5::Md5::digest(bytes)),
        "sha1" => hex::encode(sha1::Sha1::digest(bytes)),
        "sha256" => hex::encode(sha2::Sha256::digest(bytes)),
        "sha512" => hex::encode(sha2::Sha512::digest(bytes)),
        "file" => return Err("checksum files (checksum=file:...) are not supported".into()),
        other => return Err(format!("unsupported checksum type \"{other}\"")),
    };
    if got != want {
        return Err(format!("checksums did not match: expected {kind} {want}, got {got}"));
    }
    Ok(())
}

/// `file:///abs/path`: a folder is copied, an archive unpacked.
fn fetch_file(raw: &str, dst: &Path) -> Result<(), String> {
    let url = Url::parse(raw).map_err(|e| format!("invalid file URL \"{raw}\": {e}"))?;
    let path = url
        .to_file_path()
        .map_err(|_| format!("\"{raw}\" does not name a local path"))?;
    if path.is_dir() {
        // go-getter links the folder rather than copying it, so edits show without re-init.
        #[cfg(unix)]
        return std::os::unix::fs::symlink(&path, dst).map_err(|e| format!("cannot link {}: {e}", dst.display()));
        #[cfg(not(unix))]
        return copy_dir(&path, dst);
    }
    match archive::by_path(url.path()) {
        Some(format) => {
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            archive::extract(format?, &bytes, dst)
        }
        None => Err(format!("{} is neither a folder nor an archive", path.display())),
    }
}

/// The folder a subdir (possibly a glob such as `*`) names inside `root`; it must match exactly
/// one path.
pub fn expand_subdir(root: &Path, subdir: &str) -> Result<std::path::PathBuf, String> {
    let mut current = vec![root.to_path_buf()];
    for seg in subdir.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let mut next = Vec::new();
        for dir in &current {
            if seg.contains(['*', '?', '[']) {
                let Ok(entries) = std::fs::read_dir(dir) else { continue };
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                    .filter(|n| glob_match(seg, n))
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|n| dir.join(n)));
            } else {
                let p = dir.join(seg);
                if p.exists() {
                    next.push(p);
                }
            }
        }
        current = next;
    }
    match current.len() {
        0 => Err(format!("subdir \"{subdir}\" not found")),
        1 => Ok(current.remove(0)),
        _ => Err(format!("subdir \"{subdir}\" matches multiple paths")),
    }
}

/// Shell-style matching of one path segment (`*`, `?`; a leading dot needs an explicit dot).
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    go(&p, &n)
}

/// Copies a folder tree (symlinks copied as links).
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let fail = |p: &Path, e: std::io::Error| format!("cannot copy {}: {e}", p.display());
    std::fs::create_dir_all(to).map_err(|e| fail(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| fail(from, e))? {
        let entry = entry.map_err(|e| fail(from, e))?;
        let (src, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| fail(&src, e))?;
        if kind.is_dir() {
            copy_dir(&src, &target)?;
        } else if kind.is_symlink() {
            let link = std::fs::read_link(&src).map_err(|e| fail(&src, e))?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(&link, &target).map_err(|e| fail(&src, e))?;
            #[cfg(not(unix))]
            std::fs::copy(src.parent().unwrap_or(from).join(&link), &target).map_err(|e| fail(&src, e))?;
        } else {
            std::fs::copy(&src, &target).map_err(|e| fail(&src, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_terraform_get_meta_tags() {
        let html = r#"<html><head><meta charset="utf-8"><meta name="terraform-get" content="git::https://x.test/r.git?ref=v1&amp;depth=1"></head></html>"#;
        assert_eq!(
            meta_terraform_get(html).as_deref(),
            Some("git::https://x.test/r.git?ref=v1&depth=1")
        );
        assert_eq!(meta_terraform_get("<html></html>"), None);
    }

    #[test]
    fn checksums_are_verified() {
        let body = b"abc";
        verify_checksum(
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            body,
        )
        .unwrap();
        verify_checksum("900150983cd24fb0d6963f7d28e17f72", body).unwrap();
        assert!(verify_checksum("sha1:0000000000000000000000000000000000000000", body)
            .unwrap_err()
            .contains("did not match"));
    }

    #[test]
    fn subdir_globs_expand_to_exactly_one_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repo-1a2b/modules/x")).unwrap();
        assert_eq!(
            expand_subdir(dir.path(), "*/modules/x").unwrap(),
            dir.path().join("repo-1a2b/modules/x")
        );
        assert_eq!(expand_subdir(dir.path(), "").unwrap(), dir.path());
        std::fs::create_dir_all(dir.path().join("repo-3c4d")).unwrap();
        assert!(expand_subdir(dir.path(), "*").unwrap_err().contains("multiple"));
        assert!(expand_subdir(dir.path(), "nope").unwrap_err().contains("not found"));
    }

    #[test]
    fn file_sources_link_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/sub")).unwrap();
        std::fs::write(dir.path().join("src/sub/main.tf"), "locals {}\n").unwrap();
        let http = Http::new().unwrap();
        let url = Url::from_file_path(dir.path().join("src")).unwrap();
        Fetcher::new(&http)
            .fetch(url.as_str(), &dir.path().join("dst"))
            .unwrap();
        assert!(dir.path().join("dst/sub/main.tf").is_file());
    }
}
