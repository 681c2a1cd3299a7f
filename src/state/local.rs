//! The local backend: a state file on disk, written atomically (temp file + rename) with the
//! previous version kept as `.backup`, locked by an exclusive lock file beside it, and extended
//! between full writes by a journal file (`<name>.journal`, see [`super::journal`]).

use super::backend::{Backend, LockError, LockInfo};
use super::journal::{self, JournalRecord};
use super::State;
use crate::diag::{DResult, Diag};
use async_trait::async_trait;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A state file on the local disk.
#[derive(Debug)]
pub struct LocalBackend {
    /// The state file's path.
    pub path: PathBuf,
    /// Size and modification time of the file as this process last wrote it, with the state's
    /// lineage and serial: when the file still matches, it need not be parsed again to check
    /// that nobody else wrote in between (that parse made every write cost a full read).
    last_written: std::sync::Mutex<Option<(u64, std::time::SystemTime, String, u64)>>,
}

impl Clone for LocalBackend {
    fn clone(&self) -> Self {
        LocalBackend::new(self.path.clone())
    }
}

impl LocalBackend {
    /// The backend for a state file.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend {
            path: path.into(),
            last_written: std::sync::Mutex::new(None),
        }
    }

    fn file_stamp(&self) -> Option<(u64, std::time::SystemTime)> {
        let meta = std::fs::metadata(&self.path).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    }

    /// Reads the state, with its journal replayed; `None` when there is no state file yet.
    pub fn read_now(&self) -> DResult<Option<State>> {
        let mut state = match std::fs::read_to_string(&self.path) {
            Ok(text) => State::from_json(&text, &self.path.display().to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Diag::new(format!("Cannot read state file {}", self.path.display())).detail(e.to_string()))
            }
        };
        let journal = self.journal_path();
        match std::fs::read_to_string(&journal) {
            Ok(text) => {
                journal::replay(&mut state, &text, &journal.display().to_string())?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_diag("read", &journal, e)),
        }
        Ok(Some(state))
    }

    /// The stack's secret key beside the state file (see [`Backend::read_secret_key`]).
    pub fn secret_key_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".secret-key");
        self.path.with_file_name(name)
    }

    /// The journal beside the state file.
    pub fn journal_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".journal");
        self.path.with_file_name(name)
    }

    /// Appends one journal record as one line, in one write.
    pub fn append_now(&self, record: &JournalRecord) -> DResult<()> {
        let journal = self.journal_path();
        let mut line = serde_json::to_string(record).expect("journal record serialises");
        line.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| io_diag("append to", &journal, e))
    }

    /// Writes the state atomically, keeping the previous file as `<name>.backup`. Refuses to
    /// overwrite a file of another lineage or a newer serial.
    pub fn write_now(&self, state: &State) -> DResult<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_diag("create state folder", dir, e))?;
        }
        let remembered = self.last_written.lock().expect("stamp lock").clone();
        let unchanged_since_our_write = match (&remembered, self.file_stamp()) {
            (Some((len, modified, lineage, serial)), Some((now_len, now_modified))) => {
                *len == now_len && *modified == now_modified && *lineage == state.lineage && *serial <= state.serial
            }
            _ => false,
        };
        if !unchanged_since_our_write {
            if let Ok(Some(current)) = self.read_now() {
                check_overwrite(&current, state, &self.path.display().to_string())?;
            }
        }
        let text = serde_json::to_string_pretty(state).expect("state serialises");
        let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
        std::fs::write(&tmp, text.as_bytes()).map_err(|e| io_diag("write", &tmp, e))?;
        if self.path.exists() {
            let backup = backup_path(&self.path);
            std::fs::copy(&self.path, &backup).map_err(|e| io_diag("back up", &backup, e))?;
        }
        std::fs::rename(&tmp, &self.path).map_err(|e| io_diag("replace", &self.path, e))?;
        // The snapshot holds everything journaled (the writer replayed it), and records of the
        // older serial would be ignored anyway: the journal starts afresh.
        match std::fs::remove_file(self.journal_path()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_diag("clear", &self.journal_path(), e)),
        }
        if let Some((len, modified)) = self.file_stamp() {
            *self.last_written.lock().expect("stamp lock") = Some((len, modified, state.lineage.clone(), state.serial));
        }
        Ok(())
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock.info");
        self.path.with_file_name(name)
    }
}

