//! Command line: parses Terraform-style arguments (both `-flag` and `--flag`), runs commands,
//! prints plans and progress, and maps outcomes to exit codes (0 ok, 1 error, 2 changes with
//! `-detailed-exitcode`).

pub mod render;
mod savedplan;

use crate::apply::Applier;
use crate::blueprint::config::{self, Module};
use crate::blueprint::variables::{self, VarArg};
use crate::diag::{DResult, Diag};
use crate::graph::ConfigGraph;
use crate::plan::{self, refresh, Plan, PlanOptions, Planner};
use crate::provider::aws::{self, AwsSettings};
use crate::provider::Registry;
use crate::state::{LocalBackend, State};
use crate::value::Value;
use clap::{ArgAction, Args, Parser, Subcommand};
use indexmap::IndexMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// infractl: plan, apply and destroy AWS stacks written in Terraform syntax, without Terraform.
#[derive(Parser, Debug)]
#[command(name = "infractl", version, about)]
pub struct Cli {
    /// Switch to this folder before doing anything else (the blueprint folder).
    #[arg(long, global = true)]
    pub chdir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show what apply would change.
    Plan(RunArgs),
    /// Make the changes (from a fresh plan or a saved plan file).
    Apply {
        #[command(flatten)]
        run: RunArgs,
        /// A plan file saved with `plan -out`.
        plan_file: Option<PathBuf>,
    },
    /// Destroy everything the state holds.
    Destroy(RunArgs),
    /// Check the blueprint without calling AWS.
    Validate {
        /// Variable values (NAME=VALUE).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Accepted for compatibility.
        #[arg(long = "no-color")]
        no_color: bool,
    },
    /// Show the state (or a saved plan).
    Show {
        /// A saved plan file to show instead of the state.
        plan_file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Accepted for compatibility.
        #[arg(long = "no-color")]
        no_color: bool,
        /// State file to read.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Print root outputs from the state.
    Output {
        /// One output's name.
        name: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Print a string output without quotes.
        #[arg(long)]
        raw: bool,
        /// State file to read.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Accepted for compatibility.
        #[arg(long = "no-color")]
        no_color: bool,
    },
    /// Print the resource dependency graph as DOT.
    Graph,
    /// Inspect the state.
    #[command(subcommand)]
    State(StateCommand),
}

/// `state` subcommands.
#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List addresses in state.
    List {
        /// Only addresses within these.
        addresses: Vec<String>,
        /// State file to read.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Show one resource's attributes.
    Show {
        /// The address.
        address: String,
        /// State file to read.
        #[arg(long)]
        state: Option<PathBuf>,
    },
}

/// Flags shared by plan, apply and destroy.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Variable value (NAME=VALUE), repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Variables file, repeatable.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Limit the run to these resources (and what they depend on).
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Force replacement of these resources.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// How many operations run at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Read live resources before planning (`-refresh=false` skips it).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub refresh: bool,
    /// Ask for input (infractl never prompts for variables; accepted for compatibility).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub input: bool,
    /// Accepted for compatibility.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Skip the confirmation prompt.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// Save the plan to this file (plan only).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes (plan only).
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    /// Plan a destroy (plan only).
    #[arg(long)]
    pub destroy: bool,
    /// State locking (the local backend has no lock; accepted for compatibility).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub lock: bool,
    /// Lock wait time (accepted for compatibility).
    #[arg(long = "lock-timeout")]
    pub lock_timeout: Option<String>,
    /// State file to use instead of the default.
    #[arg(long)]
    pub state: Option<PathBuf>,
}

/// Rewrites Terraform's single-dash long flags (`-auto-approve`) to clap's (`--auto-approve`).
pub fn normalize_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_double_dash = false;
    for (i, a) in args.into_iter().enumerate() {
        if a == "--" {
            after_double_dash = true;
        }
        let single_dash_long = !after_double_dash
            && i > 0
            && a.starts_with('-')
            && !a.starts_with("--")
            && a.len() > 2
            && a.as_bytes()[1].is_ascii_alphabetic()
            && a.chars().nth(2).is_some_and(|c| c.is_ascii_alphabetic() || c == '-');
        out.push(if single_dash_long { format!("-{a}") } else { a });
    }
    out
}

/// Runs the CLI; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let start_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if let Some(dir) = &cli.chdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Error: cannot change to folder {}: {e}", dir.display());
            return 1;
        }
    }
    match dispatch(cli.command, &start_dir).await {
        Ok(code) => code,
        Err(d) => {
            eprintln!("{d}");
            1
        }
    }
}

