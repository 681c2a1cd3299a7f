//! `moved` and `removed` blocks, and the moves Terraform makes by itself when `count` is added to
//! or removed from a resource block: how state addresses follow a refactored configuration.
//!
//! Moves are applied to the refreshed state before the plan is made, so a renamed object is
//! planned at its new address (no replacement) and the plan says where it came from. The
//! checks that need only the configuration (a `from` that is still declared, a `to` that is
//! not, mismatched types, a move that loops) run before any AWS call.

use crate::address::{static_path, Address, InstanceKey, ModuleStep};
use crate::blueprint::config::{Endpoint, Mode, Module, Moved};
use crate::diag::{DResult, Diag};
use crate::state::State;

/// Checks every `moved` and `removed` block against the configuration.
pub fn check(root: &Module) -> DResult<()> {
    for (path, module) in root.walk() {
        let here = root.descend(&path).expect("walked");
        for m in &module.moved {
            if same_object(&m.from, &m.to) {
                return Err(Diag::new("Redundant move statement")
                    .detail(format!("This moves {} to itself.", m.from.text))
                    .at(&m.loc));
            }
            let from_declared = declared(here, &m.from);
            let different_blocks = block_of(&m.from) != block_of(&m.to);
            if from_declared && different_blocks {
                return Err(Diag::new("Moved object still exists")
                    .detail(format!(
                        "This statement declares a move from {}, but that object is still declared in the configuration. Change the \"from\" address, or remove the old block.",
                        m.from.text
                    ))
                    .at(&m.loc));
            }
            let chained = module.moved.iter().any(|other| same_object(&other.from, &m.to));
            if !declared(here, &m.to) && !chained {
                return Err(Diag::new("Moved block target does not exist")
                    .detail(format!(
                        "{} is not declared in this module: a moved block must point at a resource or module block of the configuration.",
                        m.to.text
                    ))
                    .at(&m.loc));
            }
            match (&m.from.resource, &m.to.resource) {
                (Some((fm, ft, ..)), Some((tm, tt, ..))) if fm != tm || ft != tt => {
                    return Err(Diag::new("Resource type mismatch")
                        .detail(format!(
                            "A move from {} to {} would change the object's type; infractl moves objects between addresses of one type only.",
                            m.from.text, m.to.text
                        ))
                        .at(&m.loc))
                }
                (Some(_), None) | (None, Some(_)) => {
                    return Err(Diag::new("Invalid moved block")
                        .detail("A module can only move to a module, and a resource to a resource.")
                        .at(&m.loc))
                }
                _ => {}
            }
        }
        for pair in module
            .moved
            .iter()
            .enumerate()
            .flat_map(|(i, a)| module.moved[i + 1..].iter().map(move |b| (a, b)))
        {
            if same_object(&pair.0.from, &pair.1.to) && same_object(&pair.0.to, &pair.1.from) {
                return Err(Diag::new("Cyclic dependency in move statements")
                    .detail(format!(
                        "{} and {} are moved into each other.",
                        pair.0.from.text, pair.0.to.text
                    ))
                    .at(&pair.1.loc));
            }
        }
        for r in &module.removed {
            if declared(here, &r.from) {
                return Err(Diag::new("Removed object still exists")
                    .detail(format!(
                        "This statement declares that {} was removed, but it is still declared in the configuration. Remove its block.",
                        r.from.text
                    ))
                    .at(&r.loc));
            }
        }
    }
    Ok(())
}

fn same_object(a: &Endpoint, b: &Endpoint) -> bool {
    a.module == b.module && a.resource == b.resource
}

/// The static block an endpoint names: call names, and the resource's (mode, type, name).
fn block_of(e: &Endpoint) -> (Vec<String>, Option<(Mode, String, String)>) {
    (
        e.module.iter().map(|(n, _)| n.clone()).collect(),
        e.resource.as_ref().map(|(m, t, n, _)| (*m, t.clone(), n.clone())),
    )
}

/// True when the module or resource block an endpoint names is declared in `module`.
fn declared(module: &Module, e: &Endpoint) -> bool {
    let names: Vec<&str> = e.module.iter().map(|(n, _)| n.as_str()).collect();
    let Some(inner) = module.descend(&names) else {
        return false;
    };
    match &e.resource {
        None => true,
        Some((mode, t, n, _)) => {
            let key = format!("{}{t}.{n}", mode.prefix());
            inner.resources.contains_key(&key)
        }
    }
}

/// A relocated address: module steps, the block (mode, type, name) and the instance key.
type Relocated = (Vec<ModuleStep>, (Mode, String, String), InstanceKey);

