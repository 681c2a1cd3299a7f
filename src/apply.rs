//! Turns a plan into engine steps and runs them: re-evaluates each resource's configuration with
//! the real values of what was applied before it, calls the provider, and saves state after every
//! completed step.

use crate::address::Address;
use crate::address::ModuleStep;
use crate::blueprint::conditions::{self, Kind};
use crate::blueprint::config::{Mode, Module};
use crate::blueprint::eval::Bindings;
use crate::blueprint::functions::Clock;
use crate::blueprint::marks::{Marked, Marks};
use crate::blueprint::scope::{Context, OneInstance};
use crate::diag::{DResult, Diag};
use crate::engine::{self, Outcome, Step, StepRunner};
use crate::plan::{block_key, dependency_block, diff, Action, InstanceValues, Plan};
use crate::provider::{CallCtx, Registry};
use crate::state::journal::JournalRecord;
use crate::state::{Backend, DeposedObject, Keeper, OutputState, ResourceState, State, StateMode};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::{IndexMap, IndexSet};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::{info_span, Instrument};

/// How long a create that a killed run left unfinished waits, when the lookup for the object
/// that run may have made finds nothing, before looking once more and creating: time for a
/// call still in flight when the run died to land, and for AWS's lists to show its object.
const RESUMED_CREATE_GRACE: Duration = Duration::from_secs(2);

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Create (or adopt) the object.
    Create,
    /// Update in place.
    Update,
    /// Delete the object in state.
    Delete,
    /// Read a data source.
    Read,
    /// Open an ephemeral resource for what uses it (nothing is stored).
    Open,
    /// Does nothing: waits for a group of steps (all instances of a block), so that N steps
    /// waiting for M others cost N + M edges instead of N × M.
    Join,
}

/// A step bound to the change it carries out.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// Index into `plan.changes` (unused for a join).
    pub change: usize,
    /// What it does.
    pub kind: StepKind,
}

/// What a join step waits for, of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Group {
    /// Every create, update and read of the block's instances.
    Applied,
    /// Deletes of the objects that depend on the block.
    DependentDeletes,
    /// In-place updates of the objects that depend on the block.
    DependentUpdates,
    /// Creates and updates of what the blueprint makes depend on the block.
    ConfigDependents,
}

/// Join steps, made on first use and shared by every step that waits for the same group.
struct Joins {
    made: HashMap<(String, Group), Option<usize>>,
}

impl Joins {
    /// The step that stands for `members` (none when empty; the member itself when alone).
    fn get(
        &mut self,
        block: &str,
        group: Group,
        members: impl FnOnce() -> Vec<usize>,
        steps: &mut Vec<Step>,
        planned: &mut Vec<PlannedStep>,
    ) -> Option<usize> {
        *self.made.entry((block.to_string(), group)).or_insert_with(|| {
            let members = members();
            match members.as_slice() {
                [] => None,
                [one] => Some(*one),
                _ => {
                    steps.push(Step {
                        label: format!("{block} ({group:?})"),
                        deps: members,
                    });
                    planned.push(PlannedStep {
                        change: usize::MAX,
                        kind: StepKind::Join,
                    });
                    Some(steps.len() - 1)
                }
            }
        })
    }
}

/// Builds the engine's DAG for a plan. Creates and updates follow configuration dependencies;
/// deletes follow state dependencies in reverse; replacements order their two halves by
/// create_before_destroy. Dependencies are between blocks, and a block's instances are joined
/// by one step, so the DAG stays linear in size however many instances refer to each other.
pub fn build_steps(plan: &Plan) -> DResult<(Vec<PlannedStep>, Vec<Step>)> {
    let mut planned = Vec::new();
    let opened = needed_ephemerals(plan);
    for (i, c) in plan.changes.iter().enumerate() {
        let kinds: &[StepKind] = match c.action {
            Action::NoOp | Action::Forget => &[],
            Action::Open if opened.contains(&crate::plan::block_of(&c.address)) => &[StepKind::Open],
            Action::Open => &[],
            Action::Create => &[StepKind::Create],
            Action::Update => &[StepKind::Update],
            Action::Delete => &[StepKind::Delete],
            Action::Read => &[StepKind::Read],
            Action::Replace => &[StepKind::Delete, StepKind::Create],
        };
        for k in kinds {
            planned.push(PlannedStep { change: i, kind: *k });
        }
    }
    let change_steps = planned.len();
    let kind_of: Vec<StepKind> = planned.iter().map(|s| s.kind).collect();
    let block_of_step: Vec<String> = planned.iter().map(|s| plan.changes[s.change].address.block()).collect();
    // The first step of each kind at an address (a deposed object's delete comes after the
    // delete of the object it was replaced by).
    let mut first: HashMap<(&Address, StepKind), usize> = HashMap::new();
    let mut applied_by_block: HashMap<String, Vec<usize>> = HashMap::new();
    // Who depends on a block: through the dependencies state recorded, or the blueprint's.
    let mut dependents: HashMap<String, Vec<usize>> = HashMap::new();
    let mut config_dependents: HashMap<String, Vec<usize>> = HashMap::new();
    for (si, s) in planned.iter().enumerate() {
        let c = &plan.changes[s.change];
        first.entry((&c.address, s.kind)).or_insert(si);
        if s.kind != StepKind::Delete {
            applied_by_block.entry(block_of_step[si].clone()).or_default().push(si);
        }
        let recorded = plan
            .prior
            .get(&c.address)
            .map(|r| r.dependencies.as_slice())
            .unwrap_or_default();
        let mut on: Vec<String> = recorded.iter().map(|d| dependency_block(d)).collect();
        on.extend(c.deps.iter().map(Address::block));
        on.sort();
        on.dedup();
        for d in on {
            dependents.entry(d).or_default().push(si);
        }
        for d in &c.deps {
            config_dependents.entry(d.block()).or_default().push(si);
        }
    }
    let mut steps: Vec<Step> = planned
        .iter()
        .map(|s| {
            let c = &plan.changes[s.change];
            let verb = match s.kind {
                StepKind::Create => "create",
                StepKind::Update => "update",
                StepKind::Delete => "delete",
                StepKind::Open => "open",
                _ => "read",
            };
            Step {
                label: format!("{} ({verb})", c.address),
                deps: vec![],
            }
        })
        .collect();
    let mut joins = Joins { made: HashMap::new() };
    let of_kinds = |list: Option<&Vec<usize>>, own: &str, kinds: &[StepKind]| -> Vec<usize> {
        list.map(|l| {
            l.iter()
                .copied()
                .filter(|&oi| kinds.contains(&kind_of[oi]) && block_of_step[oi] != own)
                .collect()
        })
        .unwrap_or_default()
    };
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut made: Vec<(String, Group, Vec<usize>)> = Vec::new();
    for si in 0..change_steps {
        let (kind, c) = (kind_of[si], &plan.changes[planned[si].change]);
        let own = block_of_step[si].clone();
        let mut want = |group: Group, block: String, members: Vec<usize>| made.push((block, group, members));
        match kind {
            StepKind::Delete => {
                // Everything that depended on this object in state goes first; when the object
                // goes for good, dependents updated in place also move off it first. (When it
                // is replaced destroy-first, those updates need its successor, so they follow.)
                let on_this = dependents.get(&own);
                want(
                    Group::DependentDeletes,
                    own.clone(),
                    of_kinds(on_this, &own, &[StepKind::Delete]),
                );
                if c.action == Action::Delete {
                    want(
                        Group::DependentUpdates,
                        own.clone(),
                        of_kinds(on_this, &own, &[StepKind::Update]),
                    );
                }
                if c.action == Action::Replace && c.create_before_destroy {
                    if let Some(&create) = first.get(&(&c.address, StepKind::Create)) {
                        edges.push((si, create));
                    }
                    // Dependents switch to the new object before the old one goes, and data
                    // sources read at apply read it with the old one still there, as in
                    // Terraform, where the deposed object's destroy follows every dependent.
                    let switch = of_kinds(
                        config_dependents.get(&own),
                        &own,
                        &[StepKind::Create, StepKind::Update, StepKind::Read],
                    );
                    want(Group::ConfigDependents, own.clone(), switch);
                }
            }
            _ => {
                for d in &c.deps {
                    let block = d.block();
                    let members = applied_by_block.get(&block).cloned().unwrap_or_default();
                    want(Group::Applied, block, members);
                }
                if kind == StepKind::Create && c.action == Action::Replace && !c.create_before_destroy {
                    if let Some(&del) = first.get(&(&c.address, StepKind::Delete)) {
                        edges.push((si, del));
                    }
                }
            }
        }
        for (block, group, members) in made.drain(..) {
            if let Some(j) = joins.get(&block, group, || members, &mut steps, &mut planned) {
                edges.push((si, j));
            }
        }
    }
    for (si, dep) in edges {
        if si != dep {
            steps[si].deps.push(dep);
        }
    }
    for step in &mut steps {
        step.deps.sort();
        step.deps.dedup();
    }
    check_acyclic(&steps)?;
    Ok((planned, steps))
}

