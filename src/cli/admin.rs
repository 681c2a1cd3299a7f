//! Commands that change where and how state is kept: `init` (backend set-up and state
//! migration), `workspace`, `state push|rm|mv` and `force-unlock`.

use super::backends::{self, BackendSpec, InitRecord};
use super::{Env, InitArgs, LockArgs, WorkspaceCommand};
use crate::address::Address;
use crate::blueprint::modules;
use crate::diag::{DResult, Diag};
use crate::state::s3::{S3Backend, S3Config};
use crate::state::{Backend, State};
use std::path::Path;
use std::sync::Arc;

/// `init`.
pub(super) async fn init(env: &Env, args: &InitArgs) -> DResult<i32> {
    // Modules first: loading the configuration needs every module call installed. Installation
    // blocks (git, archives), so it runs off the async workers.
    let (dir, upgrade) = (env.blueprint_dir.clone(), args.upgrade);
    tokio::task::spawn_blocking(move || modules::install::install_printing(&dir, upgrade))
        .await
        .map_err(|e| Diag::new("Module installation stopped unexpectedly").detail(e.to_string()))??;
    let root = super::load_blueprint(&env.blueprint_dir)?;
    if !args.backend {
        println!("Modules installed; the backend was left as it is (-backend=false).");
        return Ok(0);
    }
    let settings = backends::block_settings(&root)?;
    let hash = backends::block_hash(&settings);
    let new_spec = match &settings {
        None => BackendSpec::Local,
        Some((kind, _, _)) if kind == "local" => BackendSpec::Local,
        Some((kind, values, loc)) if kind == "s3" => {
            let mut merged = values.clone();
            merged.extend(backends::backend_config_overrides(&args.backend_config)?);
            BackendSpec::S3(Box::new(S3Config::from_value(&merged).map_err(|d| d.at(loc))?))
        }
        Some((kind, _, loc)) => {
            return Err(Diag::new(format!("Unsupported backend \"{kind}\""))
                .detail("infractl supports the local and s3 backends.")
                .at(loc))
        }
    };
    let old_spec = backends::read_record(&env.blueprint_dir)?
        .map(|r| r.backend)
        .unwrap_or(BackendSpec::Local);
    let local_settings = backends::local_settings(&root)?;
    let keeper = backends::new_state_keeper(&env.blueprint_dir);
    let local = || {
        backends::local_backend(
            None,
            &env.start_dir,
            &env.blueprint_dir,
            local_settings.as_ref(),
            "default",
        )
    };
    let new_backend = backends::open(&new_spec, local, "default", keeper).await?;
    if old_spec != new_spec && !args.reconfigure {
        let old_backend = backends::open(&old_spec, local, "default", keeper).await?;
        let old_state = old_backend
            .read()
            .await?
            .filter(|s| !s.resources.is_empty() || s.serial > 0);
        if let Some(old_state) = old_state {
            if !args.migrate_state {
                return Err(Diag::new("Existing state must be migrated").detail(format!(
                    "{} holds a state with {} resource(s). Run infractl init -migrate-state to copy it into {}, or -reconfigure to leave it behind.",
                    old_backend.describe(),
                    old_state.resources.len(),
                    new_backend.describe()
                )));
            }
            migrate(&old_state, &new_backend, args).await?;
            copy_secret_key(&old_backend, &new_backend).await?;
            println!(
                "Copied the state ({} resource(s), serial {}) from {} to {}.",
                old_state.resources.len(),
                old_state.serial,
                old_backend.describe(),
                new_backend.describe()
            );
            if old_spec == BackendSpec::Local {
                let local = local()?.path;
                let mut moved = local.clone().into_os_string();
                moved.push(".migrated");
                let moved = std::path::PathBuf::from(moved);
                std::fs::rename(&local, &moved)
                    .map_err(|e| Diag::new("Cannot set the migrated local state aside").detail(e.to_string()))?;
                println!("The local state file was kept as {}.", moved.display());
            }
        }
    }
    match (args.to, args.migrate_state) {
        (Some(to), true) => super::handover::hand_over(env, &new_spec, local_settings.as_ref(), to, args).await?,
        (Some(_), false) => {
            return Err(Diag::new("-to needs -migrate-state")
                .detail("infractl init -migrate-state -to=terraform (or -to=infractl) hands the state over."))
        }
        (None, _) => {}
    }
    backends::write_record(
        &env.blueprint_dir,
        &InitRecord {
            backend: new_spec,
            block_hash: hash,
        },
    )?;
    println!(
        "\ninfractl has been successfully initialized! State is kept at {}.",
        new_backend.describe()
    );
    Ok(0)
}

