//! The body of an in-place update or a replacement laid out as Terraform lays it out: attributes
//! in name order with the identifying ones (`id`, `name`, `tags`) shown even when unchanged and
//! the rest counted as hidden, then nested blocks as blocks (`~ rule {`, `+ rule {`, `- rule {`)
//! diffed element by element, so that a user reading a plan reads the same lines Terraform's
//! plan shows them for the same change.

use super::{block_list_diff, is_object_list};
use crate::plan::diff::{keeps_what_aws_holds, nested_attr_matches};
use crate::schema::{AttrSchema, Nesting, Schema};
use crate::value::Value;
use indexmap::IndexMap;
use std::fmt::Write;

/// Attributes Terraform shows even when they do not change, so a reader knows which object a
/// change is about.
const IDENTIFYING: [&str; 3] = ["id", "name", "tags"];

/// What happens to one nested block (or to the resource itself, at the top).
#[derive(Clone, Copy, PartialEq)]
enum Sign {
    Create,
    Delete,
    Update,
}

/// One attribute's line.
enum Row {
    /// Unchanged, shown because it identifies the object.
    Same(Value),
    /// Set where it was null.
    Added(Value),
    /// Null where it was set.
    Removed(Value),
    /// Another value.
    Changed(Value, Value),
    /// Sensitive and changed: neither value is shown.
    Hidden,
    /// A list of objects (an attribute Terraform shows as a list, such as security group rules).
    ObjectList(Value, Value),
}

/// A block's diff, ready to lay out.
#[derive(Default)]
struct BlockDiff {
    /// Attribute lines in name order, with " # forces replacement" where it applies.
    rows: Vec<(String, Row, bool)>,
    /// Longest attribute name of the block (shown or hidden), which Terraform aligns to.
    width: usize,
    unchanged_attrs: usize,
    /// Changed nested blocks, grouped by block name in name order.
    blocks: Vec<BlockGroup>,
    unchanged_blocks: usize,
}

/// The changed elements of one nested block type.
struct BlockGroup {
    name: String,
    /// The type's blocks force replacement (shown on each element's line).
    forces: bool,
    elements: Vec<(Sign, BlockDiff)>,
}

impl BlockDiff {
    fn changed(&self) -> bool {
        self.rows.iter().any(|(_, r, _)| !matches!(r, Row::Same(_)))
            || self.blocks.iter().any(|g| !g.elements.is_empty())
    }

    /// Counts an unchanged attribute, or shows it when it identifies the object.
    fn note_unchanged(&mut self, name: &str, value: &Value) {
        if IDENTIFYING.contains(&name) {
            self.rows.push((name.to_string(), Row::Same(value.clone()), false));
        } else {
            self.unchanged_attrs += 1;
        }
    }
}

/// What the resource-level diff knows about one top-level attribute or block.
pub(super) struct TopChange {
    pub name: String,
    pub before: Value,
    pub after: Value,
    pub forces_replacement: bool,
    pub sensitive: bool,
}

/// Writes the body of an update or replacement: `before` is what state holds (masked),
/// `changes` what the plan decided changes (values masked), `unknown_after` the computed
/// attributes a replacement recomputes. Without the type's schema every change is shown as an
/// attribute.
pub(super) fn write_body(
    out: &mut String,
    schema: Option<&Schema>,
    before: &Value,
    changes: &[TopChange],
    unknown_after: &[&String],
) {
    let diff = top_diff(schema, before, changes, unknown_after);
    write_contents(out, &diff, 0);
}