/// The ephemeral resource blocks an apply must open: those that something it changes (or
/// reads, or another ephemeral resource it opens) depends on. An ephemeral resource nothing
/// needs is not opened, as Terraform opens them only for their users.
fn needed_ephemerals(plan: &Plan) -> std::collections::HashSet<Address> {
    let mut needed = std::collections::HashSet::new();
    let mut queue: Vec<Address> = plan
        .changes
        .iter()
        .filter(|c| !matches!(c.action, Action::NoOp | Action::Forget | Action::Open))
        .flat_map(|c| c.deps.iter().cloned())
        .filter(|d| d.mode == Mode::Ephemeral)
        .collect();
    while let Some(block) = queue.pop() {
        if !needed.insert(block.clone()) {
            continue;
        }
        for c in plan
            .changes
            .iter()
            .filter(|c| crate::plan::block_of(&c.address) == block)
        {
            queue.extend(c.deps.iter().filter(|d| d.mode == Mode::Ephemeral).cloned());
        }
    }
    needed
}

fn check_acyclic(steps: &[Step]) -> DResult<()> {
    let mut g = petgraph::graph::DiGraph::<(), ()>::new();
    let nodes: Vec<_> = steps.iter().map(|_| g.add_node(())).collect();
    for (i, s) in steps.iter().enumerate() {
        for d in &s.deps {
            g.add_edge(nodes[*d], nodes[i], ());
        }
    }
    petgraph::algo::toposort(&g, None).map(|_| ()).map_err(|c| {
        Diag::new("Cycle between planned operations").detail(format!(
            "{} is part of an ordering loop (create_before_destroy on a resource whose dependents are replaced?).",
            steps[c.node_id().index()].label
        ))
    })
}

/// Everything an apply needs, shared by all steps.
pub struct Applier {
    /// The blueprint.
    pub root: Arc<Module>,
    /// Root variable values.
    pub inputs: Arc<IndexMap<String, Value>>,
    /// Resource implementations.
    pub registry: Registry,
    /// Stack name for tags.
    pub stack: String,
    /// Where state goes.
    pub backend: Arc<dyn Backend>,
}

/// The result of an apply.
pub struct ApplyReport {
    /// One line per failed step, with its diagnostic.
    pub failures: Vec<Diag>,
    /// Labels of steps skipped because a dependency failed, with the failed step.
    pub skipped: Vec<(String, String)>,
    /// True when Ctrl-C stopped the run early.
    pub cancelled: bool,
    /// Counts of completed (added, changed, destroyed).
    pub counts: (usize, usize, usize),
    /// Final state.
    pub state: State,
    /// Warnings: check assertions that failed after apply, provisioners allowed to fail,
    /// check data sources that could not be read.
    pub warnings: Vec<Diag>,
}

struct Runner {
    applier: Arc<Applier>,
    plan: Arc<Plan>,
    steps: Vec<PlannedStep>,
    values: InstanceValues,
    state: Mutex<State>,
    counts: Mutex<(usize, usize, usize)>,
    /// Bumped on every change to `state`.
    version: std::sync::atomic::AtomicU64,
    /// Serialises writes and remembers the version last written, so writes coalesce.
    written: tokio::sync::Mutex<u64>,
    /// When each step started and ended, relative to the start of the run.
    timings: Mutex<Vec<Option<(Duration, Duration)>>>,
    started: Instant,
    /// Warnings of the steps (provisioners allowed to fail, check data sources).
    warnings: Mutex<Vec<Diag>>,
    /// Checks whose data source could not be read: their assertions are skipped.
    failed_checks: Mutex<HashSet<(Vec<ModuleStep>, String)>>,
    /// Adoption lookups started as the apply began, by the address whose create awaits them.
    early_lookups: Mutex<HashMap<Address, EarlyLookup>>,
}

/// An adoption lookup running ahead of its create.
type EarlyLookup = tokio::task::JoinHandle<crate::provider::PResult<Option<String>>>;

