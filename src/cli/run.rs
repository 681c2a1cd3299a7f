//! `validate`, `plan`, `apply` and `destroy`: load and check the blueprint, open the backend and
//! take its lock, refresh, plan, print, confirm, apply, release the lock.

use super::backends::{self, BackendSpec};
use super::{render, savedplan, Env, RunArgs};
use crate::apply::Applier;
use crate::blueprint::config::Module;
use crate::blueprint::variables::{self, VarArg};
use crate::diag::{DResult, Diag};
use crate::graph::ConfigGraph;
use crate::plan::{self, refresh, Plan, PlanOptions, Planner};
use crate::provider::aws::{self, AwsSettings};
use crate::provider::Registry;
use crate::state::Backend;
use crate::value::Value;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::{info_span, Instrument};

/// Everything loaded and checked before any AWS call.
pub(super) struct Loaded {
    pub root: Arc<Module>,
    pub graph: ConfigGraph,
    pub inputs: Arc<IndexMap<String, Value>>,
    pub settings: AwsSettings,
    /// Stack name for tags (folder name, plus workspace).
    pub stack: String,
    /// Selected workspace.
    pub workspace: String,
}

/// Loads and checks the blueprint; `inputs` replaces variable collection (saved plans).
pub(super) fn load(env: &Env, var_args: &[VarArg], inputs: Option<IndexMap<String, Value>>) -> DResult<Loaded> {
    load_with(env, |root| match inputs {
        Some(i) => Ok(i),
        None => collect_inputs(root, var_args, &IndexMap::new()),
    })
}

/// Collects the root variables, printing warnings.
fn collect_inputs(
    root: &Module,
    var_args: &[VarArg],
    preset: &IndexMap<String, Value>,
) -> DResult<IndexMap<String, Value>> {
    let mut warnings = Vec::new();
    let collected = variables::collect_with(root, var_args, preset, &mut warnings)?;
    for w in warnings {
        eprintln!("Warning: {w}");
    }
    Ok(collected)
}

/// Loads and checks the blueprint, with variable values from `inputs`.
fn load_with(env: &Env, inputs: impl FnOnce(&Module) -> DResult<IndexMap<String, Value>>) -> DResult<Loaded> {
    let root = super::load_blueprint(&env.blueprint_dir)?;
    let graph = ConfigGraph::build(&root)?;
    let inputs = inputs(&root)?;
    let settings = aws::settings_from_blueprint(&root, &inputs)?;
    let registry = info_span!("schemas").in_scope(crate::provider::schemas_registry);
    let warnings = info_span!("validate").in_scope(|| plan::validate(&root, &registry, &inputs))?;
    for w in &warnings {
        eprintln!("{}", w.clone().as_warning());
    }
    let workspace = backends::current_workspace(&env.blueprint_dir);
    Ok(Loaded {
        stack: super::stack_name(&env.blueprint_dir, &workspace),
        workspace,
        root: Arc::new(root),
        graph,
        inputs: Arc::new(inputs),
        settings,
    })
}

/// What `validate` checks: the blueprint loads, its graph has no cycle, and every body
/// evaluates with the root variables unknown (as Terraform validates), or given with `-var`.
/// Prints and returns the warnings.
fn check_blueprint(dir: &Path, vars: &[VarArg]) -> DResult<Vec<Diag>> {
    let root = super::load_blueprint(dir)?;
    ConfigGraph::build(&root)?;
    let mut notes = Vec::new();
    let inputs = variables::validation_inputs(&root, vars, &mut notes)?;
    for n in notes {
        eprintln!("Warning: {n}");
    }
    let warnings = plan::validate_as_command(&root, &crate::provider::schemas_registry(), &inputs)?;
    for w in &warnings {
        eprintln!("{}", w.clone().as_warning());
    }
    Ok(warnings)
}

/// Opens the backend of a blueprint in its current workspace.
pub(super) async fn open_backend(
    env: &Env,
    root: &Module,
    workspace: &str,
    state: Option<&PathBuf>,
) -> DResult<Arc<dyn Backend>> {
    let spec = backends::resolve(root)?;
    if state.is_some() && spec != BackendSpec::Local {
        return Err(Diag::new("-state applies to the local backend only"));
    }
    let settings = backends::local_settings(root)?;
    let local = || backends::local_backend(state, &env.start_dir, &env.blueprint_dir, settings.as_ref(), workspace);
    backends::open(&spec, local, workspace, backends::new_state_keeper(&env.blueprint_dir)).await
}

