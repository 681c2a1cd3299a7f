//! Module source addresses (`source = "..."` in a `module` block), parsed and normalised the way
//! Terraform does, because the normalised text is what `modules.json` records and compares.
//!
//! Three kinds, tried in Terraform's order: a local path (`./`, `../`); a registry address
//! (`[HOST/]NAMESPACE/NAME/SYSTEM[//SUBDIR]`); anything else is a remote package address in
//! go-getter's syntax, where the historical shorthands (`github.com/...`, `bitbucket.org/...`,
//! `git@host:path`, absolute paths) are rewritten into explicit `git::https://...` or `file://`
//! addresses and a `//subdir` is split off.

use std::fmt;

/// The registry used when an address names no host.
pub const DEFAULT_REGISTRY_HOST: &str = "registry.terraform.io";

/// A parsed module source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// A path relative to the calling module's folder, cleaned (`./modules/a`, `../b`).
    Local(String),
    /// A module registry address.
    Registry(RegistrySource),
    /// A package fetched directly (git, http archive, local absolute path).
    Remote(RemoteSource),
}

/// `HOST/NAMESPACE/NAME/SYSTEM//SUBDIR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrySource {
    /// Registry host, lower-cased (may carry a port).
    pub host: String,
    /// Namespace (`terraform-aws-modules`).
    pub namespace: String,
    /// Module name (`vpc`).
    pub name: String,
    /// Target system (`aws`).
    pub system: String,
    /// Folder inside the package, if any.
    pub subdir: String,
}

/// A go-getter package address and a folder inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSource {
    /// Normalised package address with its getter (`git::https://host/repo.git?ref=v1`,
    /// `https://host/m.zip`, `file:///abs/path`).
    pub package: String,
    /// Folder inside the package (`modules/x`), empty for the package root. May hold a glob
    /// (`*`) that is expanded after download.
    pub subdir: String,
}

impl RegistrySource {
    /// `HOST/NAMESPACE/NAME/SYSTEM` without the subdir: what the registry API is asked about.
    pub fn package(&self) -> String {
        format!("{}/{}/{}/{}", self.host, self.namespace, self.name, self.system)
    }
}

impl fmt::Display for ModuleSource {
    /// Terraform's canonical text (`addrs.ModuleSource.String()`), as `modules.json` records it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleSource::Local(p) => f.write_str(p),
            ModuleSource::Registry(r) => {
                f.write_str(&r.package())?;
                if !r.subdir.is_empty() {
                    write!(f, "//{}", r.subdir)?;
                }
                Ok(())
            }
            ModuleSource::Remote(r) => f.write_str(&join_subdir(&r.package, &r.subdir)),
        }
    }
}

/// Puts `//subdir` back into a package address, before its query string.
pub fn join_subdir(package: &str, subdir: &str) -> String {
    if subdir.is_empty() {
        return package.to_string();
    }
    match package.split_once('?') {
        Some((base, query)) => format!("{base}//{subdir}?{query}"),
        None => format!("{package}//{subdir}"),
    }
}

/// Parses a module source as written in a `module` block.
pub fn parse(raw: &str) -> Result<ModuleSource, String> {
    if is_local(raw) {
        return Ok(ModuleSource::Local(parse_local(raw)));
    }
    // As in Terraform, whatever parses as a registry address is one; anything else falls through
    // to the remote package syntax.
    if let Ok(r) = parse_registry(raw) {
        return Ok(ModuleSource::Registry(r));
    }
    parse_remote(raw).map(ModuleSource::Remote)
}

fn is_local(raw: &str) -> bool {
    ["./", "../", ".\\", "..\\"].iter().any(|p| raw.starts_with(p))
}

fn parse_local(raw: &str) -> String {
    let clean = clean_path(&raw.replace('\\', "/"));
    if clean.starts_with("../") || clean == ".." {
        clean
    } else {
        format!("./{clean}")
    }
}

/// Go's `path.Clean` for slash-separated paths: drops `.` and empty segments, resolves `..`
/// where it can, and gives `.` for an empty result.
pub fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|s| *s != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Splits `pkg//subdir?query` into `pkg?query` and the cleaned `subdir` (empty when none). The
/// `//` after a URL scheme does not count.
pub fn split_subdir(src: &str) -> (String, String) {
    let stop = src.find('?').unwrap_or(src.len());
    let offset = src[..stop].find("://").map(|i| i + 3).unwrap_or(0);
    let Some(idx) = src[offset..stop].find("//").map(|i| i + offset) else {
        return (src.to_string(), String::new());
    };
    let mut package = src[..idx].to_string();
    let mut subdir = &src[idx + 2..];
    if let Some(q) = subdir.find('?') {
        package.push_str(&subdir[q..]);
        subdir = &subdir[..q];
    }
    let subdir = if subdir.is_empty() {
        String::new()
    } else {
        clean_path(subdir)
    };
    (package, subdir)
}

