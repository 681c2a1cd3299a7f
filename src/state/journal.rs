//! The state journal: between two full writes of the state, each completed step appends one
//! small record (the object an address now holds, or its absence) instead of rewriting the
//! whole document. Writing the whole state after every step made an apply of N objects cost
//! O(N²) bytes; the journal keeps each step's save O(1) while still recording every completed
//! mutation before the step is reported done, so a run killed at any point loses nothing.
//!
//! A record names the snapshot it extends (lineage and serial). Readers replay the records of
//! the snapshot they read, in order; records of older snapshots (left when a run died between
//! writing a snapshot and clearing the journal) are ignored. A last line cut short by a crash is
//! ignored too; damage anywhere else is an error, and nothing is rewritten.

use super::{ResourceState, State};
use crate::address::Address;
use crate::diag::{DResult, Diag};
use serde::{Deserialize, Serialize};

/// One journaled change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalRecord {
    /// Lineage of the snapshot this record extends.
    pub lineage: String,
    /// Serial of that snapshot.
    pub serial: u64,
    /// The address that changed.
    pub address: Address,
    /// What the address holds now; `None` when its object is gone.
    pub resource: Option<ResourceState>,
    /// An intent, not an outcome: a create of the address is about to be called. Recorded
    /// before the call, so a run killed during it leaves a trace the next run acts on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intent: bool,
    /// The idempotency token of the intended create.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
}

impl JournalRecord {
    /// The record of `address`'s current entry in `state`.
    pub fn of(state: &State, address: &Address) -> JournalRecord {
        JournalRecord {
            lineage: state.lineage.clone(),
            serial: state.serial,
            address: address.clone(),
            resource: state.get(address).cloned(),
            intent: false,
            token: String::new(),
        }
    }

    /// The record of an intent to create `address` with `token`.
    pub fn intent_to_create(state: &State, address: &Address, token: &str) -> JournalRecord {
        JournalRecord {
            lineage: state.lineage.clone(),
            serial: state.serial,
            address: address.clone(),
            resource: None,
            intent: true,
            token: token.to_string(),
        }
    }
}

/// Replays a journal (JSON lines) onto the snapshot it extends; returns how many records
/// applied.
pub fn replay(state: &mut State, text: &str, origin: &str) -> DResult<usize> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut applied = 0;
    for (i, line) in lines.iter().enumerate() {
        let record: JournalRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            // The last line may have been cut short by a killed process; what it described
            // did not complete as far as state knows, and adoption finds it by its tags.
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(e) => {
                return Err(Diag::new(format!("State journal {origin} is damaged")).detail(format!(
                    "Line {}: {e}. The journal and the state were left as they are.",
                    i + 1
                )))
            }
        };
        if record.lineage != state.lineage || record.serial != state.serial {
            continue;
        }
        applied += 1;
        if record.intent {
            state.begin_create(&record.address, &record.token);
            continue;
        }
        state.finish_create(&record.address);
        match record.resource {
            Some(r) if r.address == record.address => state.upsert(r),
            Some(r) => {
                return Err(Diag::new(format!("State journal {origin} is damaged")).detail(format!(
                    "Line {}: record for {} holds {}.",
                    i + 1,
                    record.address,
                    r.address
                )))
            }
            None => {
                state.remove(&record.address);
            }
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::StateMode;

    fn object(addr: &str, id: &str) -> ResourceState {
        ResourceState {
            provider: None,
            address: Address::parse(addr).unwrap(),
            mode: StateMode::Managed,
            type_name: "aws_vpc".into(),
            id: id.into(),
            attributes: serde_json::json!({ "id": id }),
            dependencies: vec![],
            create_before_destroy: false,
            deposed: vec![],
            tainted: false,
        }
    }

    fn line(state: &State) -> impl Fn(&str) -> String + '_ {
        move |addr: &str| {
            serde_json::to_string(&JournalRecord::of(state, &Address::parse(addr).unwrap())).unwrap() + "\n"
        }
    }

    #[test]
    fn replays_records_of_its_snapshot_only_and_tolerates_a_cut_last_line() {
        let mut snapshot = State::new();
        snapshot.serial = 4;
        snapshot.upsert(object("aws_vpc.old", "vpc-0"));

        let mut after = snapshot.clone();
        after.upsert(object("aws_vpc.a", "vpc-1"));
        after.remove(&Address::parse("aws_vpc.old").unwrap());
        let rec = line(&after);
        let mut text = rec("aws_vpc.a") + &rec("aws_vpc.old");
        // A record of an older snapshot is ignored.
        let mut older = after.clone();
        older.serial = 3;
        older.upsert(object("aws_vpc.stale", "vpc-9"));
        text += &line(&older)("aws_vpc.stale");
        // A line cut short by a crash is ignored.
        let cut = rec("aws_vpc.a");
        text += &cut[..cut.len() / 2];

        let mut replayed = snapshot.clone();
        assert_eq!(replay(&mut replayed, &text, "j").unwrap(), 2);
        assert_eq!(replayed.resources, after.resources);

        let damaged = format!("{{not json\n{}", rec("aws_vpc.a"));
        let err = replay(&mut snapshot.clone(), &damaged, "j").unwrap_err();
        assert!(err.summary.contains("damaged") && err.detail.unwrap().contains("Line 1"));
    }

    #[test]
    fn an_intent_without_an_outcome_marks_the_create_unfinished() {
        let snapshot = State::new();
        let a = Address::parse("aws_s3_bucket.data").unwrap();
        let b = Address::parse("aws_vpc.b").unwrap();
        let mut done = snapshot.clone();
        done.upsert(object("aws_vpc.b", "vpc-2"));
        let text = [
            JournalRecord::intent_to_create(&snapshot, &a, "token-a"),
            JournalRecord::intent_to_create(&snapshot, &b, "token-b"),
            JournalRecord::of(&done, &b),
        ]
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect::<String>();
        let mut replayed = snapshot.clone();
        assert_eq!(replay(&mut replayed, &text, "j").unwrap(), 3);
        assert_eq!(replayed.unfinished_create(&a), Some("token-a"));
        assert_eq!(replayed.unfinished_create(&b), None);
        assert_eq!(replayed.get(&b).unwrap().id, "vpc-2");
    }
}