fn top_diff(schema: Option<&Schema>, before: &Value, changes: &[TopChange], unknown_after: &[&String]) -> BlockDiff {
    let is_block = |name: &str| {
        schema
            .and_then(|s| s.blocks.get(name))
            .is_some_and(|b| b.as_attribute.is_none())
    };
    let empty = Default::default();
    let prior = before.as_object().unwrap_or(&empty);
    let mut names: Vec<&str> = prior.keys().map(String::as_str).filter(|n| !is_block(n)).collect();
    for c in changes.iter().filter(|c| !is_block(&c.name)) {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    names.sort_unstable();
    let mut diff = BlockDiff::default();
    for name in names {
        let old = prior.get(name).unwrap_or(&Value::Null);
        let change = changes.iter().find(|c| c.name == name);
        let row = if let Some(c) = change {
            if c.sensitive {
                Some(Row::Hidden)
            } else if is_object_list(&c.before) || is_object_list(&c.after) {
                Some(Row::ObjectList(c.before.clone(), c.after.clone()))
            } else {
                Some(row_of(&c.before, &c.after))
            }
        } else if unknown_after.iter().any(|k| k.as_str() == name) {
            Some(row_of(old, &Value::Unknown))
        } else {
            None
        };
        let forces = change.is_some_and(|c| c.forces_replacement);
        if old.is_null() && row.is_none() {
            continue;
        }
        diff.width = diff.width.max(name.len());
        match row {
            Some(row) => diff.rows.push((name.to_string(), row, forces)),
            None => diff.note_unchanged(name, old),
        }
    }
    let Some(schema) = schema else { return diff };
    let mut block_names: Vec<&str> = schema
        .blocks
        .iter()
        .filter(|(_, b)| b.as_attribute.is_none())
        .map(|(n, _)| *n)
        .collect();
    block_names.sort_unstable();
    for name in block_names {
        let b = &schema.blocks[name];
        let old = before.get(name);
        match changes.iter().find(|c| c.name == name) {
            Some(c) if c.sensitive => {
                diff.width = diff.width.max(name.len());
                diff.rows.push((name.to_string(), Row::Hidden, c.forces_replacement));
            }
            Some(c) => {
                let elements = diff_elements(&b.schema, b.nesting, &c.before, &c.after, &mut diff.unchanged_blocks);
                diff.blocks.push(BlockGroup {
                    name: name.to_string(),
                    forces: c.forces_replacement,
                    elements,
                });
            }
            None => diff.unchanged_blocks += old.as_list().map_or(0, <[Value]>::len),
        }
    }
    diff
}

/// The line of an attribute going from `before` to `after`.
fn row_of(before: &Value, after: &Value) -> Row {
    match (before, after) {
        (Value::Null, a) => Row::Added(a.clone()),
        (b, Value::Null) => Row::Removed(b.clone()),
        (b, a) => Row::Changed(b.clone(), a.clone()),
    }
}

/// The elements of one nested block type paired as Terraform pairs them: by position for
/// lists, by equality for sets. Unchanged elements are only counted.
fn diff_elements(
    schema: &Schema,
    nesting: Nesting,
    before: &Value,
    after: &Value,
    unchanged: &mut usize,
) -> Vec<(Sign, BlockDiff)> {
    let none = Vec::new();
    let b = before.as_list().unwrap_or(&none);
    let a = after.as_list().unwrap_or(&none);
    let mut out = Vec::new();
    match nesting {
        Nesting::List | Nesting::Single => {
            for i in 0..b.len().max(a.len()) {
                let d = match (b.get(i), a.get(i)) {
                    (Some(x), Some(y)) => (Sign::Update, block_diff(schema, x, y, Sign::Update)),
                    (Some(x), None) => (Sign::Delete, block_diff(schema, x, &Value::Null, Sign::Delete)),
                    (None, Some(y)) => (Sign::Create, block_diff(schema, &Value::Null, y, Sign::Create)),
                    (None, None) => continue,
                };
                if d.1.changed() || d.0 != Sign::Update {
                    out.push(d);
                } else {
                    *unchanged += 1;
                }
            }
        }
        Nesting::Set => {
            let mut used = vec![false; a.len()];
            let mut removed = Vec::new();
            for x in b {
                let twin = (0..a.len()).find(|&j| !used[j] && !block_diff(schema, x, &a[j], Sign::Update).changed());
                match twin {
                    Some(j) => {
                        used[j] = true;
                        *unchanged += 1;
                    }
                    None => removed.push((Sign::Delete, block_diff(schema, x, &Value::Null, Sign::Delete))),
                }
            }
            out.extend(removed);
            for (y, _) in a.iter().zip(&used).filter(|(_, u)| !**u) {
                out.push((Sign::Create, block_diff(schema, &Value::Null, y, Sign::Create)));
            }
        }
    }
    out
}

/// The diff of one block element: `before` null for a new one, `after` null for a removed one.
fn block_diff(schema: &Schema, before: &Value, after: &Value, sign: Sign) -> BlockDiff {
    let mut diff = BlockDiff::default();
    let mut names: Vec<(&&str, &AttrSchema)> = schema.attrs.iter().collect();
    names.sort_unstable_by_key(|(n, _)| **n);
    for (name, a) in names {
        let (old, new) = (before.get(name), after.get(name));
        // What the plan keeps (unset where AWS fills it in) is unchanged, by the plan's rule.
        let kept = sign == Sign::Update && nested_attr_matches(a, new, old);
        if old.is_null() && (new.is_null() || kept) {
            continue;
        }
        diff.width = diff.width.max(name.len());
        if kept {
            diff.note_unchanged(name, old);
        } else if a.sensitive {
            diff.rows.push((name.to_string(), Row::Hidden, false));
        } else {
            diff.rows.push((name.to_string(), row_of(old, new), false));
        }
    }
    let mut blocks: Vec<_> = schema.blocks.iter().collect();
    blocks.sort_unstable_by_key(|(n, _)| **n);
    for (name, b) in blocks {
        let elements = match sign {
            Sign::Update if keeps_what_aws_holds(b, after.get(name)) => {
                diff.unchanged_blocks += before.get(name).as_list().map_or(0, <[Value]>::len);
                continue;
            }
            Sign::Update => diff_elements(
                &b.schema,
                b.nesting,
                before.get(name),
                after.get(name),
                &mut diff.unchanged_blocks,
            ),
            whole => {
                let side = if whole == Sign::Create { after } else { before };
                side.get(name)
                    .as_list()
                    .unwrap_or_default()
                    .iter()
                    .map(|i| {
                        let (x, y) = if whole == Sign::Create {
                            (&Value::Null, i)
                        } else {
                            (i, &Value::Null)
                        };
                        (whole, block_diff(&b.schema, x, y, whole))
                    })
                    .collect()
            }
        };
        diff.blocks.push(BlockGroup {
            name: name.to_string(),
            forces: false,
            elements,
        });
    }
    diff
}

/// Four spaces per level, as Terraform indents.
fn pad(level: usize) -> String {
    "    ".repeat(level)
}

fn symbol(sign: Sign) -> &'static str {
    match sign {
        Sign::Create => "  + ",
        Sign::Delete => "  - ",
        Sign::Update => "  ~ ",
    }
}