async fn migrate(state: &State, to: &Arc<dyn Backend>, args: &InitArgs) -> DResult<()> {
    let lock = backends::lock(
        to,
        "OperationTypeMigrate",
        args.lock.lock,
        args.lock.lock_timeout.as_deref(),
    )
    .await?;
    let result = async {
        if let Some(existing) = to.read().await? {
            if !existing.resources.is_empty() && existing.lineage != state.lineage && !args.force_copy {
                return Err(
                    Diag::new("The new backend already holds a different state").detail(format!(
                        "{} has {} resource(s) of lineage {}. Use -force-copy to overwrite it.",
                        to.describe(),
                        existing.resources.len(),
                        existing.lineage
                    )),
                );
            }
        }
        to.overwrite(state).await
    }
    .await;
    backends::release(lock).await;
    result
}

/// Copies the stack's secret key along with its state: the state's generated secrets are
/// sealed with it and cannot be opened without it.
async fn copy_secret_key(from: &Arc<dyn Backend>, to: &Arc<dyn Backend>) -> DResult<()> {
    let Some(key) = from.read_secret_key().await? else {
        return Ok(());
    };
    match to.read_secret_key().await? {
        None => to.create_secret_key(&key).await?,
        Some(existing) if existing == key => {}
        Some(_) => {
            return Err(Diag::new(format!(
                "{} already holds another secret key",
                to.secret_key_location()
            ))
            .detail(format!(
                "The migrated state's generated secrets are sealed with the key at {}. Remove the other key (if nothing needs it) and run init again.",
                from.secret_key_location()
            )))
        }
    }
    println!("Copied the stack's secret key to {}.", to.secret_key_location());
    Ok(())
}

/// Opens the current workspace's backend and takes its lock for a state edit.
async fn locked(env: &Env, lock: &LockArgs) -> DResult<(Arc<dyn Backend>, backends::HeldLock)> {
    let root = super::load_blueprint(&env.blueprint_dir)?;
    let workspace = backends::current_workspace(&env.blueprint_dir);
    let backend = super::run::open_backend(env, &root, &workspace, None).await?;
    let held = backends::lock(
        &backend,
        "OperationTypeInvalid",
        lock.lock,
        lock.lock_timeout.as_deref(),
    )
    .await?;
    Ok((backend, held))
}

/// `state push`.
pub(super) async fn state_push(env: &Env, path: &Path, force: bool, lock: &LockArgs) -> DResult<i32> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Diag::new("Cannot read standard input").detail(e.to_string()))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Diag::new(format!("Cannot read {}", path.display())).detail(e.to_string()))?
    };
    let pushed = State::from_json(&text, &path.display().to_string())?;
    let (backend, held) = locked(env, lock).await?;
    let result = async {
        if let Some(current) = backend.read().await? {
            if !force {
                if current.lineage != pushed.lineage {
                    return Err(Diag::new("Refusing to push a state of another lineage").detail(format!(
                        "{} has lineage {}, the file has {}. Use -force to replace it anyway.",
                        backend.describe(),
                        current.lineage,
                        pushed.lineage
                    )));
                }
                if current.serial > pushed.serial || (current.serial == pushed.serial && current != pushed) {
                    return Err(Diag::new("Refusing to push an older state").detail(format!(
                        "{} has serial {}, the file has {}. Use -force to replace it anyway.",
                        backend.describe(),
                        current.serial,
                        pushed.serial
                    )));
                }
            }
        }
        backend.overwrite(&pushed).await
    }
    .await;
    backends::release(held).await;
    result?;
    println!("Pushed the state (serial {}) to {}.", pushed.serial, backend.describe());
    Ok(0)
}

