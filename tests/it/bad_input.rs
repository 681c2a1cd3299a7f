//! Bad blueprints fail with exit code 1, a message naming file:line, no AWS call (the endpoint
//! is unreachable on purpose), and no state written.

use crate::support::{expect_code, text, Stack};

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
fn unknown_retry_mode() {
    check(
        &[(
            "main.tf",
            "\nprovider \"aws\" {\n  region     = \"us-east-1\"\n  retry_mode = \"eager\"\n}\n",
        )],
        &["plan"],
        "retry_mode must be \"standard\" or \"adaptive\", not \"eager\"",
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
    let out = stack.run_with_endpoint(&["plan", "-var", "token=canary-s3cr3t-value"], NOWHERE);
    let text = expect_code(&out, 0);
    assert!(!text.contains("canary-s3cr3t-value"), "secret printed:\n{text}");
    assert!(text.contains("(sensitive value)"), "{text}");
    // The JSON plan marks the values in `after_sensitive`, as Terraform's does, and leaves
    // them out of `after`.
    let out = stack.run_with_endpoint(&["plan", "-json", "-var", "token=canary-s3cr3t-value"], NOWHERE);
    let text = expect_code(&out, 0);
    assert!(!text.contains("canary-s3cr3t-value"), "secret printed:\n{text}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("a JSON plan");
    let change = &json["resource_changes"][0];
    assert_eq!(change["after_sensitive"]["tags"]["Token"], true, "{text}");
    assert_eq!(change["after_sensitive"]["tags"]["Url"], true, "{text}");
}

const WILDCARD_POLICIES: &str = r#"
data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "Everything"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = data.aws_iam_policy_document.admin.json
}

resource "aws_iam_role" "task" {
  name = "task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "logs" {
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Tables", Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:us-east-1:000000000000:table/t" },
      { Sid = "Logs", Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" },
    ]
  })
}
"#;

#[test]
fn validate_warns_on_wildcard_policies_and_strict_fails() {
    let stack = Stack::from_files(&[("main.tf", WILDCARD_POLICIES)]);
    // No AWS call: an unreachable endpoint proves it.
    let out = stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9");
    let shown = expect_code(&out, 0);
    assert!(shown.contains("with 2 warning(s)"), "{shown}");
    assert!(
        shown.contains("data.aws_iam_policy_document.admin")
            && shown.contains("statement \"Everything\" allows every action (\"*\") on every resource")
            && shown.contains("main.tf:2"),
        "{shown}"
    );
    assert!(
        shown.contains("aws_iam_role_policy.logs")
            && shown.contains("statement \"Logs\" allows its actions on every resource"),
        "{shown}"
    );
    assert!(!shown.contains("Tables"), "{shown}");
    let strict = text(&stack.run_with_endpoint(&["validate", "-strict"], "http://127.0.0.1:9"));
    assert_eq!(
        stack
            .run_with_endpoint(&["validate", "-strict"], "http://127.0.0.1:9")
            .status
            .code(),
        Some(1),
        "{strict}"
    );
    assert!(
        strict.contains("2 warning(s), and -strict makes warnings errors"),
        "{strict}"
    );
}
