//! Renders plans the way Terraform users read them: `+`, `~`, `-/+`, `-`, "(known after apply)",
//! "# forces replacement", and the summary line; plus the JSON form for machines.

use crate::blueprint::marks::{replace_marked, Mark, Marks, Step};
use crate::plan::{Action, Change, OutputAction, Plan, ReplaceCause};
use crate::schema::Schema;
use crate::value::Value;
use std::fmt::Write;

mod update;

/// What a sensitive part of a value is rendered as before the text is finished: a string no
/// value holds, turned into Terraform's "(sensitive value)" once the value is laid out.
const HIDDEN: &str = "\u{1}(sensitive value)\u{1}";

/// `v` with its sensitive parts (by `marks`) replaced by [`HIDDEN`].
fn masked(v: &Value, marks: &Marks) -> Value {
    replace_marked(v, marks, Mark::SENSITIVE, &Value::str(HIDDEN))
}

/// Rendered text with the hidden parts spelled as Terraform spells them.
fn unmask(text: String) -> String {
    let quoted = serde_json::to_string(HIDDEN).unwrap_or_default();
    text.replace(&quoted, "(sensitive value)")
        .replace(HIDDEN, "(sensitive value)")
}

/// Looks up a type's schema (for sensitivity), when known.
pub type SchemaLookup<'a> = &'a dyn Fn(&str) -> Option<&'a Schema>;

/// Human-readable plan text.
pub fn plan_text(plan: &Plan, schemas: SchemaLookup) -> String {
    let mut out = String::new();
    let visible: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Open)
        .filter(|c| !matches!(c.action, Action::NoOp) || c.moved_from.is_some() || c.importing.is_some())
        .collect();
    if visible.is_empty() && !plan.outputs_changed() {
        out.push_str("\nNo changes. Your infrastructure matches the configuration.\n");
        return out;
    }
    if !visible.is_empty() {
        out.push_str("\ninfractl will perform the following actions:\n");
    }
    for c in visible {
        let (symbol, what) = match c.action {
            Action::NoOp if c.importing.is_some() => ("   ", "will be imported"),
            Action::NoOp => ("   ", "has moved"),
            Action::Forget => ("  .", "will no longer be managed by infractl (it stays in AWS)"),
            Action::Create => ("  +", "will be created"),
            Action::Update => ("  ~", "will be updated in-place"),
            Action::Replace => (
                if c.create_before_destroy { "+/-" } else { "-/+" },
                match c.replace_cause {
                    Some(ReplaceCause::Tainted) => "is tainted, so must be replaced",
                    Some(ReplaceCause::Requested) => "will be replaced, as requested",
                    Some(ReplaceCause::Triggered) => "will be replaced due to changes in replace_triggered_by",
                    None => "must be replaced",
                },
            ),
            Action::Delete => ("  -", "will be destroyed"),
            Action::Read => (" <=", "will be read during apply"),
            Action::Open => continue,
        };
        match (&c.moved_from, c.action) {
            (Some(from), Action::NoOp) if c.importing.is_none() => {
                let _ = writeln!(out, "\n  # {from} has moved to {}", c.address);
            }
            _ => {
                let _ = writeln!(out, "\n  # {} {what}", c.address);
                if let Some(from) = &c.moved_from {
                    let _ = writeln!(out, "  # (moved from {from})");
                }
                if let (Some(id), false) = (&c.importing, c.action == Action::NoOp) {
                    let _ = writeln!(out, "  # (imported from \"{id}\")");
                }
            }
        }
        if let Some(reason) = &c.reason {
            let _ = writeln!(out, "  # ({reason})");
        }
        let kind = if c.address.mode == crate::blueprint::config::Mode::Data {
            "data"
        } else {
            "resource"
        };
        let _ = writeln!(
            out,
            "{symbol} {kind} \"{}\" \"{}\" {{",
            c.address.type_name, c.address.name
        );
        let schema = schemas(&c.address.type_name);
        let marks = match schema {
            Some(s) => c.marks.clone().with(crate::plan::sensitive_paths(s)),
            None => c.marks.clone(),
        };
        let sensitive = |name: &str| marks.get(&Step::Key(name.to_string())).shallow().has(Mark::SENSITIVE);
        let attr_marks = |name: &str| marks.get(&Step::Key(name.to_string()));
        match c.action {
            Action::Create | Action::Read => attrs(&mut out, '+', c.after.as_ref().map(|v| masked(v, &marks)).as_ref()),
            Action::Delete => attrs(&mut out, '-', c.before.as_ref().map(|v| masked(v, &marks)).as_ref()),
            Action::Forget => {
                if let Some(id) = c.before.as_ref().and_then(|b| b.get("id").as_str()) {
                    let _ = writeln!(out, "        id = {}", Value::str(id).render());
                }
            }
            Action::Update | Action::Replace => {
                // Computed attributes the apply recomputes (a replacement's, or those a type's
                // plan made unknown, such as a new template version's number) show as
                // "(known after apply)", as in Terraform.
                let unknown_after: Vec<&String> = match (&c.action, &c.after) {
                    (Action::Replace | Action::Update, Some(Value::Object(after))) => after
                        .iter()
                        .filter(|(k, v)| **v == Value::Unknown && !c.attr_changes.iter().any(|a| &a.name == *k))
                        .map(|(k, _)| k)
                        .collect(),
                    _ => vec![],
                };
                let changes: Vec<update::TopChange> = c
                    .attr_changes
                    .iter()
                    .map(|a| update::TopChange {
                        name: a.name.clone(),
                        before: masked(&a.before, &attr_marks(&a.name)),
                        after: masked(&a.after, &attr_marks(&a.name)),
                        forces_replacement: a.forces_replacement,
                        sensitive: sensitive(&a.name),
                    })
                    .collect();
                let before = c.before.as_ref().map(|v| masked(v, &marks)).unwrap_or(Value::Null);
                update::write_body(&mut out, schema, &before, &changes, &unknown_after);
            }
            Action::NoOp | Action::Open => {}
        }
        out.push_str("    }\n");
    }
    let (add, change, destroy) = plan.summary();
    let (import, forget) = plan.import_forget_counts();
    let imports = if import > 0 {
        format!("{import} to import, ")
    } else {
        String::new()
    };
    let forgets = if forget > 0 {
        format!(", {forget} to forget")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\nPlan: {imports}{add} to add, {change} to change, {destroy} to destroy{forgets}."
    );
    if plan.outputs_changed() && !plan.options.destroy {
        out.push_str("\nChanges to Outputs:\n");
        let shown = |v: &Value, sensitive: bool| {
            if sensitive {
                "(sensitive value)".to_string()
            } else {
                v.render()
            }
        };
        for name in plan.output_names() {
            let old = plan.prior.outputs.get(name);
            // What state holds, hidden when it was sensitive or the new value is.
            let before =
                |hide: bool| old.map_or_else(String::new, |o| shown(&Value::from_json(&o.value), o.sensitive || hide));
            match (plan.output_action(name), plan.outputs.get(name)) {
                (OutputAction::Create, Some((v, sensitive))) => {
                    let _ = writeln!(out, "  + {name} = {}", shown(v, *sensitive));
                }
                (OutputAction::Update, Some((v, sensitive))) => {
                    let before = before(*sensitive);
                    let _ = writeln!(out, "  ~ {name} = {before} -> {}", shown(v, *sensitive));
                }
                (OutputAction::Delete, Some(_)) => {
                    let _ = writeln!(out, "  - {name} = {} -> null", before(false));
                }
                (OutputAction::Delete, None) => {
                    let _ = writeln!(out, "  - {name} = {}", before(false));
                }
                _ => {}
            }
        }
    }
    unmask(out)
}

