//! Command line: parses Terraform-style arguments (both `-flag` and `--flag`), runs commands,
//! and maps outcomes to exit codes (0 ok, 1 error, 2 changes with `-detailed-exitcode`).

mod admin;
pub mod backends;
mod handover;
mod inspect;
pub mod render;
mod run;
mod savedplan;
mod tfdir;
pub mod tfjson;

use crate::diag::{DResult, Diag};
use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use run::redact;

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
    /// Prepare the folder: install modules, connect the backend, move state into it.
    Init(InitArgs),
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
        /// Treat warnings (such as IAM policies allowing `*`) as errors.
        #[arg(long)]
        strict: bool,
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
        /// Local state file to read.
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
        /// Local state file to read.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Accepted for compatibility.
        #[arg(long = "no-color")]
        no_color: bool,
    },
    /// Print the resource dependency graph as DOT.
    Graph,
    /// Inspect and edit the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Manage workspaces (several states of one blueprint).
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Bring an existing AWS object under management at an address of the blueprint.
    Import {
        /// The resource address (it must exist in the blueprint).
        address: String,
        /// The object's id, as the resource type reads it (vpc-…, bucket name, …).
        id: String,
        /// Variable value (NAME=VALUE), repeatable.
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Variables file, repeatable.
        #[arg(long = "var-file", value_name = "FILE")]
        var_files: Vec<PathBuf>,
        #[command(flatten)]
        lock: LockArgs,
        /// Accepted for compatibility.
        #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
        input: bool,
    },
    /// Mark an object for replacement by the next apply (deprecated in Terraform in favour of
    /// `-replace`, and kept as it is).
    Taint {
        /// The resource instance address.
        address: String,
        /// Succeed (with a warning) when state has no such instance.
        #[arg(long = "allow-missing")]
        allow_missing: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Take the taint mark off an object, so the next apply keeps it.
    Untaint {
        /// The resource instance address.
        address: String,
        /// Succeed (with a warning) when state has no such instance.
        #[arg(long = "allow-missing")]
        allow_missing: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Remove a lock left behind by a run that was killed.
    ForceUnlock {
        /// The lock's id, as the lock error shows it.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
    },
}

/// `state` subcommands.
#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List addresses in state.
    List {
        /// Only addresses within these.
        addresses: Vec<String>,
        /// Local state file to read.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Show one resource's attributes.
    Show {
        /// The address.
        address: String,
        /// Local state file to read.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Print the raw state document.
    Pull {
        /// `terraform`: the document Terraform takes as its own (no infractl extras, generated
        /// secrets opened), for a one-shot move to Terraform.
        #[arg(long = "format", value_parser = ["infractl", "terraform"], default_value = "infractl")]
        format: String,
    },
    /// Replace the state with a local file (refusing an older serial or another lineage).
    Push {
        /// The state file to upload (`-` for standard input).
        path: PathBuf,
        /// Push even if the serial is older or the lineage differs.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Forget resources without destroying them.
    Rm {
        /// Addresses to remove (instances, blocks or modules).
        addresses: Vec<String>,
        /// Show what would be removed without changing state.
        #[arg(long = "dry-run")]
        dry_run: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Move a resource (or module) to another address.
    Mv {
        /// Current address.
        source: String,
        /// New address.
        destination: String,
        /// Show what would move without changing state.
        #[arg(long = "dry-run")]
        dry_run: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
}

/// `workspace` subcommands.
#[derive(Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// List workspaces; the current one is marked with `*`.
    List,
    /// Print the current workspace.
    Show,
    /// Create a workspace and select it.
    New {
        /// Its name.
        name: String,
    },
    /// Select a workspace.
    Select {
        /// Its name.
        name: String,
        /// Create it when it does not exist.
        #[arg(long = "or-create")]
        or_create: bool,
    },
    /// Delete a workspace's state (refused while it manages resources, unless -force).
    Delete {
        /// Its name.
        name: String,
        /// Delete even if its state still has resources.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
}

/// Flags of `init`.
#[derive(Args, Debug, Clone, Default)]
pub struct InitArgs {
    /// Backend settings (KEY=VALUE, or a file of key = value lines), repeatable.
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// `-backend=false`: install modules only, leaving the backend as it is (Terraform's flag
    /// for validating or preparing a folder whose backend is not reachable yet).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub backend: bool,
    /// Copy the existing state into the newly configured backend.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// With -migrate-state: hand the state to `terraform` (Terraform's local state file, its
    /// conventions, generated secrets in the clear) or to `infractl` (infractl's own file,
    /// secrets sealed), to switch a stack from one tool to the other once.
    #[arg(long = "to", value_name = "terraform|infractl", value_parser = parse_keeper)]
    pub to: Option<crate::state::Keeper>,
    /// Use the new backend settings without moving any state.
    #[arg(long)]
    pub reconfigure: bool,
    /// Overwrite a state already in the new backend when migrating.
    #[arg(long = "force-copy")]
    pub force_copy: bool,
    /// Accepted for compatibility (infractl never prompts here).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub input: bool,
    /// Re-resolve module versions (the newest allowed by each `version`) and fetch every
    /// remote module again.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub upgrade: bool,
    /// Accepted for compatibility.
    #[arg(long = "no-color")]
    pub no_color: bool,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `-to`'s value.
fn parse_keeper(s: &str) -> Result<crate::state::Keeper, String> {
    match s {
        "terraform" => Ok(crate::state::Keeper::Terraform),
        "infractl" => Ok(crate::state::Keeper::Infractl),
        other => Err(format!("\"{other}\" is neither terraform nor infractl")),
    }
}

/// State locking flags.
#[derive(Args, Debug, Clone)]
pub struct LockArgs {
    /// Take the state lock (`-lock=false` skips it, for emergencies).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value_t = true, action = ArgAction::Set)]
    pub lock: bool,
    /// How long to wait for a lock held by another run (`30s`, `5m`); by default fail at once.
    #[arg(long = "lock-timeout")]
    pub lock_timeout: Option<String>,
}

impl Default for LockArgs {
    fn default() -> Self {
        LockArgs {
            lock: true,
            lock_timeout: None,
        }
    }
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
    /// How many operations run at once (10 unless given). Given, it also bounds refresh, which
    /// otherwise reads every object at once within each AWS service's own limit.
    #[arg(long)]
    pub parallelism: Option<usize>,
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
    /// Write a timeline of the run (phases, each resource's step, AWS calls and their
    /// attempts) to this file in the Chrome trace event format, to see where time goes.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    #[command(flatten)]
    pub lock: LockArgs,
    /// Local state file to use instead of the default.
    #[arg(long)]
    pub state: Option<PathBuf>,
}

/// Graph steps in flight when `-parallelism` is not given: Terraform's default.
pub const DEFAULT_PARALLELISM: usize = 10;

/// Reads in flight during a refresh when `-parallelism` is not given. Refresh has no order to
/// keep, so it reads every object at once; what really bounds the calls in flight is each AWS
/// service's gate at the connector (`INFRACTL_SERVICE_CONCURRENCY`). This only caps how many
/// pending reads exist at a time in a very large state.
pub const REFRESH_IN_FLIGHT: usize = 512;

impl RunArgs {
    /// How many graph steps run at once.
    pub fn step_parallelism(&self) -> usize {
        self.parallelism.unwrap_or(DEFAULT_PARALLELISM).max(1)
    }

    /// How many objects refresh reads at once: `-parallelism` when given (as Terraform's bounds
    /// its refresh too), else all of them.
    pub fn refresh_parallelism(&self) -> usize {
        self.parallelism.unwrap_or(REFRESH_IN_FLIGHT).max(1)
    }
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

/// Where a command runs: the folder infractl was started in, the blueprint folder, and the
/// flag raised by Ctrl-C.
pub struct Env {
    /// Folder infractl was started in (the local backend's `state/` is relative to it).
    pub start_dir: PathBuf,
    /// The blueprint folder (after `-chdir`).
    pub blueprint_dir: PathBuf,
    /// Set when Ctrl-C was pressed: nothing new starts, work in flight finishes, state is saved.
    pub interrupted: Arc<AtomicBool>,
}

impl Env {
    /// True once Ctrl-C was pressed.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}

/// Runs the CLI; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let start_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    crate::blueprint::scope::set_start_dir(start_dir.clone());
    if let Some(dir) = &cli.chdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Error: cannot change to folder {}: {e}", dir.display());
            return 1;
        }
    }
    let blueprint_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Ctrl-C never kills a run outright: it raises a flag that every command honours, so locks
    // are released and state is saved.
    let interrupted = Arc::new(AtomicBool::new(false));
    let watcher = {
        let flag = interrupted.clone();
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if flag.swap(true, Ordering::SeqCst) {
                    eprintln!(
                        "\nInterrupt received again; still waiting for operations in progress so that state is saved."
                    );
                } else {
                    eprintln!(
                        "\nInterrupt received. Waiting for operations in progress to finish, then saving state..."
                    );
                }
            }
        })
    };
    let env = Env {
        start_dir,
        blueprint_dir,
        interrupted,
    };
    let trace_file = match &cli.command {
        Command::Plan(a) | Command::Destroy(a) | Command::Apply { run: a, .. } => a.trace.clone(),
        _ => None,
    };
    // Held until the run is over: dropping it finishes the file.
    let _trace = match trace_file.as_deref().map(crate::trace::start).transpose() {
        Ok(t) => t,
        Err(d) => {
            eprintln!("{d}");
            return 1;
        }
    };
    let code = match dispatch(cli.command, &env).await {
        Ok(code) => code,
        Err(d) => {
            eprintln!("{d}");
            1
        }
    };
    watcher.abort();
    code
}

async fn dispatch(command: Command, env: &Env) -> DResult<i32> {
    match command {
        Command::Init(args) => admin::init(env, &args).await,
        Command::Validate { vars, json, strict, .. } => run::validate(&vars, json, strict),
        Command::Plan(args) => run::plan(env, &args).await,
        Command::Apply { run: args, plan_file } => run::apply(env, &args, plan_file.as_deref()).await,
        Command::Destroy(args) => run::destroy(env, &args).await,
        Command::Show {
            plan_file, json, state, ..
        } => inspect::show(env, plan_file.as_deref(), json, state.as_ref()).await,
        Command::Output {
            name, json, raw, state, ..
        } => inspect::output(env, name.as_deref(), json, raw, state.as_ref()).await,
        Command::Graph => inspect::graph(),
        Command::State(StateCommand::List { addresses, state }) => {
            inspect::state_list(env, &addresses, state.as_ref()).await
        }
        Command::State(StateCommand::Show { address, state }) => {
            inspect::state_show(env, &address, state.as_ref()).await
        }
        Command::State(StateCommand::Pull { format }) => inspect::state_pull(env, format == "terraform").await,
        Command::State(StateCommand::Push { path, force, lock }) => admin::state_push(env, &path, force, &lock).await,
        Command::State(StateCommand::Rm {
            addresses,
            dry_run,
            lock,
        }) => admin::state_rm(env, &addresses, dry_run, &lock).await,
        Command::State(StateCommand::Mv {
            source,
            destination,
            dry_run,
            lock,
        }) => admin::state_mv(env, &source, &destination, dry_run, &lock).await,
        Command::Workspace(cmd) => admin::workspace(env, cmd).await,
        Command::ForceUnlock { id, force } => admin::force_unlock(env, &id, force).await,
        Command::Taint {
            address,
            allow_missing,
            lock,
        } => admin::taint(env, &address, true, allow_missing, &lock).await,
        Command::Untaint {
            address,
            allow_missing,
            lock,
        } => admin::taint(env, &address, false, allow_missing, &lock).await,
        Command::Import {
            address,
            id,
            vars,
            var_files,
            lock,
            ..
        } => run::import(env, &address, &id, &vars, &var_files, &lock).await,
    }
}

/// Loads the blueprint in `dir` (and the modules it calls) with the schemas of every supported
/// type, which `*.tf.json` files need to tell nested blocks from attributes.
pub(crate) fn load_blueprint(dir: &Path) -> DResult<crate::blueprint::config::Module> {
    let schemas = tracing::info_span!("schemas").in_scope(crate::provider::aws::blueprint_schemas);
    tracing::info_span!("parse").in_scope(|| crate::blueprint::config::load_with(dir, &schemas))
}

/// The stack name written into tags: the blueprint folder's name, plus the workspace when it
/// is not `default`, so two workspaces of one blueprint never adopt each other's objects.
pub fn stack_name(dir: &Path, workspace: &str) -> String {
    let base = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().to_string()))
        .unwrap_or_else(|| "default".into());
    if workspace == "default" {
        base
    } else {
        format!("{base}-{workspace}")
    }
}

/// The blueprint folder's name, which names its local state file.
pub fn folder_name(dir: &Path) -> String {
    stack_name(dir, "default")
}

/// Asks the user to type `yes`, refusing when there is no terminal to ask on.
pub fn confirm(question: &str, flag_hint: &str) -> DResult<bool> {
    use std::io::{IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err(Diag::new(format!("{question} needs confirmation")).detail(format!(
            "Standard input is not a terminal, so infractl cannot ask. Run again with {flag_hint}."
        )));
    }
    println!("\n{question}\n  Only 'yes' will be accepted to approve.\n");
    print!("  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    Ok(answer.trim() == "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

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
