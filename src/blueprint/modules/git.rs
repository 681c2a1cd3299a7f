//! git module sources, fetched by running the `git` binary as Terraform does (so the user's git
//! configuration, credential helpers and SSH agent all apply).
//!
//! `git::URL?ref=REF&depth=N&sshkey=BASE64`: with a depth, `git clone --depth N --branch REF`
//! (REF must then be a branch or tag); without, a full clone then `git checkout REF`. Submodules
//! are then updated. `sshkey` is a base64 private key used through `GIT_SSH_COMMAND`. git never
//! prompts for a password here (`GIT_TERMINAL_PROMPT=0`): a run that needs one fails with git's
//! own message instead of hanging.

use std::path::Path;
use std::process::Command;

/// Clones `url` (the part after `git::`, query included) into `dst`, which must not exist.
pub fn fetch(url: &str, dst: &Path) -> Result<(), String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut reference = None;
    let mut depth = 0u32;
    let mut ssh_key = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned();
        match k {
            "ref" => reference = Some(value).filter(|r| !r.is_empty()),
            "depth" => {
                depth = value
                    .parse()
                    .map_err(|_| format!("depth must be a whole number, not \"{value}\""))?
            }
            "sshkey" => ssh_key = Some(value),
            _ => rest.push(pair),
        }
    }
    // Go re-encodes the remaining query through url.Values, which sorts it.
    rest.sort_by_key(|p| p.split('=').next().unwrap_or(""));
    let clone_url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };

    let key_file = match ssh_key {
        Some(k) => Some(write_key(&k)?),
        None => None,
    };
    let run = |args: &[&str], dir: Option<&Path>| -> Result<(), String> {
        let mut cmd = Command::new("git");
        cmd.args(args).env("GIT_TERMINAL_PROMPT", "0");
        if let Some(d) = dir {
            cmd.current_dir(d);
        }
        if let Some(key) = &key_file {
            let base = std::env::var("GIT_SSH_COMMAND").unwrap_or_else(|_| "ssh".into());
            cmd.env(
                "GIT_SSH_COMMAND",
                format!("{base} -i {} -o IdentitiesOnly=yes", key.path().display()),
            );
        }
        let out = cmd.output().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "git must be available and on the PATH to fetch git module sources".to_string()
            } else {
                format!("cannot run git: {e}")
            }
        })?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "`git {}` failed ({}):\n{}",
            args.first().copied().unwrap_or(""),
            out.status,
            stderr.trim_end()
        ))
    };

    let dst_text = dst.to_string_lossy().into_owned();
    let depth_text = depth.to_string();
    let mut args = vec!["clone"];
    if depth > 0 {
        args.extend(["--depth", depth_text.as_str()]);
        if let Some(r) = &reference {
            args.extend(["--branch", r.as_str()]);
        }
    }
    args.extend(["--", clone_url.as_str(), dst_text.as_str()]);
    run(&args, None).map_err(|e| {
        let looks_like_commit = reference
            .as_deref()
            .is_some_and(|r| r.len() >= 7 && r.bytes().all(|b| b.is_ascii_hexdigit()));
        if depth > 0 && looks_like_commit {
            format!("{e}\n(note that setting 'depth' requires 'ref' to be a branch or tag name)")
        } else {
            e
        }
    })?;
    if depth == 0 {
        if let Some(r) = &reference {
            run(&["checkout", r.as_str()], Some(dst))?;
        }
    }
    if dst.join(".gitmodules").exists() {
        run(&["submodule", "update", "--init", "--recursive"], Some(dst))?;
    }
    Ok(())
}

fn write_key(b64: &str) -> Result<tempfile::NamedTempFile, String> {
    use base64::Engine;
    use std::io::Write;
    let key = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(b64.trim()))
        .map_err(|e| format!("the sshkey parameter is not base64: {e}"))?;
    let mut f = tempfile::NamedTempFile::new().map_err(|e| format!("cannot write the ssh key: {e}"))?;
    f.write_all(&key)
        .map_err(|e| format!("cannot write the ssh key: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o600));
    }
    Ok(f)
}
