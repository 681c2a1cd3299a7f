//! The policy tools teams run in CI on plans read infractl's JSON plan as they read
//! Terraform's: checkov (from PyPI, in a virtual environment of the test's own) finds the same
//! failed and passed checks on `infractl show -json PLANFILE` as on `terraform show -json
//! PLANFILE` for the same blueprint, planned against the emulator, and a Rego policy
//! (`tests/fixtures/rego/plan_policy.rego`, evaluated with the regorus interpreter) gives the
//! same verdicts. Where terraform is installed
//! the comparison is live (and the recorded findings must still be Terraform's); elsewhere it is
//! against the findings and verdicts recorded from Terraform's plans in `tests/fixtures/`. The
//! checkov half is skipped with a message where Python cannot install it (no network to PyPI).

use crate::interop::provider_override_for;
use crate::support::{text, Stack, Terraform};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The checkov release the recorded findings come from.
const CHECKOV: &str = "checkov==3.3.30";

/// The AWS provider's endpoint names the foundation stack calls while planning and applying.
const FOUNDATION_ENDPOINTS: &[&str] = &[
    "apigateway",
    "applicationautoscaling",
    "cloudwatch",
    "logs",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "iam",
    "opensearchserverless",
    "s3",
    "secretsmanager",
    "sns",
    "sts",
];

/// checkov in a virtual environment under the tests' scratch folder, installed once per build
/// folder; `None` (said on stderr) where it cannot be installed.
fn checkov() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("checkov-3.3.30");
            let bin = venv.join("bin/checkov");
            if bin.is_file() {
                return Some(bin);
            }
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .output()
                .is_ok_and(|o| o.status.success());
            let installed = made
                && Command::new(venv.join("bin/pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check", CHECKOV])
                    .output()
                    .is_ok_and(|o| o.status.success());
            if !installed || !bin.is_file() {
                eprintln!(
                    "skipping the checkov comparison: python3 -m venv and pip install {CHECKOV} failed (no PyPI?)"
                );
                let _ = std::fs::remove_dir_all(&venv);
                return None;
            }
            Some(bin)
        })
        .clone()
}

/// checkov's verdicts on a JSON plan, one line each: `F CHECK ADDRESS` or `P CHECK ADDRESS`.
fn findings(checkov: &Path, plan_json: &Path) -> BTreeSet<String> {
    let out = Command::new(checkov)
        .args([
            "--framework",
            "terraform_plan",
            "--output",
            "json",
            "--skip-download",
            "-f",
        ])
        .arg(plan_json)
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("checkov runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}):\n{}", text(&out)));
    let report = if doc.is_array() { doc[0].clone() } else { doc };
    assert_eq!(
        report["summary"]["parsing_errors"],
        0,
        "checkov could not parse {}",
        plan_json.display()
    );
    let mut set = BTreeSet::new();
    for (key, tag) in [("failed_checks", "F"), ("passed_checks", "P")] {
        for c in report["results"][key].as_array().cloned().unwrap_or_default() {
            set.insert(format!(
                "{tag} {} {}",
                c["check_id"].as_str().unwrap(),
                c["resource"].as_str().unwrap()
            ));
        }
    }
    set
}

fn recorded(plan: &str) -> BTreeSet<String> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/checkov/{plan}.txt"));
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Terraform's JSON plan of `plans/<plan>` against the emulator, in `dir`.
fn terraform_plan_json(tf: &Terraform, plan: &str, services: &[&str], dir: &Path) -> PathBuf {
    let stack = Stack::from_plan(plan, "cktf");
    std::fs::write(
        stack.path.join("zz_emulator_override.tf"),
        provider_override_for(services),
    )
    .unwrap();
    let ok = |args: &[&str]| {
        let out = tf.run_in(&stack.path, args);
        assert!(out.status.success(), "terraform {args:?} failed:\n{}", text(&out));
        out
    };
    ok(&["init", "-input=false", "-no-color"]);
    ok(&[
        "plan",
        "-input=false",
        "-no-color",
        "-var",
        "name=policy",
        "-out=tf.plan",
    ]);
    let shown = ok(&["show", "-json", "tf.plan"]);
    let file = dir.join("terraform.plan.json");
    std::fs::write(&file, &shown.stdout).unwrap();
    file
}

