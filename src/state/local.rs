//! The local backend: a state file on disk, written atomically (temp file + rename) with the
//! previous version kept as `.backup`, locked by an exclusive lock file beside it, and extended
//! between full writes by a journal file (`<name>.journal`, see [`super::journal`]).
//!
//! A state where Terraform's local backend keeps it (`terraform.tfstate` in a blueprint folder)
//! is handled as Terraform handles it instead, so the two tools exclude each other: locked with
//! Terraform's lock ([`super::fslock`]) and so written in place, an empty file meaning no state.
//!
//! Either way a write is refused when the file changed since this process read or wrote it
//! (another writer, infractl or Terraform, got in between), or would go back in serial or switch
//! lineage.

use super::backend::{Backend, LockError, LockInfo};
use super::fslock;
use super::journal::{self, JournalRecord};
use super::{Keeper, State};
use crate::diag::{DResult, Diag};
use async_trait::async_trait;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A state file on the local disk.
#[derive(Debug)]
pub struct LocalBackend {
    /// The state file's path.
    pub path: PathBuf,
    /// What this process last saw of the file, read or written: its size and modification
    /// time, and the state's lineage and serial. When the file still matches, nobody else wrote
    /// in between, and it need not be parsed again (that parse made every write cost a read);
    /// when it does not, the write is refused unless the file still holds that serial.
    last_seen: std::sync::Mutex<Option<Seen>>,
    /// Who keeps a state written here for the first time (see [`Backend::new_state_keeper`]).
    new_keeper: Keeper,
    /// Terraform's own local state: Terraform's lock, writes in place, empty means none.
    terraform: bool,
    /// Terraform's lock, while this process holds it.
    held: std::sync::Mutex<Option<fslock::Held>>,
}

/// A file's size and modification time: it changed when they did.
type Stamp = (u64, std::time::SystemTime);

/// The file as this process last saw it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    stamp: Option<Stamp>,
    lineage: String,
    serial: u64,
}

impl Clone for LocalBackend {
    fn clone(&self) -> Self {
        let mut b = LocalBackend::new(self.path.clone()).keeping_new(self.new_keeper);
        b.terraform = self.terraform;
        b
    }
}

