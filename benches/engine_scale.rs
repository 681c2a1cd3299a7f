//! Engine cost at scale: a generated blueprint of N resources planned, applied, refreshed and
//! destroyed against the in-memory fake provider with injected call latency. For each N it
//! prints wall time per phase, the lower bound the dependency graph and `-parallelism` allow,
//! the engine's CPU time and the peak memory, so the engine's own cost growth is visible.
//! Figures, not assertions: `cargo bench --profile dev --bench engine_scale -- [N ...]
//! [--latency-ms L] [--parallelism P]`. Each N runs in a child process of its own, so that
//! its peak memory is its own.

use infractl::apply::Applier;
use infractl::blueprint::{config, variables};
use infractl::cli::render;
use infractl::graph::ConfigGraph;
use infractl::plan::{refresh, PlanOptions, Planner};
use infractl::provider::fake::FakeCloud;
use infractl::state::LocalBackend;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// N resources: a tenth are roots, the rest depend on a root each (count-expanded blocks), so
/// the graph is two levels deep and every leaf refers to one root instance.
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

/// User + system CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

struct Phase {
    wall: Duration,
    cpu: Duration,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Phase) {
    let (w, c) = (Instant::now(), cpu_time());
    let out = f();
    (
        out,
        Phase {
            wall: w.elapsed(),
            cpu: cpu_time() - c,
        },
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run(n: usize, latency: Duration, parallelism: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), blueprint(n)).unwrap();
    let cloud = FakeCloud::new();
    *cloud.latency.lock().unwrap() = latency;
    let registry = cloud.registry();
    let backend = Arc::new(LocalBackend::new(dir.path().join("state.json")));

    let ((root, graph, inputs), load) = measure(|| {
        let root = config::load(dir.path()).unwrap();
        let graph = ConfigGraph::build(&root).unwrap();
        let inputs = variables::collect(&root, &[], &mut vec![]).unwrap();
        infractl::plan::validate(&root, &registry, &inputs).unwrap();
        (root, graph, inputs)
    });
    let planner = Planner {
        root: &root,
        graph: &graph,
        registry: &registry,
        inputs: &inputs,
    };
    let applier = Arc::new(Applier {
        root: Arc::new(root.clone()),
        inputs: Arc::new(inputs.clone()),
        registry: registry.clone(),
        stack: "bench".into(),
        backend: backend.clone(),
    });
    let apply = |plan| {
        let report = rt
            .block_on(
                applier
                    .clone()
                    .apply(plan, parallelism, Arc::new(AtomicBool::new(false))),
            )
            .unwrap();
        assert!(report.failures.is_empty(), "{:?}", report.failures);
    };
    let refreshed = || {
        let state = backend.read_now().unwrap().unwrap_or_default();
        rt.block_on(refresh::refresh(&state, &registry, "bench", parallelism))
            .unwrap()
            .state
    };

    let (plan, plan_phase) = measure(|| {
        rt.block_on(planner.plan(Default::default(), PlanOptions::default()))
            .unwrap()
    });
    let changes = plan.changes.len();
    // Rendering the create plan as a terminal shows it, and as `-json` writes it.
    let schemas = |t: &str| registry.resource(t).map(|r| r.schema());
    let (text, text_phase) = measure(|| render::plan_text(&plan, &schemas));
    let (json, json_phase) = measure(|| render::plan_json(&plan).to_string());
    assert!(!text.is_empty() && !json.is_empty());
    let ((), apply_phase) = measure(|| apply(plan));
    let (again, noop_phase) = measure(|| rt.block_on(planner.plan(refreshed(), PlanOptions::default())).unwrap());
    assert!(!again.has_changes());
    let destroy_options = PlanOptions {
        destroy: true,
        ..Default::default()
    };
    let ((), destroy_phase) = measure(|| apply(rt.block_on(planner.plan(refreshed(), destroy_options)).unwrap()));
    assert!(cloud.objects.lock().unwrap().is_empty());

    // Two levels: roots, then leaves. With P calls at a time, no schedule beats this.
    let waves = |count: usize| count.div_ceil(parallelism) as u32;
    let roots = (n / 10).max(1);
    let bound = latency * (waves(roots) + waves(changes - roots)).max(2);
    let total_cpu = load.cpu
        + plan_phase.cpu
        + text_phase.cpu
        + json_phase.cpu
        + apply_phase.cpu
        + noop_phase.cpu
        + destroy_phase.cpu;
    println!(
        "{n:>6} {changes:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>10.1} {:>10.1} {:>6.2} {:>10.1} {:>10.1} {:>10.1} {:>9.0}",
        ms(load.wall),
        ms(plan_phase.wall),
        ms(text_phase.wall),
        ms(json_phase.wall),
        ms(apply_phase.wall),
        ms(bound),
        bound.as_secs_f64() / apply_phase.wall.as_secs_f64(),
        ms(noop_phase.wall),
        ms(destroy_phase.wall),
        ms(total_cpu),
        peak_rss_mb()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let latency = Duration::from_millis(flag("--latency-ms", 2));
    let parallelism = flag("--parallelism", 10) as usize;
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let n = args[i + 1].parse().unwrap();
        run(n, latency, parallelism);
        return;
    }
    let sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !args[i - 1].starts_with("--"))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1000, 10000]
    } else {
        sizes
    };
    println!(
        "engine_scale: fake provider, {} ms per call, -parallelism={parallelism}, {} build",
        latency.as_millis(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    println!(
        "{:>6} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>6} {:>10} {:>10} {:>10} {:>9}",
        "N",
        "steps",
        "load ms",
        "plan ms",
        "text ms",
        "json ms",
        "apply ms",
        "bound ms",
        "eff",
        "noop ms",
        "destroy ms",
        "cpu ms",
        "peak MB"
    );
    let exe = std::env::current_exe().unwrap();
    for n in sizes {
        let status = std::process::Command::new(&exe)
            .args(["--one", &n.to_string()])
            .args(["--latency-ms", &latency.as_millis().to_string()])
            .args(["--parallelism", &parallelism.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        if !status.success() {
            println!("{n:>6} failed: {status}");
        }
    }
    println!("load: parse+graph+validate; plan: first plan; text/json: rendering it for a terminal / for -json; apply: create all (wall); bound: the best the two-level graph allows at this parallelism and latency; eff: bound/apply; noop: refresh + no-change plan; destroy: refresh + plan + destroy; cpu: engine CPU over all phases; peak: peak RSS of the run.");
}
