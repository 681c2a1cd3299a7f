//! The step generator: desired configuration + refreshed state → the list of changes
//! (create, update, replace, delete, read, no-op) with their planned values and dependencies.
//!
//! Resource blocks are planned in dependency order so that a reference to a resource already
//! planned sees its planned value (known parts known, the rest "(known after apply)").

pub mod checks;
pub mod diff;
mod imports;
pub mod moves;
pub mod prefetch;
pub mod refresh;
pub mod triggers;
mod validate;

pub use validate::{validate, validate_as_command};

use crate::address::{static_path, Address, InstanceKey, ModuleStep};
use crate::blueprint::conditions;
use crate::blueprint::config::{Mode, Module, Resource};
use crate::blueprint::eval::Bindings;
use crate::blueprint::functions::Clock;
use crate::blueprint::marks::{Mark, Marked, Marks, Step};
use crate::blueprint::scope::{Context, Expansion, ResourceValues};
use crate::diag::{DResult, Diag};
use crate::graph::{ConfigGraph, Node};
use crate::provider::Registry;
use crate::state::State;
use crate::value::Value;
use diff::AttrChange;
use indexmap::{IndexMap, IndexSet};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use triggers::ChangeIndex;

/// What happens to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Nothing to do.
    NoOp,
    /// Create a new object.
    Create,
    /// Change the object in place.
    Update,
    /// Delete and create again (or create first with create_before_destroy).
    Replace,
    /// Delete the object.
    Delete,
    /// Read a data source during apply (its configuration was not known at plan time).
    Read,
    /// Drop the object from state and leave it in AWS (a `removed` block with
    /// `destroy = false`).
    Forget,
    /// Open an ephemeral resource for the objects that use it; nothing is stored or shown.
    Open,
}

/// Why an object is replaced although its configuration would not force it, as Terraform's
/// plans tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplaceCause {
    /// A create-time provisioner failed on it (or `taint` marked it).
    Tainted,
    /// `-replace ADDRESS`.
    Requested,
    /// Something its `replace_triggered_by` names is changing.
    Triggered,
}

/// One planned change.
#[derive(Debug, Clone)]
pub struct Change {
    /// The instance.
    pub address: Address,
    /// What happens.
    pub action: Action,
    /// Refreshed state (None for a create or read).
    pub before: Option<Value>,
    /// Planned value (None for a delete).
    pub after: Option<Value>,
    /// Attributes that change.
    pub attr_changes: Vec<AttrChange>,
    /// Resource blocks this one's configuration refers to (addresses without an instance key,
    /// as Terraform records dependencies): every instance of such a block comes first.
    /// Block-level, so that a thousand instances referring to a thousand others cost a thousand
    /// entries, not a million.
    pub deps: Vec<Address>,
    /// Create the replacement before deleting the old object.
    pub create_before_destroy: bool,
    /// The provider configuration that manages the object (`aws.east`); `None` for the
    /// default one.
    pub provider: Option<String>,
    /// Why it was planned this way, when not obvious (`-replace`, deleted outside infractl).
    pub reason: Option<String>,
    /// The address the object had before a `moved` block (or a count change) moved it.
    pub moved_from: Option<Address>,
    /// The id of the object an `import` block brings under management with this change.
    pub importing: Option<String>,
    /// Why it is replaced, when not for its configuration's sake.
    pub replace_cause: Option<ReplaceCause>,
    /// The marks of its value (sensitive attributes, from the type's schema and from the
    /// configuration): what plan output hides.
    pub marks: Marks,
}

impl Change {
    /// A change of `action` to `address` with nothing else known yet.
    pub fn new(address: Address, action: Action) -> Change {
        Change {
            address,
            action,
            before: None,
            after: None,
            attr_changes: vec![],
            deps: vec![],
            create_before_destroy: false,
            provider: None,
            reason: None,
            moved_from: None,
            importing: None,
            replace_cause: None,
            marks: Marks::none(),
        }
    }
}

/// Options that change what is planned.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Plan to destroy everything in state.
    pub destroy: bool,
    /// `-target` addresses; empty means everything.
    pub targets: Vec<String>,
    /// `-replace` addresses.
    pub replace: Vec<String>,
    /// When the plan was made (Unix seconds): `plantimestamp()`, the same when a saved plan is
    /// applied. Set by [`Planner::plan`] when absent.
    #[serde(default)]
    pub plan_time: Option<i64>,
}

/// A complete plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Changes in dependency order (no-ops included).
    pub changes: Vec<Change>,
    /// Planned root outputs: value and sensitivity.
    pub outputs: IndexMap<String, (Value, bool)>,
    /// State the plan was made from, after refresh.
    pub prior: State,
    /// How the plan was made.
    pub options: PlanOptions,
    /// Objects whose address changed (`moved` blocks, count added or removed): old, new.
    pub moves: Vec<(Address, Address)>,
    /// Warnings found while planning (failed or unknown check assertions), with locations.
    pub warnings: Vec<Diag>,
    /// True when the refresh found objects other than state recorded them (settings changed
    /// outside, attributes another resource set): an apply with nothing to change still
    /// records what it read, as Terraform's does, so state does not stay stale.
    pub refreshed: bool,
    /// Every module instance the plan expanded (the root first): an apply declares their
    /// blocks of no instances (`count = 0`) too, so that `try(this[0].id, "")` in a module
    /// whose objects do not change falls back at apply as it did at plan.
    pub module_instances: Vec<Vec<crate::address::ModuleStep>>,
}

