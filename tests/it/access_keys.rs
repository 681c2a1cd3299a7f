//! IAM access keys: a user's key whose secret and SES SMTP password are handed to a Secrets
//! Manager secret. Checked against what the emulator holds (ListAccessKeys, the secret's
//! value: the key's id, its 40-character secret, and the SMTP password derived from that
//! secret as AWS documents), with the secret sealed in state (never in the clear); `status`
//! changed in place and drift put back; the user forcing a new key; imported by the key id;
//! destroyed; the same blueprint applied by Terraform then planned clean by infractl; a bad
//! status and a `pgp_key` (not implemented) refused at `validate`.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_iam::types::StatusType;
use infractl::provider::aws::iam::access_key::ses_smtp_password_v4;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "status" {
  type    = string
  default = "Active"
}

variable "owner" {
  type    = string
  default = "ci"
}

resource "aws_iam_user" "ci" {
  name = "${var.name}-ci"
}

resource "aws_iam_user" "deploy" {
  name = "${var.name}-deploy"
}

locals {
  users = {
    ci     = aws_iam_user.ci.name
    deploy = aws_iam_user.deploy.name
  }
}

resource "aws_iam_access_key" "ci" {
  user   = local.users[var.owner]
  status = var.status
}

resource "aws_secretsmanager_secret" "ci" {
  name                    = "${var.name}-ci-key"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "ci" {
  secret_id = aws_secretsmanager_secret.ci.id
  secret_string = jsonencode({
    id     = aws_iam_access_key.ci.id
    secret = aws_iam_access_key.ci.secret
    smtp   = aws_iam_access_key.ci.ses_smtp_password_v4
  })
}
"#;

/// The access keys IAM lists for a user: (id, status).
async fn keys(iam: &aws_sdk_iam::Client, user: &str) -> Vec<(String, StatusType)> {
    match iam.list_access_keys().user_name(user).send().await {
        Ok(out) => out
            .access_key_metadata()
            .iter()
            .map(|k| {
                (
                    k.access_key_id().unwrap_or_default().to_string(),
                    k.status().cloned().unwrap(),
                )
            })
            .collect(),
        Err(_) => vec![],
    }
}

/// The secret's current value, as JSON.
async fn secret_value(sm: &aws_sdk_secretsmanager::Client, name: &str) -> serde_json::Value {
    let out = sm.get_secret_value().secret_id(name).send().await.unwrap();
    serde_json::from_str(out.secret_string().unwrap()).unwrap()
}

fn attrs(stack: &Stack, address: &str) -> serde_json::Value {
    stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))["attributes"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_access_key_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-var", var.as_str()]);
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let user = format!("{name}-ci");
    let id = stack.state_id("aws_iam_access_key.ci");
    assert_eq!(keys(&iam, &user).await, [(id.clone(), StatusType::Active)]);
    let held = secret_value(&sm, &format!("{name}-ci-key")).await;
    assert_eq!(held["id"], id.as_str());
    let secret = held["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 40, "{held}");
    assert_eq!(held["smtp"], ses_smtp_password_v4(&secret, REGION).as_str());
    // State holds the secrets sealed, never in the clear.
    let a = attrs(&stack, "aws_iam_access_key.ci");
    assert!(a["secret"].as_str().unwrap().starts_with("infractl-sealed:"), "{a}");
    assert!(
        a["ses_smtp_password_v4"]
            .as_str()
            .unwrap()
            .starts_with("infractl-sealed:"),
        "{a}"
    );
    assert_eq!(a["user"], user.as_str());
    assert_eq!(a["status"], "Active");
    assert!(a["create_date"].as_str().unwrap().ends_with('Z'), "{a}");
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state.contains(&secret), "the secret is in state");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: deactivated, the same key, the secret unchanged.
    let inactive = ["-var", "status=Inactive"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &inactive].concat()), 2);
    assert!(
        shown.contains("aws_iam_access_key.ci will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &inactive].concat()), 0);
    assert_eq!(keys(&iam, &user).await, [(id.clone(), StatusType::Inactive)]);
    assert_eq!(
        secret_value(&sm, &format!("{name}-ci-key")).await["secret"],
        secret.as_str()
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &inactive].concat()), 0);

    // Drift: reactivated by hand, found and put back.
    iam.update_access_key()
        .user_name(&user)
        .access_key_id(&id)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &inactive].concat()), 2);
    assert!(shown.contains("\"Active\" -> \"Inactive\""), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &inactive].concat()), 0);
    assert_eq!(keys(&iam, &user).await, [(id.clone(), StatusType::Inactive)]);

    // Another user forces a new key: the old one deleted, the secret holding the new one.
    let moved = [&inactive[..], &["-var", "owner=deploy"]].concat();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &moved].concat()), 2);
    assert!(shown.contains("aws_iam_access_key.ci must be replaced"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &moved].concat()), 0);
    assert_eq!(keys(&iam, &user).await, vec![]);
    let new_id = stack.state_id("aws_iam_access_key.ci");
    assert_ne!(new_id, id);
    assert_eq!(
        keys(&iam, &format!("{name}-deploy")).await,
        [(new_id.clone(), StatusType::Inactive)]
    );
    let held = secret_value(&sm, &format!("{name}-ci-key")).await;
    assert_eq!(held["id"], new_id.as_str());
    let new_secret = held["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    assert_eq!(held["smtp"], ses_smtp_password_v4(new_secret, REGION).as_str());
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &moved].concat()), 0);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &moved].concat()), 0);
    assert_eq!(keys(&iam, &format!("{name}-deploy")).await, vec![]);
    assert!(iam
        .get_access_key_last_used()
        .access_key_id(&new_id)
        .send()
        .await
        .is_err());
}