/// Everything loaded and checked before any AWS call.
struct Loaded {
    root: Arc<Module>,
    graph: ConfigGraph,
    inputs: Arc<IndexMap<String, Value>>,
    settings: AwsSettings,
    stack: String,
}

fn stack_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().to_string()))
        .unwrap_or_else(|| "default".into())
}

/// Where the local backend keeps this blueprint's state.
fn state_path(explicit: Option<&PathBuf>, start_dir: &Path, stack: &str) -> PathBuf {
    if let Some(p) = explicit {
        return if p.is_absolute() { p.clone() } else { start_dir.join(p) };
    }
    let dir = std::env::var_os("INFRACTL_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| start_dir.join("state"));
    dir.join(format!("{stack}.tfstate.json"))
}

fn load(var_args: &[VarArg]) -> DResult<Loaded> {
    load_with(var_args, None)
}

/// Loads and checks the blueprint; `inputs` replaces variable collection (saved plans).
fn load_with(var_args: &[VarArg], inputs: Option<IndexMap<String, Value>>) -> DResult<Loaded> {
    let dir = std::env::current_dir().map_err(|e| Diag::new("Cannot read the current folder").detail(e.to_string()))?;
    let root = config::load(&dir)?;
    if let Some((kind, body)) = &root.backend {
        if kind != "local" {
            return Err(Diag::new(format!("Backend \"{kind}\" is not supported yet"))
                .detail("Only the local backend is available in this version; remove the backend block or use backend \"local\".")
                .at(&body.loc));
        }
    }
    let graph = ConfigGraph::build(&root)?;
    let inputs = match inputs {
        Some(i) => i,
        None => {
            let mut warnings = Vec::new();
            let collected = variables::collect(&root, var_args, &mut warnings)?;
            for w in warnings {
                eprintln!("Warning: {w}");
            }
            collected
        }
    };
    let settings = aws::settings_from_blueprint(&root, &inputs)?;
    plan::validate(&root, &aws::schemas_registry(), &inputs)?;
    Ok(Loaded {
        stack: stack_name(&dir),
        root: Arc::new(root),
        graph,
        inputs: Arc::new(inputs),
        settings,
    })
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

async fn dispatch(command: Command, start_dir: &Path) -> DResult<i32> {
    match command {
        Command::Validate { vars, json, .. } => {
            let result = load(&var_args(&vars, &[]));
            if json {
                let (valid, msg) = match &result {
                    Ok(_) => (true, String::new()),
                    Err(d) => (false, d.to_string()),
                };
                println!(
                    "{}",
                    serde_json::json!({"valid": valid, "error_count": u8::from(!valid), "diagnostics": if valid { vec![] } else { vec![msg] }})
                );
                return Ok(if valid { 0 } else { 1 });
            }
            result?;
            println!("Success! The configuration is valid.");
            Ok(0)
        }
        Command::Plan(args) => {
            let loaded = load(&var_args(&args.vars, &args.var_files))?;
            let backend = LocalBackend::new(state_path(args.state.as_ref(), start_dir, &loaded.stack));
            let registry = aws::registry(&loaded.settings).await;
            let plan = make_plan(&loaded, &registry, &backend, &args, args.destroy).await?;
            print_plan(&plan, &registry, args.json, &loaded);
            if let Some(out) = &args.out {
                savedplan::save(out, &plan, &loaded.root, &loaded.inputs)?;
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
        Command::Apply { run, plan_file } => {
            let (loaded, plan, backend, registry, saved) = match &plan_file {
                Some(file) => {
                    let saved = savedplan::load(file)?;
                    let loaded = load_with(&[], Some(saved.inputs()))?;
                    let backend = LocalBackend::new(state_path(run.state.as_ref(), start_dir, &loaded.stack));
                    let registry = aws::registry(&loaded.settings).await;
                    let planner = Planner {
                        root: &loaded.root,
                        graph: &loaded.graph,
                        registry: &registry,
                        inputs: &loaded.inputs,
                        default_tags: loaded.settings.default_tags.clone(),
                    };
                    let plan = saved.replay(&planner, &backend).await?;
                    (loaded, plan, backend, registry, true)
                }
                None => {
                    let loaded = load(&var_args(&run.vars, &run.var_files))?;
                    let backend = LocalBackend::new(state_path(run.state.as_ref(), start_dir, &loaded.stack));
                    let registry = aws::registry(&loaded.settings).await;
                    let plan = make_plan(&loaded, &registry, &backend, &run, false).await?;
                    (loaded, plan, backend, registry, false)
                }
            };
            execute(loaded, plan, backend, registry, &run, saved, "apply").await
        }
        Command::Destroy(args) => {
            let loaded = load(&var_args(&args.vars, &args.var_files))?;
            let backend = LocalBackend::new(state_path(args.state.as_ref(), start_dir, &loaded.stack));
            let registry = aws::registry(&loaded.settings).await;
            let plan = make_plan(&loaded, &registry, &backend, &args, true).await?;
            execute(loaded, plan, backend, registry, &args, false, "destroy").await
        }
        Command::Show {
            plan_file, json, state, ..
        } => {
            if let Some(file) = plan_file {
                let saved = savedplan::load(&file)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&saved.summary_json()).unwrap_or_default()
                );
                return Ok(0);
            }
            let st = read_state_for(state.as_ref(), start_dir)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&st).unwrap_or_default());
            } else if st.resources.is_empty() {
                println!("The state file is empty. No resources are represented.");
            } else {
                for r in &st.resources {
                    print_resource(r);
                }
                print_outputs(&st, None, false, false)?;
            }
            Ok(0)
        }
        Command::Output {
            name, json, raw, state, ..
        } => {
            let st = read_state_for(state.as_ref(), start_dir)?;
            print_outputs(&st, name.as_deref(), json, raw)?;
            Ok(0)
        }
        Command::Graph => {
            let dir = std::env::current_dir().map_err(|e| Diag::new(e.to_string()))?;
            let root = config::load(&dir)?;
            let graph = ConfigGraph::build(&root)?;
            let mut nodes = Vec::new();
            let mut edges = Vec::new();
            for (path, key) in graph.resource_order() {
                let name = crate::graph::Node::Resource(path.clone(), key.clone()).to_string();
                for (dp, dk) in graph.resource_deps(&crate::graph::Node::Resource(path.clone(), key.clone())) {
                    edges.push((name.clone(), crate::graph::Node::Resource(dp, dk).to_string()));
                }
                nodes.push(name);
            }
            print!("{}", crate::graph::to_dot(&edges, &nodes));
            Ok(0)
        }
        Command::State(StateCommand::List { addresses, state }) => {
            let st = read_state_for(state.as_ref(), start_dir)?;
            for r in &st.resources {
                if addresses.is_empty() || addresses.iter().any(|a| r.address.is_within(a)) {
                    println!("{}", r.address);
                }
            }
            Ok(0)
        }
        Command::State(StateCommand::Show { address, state }) => {
            let st = read_state_for(state.as_ref(), start_dir)?;
            let r = st
                .resources
                .iter()
                .find(|r| r.address.to_string() == address)
                .ok_or_else(|| Diag::new(format!("No instance found for the given address \"{address}\"")))?;
            print_resource(r);
            Ok(0)
        }
    }
}

