//! Replays the function table recorded from `terraform console`
//! (`tests/fixtures/functions/expected.json`, written by `generate.py` there) and asserts that
//! infractl gives Terraform's answer for every row: the same `jsonencode` text, an error where
//! Terraform errs, unknown where Terraform's answer is "(known after apply)". Needs no terraform.

use super::crypto::bcrypt_verify;
use super::Clock;
use crate::blueprint::eval::{self, Bindings, Resolver};
use crate::blueprint::functions::Environment;
use crate::blueprint::source::{Expr, Loc, SourceFile};
use crate::diag::{DResult, Diag};
use crate::value::Value;
use base64::Engine as _;
use indexmap::IndexMap;
use std::io::Read as _;
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/functions")
}

fn read_json(name: &str) -> serde_json::Value {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Resolves what the table's expressions refer to, as `terraform console` in the fixture folder
/// sees it: the locals of its `main.tf`, and `terraform_data.u.output`, never applied, unknown.
struct Console {
    locals: IndexMap<String, Expr>,
    env: Environment,
}

impl Console {
    fn new(clock: Clock) -> Console {
        let path = fixture_dir().join("main.tf");
        let text = std::fs::read_to_string(&path).expect("fixture main.tf");
        let file = SourceFile::new("main.tf", text.clone());
        let body = hcl_edit::parser::parse_body(&text).expect("fixture main.tf parses");
        let mut locals = IndexMap::new();
        for block in body.get_blocks("locals") {
            for attr in block.body.attributes() {
                locals.insert(attr.key.to_string(), Expr::new(attr.value.clone(), &file));
            }
        }
        Console {
            locals,
            env: Environment {
                base_dir: Some(fixture_dir()),
                home: Some("/home/fixture".into()),
                clock,
            },
        }
    }
}

impl Resolver for Console {
    fn resolve(&self, root: &str, names: &[&str], loc: &Loc) -> DResult<(Value, usize)> {
        match (root, names) {
            ("terraform_data", ["u", "output", ..]) => Ok((Value::Unknown, 2)),
            ("local", [name, ..]) => {
                let expr = self
                    .locals
                    .get(*name)
                    .ok_or_else(|| Diag::new("Reference to undeclared local value").at(loc))?;
                Ok((eval::eval(expr, self, &Bindings::default())?, 1))
            }
            ("terraform_data", _) => Err(Diag::new("Reference to undeclared resource").at(loc)),
            _ => Err(Diag::new(format!("Reference to undeclared {root}")).at(loc)),
        }
    }

    fn function_env(&self) -> Environment {
        self.env.clone()
    }
}

/// infractl's answer for one row, in the table's terms.
#[derive(Debug, PartialEq)]
enum Answer {
    Json(String),
    Unknown,
    /// The console prints "(sensitive value)": the result is marked sensitive.
    Sensitive,
    Error(String),
}

fn evaluate(expr: &str, console: &Console) -> Answer {
    let text = format!("jsonencode({expr})");
    let file = SourceFile::new("<console-input>", text.clone());
    let ast = match hcl_edit::parser::parse_expr(&text) {
        Ok(ast) => ast,
        Err(e) => return Answer::Error(format!("syntax: {e}")),
    };
    match eval::eval_marked(&Expr::new(ast, &file), console, &Bindings::default()) {
        Ok((_, marks)) if marks.all().has(crate::blueprint::marks::Mark::SENSITIVE) => Answer::Sensitive,
        Ok((Value::String(s), _)) => Answer::Json(s),
        Ok((Value::Unknown, _)) => Answer::Unknown,
        Ok((other, _)) => Answer::Error(format!("jsonencode gave {other:?}")),
        Err(d) => Answer::Error(format!("{}: {}", d.summary, d.detail.unwrap_or_default())),
    }
}

/// Both answers pass a check for results that vary between runs (time, randomness).
fn check(kind: &str, ours: &str, theirs: &str) -> Result<(), String> {
    let decode = |s: &str| serde_json::from_str::<serde_json::Value>(s).map_err(|e| e.to_string());
    let (ours_v, theirs_v) = (decode(ours)?, decode(theirs)?);
    let as_str = |v: &serde_json::Value| v.as_str().map(str::to_string).ok_or("not a string".to_string());
    let (o, t) = (as_str(&ours_v)?, as_str(&theirs_v)?);
    let (kind, param) = kind.split_once(':').unwrap_or((kind, ""));
    let shape = |s: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("{s:?} fails check {kind}"))
        }
    };
    match kind {
        "rfc3339" => {
            let ok = |s: &str| {
                s.len() == 20
                    && s.char_indices().all(|(i, c)| match i {
                        4 | 7 => c == '-',
                        10 => c == 'T',
                        13 | 16 => c == ':',
                        19 => c == 'Z',
                        _ => c.is_ascii_digit(),
                    })
            };
            shape(&o, ok(&o))
        }
        "uuid" => {
            let ok = o.len() == 36
                && o.char_indices().all(|(i, c)| {
                    if [8, 13, 18, 23].contains(&i) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit() && !c.is_ascii_uppercase()
                    }
                });
            shape(&o, ok && o != t)
        }
        "bcrypt" => {
            let password = if param.is_empty() {
                "x".repeat(72)
            } else {
                param.to_string()
            };
            if !bcrypt_verify(&password, &t) {
                return Err(format!("infractl's bcrypt does not verify Terraform's hash {t}"));
            }
            if !bcrypt_verify(&password, &o) {
                return Err(format!("infractl's hash {o} does not verify"));
            }
            let cost = |h: &str| h.get(..7).map(str::to_string);
            shape(&o, o.starts_with("$2a$") && cost(&o) == cost(&t))
        }
        "gzip" => {
            let gunzip = |s: &str| -> Result<Vec<u8>, String> {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|e| e.to_string())?;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .map_err(|e| e.to_string())?;
                Ok(out)
            };
            let (ob, tb) = (gunzip(&o)?, gunzip(&t)?);
            shape(&o, ob == tb && o.get(..12) == t.get(..12))
        }
        other => Err(format!("unknown check {other}")),
    }
}

