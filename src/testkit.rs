//! Test harness shared by the engine's unit tests: a blueprint folder planned and applied
//! against the in-memory fake cloud, the way the CLI does it, without any AWS endpoint.

use crate::apply::{Applier, ApplyReport};
use crate::blueprint::{config, variables};
use crate::graph::ConfigGraph;
use crate::plan::{refresh, Plan, PlanOptions, Planner};
use crate::provider::fake::FakeCloud;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What one plan-and-apply did.
pub struct Run {
    /// The plan that was applied.
    pub plan: Plan,
    /// What applying it reported.
    pub report: ApplyReport,
}

/// Plans and applies (or destroys) the blueprint in `dir` against `cloud`.
pub async fn run(dir: &std::path::Path, cloud: &Arc<FakeCloud>, destroy: bool) -> Run {
    run_with(
        dir,
        cloud,
        PlanOptions {
            destroy,
            ..Default::default()
        },
    )
    .await
}

/// Plans with `options` and applies.
pub async fn run_with(dir: &std::path::Path, cloud: &Arc<FakeCloud>, options: PlanOptions) -> Run {
    let root = config::load(dir).unwrap();
    let graph = ConfigGraph::build(&root).unwrap();
    let inputs = variables::collect(&root, &[], &mut vec![]).unwrap();
    let registry = cloud.registry();
    crate::plan::validate(&root, &registry, &inputs).unwrap();
    let backend = Arc::new(crate::state::LocalBackend::new(dir.join("state.json")));
    let state = backend.read_now().unwrap().unwrap_or_default();
    let refreshed = refresh::refresh(&state, &registry, "t", 4).await.unwrap().state;
    let planner = Planner {
        root: &root,
        graph: &graph,
        registry: &registry,
        inputs: &inputs,
    };
    let plan = planner.plan(refreshed, options).await.unwrap();
    let applier = Arc::new(Applier {
        root: Arc::new(root.clone()),
        inputs: Arc::new(inputs.clone()),
        registry,
        stack: "t".into(),
        backend,
    });
    let report = applier
        .apply(plan.clone(), 10, Arc::new(AtomicBool::new(false)))
        .await
        .unwrap();
    Run { plan, report }
}

/// Writes the blueprint's `main.tf`.
pub fn write(dir: &std::path::Path, text: &str) {
    std::fs::write(dir.join("main.tf"), text).unwrap();
}