/// The attributes of a value whose sensitive parts are already masked.
fn attrs(out: &mut String, sign: char, v: Option<&Value>) {
    let Some(Value::Object(map)) = v else { return };
    let shown: Vec<(&String, &Value)> = map.iter().filter(|(_, v)| !is_empty(v)).collect();
    let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in shown {
        let _ = writeln!(out, "      {sign} {k:width$} = {}", unmask(multiline(v, 6, sign)));
    }
}

/// Null, empty lists and empty maps are not shown, as Terraform leaves them out.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::List(l) => l.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn is_object_list(v: &Value) -> bool {
    v.as_list()
        .is_some_and(|l| l.iter().any(|x| matches!(x, Value::Object(_))))
}

/// A value laid out over several lines when it holds objects, each line marked with `sign`.
fn multiline(v: &Value, indent: usize, sign: char) -> String {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            let shown: Vec<(&String, &Value)> = m.iter().filter(|(_, x)| !is_empty(x)).collect();
            let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let mut s = String::from("{\n");
            for (k, x) in shown {
                let _ = writeln!(s, "{pad}      {sign} {k:width$} = {}", multiline(x, indent + 4, sign));
            }
            s.push_str(&format!("{pad}    }}"));
            s
        }
        Value::List(items) if is_object_list(v) => {
            let mut s = String::from("[\n");
            for x in items {
                let _ = writeln!(s, "{pad}      {sign} {},", multiline(x, indent + 4, sign));
            }
            s.push_str(&format!("{pad}    ]"));
            s
        }
        other => other.render(),
    }
}

