//! Bad blueprints fail with exit code 1, a message naming file:line, no AWS call (the endpoint
//! is unreachable on purpose), and no state written.

use crate::support::{expect_code, Stack};

const NOWHERE: &str = "http://127.0.0.1:9";

fn check(files: &[(&str, &str)], args: &[&str], expect_message: &str, expect_location: &str) {
    let stack = Stack::from_files(files);
    let out = stack.run_with_endpoint(args, NOWHERE);
    let text = expect_code(&out, 1);
    assert!(text.contains(expect_message), "expected {expect_message:?} in:\n{text}");
    assert!(
        text.contains(expect_location),
        "expected location {expect_location:?} in:\n{text}"
    );
    assert!(
        !text.to_lowercase().contains("dispatch failure"),
        "an AWS call was attempted:\n{text}"
    );
    assert!(!stack.state_file().exists(), "state was written for bad input");
}

#[test]
fn syntax_error() {
    check(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = {\n}\n",
        )],
        &["plan"],
        "Syntax error",
        "main.tf:",
    );
}

#[test]
fn unknown_resource_type() {
    check(
        &[("main.tf", "\nresource \"aws_frobnicator\" \"a\" {\n  name = \"x\"\n}\n")],
        &["plan"],
        "Unsupported resource type \"aws_frobnicator\"",
        "main.tf:2:1",
    );
}

#[test]
fn unknown_attribute() {
    check(
        &[(
            "net.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n  colour = \"blue\"\n}\n",
        )],
        &["apply", "-auto-approve"],
        "Unsupported argument \"colour\"",
        "net.tf:3:3",
    );
}

#[test]
fn wrong_type() {
    check(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = [\"10.0.0.0/16\"]\n}\n",
        )],
        &["plan"],
        "Incorrect attribute value type for \"cidr_block\"",
        "main.tf:2:3",
    );
}

#[test]
fn cycle() {
    check(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = aws_subnet.b.cidr_block\n}\nresource \"aws_subnet\" \"b\" {\n  vpc_id     = aws_vpc.a.id\n  cidr_block = \"10.0.0.0/24\"\n}\n",
        )],
        &["plan"],
        "Cycle",
        "main.tf:",
    );
}

#[test]
fn missing_variable() {
    check(
        &[(
            "main.tf",
            "variable \"cidr\" {\n  type = string\n}\n\nresource \"aws_vpc\" \"a\" {\n  cidr_block = var.cidr\n}\n",
        )],
        &["plan", "-input=false"],
        "No value for required variable \"cidr\"",
        "main.tf:1:1",
    );
}

#[test]
fn undeclared_reference() {
    check(
        &[(
            "main.tf",
            "resource \"aws_subnet\" \"a\" {\n  vpc_id     = aws_vpc.nope.id\n  cidr_block = \"10.0.0.0/24\"\n}\n",
        )],
        &["plan"],
        "Reference to undeclared resource",
        "main.tf:2:16",
    );
}

#[test]
fn apply_without_terminal_needs_auto_approve() {
    let stack = Stack::from_files(&[(
        "main.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )]);
    // Planning needs no call for an empty state; only the confirmation is refused.
    let out = stack.run_with_endpoint(&["apply"], NOWHERE);
    let text = expect_code(&out, 1);
    assert!(text.contains("-auto-approve"), "{text}");
    assert!(!stack.state_file().exists());
}

#[test]
fn sensitive_variable_values_never_reach_plan_output() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
variable "token" {
  type      = string
  sensitive = true
}
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
  tags = {
    Token = var.token
    Url   = "https://user:${var.token}@example.invalid"
  }
}
"#,
    )]);
    for args in [
        &["plan", "-var", "token=canary-s3cr3t-value"][..],
        &["plan", "-json", "-var", "token=canary-s3cr3t-value"],
    ] {
        let out = stack.run_with_endpoint(args, NOWHERE);
        let text = expect_code(&out, 0);
        assert!(!text.contains("canary-s3cr3t-value"), "secret printed:\n{text}");
        assert!(text.contains("(sensitive value)") || text.contains("***"), "{text}");
    }
}
