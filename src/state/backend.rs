//! The contract every state backend keeps: read and write one state document with an
//! optimistic check, and hold an exclusive lock while a run changes it.

use super::journal::JournalRecord;
use super::State;
use crate::diag::{DResult, Diag};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Who holds a lock, in the field names Terraform writes, so existing tooling can read it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LockInfo {
    /// Unique id of this lock; `force-unlock` takes it.
    #[serde(rename = "ID")]
    pub id: String,
    /// What the holder is doing (`OperationTypeApply`, ...).
    #[serde(rename = "Operation")]
    pub operation: String,
    /// Free text.
    #[serde(rename = "Info", default)]
    pub info: String,
    /// `user@host`.
    #[serde(rename = "Who")]
    pub who: String,
    /// infractl version of the holder.
    #[serde(rename = "Version")]
    pub version: String,
    /// When the lock was taken (RFC 3339).
    #[serde(rename = "Created")]
    pub created: String,
    /// The state it protects.
    #[serde(rename = "Path", default)]
    pub path: String,
}

impl LockInfo {
    /// A new lock description for an operation by this process.
    pub fn new(operation: &str, path: &str) -> LockInfo {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "localhost".into());
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            info: format!("pid {}", std::process::id()),
            who: format!("{user}@{host}"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            created: now_rfc3339(),
            path: path.to_string(),
        }
    }
}

/// Current UTC time as RFC 3339, without pulling in a date crate for one timestamp.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Why a lock could not be taken.
#[derive(Debug, Clone)]
pub enum LockError {
    /// Someone else holds it.
    Held(Box<LockInfo>),
    /// The lock store failed (missing table, no permission, ...).
    Failed(Diag),
}

/// A place where one stack's state lives.
#[async_trait]
pub trait Backend: Send + Sync {
    /// Where the state lives, for messages (`s3://bucket/key`, a file path).
    fn describe(&self) -> String;

    /// Reads the state; `None` when none was written yet. Remembers what it read, so that the
    /// next write can be made conditional on nobody else having written in between.
    async fn read(&self) -> DResult<Option<State>>;

    /// Writes the state, refusing when it changed since it was read, or when the stored state
    /// is newer or of another lineage.
    async fn write(&self, state: &State) -> DResult<()>;

    /// Replaces the state whatever its lineage or serial (migration, `state push -force`); still
    /// conditional on nobody having written since it was last read.
    async fn overwrite(&self, state: &State) -> DResult<()> {
        self.write(state).await
    }

    /// Whether this backend keeps a journal ([`super::journal`]): then each completed step is
    /// saved by [`Backend::append`], and only the start and end of a run write the whole state.
    fn journals(&self) -> bool {
        false
    }

    /// Appends one record to the journal of the snapshot last written.
    async fn append(&self, _record: &JournalRecord) -> DResult<()> {
        Err(Diag::new(format!("{} keeps no state journal", self.describe())))
    }

    /// Whether a lock left by a dead process of this machine may be removed without asking:
    /// true for a lock file beside a local state. Shared (remote) locks are only ever removed
    /// with `force-unlock`, as Terraform users expect: a hostname is no proof of one machine.
    fn breaks_stale_locks(&self) -> bool {
        false
    }

    /// Takes the lock or says who holds it.
    async fn lock(&self, info: &LockInfo) -> Result<(), LockError>;

    /// Releases a lock this process holds.
    async fn unlock(&self, id: &str) -> DResult<()>;

    /// The current holder, if any.
    async fn lock_holder(&self) -> DResult<Option<LockInfo>>;

    /// Where the stack's secret key is kept, for messages. The key seals the secrets infractl
    /// generates (`random_password`), so state holds them only sealed; it lives beside the
    /// state, never inside it (see [`crate::provider::secrets`]).
    fn secret_key_location(&self) -> String {
        format!("{} (this backend keeps no secret key)", self.describe())
    }

    /// Reads the stack's secret key; `None` when none was made yet.
    async fn read_secret_key(&self) -> DResult<Option<Vec<u8>>> {
        Ok(None)
    }

    /// Stores a new secret key, refusing to replace one that exists: secrets sealed with the
    /// old key could never be opened again.
    async fn create_secret_key(&self, _key: &[u8]) -> DResult<()> {
        Err(Diag::new(format!(
            "{} cannot keep a secret key, so generated secrets cannot be kept",
            self.describe()
        )))
    }

    /// Removes the secret key (with its workspace); succeeds when there is none.
    async fn delete_secret_key(&self) -> DResult<()> {
        Ok(())
    }
}