fn read_state_for(explicit: Option<&PathBuf>, start_dir: &Path) -> DResult<State> {
    let dir = std::env::current_dir().map_err(|e| Diag::new(e.to_string()))?;
    let backend = LocalBackend::new(state_path(explicit, start_dir, &stack_name(&dir)));
    Ok(backend.read()?.unwrap_or_default())
}

fn print_resource(r: &crate::state::ResourceState) {
    let kind = if r.mode == crate::state::StateMode::Data {
        "data"
    } else {
        "resource"
    };
    println!("# {}:", r.address);
    println!("{kind} \"{}\" \"{}\" {{", r.type_name, r.address.name);
    if let serde_json::Value::Object(map) = &r.attributes {
        let width = map.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in map {
            if v.is_null() {
                continue;
            }
            println!("    {k:width$} = {}", Value::from_json(v).render());
        }
    }
    println!("}}\n");
}

fn print_outputs(st: &State, name: Option<&str>, json: bool, raw: bool) -> DResult<()> {
    if let Some(n) = name {
        let o = st.outputs.get(n).ok_or_else(|| {
            Diag::new(format!("Output \"{n}\" not found"))
                .detail("The output is not defined, or the stack has not been applied.")
        })?;
        if raw {
            let v = Value::from_json(&o.value);
            println!(
                "{}",
                v.to_plain_string()
                    .ok_or_else(|| Diag::new("-raw works only with string, number and bool outputs"))?
            );
        } else if json {
            println!("{}", o.value);
        } else {
            println!("{}", Value::from_json(&o.value).render());
        }
        return Ok(());
    }
    if json {
        let map: serde_json::Map<String, serde_json::Value> = st
            .outputs
            .iter()
            .map(|(k, o)| {
                (
                    k.clone(),
                    serde_json::json!({"value": o.value, "sensitive": o.sensitive}),
                )
            })
            .collect();
        println!("{}", serde_json::Value::Object(map));
        return Ok(());
    }
    for (k, o) in &st.outputs {
        let shown = if o.sensitive {
            "<sensitive>".to_string()
        } else {
            Value::from_json(&o.value).render()
        };
        println!("{k} = {shown}");
    }
    Ok(())
}

