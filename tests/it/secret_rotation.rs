//! Secrets Manager rotation (`aws_secretsmanager_secret_rotation`, as the rds and
//! secrets-manager modules declare it): checked against what the emulator holds
//! (DescribeSecret): a schedule expression with a window, changed in place to a day count,
//! turned off behind infractl's back and put back, imported, a change of `rotate_immediately`
//! alone recorded without rotating again, removed alone (the secret stays, rotation off); a
//! secret with no rotation function refused with AWS's error; the same blueprint applied by
//! Terraform then planned clean by infractl; bad rules refused at `validate` as Terraform does.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{
    each_case_refused_at_validate, expect_code, sdk_config, write_zip, Stack, Terraform, LAMBDA_ROLE_TF,
};
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "days" {
  type    = number
  default = null
}

variable "schedule" {
  type    = string
  default = "rate(10 days)"
}

variable "rotate" {
  type    = bool
  default = true
}

variable "now" {
  type    = bool
  default = null
}

resource "aws_lambda_function" "rotate" {
  function_name    = "${var.name}-rotate"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "${var.name}-db"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = "first"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  count               = var.rotate ? 1 : 0
  secret_id           = aws_secretsmanager_secret_version.db.arn
  rotation_lambda_arn = aws_lambda_function.rotate.arn
  rotate_immediately  = var.now

  rotation_rules {
    automatically_after_days = var.days
    schedule_expression      = var.days == null ? var.schedule : null
    duration                 = var.days == null ? "3h" : null
  }
}
"#;

fn stack(files: &[(&str, &str)]) -> Stack {
    let stack = Stack::from_files(files);
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(e, c):\n    return None\n",
    );
    stack
}

async fn describe(sm: &aws_sdk_secretsmanager::Client, secret: &str) -> DescribeSecretOutput {
    sm.describe_secret()
        .secret_id(secret)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DescribeSecret {secret}: {e:?}"))
}

/// Whether rotation is on, with the function, day count, schedule and window the emulator holds.
async fn held(
    sm: &aws_sdk_secretsmanager::Client,
    secret: &str,
) -> (bool, Option<String>, Option<i64>, Option<String>, Option<String>) {
    let out = describe(sm, secret).await;
    let rules = out.rotation_rules();
    (
        out.rotation_enabled().unwrap_or(false),
        out.rotation_lambda_arn().map(str::to_string),
        rules.and_then(|r| r.automatically_after_days()),
        rules.and_then(|r| r.schedule_expression()).map(str::to_string),
        rules.and_then(|r| r.duration()).map(str::to_string),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_lives_its_whole_life() {
    // The secret_id is the version's `arn` (the secret's), so rotation waits for a value.
    let stack = stack(&[("main.tf", BLUEPRINT), ("role.tf", LAMBDA_ROLE_TF)]);
    let var = format!("name={}", stack.name);
    let with = |extra: &[&'static str]| [extra, &["-var", var.as_str()]].concat();
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config(REGION).await);
    let address = "aws_secretsmanager_secret_rotation.db[0]";

    expect_code(&stack.run(&with(&["apply", "-auto-approve"])), 0);
    let secret = stack.state_id("aws_secretsmanager_secret.db");
    let function = stack.state_str("aws_lambda_function.rotate", "arn");
    assert_eq!(stack.state_id(address), secret);
    let (on, lambda, _, schedule, window) = held(&sm, &secret).await;
    assert!(on, "rotation is on after apply");
    assert_eq!(lambda.as_deref(), Some(function.as_str()));
    assert_eq!(schedule.as_deref(), Some("rate(10 days)"));
    assert_eq!(window.as_deref(), Some("3h"));
    assert_eq!(stack.state_attr(address, "rotation_enabled"), serde_json::json!(true));
    assert_eq!(stack.state_attr(address, "rotate_immediately"), serde_json::json!(true));
    expect_code(&stack.run(&with(&["plan", "-detailed-exitcode"])), 0);

    // A day count instead of the schedule: changed in place.
    stack.changes_in_place(address, &with(&["-var", "days=30"]));
    let (on, _, days, schedule, window) = held(&sm, &secret).await;
    assert!(on);
    assert_eq!((days, schedule, window), (Some(30), None, None));

    // Turned off behind infractl's back: found, and turned back on in place.
    sm.cancel_rotate_secret().secret_id(&secret).send().await.unwrap();
    assert!(!held(&sm, &secret).await.0);
    stack.changes_in_place(address, &with(&["-var", "days=30"]));
    assert_eq!(held(&sm, &secret).await.2, Some(30));

    // rotate_immediately alone: recorded in place, with no new rotation (no new version).
    let versions = describe(&sm, &secret).await.version_ids_to_stages().map(|m| m.len());
    stack.changes_in_place(address, &with(&["-var", "days=30", "-var", "now=false"]));
    assert_eq!(
        describe(&sm, &secret).await.version_ids_to_stages().map(|m| m.len()),
        versions
    );
    assert_eq!(
        stack.state_attr(address, "rotate_immediately"),
        serde_json::json!(false)
    );

    // Imported with everything else: the same id, and the rules read back.
    stack.reimport_all_but(&[], &with(&["-var", "days=30", "-var", "now=false"]));
    assert_eq!(stack.state_id(address), secret);

    // Removed alone: the secret stays, with rotation off.
    let off = with(&["-var", "days=30", "-var", "rotate=false"]);
    let shown = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &off].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert!(
        !held(&sm, &secret).await.0,
        "rotation is off once its resource is destroyed"
    );

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &off].concat()), 0);
    assert!(sm.describe_secret().secret_id(&secret).send().await.is_err());
}