fn valid_registry_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

fn valid_target_system(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// A registry host as Terraform compares them: lower case, an optional port, at least one dot.
fn normalise_host(raw: &str) -> Result<String, String> {
    let host = raw.to_lowercase();
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host.as_str(), None),
    };
    let labels_ok = !name.is_empty()
        && name.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    if !labels_ok || !port_ok {
        return Err(format!("invalid module registry hostname \"{raw}\""));
    }
    if name.contains("--") && name.split('.').any(|l| l.starts_with("xn--")) {
        return Err(format!(
            "invalid module registry hostname \"{raw}\"; internationalized domain names must be given as direct unicode characters, not in punycode"
        ));
    }
    if !name.contains('.') {
        return Err("invalid module registry hostname: must contain at least one dot".into());
    }
    Ok(host)
}

/// Parses `[HOST/]NAMESPACE/NAME/SYSTEM[//SUBDIR]`.
pub fn parse_registry(raw: &str) -> Result<RegistrySource, String> {
    let (package, subdir) = split_subdir(raw);
    if subdir.starts_with("../") || subdir == ".." {
        return Err(format!(
            "subdirectory path \"{subdir}\" leads outside of the module package"
        ));
    }
    let parts: Vec<&str> = package.split('/').collect();
    if parts.len() != 3 && parts.len() != 4 {
        return Err(
            "a module registry source address must have either three or four slash-separated components".into(),
        );
    }
    let (host, rest) = if parts.len() == 4 {
        (normalise_host(parts[0])?, &parts[1..])
    } else {
        (DEFAULT_REGISTRY_HOST.to_string(), &parts[..])
    };
    if host == "github.com" || host == "bitbucket.org" {
        return Err(format!(
            "can't use \"{host}\" as a module registry host, because it's reserved for installing directly from version control repositories"
        ));
    }
    if !valid_registry_name(rest[0]) {
        return Err(format!("invalid namespace \"{}\"", rest[0]));
    }
    if !valid_registry_name(rest[1]) {
        return Err(format!("invalid module name \"{}\"", rest[1]));
    }
    if !valid_target_system(rest[2]) {
        if rest[2].contains('?') {
            return Err("module registry addresses may not include a query string portion".into());
        }
        return Err(format!("invalid target system \"{}\"", rest[2]));
    }
    Ok(RegistrySource {
        host,
        namespace: rest[0].to_string(),
        name: rest[1].to_string(),
        system: rest[2].to_string(),
        subdir,
    })
}

/// Splits a forced getter (`git::`, `s3::`) off an address.
pub fn split_forced(src: &str) -> (Option<&str>, &str) {
    if let Some((force, rest)) = src.split_once("::") {
        if !force.is_empty() && force.bytes().all(|c| c.is_ascii_alphanumeric()) && !rest.is_empty() {
            return (Some(force), rest);
        }
    }
    (None, src)
}

/// The URL scheme of `src` as Go's `url.Parse` finds it (`https` in `https://...`), if any.
pub fn url_scheme(src: &str) -> Option<&str> {
    let colon = src.find(':')?;
    let scheme = &src[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))).then_some(scheme)
}

/// The getters infractl can run; anything else is refused when parsing, so even `validate`
/// says so.
const SUPPORTED_GETTERS: &[&str] = &["git", "http", "https", "file"];

/// Parses a remote package address, applying go-getter's shorthand detectors.
pub fn parse_remote(raw: &str) -> Result<RemoteSource, String> {
    let (package, subdir) = split_subdir(raw);
    if subdir.starts_with("../") || subdir == ".." {
        return Err(format!(
            "subdirectory path \"{subdir}\" leads outside of the module package"
        ));
    }
    let (normalised, more_subdir) = normalise_package(&package)?;
    let subdir = match (more_subdir.is_empty(), subdir.is_empty()) {
        (true, _) => subdir,
        (false, true) => clean_path(&more_subdir),
        (false, false) => clean_path(&format!("{more_subdir}/{subdir}")),
    };
    let (force, rest) = split_forced(&normalised);
    let getter = force.or_else(|| url_scheme(rest)).unwrap_or("");
    if !SUPPORTED_GETTERS.contains(&getter) {
        return Err(refusal(getter, raw));
    }
    Ok(RemoteSource {
        package: normalised,
        subdir,
    })
}

