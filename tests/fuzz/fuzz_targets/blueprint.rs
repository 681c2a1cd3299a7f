//! Any bytes as a blueprint file: loading, graph building, variable collection and validation
//! must return an error or succeed, never panic.
#![no_main]

use infractl::blueprint::{config, variables};
use infractl::graph::ConfigGraph;
use infractl::provider::Registry;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
static REGISTRY: OnceLock<Registry> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temporary folder"));
    let registry = REGISTRY.get_or_init(infractl::provider::aws::schemas_registry);
    std::fs::write(dir.path().join("main.tf"), data).expect("write the input");
    let Ok(root) = config::load(dir.path()) else { return };
    if ConfigGraph::build(&root).is_err() {
        return;
    }
    let Ok(inputs) = variables::collect(&root, &[], &mut vec![]) else {
        return;
    };
    let _ = infractl::plan::validate(&root, registry, &inputs);
});