/// Refuses to replace `current` by `next` when that would lose history.
pub fn check_overwrite(current: &State, next: &State, place: &str) -> DResult<()> {
    if current.lineage != next.lineage {
        return Err(
            Diag::new("Refusing to overwrite a state of another lineage").detail(format!(
                "{place} holds lineage {}, this run has {}.",
                current.lineage, next.lineage
            )),
        );
    }
    if current.serial > next.serial {
        return Err(Diag::new("Refusing to overwrite a newer state").detail(format!(
            "{place} has serial {}, this run would write {}: another run changed it meanwhile.",
            current.serial, next.serial
        )));
    }
    Ok(())
}

#[async_trait]
impl Backend for LocalBackend {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn secret_key_location(&self) -> String {
        self.secret_key_path().display().to_string()
    }

    async fn read_secret_key(&self) -> DResult<Option<Vec<u8>>> {
        let path = self.secret_key_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => super::backend::decode_secret_key(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_diag("read the secret key", &path, e)),
        }
    }

    async fn create_secret_key(&self, key: &[u8]) -> DResult<()> {
        let path = self.secret_key_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_diag("create state folder", dir, e))?;
        }
        // Readable by its owner only, and never over an existing key.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let text = super::backend::encode_secret_key(key);
        options
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
            .map_err(|e| io_diag("write the secret key", &path, e))
    }

    async fn delete_secret_key(&self) -> DResult<()> {
        let path = self.secret_key_path();
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_diag("delete the secret key", &path, e)),
        }
    }

    async fn read(&self) -> DResult<Option<State>> {
        self.read_now()
    }

    async fn write(&self, state: &State) -> DResult<()> {
        self.write_now(state)
    }

    fn journals(&self) -> bool {
        true
    }

    fn breaks_stale_locks(&self) -> bool {
        true
    }

    async fn append(&self, record: &JournalRecord) -> DResult<()> {
        self.append_now(record)
    }

    async fn overwrite(&self, state: &State) -> DResult<()> {
        if self.path.exists() {
            let backup = backup_path(&self.path);
            std::fs::copy(&self.path, &backup).map_err(|e| io_diag("back up", &backup, e))?;
            std::fs::remove_file(&self.path).map_err(|e| io_diag("replace", &self.path, e))?;
        }
        self.write_now(state)
    }

    async fn lock(&self, info: &LockInfo) -> Result<(), LockError> {
        let path = self.lock_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| LockError::Failed(io_diag("create state folder", dir, e)))?;
        }
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let text = serde_json::to_string(info).expect("lock info serialises");
                f.write_all(text.as_bytes())
                    .map_err(|e| LockError::Failed(io_diag("write", &path, e)))?;
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match self.lock_holder().await {
                Ok(Some(holder)) => Err(LockError::Held(Box::new(holder))),
                Ok(None) => Err(LockError::Failed(Diag::new(
                    "The lock file vanished while being read; try again",
                ))),
                Err(d) => Err(LockError::Failed(d)),
            },
            Err(e) => Err(LockError::Failed(io_diag("create", &path, e))),
        }
    }

    async fn unlock(&self, id: &str) -> DResult<()> {
        match self.lock_holder().await? {
            Some(holder) if holder.id == id => {
                std::fs::remove_file(self.lock_path()).map_err(|e| io_diag("remove", &self.lock_path(), e))
            }
            Some(holder) => Err(Diag::new("Lock id does not match")
                .detail(format!("The state is locked with id {}, not {id}.", holder.id))),
            None => Err(Diag::new("The state is not locked")),
        }
    }

    async fn lock_holder(&self) -> DResult<Option<LockInfo>> {
        match std::fs::read_to_string(self.lock_path()) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                Diag::new(format!("Lock file {} is damaged", self.lock_path().display())).detail(e.to_string())
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_diag("read", &self.lock_path(), e)),
        }
    }
}