impl Plan {
    /// Counts of (add, change, destroy) as Terraform's summary line shows them.
    pub fn summary(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Replace => {
                    add += 1;
                    destroy += 1
                }
                Action::Delete => destroy += 1,
                Action::NoOp | Action::Read | Action::Forget | Action::Open => {}
            }
        }
        (add, change, destroy)
    }

    /// How many objects are imported and forgotten (left in AWS, dropped from state).
    pub fn import_forget_counts(&self) -> (usize, usize) {
        (
            self.changes.iter().filter(|c| c.importing.is_some()).count(),
            self.changes.iter().filter(|c| c.action == Action::Forget).count(),
        )
    }

    /// True when applying would change something (outputs, moves and imports included).
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| !matches!(c.action, Action::NoOp | Action::Read | Action::Open) || c.importing.is_some())
            || !self.moves.is_empty()
            || self.outputs_changed()
    }

    /// True when a root output's value differs from state.
    pub fn outputs_changed(&self) -> bool {
        if self.options.destroy {
            return !self.prior.outputs.is_empty();
        }
        self.output_names()
            .into_iter()
            .any(|name| self.output_action(name) != OutputAction::NoOp)
    }

    /// The root outputs the blueprint declares or state records, each once, by name (as
    /// Terraform lists them, removed ones among the rest).
    pub fn output_names(&self) -> Vec<&String> {
        let mut names: Vec<&String> = self.outputs.keys().chain(self.prior.outputs.keys()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// What applying does to the root output `name`, decided as Terraform decides it: state
    /// never records a null output, so a null value where state has none is no change.
    pub fn output_action(&self, name: &str) -> OutputAction {
        let before = self.prior.outputs.get(name);
        match (self.outputs.get(name).map(|(v, _)| v), before) {
            (Some(v), Some(_)) if v.has_unknown() => OutputAction::Update,
            (Some(v), None) if v.has_unknown() => OutputAction::Create,
            (Some(v), None) if v.is_null() => OutputAction::NoOp,
            (Some(_), None) => OutputAction::Create,
            (Some(v), Some(old)) if old.value == v.to_json() => OutputAction::NoOp,
            (Some(v), Some(_)) if v.is_null() => OutputAction::Delete,
            (Some(_), Some(_)) => OutputAction::Update,
            (None, Some(_)) => OutputAction::Delete,
            (None, None) => OutputAction::NoOp,
        }
    }
}

/// What a plan does to one root output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputAction {
    /// Same value as recorded (or null and not recorded).
    NoOp,
    /// A value where state records none.
    Create,
    /// Another value than the recorded one, or one not known until apply.
    Update,
    /// The output is no longer declared, or its value is now null.
    Delete,
}

/// Which instances each block has and their current values; shared by planning and applying.
#[derive(Default)]
pub struct InstanceValues {
    blocks: Mutex<HashMap<(Vec<ModuleStep>, String), BlockInstances>>,
}

#[derive(Clone)]
struct BlockInstances {
    expanded_by: Expander,
    values: IndexMap<InstanceKey, Value>,
    /// Marks of the instances that have any.
    marks: HashMap<InstanceKey, Marks>,
}

#[derive(Clone, Copy, PartialEq)]
enum Expander {
    Single,
    Count,
    ForEach,
}

impl InstanceValues {
    /// Declares the instances of a block (their values start unknown).
    pub fn declare(&self, module: &[ModuleStep], key: &str, has_count: bool, has_for_each: bool, keys: &[InstanceKey]) {
        let expanded_by = if has_count {
            Expander::Count
        } else if has_for_each {
            Expander::ForEach
        } else {
            Expander::Single
        };
        let values = keys.iter().map(|k| (k.clone(), Value::Unknown)).collect();
        self.blocks.lock().expect("values lock").insert(
            (module.to_vec(), key.to_string()),
            BlockInstances {
                expanded_by,
                values,
                marks: HashMap::new(),
            },
        );
    }

    /// Sets the value of one instance.
    pub fn set(&self, address: &Address, value: Value) {
        self.set_marked(address, value, Marks::none());
    }

    /// Sets the value of one instance with its marks.
    pub fn set_marked(&self, address: &Address, value: Value, marks: Marks) {
        let key = (address.module.clone(), block_key(address));
        if let Some(b) = self.blocks.lock().expect("values lock").get_mut(&key) {
            b.values.insert(address.key.clone(), value);
            if marks.is_empty() {
                b.marks.remove(&address.key);
            } else {
                b.marks.insert(address.key.clone(), marks);
            }
        }
    }
}

/// The block an instance belongs to, as an address without instance key (how dependencies are
/// kept).
pub fn block_of(a: &Address) -> Address {
    Address {
        key: InstanceKey::None,
        ..a.clone()
    }
}

/// The block address of a module instance path and block key (`aws_vpc.main`,
/// `data.aws_region.r`, `ephemeral.aws_ssm_parameter.p`).
fn block_from_key(module: Vec<ModuleStep>, key: &str) -> Address {
    let (mode, rest) = match (key.strip_prefix("data."), key.strip_prefix("ephemeral.")) {
        (Some(rest), _) => (Mode::Data, rest),
        (_, Some(rest)) => (Mode::Ephemeral, rest),
        _ => (Mode::Managed, key),
    };
    let (type_name, name) = rest.split_once('.').unwrap_or((rest, ""));
    Address {
        module,
        mode,
        type_name: type_name.to_string(),
        name: name.to_string(),
        key: InstanceKey::None,
    }
}

/// The block a dependency recorded in state names. State written before dependencies were
/// block-level names instances (`aws_subnet.a[0]`): those count for their whole block.
pub fn dependency_block(recorded: &str) -> String {
    Address::parse(recorded)
        .map(|a| a.block())
        .unwrap_or_else(|| recorded.to_string())
}

/// The key of an address's block inside its module (`aws_vpc.main`, `data.aws_region.r`).
pub fn block_key(a: &Address) -> String {
    format!("{}{}.{}", a.mode.prefix(), a.type_name, a.name)
}