/// A secret no service manages, with no rotation function: Secrets Manager's refusal, with
/// the resource's address, and nothing recorded for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_without_a_function_is_refused_with_the_aws_error() {
    let blueprint = BLUEPRINT.replace("  rotation_lambda_arn = aws_lambda_function.rotate.arn\n", "");
    let stack = stack(&[("main.tf", &blueprint), ("role.tf", LAMBDA_ROLE_TF)]);
    let var = format!("name={}", stack.name);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 1);
    for part in [
        "aws_secretsmanager_secret_rotation.db[0]",
        "InvalidRequestException",
        "No Lambda rotation function ARN is associated with this secret",
    ] {
        assert!(shown.contains(part), "{part} missing:\n{shown}");
    }
    let state = stack.flat_state();
    let addresses = state["resources"].as_array().unwrap();
    assert!(!addresses
        .iter()
        .any(|r| r["address"] == "aws_secretsmanager_secret_rotation.db[0]"));
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rotation_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the secret rotation blueprint applied by Terraform") else {
        return;
    };
    let stack = stack(&[("main.tf", BLUEPRINT), ("role.tf", LAMBDA_ROLE_TF)]);
    let var = format!("name={}", stack.name);
    terraform_applies(
        &tf,
        &stack,
        &["secretsmanager", "lambda", "iam", "sts"],
        &["-var", &var],
    );
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config(REGION).await);
    let secret = format!("{}-db", stack.name);
    let (on, _, _, schedule, _) = held(&sm, &secret).await;
    assert!(on);
    assert_eq!(schedule.as_deref(), Some("rate(10 days)"));
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(sm.describe_secret().secret_id(&secret).send().await.is_err());
}

/// Both a day count and a schedule, neither, a day count over 1000, a window with no digit or
/// `h`, and a function that is not an ARN: refused at `validate` at their own lines before any
/// call, as `terraform validate` refuses them.
#[test]
fn bad_rotation_rules_are_refused_at_validate() {
    let secret = "secret_id = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf\"";
    each_case_refused_at_validate(
        "aws_secretsmanager_secret_rotation",
        &[
            &format!("{secret}\n  rotation_rules {{\n    automatically_after_days = 3\n    schedule_expression = \"rate(3 days)\"\n  }}"),
            &format!("{secret}\n  rotation_rules {{\n    duration = \"2h\"\n  }}"),
            &format!("{secret}\n  rotation_rules {{\n    automatically_after_days = 1001\n  }}"),
            &format!("{secret}\n  rotation_rules {{\n    schedule_expression = \"rate(3 days)\"\n    duration = \"--\"\n  }}"),
            &format!("{secret}\n  rotation_lambda_arn = \"rotate-fn\"\n  rotation_rules {{\n    automatically_after_days = 3\n  }}"),
        ],
        "the bad secret rotations",
    );
}