/// `state rm`.
pub(super) async fn state_rm(env: &Env, addresses: &[String], dry_run: bool, lock: &LockArgs) -> DResult<i32> {
    if addresses.is_empty() {
        return Err(Diag::new("state rm needs at least one address"));
    }
    let (backend, held) = locked(env, lock).await?;
    let result = async {
        let mut state = crate::state::backend::read_or_new(backend.as_ref()).await?;
        let mut removed = Vec::new();
        for a in addresses {
            let matching: Vec<Address> = state
                .resources
                .iter()
                .filter(|r| r.address.is_within(a))
                .map(|r| r.address.clone())
                .collect();
            if matching.is_empty() {
                return Err(Diag::new(format!("No instance in state matches \"{a}\"")));
            }
            removed.extend(matching);
        }
        removed.sort();
        removed.dedup();
        for a in &removed {
            println!("{} {a}", if dry_run { "Would remove" } else { "Removed" });
            if !dry_run {
                state.remove(a);
            }
        }
        if !dry_run {
            state.serial += 1;
            backend.write(&state).await?;
            println!("Successfully removed {} resource instance(s).", removed.len());
        }
        Ok(0)
    }
    .await;
    backends::release(held).await;
    result
}

/// `taint ADDRESS` and `untaint ADDRESS`: marks an object in state for replacement by the next
/// apply, or takes the mark back, as Terraform's (deprecated, still present) commands do. With
/// `allow_missing`, an address state does not hold is a warning instead of an error.
pub(super) async fn taint(env: &Env, address: &str, taint: bool, allow_missing: bool, lock: &LockArgs) -> DResult<i32> {
    let verb = if taint { "tainted" } else { "untainted" };
    let addr = Address::parse(address).ok_or_else(|| {
        Diag::new(format!("Invalid resource instance address \"{address}\""))
            .detail("Write it as TYPE.NAME, TYPE.NAME[KEY] or module.NAME.TYPE.NAME.")
    })?;
    if addr.mode != crate::blueprint::config::Mode::Managed {
        return Err(Diag::new("Invalid resource instance address")
            .detail(format!("Only managed resources can be {verb}; {address} is not one.")));
    }
    let (backend, held) = locked(env, lock).await?;
    let result = async {
        let mut state = backend.read().await?.unwrap_or_default();
        let Some(r) = state.get_mut(&addr) else {
            if allow_missing {
                eprintln!("Warning: No such resource instance\n\nResource instance {addr} was not found, but this is not an error because -allow-missing was set.");
                return Ok(0);
            }
            return Err(Diag::new("No such resource instance").detail(if taint {
                format!("There is no resource instance in the state with the address {addr}. If the resource configuration has just been added, you must run \"infractl apply\" once to create the corresponding instance(s) before they can be tainted.")
            } else {
                format!("There is no resource instance in the state with the address {addr}.")
            }));
        };
        if !taint && !r.tainted {
            return Err(Diag::new("Resource instance is not tainted").detail(format!(
                "Resource instance {addr} is not currently tainted, and so it cannot be untainted."
            )));
        }
        r.tainted = taint;
        state.serial += 1;
        backend.write(&state).await?;
        if taint {
            println!("Resource instance {addr} has been marked as tainted.");
        } else {
            println!("Resource instance {addr} has been successfully untainted.");
        }
        Ok(0)
    }
    .await;
    backends::release(held).await;
    result
}

