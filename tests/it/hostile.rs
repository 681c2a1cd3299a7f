//! Hostile input: a corpus of bad blueprints, variable files, state files and plan files. Each
//! gives a clear error (with file:line where it has one), never a panic, and leaves state
//! exactly as it was. No AWS endpoint is reachable in these runs: nothing here may need one.
//! Then seeded mutation fuzzing of the blueprint loader, the state reader and the journal
//! replay: thousands of mangled inputs, none may panic (`INFRACTL_FUZZ_CASES`, default 1500).

use crate::support::{text, Stack};
use std::path::Path;

const UNREACHABLE: &str = "http://127.0.0.1:9";

const GOOD: &str = r#"
variable "cidr" {
  type    = string
  default = "10.90.0.0/16"
}

variable "size" {
  type    = number
  default = 1
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
"#;

/// A state file of the GOOD blueprint, as an apply would leave it.
fn good_state(lineage: &str) -> String {
    serde_json::json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 3,
        "lineage": lineage,
        "resources": [{
            "mode": "managed",
            "type": "aws_vpc",
            "name": "this",
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{
                "schema_version": 1,
                "attributes": {"id": "vpc-0123", "cidr_block": "10.90.0.0/16"},
                "sensitive_attributes": []
            }]
        }],
        "outputs": {},
        "check_results": null,
        "infractl": {"keeper": "infractl"}
    })
    .to_string()
}

struct Case {
    what: &'static str,
    files: Vec<(&'static str, String)>,
    args: Vec<&'static str>,
    message: &'static str,
    location: Option<&'static str>,
}

fn case(what: &'static str, files: Vec<(&'static str, String)>, args: &[&'static str], message: &'static str) -> Case {
    Case {
        what,
        files,
        args: args.to_vec(),
        message,
        location: None,
    }
}

fn at(mut c: Case, location: &'static str) -> Case {
    c.location = Some(location);
    c
}

fn state_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().to_string(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_bad_input_gets_a_clear_error_and_leaves_state_untouched() {
    let g = |s: &str| s.to_string();
    let cases = vec![
        at(
            case(
                "binary garbage",
                vec![("main.tf", g("resource \u{0} \u{7f}\u{1b}[31m {{{{"))],
                &["validate"],
                "Syntax error",
            ),
            "main.tf:1",
        ),
        at(
            case(
                "count too large to expand",
                vec![(
                    "main.tf",
                    g("resource \"aws_vpc\" \"v\" {\n  count      = 1e12\n  cidr_block = \"10.0.0.0/16\"\n}\n"),
                )],
                &["validate"],
                "Invalid count argument",
            ),
            "main.tf:2",
        ),
        at(
            case(
                "nesting deeper than the parser allows",
                vec![(
                    "main.tf",
                    format!("locals {{\n  x = {}1{}\n}}\n", "(".repeat(5000), ")".repeat(5000)),
                )],
                &["validate"],
                "nesting depth",
            ),
            "main.tf:2",
        ),
        at(
            case(
                "the same resource twice",
                vec![(
                    "main.tf",
                    format!("{GOOD}\nresource \"aws_vpc\" \"this\" {{\n  cidr_block = \"10.1.0.0/16\"\n}}\n"),
                )],
                &["validate"],
                "Duplicate resource",
            ),
            "main.tf:",
        ),
        at(
            case(
                "an unknown function",
                vec![("main.tf", g("locals {\n  x = nosuchfunction(1)\n}\n"))],
                &["validate"],
                "nosuchfunction",
            ),
            "main.tf:2",
        ),
        at(
            case(
                "a variable file with a syntax error",
                vec![("main.tf", g(GOOD)), ("bad.tfvars", g("cidr = \"10.0.0.0/16\n"))],
                &["plan", "-var-file=bad.tfvars"],
                "bad.tfvars",
            ),
            "bad.tfvars:1",
        ),
        at(
            case(
                "a queue's redrive policy that is not JSON",
                vec![(
                    "main.tf",
                    g("resource \"aws_sqs_queue\" \"q\" {\n  name           = \"jobs\"\n  redrive_policy = \"{not json\"\n}\n"),
                )],
                &["plan"],
                "expected a JSON document",
            ),
            "main.tf:3",
        ),
        at(
            case(
                "an HTTP API of a protocol API Gateway v2 does not have",
                vec![(
                    "main.tf",
                    g("resource \"aws_apigatewayv2_api\" \"a\" {\n  name          = \"api\"\n  protocol_type = \"SOAP\"\n}\n"),
                )],
                &["plan"],
                "expected one of \"HTTP\", \"WEBSOCKET\"",
            ),
            "main.tf:3",
        ),
        at(
            case(
                "a private DNS namespace without its VPC",
                vec![(
                    "main.tf",
                    g("resource \"aws_service_discovery_private_dns_namespace\" \"n\" {\n  name = \"internal.example\"\n}\n"),
                )],
                &["apply", "-auto-approve"],
                "Missing required argument \"vpc\"",
            ),
            "main.tf:1",
        ),
        case(
            "a variable file that does not exist",
            vec![("main.tf", g(GOOD))],
            &["plan", "-var-file=missing.tfvars"],
            "missing.tfvars",
        ),
        case(
            "a variable value of the wrong type",
            vec![("main.tf", g(GOOD))],
            &["plan", "-var", "size=large"],
            "size",
        ),
        case(
            "a -var without a value",
            vec![("main.tf", g(GOOD))],
            &["plan", "-var", "cidr"],
            "cidr",
        ),
        case(
            "a variable the blueprint does not declare",
            vec![("main.tf", g(GOOD))],
            &["plan", "-var", "nosuch=1"],
            "nosuch",
        ),
        case(
            "a truncated plan file",
            vec![
                ("main.tf", g(GOOD)),
                ("saved.plan", g("{\"format_version\": 1, \"changes\": [")),
            ],
            &["apply", "saved.plan"],
            "not a valid infractl plan file",
        ),
        case(
            "a plan file of another format version",
            vec![("main.tf", g(GOOD)), ("saved.plan", g("{\"format_version\": 99}"))],
            &["apply", "saved.plan"],
            "unsupported format version",
        ),
        case(
            "a plan file that is not JSON at all",
            vec![("main.tf", g(GOOD)), ("saved.plan", g("\u{0}\u{1}\u{2}PK\u{3}\u{4}"))],
            &["apply", "saved.plan"],
            "not a valid infractl plan file",
        ),
    ];
    for c in cases {
        let files: Vec<(&str, &str)> = c.files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let stack = Stack::from_files(&files);
        let state_dir = stack.state_file().parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&state_dir).unwrap();
        std::fs::write(stack.state_file(), good_state("11111111-2222-3333-4444-555555555555")).unwrap();
        let before = state_files(&state_dir);
        let out = stack.run_with_endpoint(&c.args, UNREACHABLE);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(1), "{}: exit code\n{shown}", c.what);
        assert!(!shown.contains("panicked"), "{}: panicked\n{shown}", c.what);
        assert!(
            shown.contains(c.message),
            "{}: expected {:?} in\n{shown}",
            c.what,
            c.message
        );
        if let Some(loc) = c.location {
            assert!(shown.contains(loc), "{}: expected location {loc:?} in\n{shown}", c.what);
        }
        assert_eq!(state_files(&state_dir), before, "{}: state changed", c.what);
        println!(
            "{}: {}",
            c.what,
            shown.lines().find(|l| l.starts_with("Error")).unwrap_or("")
        );
    }
}

