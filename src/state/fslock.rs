//! Terraform's lock on a local state file, so infractl and Terraform exclude each other on a
//! state both keep: a POSIX record lock (fcntl, write lock over the whole file) on the state
//! file itself, held while the file stays open, and the holder's description in
//! `.<name>.lock.info` beside it (Terraform shows it to whoever finds the state locked).
//!
//! On Linux the lock is taken as an open file description lock (`F_OFD_SETLK`): it conflicts
//! with Terraform's classic record locks, but is not dropped when this process closes some other
//! descriptor of the same file (which would silently release a classic lock, and infractl reads
//! the state through other descriptors). Elsewhere the classic lock is used. Because the lock
//! belongs to the file, not to its name, a state under this lock is written in place, never
//! replaced by a rename, as Terraform writes it.

use super::backend::{LockError, LockInfo};
use crate::diag::Diag;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A lock this process holds: the open state file that carries it.
#[derive(Debug)]
pub struct Held {
    _file: File,
    /// The holder description written beside the state.
    pub info: LockInfo,
}

/// Where Terraform describes the holder of a local state's lock.
pub fn info_path(state: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(state.file_name().unwrap_or_default());
    name.push(".lock.info");
    state.with_file_name(name)
}

/// Takes the lock on `state` (creating the file empty when there is none yet, as Terraform
/// does), or says who holds it.
pub fn lock(state: &Path, info: &LockInfo) -> Result<Held, LockError> {
    let failed = |what: &str, e: std::io::Error| {
        LockError::Failed(Diag::new(format!("Cannot {what} {}", state.display())).detail(e.to_string()))
    };
    if let Some(dir) = state.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failed("create the folder of", e))?;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(state)
        .map_err(|e| failed("open", e))?;
    if !try_lock(&file).map_err(|e| failed("lock", e))? {
        return Err(LockError::Held(Box::new(holder(state).unwrap_or_else(|| LockInfo {
            id: "(unknown)".into(),
            operation: "unknown".into(),
            info: "another process holds the lock on the state file and left no description".into(),
            who: "unknown".into(),
            version: String::new(),
            created: String::new(),
            path: state.display().to_string(),
        }))));
    }
    let text = serde_json::to_string(info).expect("lock info serialises");
    std::fs::write(info_path(state), text).map_err(|e| failed("describe the lock of", e))?;
    Ok(Held {
        _file: file,
        info: info.clone(),
    })
}

/// Releases a lock: removes the description, then closes the file (which ends the lock). A
/// state file left empty (the lock made it, nothing was written) is removed, as Terraform does.
pub fn unlock(state: &Path, held: Held) -> Result<(), Diag> {
    match std::fs::remove_file(info_path(state)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Diag::new(format!("Cannot remove {}", info_path(state).display())).detail(e.to_string())),
    }
    drop(held);
    if std::fs::metadata(state).is_ok_and(|m| m.len() == 0) {
        let _ = std::fs::remove_file(state);
    }
    Ok(())
}

/// The holder's description, when one is written.
pub fn holder(state: &Path) -> Option<LockInfo> {
    serde_json::from_str(&std::fs::read_to_string(info_path(state)).ok()?).ok()
}

#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: `flock` is a plain C struct for which all-zero bytes are a valid value.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    #[cfg(target_os = "linux")]
    let command = libc::F_OFD_SETLK;
    #[cfg(not(target_os = "linux"))]
    let command = libc::F_SETLK;
    // SAFETY: the descriptor is open for the life of `file`, and `fl` outlives the call.
    let r = unsafe { libc::fcntl(file.as_raw_fd(), command, &fl) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(unix))]
fn try_lock(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_a_second_holder_and_names_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("terraform.tfstate");
        let first = LockInfo::new("OperationTypeApply", "s");
        let held = lock(&state, &first).unwrap();
        assert!(state.exists() && info_path(&state).ends_with(".terraform.tfstate.lock.info"));
        // Reading the file through another descriptor does not drop the lock.
        let _ = std::fs::read_to_string(&state).unwrap();
        match lock(&state, &LockInfo::new("OperationTypePlan", "s")) {
            Err(LockError::Held(h)) => assert_eq!(h.id, first.id),
            other => panic!("expected the lock to be held, got {other:?}"),
        }
        unlock(&state, held).unwrap();
        assert!(!state.exists(), "the empty file the lock made is removed");
        assert!(!info_path(&state).exists());
        let again = lock(&state, &LockInfo::new("OperationTypePlan", "s")).unwrap();
        unlock(&state, again).unwrap();
    }
}