const PLAIN: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_iam_user" "ci" {
  name = "${var.name}-ci"
}

resource "aws_iam_access_key" "ci" {
  user   = aws_iam_user.ci.name
  status = "Inactive"
}
"#;

/// Imported by its id (the user found by GetAccessKeyLastUsed): the same key, a clean plan,
/// no secret (IAM never hands it out again, as for Terraform).
#[tokio::test(flavor = "multi_thread")]
async fn an_access_key_is_imported_by_its_id() {
    let stack = Stack::from_files(&[("main.tf", PLAIN)]);
    let var = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    let user = format!("{}-ci", stack.name);
    let id = stack.state_id("aws_iam_access_key.ci");
    assert_eq!(keys(&iam, &user).await, [(id.clone(), StatusType::Inactive)]);
    stack.reimport_all(&["-var", &var]);
    assert_eq!(stack.state_id("aws_iam_access_key.ci"), id);
    let a = attrs(&stack, "aws_iam_access_key.ci");
    assert_eq!(a["user"], user.as_str());
    assert_eq!(a["status"], "Inactive");
    assert!(a["secret"].is_null(), "{a}");
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert_eq!(keys(&iam, &user).await, vec![]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the access key blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["iam", "sts", "secretsmanager"], &["-var", &var]);
    let conf = sdk_config(REGION).await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let user = format!("{}-ci", stack.name);
    let live = keys(&iam, &user).await;
    assert_eq!(live.len(), 1);
    // Terraform's derivation of the SMTP password and infractl's agree.
    let held = secret_value(
        &aws_sdk_secretsmanager::Client::new(&conf),
        &format!("{}-ci-key", stack.name),
    )
    .await;
    assert_eq!(
        held["smtp"],
        ses_smtp_password_v4(held["secret"].as_str().unwrap(), REGION).as_str()
    );
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert_eq!(keys(&iam, &user).await, vec![]);
}

/// A status IAM does not have, and a `pgp_key` (not implemented), refused by `validate` at
/// their lines before any call.
#[test]
fn a_bad_status_and_a_pgp_key_are_refused_at_validate() {
    let head = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_iam_access_key\" \"bad\" {\n  user   = \"someone\"\n";
    let stack = Stack::from_files(&[("main.tf", &format!("{head}  status = \"Disabled\"\n}}\n"))]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("status"), "{shown}");
    assert!(shown.contains("Disabled"), "{shown}");
    let stack = Stack::from_files(&[("main.tf", &format!("{head}  pgp_key = \"keybase:someone\"\n}}\n"))]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("pgp_key"), "{shown}");
}