/// Elements removed and added between two lists of blocks; unchanged ones are counted.
fn block_list_diff(out: &mut String, before: &Value, after: &Value) {
    let empty = Vec::new();
    let b = before.as_list().unwrap_or(&empty);
    let a = after.as_list().unwrap_or(&empty);
    let same = |x: &Value, y: &Value| normalized(x) == normalized(y);
    for x in b.iter().filter(|x| !a.iter().any(|y| same(x, y))) {
        let _ = writeln!(out, "          - {},", multiline(x, 8, '-'));
    }
    for y in a.iter().filter(|y| !b.iter().any(|x| same(x, y))) {
        let _ = writeln!(out, "          + {},", multiline(y, 8, '+'));
    }
    let unchanged = a.iter().filter(|y| b.iter().any(|x| same(x, y))).count();
    if unchanged > 0 {
        let _ = writeln!(
            out,
            "            # ({unchanged} unchanged element{} hidden)",
            if unchanged == 1 { "" } else { "s" }
        );
    }
}

/// Drops null and empty members so a configured block and its read-back compare equal.
fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !is_empty(x))
                .map(|(k, x)| (k.clone(), normalized(x)))
                .collect(),
        ),
        Value::List(l) => Value::List(l.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// Machine-readable plan (`plan -json`). Sensitive parts of values are null, and
/// `before_sensitive`/`after_sensitive` say where they are, as in Terraform's JSON plan.
pub fn plan_json(plan: &Plan) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Open)
        .map(|c| {
            let hide = |v: &Value| replace_marked(v, &c.marks, Mark::SENSITIVE, &Value::Null).to_json();
            let sensitive = sensitive_paths(&c.marks);
            serde_json::json!({
                "address": c.address.to_string(),
                "type": c.address.type_name,
                "action": c.action,
                "action_reason": c.replace_cause.map(|r| match r {
                    ReplaceCause::Tainted => "replace_because_tainted",
                    ReplaceCause::Requested => "replace_by_request",
                    ReplaceCause::Triggered => "replace_by_triggers",
                }),
                "before": c.before.as_ref().map(hide),
                "after": c.after.as_ref().map(hide),
                "before_sensitive": c.before.as_ref().map(|_| sensitive.clone()),
                "after_sensitive": c.after.as_ref().map(|_| sensitive.clone()),
                "after_unknown": c.after.as_ref().map(unknown_paths),
                "changed_attributes": c.attr_changes.iter().map(|a| serde_json::json!({
                    "name": a.name, "forces_replacement": a.forces_replacement
                })).collect::<Vec<_>>(),
                "reason": c.reason,
                "moved_from": c.moved_from.as_ref().map(|a| a.to_string()),
                "importing": c.importing.as_ref().map(|id| serde_json::json!({"id": id})),
            })
        })
        .collect();
    let (add, change, destroy) = plan.summary();
    serde_json::json!({
        "format_version": "1",
        "resource_changes": changes,
        "summary": {"add": add, "change": change, "destroy": destroy},
        "has_changes": plan.has_changes(),
    })
}

/// Where a value's sensitive parts are, as Terraform's JSON plan says it: `true` for a wholly
/// sensitive value, an object of the sensitive attributes otherwise.
fn sensitive_paths(marks: &Marks) -> serde_json::Value {
    fn put(node: &mut serde_json::Map<String, serde_json::Value>, path: &[Step]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            node.insert(step_key(first), serde_json::Value::Bool(true));
            return;
        }
        let entry = node
            .entry(step_key(first))
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let serde_json::Value::Object(inner) = entry {
            put(inner, rest);
        }
    }
    let mut root = serde_json::Map::new();
    for (path, m) in marks.entries() {
        if !m.has(Mark::SENSITIVE) {
            continue;
        }
        if path.is_empty() {
            return serde_json::Value::Bool(true);
        }
        put(&mut root, path);
    }
    serde_json::Value::Object(root)
}

fn step_key(step: &Step) -> String {
    match step {
        Step::Key(k) => k.clone(),
        Step::Index(i) => i.to_string(),
    }
}

fn unknown_paths(v: &Value) -> serde_json::Value {
    match v {
        Value::Unknown => serde_json::Value::Bool(true),
        Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .filter(|(_, x)| x.has_unknown())
                .map(|(k, x)| (k.clone(), unknown_paths(x)))
                .collect(),
        ),
        Value::List(items) if v.has_unknown() => serde_json::Value::Array(items.iter().map(unknown_paths).collect()),
        _ => serde_json::Value::Bool(false),
    }
}