fn refusal(getter: &str, raw: &str) -> String {
    match getter {
        "s3" => format!("\"{raw}\" is an Amazon S3 module source; infractl does not download modules from S3 buckets. Publish the module to a registry, a git repository or an https archive instead."),
        "gcs" => format!("\"{raw}\" is a Google Cloud Storage module source; infractl does not download modules from GCS buckets. Publish the module to a registry, a git repository or an https archive instead."),
        "hg" => format!("\"{raw}\" is a Mercurial module source; infractl fetches git repositories only."),
        other => format!("\"{raw}\": module sources of type \"{other}\" are not supported (supported: registry addresses, git::, http(s):// archives, github.com/ and bitbucket.org/ shorthands, local paths)."),
    }
}

/// go-getter's detection: an address with a scheme is kept as it is; a schemeless one is
/// rewritten by the first detector that recognises it. Returns the address (subdir removed)
/// and any subdir the detector found.
fn normalise_package(given: &str) -> Result<(String, String), String> {
    let (force, src) = split_forced(given);
    let (src, subdir) = split_subdir(src);
    if url_scheme(&src).is_some() {
        return Ok((given.to_string(), String::new()));
    }
    let detected = detect_github(&src)?
        .or_else(|| detect_git_ssh(&src))
        .or_else(|| detect_bitbucket(&src))
        .or_else(|| src.contains("googleapis.com/").then(|| format!("gcs::https://{src}")))
        .or_else(|| src.contains(".amazonaws.com/").then(|| format!("s3::https://{src}")))
        .or_else(|| src.starts_with('/').then(|| format!("file://{src}")));
    let Some(detected) = detected else {
        return Err(format!(
            "The module address \"{given}\" could not be resolved. If you intended this as a path relative to the current module, use \"./{given}\" instead. The \"./\" prefix indicates that the address is a relative filesystem path."
        ));
    };
    let (detect_force, result) = split_forced(&detected);
    let (result, detect_subdir) = split_subdir(result);
    let subdir = match (detect_subdir.is_empty(), subdir.is_empty()) {
        (true, _) => subdir,
        (false, true) => detect_subdir,
        (false, false) => clean_path(&format!("{detect_subdir}/{subdir}")),
    };
    let force = force.or(detect_force);
    let out = match force {
        Some(f) => format!("{f}::{result}"),
        None => result,
    };
    Ok((out, subdir))
}

/// `github.com/owner/repo[/sub...][?query]` → `git::https://github.com/owner/repo.git[//sub][?query]`.
fn detect_github(src: &str) -> Result<Option<String>, String> {
    let Some(rest) = src.strip_prefix("github.com/") else {
        return Ok(None);
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 2 {
        return Err("GitHub URLs should be github.com/username/repo".into());
    }
    let mut repo = format!("https://github.com/{}/{}", parts[0], parts[1]);
    if !repo.ends_with(".git") {
        repo.push_str(".git");
    }
    if parts.len() > 2 {
        repo.push_str("//");
        repo.push_str(&parts[2..].join("/"));
    }
    if let Some(q) = query {
        repo.push('?');
        repo.push_str(q);
    }
    Ok(Some(format!("git::{repo}")))
}

/// `bitbucket.org/owner/repo` → `git::https://bitbucket.org/owner/repo.git` (Bitbucket hosts
/// only git repositories now, as Terraform assumes).
fn detect_bitbucket(src: &str) -> Option<String> {
    let rest = src.strip_prefix("bitbucket.org/")?;
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let mut url = format!("https://bitbucket.org/{path}");
    if !url.ends_with(".git") {
        url.push_str(".git");
    }
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    Some(format!("git::{url}"))
}

/// `git@host:owner/repo.git?ref=x` (scp-like, user `git`) → `git::ssh://git@host/owner/repo.git?ref=x`.
fn detect_git_ssh(src: &str) -> Option<String> {
    let (user, rest) = src.split_once('@')?;
    if user != "git" || user.contains(':') {
        return None;
    }
    let (host, path) = rest.split_once(':')?;
    if host.is_empty() || host.contains('/') {
        return None;
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return None;
    }
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(sorted_query(q))),
        None => (path, None),
    };
    let mut out = format!("git::ssh://git@{host}/{path}");
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(&q);
    }
    Some(out)
}

