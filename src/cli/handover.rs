//! `init -migrate-state -to=terraform|infractl`: the one-shot move of a stack between the two
//! tools' conventions, for teams who would rather switch once than run both.
//!
//! Both tools read and write the same state format, so what moves is who *keeps* the state
//! ([`Keeper`]) and, with the local backend, which file holds it:
//! - **to Terraform**: the state goes to where Terraform's local backend keeps it
//!   (`terraform.tfstate`, `terraform.tfstate.d/<workspace>/terraform.tfstate`, or a `backend
//!   "local"` block's `path`) with generated secrets opened (Terraform keeps them in the clear);
//!   objects still carry infractl's ownership tags, which both tools then plan to remove once.
//! - **to infractl**: the state goes to infractl's own file (`state/<folder>.tfstate.json`), its
//!   generated secrets sealed with the stack's key and secret arguments kept as digests.
//!
//! With the S3 backend the object stays where it is (both tools share its key layout) and only
//! its keeper changes. The state moved out of the way is kept beside itself as `.migrated`.

use super::backends::{self, BackendSpec};
use super::{tfdir, Env, InitArgs};
use crate::diag::{DResult, Diag};
use crate::state::{Backend, Keeper, LocalBackend, State};
use crate::value::Value;
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Hands the current workspace's state to `to`. `spec` is the configured backend and
/// `local_settings` the blueprint's `backend "local"` block.
pub(super) async fn hand_over(
    env: &Env,
    spec: &BackendSpec,
    local_settings: Option<&IndexMap<String, Value>>,
    to: Keeper,
    args: &InitArgs,
) -> DResult<()> {
    let workspace = backends::current_workspace(&env.blueprint_dir);
    // The backend the state is read from, the one it is written to (the same one for a
    // change of keeper in place), and the files to set aside after a move.
    let (source, target, aside): (Arc<dyn Backend>, Arc<dyn Backend>, Vec<PathBuf>) = match spec {
        BackendSpec::Local => {
            let current =
                backends::local_backend(None, &env.start_dir, &env.blueprint_dir, local_settings, &workspace)?;
            let stack = super::folder_name(&env.blueprint_dir);
            let target = match to {
                Keeper::Terraform => {
                    LocalBackend::new(tfdir::local_state_path(&env.blueprint_dir, local_settings, &workspace))
                        .keeping_new(Keeper::Terraform)
                        .terraform_layout()
                }
                Keeper::Infractl => LocalBackend::new(backends::local_path(None, &env.start_dir, &stack, &workspace)),
            };
            if current.path == target.path {
                let same: Arc<dyn Backend> = Arc::new(current);
                (same.clone(), same, Vec::new())
            } else {
                let aside = vec![current.path.clone(), current.journal_path()];
                (Arc::new(current), Arc::new(target), aside)
            }
        }
        BackendSpec::S3(_) => {
            let same = backends::open(spec, unreachable_local, &workspace, Keeper::Infractl).await?;
            (same.clone(), same, Vec::new())
        }
    };
    let lock = backends::lock(
        &source,
        "OperationTypeMigrate",
        args.lock.lock,
        args.lock.lock_timeout.as_deref(),
    )
    .await?;
    let result = move_state(&source, &target, aside, to, args.force_copy).await;
    backends::release(lock).await;
    result
}

/// The S3 arm of [`backends::open`] never asks for the local backend.
fn unreachable_local() -> DResult<LocalBackend> {
    Err(Diag::new("The S3 backend has no local state file"))
}