fn var_args(vars: &[String], files: &[PathBuf]) -> Vec<VarArg> {
    // Terraform processes -var and -var-file in the order given; clap separates them, so files
    // come first and individual -var values override them.
    files
        .iter()
        .cloned()
        .map(VarArg::File)
        .chain(vars.iter().cloned().map(VarArg::Var))
        .collect()
}

/// `validate`.
pub(super) fn validate(vars: &[String], json: bool, strict: bool) -> DResult<i32> {
    let env = Env {
        start_dir: PathBuf::from("."),
        blueprint_dir: std::env::current_dir().map_err(|e| Diag::new(e.to_string()))?,
        interrupted: Default::default(),
    };
    let result = check_blueprint(&env.blueprint_dir, &var_args(vars, &[])).and_then(|warnings| {
        if strict && !warnings.is_empty() {
            return Err(Diag::new(format!(
                "{} warning(s), and -strict makes warnings errors",
                warnings.len()
            ))
            .detail(warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("\n")));
        }
        Ok(warnings)
    });
    if json {
        let (valid, errors) = match &result {
            Ok(_) => (true, vec![]),
            Err(d) => (false, d.clone().into_each().iter().map(Diag::to_string).collect()),
        };
        let warnings: Vec<String> = result
            .as_ref()
            .map(|w| w.iter().map(|d| d.to_string()).collect())
            .unwrap_or_default();
        println!(
            "{}",
            serde_json::json!({
                "valid": valid,
                "error_count": errors.len(),
                "warning_count": warnings.len(),
                "diagnostics": errors.iter().chain(&warnings).collect::<Vec<_>>(),
            })
        );
        return Ok(if valid { 0 } else { 1 });
    }
    let warnings = result?;
    if warnings.is_empty() {
        println!("Success! The configuration is valid.");
    } else {
        println!(
            "Success! The configuration is valid, with {} warning(s).",
            warnings.len()
        );
    }
    Ok(0)
}

/// `plan`.
pub(super) async fn plan(env: &Env, args: &RunArgs) -> DResult<i32> {
    let loaded = info_span!("load").in_scope(|| load(env, &var_args(&args.vars, &args.var_files), None))?;
    let backend = open_backend(env, &loaded.root, &loaded.workspace, args.state.as_ref())
        .instrument(info_span!("backend"))
        .await?;
    let lock = backends::lock(
        &backend,
        "OperationTypePlan",
        args.lock.lock,
        args.lock.lock_timeout.as_deref(),
    )
    .instrument(info_span!("lock"))
    .await?;
    let result = async {
        let registry = crate::provider::registry(&loaded.settings, Some(backend.clone()))
            .instrument(info_span!("providers"))
            .await;
        let plan = make_plan(&loaded, &registry, backend.as_ref(), args, args.destroy).await?;
        info_span!("render").in_scope(|| print_plan(&plan, &registry, args.json, &loaded));
        if let Some(out) = &args.out {
            let document = super::tfjson::plan_document(&plan, &loaded.root, &loaded.inputs, &registry);
            savedplan::save(out, &plan, &loaded.root, &loaded.inputs, document)?;
            println!(
                "\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n    infractl apply \"{}\"",
                out.display(),
                out.display()
            );
        }
        Ok(if args.detailed_exitcode && plan.has_changes() {
            2
        } else {
            0
        })
    }
    .await;
    backends::release(lock).instrument(info_span!("unlock")).await;
    result
}

