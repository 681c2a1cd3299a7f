//! `-target` with a `count` not known until apply elsewhere in the blueprint: as in Terraform,
//! a targeted plan expands only what the targets need, so the usual two-step apply of a
//! blueprint whose counts come from another object's attributes (the vpc module's IPAM example)
//! works; a target that needs the unknown count still fails with Terraform's error at its line.

use crate::support::{expect_code, Stack};

const BLUEPRINT: &str = r#"
resource "terraform_data" "seed" {
  input = "seed"
}

resource "terraform_data" "many" {
  count = length(terraform_data.seed.output) > 0 ? 2 : 0
  input = count.index
}

resource "terraform_data" "after_many" {
  input = length(terraform_data.many)
}

resource "terraform_data" "alone" {
  input = "alone"
}
"#;

#[test]
fn a_targeted_plan_leaves_out_counts_its_targets_do_not_need() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let refused = expect_code(&stack.run(&["plan"]), 1);
    assert!(
        refused.contains("Invalid count argument") && refused.contains("main.tf:7"),
        "{refused}"
    );

    let shown = expect_code(&stack.run(&["plan", "-target=terraform_data.alone"]), 0);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    for (target, _) in [("terraform_data.many", ()), ("terraform_data.after_many", ())] {
        let refused = expect_code(&stack.run(&["plan", &format!("-target={target}")]), 1);
        assert!(
            refused.contains("Invalid count argument") && refused.contains("main.tf:7"),
            "{target}: {refused}"
        );
    }

    expect_code(
        &stack.run(&["apply", "-auto-approve", "-target=terraform_data.seed"]),
        0,
    );
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("4 added"), "{shown}");
    let listed = expect_code(&stack.run(&["state", "list"]), 0);
    for a in [
        "terraform_data.many[0]",
        "terraform_data.many[1]",
        "terraform_data.after_many",
        "terraform_data.alone",
    ] {
        assert!(listed.contains(a), "{a} not in state:\n{listed}");
    }
    assert!(expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0).contains("No changes"));
}
