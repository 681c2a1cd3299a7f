//! Read-only commands: `show`, `output`, `graph`, `state list|show|pull`.

use super::{backends, savedplan, Env};
use crate::blueprint::typing::value_shape_type;
use crate::diag::{DResult, Diag};
use crate::graph::{ConfigGraph, Node};
use crate::state::{ResourceState, State, StateMode};
use crate::value::Value;
use std::path::{Path, PathBuf};

/// Reads the current workspace's state from whatever backend the blueprint uses.
pub(super) async fn read_state(env: &Env, explicit: Option<&PathBuf>) -> DResult<State> {
    let backend = open_state(env, explicit).await?;
    crate::state::backend::read_or_new(backend.as_ref()).await
}

/// The backend of the current workspace's state, whatever the blueprint uses.
async fn open_state(env: &Env, explicit: Option<&PathBuf>) -> DResult<std::sync::Arc<dyn crate::state::Backend>> {
    let workspace = backends::current_workspace(&env.blueprint_dir);
    let backend = match super::load_blueprint(&env.blueprint_dir) {
        Ok(root) => super::run::open_backend(env, &root, &workspace, explicit).await?,
        // Without a readable blueprint, the local state file is still inspectable.
        Err(_) => std::sync::Arc::new(backends::local_backend(
            explicit,
            &env.start_dir,
            &env.blueprint_dir,
            None,
            &workspace,
        )?),
    };
    Ok(backend)
}

/// `show`.
pub(super) async fn show(env: &Env, plan_file: Option<&Path>, json: bool, state: Option<&PathBuf>) -> DResult<i32> {
    if let Some(file) = plan_file {
        let saved = savedplan::load(file)?;
        let doc = match (json, saved.terraform_json()) {
            (true, Some(doc)) => doc.clone(),
            (true, None) => {
                return Err(
                    Diag::new(format!("Plan file {} has no JSON plan recorded", file.display()))
                        .detail("It was written by an older infractl; make the plan again with this one."),
                )
            }
            (false, _) => saved.summary_json(),
        };
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Ok(0);
    }
    let st = read_state(env, state).await?;
    if json {
        let doc = super::tfjson::state_document(&st);
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
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

/// `output`.
pub(super) async fn output(
    env: &Env,
    name: Option<&str>,
    json: bool,
    raw: bool,
    state: Option<&PathBuf>,
) -> DResult<i32> {
    let st = read_state(env, state).await?;
    print_outputs(&st, name, json, raw)?;
    Ok(0)
}

/// `graph`.
pub(super) fn graph() -> DResult<i32> {
    let dir = std::env::current_dir().map_err(|e| Diag::new(e.to_string()))?;
    let root = super::load_blueprint(&dir)?;
    let graph = ConfigGraph::build(&root)?;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (path, key) in graph.resource_order() {
        let node = Node::Resource(path, key);
        let name = node.to_string();
        for (dp, dk) in graph.resource_deps(&node) {
            edges.push((name.clone(), Node::Resource(dp, dk).to_string()));
        }
        nodes.push(name);
    }
    print!("{}", crate::graph::to_dot(&edges, &nodes));
    Ok(0)
}

/// `state list`.
pub(super) async fn state_list(env: &Env, addresses: &[String], state: Option<&PathBuf>) -> DResult<i32> {
    let st = read_state(env, state).await?;
    for r in &st.resources {
        if addresses.is_empty() || addresses.iter().any(|a| r.address.is_within(a)) {
            println!("{}", r.address);
        }
    }
    Ok(0)
}

/// `state show`.
pub(super) async fn state_show(env: &Env, address: &str, state: Option<&PathBuf>) -> DResult<i32> {
    let st = read_state(env, state).await?;
    let r = st
        .resources
        .iter()
        .find(|r| r.address.to_string() == address)
        .ok_or_else(|| Diag::new(format!("No instance found for the given address \"{address}\"")))?;
    print_resource(r);
    Ok(0)
}

/// `state pull`: the state document as stored (journal folded in).
/// With `terraform`, the document Terraform takes over: generated secrets sealed with the
/// stack's key are opened (Terraform keeps them in the clear) and infractl's extras are left
/// out. Arguments infractl keeps only as digests (passwords written in the blueprint) stay
/// digests: Terraform plans to set them again from the blueprint.
pub(super) async fn state_pull(env: &Env, terraform: bool) -> DResult<i32> {
    let backend = open_state(env, None).await?;
    let mut st = crate::state::backend::read_or_new(backend.as_ref()).await?;
    if !terraform {
        print!("{}", st.to_json());
        return Ok(0);
    }
    let secrets = crate::provider::secrets::Secrets::new(Some(backend));
    for r in &mut st.resources {
        let opened = secrets
            .open_sealed(&Value::from_json(&r.attributes))
            .await
            .map_err(|e| {
                Diag::new(format!("Cannot open the generated secrets of {}", r.address)).detail(e.to_string())
            })?;
        r.attributes = opened.to_json();
    }
    print!("{}", crate::state::tfstate::encode_for_terraform(&st));
    Ok(0)
}

fn print_resource(r: &ResourceState) {
    let kind = if r.mode == StateMode::Data { "data" } else { "resource" };
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

/// Prints root outputs as `output` does.
pub(super) fn print_outputs(st: &State, name: Option<&str>, json: bool, raw: bool) -> DResult<()> {
    if let Some(n) = name {
        let o = st.outputs.get(n).ok_or_else(|| {
            Diag::new(format!("Output \"{n}\" not found"))
                .detail("The output is not defined, or the stack has not been applied.")
        })?;
        if raw {
            let v = Value::from_json(&o.value);
            // The value alone, without a newline, as Terraform prints it (so that
            // `$(infractl output -raw x)` and `> file` hold exactly the value).
            use std::io::Write as _;
            let mut out = std::io::stdout();
            let _ = write!(
                out,
                "{}",
                v.to_plain_string()
                    .ok_or_else(|| Diag::new("-raw works only with string, number and bool outputs"))?
            );
            let _ = out.flush();
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
                    serde_json::json!({
                        "sensitive": o.sensitive,
                        "type": o.value_type.clone().unwrap_or_else(|| value_shape_type(&o.value)),
                        "value": o.value,
                    }),
                )
            })
            .collect();
        println!("{}", serde_json::Value::Object(map));
        return Ok(());
    }
    // Terraform lists outputs by name, whatever order the blueprint declares them in.
    let mut outputs: Vec<_> = st.outputs.iter().collect();
    outputs.sort_by(|a, b| a.0.cmp(b.0));
    for (k, o) in outputs {
        let shown = if o.sensitive {
            "<sensitive>".to_string()
        } else {
            Value::from_json(&o.value).render()
        };
        println!("{k} = {shown}");
    }
    Ok(())
}