/// The lines inside a block's braces, at `level`.
fn write_contents(out: &mut String, diff: &BlockDiff, level: usize) {
    let width = diff.width;
    let inner = pad(level + 1);
    for (name, row, forces) in &diff.rows {
        let tail = if *forces { " # forces replacement" } else { "" };
        let _ = match row {
            Row::Same(v) => writeln!(out, "{inner}    {name:width$} = {}", same_value(v, level + 1)),
            Row::Added(v) => writeln!(out, "{inner}  + {name:width$} = {}{tail}", v.render()),
            Row::Removed(v) => writeln!(out, "{inner}  - {name:width$} = {} -> null{tail}", v.render()),
            Row::Changed(Value::Object(b), Value::Object(a)) => {
                let _ = writeln!(out, "{inner}  ~ {name:width$} = {{{tail}");
                map_diff(out, b, a, level + 1);
                writeln!(out, "{inner}    }}")
            }
            Row::Changed(b, a) => writeln!(out, "{inner}  ~ {name:width$} = {} -> {}{tail}", b.render(), a.render()),
            Row::Hidden => writeln!(out, "{inner}  ~ {name:width$} = (sensitive value){tail}"),
            Row::ObjectList(b, a) => {
                let _ = writeln!(out, "{inner}  ~ {name:width$} = [{tail}");
                block_list_diff(out, b, a);
                writeln!(out, "{inner}    ]")
            }
        };
    }
    if diff.unchanged_attrs > 0 {
        let _ = writeln!(out, "{inner}    # ({})", hidden(diff.unchanged_attrs, "attribute"));
    }
    let has_attrs = diff.width > 0;
    for group in &diff.blocks {
        if has_attrs && !group.elements.is_empty() {
            out.push('\n');
        }
        let tail = if group.forces { " # forces replacement" } else { "" };
        for (sign, d) in &group.elements {
            let _ = writeln!(out, "{inner}{}{} {{{tail}", symbol(*sign), group.name);
            write_contents(out, d, level + 1);
            let _ = writeln!(out, "{inner}    }}");
        }
    }
    if diff.unchanged_blocks > 0 {
        let _ = writeln!(out, "\n{inner}    # ({})", hidden(diff.unchanged_blocks, "block"));
    }
}