impl Applier {
    /// Applies a plan, saving state after each completed step and the outputs at the end.
    pub async fn apply(
        self: Arc<Self>,
        plan: Plan,
        parallelism: usize,
        cancel: Arc<AtomicBool>,
    ) -> DResult<ApplyReport> {
        let (planned, steps) = build_steps(&plan)?;
        self.registry
            .secrets()
            .keep_in_the_clear(plan.prior.keeper == Keeper::Terraform);
        let values = InstanceValues::default();
        // Declare every block's instances as planned, with planned values, so references resolve.
        let mut blocks: IndexMap<(Vec<crate::address::ModuleStep>, String), Vec<crate::address::InstanceKey>> =
            IndexMap::new();
        for c in &plan.changes {
            if c.action != Action::Delete {
                blocks
                    .entry((c.address.module.clone(), block_key(&c.address)))
                    .or_default()
                    .push(c.address.key.clone());
            }
        }
        // Blocks with no instances (`count = 0`) have no change, yet references to them must see
        // an empty list or map, not an unknown value: `try(x.this[0].id, y.id)` falls back to
        // `y.id` at apply as it did at plan.
        let paths: IndexSet<Vec<crate::address::ModuleStep>> = std::iter::once(Vec::new())
            .chain(plan.module_instances.iter().cloned())
            .chain(blocks.keys().map(|(path, _)| path.clone()))
            .collect();
        for path in paths {
            let keys: Vec<String> = self
                .root
                .descend(&path)
                .map(|m| {
                    m.resources
                        .iter()
                        .filter(|(_, r)| r.count.is_some() || r.for_each.is_some())
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default();
            for key in keys {
                blocks.entry((path.clone(), key)).or_default();
            }
        }
        for ((path, key), keys) in &blocks {
            let res = self.root.descend(path).and_then(|m| m.resources.get(key));
            let (count, for_each) = res
                .map(|r| (r.count.is_some(), r.for_each.is_some()))
                .unwrap_or((false, false));
            values.declare(path, key, count, for_each, keys);
        }
        for c in &plan.changes {
            if let Some(after) = &c.after {
                // References see generated secrets revealed (state holds them sealed).
                let seen = match c.address.mode {
                    Mode::Managed => self
                        .registry
                        .reveal(&c.address.type_name, after.clone())
                        .await
                        .map_err(|e| e.into_diag("Reading the secrets of", &c.address.to_string()))?,
                    Mode::Data | Mode::Ephemeral => after.clone(),
                };
                values.set_marked(&c.address, seen, c.marks.clone());
            }
        }
        let mut state = plan.prior.clone();
        // Data sources read during plan are recorded so later runs see them.
        for c in &plan.changes {
            if c.address.mode == Mode::Data && c.action == Action::NoOp {
                if let Some(v) = &c.after {
                    state.upsert(self.data_state(&c.address, v, c.provider.clone(), plan.prior.keeper));
                }
            }
        }
        // Forgotten objects leave state without any call: they stay in AWS.
        for c in &plan.changes {
            if c.action == Action::Forget {
                state.remove(&c.address);
            }
        }
        // As Terraform does, unchanged objects get their current configuration dependencies
        // recorded, so later destroys follow the blueprint (imported objects start with none).
        for c in &plan.changes {
            if c.address.mode == Mode::Managed && c.action == Action::NoOp {
                if let Some(mut r) = state.get(&c.address).cloned() {
                    r.dependencies = c.deps.iter().map(|d| d.to_string()).collect();
                    state.upsert(r);
                }
            }
        }
        if self.backend.journals() {
            // The snapshot the journal of this run extends.
            state.serial += 1;
            self.backend.write(&state).instrument(info_span!("state_write")).await?;
        }
        let plan = Arc::new(plan);
        let runner = Arc::new(Runner {
            applier: self.clone(),
            plan: plan.clone(),
            steps: planned,
            values,
            state: Mutex::new(state),
            counts: Mutex::new((0, 0, 0)),
            version: Default::default(),
            written: tokio::sync::Mutex::new(0),
            timings: Mutex::new(vec![None; steps.len()]),
            started: Instant::now(),
            warnings: Mutex::new(Vec::new()),
            failed_checks: Mutex::new(HashSet::new()),
            early_lookups: Mutex::new(HashMap::new()),
        });
        runner.look_ahead_for_adoptable();
        let outcomes = engine::execute(&steps, runner.clone(), parallelism, cancel.clone()).await;
        // Lookups of creates that never ran (a failure stopped them) are of no use now.
        for (_, lookup) in runner.early_lookups.lock().expect("lookups lock").drain() {
            lookup.abort();
        }
        if let Ok(path) = std::env::var("INFRACTL_STEP_TIMES") {
            write_step_times(&path, &steps, &runner.timings.lock().expect("timings lock"))?;
        }
        let mut failures = Vec::new();
        let mut skipped = Vec::new();
        let mut cancelled = false;
        for (i, o) in outcomes.into_iter().enumerate() {
            match o {
                Outcome::Done => {}
                Outcome::Failed(d) => failures.push(d),
                Outcome::Skipped(_) if runner.steps[i].kind == StepKind::Join => {}
                Outcome::Skipped(by) => skipped.push((steps[i].label.clone(), by)),
                Outcome::Cancelled => cancelled = true,
            }
        }
        // Outputs are evaluated with the values now known, and checks again with them.
        let mut final_state = runner.state.lock().expect("state lock").clone();
        let mut warnings = std::mem::take(&mut *runner.warnings.lock().expect("warnings lock"));
        if failures.is_empty() && !cancelled {
            final_state.outputs.clear();
            if plan.options.destroy && plan.options.targets.is_empty() {
                // As in Terraform, a whole destroy leaves no data source behind either.
                final_state.resources.retain(|r| r.mode != StateMode::Data);
            }
            if !plan.options.destroy {
                let ctx = Context::new(&self.root, &self.inputs, &runner.values).with_clock(applying(&plan));
                let failed = runner.failed_checks.lock().expect("checks lock").clone();
                warnings.extend(crate::plan::checks::evaluate(&ctx, &failed)?);
                let types = crate::plan::root_output_types(&self.root, &self.registry);
                for (name, out) in &self.root.outputs {
                    let (v, marks) = ctx.output_marked(&[], name, &out.loc)?;
                    crate::plan::check_root_output(out, &marks)?;
                    let value = self.registry.secrets().conceal(&v).to_json();
                    // The type Terraform recorded stays while the value does; otherwise the
                    // expression's, as Terraform would record it.
                    let value_type = plan
                        .prior
                        .outputs
                        .get(name)
                        .filter(|o| o.value == value)
                        .and_then(|o| o.value_type.clone())
                        .or_else(|| types.get(name).map(|t| t.json_for(&value)));
                    final_state.outputs.insert(
                        name.clone(),
                        OutputState {
                            value,
                            sensitive: out.sensitive,
                            value_type,
                        },
                    );
                }
            }
        }
        crate::plan::record_dynamic_types(&self.root, &self.registry, &mut final_state);
        final_state.serial += 1;
        self.backend
            .write(&final_state)
            .instrument(info_span!("state_write"))
            .await?;
        let counts = *runner.counts.lock().expect("counts lock");
        Ok(ApplyReport {
            failures,
            skipped,
            cancelled,
            counts,
            state: final_state,
            warnings,
        })
    }
}

/// Writes when each step ran and what it waited for (JSON), for the benchmark harness to work
/// out the critical path of an apply: `INFRACTL_STEP_TIMES=<file>`.
/// The clock of applying `plan`: `timestamp()` is now, `plantimestamp()` the plan's time.
fn applying(plan: &Plan) -> Clock {
    Clock::applying(plan.options.plan_time.unwrap_or_else(Clock::now))
}

fn write_step_times(path: &str, steps: &[Step], timings: &[Option<(Duration, Duration)>]) -> DResult<()> {
    let doc: Vec<serde_json::Value> = steps
        .iter()
        .zip(timings)
        .map(|(s, t)| {
            serde_json::json!({
                "label": s.label,
                "deps": s.deps,
                "start_ms": t.map(|t| t.0.as_secs_f64() * 1e3),
                "end_ms": t.map(|t| t.1.as_secs_f64() * 1e3),
            })
        })
        .collect();
    std::fs::write(path, serde_json::to_string(&doc).expect("step times serialise"))
        .map_err(|e| Diag::new(format!("Cannot write step times to {path}")).detail(e.to_string()))
}

impl Applier {
    /// What state records of a data source's read: its sensitive attributes as digests, and
    /// the run's generated secrets concealed (in the clear, as Terraform keeps them, when the
    /// state is Terraform's).
    fn data_state(&self, address: &Address, v: &Value, provider: Option<String>, keeper: Keeper) -> ResourceState {
        let ds = self
            .registry
            .for_provider(provider.as_deref())
            .data_source(&address.type_name);
        let recorded = match ds {
            Some(ds) if keeper == Keeper::Infractl => ds.state_value(v),
            _ => v.clone(),
        };
        let mut r = ResourceState::new(
            address.clone(),
            v.get("id").to_plain_string().unwrap_or_default(),
            self.registry.secrets().conceal(&recorded).to_json(),
        );
        r.provider = provider;
        if let Some(ds) = ds {
            r.schema_version = ds.schema().version;
            r.sensitive_attributes = ds.schema().sensitive_paths(&[]);
        }
        r
    }
}

#[async_trait]
impl StepRunner for Runner {
    async fn run(&self, index: usize) -> Result<(), Diag> {
        let step = &self.steps[index];
        if step.kind == StepKind::Join {
            return Ok(());
        }
        let change = &self.plan.changes[step.change];
        let address = change.address.clone();
        let addr_text = address.to_string();
        let ctx = self.call_ctx(&address);
        let started = Instant::now();
        let verb = match step.kind {
            StepKind::Join => return Ok(()),
            StepKind::Create => ("Creating", "Creation"),
            StepKind::Update => ("Modifying", "Modifications"),
            StepKind::Delete => ("Destroying", "Destruction"),
            StepKind::Read => ("Reading", "Read"),
            StepKind::Open => ("Opening", "Opening"),
        };
        eprintln!("{addr_text}: {}...", verb.0);
        let ticker = spawn_ticker(addr_text.clone(), verb.0);
        let begun = self.started.elapsed();
        // Its own track in a trace (`-trace`), with the AWS calls and state writes of the step.
        let span = tracing::info_span!(parent: None, "step", address = %addr_text, action = %verb.0);
        let result = self.run_step(step, change, &ctx).instrument(span).await;
        self.timings.lock().expect("timings lock")[index] = Some((begun, self.started.elapsed()));
        ticker.abort();
        match &result {
            Ok(id) => eprintln!(
                "{addr_text}: {} complete after {}s{}",
                verb.1,
                started.elapsed().as_secs(),
                id.as_ref().map(|i| format!(" [id={i}]")).unwrap_or_default()
            ),
            Err(_) => eprintln!("{addr_text}: {} failed after {}s", verb.1, started.elapsed().as_secs()),
        }
        // An AWS error names the block it came from, as Terraform's "on main.tf line N" does
        // (a deleted object whose block is gone has no location to give).
        result.map(|_| ()).map_err(|d| match self.block(&address) {
            Some(block) => d.address(&address).at(&block.loc),
            None => d.address(&address),
        })
    }
}

/// An adopted object as state records it: `tags` in state is what the blueprint configured
/// (AWS's tags are read back as `tags_all`), which an object read without a prior value cannot
/// know, so it is taken from the plan, as a create or an update would record it.
fn configured_tags_kept(mut live: Value, planned: &Value) -> Value {
    if let (Value::Object(m), Some(tags)) = (&mut live, planned.as_object().and_then(|p| p.get("tags"))) {
        if m.contains_key("tags") {
            m.insert("tags".into(), tags.clone());
        }
    }
    live
}

/// Prints "Still creating... [10s elapsed]" every ten seconds while a step runs.
fn spawn_ticker(address: String, verb: &'static str) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = Instant::now();
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            eprintln!(
                "{address}: Still {}... [{}s elapsed]",
                verb.to_lowercase(),
                start.elapsed().as_secs()
            );
        }
    })
}