/// The text of a secret key object or file: a small JSON document, so that a file of another
/// kind put in its place is recognised rather than taken for a key.
pub fn encode_secret_key(key: &[u8]) -> String {
    use base64::Engine;
    serde_json::json!({
        "infractl_secret_key": 1,
        "key": base64::engine::general_purpose::STANDARD.encode(key),
    })
    .to_string()
        + "\n"
}

/// Reads the text written by [`encode_secret_key`]; `place` names it in errors.
pub fn decode_secret_key(text: &str, place: &str) -> DResult<Vec<u8>> {
    use base64::Engine;
    let damaged = || {
        Diag::new(format!("The secret key {place} is damaged")).detail(
            "It is not a key infractl wrote. Restore it from a backup: secrets sealed with the key cannot be opened without it.",
        )
    };
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|_| damaged())?;
    if doc.get("infractl_secret_key").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err(damaged());
    }
    let key = doc
        .get("key")
        .and_then(serde_json::Value::as_str)
        .and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok())
        .ok_or_else(damaged)?;
    if key.len() != 32 {
        return Err(damaged());
    }
    Ok(key)
}

/// Takes a lock, waiting up to `timeout` with backoff while someone else holds it.
pub async fn acquire(backend: &dyn Backend, info: &LockInfo, timeout: Duration) -> DResult<()> {
    let start = std::time::Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        match backend.lock(info).await {
            Ok(()) => return Ok(()),
            Err(LockError::Failed(d)) => return Err(d),
            Err(LockError::Held(holder)) => {
                if backend.breaks_stale_locks() && holder_is_dead(&holder, info) {
                    eprintln!(
                        "Warning: removing the state lock {} left by {} ({}), a run on this machine that no longer exists (killed before it could release the lock).",
                        holder.id, holder.who, holder.info
                    );
                    backend.unlock(&holder.id).await?;
                    continue;
                }
                if start.elapsed() >= timeout {
                    return Err(held_diag(backend, &holder, timeout));
                }
                tokio::time::sleep(delay.min(timeout.saturating_sub(start.elapsed()))).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// True when a lock was taken by a process of this machine (same `user@host`) that is gone:
/// a run killed with SIGKILL cannot release its lock, and waiting for it would never end. Locks
/// of other machines, or of live processes, are never taken over.
fn holder_is_dead(holder: &LockInfo, mine: &LockInfo) -> bool {
    let Some(pid) = holder
        .info
        .strip_prefix("pid ")
        .and_then(|p| p.trim().parse::<u32>().ok())
    else {
        return false;
    };
    let proc_root = std::path::Path::new("/proc");
    if holder.who != mine.who || !proc_root.join("self").exists() {
        return false;
    }
    pid != std::process::id() && !proc_root.join(pid.to_string()).exists()
}

fn held_diag(backend: &dyn Backend, holder: &LockInfo, waited: Duration) -> Diag {
    let waited = if waited.is_zero() {
        String::new()
    } else {
        format!(" (waited {}s)", waited.as_secs())
    };
    Diag::new(format!("Error acquiring the state lock{waited}")).detail(format!(
        "The state at {} is locked by another run:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}\n\nWait for it to finish, or retry with -lock-timeout=DURATION. If that run was killed and the lock was left behind, remove it with:\n  infractl force-unlock {}",
        backend.describe(),
        holder.id,
        holder.path,
        holder.operation,
        holder.who,
        holder.version,
        holder.created,
        holder.info,
        holder.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_terraform() {}

    #[test]
    fn only_locks_of_dead_processes_of_this_machine_are_stale() {
        let mine = LockInfo::new("OperationTypeApply", "s");
        let mut dead = mine.clone();
        // Pids are below 2^22 on Linux; this one cannot be running.
        dead.info = "pid 4294967".into();
        assert!(holder_is_dead(&dead, &mine));
        let mut alive = mine.clone();
        alive.info = format!("pid {}", std::process::id());
        assert!(!holder_is_dead(&alive, &mine));
        alive.info = "pid 1".into();
        assert!(!holder_is_dead(&alive, &mine));
        let mut elsewhere = dead.clone();
        elsewhere.who = "someone@another-host".into();
        assert!(!holder_is_dead(&elsewhere, &mine));
        let mut unparsable = dead;
        unparsable.info = "ci job 7".into();
        assert!(!holder_is_dead(&unparsable, &mine));
    }

    #[test]
    fn timestamps_are_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