/// The entries of a map that change, one per line with its key quoted, as Terraform shows a
/// changed map (`tags`, a function's environment variables); unchanged entries are counted.
fn map_diff(out: &mut String, before: &IndexMap<String, Value>, after: &IndexMap<String, Value>, level: usize) {
    let mut keys: Vec<&String> = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .collect();
    keys.sort_unstable();
    let width = keys
        .iter()
        .map(|k| Value::str(k.as_str()).render().len())
        .max()
        .unwrap_or(0);
    let inner = pad(level + 1);
    let mut unchanged = 0;
    for k in keys {
        let key = Value::str(k).render();
        let _ = match (before.get(k), after.get(k)) {
            (Some(b), Some(a)) if b == a => {
                unchanged += 1;
                continue;
            }
            (Some(b), Some(a)) => writeln!(out, "{inner}  ~ {key:width$} = {} -> {}", b.render(), a.render()),
            (Some(b), None) => writeln!(out, "{inner}  - {key:width$} = {} -> null", b.render()),
            (None, Some(a)) => writeln!(out, "{inner}  + {key:width$} = {}", a.render()),
            (None, None) => continue,
        };
    }
    if unchanged > 0 {
        let _ = writeln!(out, "{inner}    # ({})", hidden(unchanged, "element"));
    }
}

/// "3 unchanged attributes hidden".
fn hidden(n: usize, what: &str) -> String {
    format!("{n} unchanged {what}{} hidden", if n == 1 { "" } else { "s" })
}