impl Runner {
    async fn run_step(
        &self,
        step: &PlannedStep,
        change: &crate::plan::Change,
        ctx: &CallCtx,
    ) -> DResult<Option<String>> {
        let address = &change.address;
        let addr = address.to_string();
        match step.kind {
            StepKind::Join => Ok(None),
            StepKind::Delete => {
                // The object to delete is the one the plan saw; with create_before_destroy its
                // replacement may already hold the address, and the old one is deposed.
                let Some((old_id, old_attrs)) = self.object_to_delete(change) else {
                    return Ok(None);
                };
                let tainted = self
                    .state
                    .lock()
                    .expect("state lock")
                    .get(address)
                    .is_some_and(|r| r.tainted && r.id == old_id);
                // Destroy-time provisioners run first (not for a tainted object, as Terraform);
                // one that fails keeps the object.
                if !tainted {
                    self.provision(address, true, (old_attrs.clone(), Marks::none()))
                        .await?;
                }
                let rt = self.resource_type(change)?;
                rt.delete(ctx, &old_id, &old_attrs)
                    .await
                    .map_err(|e| e.into_diag("Destroying", &addr))?;
                // A replacement may keep its object's id (a task definition is kept by its
                // family): the deleted object is the deposed one of that id when there is one,
                // which the attributes tell apart when several share it.
                self.save(address, |s| {
                    let Some(r) = s.get_mut(address) else { return };
                    let same = |d: &DeposedObject| d.id == old_id && d.attributes == old_attrs.to_json();
                    let deposed = r
                        .deposed
                        .iter()
                        .position(same)
                        .or_else(|| r.deposed.iter().position(|d| d.id == old_id));
                    match deposed {
                        Some(i) => {
                            r.deposed.remove(i);
                        }
                        None if r.id == old_id => {
                            s.remove(address);
                        }
                        None => {}
                    }
                })
                .await?;
                self.count(2);
                Ok(Some(old_id))
            }
            StepKind::Open => {
                let registry = self.applier.registry.for_provider(change.provider.as_deref());
                let et = registry
                    .ephemeral(&address.type_name)
                    .ok_or_else(|| Diag::new(format!("Unsupported ephemeral resource type {}", address.type_name)))?;
                let (config, marks, bindings) = self.evaluate(address, et.schema())?;
                self.preconditions(address, &bindings)?;
                let v = et.open(&config).await.map_err(|e| e.into_diag("Opening", &addr))?;
                let marks = marks
                    .with(crate::plan::sensitive_paths(et.schema()))
                    .with(Marks::whole(crate::blueprint::marks::Mark::EPHEMERAL));
                self.values.set_marked(address, v.clone(), marks.clone());
                self.postconditions(address, &bindings, (v, marks))?;
                Ok(None)
            }
            StepKind::Read => {
                let ds = self
                    .applier
                    .registry
                    .for_provider(change.provider.as_deref())
                    .data_source(&address.type_name)
                    .ok_or_else(|| Diag::new(format!("Unsupported data source {}", address.type_name)))?;
                let (config, config_marks, bindings) = self.evaluate(address, ds.schema())?;
                self.preconditions(address, &bindings)?;
                ds.check_config(&config)
                    .map_err(|m| Diag::new(format!("Invalid configuration for {}", address.type_name)).detail(m))?;
                let v = match (ds.read(&config).await, self.check_of(address)) {
                    (Ok(v), _) => v,
                    (Err(e), None) => return Err(e.into_diag("Reading", &addr)),
                    (Err(e), Some(check)) => {
                        // A check's data source that cannot be read fails the check, as a
                        // warning; the apply goes on.
                        let d = e.into_diag("Reading", &addr);
                        self.warn(Diag { warning: true, ..d });
                        self.failed_checks
                            .lock()
                            .expect("checks lock")
                            .insert((address.module.clone(), check));
                        return Ok(None);
                    }
                };
                for secret in ds.secrets_in(&v) {
                    self.applier.registry.secrets().remember(&secret);
                }
                let marks = config_marks.with(crate::plan::sensitive_paths(ds.schema()));
                self.values.set_marked(address, v.clone(), marks.clone());
                let recorded = self
                    .applier
                    .data_state(address, &v, change.provider.clone(), self.plan.prior.keeper);
                self.save(address, |s| s.upsert(recorded)).await?;
                self.postconditions(address, &bindings, (v, marks))?;
                Ok(None)
            }
            StepKind::Create | StepKind::Update => {
                let rt = self.resource_type(change)?;
                let schema = rt.schema();
                let (mut config, config_marks, bindings) = self.evaluate(address, schema)?;
                let marks = crate::plan::object_marks(schema, &config_marks);
                self.preconditions(address, &bindings)?;
                let registry = self.applier.registry.for_provider(change.provider.as_deref());
                crate::plan::add_tags_all(&registry.default_tags, schema, &mut config);
                let result = if step.kind == StepKind::Create {
                    let desired = diff::plan_create(schema, &config);
                    let unknown: Vec<&String> = desired
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .filter(|(k, v)| *k != "id" && config.get(k).has_unknown() && v.has_unknown())
                                .map(|(k, _)| k)
                                .collect()
                        })
                        .unwrap_or_default();
                    if !unknown.is_empty() {
                        return Err(Diag::new(format!(
                            "Configuration of {addr} is still unknown after its dependencies were applied"
                        ))
                        .detail(format!("Attributes: {unknown:?}. This is a bug in infractl.")));
                    }
                    self.record_intent_to_create(address, &ctx.token).await?;
                    self.create_or_adopt(rt.as_ref(), ctx, &config, &desired, address)
                        .await?
                } else {
                    let prior = self
                        .state
                        .lock()
                        .expect("state lock")
                        .get(address)
                        .cloned()
                        .ok_or_else(|| Diag::new(format!("{addr} is not in state any more")))?;
                    let prior_value = Value::from_json(&prior.attributes);
                    let lifecycle = self.block(address).map(|r| r.lifecycle.clone()).unwrap_or_default();
                    let (planned, _) = diff::plan_update(schema, &config, &prior_value, &lifecycle);
                    let planned = diff::to_send(schema, &planned, &config);
                    rt.update(ctx, &prior.id, &prior_value, &planned)
                        .await
                        .map_err(|e| e.into_diag("Updating", &addr))?
                };
                // Write-only arguments reach AWS and nothing else; state holds every attribute.
                let mut result = diff::as_recorded(schema, crate::schema::keep_timeouts(schema, result, &config));
                if self.plan.prior.keeper == Keeper::Terraform {
                    // Terraform's state holds secret arguments as configured.
                    result = crate::provider::secrets::in_the_clear(&result, &config);
                }
                let id = result.get("id").to_plain_string().unwrap_or_default();
                if id.is_empty() {
                    return Err(Diag::new(format!("Provider returned no id for {addr}")));
                }
                // References see generated secrets revealed; state keeps them sealed, and
                // this run's secrets concealed wherever else they turn up.
                let secrets = self.applier.registry.secrets();
                let seen = self
                    .applier
                    .registry
                    .reveal(&address.type_name, result.clone())
                    .await
                    .map_err(|e| e.into_diag("Reading the secrets of", &addr))?;
                self.values.set_marked(address, seen.clone(), marks.clone());
                let result = secrets.conceal(&result);
                let deps: Vec<String> = change.deps.iter().map(|d| d.to_string()).collect();
                // An update may change the id of the same object (a renamed IAM user, whose id
                // is its name); only a create makes another object.
                let created = step.kind == StepKind::Create;
                self.save(address, |s| {
                    // A replaced object still in state (create_before_destroy) is deposed, not
                    // forgotten: its delete step, or the next run, removes it.
                    let mut r = ResourceState::new(address.clone(), id.clone(), result.to_json());
                    r.schema_version = rt.schema().version;
                    if let Some(old) = s.get(address) {
                        r.deposed = old.deposed.clone();
                        // A create beside an object still in state is the new half of a
                        // create_before_destroy replacement, even where both have one id.
                        if created {
                            r.deposed.push(DeposedObject::of(old));
                        } else {
                            // The same object changed in place: what Terraform recorded of it
                            // beyond its attributes (the provider's private data, the
                            // sensitivity marks its configuration gave) still holds.
                            r.private = old.private.clone();
                            r.sensitive_attributes = old.sensitive_attributes.clone();
                        }
                    }
                    r.sensitive_attributes = rt.schema().sensitive_paths(&r.sensitive_attributes);
                    r.dependencies = deps;
                    r.provider = change.provider.clone();
                    r.create_before_destroy = change.create_before_destroy;
                    s.finish_create(address);
                    s.upsert(r)
                })
                .await?;
                self.count(if step.kind == StepKind::Create { 0 } else { 1 });
                if step.kind == StepKind::Create {
                    // A create-time provisioner that fails taints the new object: it stays in
                    // state, and the next plan replaces it.
                    if let Err(d) = self.provision(address, false, (seen.clone(), marks.clone())).await {
                        self.save(address, |s| {
                            if let Some(r) = s.get_mut(address) {
                                r.tainted = true;
                            }
                        })
                        .await?;
                        return Err(d);
                    }
                }
                self.postconditions(address, &bindings, (seen, marks))?;
                Ok(Some(id))
            }
        }
    }

    /// The resource block of an address in the blueprint, when it is still there.
    fn block(&self, address: &Address) -> Option<&Arc<crate::blueprint::config::Resource>> {
        self.applier
            .root
            .descend(&address.module)
            .and_then(|m| m.resources.get(&block_key(address)))
    }

    /// The check block a data source is written in, if any.
    fn check_of(&self, address: &Address) -> Option<String> {
        self.block(address).and_then(|r| r.check.clone())
    }

    /// Records a warning for the report.
    fn warn(&self, d: Diag) {
        eprintln!("{d}\n");
        self.warnings.lock().expect("warnings lock").push(d);
    }

    /// Checks an instance's preconditions with what is known now (a failure fails the step
    /// before any call).
    fn preconditions(&self, address: &Address, bindings: &Bindings) -> DResult<()> {
        let Some(res) = self.block(address).filter(|r| !r.lifecycle.preconditions.is_empty()) else {
            return Ok(());
        };
        let ctx = self.context();
        conditions::all_hold(
            &ctx,
            &address.module,
            &res.lifecycle.preconditions,
            bindings,
            Kind::ResourcePrecondition,
        )
        .map(|_| ())
        .map_err(|d| d.address(address))
    }

    /// Checks an instance's postconditions against the object now applied (`self`): a failure
    /// fails the step, so what depends on it does not run; state keeps the object.
    fn postconditions(&self, address: &Address, bindings: &Bindings, object: Marked) -> DResult<()> {
        let Some(res) = self.block(address).filter(|r| !r.lifecycle.postconditions.is_empty()) else {
            return Ok(());
        };
        let ctx = self.context();
        let b = bindings.with_self(object);
        conditions::all_hold(
            &ctx,
            &address.module,
            &res.lifecycle.postconditions,
            &b,
            Kind::ResourcePostcondition,
        )
        .map(|_| ())
        .map_err(|d| d.address(address))
    }

    /// Runs an instance's create-time (or destroy-time) provisioners in order, with `self`
    /// the object. One allowed to fail (`on_failure = continue`) gives a warning; any other
    /// failure is the step's error.
    async fn provision(&self, address: &Address, destroying: bool, object: Marked) -> DResult<()> {
        let Some(res) = self.block(address).cloned() else {
            return Ok(());
        };
        let mine: Vec<_> = res
            .provisioners
            .iter()
            .filter(|p| p.when_destroy == destroying)
            .collect();
        if mine.is_empty() {
            return Ok(());
        }
        let ctx = self.context();
        let bindings = self.bindings_of(&ctx, &res, address, destroying)?.with_self(object);
        for p in mine {
            let schema = crate::blueprint::provisioners::schema(&p.kind).unwrap_or_default();
            let (config, marks) = ctx.eval_body_marked(&address.module, &p.body, &schema, &bindings)?;
            let result = crate::provision::run(p, &address.to_string(), &config, &marks).await;
            match (result, p.on_failure_continue) {
                (Ok(()), _) => {}
                (Err(d), true) => self.warn(Diag {
                    warning: true,
                    ..d.address(address)
                }),
                (Err(d), false) => return Err(d.address(address)),
            }
        }
        Ok(())
    }

    /// The `count.index`/`each` bindings of an instance. A destroy-time provisioner may run
    /// after its instance left `count`/`for_each`: it gets them from the address, as the only
    /// things it may read besides `self` are `count.index` and `each.key`.
    fn bindings_of(
        &self,
        ctx: &Context,
        res: &crate::blueprint::config::Resource,
        address: &Address,
        destroying: bool,
    ) -> DResult<Bindings> {
        if !destroying {
            if let OneInstance::Bound(b) = ctx.expand_one(&address.module, res, &address.key)? {
                return Ok(*b);
            }
        }
        Ok(match &address.key {
            crate::address::InstanceKey::Index(i) => Bindings {
                count_index: Some(Value::Number(*i as f64)),
                ..Default::default()
            },
            crate::address::InstanceKey::Key(k) => Bindings {
                each: Some((Value::str(k), Value::Unknown)),
                ..Default::default()
            },
            crate::address::InstanceKey::None => Bindings::default(),
        })
    }

    /// An evaluation context over everything applied so far.
    fn context(&self) -> Context<'_> {
        Context::new(&self.applier.root, &self.applier.inputs, &self.values).with_clock(applying(&self.plan))
    }

    /// Creates the object at `address`, or adopts the one an earlier run made and state does
    /// not know: looked for before the create, or, for a type whose create refuses to
    /// duplicate (`ResourceType::conflict_codes`), only once the create has refused. The object
    /// a create-before-destroy replacement replaces carries the same tags, but state knows it,
    /// so it is never one to adopt.
    async fn create_or_adopt(
        &self,
        rt: &dyn crate::provider::ResourceType,
        ctx: &CallCtx,
        config: &Value,
        desired: &Value,
        address: &Address,
    ) -> DResult<Value> {
        let addr = address.to_string();
        let look = || async {
            let found = self
                .find_adoptable(rt, ctx, config, address)
                .await
                .map_err(|e| e.into_diag("Looking up", &addr))?;
            Ok::<_, Diag>(found.filter(|id| !self.in_state(address, id)))
        };
        let early = self.early_lookups.lock().expect("lookups lock").contains_key(address);
        let deferred = !ctx.resumed && !early && !rt.conflict_codes().is_empty();
        if !deferred {
            if let Some(id) = look().await? {
                return self.adopt(rt, ctx, config, &id, &addr).await;
            }
            if ctx.resumed {
                // The killed run's create call may still have been on its way, or AWS may
                // not list its object yet (describe calls are eventually consistent): a create
                // sent now would make a second object that only the next run finds. Seen in
                // the crash test under load, as an orphan VPC. Look once more after a pause.
                tokio::time::sleep(RESUMED_CREATE_GRACE).await;
                if let Some(id) = look().await? {
                    return self.adopt(rt, ctx, config, &id, &addr).await;
                }
            }
        }
        let sent = diff::with_write_only(rt.schema(), &desired.unknown_to_null(), config);
        match rt.create(ctx, &sent).await {
            Ok(made) => Ok(made),
            Err(e) if deferred && e.code.as_deref().is_some_and(|c| rt.conflict_codes().contains(&c)) => {
                match look().await? {
                    Some(id) => self.adopt(rt, ctx, config, &id, &addr).await,
                    None => Err(e.into_diag("Creating", &addr)),
                }
            }
            Err(e) => Err(e.into_diag("Creating", &addr)),
        }
    }

    /// Takes over `id`, an object an earlier run made for this address: read, then updated to
    /// the configuration where it differs.
    async fn adopt(
        &self,
        rt: &dyn crate::provider::ResourceType,
        ctx: &CallCtx,
        config: &Value,
        id: &str,
        addr: &str,
    ) -> DResult<Value> {
        eprintln!("{addr}: adopting {id}, found by its tags or its unique name (an earlier run created it but did not record it)");
        let schema = rt.schema();
        let live = rt
            .read(ctx, id, &Value::Null)
            .await
            .map_err(|e| e.into_diag("Reading", addr))?
            .ok_or_else(|| Diag::new(format!("{id} vanished while being adopted")))?;
        let lifecycle = Default::default();
        let (planned, changes) = diff::plan_update(schema, config, &live, &lifecycle);
        let planned = diff::to_send(schema, &planned, config);
        if changes.is_empty() {
            return Ok(configured_tags_kept(live, &planned));
        }
        rt.update(ctx, id, &live, &planned)
            .await
            .map_err(|e| e.into_diag("Updating", addr))
    }

    /// What a provider call knows of the object at `address`: a create a killed run left
    /// unfinished is resumed with that run's token.
    fn call_ctx(&self, address: &Address) -> CallCtx {
        let unfinished = self.plan.prior.unfinished_create(address);
        CallCtx {
            stack: self.applier.stack.clone(),
            address: address.to_string(),
            resumed: unfinished.is_some(),
            token: unfinished
                .map(str::to_string)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            keeper: self.plan.prior.keeper,
        }
    }

    /// Starts, as the apply begins, the adoption lookups that need nothing from the
    /// configuration (`ResourceType::adoptable_known_early`) for every object created anew, so
    /// that each create finds its answer ready instead of asking once its dependencies are
    /// done. A replacement still looks when it creates (before that, the lookup would find the
    /// object it replaces), and so does a create a killed run left unfinished (it resumes with
    /// that run's token).
    fn look_ahead_for_adoptable(&self) {
        let mut early = self.early_lookups.lock().expect("lookups lock");
        for step in self.steps.iter().filter(|s| s.kind == StepKind::Create) {
            let change = &self.plan.changes[step.change];
            let address = &change.address;
            let known = self.plan.prior.get(address).is_some() || self.plan.prior.unfinished_create(address).is_some();
            let Ok(rt) = self.resource_type(change) else {
                continue;
            };
            let planned = change.after.clone().unwrap_or(Value::Null);
            if known || !rt.adoptable_known_early(&planned) {
                continue;
            }
            let ctx = self.call_ctx(address);
            let span = info_span!(parent: None, "adoption_lookup", address = %address);
            let lookup = async move { rt.find_adoptable(&ctx, &planned).await }.instrument(span);
            early.insert(address.clone(), tokio::spawn(lookup));
        }
    }

    /// Looks for an object an earlier run made for `address` and state does not know: the
    /// answer of the lookup started as the apply began, or (when there was none, or it failed)
    /// a lookup now.
    async fn find_adoptable(
        &self,
        rt: &dyn crate::provider::ResourceType,
        ctx: &CallCtx,
        config: &Value,
        address: &Address,
    ) -> crate::provider::PResult<Option<String>> {
        let early = self.early_lookups.lock().expect("lookups lock").remove(address);
        if let Some(lookup) = early {
            if let Ok(Ok(found)) = lookup.await {
                return Ok(found);
            }
        }
        rt.find_adoptable(ctx, config).await
    }

    /// Whether state holds the object `id` at `address`, as its current object or a deposed one.
    fn in_state(&self, address: &Address, id: &str) -> bool {
        // A type may find an object by another identifier than the one state keeps (a task
        // definition is kept by family and found by revision ARN): the recorded object's
        // top-level string attributes count as its names too. Without that, the create of a
        // create-before-destroy replacement would adopt the object it replaces, and the
        // replacement's delete would then remove both.
        let names = |own: &str, attributes: &serde_json::Value| {
            own == id
                || attributes
                    .as_object()
                    .is_some_and(|m| m.values().any(|v| v.as_str() == Some(id)))
        };
        let state = self.state.lock().expect("state lock");
        state
            .get(address)
            .is_some_and(|e| names(&e.id, &e.attributes) || e.deposed.iter().any(|d| names(&d.id, &d.attributes)))
    }

    /// Id and attributes of the object a delete step removes: the planned prior object, if it
    /// is still in state (as the current object or deposed).
    fn object_to_delete(&self, change: &crate::plan::Change) -> Option<(String, Value)> {
        let before = change.before.as_ref()?;
        let id = before.get("id").to_plain_string()?;
        let state = self.state.lock().expect("state lock");
        let entry = state.get(&change.address)?;
        let known = entry.id == id || entry.deposed.iter().any(|d| d.id == id);
        known.then(|| (id, before.clone()))
    }

    /// The implementation of a change's type, in the provider configuration that manages it.
    fn resource_type(&self, change: &crate::plan::Change) -> DResult<Arc<dyn crate::provider::ResourceType>> {
        let name = &change.address.type_name;
        self.applier
            .registry
            .for_provider(change.provider.as_deref())
            .resource(name)
            .cloned()
            .ok_or_else(|| Diag::new(format!("Unsupported resource type {name}")))
    }

    /// Evaluates an instance's configuration with everything applied so far: its value, its
    /// marks, and the instance's `count.index`/`each` bindings.
    fn evaluate(&self, address: &Address, schema: &crate::schema::Schema) -> DResult<(Value, Marks, Bindings)> {
        let res = self
            .block(address)
            .ok_or_else(|| Diag::new(format!("{address} is not in the blueprint")))?;
        let ctx = self.context();
        let bindings = match ctx.expand_one(&address.module, res, &address.key)? {
            OneInstance::Bound(b) => *b,
            OneInstance::Gone => {
                return Err(Diag::new(format!(
                    "{address} disappeared from its count/for_each during apply"
                )))
            }
            OneInstance::Unknown => {
                return Err(Diag::new(format!(
                    "count/for_each of {address} is unknown during apply"
                )))
            }
        };
        let (config, marks) = ctx.eval_body_marked(&address.module, &res.body, schema, &bindings)?;
        Ok((config, marks, bindings))
    }

    /// Applies a change to `address` in state and persists it before the step is reported done:
    /// one journal record when the backend keeps a journal; otherwise a whole snapshot, with
    /// writes serialised and a write that finds a newer snapshot already written (by a step that
    /// finished meanwhile) skipped, so a large apply does not turn into a write per completion.
    async fn save(&self, address: &Address, f: impl FnOnce(&mut State)) -> DResult<()> {
        use std::sync::atomic::Ordering;
        if self.applier.backend.journals() {
            // Held across the mutation and the append, so the journal's order is state's order.
            let _in_order = self.written.lock().await;
            let record = {
                let mut s = self.state.lock().expect("state lock");
                f(&mut s);
                JournalRecord::of(&s, address)
            };
            return self
                .applier
                .backend
                .append(&record)
                .instrument(info_span!("journal_append"))
                .await;
        }
        let mine = {
            let mut s = self.state.lock().expect("state lock");
            f(&mut s);
            self.version.fetch_add(1, Ordering::SeqCst) + 1
        };
        let mut written = self.written.lock().await;
        if *written >= mine {
            return Ok(());
        }
        let (snapshot, version) = {
            let mut s = self.state.lock().expect("state lock");
            s.serial += 1;
            (s.clone(), self.version.load(Ordering::SeqCst))
        };
        self.applier
            .backend
            .write(&snapshot)
            .instrument(info_span!("state_write"))
            .await?;
        *written = version;
        Ok(())
    }

    /// Records, before the create call, that a create of `address` is under way, so that a run
    /// killed during the call leaves the trace (and the idempotency token) for the next: one
    /// journal record when the backend keeps a journal, otherwise a snapshot written before
    /// the call (creates that start together share one write, as completions do).
    async fn record_intent_to_create(&self, address: &Address, token: &str) -> DResult<()> {
        if !self.applier.backend.journals() {
            return self.save(address, |s| s.begin_create(address, token)).await;
        }
        let _in_order = self.written.lock().await;
        let record = {
            let mut s = self.state.lock().expect("state lock");
            s.begin_create(address, token);
            JournalRecord::intent_to_create(&s, address, token)
        };
        self.applier
            .backend
            .append(&record)
            .instrument(info_span!("journal_append"))
            .await
    }

    fn count(&self, which: usize) {
        let mut c = self.counts.lock().expect("counts lock");
        match which {
            0 => c.0 += 1,
            1 => c.1 += 1,
            _ => c.2 += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanOptions;
    use crate::provider::fake::FakeCloud;

    use crate::testkit::{run, run_with, write};

    #[tokio::test]
    async fn timestamp_is_known_only_when_applying_and_plantimestamp_is_the_plans_time() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "output \"now\" { value = timestamp() }\noutput \"planned\" { value = plantimestamp() }\n",
        );
        let options = PlanOptions {
            plan_time: Some(1_700_000_000),
            ..Default::default()
        };
        let r = run_with(dir.path(), &FakeCloud::new(), options).await;
        assert_eq!(
            r.plan.outputs["now"].0,
            Value::Unknown,
            "timestamp() is unknown while planning"
        );
        assert_eq!(r.plan.outputs["planned"].0, Value::str("2023-11-14T22:13:20Z"));
        let outputs = &r.report.state.outputs;
        assert_eq!(outputs["planned"].value, serde_json::json!("2023-11-14T22:13:20Z"));
        let now = outputs["now"]
            .value
            .as_str()
            .expect("timestamp() is known when applying");
        assert_eq!(now.len(), 20, "{now}");
        assert!(now > "2023-11-14T22:13:20Z" && now.ends_with('Z'), "{now}");
    }

    fn pos(calls: &[String], what: &str) -> usize {
        calls
            .iter()
            .position(|c| c == what)
            .unwrap_or_else(|| panic!("{what} not in {calls:?}"))
    }

    const PARENT_CHILDREN: &str = r#"