#[test]
fn bad_state_files_are_reported_and_left_as_they_are() {
    let lineage = "11111111-2222-3333-4444-555555555555";
    let good = good_state(lineage);
    let journal_ok = serde_json::json!({
        "lineage": lineage, "serial": 3, "address": "aws_vpc.other", "resource": null
    })
    .to_string();
    let cases: Vec<(&str, String, Option<String>, &str)> = vec![
        (
            "truncated",
            good[..good.len() / 2].to_string(),
            None,
            "is not valid JSON",
        ),
        ("empty", String::new(), None, "is not valid JSON"),
        (
            "another format version",
            good.replace("\"version\":4", "\"version\":7"),
            None,
            "unsupported format version",
        ),
        (
            "resources of the wrong shape",
            good.replace("\"resources\":[", "\"resources\":{\"x\":[")
                .replace("],\"outputs\"", "]},\"outputs\""),
            None,
            "is damaged",
        ),
        (
            "a journal damaged in the middle",
            good.clone(),
            Some(format!("{{garbage\n{journal_ok}\n")),
            "journal",
        ),
    ];
    for (what, state, journal, message) in cases {
        let stack = Stack::from_files(&[("main.tf", GOOD)]);
        let state_dir = stack.state_file().parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&state_dir).unwrap();
        std::fs::write(stack.state_file(), &state).unwrap();
        if let Some(j) = &journal {
            let mut name = stack.state_file().file_name().unwrap().to_os_string();
            name.push(".journal");
            std::fs::write(state_dir.join(name), j).unwrap();
        }
        let before = state_files(&state_dir);
        for args in [
            &["plan"][..],
            &["apply", "-auto-approve"],
            &["destroy", "-auto-approve"],
            &["state", "list"],
        ] {
            let out = stack.run_with_endpoint(args, UNREACHABLE);
            let shown = text(&out);
            assert_eq!(out.status.code(), Some(1), "{what} / {args:?}:\n{shown}");
            assert!(!shown.contains("panicked"), "{what} / {args:?}:\n{shown}");
            assert!(
                shown.contains(message),
                "{what} / {args:?}: expected {message:?} in\n{shown}"
            );
        }
        assert_eq!(state_files(&state_dir), before, "{what}: state changed");
    }

    // A state of another lineage is never overwritten by a push.
    let stack = Stack::from_files(&[("main.tf", GOOD)]);
    std::fs::create_dir_all(stack.state_file().parent().unwrap()).unwrap();
    std::fs::write(stack.state_file(), &good).unwrap();
    let other = stack.path.join("other.tfstate.json");
    std::fs::write(&other, good_state("99999999-2222-3333-4444-555555555555")).unwrap();
    let before = std::fs::read(stack.state_file()).unwrap();
    let out = stack.run_with_endpoint(&["state", "push", other.to_str().unwrap()], UNREACHABLE);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("lineage"), "{shown}");
    assert_eq!(std::fs::read(stack.state_file()).unwrap(), before);
}