/// Go's `url.Values.Encode()` sorts parameters by key; the scp detector re-encodes through it.
fn sorted_query(q: &str) -> String {
    let mut pairs: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_by_key(|p| p.split('=').next().unwrap_or(""));
    pairs.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(raw: &str) -> String {
        parse(raw)
            .map(|s| s.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn normalises_every_form_as_terraform_records_it() {
        let cases = [
            ("./modules/a/", "./modules/a"),
            ("./a/../b", "./b"),
            ("../x//y", "../x/y"),
            (".\\win\\path", "./win/path"),
            (
                "terraform-aws-modules/vpc/aws",
                "registry.terraform.io/terraform-aws-modules/vpc/aws",
            ),
            (
                "terraform-aws-modules/iam/aws//modules/iam-role/",
                "registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-role",
            ),
            ("Registry.Example.COM/ns/name/aws", "registry.example.com/ns/name/aws"),
            (
                "registry.example.com:8443/ns/name/aws",
                "registry.example.com:8443/ns/name/aws",
            ),
            (
                "git::https://example.com/repo.git//sub/dir?ref=v1.2.0",
                "git::https://example.com/repo.git//sub/dir?ref=v1.2.0",
            ),
            (
                "github.com/org/repo//sub?ref=x",
                "git::https://github.com/org/repo.git//sub?ref=x",
            ),
            ("github.com/org/repo", "git::https://github.com/org/repo.git"),
            ("github.com/org/repo.git", "git::https://github.com/org/repo.git"),
            (
                "github.com/org/repo/modules/x",
                "git::https://github.com/org/repo.git//modules/x",
            ),
            (
                "github.com/org/repo/modules//x?ref=v1",
                "git::https://github.com/org/repo.git//modules/x?ref=v1",
            ),
            ("bitbucket.org/org/repo", "git::https://bitbucket.org/org/repo.git"),
            (
                "git@github.com:org/repo.git?ref=v2&depth=1",
                "git::ssh://git@github.com/org/repo.git?depth=1&ref=v2",
            ),
            (
                "git::ssh://git@example.com/repo.git",
                "git::ssh://git@example.com/repo.git",
            ),
            ("https://example.com/m.zip", "https://example.com/m.zip"),
            ("https://example.com/m.tar.gz//mod", "https://example.com/m.tar.gz//mod"),
            (
                "https://example.com/get?archive=zip",
                "https://example.com/get?archive=zip",
            ),
            ("http://127.0.0.1:8080/m.tgz", "http://127.0.0.1:8080/m.tgz"),
            ("/abs/path/module", "file:///abs/path/module"),
            (
                "git::file:///tmp/repo.git//sub?ref=v1",
                "git::file:///tmp/repo.git//sub?ref=v1",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(show(raw), want, "source {raw:?}");
        }
    }

    #[test]
    fn classifies_sources() {
        assert!(matches!(parse("./a").unwrap(), ModuleSource::Local(_)));
        let ModuleSource::Registry(r) = parse("app.example.io/acme/net/aws//sub").unwrap() else {
            panic!("registry expected")
        };
        assert_eq!(
            (
                r.host.as_str(),
                r.namespace.as_str(),
                r.name.as_str(),
                r.system.as_str(),
                r.subdir.as_str()
            ),
            ("app.example.io", "acme", "net", "aws", "sub")
        );
        let ModuleSource::Remote(r) = parse("github.com/org/repo//sub?ref=x").unwrap() else {
            panic!("remote expected")
        };
        assert_eq!(r.package, "git::https://github.com/org/repo.git?ref=x");
        assert_eq!(r.subdir, "sub");
        // A host without a dot is not a registry host: go-getter gets it and cannot resolve it.
        assert!(show("hashicorp/consul/aws/extra").contains("could not be resolved"));
        // github.com is reserved for version control even with four parts.
        assert!(matches!(parse("github.com/a/b/c").unwrap(), ModuleSource::Remote(_)));
    }

    #[test]
    fn refuses_unsupported_getters_clearly() {
        for raw in [
            "s3::https://s3-eu-west-1.amazonaws.com/bucket/mod.zip",
            "bucket.s3.amazonaws.com/mod.zip",
            "gcs::https://www.googleapis.com/storage/v1/bucket/mod.zip",
            "www.googleapis.com/storage/v1/bucket/mod.zip",
            "hg::https://example.com/repo",
        ] {
            let err = parse(raw).unwrap_err();
            assert!(err.contains("infractl"), "{raw}: {err}");
        }
        assert!(parse("git::https://x.test/r.git//../up")
            .unwrap_err()
            .contains("outside"));
        assert!(parse("ns/name/aws//../x").unwrap_err().contains("outside"));
    }

    #[test]
    fn go_path_clean() {
        for (p, want) in [
            ("", "."),
            ("a//b/", "a/b"),
            ("a/../..", ".."),
            ("/../a", "/a"),
            ("./x/.", "x"),
        ] {
            assert_eq!(clean_path(p), want, "{p}");
        }
    }
}