/// An unchanged value; a map (`tags`) over several lines as Terraform shows it.
fn same_value(v: &Value, level: usize) -> String {
    match v {
        Value::Object(m) if !m.is_empty() => {
            let width = m.keys().map(|k| k.len() + 2).max().unwrap_or(0);
            let mut s = String::from("{\n");
            for (k, x) in m {
                let key = Value::str(k).render();
                let _ = writeln!(s, "{}        {key:width$} = {}", pad(level), x.render());
            }
            s.push_str(&format!("{}    }}", pad(level)));
            s
        }
        Value::Object(_) => "{}".into(),
        other => other.render(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::Lifecycle;
    use crate::plan::diff::plan_update;

    /// The body infractl shows for an in-place update of a real type from `prior` to `config`.
    fn body(type_name: &str, prior: serde_json::Value, config: serde_json::Value) -> String {
        let registry = crate::provider::schemas_registry();
        let schema = registry.resource(type_name).expect("a known type").schema();
        let prior = Value::from_json(&prior);
        let (_, changes) = plan_update(schema, &Value::from_json(&config), &prior, &Lifecycle::default());
        let changes: Vec<TopChange> = changes
            .into_iter()
            .map(|a| TopChange {
                name: a.name,
                before: a.before,
                after: a.after,
                forces_replacement: a.forces_replacement,
                sensitive: false,
            })
            .collect();
        let mut out = String::new();
        write_body(&mut out, Some(schema), &prior, &changes, &[]);
        out
    }

    /// Terraform 1.11 with the AWS provider 5.100 printed these lines for the same change on
    /// the emulator (a bucket's versioning suspended, then enabled).
    #[test]
    fn a_change_inside_a_single_block_is_shown_inside_the_block() {
        let shown = body(
            "aws_s3_bucket_versioning",
            serde_json::json!({"id": "b1", "bucket": "b1", "expected_bucket_owner": "", "mfa": null,
                "versioning_configuration": [{"status": "Suspended", "mfa_delete": "Disabled"}]}),
            serde_json::json!({"bucket": "b1", "versioning_configuration": [{"status": "Enabled"}]}),
        );
        let terraform = r#"        id                    = "b1"
        # (2 unchanged attributes hidden)

      ~ versioning_configuration {
          ~ status     = "Suspended" -> "Enabled"
            # (1 unchanged attribute hidden)
        }
"#;
        assert_eq!(shown, terraform);
    }

    /// Terraform's lines for the first of two lifecycle rules getting a longer expiration:
    /// the rules pair by position, the unchanged rule and filter are counted, not shown.
    #[test]
    fn list_blocks_pair_by_position_and_unchanged_ones_are_counted() {
        let rule = |id: &str, prefix: &str, days: u32| {
            serde_json::json!({"id": id, "prefix": "", "status": "Enabled",
                "filter": [{"prefix": prefix, "and": [], "object_size_greater_than": null,
                    "object_size_less_than": null, "tag": []}],
                "expiration": [{"date": null, "days": days, "expired_object_delete_marker": false}],
                "abort_incomplete_multipart_upload": [], "noncurrent_version_expiration": [],
                "noncurrent_version_transition": [], "transition": []})
        };
        let prior = serde_json::json!({"id": "b1", "bucket": "b1", "expected_bucket_owner": "",
            "transition_default_minimum_object_size": "all_storage_classes_128K",
            "rule": [rule("one", "logs/", 30), rule("two", "", 90)]});
        let config = serde_json::json!({"bucket": "b1", "rule": [
            {"id": "one", "status": "Enabled", "filter": [{"prefix": "logs/"}], "expiration": [{"days": 60}]},
            {"id": "two", "status": "Enabled", "filter": [{"prefix": ""}], "expiration": [{"days": 90}]}]});
        let shown = body("aws_s3_bucket_lifecycle_configuration", prior, config);
        let terraform = r#"        id                                     = "b1"
        # (3 unchanged attributes hidden)

      ~ rule {
            id     = "one"
            # (2 unchanged attributes hidden)

          ~ expiration {
              ~ days                         = 30 -> 60
                # (1 unchanged attribute hidden)
            }

            # (1 unchanged block hidden)
        }

        # (1 unchanged block hidden)
"#;
        assert_eq!(shown, terraform);
    }

    /// A changed map inside a block lists the entries that change, keys quoted, as Terraform
    /// shows a function's environment variables edited by hand.
    #[test]
    fn a_changed_map_lists_its_changed_entries() {
        let mut out = String::new();
        let map = |pairs: &[(&str, &str)]| -> IndexMap<String, Value> {
            pairs.iter().map(|(k, v)| (k.to_string(), Value::str(*v))).collect()
        };
        let before = map(&[("GREETING", "edited by hand"), ("KEEP", "x"), ("OLD", "y")]);
        let after = map(&[("GREETING", "bonjour"), ("KEEP", "x"), ("NEW", "z")]);
        map_diff(&mut out, &before, &after, 1);
        let terraform = r#"          ~ "GREETING" = "edited by hand" -> "bonjour"
          + "NEW"      = "z"
          - "OLD"      = "y" -> null
            # (1 unchanged element hidden)
"#;
        assert_eq!(out, terraform);
    }

    /// Set blocks have no position: a changed one is shown removed and its successor added,
    /// with their nested blocks, as Terraform shows them (infractl plans the schema's default
    /// `bucket_key_enabled = false` in the new rule, so it shows it).
    #[test]
    fn set_blocks_show_the_removed_and_the_added_element() {
        let rule = |algo: &str, key: bool| {
            serde_json::json!({"bucket_key_enabled": key, "apply_server_side_encryption_by_default":
                [{"sse_algorithm": algo, "kms_master_key_id": ""}]})
        };
        let prior = serde_json::json!({"id": "b1", "bucket": "b1", "expected_bucket_owner": "",
            "rule": [rule("AES256", false)]});
        let config = serde_json::json!({"bucket": "b1", "rule": [{"apply_server_side_encryption_by_default":
            [{"sse_algorithm": "aws:kms"}]}]});
        let shown = body("aws_s3_bucket_server_side_encryption_configuration", prior, config);
        let expected = r#"        id                    = "b1"
        # (2 unchanged attributes hidden)

      - rule {
          - bucket_key_enabled = false -> null

          - apply_server_side_encryption_by_default {
              - kms_master_key_id = "" -> null
              - sse_algorithm     = "AES256" -> null
            }
        }
      + rule {
          + bucket_key_enabled = false

          + apply_server_side_encryption_by_default {
              + sse_algorithm = "aws:kms"
            }
        }
"#;
        assert_eq!(shown, expected);
    }
}