impl LocalBackend {
    /// The backend for a state file.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend {
            path: path.into(),
            last_seen: std::sync::Mutex::new(None),
            new_keeper: Keeper::Infractl,
            terraform: false,
            held: std::sync::Mutex::new(None),
        }
    }

    /// The same backend for a state where Terraform's local backend keeps it: locked as
    /// Terraform locks it, written in place (see the module documentation).
    pub fn terraform_layout(mut self) -> LocalBackend {
        self.terraform = true;
        self
    }

    /// The same backend, with `keeper` keeping a state it writes for the first time.
    pub fn keeping_new(mut self, keeper: Keeper) -> LocalBackend {
        self.new_keeper = keeper;
        self
    }

    fn file_stamp(&self) -> Option<Stamp> {
        let meta = std::fs::metadata(&self.path).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    }

    /// The snapshot in the file (no journal), with the stamp it was read at; `None` when there
    /// is no state file (or, in Terraform's layout, an empty one).
    fn read_snapshot(&self) -> DResult<Option<(State, Option<Stamp>)>> {
        let stamp = self.file_stamp();
        match std::fs::read_to_string(&self.path) {
            Ok(text) if self.terraform && text.is_empty() => Ok(None),
            Ok(text) => Ok(Some((
                State::from_json(&text, &self.path.display().to_string())?,
                stamp,
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diag::new(format!("Cannot read state file {}", self.path.display())).detail(e.to_string())),
        }
    }

    /// Reads the state, with its journal replayed; `None` when there is no state file yet.
    pub fn read_now(&self) -> DResult<Option<State>> {
        let Some((mut state, stamp)) = self.read_snapshot()? else {
            *self.last_seen.lock().expect("stamp lock") = None;
            return Ok(None);
        };
        *self.last_seen.lock().expect("stamp lock") = Some(Seen {
            stamp,
            lineage: state.lineage.clone(),
            serial: state.serial,
        });
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

    /// Appends one journal record as one line, in one write. A line a killed run left cut short
    /// (a write of several pages can stop at a page boundary on SIGKILL) is dropped first:
    /// readers ignore it as the last line, but a record appended after it would join it on one
    /// line, and that damaged line would make the state unreadable.
    pub fn append_now(&self, record: &JournalRecord) -> DResult<()> {
        let journal = self.journal_path();
        let mut line = serde_json::to_string(record).expect("journal record serialises");
        line.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&journal)
            .and_then(|mut f| {
                drop_cut_line(&mut f)?;
                f.write_all(line.as_bytes())
            })
            .map_err(|e| io_diag("append to", &journal, e))
    }

    /// Writes the state atomically, keeping the previous file as `<name>.backup`. Refuses to
    /// overwrite a file that changed since this process read or wrote it, or one of another
    /// lineage or a newer serial.
    pub fn write_now(&self, state: &State) -> DResult<()> {
        self.write_checked(state, true)
    }

    fn write_checked(&self, state: &State, check: bool) -> DResult<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_diag("create state folder", dir, e))?;
        }
        let seen = self.last_seen.lock().expect("stamp lock").clone();
        let stamp = self.file_stamp();
        let unchanged_since_seen = seen
            .as_ref()
            .is_some_and(|s| s.stamp == stamp && s.lineage == state.lineage && s.serial <= state.serial);
        if check && !unchanged_since_seen {
            if let Ok(Some((current, _))) = self.read_snapshot() {
                let place = self.path.display().to_string();
                if let Some(seen) = seen.as_ref().filter(|s| s.stamp != stamp) {
                    if (&current.lineage, current.serial) != (&seen.lineage, seen.serial) {
                        return Err(Diag::new(format!(
                            "State {place} was changed by another writer; nothing was overwritten"
                        ))
                        .detail(format!(
                            "It now has serial {} (lineage {}); this run read serial {} (lineage {}). Run the command again to work from the current state.",
                            current.serial, current.lineage, seen.serial, seen.lineage
                        )));
                    }
                }
                check_overwrite(&current, state, &place)?;
            }
        }
        let text = state.to_json();
        if tfdir_has_state(&self.path) {
            let backup = backup_path(&self.path);
            std::fs::copy(&self.path, &backup).map_err(|e| io_diag("back up", &backup, e))?;
        }
        if self.terraform {
            // In place: Terraform's lock belongs to this file, not to its name.
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&self.path)
                .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
                .map_err(|e| io_diag("write", &self.path, e))?;
        } else {
            let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
            std::fs::write(&tmp, text.as_bytes()).map_err(|e| io_diag("write", &tmp, e))?;
            std::fs::rename(&tmp, &self.path).map_err(|e| io_diag("replace", &self.path, e))?;
        }
        // The snapshot holds everything journaled (the writer replayed it), and records of the
        // older serial would be ignored anyway: the journal starts afresh.
        match std::fs::remove_file(self.journal_path()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_diag("clear", &self.journal_path(), e)),
        }
        *self.last_seen.lock().expect("stamp lock") = Some(Seen {
            stamp: self.file_stamp(),
            lineage: state.lineage.clone(),
            serial: state.serial,
        });
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

    fn new_state_keeper(&self) -> Keeper {
        self.new_keeper
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
        // Terraform's lock ends with the process that holds it: it is never stale.
        !self.terraform
    }

    async fn append(&self, record: &JournalRecord) -> DResult<()> {
        self.append_now(record)
    }

    async fn overwrite(&self, state: &State) -> DResult<()> {
        self.write_checked(state, false)
    }

    async fn lock(&self, info: &LockInfo) -> Result<(), LockError> {
        if self.terraform {
            let held = fslock::lock(&self.path, info)?;
            *self.held.lock().expect("lock slot") = Some(held);
            return Ok(());
        }
        let path = self.lock_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| LockError::Failed(io_diag("create state folder", dir, e)))?;
        }
        let text = serde_json::to_string(info).expect("lock info serialises");
        loop {
            match publish_whole(&path, text.as_bytes()) {
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match self.lock_holder().await {
                    Ok(Some(holder)) => return Err(LockError::Held(Box::new(holder))),
                    // Released between the two steps: try to take it again.
                    Ok(None) => continue,
                    Err(d) => return Err(LockError::Failed(d)),
                },
                Err(e) => return Err(LockError::Failed(io_diag("create", &path, e))),
            }
        }
    }

    async fn unlock(&self, id: &str) -> DResult<()> {
        if self.terraform {
            let mut slot = self.held.lock().expect("lock slot");
            return match slot.take() {
                Some(held) if held.info.id == id => fslock::unlock(&self.path, held),
                Some(held) => {
                    let mine = held.info.id.clone();
                    *slot = Some(held);
                    Err(Diag::new("Lock id does not match").detail(format!("This run holds the lock with id {mine}, not {id}.")))
                }
                None => Err(Diag::new(format!("The lock on {} is not held by this run", self.path.display())).detail(
                    "Terraform's lock on a local state is held by a running process and ends with it; wait for that run to finish.",
                )),
            };
        }
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
        if self.terraform {
            return Ok(fslock::holder(&self.path));
        }
        match std::fs::read_to_string(self.lock_path()) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                Diag::new(format!("Lock file {} is damaged", self.lock_path().display())).detail(e.to_string())
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_diag("read", &self.lock_path(), e)),
        }
    }
}