/// `apply` (fresh plan, or a saved plan file).
pub(super) async fn apply(env: &Env, args: &RunArgs, plan_file: Option<&Path>) -> DResult<i32> {
    let saved = plan_file.map(savedplan::load).transpose()?;
    let loaded = match &saved {
        Some(s) => load_with(env, |root| {
            // Sensitive values are not in the plan file: they come again from where they came
            // from (-var, TF_VAR_..., tfvars files) and must match what was planned.
            let inputs = collect_inputs(root, &var_args(&args.vars, &args.var_files), &s.inputs())?;
            s.check_sensitive(&inputs)?;
            Ok(inputs)
        })?,
        None => info_span!("load").in_scope(|| load(env, &var_args(&args.vars, &args.var_files), None))?,
    };
    let backend = open_backend(env, &loaded.root, &loaded.workspace, args.state.as_ref())
        .instrument(info_span!("backend"))
        .await?;
    let lock = backends::lock(
        &backend,
        "OperationTypeApply",
        args.lock.lock,
        args.lock.lock_timeout.as_deref(),
    )
    .instrument(info_span!("lock"))
    .await?;
    let result = async {
        let registry = crate::provider::registry(&loaded.settings, Some(backend.clone()))
            .instrument(info_span!("providers"))
            .await;
        let plan = match saved {
            Some(s) => {
                let planner = Planner {
                    root: &loaded.root,
                    graph: &loaded.graph,
                    registry: &registry,
                    inputs: &loaded.inputs,
                };
                s.replay(&planner, backend.as_ref()).await?
            }
            None => make_plan(&loaded, &registry, backend.as_ref(), args, false).await?,
        };
        execute(
            env,
            &loaded,
            plan,
            backend.clone(),
            registry,
            args,
            plan_file.is_some(),
            "apply",
        )
        .await
    }
    .await;
    backends::release(lock).instrument(info_span!("unlock")).await;
    result
}

/// `destroy`.
pub(super) async fn destroy(env: &Env, args: &RunArgs) -> DResult<i32> {
    let loaded = info_span!("load").in_scope(|| load(env, &var_args(&args.vars, &args.var_files), None))?;
    let backend = open_backend(env, &loaded.root, &loaded.workspace, args.state.as_ref())
        .instrument(info_span!("backend"))
        .await?;
    let lock = backends::lock(
        &backend,
        "OperationTypeApply",
        args.lock.lock,
        args.lock.lock_timeout.as_deref(),
    )
    .instrument(info_span!("lock"))
    .await?;
    let result = async {
        let registry = crate::provider::registry(&loaded.settings, Some(backend.clone()))
            .instrument(info_span!("providers"))
            .await;
        let plan = make_plan(&loaded, &registry, backend.as_ref(), args, true).await?;
        execute(env, &loaded, plan, backend.clone(), registry, args, false, "destroy").await
    }
    .await;
    backends::release(lock).instrument(info_span!("unlock")).await;
    result
}

/// `import ADDRESS ID`: reads the object and records it in state; nothing in AWS changes.
pub(super) async fn import(
    env: &Env,
    address: &str,
    id: &str,
    vars: &[String],
    var_files: &[PathBuf],
    lock_args: &super::LockArgs,
) -> DResult<i32> {
    let loaded = load(env, &var_args(vars, var_files), None)?;
    let addr = crate::address::Address::parse(address)
        .filter(|a| a.mode == crate::blueprint::config::Mode::Managed)
        .ok_or_else(|| Diag::new(format!("Invalid resource address \"{address}\"")))?;
    let block = loaded
        .root
        .descend(&addr.module)
        .and_then(|m| m.resources.get(&crate::plan::block_key(&addr)))
        .ok_or_else(|| {
            Diag::new(format!(
                "Configuration for import target does not exist: {}",
                addr.block()
            ))
            .detail("Add a resource block for it to the blueprint first, then import.")
        })?;
    let keyed = !matches!(addr.key, crate::address::InstanceKey::None);
    if keyed != (block.count.is_some() || block.for_each.is_some()) {
        return Err(Diag::new(format!("Address {addr} does not match its block's count/for_each")).at(&block.loc));
    }
    let backend = open_backend(env, &loaded.root, &loaded.workspace, None).await?;
    let held = backends::lock(
        &backend,
        "OperationTypeImport",
        lock_args.lock,
        lock_args.lock_timeout.as_deref(),
    )
    .await?;
    let result = async {
        let config = crate::blueprint::providers::resolve_resource(
            &loaded.root,
            &crate::address::static_path(&addr.module),
            block,
        )?;
        let provider = (!config.is_root_default()).then(|| config.to_string());
        let registry = crate::provider::registry(&loaded.settings, Some(backend.clone()))
            .instrument(info_span!("providers"))
            .await;
        let rt = registry
            .for_provider(provider.as_deref())
            .resource(&addr.type_name)
            .ok_or_else(|| Diag::new(format!("Unsupported resource type {}", addr.type_name)))?;
        let mut state = crate::state::backend::read_or_new(backend.as_ref()).await?;
        if state.get(&addr).is_some() {
            return Err(Diag::new(format!("Resource already managed: {addr}"))
                .detail("The address is already in state; remove it with state rm first to import another object."));
        }
        let ctx = crate::provider::CallCtx {
            stack: loaded.stack.clone(),
            address: addr.to_string(),
            resumed: false,
            token: String::new(),
            keeper: state.keeper,
        };
        let live = rt
            .read(&ctx, id, &Value::Null)
            .await
            .map_err(|e| e.into_diag("Importing", &addr.to_string()))?
            .ok_or_else(|| {
                Diag::new(format!("Cannot import non-existent remote object {id}"))
                    .detail(format!("No {} with id {id} was found.", addr.type_name))
            })?;
        let real_id = live.get("id").to_plain_string().unwrap_or_else(|| id.to_string());
        let mut imported = crate::state::ResourceState::new(addr.clone(), real_id, live.to_json());
        imported.provider = provider;
        imported.create_before_destroy = block.lifecycle.create_before_destroy;
        imported.schema_version = rt.schema().version;
        imported.sensitive_attributes = rt.schema().sensitive_paths(&[]);
        state.upsert(imported);
        state.serial += 1;
        backend.write(&state).await?;
        println!("{addr}: Import prepared!\n\nImport successful! The resource is now managed by infractl; run plan to see how it differs from the blueprint.");
        Ok(0)
    }
    .await;
    backends::release(held).await;
    result
}