/// Where the previous version of a state file is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".backup");
    path.with_file_name(name)
}

fn io_diag(what: &str, path: &Path, e: std::io::Error) -> Diag {
    Diag::new(format!("Cannot {what} {}", path.display())).detail(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;
    use crate::state::{ResourceState, StateMode};

    fn sample() -> State {
        let mut s = State::new();
        s.upsert(ResourceState {
            provider: None,
            address: Address::parse("aws_vpc.main").unwrap(),
            mode: StateMode::Managed,
            type_name: "aws_vpc".into(),
            id: "vpc-1".into(),
            attributes: serde_json::json!({"id": "vpc-1"}),
            dependencies: vec![],
            create_before_destroy: false,
            deposed: vec![],
            tainted: false,
        });
        s
    }

    #[test]
    fn writes_atomically_with_backup_and_guards_lineage_and_serial() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("s.tfstate.json"));
        assert!(b.read_now().unwrap().is_none());
        let mut s = sample();
        s.serial = 1;
        b.write_now(&s).unwrap();
        s.serial = 2;
        b.write_now(&s).unwrap();
        assert_eq!(b.read_now().unwrap().unwrap(), s);
        let backup = State::from_json(&std::fs::read_to_string(backup_path(&b.path)).unwrap(), "b").unwrap();
        assert_eq!(backup.serial, 1);

        let mut stale = s.clone();
        stale.serial = 1;
        assert!(b.write_now(&stale).unwrap_err().summary.contains("newer"));
        let other = State {
            serial: 5,
            ..State::new()
        };
        assert!(b.write_now(&other).unwrap_err().summary.contains("lineage"));
        assert_eq!(b.read_now().unwrap().unwrap().serial, 2);
    }

    #[tokio::test]
    async fn lock_is_exclusive_and_names_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("s.tfstate.json"));
        let first = LockInfo::new("OperationTypeApply", "s");
        b.lock(&first).await.unwrap();
        let second = LockInfo::new("OperationTypePlan", "s");
        match b.lock(&second).await {
            Err(LockError::Held(h)) => assert_eq!(h.id, first.id),
            other => panic!("expected held, got {other:?}"),
        }
        assert!(b.unlock(&second.id).await.is_err());
        b.unlock(&first.id).await.unwrap();
        b.lock(&second).await.unwrap();
    }

    #[test]
    fn journal_extends_the_snapshot_until_the_next_full_write() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path().join("s.tfstate.json"));
        let mut s = sample();
        s.serial = 3;
        b.write_now(&s).unwrap();
        let subnet = Address::parse("aws_subnet.a").unwrap();
        let mut next = s.clone();
        next.upsert(ResourceState {
            provider: None,
            address: subnet.clone(),
            id: "subnet-1".into(),
            ..s.resources[0].clone()
        });
        b.append_now(&JournalRecord::of(&next, &subnet)).unwrap();
        next.remove(&Address::parse("aws_vpc.main").unwrap());
        b.append_now(&JournalRecord::of(&next, &Address::parse("aws_vpc.main").unwrap()))
            .unwrap();
        // A reader sees the snapshot with the journal replayed.
        let read = b.read_now().unwrap().unwrap();
        assert_eq!(read.resources, next.resources);
        assert_eq!(read.serial, 3);
        // The raw snapshot is untouched until the next full write, which clears the journal.
        assert_eq!(
            State::from_json(&std::fs::read_to_string(&b.path).unwrap(), "s").unwrap(),
            s
        );
        next.serial = 4;
        b.write_now(&next).unwrap();
        assert!(!b.journal_path().exists());
        assert_eq!(b.read_now().unwrap().unwrap(), next);
    }
}
