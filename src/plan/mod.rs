//! The step generator: desired configuration + refreshed state → the list of changes
//! (create, update, replace, delete, read, no-op) with their planned values and dependencies.
//!
//! Resource blocks are planned in dependency order so that a reference to a resource already
//! planned sees its planned value (known parts known, the rest "(known after apply)").

pub mod diff;
mod imports;
pub mod moves;
pub mod refresh;

use crate::address::{static_path, Address, InstanceKey, ModuleStep};
use crate::blueprint::config::{Mode, Module, Resource};
use crate::blueprint::functions::Clock;
use crate::blueprint::scope::{Context, Expansion, ResourceValues};
use crate::diag::{DResult, Diag};
use crate::graph::{ConfigGraph, Node};
use crate::provider::Registry;
use crate::state::State;
use crate::value::Value;
use diff::AttrChange;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

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
                Action::NoOp | Action::Read | Action::Forget => {}
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
            .any(|c| !matches!(c.action, Action::NoOp | Action::Read) || c.importing.is_some())
            || !self.moves.is_empty()
            || self.outputs_changed()
    }

    /// True when a root output's value differs from state.
    pub fn outputs_changed(&self) -> bool {
        if self.options.destroy {
            return !self.prior.outputs.is_empty();
        }
        self.outputs.len() != self.prior.outputs.len()
            || self.outputs.iter().any(|(k, (v, _))| {
                self.prior
                    .outputs
                    .get(k)
                    .is_none_or(|o| v.has_unknown() || o.value != v.to_json())
            })
    }
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
            BlockInstances { expanded_by, values },
        );
    }

    /// Sets the value of one instance.
    pub fn set(&self, address: &Address, value: Value) {
        let key = (address.module.clone(), block_key(address));
        if let Some(b) = self.blocks.lock().expect("values lock").get_mut(&key) {
            b.values.insert(address.key.clone(), value);
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
/// `data.aws_region.r`).
fn block_from_key(module: Vec<ModuleStep>, key: &str) -> Address {
    let (mode, rest) = match key.strip_prefix("data.") {
        Some(rest) => (Mode::Data, rest),
        None => (Mode::Managed, key),
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
    match a.mode {
        Mode::Managed => format!("{}.{}", a.type_name, a.name),
        Mode::Data => format!("data.{}.{}", a.type_name, a.name),
    }
}

impl ResourceValues for InstanceValues {
    fn instance_value(&self, module: &[ModuleStep], key: &str, index: &Value) -> Option<Value> {
        let blocks = self.blocks.lock().expect("values lock");
        let b = blocks.get(&(module.to_vec(), key.to_string()))?;
        let instance = match (b.expanded_by, index) {
            (Expander::Count, Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => InstanceKey::Index(*n as usize),
            (Expander::ForEach, Value::String(s)) => InstanceKey::Key(s.clone()),
            _ => return None,
        };
        b.values.get(&instance).cloned()
    }

    fn block_value(&self, module: &[ModuleStep], key: &str) -> Option<Value> {
        let blocks = self.blocks.lock().expect("values lock");
        let b = blocks.get(&(module.to_vec(), key.to_string()))?;
        Some(match b.expanded_by {
            Expander::Single => b.values.values().next().cloned().unwrap_or(Value::Null),
            Expander::Count => Value::List(b.values.values().cloned().collect()),
            Expander::ForEach => Value::Object(
                b.values
                    .iter()
                    .map(|(k, v)| {
                        let name = match k {
                            InstanceKey::Key(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (name, v.clone())
                    })
                    .collect(),
            ),
        })
    }
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
        let secrets = self.registry.secrets().clone();
        secrets.keep_in_the_clear(prior.keeper == crate::state::Keeper::Terraform);
        let mut plan = self.plan_changes(prior, options).await?;
        // What a plan keeps (its prior state goes into plan files, and is the base of the
        // state an apply writes) and its outputs hold this run's secrets only concealed.
        secrets.conceal_state(&mut plan.prior);
        for (v, _) in plan.outputs.values_mut() {
            *v = secrets.conceal(v);
        }
        Ok(plan)
    }

    async fn plan_changes(&self, mut prior: State, mut options: PlanOptions) -> DResult<Plan> {
        let clock = Clock::planning(*options.plan_time.get_or_insert_with(Clock::now));
        let moved = moves::apply(self.root, &mut prior);
        if options.destroy {
            let mut plan = self.plan_destroy(prior, options);
            plan.moves = moved;
            return Ok(plan);
        }
        let imported = self.import(&mut prior).await?;
        let values = InstanceValues::default();
        let mut changes: Vec<Change> = Vec::new();
        // The block addresses each static block was planned under (one per module instance).
        let mut planned_blocks: HashMap<(Vec<String>, String), Vec<Address>> = HashMap::new();
        // Blocks all of whose instances are unchanged: data sources depending only on them can
        // be read at plan time.
        let mut unchanged_blocks: HashSet<Address> = HashSet::new();
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
                let mut block_unchanged = true;
                let mut any = false;
                for change in self
                    .plan_block(
                        &ctx,
                        &values,
                        &module_path,
                        res,
                        &deps,
                        &prior,
                        &options,
                        &unchanged_blocks,
                    )
                    .await?
                {
                    block_unchanged &= change.action == Action::NoOp;
                    any = true;
                    changes.push(change);
                }
                let block = block_from_key(module_path, &key);
                if block_unchanged && any {
                    unchanged_blocks.insert(block.clone());
                }
                if any {
                    blocks.push(block);
                }
            }
            planned_blocks.insert((path, key), blocks);
        }
        // Objects in state that the blueprint no longer has are deleted.
        let planned: HashSet<Address> = changes.iter().map(|c| c.address.clone()).collect();
        for r in prior.managed() {
            if !planned.contains(&r.address) {
                changes.push(Change {
                    address: r.address.clone(),
                    action: Action::Delete,
                    before: Some(Value::from_json(&r.attributes)),
                    after: None,
                    attr_changes: vec![],
                    deps: vec![],
                    create_before_destroy: r.create_before_destroy,
                    reason: Some("its resource block is no longer in the blueprint".into()),
                    provider: r.provider.clone(),
                    moved_from: None,
                    importing: None,
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
        let ctx = Context::new(self.root, self.inputs, &values).with_clock(clock);
        let mut outputs = IndexMap::new();
        for (name, out) in &self.root.outputs {
            let v = ctx.eval(&[], &out.value, &Default::default())?;
            outputs.insert(name.clone(), (v, out.sensitive));
        }
        let mut plan = Plan {
            changes,
            outputs,
            prior,
            options,
            moves: moved,
        };
        apply_targets(&mut plan)?;
        Ok(plan)
    }

    /// Plans every instance of one resource block inside one module instance.
    #[allow(clippy::too_many_arguments)]
    async fn plan_block(
        &self,
        ctx: &Context<'_>,
        values: &InstanceValues,
        path: &[ModuleStep],
        res: &Resource,
        deps: &[Address],
        prior: &State,
        options: &PlanOptions,
        unchanged_blocks: &HashSet<Address>,
    ) -> DResult<Vec<Change>> {
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
                return Err(Diag::new(format!("Invalid {what} argument"))
                    .detail(format!(
                        "The \"{what}\" value depends on resource attributes that cannot be determined until apply. Use -target to apply the resources it depends on first."
                    ))
                    .at(expr.loc()));
            }
        };
        let keys: Vec<InstanceKey> = instances.iter().map(|(k, _)| k.clone()).collect();
        values.declare(path, &key, res.count.is_some(), res.for_each.is_some(), &keys);
        let mut changes = Vec::new();
        for (ikey, bindings) in instances {
            let address = Address {
                module: path.to_vec(),
                mode: res.mode,
                type_name: res.type_name.clone(),
                name: res.name.clone(),
                key: ikey,
            };
            let change = match res.mode {
                Mode::Managed => {
                    let rt = registry
                        .resource(&res.type_name)
                        .ok_or_else(|| not_implemented(res, &address))?;
                    let mut config = ctx
                        .eval_body(path, &res.body, rt.schema(), &bindings)
                        .map_err(|d| d.address(&address))?;
                    rt.check_config(&config)
                        .map_err(|m| invalid_config(m, &res.loc, &address))?;
                    add_tags_all(&registry.default_tags, rt.schema(), &mut config);
                    // State holds this run's generated secrets concealed; the blueprint has
                    // them in the clear. Compared in the clear, they plan no change.
                    let prior_value = prior
                        .get(&address)
                        .map(|r| self.registry.secrets().unconceal(&Value::from_json(&r.attributes)));
                    let tainted = prior.get(&address).is_some_and(|r| r.tainted);
                    let mut change = plan_managed(rt.as_ref(), &address, config, prior_value, tainted, res, options)?;
                    change.deps = deps.to_vec();
                    change
                }
                Mode::Data => {
                    let ds = registry
                        .data_source(&res.type_name)
                        .ok_or_else(|| not_implemented(res, &address))?;
                    let config = ctx
                        .eval_body(path, &res.body, ds.schema(), &bindings)
                        .map_err(|d| d.address(&address))?;
                    ds.check_config(&config)
                        .map_err(|m| invalid_config(m, &res.loc, &address))?;
                    let known_deps_unchanged = deps.iter().all(|d| unchanged_blocks.contains(d));
                    if !config.has_unknown() && (known_deps_unchanged || deps.is_empty()) {
                        let v = ds
                            .read(&config)
                            .await
                            .map_err(|e| e.into_diag("Reading", &address.to_string()))?;
                        for secret in ds.secrets_in(&v) {
                            self.registry.secrets().remember(&secret);
                        }
                        Change {
                            address: address.clone(),
                            action: Action::NoOp,
                            before: None,
                            after: Some(v),
                            attr_changes: vec![],
                            deps: deps.to_vec(),
                            create_before_destroy: false,
                            reason: None,
                            provider: None,
                            moved_from: None,
                            importing: None,
                        }
                    } else {
                        Change {
                            address: address.clone(),
                            action: Action::Read,
                            before: None,
                            after: Some(diff::plan_create(ds.schema(), &config)),
                            attr_changes: vec![],
                            deps: deps.to_vec(),
                            create_before_destroy: false,
                            reason: Some("its configuration depends on values not known until apply".into()),
                            provider: None,
                            moved_from: None,
                            importing: None,
                        }
                    }
                }
            };
            let change = Change {
                provider: provider.clone(),
                moved_from: None,
                importing: None,
                ..change
            };
            // References (later instances of the block too) see generated secrets revealed:
            // state holds them sealed.
            let seen = match (&change.after, res.mode) {
                (Some(after), Mode::Managed) => registry
                    .reveal(&res.type_name, after.clone())
                    .await
                    .map_err(|e| e.into_diag("Reading the secrets of", &change.address.to_string()))?,
                (after, _) => after.clone().unwrap_or_default(),
            };
            values.set(&change.address, seen);
            changes.push(change);
        }
        Ok(changes)
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
                address: r.address.clone(),
                action: Action::Delete,
                before: Some(Value::from_json(&r.attributes)),
                after: None,
                attr_changes: vec![],
                deps: self.config_deps_in_state(&r.address, &in_state),
                create_before_destroy: false,
                reason: None,
                provider: r.provider.clone(),
                moved_from: None,
                importing: None,
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
                    address: r.address.clone(),
                    action: Action::Delete,
                    before: Some(before),
                    after: None,
                    attr_changes: vec![],
                    deps: vec![],
                    create_before_destroy: true,
                    reason: Some(format!("deposed object {} left by an interrupted replacement", d.id)),
                    provider: r.provider.clone(),
                    moved_from: None,
                    importing: None,
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

fn plan_managed(
    rt: &dyn crate::provider::ResourceType,
    address: &Address,
    config: Value,
    prior: Option<Value>,
    tainted: bool,
    res: &crate::blueprint::config::Resource,
    options: &PlanOptions,
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
            address: address.clone(),
            action: Action::Create,
            before: None,
            after: Some(after),
            attr_changes: vec![],
            deps: vec![],
            create_before_destroy: cbd,
            reason: None,
            provider: None,
            moved_from: None,
            importing: None,
        });
    };
    let (mut planned, attr_changes) = diff::plan_update(schema, &config, &prior, &res.lifecycle);
    // A tainted object (Terraform recorded a create that failed part way) is replaced, as
    // Terraform replaces it.
    let forced = tainted || options.replace.iter().any(|r| r == &address.to_string());
    // The type's own reason to replace (a rotation time that has passed), unless the
    // lifecycle ignores every change.
    let own_reason = if res.lifecycle.ignore_all {
        None
    } else {
        refine(Some(&prior), &mut planned)?
    };
    let replace = forced || own_reason.is_some() || attr_changes.iter().any(|c| c.forces_replacement);
    let (action, after) = if replace {
        let mut after = diff::plan_replace(schema, &config);
        refine(None, &mut after)?;
        (Action::Replace, after)
    } else if attr_changes.is_empty() {
        (Action::NoOp, planned)
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
        address: address.clone(),
        action,
        before: Some(prior),
        after: Some(after),
        attr_changes,
        deps: vec![],
        create_before_destroy: cbd,
        reason: if tainted {
            Some("tainted, so must be replaced".to_string())
        } else if forced {
            Some("requested with -replace".to_string())
        } else {
            own_reason
        },
        provider: None,
        moved_from: None,
        importing: None,
    })
}

fn kind_of(mode: Mode) -> crate::provider::Kind {
    match mode {
        Mode::Managed => crate::provider::Kind::Resource,
        Mode::Data => crate::provider::Kind::Data,
    }
}

/// A block of a type the provider has and infractl does not implement yet has instances.
fn not_implemented(res: &crate::blueprint::config::Resource, address: &Address) -> Diag {
    let kind = match res.mode {
        Mode::Managed => "resource type",
        Mode::Data => "data source",
    };
    Diag::new(format!("The {kind} \"{}\" is not implemented by infractl yet", res.type_name))
        .detail("The AWS provider has it and validate accepts it, but infractl cannot create or read it yet. A block of it with count = 0 (or for_each = {}) plans nothing and is accepted.")
        .at(&res.loc)
        .address(address)
}

/// Keeps only the targeted changes and what they depend on.
fn apply_targets(plan: &mut Plan) -> DResult<()> {
    if plan.options.targets.is_empty() {
        return Ok(());
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
    Ok(())
}

/// Validates a blueprint against the registry without any AWS call: every resource type
/// exists, and every resource body evaluates with resource values unknown. `inputs` are the root
/// variables: real values for the check before a plan, unknown ones for `validate` (as
/// Terraform's validate evaluates). Blocks with no instances (`count = 0`, an empty
/// `for_each`) are checked for argument names only: Terraform never evaluates their bodies, and
/// public modules guard values with the same condition as the count.
///
/// Returns warnings: configurations that are valid but risky, as the resource types judge them
/// (a policy allowing `*`), with their address and location.
pub fn validate(root: &Module, registry: &Registry, inputs: &IndexMap<String, Value>) -> DResult<Vec<Diag>> {
    validate_with(root, registry, inputs, false)
}

/// [`validate`] as the `validate` command runs it: child modules' input variables are unknown
/// too, as Terraform validates a module for any value a caller could pass (a module whose
/// variable defaults to null and is checked with `RequiredWith` passes, as it does there).
pub fn validate_as_command(root: &Module, registry: &Registry, inputs: &IndexMap<String, Value>) -> DResult<Vec<Diag>> {
    validate_with(root, registry, inputs, true)
}

fn validate_with(
    root: &Module,
    registry: &Registry,
    inputs: &IndexMap<String, Value>,
    module_inputs_unknown: bool,
) -> DResult<Vec<Diag>> {
    moves::check(root)?;
    crate::provider::check_required_providers(root)?;
    let unknown = crate::blueprint::scope::AllUnknown;
    let mut ctx = Context::new(root, inputs, &unknown);
    ctx.validating = true;
    ctx.module_inputs_unknown = module_inputs_unknown;
    let mut warnings = Vec::new();
    for (path, module) in root.walk() {
        let instances = ctx.module_instances(&path)?;
        for res in module.resources.values() {
            let schema = match res.mode {
                Mode::Managed => registry.resource(&res.type_name).map(|r| r.schema()),
                Mode::Data => registry.data_source(&res.type_name).map(|d| d.schema()),
            };
            // A type the provider has and infractl does not implement yet is checked against the
            // provider's schema; only planning instances of it is refused.
            let published = registry.unimplemented(kind_of(res.mode), &res.type_name);
            let Some(schema) = schema.or(published.as_deref()) else {
                let (kind, names) = match res.mode {
                    Mode::Managed => ("resource", registry.resource_names()),
                    Mode::Data => ("data source", registry.data_source_names()),
                };
                let provider = crate::provider::provider_of(&res.type_name);
                let why = if crate::provider::runs_provider(provider) {
                    String::new()
                } else {
                    format!(
                        "It belongs to provider \"{provider}\", which infractl does not run (it runs aws, {}). ",
                        crate::provider::builtin::PROVIDERS.join(", ")
                    )
                };
                return Err(Diag::new(format!("Unsupported {kind} type \"{}\"", res.type_name))
                    .detail(format!(
                        "{why}infractl supports these {kind} types: {}.",
                        names.join(", ")
                    ))
                    .at(&res.loc));
            };
            if instances.is_empty() {
                Context::check_names(&res.body, schema)?;
            }
            for module_path in &instances {
                let address = format!("{}{}", crate::address::module_prefix(module_path), res.key());
                let bindings = match ctx.expand(module_path, res)? {
                    Expansion::Known(i) if i.is_empty() => {
                        Context::check_names(&res.body, schema).map_err(|d| d.address(&address))?;
                        continue;
                    }
                    Expansion::Known(mut i) => i.remove(0).1,
                    Expansion::Unknown => crate::blueprint::eval::Bindings {
                        count_index: res.count.as_ref().map(|_| Value::Unknown),
                        each: res.for_each.as_ref().map(|_| (Value::Unknown, Value::Unknown)),
                        names: vec![],
                    },
                };
                let config = ctx
                    .eval_body(module_path, &res.body, schema, &bindings)
                    .map_err(|d| d.address(&address))?;
                let checked = match res.mode {
                    Mode::Managed => registry.resource(&res.type_name).map(|r| r.check_config(&config)),
                    Mode::Data => registry.data_source(&res.type_name).map(|d| d.check_config(&config)),
                };
                if let Some(Err(m)) = checked {
                    return Err(Diag::new(format!("Invalid configuration for {}", res.type_name))
                        .detail(m)
                        .at(&res.loc)
                        .address(&address));
                }
                let findings = match res.mode {
                    Mode::Managed => registry.resource(&res.type_name).map(|r| r.lint(&config)),
                    Mode::Data => registry.data_source(&res.type_name).map(|d| d.lint(&config)),
                };
                for finding in findings.unwrap_or_default() {
                    warnings.push(Diag::new(finding).at(&res.loc).address(&address));
                }
            }
        }
        for module_path in &instances {
            for out in module.outputs.values() {
                ctx.eval(module_path, &out.value, &Default::default())?;
            }
            // Every local, used or not, as Terraform validates them.
            for (name, local) in &module.locals {
                ctx.local(module_path, name, &local.loc)?;
            }
        }
    }
    Ok(warnings)
}