variable "parent_name" { default = "p1" }
resource "fake_thing" "parent" {
  name = var.parent_name
}
resource "fake_thing" "child" {
  count     = 2
  name      = "child-${count.index}"
  parent_id = fake_thing.parent.id
}
"#;

    #[tokio::test]
    async fn creates_in_dependency_order_then_plans_clean_and_destroys_in_reverse() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), PARENT_CHILDREN);
        let cloud = FakeCloud::new();
        let first = run(dir.path(), &cloud, false).await;
        assert_eq!(first.plan.summary(), (3, 0, 0));
        assert!(first.report.failures.is_empty());
        let calls = cloud.calls();
        assert!(pos(&calls, "create fake_thing.parent") < pos(&calls, "create fake_thing.child[0]"));
        assert!(pos(&calls, "create fake_thing.parent") < pos(&calls, "create fake_thing.child[1]"));
        let parent_id = first
            .report
            .state
            .resources
            .iter()
            .find(|r| r.address.name == "parent")
            .unwrap()
            .id
            .clone();
        let objects = cloud.objects.lock().unwrap().clone();
        assert_eq!(objects.len(), 3);
        assert!(
            objects
                .values()
                .filter(|v| v.get("parent_id").as_str() == Some(parent_id.as_str()))
                .count()
                == 2
        );

        let second = run(dir.path(), &cloud, false).await;
        let pending: Vec<_> = second
            .plan
            .changes
            .iter()
            .filter(|c| c.action != crate::plan::Action::NoOp)
            .map(|c| (c.address.to_string(), c.action, c.attr_changes.clone()))
            .collect();
        assert!(!second.plan.has_changes(), "second plan should be empty: {pending:?}");

        cloud.log.lock().unwrap().clear();
        let gone = run(dir.path(), &cloud, true).await;
        assert_eq!(gone.plan.summary(), (0, 0, 3));
        let calls = cloud.calls();
        assert!(pos(&calls, "delete fake_thing.child[0]") < pos(&calls, "delete fake_thing.parent"));
        assert!(pos(&calls, "delete fake_thing.child[1]") < pos(&calls, "delete fake_thing.parent"));
        assert!(cloud.objects.lock().unwrap().is_empty());
        assert!(gone.report.state.resources.is_empty());
    }

    #[tokio::test]
    async fn replacement_deletes_first_unless_create_before_destroy() {
        for cbd in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let text = if cbd {
                PARENT_CHILDREN.replace(
                    "name = var.parent_name\n",
                    "name = var.parent_name\n  lifecycle {\n    create_before_destroy = true\n  }\n",
                )
            } else {
                PARENT_CHILDREN.to_string()
            };
            write(dir.path(), &text);
            let cloud = FakeCloud::new();
            run(dir.path(), &cloud, false).await;
            cloud.log.lock().unwrap().clear();
            write(dir.path(), &text.replace("default = \"p1\"", "default = \"p2\""));
            let r = run(dir.path(), &cloud, false).await;
            assert_eq!(r.plan.summary(), (1, 2, 1), "parent replaced, children updated");
            assert!(r.report.failures.is_empty());
            let calls = cloud.calls();
            let (del, create, update) = (
                pos(&calls, "delete fake_thing.parent"),
                pos(&calls, "create fake_thing.parent"),
                pos(&calls, "update fake_thing.child[0]"),
            );
            if cbd {
                assert!(
                    create < update && update < del,
                    "create_before_destroy order: {calls:?}"
                );
            } else {
                assert!(
                    del < create && create < update,
                    "destroy-before-create order: {calls:?}"
                );
            }
            let objects = cloud.objects.lock().unwrap().clone();
            assert_eq!(objects.len(), 3, "no orphan, no duplicate");
            let new_parent = objects
                .values()
                .find(|v| v.get("name").as_str() == Some("p2"))
                .unwrap_or_else(|| panic!("no p2 in {objects:?}"));
            assert!(
                objects
                    .values()
                    .filter(|v| v.get("parent_id") == new_parent.get("id"))
                    .count()
                    == 2
            );
        }
    }

    #[tokio::test]
    async fn a_failure_skips_only_dependents_and_state_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            r#"