/// Truncates a journal that does not end with a line break back to its last whole line.
fn drop_cut_line(f: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1))?;
    f.read_exact(&mut last)?;
    if last[0] == b'\n' {
        return Ok(());
    }
    let mut text = Vec::with_capacity(len as usize);
    f.seek(SeekFrom::Start(0))?;
    f.read_to_end(&mut text)?;
    let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    f.set_len(whole as u64)
}

/// Creates `path` holding `bytes`, or fails with `AlreadyExists` when it exists, so that no
/// moment sees it partly written: a run killed between creating a lock file and writing it left
/// an empty file that every later run refused as damaged, and that no stale-lock check could
/// break (it names no holder). The bytes go to a file only this process writes, which is then
/// hard-linked into place (`link` fails when the name exists, atomically, as `O_EXCL` does).
fn publish_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    let draft = path.with_file_name(name);
    let written = std::fs::File::create(&draft).and_then(|mut f| f.write_all(bytes));
    let linked = written.and_then(|()| std::fs::hard_link(&draft, path));
    let _ = std::fs::remove_file(&draft);
    linked
}

/// True when the file holds a state (an empty one, made by Terraform's lock, holds none).
fn tfdir_has_state(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0)
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
    use crate::state::ResourceState;

    fn sample() -> State {
        let mut s = State::new();
        s.upsert(ResourceState::new(
            Address::parse("aws_vpc.main").unwrap(),
            "vpc-1",
            serde_json::json!({"id": "vpc-1"}),
        ));
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
    fn a_lock_file_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.tfstate.json.lock.info");
        publish_whole(&path, b"{\"ID\":\"first\"}").unwrap();
        let again = publish_whole(&path, b"{\"ID\":\"second\"}").unwrap_err();
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"ID\":\"first\"}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["s.tfstate.json.lock.info"], "no draft is left behind");
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
        next.upsert(ResourceState::new(
            subnet.clone(),
            "subnet-1",
            serde_json::json!({"id": "subnet-1"}),
        ));
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

    #[test]
    fn a_line_cut_short_by_a_killed_run_does_not_swallow_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.tfstate.json");
        let b = LocalBackend::new(path.clone());
        let mut s = sample();
        s.serial = 3;
        b.write_now(&s).unwrap();
        let mut next = s.clone();
        let record = |next: &mut State, addr: &str, id: &str| {
            let a = Address::parse(addr).unwrap();
            next.upsert(ResourceState::new(a.clone(), id, serde_json::json!({ "id": id })));
            JournalRecord::of(next, &a)
        };
        b.append_now(&record(&mut next, "aws_subnet.a", "subnet-1")).unwrap();
        // A run killed in the middle of its append (a write of many pages can stop at a page).
        let torn = serde_json::to_string(&record(&mut next.clone(), "aws_subnet.b", "subnet-2")).unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(b.journal_path()).unwrap();
        f.write_all(&torn.as_bytes()[..torn.len() / 2]).unwrap();
        drop(f);

        // The next run reads past the cut line, then appends a record of its own.
        let b2 = LocalBackend::new(path.clone());
        assert_eq!(b2.read_now().unwrap().unwrap().resources, next.resources);
        b2.append_now(&record(&mut next, "aws_subnet.c", "subnet-3")).unwrap();

        // Every later reader sees both whole records, and the cut one nowhere.
        let read = LocalBackend::new(path).read_now().unwrap().unwrap();
        assert_eq!(read.resources, next.resources);
        assert!(read.get(&Address::parse("aws_subnet.b").unwrap()).is_none());
    }
}