#[test]
fn every_function_matches_terraform() {
    let table = read_json("expected.json");
    let rows = table["rows"].as_array().expect("rows");
    let console = Console::new(Clock::applying(Clock::now()));
    let planning = Console::new(Clock::planning(Clock::now()));
    let (mut matched, mut gaps, mut failures) = (0, 0, Vec::new());
    for row in rows {
        let expr = row["expr"].as_str().expect("expr");
        let line = row["line"].as_u64().unwrap_or(0);
        let ours = evaluate(expr, if row.get("plan").is_some() { &planning } else { &console });
        let verdict: Result<(), String> = if let Some(err) = row.get("error") {
            match &ours {
                Answer::Error(_) => Ok(()),
                other => Err(format!(
                    "Terraform errs ({}), infractl gives {other:?}",
                    err.as_str().unwrap_or("")
                )),
            }
        } else if row.get("sensitive").is_some() {
            match &ours {
                Answer::Sensitive => Ok(()),
                other => Err(format!("Terraform gives (sensitive value), infractl {other:?}")),
            }
        } else if row.get("unknown").is_some() {
            match &ours {
                Answer::Unknown => Ok(()),
                other => Err(format!("Terraform gives unknown, infractl {other:?}")),
            }
        } else if let Some(theirs) = row.get("json").and_then(|j| j.as_str()) {
            match (&ours, row.get("check").and_then(|c| c.as_str())) {
                (Answer::Json(o), Some(kind)) => check(kind, o, theirs),
                (Answer::Json(o), None) if o == theirs => Ok(()),
                (other, _) => Err(format!("Terraform gives {theirs}, infractl {other:?}")),
            }
        } else {
            Err(format!("Terraform's answer cannot be compared: {row}"))
        };
        match (verdict, row.get("gap")) {
            (Ok(()), None) => matched += 1,
            (Err(_), Some(_)) => gaps += 1,
            (Err(why), None) => failures.push(format!("cases.txt:{line}: {expr}\n    {why}")),
            (Ok(()), Some(gap)) => failures.push(format!(
                "cases.txt:{line}: {expr}\n    now matches Terraform: remove its @gap ({gap})"
            )),
        }
    }
    println!(
        "function table: {} rows, {matched} match Terraform, {gaps} known gaps, {} failures",
        rows.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} rows differ from Terraform:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_function_of_terraforms_library_is_known() {
    let meta = read_json("metadata.json");
    let names: Vec<&str> = meta["function_signatures"]
        .as_object()
        .expect("signatures")
        .keys()
        .map(|k| k.strip_prefix("core::").unwrap_or(k))
        .collect();
    assert!(names.len() >= 236, "the recorded list has {} entries", names.len());
    let missing: Vec<&&str> = names.iter().filter(|n| !eval::is_function(n)).collect();
    assert!(
        missing.is_empty(),
        "functions of Terraform's library infractl lacks: {missing:?}"
    );
    // The signatures infractl checks arguments with are the recorded ones.
    let mut recorded: Vec<&str> = names.clone();
    recorded.sort();
    recorded.dedup();
    let mut ours = super::signature::names();
    ours.sort();
    assert_eq!(
        ours, recorded,
        "signatures.json is out of step with metadata.json: run generate.py"
    );
}

#[test]
fn the_table_covers_every_function() {
    let meta = read_json("metadata.json");
    let table = read_json("expected.json");
    let exprs: Vec<&str> = table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["expr"].as_str())
        .collect();
    let uncovered: Vec<&String> = meta["function_signatures"]
        .as_object()
        .expect("signatures")
        .keys()
        .filter(|name| {
            let called = format!("{name}(");
            !exprs.iter().any(|e| {
                e.match_indices(&called)
                    .any(|(i, _)| i == 0 || !e[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'))
            })
        })
        .collect();
    assert!(
        uncovered.is_empty(),
        "functions without a row in cases.txt: {uncovered:?}"
    );
}