async fn make_plan(
    loaded: &Loaded,
    registry: &Registry,
    backend: &LocalBackend,
    args: &RunArgs,
    destroy: bool,
) -> DResult<Plan> {
    for t in args.targets.iter().chain(&args.replace) {
        if crate::address::Address::parse(t).is_none() && !t.starts_with("module.") {
            return Err(Diag::new(format!("Invalid target address \"{t}\""))
                .detail("Write it as TYPE.NAME, TYPE.NAME[KEY] or module.NAME."));
        }
    }
    let state = backend.read()?.unwrap_or_default();
    let prior = if args.refresh && !state.resources.is_empty() {
        let r = refresh::refresh(&state, registry, &loaded.stack, args.parallelism).await?;
        for v in &r.vanished {
            eprintln!("Note: {v} has been deleted outside infractl; the plan creates it again.");
        }
        r.state
    } else {
        state
    };
    let planner = Planner {
        root: &loaded.root,
        graph: &loaded.graph,
        registry,
        inputs: &loaded.inputs,
        default_tags: loaded.settings.default_tags.clone(),
    };
    planner
        .plan(
            prior,
            PlanOptions {
                destroy,
                targets: args.targets.clone(),
                replace: args.replace.clone(),
            },
        )
        .await
}

fn print_plan(plan: &Plan, registry: &Registry, json: bool, loaded: &Loaded) {
    let text = if json {
        serde_json::to_string_pretty(&render::plan_json(plan)).unwrap_or_default() + "\n"
    } else {
        let lookup = |t: &str| registry.resource(t).map(|r| r.schema());
        render::plan_text(plan, &lookup)
    };
    print!("{}", redact(&text, &sensitive_strings(loaded)));
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
        if var.sensitive {
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

async fn execute(
    loaded: Loaded,
    plan: Plan,
    backend: LocalBackend,
    registry: Registry,
    args: &RunArgs,
    saved: bool,
    verb: &str,
) -> DResult<i32> {
    if !saved {
        print_plan(&plan, &registry, args.json, &loaded);
    }
    if !plan.has_changes() && !plan.outputs_changed() {
        println!(
            "\n{} complete! Resources: 0 added, 0 changed, 0 destroyed.",
            capitalise(verb)
        );
        return Ok(0);
    }
    if !saved && !args.auto_approve {
        if !std::io::stdin().is_terminal() {
            return Err(Diag::new(format!("{} requires confirmation", capitalise(verb)))
                .detail("Standard input is not a terminal, so infractl cannot ask. Run again with -auto-approve."));
        }
        println!("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n");
        print!("  Enter a value: ");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if answer.trim() != "yes" {
            println!("\n{} cancelled.", capitalise(verb));
            return Ok(1);
        }
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let watcher = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\nInterrupt received. Waiting for operations in progress to finish, then saving state...");
                cancel.store(true, Ordering::SeqCst);
            }
        })
    };
    let applier = Arc::new(Applier {
        root: loaded.root.clone(),
        inputs: loaded.inputs.clone(),
        registry,
        stack: loaded.stack.clone(),
        backend,
        default_tags: loaded.settings.default_tags.clone(),
    });
    let report = applier.apply(plan, args.parallelism, cancel).await?;
    watcher.abort();
    for (label, by) in &report.skipped {
        eprintln!("Skipped {label}: it depends on {by}, which failed.");
    }
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
            print_outputs(&report.state, None, false, false)?;
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

    #[test]
    fn single_dash_flags_become_double_dash() {
        let args = normalize_args(
            [
                "infractl",
                "apply",
                "-auto-approve",
                "-var",
                "a=-b",
                "-refresh=false",
                "-x",
                "--json",
            ]
            .map(String::from),
        );
        assert_eq!(
            args,
            [
                "infractl",
                "apply",
                "--auto-approve",
                "--var",
                "a=-b",
                "--refresh=false",
                "-x",
                "--json"
            ]
        );
    }
}