impl ResourceValues for InstanceValues {
    fn instance_value(&self, module: &[ModuleStep], key: &str, index: &Value) -> Option<Marked> {
        let blocks = self.blocks.lock().expect("values lock");
        let b = blocks.get(&(module.to_vec(), key.to_string()))?;
        let instance = match (b.expanded_by, index) {
            (Expander::Count, Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => InstanceKey::Index(*n as usize),
            (Expander::ForEach, Value::String(s)) => InstanceKey::Key(s.clone()),
            _ => return None,
        };
        let v = b.values.get(&instance).cloned()?;
        Some((v, b.marks.get(&instance).cloned().unwrap_or_default()))
    }

    fn block_value(&self, module: &[ModuleStep], key: &str) -> Option<Marked> {
        let blocks = self.blocks.lock().expect("values lock");
        let b = blocks.get(&(module.to_vec(), key.to_string()))?;
        let marks_of = |k: &InstanceKey| b.marks.get(k).cloned().unwrap_or_default();
        let mut marks = Marks::none();
        let value = match b.expanded_by {
            Expander::Single => {
                let first = b.values.iter().next();
                if let Some((k, _)) = first {
                    marks = marks_of(k);
                }
                first.map(|(_, v)| v.clone()).unwrap_or(Value::Null)
            }
            Expander::Count => Value::List(
                b.values
                    .iter()
                    .enumerate()
                    .map(|(i, (k, v))| {
                        marks.merge(Marks::nest(Step::Index(i), marks_of(k)));
                        v.clone()
                    })
                    .collect(),
            ),
            Expander::ForEach => Value::Object(
                b.values
                    .iter()
                    .map(|(k, v)| {
                        let name = match k {
                            InstanceKey::Key(s) => s.clone(),
                            other => other.to_string(),
                        };
                        marks.merge(Marks::nest(Step::Key(name.clone()), marks_of(k)));
                        (name, v.clone())
                    })
                    .collect(),
            ),
        };
        Some((value, marks))
    }
}

/// The reason given for reading a `check` block's data source again at apply.
pub const CHECK_RELOAD: &str = "config will be reloaded to verify a check block";

/// What one planning run has found so far.
struct Run<'r> {
    /// The refreshed state.
    prior: &'r State,
    /// How the plan is made.
    options: &'r PlanOptions,
    /// Values (and marks) of the instances planned so far, for references.
    values: &'r InstanceValues,
    /// The changes planned so far, in order.
    changes: Vec<Change>,
    /// The same changes by block, for `replace_triggered_by`.
    planned: ChangeIndex,
    /// Blocks all of whose instances are unchanged: data sources depending only on them can
    /// be read at plan time.
    unchanged_blocks: HashSet<Address>,
    /// Warnings (a check's data source that could not be read).
    warnings: Vec<Diag>,
    /// Checks (module instance, name) whose data source failed: their assertions are skipped.
    failed_checks: HashSet<(Vec<ModuleStep>, String)>,
    /// Data sources read ahead of the walk.
    prefetched: &'r prefetch::Prefetched,
    /// Blocks whose `count` or `for_each` is not known yet, left out of a targeted plan, with
    /// the error they raise if a target needs them.
    unexpanded: Vec<(Address, Diag)>,
}

/// Everything the planner reads.
pub struct Planner<'a> {
    /// The blueprint.
    pub root: &'a Module,
    /// Its graph.
    pub graph: &'a ConfigGraph,
    /// Resource implementations.
    pub registry: &'a Registry,
    /// Root variable values.
    pub inputs: &'a IndexMap<String, Value>,
}