async fn make_plan(
    loaded: &Loaded,
    registry: &Registry,
    backend: &dyn Backend,
    args: &RunArgs,
    destroy: bool,
) -> DResult<Plan> {
    for t in args.targets.iter().chain(&args.replace) {
        if crate::address::Address::parse(t).is_none() && !t.starts_with("module.") {
            return Err(Diag::new(format!("Invalid target address \"{t}\""))
                .detail("Write it as TYPE.NAME, TYPE.NAME[KEY] or module.NAME."));
        }
    }
    let state = crate::state::backend::read_or_new(backend)
        .instrument(info_span!("read_state"))
        .await?;
    let planner = Planner {
        root: &loaded.root,
        graph: &loaded.graph,
        registry,
        inputs: &loaded.inputs,
    };
    let plan_time = crate::blueprint::functions::Clock::now();
    // Data sources that reach no resource are read beside the refresh, not after it.
    let prefetch = async {
        if destroy {
            Default::default()
        } else {
            planner.prefetch(plan_time).instrument(info_span!("read ahead")).await
        }
    };
    let refresh = async {
        if args.refresh && !state.resources.is_empty() {
            refresh::refresh(&state, registry, &loaded.stack, args.refresh_parallelism())
                .instrument(info_span!("refresh"))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    // Both only read, so identical reads among them share one answer (a bucket's inline
    // versioning and its versioning companion).
    let (refreshed, prefetched) =
        crate::provider::shared_reads::reading_together(async { tokio::join!(refresh, prefetch) }).await;
    let (prior, differs) = match refreshed? {
        Some(r) => {
            for v in &r.vanished {
                eprintln!("Note: {v} has been deleted outside infractl; the plan creates it again.");
            }
            let differs = r.state.resources != state.resources;
            (r.state, differs)
        }
        None => (state, false),
    };
    let mut plan = planner
        .plan_with(
            prior,
            PlanOptions {
                destroy,
                targets: args.targets.clone(),
                replace: args.replace.clone(),
                plan_time: Some(plan_time),
            },
            &prefetched,
        )
        .instrument(info_span!("plan"))
        .await?;
    plan.refreshed = differs;
    Ok(plan)
}

fn print_plan(plan: &Plan, registry: &Registry, json: bool, loaded: &Loaded) {
    let text = if json {
        serde_json::to_string_pretty(&render::plan_json(plan)).unwrap_or_default() + "\n"
    } else {
        let lookup = |t: &str| registry.resource(t).map(|r| r.schema());
        render::plan_text(plan, &lookup)
    };
    let mut secrets = sensitive_strings(loaded);
    // Generated secrets revealed for this plan are kept out of it too.
    secrets.extend(registry.secrets().known().into_iter().filter(|s| s.len() >= 4));
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    print!("{}", redact(&text, &secrets));
    print_warnings(&plan.warnings, &secrets);
}

/// Prints warnings (check assertions, provisioners allowed to fail) after a plan or an apply.
fn print_warnings(warnings: &[Diag], secrets: &[String]) {
    for w in warnings {
        eprintln!("\n{}", redact(&w.to_string(), secrets));
    }
}

/// The string forms of every `sensitive = true` root variable, to be kept out of plan output.
fn sensitive_strings(loaded: &Loaded) -> Vec<String> {
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::List(items) => items.iter().for_each(|i| collect(i, out)),
            Value::Object(m) => m.values().for_each(|i| collect(i, out)),
            other => {
                if let Some(s) = other.to_plain_string() {
                    // Very short values (true, 1) would blank out unrelated text.
                    if s.len() >= 4 {
                        out.push(s);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (name, var) in &loaded.root.variables {
        if var.sensitive || var.ephemeral {
            if let Some(v) = loaded.inputs.get(name) {
                collect(v, &mut out);
            }
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// Replaces sensitive values in text: quoted ones by `(sensitive value)`, bare ones by `***`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        let quoted = serde_json::to_string(s).unwrap_or_default();
        out = out.replace(&quoted, "(sensitive value)");
        out = out.replace(s.as_str(), "***");
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn execute(
    env: &Env,
    loaded: &Loaded,
    plan: Plan,
    backend: Arc<dyn Backend>,
    registry: Registry,
    args: &RunArgs,
    saved: bool,
    verb: &str,
) -> DResult<i32> {
    if !saved {
        info_span!("render").in_scope(|| print_plan(&plan, &registry, args.json, loaded));
    }
    let nothing_to_change = !plan.has_changes() && !plan.outputs_changed();
    if nothing_to_change && !plan.refreshed {
        println!(
            "\n{} complete! Resources: 0 added, 0 changed, 0 destroyed.",
            capitalise(verb)
        );
        return Ok(0);
    }
    // With nothing to change, what the refresh read is recorded without asking, as Terraform
    // does.
    if !nothing_to_change
        && !saved
        && !args.auto_approve
        && !super::confirm(&format!("Do you want to {verb} these changes?"), "-auto-approve")?
    {
        println!("\n{} cancelled.", capitalise(verb));
        return Ok(1);
    }
    if env.is_interrupted() {
        eprintln!(
            "{} not started: interrupted before any change was made.",
            capitalise(verb)
        );
        return Ok(1);
    }
    let applier = Arc::new(Applier {
        root: loaded.root.clone(),
        inputs: loaded.inputs.clone(),
        registry,
        stack: loaded.stack.clone(),
        backend,
    });
    let report = applier
        .apply(plan, args.step_parallelism(), env.interrupted.clone())
        .instrument(info_span!("apply"))
        .await?;
    for (label, by) in &report.skipped {
        eprintln!("Skipped {label}: it depends on {by}, which failed.");
    }
    print_warnings(&report.warnings, &sensitive_strings(loaded));
    for f in &report.failures {
        eprintln!("{f}\n");
    }
    let (a, c, d) = report.counts;
    if report.failures.is_empty() && !report.cancelled {
        println!(
            "\n{} complete! Resources: {a} added, {c} changed, {d} destroyed.",
            capitalise(verb)
        );
        if verb == "apply" && !report.state.outputs.is_empty() {
            println!("\nOutputs:\n");
            super::inspect::print_outputs(&report.state, None, false, false)?;
        }
        Ok(0)
    } else {
        eprintln!(
            "{} {}: {a} added, {c} changed, {d} destroyed; {} failed, {} skipped. State records everything that completed.",
            capitalise(verb),
            if report.cancelled { "interrupted" } else { "failed" },
            report.failures.len(),
            report.skipped.len()
        );
        Ok(1)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_values_are_redacted() {
        let text = "password = \"hunter22\"\nurl = \"db://u:hunter22@h\"";
        assert_eq!(
            redact(text, &["hunter22".to_string()]),
            "password = (sensitive value)\nurl = \"db://u:***@h\""
        );
    }
}