/// Where a move statement takes an address written relative to the statement's module, or
/// `None` when it does not apply. Both sides without instance keys move every instance of the
/// call or block; otherwise exactly the instance named (no key meaning the keyless instance).
fn relocate(
    m: &Moved,
    module: &[ModuleStep],
    mode: Mode,
    type_name: &str,
    name: &str,
    key: &InstanceKey,
) -> Option<Relocated> {
    let (from, to) = (&m.from, &m.to);
    let n = from.module.len();
    let exact = |want: &Option<InstanceKey>, got: &InstanceKey| want.clone().unwrap_or(InstanceKey::None) == *got;
    let prefix_matches = |count: usize| {
        module.len() >= count
            && from.module[..count]
                .iter()
                .zip(module)
                .all(|((fname, fkey), step)| *fname == step.name && exact(fkey, &step.key))
    };
    let to_steps = |count: usize| -> Vec<ModuleStep> {
        to.module[..count]
            .iter()
            .map(|(name, key)| ModuleStep {
                name: name.clone(),
                key: key.clone().unwrap_or(InstanceKey::None),
            })
            .collect()
    };
    match (&from.resource, &to.resource) {
        (None, None) => {
            // A module call or instance: everything inside it moves.
            if n == 0 || !prefix_matches(n - 1) || module.len() < n || module[n - 1].name != from.module[n - 1].0 {
                return None;
            }
            let (last_from, last_to) = (&from.module[n - 1].1, &to.module[to.module.len() - 1].1);
            let moved_key = if last_from.is_none() && last_to.is_none() {
                module[n - 1].key.clone()
            } else if exact(last_from, &module[n - 1].key) {
                last_to.clone().unwrap_or(InstanceKey::None)
            } else {
                return None;
            };
            let mut out = to_steps(to.module.len() - 1);
            out.push(ModuleStep {
                name: to.module[to.module.len() - 1].0.clone(),
                key: moved_key,
            });
            out.extend(module[n..].iter().cloned());
            Some((out, (mode, type_name.to_string(), name.to_string()), key.clone()))
        }
        (Some((fm, ft, fnm, fkey)), Some((tm, tt, tnm, tkey))) => {
            if module.len() != n || !prefix_matches(n) || (*fm, ft.as_str(), fnm.as_str()) != (mode, type_name, name) {
                return None;
            }
            let new_key = if fkey.is_none() && tkey.is_none() {
                key.clone()
            } else if exact(fkey, key) {
                tkey.clone().unwrap_or(InstanceKey::None)
            } else {
                return None;
            };
            Some((to_steps(to.module.len()), (*tm, tt.clone(), tnm.clone()), new_key))
        }
        _ => None,
    }
}