/// xorshift64*, seeded: mutations are reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Deletes, duplicates, swaps or replaces a few spans of the input.
fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"(",
        b")",
        b"\"",
        b"${",
        b"%{",
        b"=",
        b",",
        b"\n",
        b"<<EOT\n",
        b"EOT",
        b"#",
        b"/*",
        b"*/",
        b"null",
        b"true",
        b"1e999",
        b"-1",
        b"count",
        b"for_each",
        b"each.key",
        b"var.",
        b"..",
        b"\\",
        b"\xff\xfe",
        b"\0",
    ];
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            2 if !out.is_empty() => {
                let from = rng.below(out.len());
                let end = (from + 1 + rng.below(40)).min(out.len());
                let piece: Vec<u8> = out[from..end].to_vec();
                out.splice(at..at, piece);
            }
            3 => out.truncate(at),
            _ => {
                if let Some(b) = out.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
        }
    }
    out
}

#[test]
fn mutation_fuzzing_finds_no_panic_in_the_loader_or_the_state_reader() {
    let cases: usize = std::env::var("INFRACTL_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed = std::env::var("INFRACTL_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| u64::from_le_bytes(uuid::Uuid::new_v4().as_bytes()[..8].try_into().unwrap()) | 1);
    println!("fuzz: {cases} cases per target, seed {seed} (INFRACTL_FUZZ_SEED={seed} replays it)");
    let mut rng = Rng(seed);

    // Seeds: every blueprint file of plans/, and a state file and journal.
    let plans = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans");
    let mut blueprints: Vec<Vec<u8>> = Vec::new();
    let mut stack = vec![plans];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tf") {
                blueprints.push(std::fs::read(&p).unwrap());
            }
        }
    }
    let lineage = "11111111-2222-3333-4444-555555555555";
    let state_seed = good_state(lineage).into_bytes();
    let journal_seed = format!(
        "{}\n",
        serde_json::json!({"lineage": lineage, "serial": 3, "address": "aws_vpc.this", "resource": null})
    )
    .into_bytes();

    let dir = tempfile::tempdir().unwrap();
    let registry = infractl::provider::aws::schemas_registry();
    let schemas = infractl::provider::aws::blueprint_schemas();
    let (mut loaded, mut rejected) = (0, 0);
    for i in 0..cases {
        // Every fourth case is a JSON-syntax file (with an override file beside it).
        let json = i % 4 == 3;
        let (name, source) = if json {
            ("main.tf.json", crate::json_syntax::NETWORK_JSON.as_bytes())
        } else {
            ("main.tf", blueprints[i % blueprints.len()].as_slice())
        };
        let mangled = mutate(source, &mut rng);
        for old in ["main.tf", "main.tf.json", "override.tf"] {
            let _ = std::fs::remove_file(dir.path().join(old));
        }
        std::fs::write(dir.path().join(name), &mangled).unwrap();
        if json {
            std::fs::write(dir.path().join("override.tf"), crate::json_syntax::OVERRIDE_TF).unwrap();
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let root = infractl::blueprint::config::load_with(dir.path(), &schemas)?;
            infractl::graph::ConfigGraph::build(&root)?;
            let inputs = infractl::blueprint::variables::collect(&root, &[], &mut vec![])?;
            infractl::plan::validate(&root, &registry, &inputs)
        }));
        match outcome {
            Ok(Ok(_)) => loaded += 1,
            Ok(Err(_)) => rejected += 1,
            Err(_) => panic!(
                "the loader panicked on case {i} (seed {seed}); input:\n{}",
                String::from_utf8_lossy(&mangled)
            ),
        }

        let state = mutate(&state_seed, &mut rng);
        let journal = mutate(&journal_seed, &mut rng);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let text = String::from_utf8_lossy(&state);
            if let Ok(mut s) = infractl::state::State::from_json(&text, "fuzz") {
                let _ = infractl::state::journal::replay(&mut s, &String::from_utf8_lossy(&journal), "fuzz");
            }
        }));
        assert!(
            outcome.is_ok(),
            "the state reader panicked on case {i} (seed {seed}); state:\n{}\njournal:\n{}",
            String::from_utf8_lossy(&state),
            String::from_utf8_lossy(&journal)
        );
    }
    println!("fuzz: blueprints loaded {loaded}, rejected with an error {rejected}; state reader: no panic");
}