async fn move_state(
    source: &Arc<dyn Backend>,
    target: &Arc<dyn Backend>,
    aside: Vec<PathBuf>,
    to: Keeper,
    force: bool,
) -> DResult<()> {
    let Some(state) = source.read().await? else {
        return Err(Diag::new("There is no state to hand over")
            .detail(format!("{} holds no state for this workspace.", source.describe())));
    };
    let in_place = aside.is_empty();
    if in_place && state.keeper == to {
        println!("The state at {} is already kept by {}.", source.describe(), name(to));
        return Ok(());
    }
    if !in_place {
        if let Some(existing) = target.read().await? {
            if !existing.resources.is_empty() && !force {
                return Err(
                    Diag::new(format!("{} already holds a state", target.describe())).detail(format!(
                        "It has {} resource(s). Move it aside, or use -force-copy to overwrite it.",
                        existing.resources.len()
                    )),
                );
            }
        }
    }
    let converted = match to {
        Keeper::Terraform => for_terraform(state, source.clone()).await?,
        Keeper::Infractl => for_infractl(state, target.clone()).await?,
    };
    target.overwrite(&converted).await?;
    println!(
        "Handed the state ({} resource(s), serial {}) to {}: it is kept at {}.",
        converted.resources.len(),
        converted.serial,
        name(to),
        target.describe()
    );
    for moved in set_aside(&aside)? {
        println!("The earlier state file was kept as {}.", moved.display());
    }
    if to == Keeper::Terraform {
        println!(
            "Objects infractl created still carry its infractl:stack and infractl:address tags: the next plan (Terraform's or infractl's) removes them."
        );
    }
    Ok(())
}

fn name(k: Keeper) -> &'static str {
    match k {
        Keeper::Terraform => "Terraform",
        Keeper::Infractl => "infractl",
    }
}

/// The state as Terraform keeps it: generated secrets opened with the stack's key.
async fn for_terraform(mut state: State, source: Arc<dyn Backend>) -> DResult<State> {
    let secrets = crate::provider::secrets::Secrets::new(Some(source));
    for r in &mut state.resources {
        let opened = |e: crate::provider::ProviderError| {
            Diag::new(format!("Cannot open the generated secrets of {}", r.address)).detail(e.to_string())
        };
        r.attributes = secrets
            .open_sealed(&Value::from_json(&r.attributes))
            .await
            .map_err(opened)?
            .to_json();
        for d in &mut r.deposed {
            d.attributes = secrets
                .open_sealed(&Value::from_json(&d.attributes))
                .await
                .map_err(opened)?
                .to_json();
        }
    }
    // Opening remembered each secret: where infractl concealed one (a file's content built
    // from it, an output), Terraform's state holds it in the clear too.
    secrets.unconceal_state(&mut state);
    state.keeper = Keeper::Terraform;
    Ok(state)
}

/// The state as infractl keeps it: generated secrets sealed with a key kept beside `target`
/// (and concealed wherever else they appear), secret arguments as digests.
async fn for_infractl(mut state: State, target: Arc<dyn Backend>) -> DResult<State> {
    let registry = crate::provider::offline_registry(Some(target));
    for r in &mut state.resources {
        let Some(rt) = registry.for_provider(r.provider.as_deref()).resource(&r.type_name) else {
            continue;
        };
        let sealing = |e: crate::provider::ProviderError| {
            Diag::new(format!("Cannot seal the generated secrets of {}", r.address)).detail(e.to_string())
        };
        let value = Value::from_json(&r.attributes);
        let value = rt.seal(&value).await.map_err(sealing)?.unwrap_or(value);
        r.attributes = rt.schema().canonical_secrets(&value).to_json();
        for d in &mut r.deposed {
            let value = Value::from_json(&d.attributes);
            let value = rt.seal(&value).await.map_err(sealing)?.unwrap_or(value);
            d.attributes = rt.schema().canonical_secrets(&value).to_json();
        }
    }
    // Sealing remembered each generated secret: wherever else it turns up (a secret string
    // built from it, an output), state keeps its digest.
    registry.secrets().conceal_state(&mut state);
    state.keeper = Keeper::Infractl;
    Ok(state)
}

/// Moves local state files (the state and its journal) out of the way, each as
/// `<file>.migrated`; returns where they went.
fn set_aside(files: &[PathBuf]) -> DResult<Vec<PathBuf>> {
    let mut moved = Vec::new();
    for file in files.iter().filter(|f| f.exists()) {
        let mut to = file.clone().into_os_string();
        to.push(".migrated");
        let to = PathBuf::from(to);
        std::fs::rename(file, &to)
            .map_err(|e| Diag::new(format!("Cannot set {} aside", file.display())).detail(e.to_string()))?;
        moved.push(to);
    }
    Ok(moved)
}
