//! Any bytes as a state file and as its journal: reading must return an error or a state,
//! never panic.
#![no_main]

use infractl::state::{journal, State};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mut state) = State::from_json(&text, "fuzz") {
        let _ = journal::replay(&mut state, &text, "fuzz");
    }
    // The same bytes as a journal over an empty state of a fixed lineage.
    let mut state = State {
        lineage: "11111111-2222-3333-4444-555555555555".into(),
        ..State::new()
    };
    let _ = journal::replay(&mut state, &text, "fuzz");
});