/// infractl's JSON plan of `plans/<plan>` against the emulator, in `dir`.
fn infractl_plan_json(plan: &str, dir: &Path) -> PathBuf {
    let stack = Stack::from_plan(plan, "ck");
    let plan_file = dir.join("infractl.plan");
    let plan_arg = plan_file.to_str().unwrap();
    let out = stack.run(&["plan", "-var", "name=policy", "-out", plan_arg]);
    assert!(out.status.success(), "infractl plan failed:\n{}", text(&out));
    let out = stack.run(&["show", "-json", plan_arg]);
    assert!(out.status.success(), "infractl show -json failed:\n{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show -json prints JSON");
    assert_eq!(doc["format_version"], "1.2");
    let file = dir.join("infractl.plan.json");
    std::fs::write(&file, &out.stdout).unwrap();
    file
}

/// The verdicts of `tests/fixtures/rego/plan_policy.rego` (package `infractl.plan`) on a JSON
/// plan, evaluated by the Rego interpreter OPA's language defines.
fn rego_verdicts(plan_json: &Path) -> serde_json::Value {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rego");
    let policy = std::fs::read_to_string(fixtures.join("plan_policy.rego")).unwrap();
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("plan_policy.rego".into(), policy)
        .expect("the policy parses");
    let input = regorus::Value::from_json_str(&std::fs::read_to_string(plan_json).unwrap()).expect("the plan is JSON");
    engine.set_input(input);
    let results = engine
        .eval_query("data.infractl.plan".into(), false)
        .expect("the policy evaluates");
    let verdicts = &results.result[0].expressions[0].value;
    serde_json::from_str(&verdicts.to_json_str().unwrap()).unwrap()
}

fn recorded_verdicts(plan: &str) -> serde_json::Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/rego/{plan}.json"));
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

async fn same_findings(plan: &str, services: &[&str]) {
    let scratch = tempfile::tempdir().unwrap();
    let ours_file = infractl_plan_json(plan, scratch.path());
    let theirs_file = Terraform::find(&format!("the policy comparisons of plans/{plan}"))
        .map(|tf| terraform_plan_json(&tf, plan, services, scratch.path()));

    // A Rego policy gives the same verdicts on both plans.
    let ours = rego_verdicts(&ours_file);
    assert!(
        ours["deny"].as_array().is_some_and(|d| !d.is_empty()),
        "the policy denies nothing in infractl's plan of {plan}: {ours:#}"
    );
    let expected = match &theirs_file {
        Some(f) => {
            let live = rego_verdicts(f);
            if std::env::var("INFRACTL_RECORD_FIXTURES").is_ok() {
                let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/rego/{plan}.json"));
                std::fs::write(file, serde_json::to_string_pretty(&live).unwrap() + "\n").unwrap();
            }
            assert_eq!(
                live,
                recorded_verdicts(plan),
                "tests/fixtures/rego/{plan}.json no longer holds the policy's verdicts on Terraform's plan"
            );
            live
        }
        None => recorded_verdicts(plan),
    };
    assert_eq!(
        ours, expected,
        "the Rego policy's verdicts on infractl's JSON plan of {plan} differ from those on Terraform's"
    );

    // checkov finds the same failed and passed checks.
    let Some(checkov) = checkov() else {
        return;
    };
    let ours = findings(&checkov, &ours_file);
    assert!(
        ours.iter().any(|f| f.starts_with("F ")),
        "checkov found no failed check at all in infractl's plan of {plan}"
    );
    let expected = match &theirs_file {
        Some(f) => {
            let live = findings(&checkov, f);
            assert_eq!(
                live,
                recorded(plan),
                "tests/fixtures/checkov/{plan}.txt no longer holds checkov's findings on Terraform's plan"
            );
            live
        }
        None => recorded(plan),
    };
    let missing: Vec<&String> = expected.difference(&ours).collect();
    let extra: Vec<&String> = ours.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "checkov's findings on infractl's JSON plan of {plan} differ from those on Terraform's:\nonly on Terraform's: {missing:#?}\nonly on infractl's: {extra:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn policy_tools_judge_infractl_plans_as_they_judge_terraform_plans_network() {
    same_findings("network", crate::interop::TF_ENDPOINTS).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn policy_tools_judge_infractl_plans_as_they_judge_terraform_plans_foundation() {
    same_findings("foundation", FOUNDATION_ENDPOINTS).await;
}