/// Applies every `moved` block, and the implicit moves of resource blocks that gained or lost
/// `count`, to state; returns the moves made (old address, new address). A move onto an
/// address state already holds is skipped, as Terraform skips it.
pub fn apply(root: &Module, state: &mut State) -> Vec<(Address, Address)> {
    let mut made: Vec<(Address, Address)> = Vec::new();
    let statements: Vec<(Vec<String>, &Moved)> = root
        .walk()
        .into_iter()
        .flat_map(|(path, m)| m.moved.iter().map(move |s| (path.clone(), s)))
        .collect();
    // Chains (a → b, b → c) resolve whatever order the statements are written in.
    for _ in 0..=statements.len() {
        let mut changed = false;
        for (path, statement) in &statements {
            for address in state.resources.iter().map(|r| r.address.clone()).collect::<Vec<_>>() {
                let inside = address.module.len() >= path.len()
                    && address.module.iter().zip(path).all(|(step, name)| step.name == *name);
                if !inside {
                    continue;
                }
                let (prefix, rel) = address.module.split_at(path.len());
                let Some((module, (mode, type_name, name), key)) = relocate(
                    statement,
                    rel,
                    address.mode,
                    &address.type_name,
                    &address.name,
                    &address.key,
                ) else {
                    continue;
                };
                let mut full = prefix.to_vec();
                full.extend(module);
                let to = Address {
                    module: full,
                    mode,
                    type_name,
                    name,
                    key,
                };
                if move_entry(state, &address, &to) {
                    record(&mut made, address, to);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (from, to) in implicit_moves(root, state) {
        if move_entry(state, &from, &to) {
            record(&mut made, from, to);
        }
    }
    made
}

/// Keeps one entry per object: a chain a → b → c is shown as a → c.
fn record(made: &mut Vec<(Address, Address)>, from: Address, to: Address) {
    match made.iter_mut().find(|(_, t)| *t == from) {
        Some(entry) => entry.1 = to,
        None => made.push((from, to)),
    }
}

fn move_entry(state: &mut State, from: &Address, to: &Address) -> bool {
    if from == to || state.get(to).is_some() {
        return false;
    }
    let Some(mut entry) = state.get(from).cloned() else {
        return false;
    };
    state.remove(from);
    entry.address = to.clone();
    state.upsert(entry);
    true
}

/// `aws_x.a` ↔ `aws_x.a[0]` when a block gained or lost `count`, as Terraform moves them.
fn implicit_moves(root: &Module, state: &State) -> Vec<(Address, Address)> {
    let mut out = Vec::new();
    for r in &state.resources {
        let Some(block) = root
            .descend(&static_path(&r.address.module))
            .and_then(|m| m.resources.get(&crate::plan::block_key(&r.address)))
        else {
            continue;
        };
        let target = match (&r.address.key, block.count.is_some(), block.for_each.is_some()) {
            (InstanceKey::Index(0), false, false) => InstanceKey::None,
            (InstanceKey::None, true, _) => InstanceKey::Index(0),
            _ => continue,
        };
        let to = Address {
            key: target,
            ..r.address.clone()
        };
        if state.get(&to).is_none() {
            out.push((r.address.clone(), to));
        }
    }
    out
}

/// True when an address (absolute) falls under a `removed` endpoint written in module `path`.
pub fn removed_covers(path: &[String], from: &Endpoint, address: &Address) -> bool {
    let inside = address.module.len() >= path.len() + from.module.len()
        && address.module.iter().zip(path).all(|(step, name)| step.name == *name);
    if !inside {
        return false;
    }
    let rel = &address.module[path.len()..];
    let module_matches = from
        .module
        .iter()
        .zip(rel)
        .all(|((name, key), step)| *name == step.name && key.as_ref().is_none_or(|k| *k == step.key));
    if !module_matches {
        return false;
    }
    match &from.resource {
        None => true,
        Some((mode, t, n, key)) => {
            rel.len() == from.module.len()
                && address.mode == *mode
                && address.type_name == *t
                && address.name == *n
                && key.as_ref().is_none_or(|k| *k == address.key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::load;
    use crate::state::ResourceState;

    fn entry(addr: &str) -> ResourceState {
        ResourceState::new(
            Address::parse(addr).unwrap(),
            format!("id-{addr}"),
            serde_json::json!({}),
        )
    }

    fn blueprint(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (f, t) in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        dir
    }

    fn moved_state(files: &[(&str, &str)], addresses: &[&str]) -> (Vec<String>, Vec<(String, String)>) {
        let dir = blueprint(files);
        let root = load(dir.path()).unwrap();
        check(&root).unwrap();
        let mut state = State::new();
        for a in addresses {
            state.upsert(entry(a));
        }
        let made = apply(&root, &mut state);
        let mut now: Vec<String> = state.resources.iter().map(|r| r.address.to_string()).collect();
        now.sort();
        (
            now,
            made.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        )
    }

    const CHILD: &str = "resource \"fake_thing\" \"x\" {\n  name = \"x\"\n}\n";

    #[test]
    fn renames_blocks_into_modules_and_between_instances() {
        let (now, made) = moved_state(
            &[
                (
                    "main.tf",
                    r#"
resource "fake_thing" "new" { name = "a" }
module "m" {
  source   = "./child"
  for_each = toset(["a", "b"])
}
moved {
  from = fake_thing.old
  to   = fake_thing.new
}
moved {
  from = module.single
  to   = module.m["a"]
}
moved {
  from = fake_thing.loose
  to   = module.m["b"].fake_thing.x
}
"#,
                ),
                ("child/main.tf", CHILD),
            ],
            &["fake_thing.old", "module.single.fake_thing.x", "fake_thing.loose"],
        );
        assert_eq!(
            now,
            vec![
                "fake_thing.new",
                "module.m[\"a\"].fake_thing.x",
                "module.m[\"b\"].fake_thing.x"
            ]
        );
        assert_eq!(made.len(), 3);
    }

    #[test]
    fn chains_resolve_and_count_changes_move_implicitly() {
        let (now, made) = moved_state(
            &[(
                "main.tf",
                r#"
resource "fake_thing" "c" { name = "c" }
resource "fake_thing" "counted" {
  count = 2
  name  = "n"
}
resource "fake_thing" "single" { name = "s" }
moved {
  from = fake_thing.b
  to   = fake_thing.c
}
moved {
  from = fake_thing.a
  to   = fake_thing.b
}
"#,
            )],
            &["fake_thing.a", "fake_thing.counted", "fake_thing.single[0]"],
        );
        assert_eq!(now, vec!["fake_thing.c", "fake_thing.counted[0]", "fake_thing.single"]);
        assert!(
            made.contains(&("fake_thing.a".into(), "fake_thing.c".into())),
            "{made:?}"
        );
    }

    #[test]
    fn bad_statements_are_located_errors() {
        for (text, expect) in [
            (
                "resource \"fake_thing\" \"a\" { name = \"a\" }\nresource \"fake_thing\" \"b\" { name = \"b\" }\nmoved {\n  from = fake_thing.a\n  to   = fake_thing.b\n}\n",
                "Moved object still exists",
            ),
            ("moved {\n  from = fake_thing.a\n  to   = fake_thing.nowhere\n}\n", "Moved block target does not exist"),
            (
                "resource \"fake_other\" \"b\" { name = \"b\" }\nmoved {\n  from = fake_thing.a\n  to   = fake_other.b\n}\n",
                "Resource type mismatch",
            ),
            ("resource \"fake_thing\" \"a\" { name = \"a\" }\nremoved {\n  from = fake_thing.a\n}\n", "Removed object still exists"),
        ] {
            let dir = blueprint(&[("main.tf", text)]);
            let err = load(dir.path()).and_then(|r| check(&r)).unwrap_err();
            assert!(err.summary.contains(expect), "{err}");
            assert!(err.location.unwrap().contains("main.tf:"));
        }
    }
}