impl Planner<'_> {
    /// Makes the plan from a refreshed state.
    pub async fn plan(&self, prior: State, options: PlanOptions) -> DResult<Plan> {
        self.plan_with(prior, options, &prefetch::Prefetched::default()).await
    }

    /// Makes the plan from a refreshed state, taking the data sources read ahead (see
    /// [`Planner::prefetch`]) instead of reading them again.
    pub async fn plan_with(
        &self,
        prior: State,
        options: PlanOptions,
        prefetched: &prefetch::Prefetched,
    ) -> DResult<Plan> {
        let secrets = self.registry.secrets().clone();
        secrets.keep_in_the_clear(prior.keeper == crate::state::Keeper::Terraform);
        let mut plan = self.plan_changes(prior, options, prefetched).await?;
        // What a plan keeps (its prior state goes into plan files, and is the base of the
        // state an apply writes) and its outputs hold this run's secrets only concealed.
        secrets.conceal_state(&mut plan.prior);
        for (v, _) in plan.outputs.values_mut() {
            *v = secrets.conceal(v);
        }
        Ok(plan)
    }

    async fn plan_changes(
        &self,
        mut prior: State,
        mut options: PlanOptions,
        prefetched: &prefetch::Prefetched,
    ) -> DResult<Plan> {
        let clock = Clock::planning(*options.plan_time.get_or_insert_with(Clock::now));
        let moved = moves::apply(self.root, &mut prior);
        if options.destroy {
            let mut plan = self.plan_destroy(prior, options);
            plan.moves = moved;
            return Ok(plan);
        }
        let imported = self.import(&mut prior).await?;
        let values = InstanceValues::default();
        let mut run = Run {
            prior: &prior,
            options: &options,
            values: &values,
            changes: Vec::new(),
            planned: ChangeIndex::default(),
            unchanged_blocks: HashSet::new(),
            warnings: Vec::new(),
            failed_checks: HashSet::new(),
            prefetched,
            unexpanded: Vec::new(),
        };
        // The block addresses each static block was planned under (one per module instance).
        let mut planned_blocks: HashMap<(Vec<String>, String), Vec<Address>> = HashMap::new();
        let mut module_instances: IndexSet<Vec<crate::address::ModuleStep>> = IndexSet::from([Vec::new()]);
        for (path, key) in self.graph.resource_order() {
            let module = self.root.descend(&path).expect("graph paths exist");
            let res = &module.resources[&key];
            let ctx = Context::new(self.root, self.inputs, &values).with_clock(clock);
            let deps: Vec<Address> = self
                .graph
                .resource_deps(&Node::Resource(path.clone(), key.clone()))
                .into_iter()
                .flat_map(|b| planned_blocks.get(&b).cloned().unwrap_or_default())
                .collect();
            let mut blocks = Vec::new();
            for module_path in ctx.module_instances(&path)? {
                module_instances.insert(module_path.clone());
                let first = run.changes.len();
                self.plan_block(&ctx, &mut run, &module_path, res, &deps).await?;
                let block = block_from_key(module_path, &key);
                if run.unexpanded.last().is_some_and(|(a, _)| *a == block) {
                    blocks.push(block.clone());
                }
                let mine = &run.changes[first..];
                if !mine.is_empty() && mine.iter().all(|c| matches!(c.action, Action::NoOp | Action::Open)) {
                    run.unchanged_blocks.insert(block.clone());
                }
                if !mine.is_empty() {
                    blocks.push(block);
                }
            }
            planned_blocks.insert((path, key), blocks);
        }
        let Run {
            mut changes,
            mut warnings,
            failed_checks,
            unexpanded,
            ..
        } = run;
        // Objects in state that the blueprint no longer has are deleted.
        let planned: HashSet<Address> = changes.iter().map(|c| c.address.clone()).collect();
        for r in prior.managed() {
            if !planned.contains(&r.address) {
                changes.push(Change {
                    before: Some(Value::from_json(&r.attributes)),
                    create_before_destroy: r.create_before_destroy,
                    reason: Some("its resource block is no longer in the blueprint".into()),
                    provider: r.provider.clone(),
                    ..Change::new(r.address.clone(), Action::Delete)
                });
            }
        }
        changes.extend(deposed_deletes(&prior));
        for c in &mut changes {
            c.moved_from = moved
                .iter()
                .find(|(_, to)| *to == c.address)
                .map(|(from, _)| from.clone());
            c.importing = imported.iter().find(|(a, _)| *a == c.address).map(|(_, id)| id.clone());
            let forgotten = c.action == Action::Delete
                && self.root.walk().iter().any(|(path, m)| {
                    m.removed
                        .iter()
                        .any(|r| !r.destroy && moves::removed_covers(path, &r.from, &c.address))
                });
            if forgotten {
                c.action = Action::Forget;
                c.reason = Some("a removed block with destroy = false: it stays in AWS".into());
            }
        }
        force_create_before_destroy(&mut changes);
        let ctx = Context::new(self.root, self.inputs, &values).with_clock(clock);
        let outputs = root_outputs(&ctx)?;
        warnings.extend(checks::evaluate(&ctx, &failed_checks)?);
        let mut plan = Plan {
            changes,
            outputs,
            prior,
            options,
            moves: moved,
            warnings,
            refreshed: false,
            module_instances: module_instances.into_iter().collect(),
        };
        apply_targets(&mut plan, unexpanded)?;
        Ok(plan)
    }

    /// Plans every instance of one resource block inside one module instance, adding the
    /// changes to `run`.
    async fn plan_block(
        &self,
        ctx: &Context<'_>,
        run: &mut Run<'_>,
        path: &[ModuleStep],
        res: &Resource,
        deps: &[Address],
    ) -> DResult<()> {
        let key = res.key();
        let config_addr = crate::blueprint::providers::resolve_resource(self.root, &static_path(path), res)?;
        let provider = (!config_addr.is_root_default()).then(|| config_addr.to_string());
        let registry = self.registry.for_provider(provider.as_deref());
        let instances = match ctx.expand(path, res)? {
            Expansion::Known(i) => i,
            Expansion::Unknown => {
                let (what, expr) = match (&res.count, &res.for_each) {
                    (Some(c), _) => ("count", c),
                    (_, Some(f)) => ("for_each", f),
                    _ => unreachable!("only count/for_each expand to unknown"),
                };
                let diag = Diag::new(format!("Invalid {what} argument"))
                    .detail(format!(
                        "The \"{what}\" value depends on resource attributes that cannot be determined until apply. Use -target to apply the resources it depends on first."
                    ))
                    .at(expr.loc());
                // As Terraform, a targeted plan expands only what the targets need: the
                // block is left out, and its error raised only if a target turns out to need it.
                if run.options.targets.is_empty() {
                    return Err(diag);
                }
                run.unexpanded.push((block_from_key(path.to_vec(), &key), diag));
                return Ok(());
            }
        };
        let keys: Vec<InstanceKey> = instances.iter().map(|(k, _)| k.clone()).collect();
        run.values
            .declare(path, &key, res.count.is_some(), res.for_each.is_some(), &keys);
        for (ikey, bindings) in instances {
            let address = Address {
                module: path.to_vec(),
                mode: res.mode,
                type_name: res.type_name.clone(),
                name: res.name.clone(),
                key: ikey,
            };
            let kind = conditions::Kind::ResourcePrecondition;
            conditions::all_hold(ctx, path, &res.lifecycle.preconditions, &bindings, kind)
                .map_err(|d| d.address(&address))?;
            let (change, seen) = match res.mode {
                Mode::Managed => self.plan_instance(ctx, run, registry, res, &address, &bindings).await?,
                Mode::Data => {
                    self.plan_read(ctx, run, registry, res, &address, &bindings, deps)
                        .await?
                }
                Mode::Ephemeral => self.plan_open(ctx, registry, res, &address, &bindings).await?,
            };
            let change = Change {
                deps: deps.to_vec(),
                provider: provider.clone(),
                ..change
            };
            // Postconditions see the planned object; what is not known yet waits for apply.
            if let (Some((after, marks)), false) = (&seen, res.lifecycle.postconditions.is_empty()) {
                let b = bindings.with_self((after.clone(), marks.clone()));
                let kind = conditions::Kind::ResourcePostcondition;
                conditions::all_hold(ctx, path, &res.lifecycle.postconditions, &b, kind)
                    .map_err(|d| d.address(&address))?;
            }
            if let Some((v, m)) = seen {
                run.values.set_marked(&change.address, v, m);
            }
            run.planned.add(run.changes.len(), &change);
            run.changes.push(change);
        }
        Ok(())
    }

    /// Plans one instance of a managed resource: its change, and the value (with marks) that
    /// references to it see.
    async fn plan_instance(
        &self,
        ctx: &Context<'_>,
        run: &Run<'_>,
        registry: &Registry,
        res: &Resource,
        address: &Address,
        bindings: &Bindings,
    ) -> DResult<(Change, Option<Marked>)> {
        let rt = registry
            .resource(&res.type_name)
            .ok_or_else(|| not_implemented(res, address))?;
        let path = &address.module;
        let (mut config, config_marks) = ctx
            .eval_body_marked(path, &res.body, rt.schema(), bindings)
            .map_err(|d| d.address(address))?;
        Context::forbid_ephemeral(&res.body, rt.schema(), &config_marks).map_err(|d| d.address(address))?;
        rt.check_config(&config)
            .map_err(|m| invalid_config(m, &res.loc, address))?;
        add_tags_all(&registry.default_tags, rt.schema(), &mut config);
        let prior_state = run.prior.get(address);
        // State holds this run's generated secrets concealed; the blueprint has them in the
        // clear. Compared in the clear, they plan no change.
        let prior_value = prior_state.map(|r| self.registry.secrets().unconceal(&Value::from_json(&r.attributes)));
        let cause = if prior_state.is_some_and(|r| r.tainted) {
            Some(ReplaceCause::Tainted)
        } else if run.options.replace.iter().any(|r| r == &address.to_string()) {
            Some(ReplaceCause::Requested)
        } else if prior_state.is_some() && self.triggered(res, address, bindings, run)? {
            Some(ReplaceCause::Triggered)
        } else {
            None
        };
        let mut change = plan_managed(rt.as_ref(), address, config, prior_value, res, cause)?;
        change.marks = object_marks(rt.schema(), &config_marks);
        // References (later instances of the block too) see generated secrets revealed:
        // state holds them sealed.
        let seen = match &change.after {
            Some(after) => Some(
                registry
                    .reveal(&res.type_name, after.clone())
                    .await
                    .map_err(|e| e.into_diag("Reading the secrets of", &address.to_string()))?,
            ),
            None => None,
        };
        let marks = change.marks.clone();
        Ok((change, seen.map(|v| (v, marks))))
    }

    /// Whether anything the instance's `replace_triggered_by` names is planned to change.
    fn triggered(&self, res: &Resource, address: &Address, bindings: &Bindings, run: &Run<'_>) -> DResult<bool> {
        for expr in &res.lifecycle.replace_triggered_by {
            let trigger = triggers::Trigger::parse(expr)?;
            if trigger
                .fires(&address.module, bindings, &run.planned, &run.changes)
                .map_err(|d| d.address(address))?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Plans one instance of a data source: read now when its configuration is known and
    /// nothing it depends on changes, otherwise read during apply. A data source of a `check`
    /// block is read again at apply whatever happens, and its failures are warnings.
    #[allow(clippy::too_many_arguments)]
    async fn plan_read(
        &self,
        ctx: &Context<'_>,
        run: &mut Run<'_>,
        registry: &Registry,
        res: &Resource,
        address: &Address,
        bindings: &Bindings,
        deps: &[Address],
    ) -> DResult<(Change, Option<Marked>)> {
        let ds = registry
            .data_source(&res.type_name)
            .ok_or_else(|| not_implemented(res, address))?;
        let path = &address.module;
        let (config, config_marks) = ctx
            .eval_body_marked(path, &res.body, ds.schema(), bindings)
            .map_err(|d| d.address(address))?;
        Context::forbid_ephemeral(&res.body, ds.schema(), &config_marks).map_err(|d| d.address(address))?;
        ds.check_config(&config)
            .map_err(|m| invalid_config(m, &res.loc, address))?;
        let marks = object_marks(ds.schema(), &config_marks);
        let known_deps_unchanged = deps.iter().all(|d| run.unchanged_blocks.contains(d));
        let planned = diff::plan_create(ds.schema(), &config);
        let deferred = Change {
            after: Some(planned.clone()),
            reason: Some("its configuration depends on values not known until apply".into()),
            marks: marks.clone(),
            ..Change::new(address.clone(), Action::Read)
        };
        if config.has_unknown() || !(known_deps_unchanged || deps.is_empty()) {
            return Ok((deferred, Some((planned, marks))));
        }
        let read = match run.prefetched.take(address, &config) {
            Some(read) => read,
            None => ds.read(&config).await,
        };
        let v = match (read, &res.check) {
            (Ok(v), _) => diff::with_defaults(ds.schema(), v),
            (Err(e), None) => return Err(e.into_diag("Reading", &address.to_string()).at(&res.loc)),
            (Err(e), Some(check)) => {
                // A check's data source that cannot be read fails the check, as a warning.
                let d = e.into_diag("Reading", &address.to_string());
                run.warnings.push(Diag {
                    warning: true,
                    ..d.at(&res.loc)
                });
                run.failed_checks.insert((path.to_vec(), check.clone()));
                return Ok((
                    Change {
                        reason: Some(CHECK_RELOAD.into()),
                        ..deferred
                    },
                    Some((planned, marks)),
                ));
            }
        };
        for secret in ds.secrets_in(&v) {
            self.registry.secrets().remember(&secret);
        }
        let (action, reason) = match res.check {
            Some(_) => (Action::Read, Some(CHECK_RELOAD.to_string())),
            None => (Action::NoOp, None),
        };
        let change = Change {
            after: Some(v.clone()),
            reason,
            marks: marks.clone(),
            ..Change::new(address.clone(), action)
        };
        Ok((change, Some((v, marks))))
    }

    /// Plans one instance of an ephemeral resource: opened now when its configuration is
    /// known, so that what uses it can be planned; the value is kept for references only and
    /// never lands in the plan.
    async fn plan_open(
        &self,
        ctx: &Context<'_>,
        registry: &Registry,
        res: &Resource,
        address: &Address,
        bindings: &Bindings,
    ) -> DResult<(Change, Option<Marked>)> {
        let et = registry
            .ephemeral(&res.type_name)
            .ok_or_else(|| not_implemented(res, address))?;
        let (config, config_marks) = ctx
            .eval_body_marked(&address.module, &res.body, et.schema(), bindings)
            .map_err(|d| d.address(address))?;
        et.check_config(&config)
            .map_err(|m| invalid_config(m, &res.loc, address))?;
        let marks = object_marks(et.schema(), &config_marks).with(Marks::whole(Mark::EPHEMERAL));
        let value = if config.has_unknown() {
            diff::plan_create(et.schema(), &config)
        } else {
            eprintln!("{address}: Opening...");
            let v = et
                .open(&config)
                .await
                .map_err(|e| e.into_diag("Opening", &address.to_string()).at(&res.loc))?;
            eprintln!("{address}: Opening complete");
            v
        };
        Ok((Change::new(address.clone(), Action::Open), Some((value, marks))))
    }

    /// The objects in state that an object's resource block refers to in the blueprint. Destroy
    /// order follows these as well as the dependencies state recorded, as Terraform's does, so
    /// objects whose state entry has none (imported ones) still go in the right order.
    fn config_deps_in_state(&self, address: &Address, in_state: &HashSet<Address>) -> Vec<Address> {
        let node = Node::Resource(static_path(&address.module), block_key(address));
        let deps: HashSet<(Vec<String>, String)> = self.graph.resource_deps(&node).into_iter().collect();
        let mut out: Vec<Address> = in_state
            .iter()
            .filter(|b| deps.contains(&(static_path(&b.module), block_key(b))))
            .cloned()
            .collect();
        out.sort();
        out
    }

    fn plan_destroy(&self, prior: State, options: PlanOptions) -> Plan {
        let in_state: HashSet<Address> = prior.managed().map(|r| block_of(&r.address)).collect();
        let mut changes: Vec<Change> = prior
            .managed()
            .map(|r| Change {
                before: Some(Value::from_json(&r.attributes)),
                deps: self.config_deps_in_state(&r.address, &in_state),
                provider: r.provider.clone(),
                ..Change::new(r.address.clone(), Action::Delete)
            })
            .collect();
        changes.extend(deposed_deletes(&prior));
        if !options.targets.is_empty() {
            // Destroying a target also destroys what depends on it.
            let mut keep: HashSet<Address> = prior
                .managed()
                .filter(|r| options.targets.iter().any(|t| r.address.is_within(t)))
                .map(|r| r.address.clone())
                .collect();
            let mut grew = true;
            while grew {
                grew = false;
                let kept_blocks: HashSet<String> = keep.iter().map(Address::block).collect();
                for r in prior.managed() {
                    if !keep.contains(&r.address)
                        && r.dependencies
                            .iter()
                            .any(|d| kept_blocks.contains(&dependency_block(d)))
                    {
                        keep.insert(r.address.clone());
                        grew = true;
                    }
                }
            }
            changes.retain(|c| keep.contains(&c.address));
        }
        Plan {
            changes,
            outputs: IndexMap::new(),
            prior,
            options,
            moves: Vec::new(),
            warnings: Vec::new(),
            refreshed: false,
            module_instances: Vec::new(),
        }
    }
}

/// Sets `tags_all` (the provider configuration's `default_tags` under the resource's own tags)
/// on types that have it.
pub fn add_tags_all(default_tags: &IndexMap<String, Value>, schema: &crate::schema::Schema, config: &mut Value) {
    if !schema.attrs.contains_key("tags_all") {
        return;
    }
    let mut all = default_tags.clone();
    if let Value::Object(tags) = config.get("tags") {
        for (k, v) in tags {
            all.insert(k.clone(), v.clone());
        }
    }
    if let Value::Object(map) = config {
        map.insert("tags_all".into(), Value::Object(all));
    }
}

/// Deletes of objects left deposed by an interrupted create_before_destroy replacement.
fn deposed_deletes(prior: &State) -> Vec<Change> {
    prior
        .managed()
        .flat_map(|r| {
            r.deposed.iter().map(|d| {
                let mut before = Value::from_json(&d.attributes);
                if let Value::Object(m) = &mut before {
                    m.insert("id".into(), Value::str(&d.id));
                }
                Change {
                    before: Some(before),
                    create_before_destroy: true,
                    reason: Some(format!("deposed object {} left by an interrupted replacement", d.id)),
                    provider: r.provider.clone(),
                    ..Change::new(r.address.clone(), Action::Delete)
                }
            })
        })
        .collect()
}

/// A configuration the resource type refuses, with the block's location and address.
fn invalid_config(message: String, loc: &crate::blueprint::source::Loc, address: &Address) -> Diag {
    Diag::new(format!("Invalid configuration for {}", address.type_name))
        .detail(message)
        .at(loc)
        .address(address)
}

/// Terraform's forced create_before_destroy: a managed object that a create_before_destroy
/// resource depends on, directly or through others, is replaced create-first too. Otherwise
/// the two halves of the replacements would need opposite orders (the dependent's new object
/// needs the dependency's new one, and the dependency's old object may go only after the
/// dependent's old one), which is a cycle; Terraform upgrades such dependencies instead, shows
/// them as `+/-` and records the flag in state.
fn force_create_before_destroy(changes: &mut [Change]) {
    let mut deps_of: HashMap<String, Vec<String>> = HashMap::new();
    for c in changes.iter() {
        deps_of
            .entry(c.address.block())
            .or_default()
            .extend(c.deps.iter().map(Address::block));
    }
    let mut forced: HashSet<String> = HashSet::new();
    let mut queue: Vec<String> = changes
        .iter()
        .filter(|c| c.create_before_destroy && c.address.mode == Mode::Managed)
        .flat_map(|c| c.deps.iter().map(Address::block))
        .collect();
    while let Some(block) = queue.pop() {
        if forced.insert(block.clone()) {
            queue.extend(deps_of.get(&block).into_iter().flatten().cloned());
        }
    }
    for c in changes.iter_mut() {
        let managed = c.address.mode == Mode::Managed && !matches!(c.action, Action::Delete | Action::Forget);
        if managed && forced.contains(&c.address.block()) {
            c.create_before_destroy = true;
        }
    }
}

/// Plans a managed instance from its configuration and prior state; `cause` forces a
/// replacement (tainted, `-replace`, `replace_triggered_by`).
fn plan_managed(
    rt: &dyn crate::provider::ResourceType,
    address: &Address,
    config: Value,
    prior: Option<Value>,
    res: &crate::blueprint::config::Resource,
    cause: Option<ReplaceCause>,
) -> DResult<Change> {
    let schema = rt.schema();
    let cbd = res.lifecycle.create_before_destroy;
    let refine = |prior: Option<&Value>, planned: &mut Value| {
        rt.refine_plan(prior, &config, planned)
            .map_err(|e| e.into_diag("Planning", &address.to_string()).at(&res.loc))
    };
    let Some(prior) = prior else {
        let mut after = diff::plan_create(schema, &config);
        refine(None, &mut after)?;
        return Ok(Change {
            after: Some(after),
            create_before_destroy: cbd,
            ..Change::new(address.clone(), Action::Create)
        });
    };
    let (mut planned, attr_changes) = diff::plan_update(schema, &config, &prior, &res.lifecycle);
    // The type's own reason to replace (a rotation time that has passed), unless the
    // lifecycle ignores every change.
    let own_reason = if res.lifecycle.ignore_all {
        None
    } else {
        refine(Some(&prior), &mut planned)?
    };
    // A type's refine_plan suppresses a difference (the provider's DiffSuppressFunc) by planning
    // the recorded value again: that is no change.
    let mut attr_changes = attr_changes;
    attr_changes.retain(|c| planned.get(&c.name) != prior.get(&c.name));
    let replace = cause.is_some() || own_reason.is_some() || attr_changes.iter().any(|c| c.forces_replacement);
    let (action, after) = if replace {
        let mut after = diff::plan_replace(schema, &config);
        refine(None, &mut after)?;
        (Action::Replace, after)
    } else if attr_changes.is_empty() {
        // As in Terraform (the provider answers the prior state when nothing changes), a
        // no-op's object is the one in state: references and outputs see what apply recorded
        // (`tags = {}` where the blueprint has none), not the configuration's spelling of it.
        (Action::NoOp, prior.clone())
    } else {
        (Action::Update, planned)
    };
    if action == Action::Replace && res.lifecycle.prevent_destroy {
        return Err(Diag::new("Instance cannot be destroyed")
            .detail(format!(
                "{address} has lifecycle.prevent_destroy set, but the plan calls for it to be replaced. Remove prevent_destroy or change the plan."
            ))
            .at(&res.loc)
            .address(address));
    }
    Ok(Change {
        before: Some(prior),
        after: Some(after),
        attr_changes,
        create_before_destroy: cbd,
        reason: if cause.is_some() { None } else { own_reason },
        replace_cause: cause,
        ..Change::new(address.clone(), action)
    })
}

/// The marks of an object: its configuration's (where it is not write-only: those are never
/// stored) and the type's sensitive attributes.
pub fn object_marks(schema: &crate::schema::Schema, config_marks: &Marks) -> Marks {
    let mut marks = Marks::none();
    for (p, m) in config_marks.entries() {
        let write_only =
            matches!(p.first(), Some(Step::Key(k)) if schema.attrs.get(k.as_str()).is_some_and(|a| a.write_only));
        if write_only {
            continue;
        }
        marks.add(p.clone(), m.without(Mark::EPHEMERAL));
        // `tags_all` holds the configured tags (see `add_tags_all`), marks and all.
        if let (Some(Step::Key(k)), true) = (p.first(), schema.attrs.contains_key("tags_all")) {
            if k == "tags" {
                let mut all = p.clone();
                all[0] = Step::Key("tags_all".into());
                marks.add(all, m.without(Mark::EPHEMERAL));
            }
        }
    }
    marks.with(sensitive_paths(schema))
}

/// Where a schema's sensitive attributes are (nested blocks' own attributes are marked on the
/// whole block, which is how plans show them).
pub fn sensitive_paths(schema: &crate::schema::Schema) -> Marks {
    let mut marks = Marks::none();
    for (name, a) in &schema.attrs {
        if a.sensitive {
            marks.add(vec![Step::Key(name.to_string())], Mark::SENSITIVE);
        }
    }
    for (name, b) in &schema.blocks {
        if b.schema.attrs.values().any(|a| a.sensitive) {
            marks.add(vec![Step::Key(name.to_string())], Mark::SENSITIVE);
        }
    }
    marks
}

/// The root module's outputs for a plan: value and sensitivity. A root output whose value is
/// sensitive must say so, as Terraform requires.
fn root_outputs(ctx: &Context<'_>) -> DResult<IndexMap<String, (Value, bool)>> {
    let mut outputs = IndexMap::new();
    for (name, out) in &ctx.root.outputs {
        let (v, m) = ctx.output_marked(&[], name, &out.loc)?;
        check_root_output(out, &m)?;
        outputs.insert(name.clone(), (v, out.sensitive));
    }
    Ok(outputs)
}

/// Refuses a root output with sensitive parts that is not declared `sensitive`.
pub fn check_root_output(out: &crate::blueprint::config::Output, marks: &Marks) -> DResult<()> {
    if !out.sensitive && marks.all().has(Mark::SENSITIVE) {
        return Err(Diag::new("Output refers to sensitive values")
            .detail("To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true")
            .at(&out.loc));
    }
    Ok(())
}

/// The type of each root output as Terraform knows it from the expression (provider schema,
/// variable types, function results), for the state and plan documents that record it.
pub fn root_output_types(root: &Module, registry: &Registry) -> IndexMap<String, crate::blueprint::typing::Ty> {
    let schemas = |mode: Mode, name: &str| registry.schema_of(kind_of(mode), name);
    let typer = crate::blueprint::typing::Typer::new(root, &schemas, crate::state::tfstate::DYNAMIC_COPIES);
    root.outputs
        .keys()
        .map(|name| (name.clone(), typer.root_output(name)))
        .collect()
}

/// Records on each object in `state` with dynamically typed attributes (`terraform_data`) the
/// type Terraform gives their values: that of the argument's expression in the blueprint.
pub fn record_dynamic_types(root: &Module, registry: &Registry, state: &mut State) {
    use crate::state::tfstate::{dynamic_attributes, DYNAMIC_COPIES};
    let schemas = |mode: Mode, name: &str| registry.schema_of(kind_of(mode), name);
    let typer = crate::blueprint::typing::Typer::new(root, &schemas, DYNAMIC_COPIES);
    for r in &mut state.resources {
        let names = dynamic_attributes(&r.type_name);
        if names.is_empty() {
            continue;
        }
        let path: Vec<String> = r.address.module.iter().map(|s| s.name.clone()).collect();
        let instance = typer.instance(&path, &block_key(&r.address));
        for name in names {
            let value = r.attributes.get(*name).cloned().unwrap_or_default();
            match instance.attribute(name) {
                crate::blueprint::typing::Ty::Dynamic => r.dynamic_types.shift_remove(*name),
                t => r.dynamic_types.insert(name.to_string(), t.json_for(&value)),
            };
        }
    }
}

fn kind_of(mode: Mode) -> crate::provider::Kind {
    match mode {
        Mode::Managed => crate::provider::Kind::Resource,
        Mode::Data => crate::provider::Kind::Data,
        Mode::Ephemeral => crate::provider::Kind::Ephemeral,
    }
}

/// A block of a type the provider has and infractl does not implement yet has instances.
fn not_implemented(res: &crate::blueprint::config::Resource, address: &Address) -> Diag {
    let kind = match res.mode {
        Mode::Managed => "resource type",
        Mode::Data => "data source",
        Mode::Ephemeral => "ephemeral resource type",
    };
    Diag::new(format!("The {kind} \"{}\" is not implemented by infractl yet", res.type_name))
        .detail("The AWS provider has it and validate accepts it, but infractl cannot create or read it yet. A block of it with count = 0 (or for_each = {}) plans nothing and is accepted.")
        .at(&res.loc)
        .address(address)
}

/// Keeps only the targeted changes and what they depend on; a block left unexpanded that a
/// target names, or that a kept change depends on, fails the plan with its own error.
fn apply_targets(plan: &mut Plan, unexpanded: Vec<(Address, Diag)>) -> DResult<()> {
    if plan.options.targets.is_empty() {
        return Ok(());
    }
    let targeted = |block: &Address| plan.options.targets.iter().any(|t| block.is_within(t));
    if let Some((block, diag)) = unexpanded.iter().find(|(b, _)| targeted(b)) {
        return Err(diag.clone().address(block));
    }
    let keep: Vec<Address> = plan
        .changes
        .iter()
        .filter(|c| plan.options.targets.iter().any(|t| c.address.is_within(t)))
        .map(|c| c.address.clone())
        .collect();
    if keep.is_empty() {
        return Err(Diag::new("No resource matches the -target addresses")
            .detail(format!("Targets given: {}.", plan.options.targets.join(", "))));
    }
    let mut queue: Vec<Address> = keep.clone();
    let mut keep: HashSet<Address> = keep.into_iter().collect();
    let mut blocks_done: HashSet<Address> = HashSet::new();
    let deps_of: HashMap<&Address, &Vec<Address>> = plan.changes.iter().map(|c| (&c.address, &c.deps)).collect();
    while let Some(a) = queue.pop() {
        for d in deps_of.get(&a).copied().into_iter().flatten() {
            if blocks_done.insert(d.clone()) {
                for c in plan.changes.iter().filter(|c| block_of(&c.address) == *d) {
                    if keep.insert(c.address.clone()) {
                        queue.push(c.address.clone());
                    }
                }
            }
        }
    }
    plan.changes.retain(|c| keep.contains(&c.address));
    for (block, diag) in unexpanded {
        if plan.changes.iter().any(|c| c.deps.contains(&block)) {
            return Err(diag.address(&block));
        }
    }
    Ok(())
}

#[cfg(test)]
mod forced_cbd_tests {
    use super::*;

    fn change(address: &str, action: Action, deps: &[&str], cbd: bool) -> Change {
        Change {
            deps: deps.iter().map(|d| Address::parse(d).unwrap()).collect(),
            create_before_destroy: cbd,
            ..Change::new(Address::parse(address).unwrap(), action)
        }
    }

    #[test]
    fn dependencies_of_a_create_before_destroy_resource_are_replaced_create_first_too() {
        let mut changes = vec![
            change("aws_vpc.v", Action::Replace, &[], false),
            change("aws_subnet.s[0]", Action::Replace, &["aws_vpc.v"], false),
            change("data.aws_ami.a", Action::Read, &["aws_subnet.s"], false),
            change("aws_instance.i", Action::Replace, &["data.aws_ami.a"], true),
            change("aws_s3_bucket.unrelated", Action::Replace, &[], false),
            change("aws_eip.orphan", Action::Delete, &[], false),
        ];
        force_create_before_destroy(&mut changes);
        let cbd: Vec<bool> = changes.iter().map(|c| c.create_before_destroy).collect();
        // Through the subnet and the data source, the VPC is forced too; what nothing with
        // create_before_destroy depends on keeps its own setting.
        assert_eq!(cbd, [true, true, false, true, false, false]);
    }
}
