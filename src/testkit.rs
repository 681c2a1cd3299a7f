//! Test harness shared by the engine's unit tests: a blueprint folder planned and applied
//! against the in-memory fake cloud, the way the CLI does it, without any AWS endpoint.

use crate::apply::{Applier, ApplyReport};
use crate::blueprint::{config, variables};
use crate::diag::DResult;
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
    try_run_with(dir, cloud, options)
        .await
        .unwrap_or_else(|d| panic!("{d}"))
}

/// Loads, validates and plans the blueprint in `dir` against `cloud` without applying:
/// the first error (a bad blueprint, a failing precondition) comes back as it is.
pub async fn try_plan(dir: &std::path::Path, cloud: &Arc<FakeCloud>, options: PlanOptions) -> DResult<Plan> {
    let root = config::load(dir)?;
    let graph = ConfigGraph::build(&root)?;
    let inputs = variables::collect(&root, &[], &mut vec![])?;
    let registry = cloud.registry();
    crate::plan::validate(&root, &registry, &inputs)?;
    let backend = crate::state::LocalBackend::new(dir.join("state.json"));
    let state = backend.read_now()?.unwrap_or_default();
    let refreshed = refresh::refresh(&state, &registry, "t", 4).await?.state;
    let planner = Planner {
        root: &root,
        graph: &graph,
        registry: &registry,
        inputs: &inputs,
    };
    planner.plan(refreshed, options).await
}

/// Plans with `options` and applies, or the first error of loading, planning or applying.
pub async fn try_run_with(dir: &std::path::Path, cloud: &Arc<FakeCloud>, options: PlanOptions) -> DResult<Run> {
    let plan = try_plan(dir, cloud, options).await?;
    let root = config::load(dir)?;
    let inputs = variables::collect(&root, &[], &mut vec![])?;
    let applier = Arc::new(Applier {
        root: Arc::new(root),
        inputs: Arc::new(inputs),
        registry: cloud.registry(),
        stack: "t".into(),
        backend: Arc::new(crate::state::LocalBackend::new(dir.join("state.json"))),
    });
    let report = applier
        .apply(plan.clone(), 10, Arc::new(AtomicBool::new(false)))
        .await?;
    Ok(Run { plan, report })
}

/// The state saved in `dir` by [`run`].
pub fn saved_state(dir: &std::path::Path) -> crate::state::State {
    crate::state::LocalBackend::new(dir.join("state.json"))
        .read_now()
        .unwrap()
        .unwrap_or_default()
}

/// Writes the blueprint's `main.tf`.
pub fn write(dir: &std::path::Path, text: &str) {
    std::fs::write(dir.join("main.tf"), text).unwrap();
}
