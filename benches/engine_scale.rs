//! Engine cost at scale: a generated blueprint of N resources planned and applied against the
//! in-memory fake provider, printing wall time per phase and peak memory. Figures, not
//! assertions: run with `cargo bench --bench engine_scale` (optionally `-- 100 1000`).

use indexmap::IndexMap;
use infractl::apply::Applier;
use infractl::blueprint::{config, variables};
use infractl::graph::ConfigGraph;
use infractl::plan::{PlanOptions, Planner};
use infractl::provider::fake::FakeCloud;
use infractl::state::LocalBackend;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// N resources: a tenth are roots, the rest depend on a root each (count-expanded blocks).
fn blueprint(n: usize) -> String {
    let roots = (n / 10).max(1);
    let per_root = n.saturating_sub(roots) / roots;
    let mut text =
        format!("resource \"fake_thing\" \"root\" {{\n  count = {roots}\n  name = \"root-${{count.index}}\"\n}}\n");
    text.push_str(&format!(
        "resource \"fake_thing\" \"leaf\" {{\n  count = {}\n  name = \"leaf-${{count.index}}\"\n  parent_id = fake_thing.root[count.index % {roots}].id\n  size = 2\n}}\n",
        per_root * roots
    ));
    text
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn run(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), blueprint(n)).unwrap();
    let cloud = FakeCloud::new();
    let registry = cloud.registry();

    let t = Instant::now();
    let root = config::load(dir.path()).unwrap();
    let graph = ConfigGraph::build(&root).unwrap();
    let inputs = variables::collect(&root, &[], &mut vec![]).unwrap();
    infractl::plan::validate(&root, &registry, &inputs).unwrap();
    let load = t.elapsed();

    let t = Instant::now();
    let planner = Planner {
        root: &root,
        graph: &graph,
        registry: &registry,
        inputs: &inputs,
        default_tags: IndexMap::new(),
    };
    let plan = planner.plan(Default::default(), PlanOptions::default()).await.unwrap();
    let plan_time = t.elapsed();
    let changes = plan.changes.len();

    let backend = Arc::new(LocalBackend::new(dir.path().join("state.json")));
    let applier = Arc::new(Applier {
        root: Arc::new(root.clone()),
        inputs: Arc::new(inputs.clone()),
        registry: registry.clone(),
        stack: "bench".into(),
        backend: backend.clone(),
        default_tags: IndexMap::new(),
    });
    let t = Instant::now();
    let report = applier.apply(plan, 10, Arc::new(AtomicBool::new(false))).await.unwrap();
    let apply_time = t.elapsed();
    assert!(report.failures.is_empty());

    let t = Instant::now();
    let state = backend.read_now().unwrap().unwrap();
    let planner = Planner {
        root: &root,
        graph: &graph,
        registry: &registry,
        inputs: &inputs,
        default_tags: IndexMap::new(),
    };
    let again = planner.plan(state, PlanOptions::default()).await.unwrap();
    let noop_time = t.elapsed();
    assert!(!again.has_changes());

    println!(
        "N={n:>6}  resources={changes:>6}  load+graph+validate={:>8.1} ms  plan={:>8.1} ms  apply(fake, 0 latency)={:>9.1} ms  no-change plan={:>8.1} ms  peak RSS={:>6.0} MB",
        load.as_secs_f64() * 1e3,
        plan_time.as_secs_f64() * 1e3,
        apply_time.as_secs_f64() * 1e3,
        noop_time.as_secs_f64() * 1e3,
        peak_rss_mb()
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1000] } else { sizes };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for n in sizes {
        rt.block_on(run(n));
    }
}
