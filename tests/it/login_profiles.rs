//! IAM user login profiles (`aws_iam_user_login_profile`): a console password generated for a
//! user and handed to a Secrets Manager secret. Checked against what the emulator holds
//! (GetLoginProfile and its reset flag; the secret's value: a password of the asked length
//! with every character class), with the password sealed in state (never in the clear); a
//! second plan clean; a new length replacing the profile and its password; a profile deleted
//! behind infractl's back made again; imported by the user's name (with the `ignore_changes`
//! the provider documents for it); destroyed. The same blueprint applied by Terraform plans
//! clean in infractl and the other way round; lengths out of range refused by both tools'
//! `validate`, a `pgp_key` (not implemented) by infractl's.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
variable "length" {
  type    = number
  default = 24
}
resource "aws_iam_user" "u" {
  name          = "${var.name}-console"
  force_destroy = true
}
resource "aws_iam_user_login_profile" "u" {
  user                    = aws_iam_user.u.name
  password_length         = var.length
  password_reset_required = true
}
resource "aws_secretsmanager_secret" "p" {
  name                    = "${var.name}-console-password"
  recovery_window_in_days = 0
}
resource "aws_secretsmanager_secret_version" "p" {
  secret_id     = aws_secretsmanager_secret.p.id
  secret_string = aws_iam_user_login_profile.u.password
}
"#;

/// A user and its profile alone, as the provider documents an imported profile: the arguments
/// IAM never answers ignored.
const PLAIN: &str = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_iam_user" "u" {
  name          = "${var.name}-console"
  force_destroy = true
}
resource "aws_iam_user_login_profile" "u" {
  user = aws_iam_user.u.name
  lifecycle {
    ignore_changes = [password_length, password_reset_required, pgp_key]
  }
}
"#;

/// The user's login profile's reset flag, `None` when the user has no profile.
async fn profile(iam: &aws_sdk_iam::Client, user: &str) -> Option<bool> {
    match iam.get_login_profile().user_name(user).send().await {
        Ok(out) => out.login_profile().map(|p| p.password_reset_required()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => None,
        Err(e) => panic!("GetLoginProfile: {e:?}"),
    }
}

/// What the secret holds: the password handed out.
async fn password(sm: &aws_sdk_secretsmanager::Client, name: &str) -> String {
    let out = sm.get_secret_value().secret_id(name).send().await.unwrap();
    out.secret_string().unwrap().to_string()
}

fn assert_strong(p: &str, length: usize) {
    assert_eq!(p.len(), length, "{p}");
    for class in [
        "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789",
        "!@#$%^&*()_+-=[]{}|'",
    ] {
        assert!(p.chars().any(|c| class.contains(c)), "{p} lacks one of {class}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_profile_password_is_generated_sealed_replaced_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let base = ["-var", var.as_str()];
    let run = |extra: &[&str], a: &[&str]| stack.run(&[a, &base, extra].concat());
    expect_code(&run(&[], &["apply", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let user = format!("{}-console", stack.name);
    let secret = format!("{}-console-password", stack.name);
    let address = "aws_iam_user_login_profile.u";
    assert_eq!(stack.state_id(address), user);
    assert_eq!(profile(&iam, &user).await, Some(true), "the reset flag IAM holds");
    let first = password(&sm, &secret).await;
    assert_strong(&first, 24);
    let sealed = stack.state_attr(address, "password");
    assert!(sealed.as_str().unwrap().starts_with("infractl-sealed:"), "{sealed}");
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state.contains(&first), "the password is in state");
    expect_code(&run(&[], &["plan", "-detailed-exitcode"]), 0);

    // A new length: a new profile, and the new password reaches the secret.
    let longer = ["-var", "length=40"];
    let shown = expect_code(&run(&longer, &["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("must be replaced"), "{shown}");
    expect_code(&run(&longer, &["apply", "-auto-approve"]), 0);
    let second = password(&sm, &secret).await;
    assert_strong(&second, 40);
    assert_ne!(first, second);
    assert_eq!(profile(&iam, &user).await, Some(true));
    expect_code(&run(&longer, &["plan", "-detailed-exitcode"]), 0);

    // Deleted behind infractl's back: made again.
    iam.delete_login_profile().user_name(&user).send().await.unwrap();
    let shown = expect_code(&run(&longer, &["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("will be created"), "{shown}");
    expect_code(&run(&longer, &["apply", "-auto-approve"]), 0);
    assert_eq!(profile(&iam, &user).await, Some(true));
    assert_strong(&password(&sm, &secret).await, 40);

    expect_code(&run(&longer, &["destroy", "-auto-approve"]), 0);
    let gone = iam.get_user().user_name(&user).send().await;
    assert!(gone.is_err(), "the user outlived the destroy");
}

/// Imported by the user's name: the same profile, no password (IAM never hands it out), and
/// a clean plan with the `ignore_changes` the provider documents.
#[tokio::test(flavor = "multi_thread")]
async fn a_login_profile_is_imported_by_its_users_name() {
    let stack = Stack::from_files(&[("main.tf", PLAIN)]);
    let var = format!("name={}", stack.name);
    let base = ["-var", var.as_str()];
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &base].concat()), 0);
    let iam = aws_sdk_iam::Client::new(&sdk_config("us-east-1").await);
    let user = format!("{}-console", stack.name);
    assert_eq!(profile(&iam, &user).await, Some(false), "no reset unless asked");
    stack.reimport_all(&base);
    let address = "aws_iam_user_login_profile.u";
    assert_eq!(stack.state_id(address), user);
    assert!(stack.state_attr(address, "password").is_null());
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &base].concat()), 0);
    assert_eq!(iam.get_user().user_name(&user).send().await.ok().map(|_| ()), None);
}

#[test]
fn terraform_and_infractl_agree_on_a_login_profile_either_way() {
    cross_check(
        "the login profile cross-check",
        BLUEPRINT,
        "login-check",
        None,
        &["iam", "secretsmanager", "sts"],
    );
}

#[test]
fn password_lengths_out_of_range_and_a_pgp_key_are_refused() {
    each_case_refused_at_validate(
        "aws_iam_user_login_profile",
        &[
            "user = \"u\"\n  password_length = 4",
            "user = \"u\"\n  password_length = 129",
        ],
        "login profile lengths",
    );
    let body = "provider \"aws\" { region = \"us-east-1\" }\nresource \"aws_iam_user_login_profile\" \"u\" {\n  user    = \"u\"\n  pgp_key = \"keybase:someone\"\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("pgp_key") && shown.contains("main.tf:"), "{shown}");
    let empty = body.replace("keybase:someone", "");
    let stack = Stack::from_files(&[("main.tf", empty.as_str())]);
    expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 0);
}
