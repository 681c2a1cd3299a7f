//! `-trace=FILE`: the Chrome trace of a run holds each phase, one track per resource step and
//! per refresh read, and under each the AWS calls it made with their attempts, at times that
//! nest; a trace file that cannot be written stops the run before anything happens.

use crate::support::{expect_code, Stack};
use std::collections::HashMap;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "v" {
  cidr_block = "10.93.0.0/16"
}

resource "aws_subnet" "s" {
  count      = 2
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet(aws_vpc.v.cidr_block, 8, count.index)
}
"#;

/// A span of the trace: name, track id, begin and end (µs), arguments.
#[derive(Debug, Clone)]
struct Span {
    name: String,
    id: u64,
    begin: f64,
    end: f64,
    args: serde_json::Value,
}

/// Pairs the async begin ("b") and end ("e") events of a trace file into spans.
fn spans(file: &std::path::Path) -> Vec<Span> {
    let events: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(file).expect("the trace file was written")).expect("valid JSON");
    let mut open: HashMap<(String, u64), Vec<serde_json::Value>> = HashMap::new();
    let mut out = Vec::new();
    for e in events {
        let key = (
            e["name"].as_str().unwrap_or_default().to_string(),
            e["id"].as_u64().unwrap_or(0),
        );
        match e["ph"].as_str() {
            Some("b") => open.entry(key).or_default().push(e),
            Some("e") => {
                let b = open.get_mut(&key).and_then(Vec::pop).expect("an end has its begin");
                out.push(Span {
                    name: key.0,
                    id: key.1,
                    begin: b["ts"].as_f64().unwrap(),
                    end: e["ts"].as_f64().unwrap(),
                    args: b["args"].clone(),
                });
            }
            _ => {}
        }
    }
    assert!(open.values().all(Vec::is_empty), "every span ended: {open:?}");
    out
}

fn arg(span: &Span, name: &str) -> String {
    span.args[name]
        .as_str()
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

/// The span of a step or read for `address`, and the AWS operations nested in its track.
fn track<'a>(all: &'a [Span], kind: &str, address: &str) -> (&'a Span, Vec<&'a Span>) {
    let own = all
        .iter()
        .find(|s| s.name == kind && arg(s, "address") == address)
        .unwrap_or_else(|| panic!("no {kind} span for {address}"));
    let calls: Vec<&Span> = all
        .iter()
        .filter(|s| s.id == own.id && s.args.get("rpc.method").is_some())
        .collect();
    for c in &calls {
        assert!(c.begin >= own.begin && c.end <= own.end, "{c:?} is inside {own:?}");
        assert!(
            all.iter()
                .any(|a| a.name == "try_attempt" && a.id == own.id && a.begin >= c.begin && a.end <= c.end),
            "{c:?} has its attempt"
        );
    }
    (own, calls)
}

fn begin_of(all: &[Span], phase: &str) -> f64 {
    all.iter()
        .find(|s| s.name == phase)
        .unwrap_or_else(|| panic!("no {phase} phase"))
        .begin
}

#[test]
fn traces_hold_phases_steps_reads_and_the_calls_under_them() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let applied = stack.path.join("apply.json");
    expect_code(&stack.run(&["apply", "-auto-approve", "-trace=apply.json"]), 0);
    let all = spans(&applied);
    let order: Vec<f64> = ["load", "lock", "plan", "apply", "unlock"]
        .iter()
        .map(|p| begin_of(&all, p))
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "phases in order: {order:?}");

    let (vpc, calls) = track(&all, "step", "aws_vpc.v");
    assert_eq!(arg(vpc, "action"), "Creating");
    assert!(calls.iter().any(|c| c.name == "EC2.CreateVpc"), "{calls:?}");
    for i in 0..2 {
        let (subnet, calls) = track(&all, "step", &format!("aws_subnet.s[{i}]"));
        assert!(calls.iter().any(|c| c.name == "EC2.CreateSubnet"), "{calls:?}");
        assert!(subnet.begin >= vpc.end, "a subnet starts after its VPC exists");
        assert_ne!(subnet.id, vpc.id, "each step has its own track");
    }

    // A no-change plan: the refresh reads, each on its own track with its calls.
    let planned = stack.path.join("plan.json");
    let out = expect_code(&stack.run(&["plan", "-trace=plan.json"]), 0);
    assert!(out.contains("No changes"), "{out}");
    let all = spans(&planned);
    assert!(begin_of(&all, "refresh") <= begin_of(&all, "plan"));
    let (_, calls) = track(&all, "read", "aws_vpc.v");
    assert!(calls.iter().any(|c| c.name == "EC2.DescribeVpcs"), "{calls:?}");
    assert!(!all.iter().any(|s| s.name == "step"), "a plan runs no step");

    // A trace file that cannot be written: a clear error before anything runs.
    let out = stack.run(&["destroy", "-auto-approve", "-trace=no/such/folder/t.json"]);
    let err = expect_code(&out, 1);
    assert!(
        err.contains("Cannot write the trace file no/such/folder/t.json"),
        "{err}"
    );
    let out = expect_code(&stack.run(&["state", "list"]), 0);
    assert_eq!(out.lines().count(), 3, "nothing was destroyed: {out}");
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