resource "fake_thing" "bad" { name = "bad" }
resource "fake_thing" "after_bad" {
  name      = "after"
  parent_id = fake_thing.bad.id
}
resource "fake_thing" "fine" { name = "fine" }
"#,
        );
        let cloud = FakeCloud::new();
        cloud.fail_names.lock().unwrap().push("bad".into());
        let r = run(dir.path(), &cloud, false).await;
        assert_eq!(r.report.failures.len(), 1);
        let msg = r.report.failures[0].to_string();
        assert!(
            msg.contains("InjectedFailure") && msg.contains("fake_thing.bad"),
            "{msg}"
        );
        assert_eq!(r.report.skipped.len(), 1);
        assert!(r.report.skipped[0].0.starts_with("fake_thing.after_bad"));
        let saved = crate::state::LocalBackend::new(dir.path().join("state.json"))
            .read_now()
            .unwrap()
            .unwrap();
        let addrs: Vec<String> = saved.resources.iter().map(|r| r.address.to_string()).collect();
        assert_eq!(addrs, ["fake_thing.fine"]);
        assert!(!cloud.calls().iter().any(|c| c.contains("after_bad")));
    }

    #[tokio::test]
    async fn target_limits_the_run_to_the_target_and_its_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &format!("{PARENT_CHILDREN}\nresource \"fake_thing\" \"other\" {{\n  name = \"o\"\n}}\n"),
        );
        let cloud = FakeCloud::new();
        let targeted = |t: &str| PlanOptions {
            targets: vec![t.to_string()],
            ..Default::default()
        };
        let r = run_with(dir.path(), &cloud, targeted("fake_thing.child[1]")).await;
        let mut applied: Vec<String> = r.plan.changes.iter().map(|c| c.address.to_string()).collect();
        applied.sort();
        assert_eq!(applied, ["fake_thing.child[1]", "fake_thing.parent"]);
        assert_eq!(cloud.objects.lock().unwrap().len(), 2);
        let r = run_with(dir.path(), &cloud, PlanOptions::default()).await;
        assert_eq!(r.plan.summary(), (2, 0, 0), "the rest is created by an untargeted run");
        let r = run_with(
            dir.path(),
            &cloud,
            PlanOptions {
                destroy: true,
                ..targeted("fake_thing.parent")
            },
        )
        .await;
        assert_eq!(
            r.plan.summary(),
            (0, 0, 3),
            "destroying a target destroys its dependents"
        );
        let names: Vec<Value> = cloud
            .objects
            .lock()
            .unwrap()
            .values()
            .map(|v| v.get("name").clone())
            .collect();
        assert_eq!(names, [Value::str("o")]);
    }

    #[tokio::test]
    async fn drift_is_corrected_and_vanished_objects_recreated() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "resource \"fake_thing\" \"a\" {\n  name = \"a\"\n  size = 3\n}\n",
        );
        let cloud = FakeCloud::new();
        run(dir.path(), &cloud, false).await;
        let id = cloud.objects.lock().unwrap().keys().next().unwrap().clone();
        if let Some(Value::Object(m)) = cloud.objects.lock().unwrap().get_mut(&id) {
            m.insert("size".into(), Value::Number(9.0));
        }
        let r = run(dir.path(), &cloud, false).await;
        assert_eq!(r.plan.summary(), (0, 1, 0));
        assert_eq!(cloud.objects.lock().unwrap()[&id].get("size"), &Value::Number(3.0));
        cloud.objects.lock().unwrap().clear();
        let r = run(dir.path(), &cloud, false).await;
        assert_eq!(r.plan.summary(), (1, 0, 0));
        assert_eq!(cloud.objects.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn blocks_referring_to_whole_blocks_make_a_linear_dag_in_the_right_order() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            r#"
resource "fake_thing" "root" {
  count = 40
  name  = "root-${count.index}"
}
resource "fake_thing" "leaf" {
  count     = 60
  name      = "leaf-${count.index}"
  parent_id = join(",", fake_thing.root[*].id)
}
"#,
        );
        let cloud = FakeCloud::new();
        let first = run(dir.path(), &cloud, false).await;
        let (_, steps) = build_steps(&first.plan).unwrap();
        let edges: usize = steps.iter().map(|s| s.deps.len()).sum();
        // 60 leaves each waiting on one join of 40 roots, not on 40 roots each (2,400 edges).
        assert_eq!(edges, 60 + 40, "{edges} edges");
        let calls = cloud.calls();
        let last_root = (0..40)
            .map(|i| pos(&calls, &format!("create fake_thing.root[{i}]")))
            .max()
            .unwrap();
        let first_leaf = (0..60)
            .map(|i| pos(&calls, &format!("create fake_thing.leaf[{i}]")))
            .min()
            .unwrap();
        assert!(last_root < first_leaf);

        let gone = run(dir.path(), &cloud, true).await;
        assert!(gone.report.failures.is_empty());
        let calls = cloud.calls();
        let last_leaf = (0..60)
            .map(|i| pos(&calls, &format!("delete fake_thing.leaf[{i}]")))
            .max()
            .unwrap();
        let first_root = (0..40)
            .map(|i| pos(&calls, &format!("delete fake_thing.root[{i}]")))
            .min()
            .unwrap();
        assert!(last_leaf < first_root);
    }

    #[tokio::test]
    async fn dependencies_recorded_per_instance_by_older_builds_still_order_destroy() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), PARENT_CHILDREN);
        let cloud = FakeCloud::new();
        run(dir.path(), &cloud, false).await;
        // Rewrite state as older builds did (instance addresses), and drop the blueprint's
        // references so only state can order the destroy.
        let path = dir.path().join("state.json");
        let mut state = crate::state::LocalBackend::new(&path).read_now().unwrap().unwrap();
        for r in &mut state.resources {
            if r.address.name == "child" {
                assert_eq!(r.dependencies, vec!["fake_thing.parent".to_string()]);
                r.dependencies = vec!["fake_thing.parent[0]".into()];
            }
        }
        state.serial += 1;
        crate::state::LocalBackend::new(&path).write_now(&state).unwrap();
        write(dir.path(), "");
        let r = run(dir.path(), &cloud, false).await;
        assert_eq!(r.plan.summary(), (0, 0, 3));
        let calls = cloud.calls();
        assert!(pos(&calls, "delete fake_thing.child[0]") < pos(&calls, "delete fake_thing.parent"));
        assert!(pos(&calls, "delete fake_thing.child[1]") < pos(&calls, "delete fake_thing.parent"));
    }

    #[tokio::test]
    async fn adoption_lookups_run_as_the_apply_starts_or_once_a_create_refuses() {
        let dir = tempfile::tempdir().unwrap();
        // b waits for a, but its name is known: its lookup need not. c's name is a's arn: it
        // could look only once a is made, and since its create refuses a taken name, it looks
        // only if the create does.
        write(
            dir.path(),
            "resource \"fake_thing\" \"a\" {\n  name = \"a\"\n}\n\
             resource \"fake_thing\" \"b\" {\n  name = \"b\"\n  parent_id = fake_thing.a.arn\n}\n\
             resource \"fake_thing\" \"c\" {\n  name = fake_thing.a.arn\n}\n",
        );
        let cloud = FakeCloud::new();
        *cloud.latency.lock().unwrap() = Duration::from_millis(30);
        let r = run(dir.path(), &cloud, false).await;
        assert!(r.report.failures.is_empty(), "{:?}", r.report.failures);
        let calls = cloud.calls();
        let create_a = calls.iter().position(|c| c == "create fake_thing.a").unwrap();
        let lookups = cloud.lookups.lock().unwrap().clone();
        let before = |a: &str| lookups.iter().find(|(addr, _)| addr == a).map(|(_, n)| *n).unwrap();
        assert!(before("fake_thing.b") <= create_a, "{lookups:?} {calls:?}");
        assert_eq!(
            lookups.len(),
            2,
            "a and b, each once; c's create succeeded: {lookups:?}"
        );

        // A replacement never looks before the object it replaces is gone.
        cloud.lookups.lock().unwrap().clear();
        write(
            dir.path(),
            "resource \"fake_thing\" \"a\" {\n  name = \"a2\"\n}\n\
             resource \"fake_thing\" \"b\" {\n  name = \"b\"\n  parent_id = fake_thing.a.arn\n}\n\
             resource \"fake_thing\" \"c\" {\n  name = fake_thing.a.arn\n}\n",
        );
        let r = run(dir.path(), &cloud, false).await;
        assert!(r.report.failures.is_empty(), "{:?}", r.report.failures);
        let calls = cloud.calls();
        let delete_a = calls.iter().rposition(|c| c == "delete fake_thing.a").unwrap();
        let lookups = cloud.lookups.lock().unwrap().clone();
        // (Its create succeeded, so it never looked at all.)
        assert!(
            lookups.iter().all(|(addr, n)| addr != "fake_thing.a" || *n > delete_a),
            "{lookups:?} {calls:?}"
        );

        // A create that refuses a taken name looks then, and finding nothing, fails as it
        // was refused.
        cloud.lookups.lock().unwrap().clear();
        cloud.taken_names.lock().unwrap().push("taken".into());
        // a is replaced again, so e's name is unknown until a is made.
        write(
            dir.path(),
            "resource \"fake_thing\" \"a\" {\n  name = \"a3\"\n}\n\
             resource \"fake_thing\" \"d\" {\n  name = \"taken\"\n  parent_id = fake_thing.a.arn\n}\n\
             resource \"fake_thing\" \"e\" {\n  name = replace(fake_thing.a.arn, \"/.*/\", \"taken\")\n}\n",
        );
        let r = run(dir.path(), &cloud, false).await;
        let failures = format!("{:?}", r.report.failures);
        assert_eq!(r.report.failures.len(), 2, "{failures}");
        assert!(failures.contains("taken is taken"), "{failures}");
        let calls = cloud.calls();
        let lookups = cloud.lookups.lock().unwrap().clone();
        let of_e: Vec<_> = lookups.iter().filter(|(addr, _)| addr == "fake_thing.e").collect();
        assert_eq!(of_e.len(), 1, "{lookups:?}");
        let create_e = calls.iter().position(|c| c == "create fake_thing.e").unwrap();
        assert!(
            of_e[0].1 > create_e,
            "e looked after its create was refused: {lookups:?} {calls:?}"
        );
    }

    /// The local state a run killed during the create of fake_thing.a leaves in `dir`.
    fn killed_during_the_create_of_a(dir: &std::path::Path) -> crate::state::LocalBackend {
        let mut state = State::new();
        state.serial = 1;
        state.begin_create(&Address::parse("fake_thing.a").unwrap(), "token-of-the-killed-run");
        let backend = crate::state::LocalBackend::new(dir.join("state.json"));
        backend.write_now(&state).unwrap();
        backend
    }

    #[tokio::test]
    async fn a_create_left_unfinished_is_resumed_with_its_token_and_then_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "resource \"fake_thing\" \"a\" {\n  name = \"a\"\n}\nresource \"fake_thing\" \"b\" {\n  name = \"b\"\n}\n",
        );
        let backend = killed_during_the_create_of_a(dir.path());
        let cloud = FakeCloud::new();
        let r = run(dir.path(), &cloud, false).await;
        assert!(r.report.failures.is_empty());
        let tokens = cloud.create_tokens.lock().unwrap().clone();
        let token_of = |a: &str| {
            tokens
                .iter()
                .find(|(addr, _)| addr == a)
                .map(|(_, t)| t.clone())
                .unwrap()
        };
        assert_eq!(token_of("fake_thing.a"), "token-of-the-killed-run");
        assert_ne!(token_of("fake_thing.b"), "token-of-the-killed-run");
        assert_eq!(token_of("fake_thing.b").len(), 36, "a fresh UUID for a fresh create");
        let saved = backend.read_now().unwrap().unwrap();
        assert!(saved.unfinished_creates.is_empty(), "{:?}", saved.unfinished_creates);
    }

    /// The object a killed run's create made shows only on the second lookup (its call was
    /// still in flight): the resumed create waits, looks again and adopts it instead of
    /// making a second one.
    #[tokio::test]
    async fn a_resumed_create_looks_again_before_it_creates() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "resource \"fake_thing\" \"a\" {\n  name = \"a\"\n}\n");
        let backend = killed_during_the_create_of_a(dir.path());
        let cloud = FakeCloud::new();
        let made = Value::object([("id", Value::str("made-by-the-killed-run")), ("name", Value::str("a"))]);
        cloud
            .objects
            .lock()
            .unwrap()
            .insert("made-by-the-killed-run".into(), made);
        cloud
            .late_finds
            .lock()
            .unwrap()
            .insert("fake_thing.a".into(), "made-by-the-killed-run".into());
        let r = run(dir.path(), &cloud, false).await;
        assert!(r.report.failures.is_empty());
        let calls = cloud.calls();
        assert!(!calls.iter().any(|c| c == "create fake_thing.a"), "{calls:?}");
        let lookups = cloud.lookups.lock().unwrap().clone();
        assert_eq!(
            lookups.iter().filter(|(a, _)| a == "fake_thing.a").count(),
            2,
            "{lookups:?}"
        );
        let saved = backend.read_now().unwrap().unwrap();
        let a = saved.get(&Address::parse("fake_thing.a").unwrap()).unwrap();
        assert_eq!(a.id, "made-by-the-killed-run");
        assert_eq!(cloud.objects.lock().unwrap().len(), 1, "no second object");
    }
}