/// `state mv`.
pub(super) async fn state_mv(
    env: &Env,
    source: &str,
    destination: &str,
    dry_run: bool,
    lock: &LockArgs,
) -> DResult<i32> {
    let (backend, held) = locked(env, lock).await?;
    let result = async {
        let mut state = crate::state::backend::read_or_new(backend.as_ref()).await?;
        let moves = plan_moves(&state, source, destination)?;
        for (from, to) in &moves {
            println!("{} {from} to {to}", if dry_run { "Would move" } else { "Move" });
        }
        if !dry_run {
            let renames: Vec<(String, String)> = moves.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
            for r in &mut state.resources {
                if let Some((_, to)) = moves.iter().find(|(f, _)| *f == r.address) {
                    r.address = to.clone();
                }
                for d in &mut r.dependencies {
                    if let Some((_, to)) = renames.iter().find(|(f, _)| f == d) {
                        *d = to.clone();
                    }
                }
            }
            state.resources.sort_by(|a, b| a.address.cmp(&b.address));
            state.serial += 1;
            backend.write(&state).await?;
            println!("Successfully moved {} object(s).", moves.len());
        }
        Ok(0)
    }
    .await;
    backends::release(held).await;
    result
}

/// Which addresses `state mv SOURCE DESTINATION` renames: one instance, all instances of a
/// block, or everything inside a module.
fn plan_moves(state: &State, source: &str, destination: &str) -> DResult<Vec<(Address, Address)>> {
    let mut moves = Vec::new();
    for r in &state.resources {
        let text = r.address.to_string();
        let renamed = if text == source {
            Some(destination.to_string())
        } else if r.address.block() == source {
            Some(format!("{destination}{}", r.address.key))
        } else {
            text.strip_prefix(&format!("{source}."))
                .map(|rest| format!("{destination}.{rest}"))
        };
        if let Some(new_text) = renamed {
            let to = Address::parse(&new_text)
                .ok_or_else(|| Diag::new(format!("Invalid destination address \"{new_text}\"")))?;
            if to.type_name != r.address.type_name || to.mode != r.address.mode {
                return Err(Diag::new("Cannot move to a resource of another type").detail(format!(
                    "{} is a {}, {to} would be a {}.",
                    r.address, r.address.type_name, to.type_name
                )));
            }
            moves.push((r.address.clone(), to));
        }
    }
    if moves.is_empty() {
        return Err(Diag::new(format!("No instance in state matches \"{source}\"")));
    }
    for (_, to) in &moves {
        if state.get(to).is_some() && !moves.iter().any(|(f, _)| f == to) {
            return Err(Diag::new(format!("{to} already exists in state")).detail("Remove or move it first."));
        }
    }
    Ok(moves)
}

