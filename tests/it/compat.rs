//! The compatibility suite (`tests/compat/`): configurations Terraform accepts must be accepted
//! by `infractl validate`, without any AWS call. Where Terraform is installed, each folder is
//! also checked with `terraform validate`, so the suite itself stays valid Terraform.

use crate::support::{text, Stack, Terraform};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn every_compat_configuration_validates_in_infractl() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(!cases.is_empty());
    for case in &cases {
        let stack = Stack::from_dir(case);
        // An unreachable endpoint: validate must not call AWS.
        let out = stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9");
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if out.status.code() != Some(0) {
            failures.push(format!("{name}:\n{}", text(&out)));
        }
    }
    println!(
        "infractl validate: {} of {} configurations accepted",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "refused:\n{}", failures.join("\n"));
}

#[test]
fn every_compat_configuration_is_valid_terraform() {
    let Some(tf) = Terraform::find("the compatibility suite") else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if let Ok(why) = std::fs::read_to_string(case.join("NOT_TERRAFORM_CHECKED")) {
            println!(
                "{name}: Terraform check skipped: {}",
                why.lines().next().unwrap_or_default()
            );
            continue;
        }
        let stack = Stack::from_dir(&case);
        let init = tf.run_in(&stack.path, &["init", "-backend=false", "-input=false", "-no-color"]);
        if !init.status.success() {
            failures.push(format!("{name}: terraform init failed:\n{}", text(&init)));
            continue;
        }
        let out = tf.run_in(&stack.path, &["validate", "-no-color"]);
        checked += 1;
        if !out.status.success() {
            failures.push(format!("{name}: terraform validate failed:\n{}", text(&out)));
        }
    }
    println!("terraform validate: {checked} configurations checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