/// `workspace ...`.
pub(super) async fn workspace(env: &Env, cmd: WorkspaceCommand) -> DResult<i32> {
    let root = super::load_blueprint(&env.blueprint_dir)?;
    let spec = backends::resolve(&root)?;
    let folder = super::folder_name(&env.blueprint_dir);
    let current = backends::current_workspace(&env.blueprint_dir);
    let local_settings = backends::local_settings(&root)?;
    let keeper = backends::new_state_keeper(&env.blueprint_dir);
    let list = || async {
        match &spec {
            BackendSpec::Local => {
                let mut names = backends::local_workspaces(&env.start_dir, &folder);
                names.extend(super::tfdir::local_workspaces(
                    &env.blueprint_dir,
                    local_settings.as_ref(),
                ));
                names.sort();
                names.dedup();
                Ok(names)
            }
            BackendSpec::S3(c) => S3Backend::workspaces(c).await,
        }
    };
    let local_of =
        |ws: &str| backends::local_backend(None, &env.start_dir, &env.blueprint_dir, local_settings.as_ref(), ws);
    let open = |ws: String| {
        let spec = spec.clone();
        async move { backends::open(&spec, || local_of(&ws), &ws, keeper).await }
    };
    match cmd {
        WorkspaceCommand::Show => println!("{current}"),
        WorkspaceCommand::List => {
            for ws in list().await? {
                println!("{} {ws}", if ws == current { "*" } else { " " });
            }
        }
        WorkspaceCommand::New { name } => {
            backends::valid_workspace_name(&name)?;
            if list().await?.contains(&name) {
                return Err(Diag::new(format!("Workspace \"{name}\" already exists")));
            }
            let backend = open(name.clone()).await?;
            let mut state = State {
                keeper: backend.new_state_keeper(),
                ..State::new()
            };
            state.serial = 1;
            backend.write(&state).await?;
            backends::select_workspace(&env.blueprint_dir, &name)?;
            println!("Created and switched to workspace \"{name}\".");
        }
        WorkspaceCommand::Select { name, or_create } => {
            backends::valid_workspace_name(&name)?;
            if !list().await?.contains(&name) {
                if !or_create {
                    return Err(Diag::new(format!("Workspace \"{name}\" doesn't exist"))
                        .detail("Create it with infractl workspace new, or select with -or-create."));
                }
                let backend = open(name.clone()).await?;
                let mut state = State {
                    keeper: backend.new_state_keeper(),
                    ..State::new()
                };
                state.serial = 1;
                backend.write(&state).await?;
            }
            backends::select_workspace(&env.blueprint_dir, &name)?;
            println!("Switched to workspace \"{name}\".");
        }
        WorkspaceCommand::Delete { name, force, lock } => {
            if name == "default" {
                return Err(Diag::new("The default workspace cannot be deleted"));
            }
            if name == current {
                return Err(
                    Diag::new(format!("Workspace \"{name}\" is selected")).detail("Select another workspace first.")
                );
            }
            if !list().await?.contains(&name) {
                return Err(Diag::new(format!("Workspace \"{name}\" doesn't exist")));
            }
            let backend = open(name.clone()).await?;
            let held = backends::lock(
                &backend,
                "OperationTypeInvalid",
                lock.lock,
                lock.lock_timeout.as_deref(),
            )
            .await?;
            let result = async {
                let state = crate::state::backend::read_or_new(backend.as_ref()).await?;
                let managed = state.managed().count();
                if managed > 0 && !force {
                    return Err(
                        Diag::new(format!("Workspace \"{name}\" still manages {managed} resource(s)"))
                            .detail("Destroy them first, or delete with -force to forget them (they keep running)."),
                    );
                }
                match &spec {
                    BackendSpec::Local => {
                        let path = local_of(&name)?.path;
                        std::fs::remove_file(&path)
                            .map_err(|e| Diag::new(format!("Cannot delete {}", path.display())).detail(e.to_string()))?
                    }
                    BackendSpec::S3(c) => S3Backend::open(c, &name).await?.delete_state().await?,
                }
                // Its generated secrets went with its state.
                backend.delete_secret_key().await
            }
            .await;
            backends::release(held).await;
            result?;
            println!("Deleted workspace \"{name}\".");
        }
    }
    Ok(0)
}

/// `force-unlock`.
pub(super) async fn force_unlock(env: &Env, id: &str, force: bool) -> DResult<i32> {
    let root = super::load_blueprint(&env.blueprint_dir)?;
    let workspace = backends::current_workspace(&env.blueprint_dir);
    let backend = super::run::open_backend(env, &root, &workspace, None).await?;
    let holder = backend
        .lock_holder()
        .await?
        .ok_or_else(|| Diag::new(format!("State {} is not locked", backend.describe())))?;
    if holder.id != id {
        return Err(Diag::new("Lock id does not match").detail(format!(
            "{} is locked with id {} by {}, not {id}.",
            backend.describe(),
            holder.id,
            holder.who
        )));
    }
    if !force
        && !super::confirm(
            &format!(
                "Remove the lock held by {} ({}, since {})?",
                holder.who, holder.operation, holder.created
            ),
            "-force",
        )?
    {
        println!("force-unlock cancelled.");
        return Ok(1);
    }
    backend.unlock(id).await?;
    println!("infractl state has been successfully unlocked!");
    Ok(0)
}
