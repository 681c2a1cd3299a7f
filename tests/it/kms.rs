//! Customer-managed KMS keys: a key whose policy lets CloudWatch Logs use it, with rotation on
//! a period of its own, an alias, the data sources that look both up, and a log group encrypted
//! with the key found through its alias. Checked against what the emulator holds, changed in
//! place (description, rotation period, the alias moved to another key given by ARN), drift
//! put back, imported by Terraform's ids, destroyed (keys left pending deletion, as AWS does,
//! aliases gone); and the same blueprint applied by Terraform, then planned by infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, provider_override_for};
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_kms::types::KeyState;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "description" {
  type    = string
  default = "logs key"
}

variable "rotation_days" {
  type    = number
  default = 180
}

variable "alias_target" {
  type    = string
  default = "logs"
}

data "aws_caller_identity" "me" {}

data "aws_region" "here" {}

resource "aws_kms_key" "logs" {
  description             = var.description
  deletion_window_in_days = 7
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Logs"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.here.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
      },
    ]
  })

  tags = { Name = var.name }
}

resource "aws_kms_key" "spare" {
  description             = "spare"
  deletion_window_in_days = 7
}

locals {
  # The alias takes a key id or a key ARN alike.
  targets = {
    logs  = aws_kms_key.logs.key_id
    spare = aws_kms_key.spare.arn
  }
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${var.name}-logs"
  target_key_id = local.targets[var.alias_target]
}

data "aws_kms_alias" "logs" {
  name = aws_kms_alias.logs.name
}

data "aws_kms_key" "by_alias" {
  key_id = aws_kms_alias.logs.name
}

resource "aws_cloudwatch_log_group" "app" {
  name       = "/${var.name}/app"
  kms_key_id = data.aws_kms_key.by_alias.arn
}

output "alias_target" {
  value = data.aws_kms_alias.logs.target_key_id
}

output "key_state" {
  value = data.aws_kms_key.by_alias.key_state
}
"#;

/// A key's metadata as the emulator describes it.
pub(crate) async fn metadata(kms: &aws_sdk_kms::Client, id: &str) -> aws_sdk_kms::types::KeyMetadata {
    kms.describe_key()
        .key_id(id)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
}

/// The alias named `name` and the key it points at, as the emulator lists them.
async fn alias_target(kms: &aws_sdk_kms::Client, name: &str) -> Option<String> {
    let out = kms.list_aliases().send().await.unwrap();
    out.aliases()
        .iter()
        .find(|a| a.alias_name() == Some(name))
        .map(|a| a.target_key_id().unwrap_or_default().to_string())
}

/// The KMS key ARN the log group is encrypted with.
async fn log_group_key(logs: &aws_sdk_cloudwatchlogs::Client, name: &str) -> Option<String> {
    let out = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .unwrap();
    out.log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .and_then(|g| g.kms_key_id().map(str::to_string))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_with_rotation_an_alias_and_a_consumer_lives_and_dies_as_on_aws() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("4 added, 0 changed, 0 destroyed"), "{shown}");

    let conf = sdk_config("us-east-1").await;
    let kms = aws_sdk_kms::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let key = stack.state_id("aws_kms_key.logs");
    let spare = stack.state_id("aws_kms_key.spare");
    let m = metadata(&kms, &key).await;
    assert_eq!(m.description(), Some("logs key"));
    assert_eq!(m.key_state(), Some(&KeyState::Enabled));
    assert_eq!(m.key_usage().map(|u| u.as_str()), Some("ENCRYPT_DECRYPT"));
    let policy = kms
        .get_key_policy()
        .key_id(&key)
        .policy_name("default")
        .send()
        .await
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    assert_eq!(
        policy["Statement"][1]["Principal"]["Service"],
        "logs.us-east-1.amazonaws.com"
    );
    let rotation = kms.get_key_rotation_status().key_id(&key).send().await.unwrap();
    assert!(rotation.key_rotation_enabled());
    assert_eq!(rotation.rotation_period_in_days(), Some(180));
    let tags = kms.list_resource_tags().key_id(&key).send().await.unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.tag_key() == "Name" && t.tag_value() == stack.name));
    let alias = format!("alias/{}-logs", stack.name);
    assert_eq!(alias_target(&kms, &alias).await.as_deref(), Some(key.as_str()));
    let key_arn = m.arn().unwrap().to_string();
    let group = format!("/{}/app", stack.name);
    assert_eq!(log_group_key(&logs, &group).await.as_deref(), Some(key_arn.as_str()));
    let outputs = expect_code(&stack.run(&["output", "-json"]), 0);
    let outputs: serde_json::Value = serde_json::from_str(&outputs).unwrap();
    assert_eq!(outputs["alias_target"]["value"], key.as_str());
    assert_eq!(outputs["key_state"]["value"], "Enabled");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Description, rotation period and the alias's key change in place; the log group follows
    // the alias to the other key.
    let changed = [
        "-var",
        "description=logs key v2",
        "-var",
        "rotation_days=365",
        "-var",
        "alias_target=spare",
    ];
    let shown = expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert!(
        shown.contains(" 0 added, ") && shown.contains(", 0 destroyed"),
        "{shown}"
    );
    let m = metadata(&kms, &key).await;
    assert_eq!(m.description(), Some("logs key v2"));
    let rotation = kms.get_key_rotation_status().key_id(&key).send().await.unwrap();
    assert_eq!(rotation.rotation_period_in_days(), Some(365));
    assert_eq!(alias_target(&kms, &alias).await.as_deref(), Some(spare.as_str()));
    let spare_arn = metadata(&kms, &spare).await.arn().unwrap().to_string();
    assert_eq!(log_group_key(&logs, &group).await.as_deref(), Some(spare_arn.as_str()));
    assert_eq!(
        stack.state_id("aws_kms_key.logs"),
        key,
        "the key was changed, not replaced"
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: rotation turned off and the description changed behind infractl's back.
    kms.disable_key_rotation().key_id(&key).send().await.unwrap();
    kms.update_key_description()
        .key_id(&key)
        .description("edited by hand")
        .send()
        .await
        .unwrap();
    let plan = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(plan.contains("aws_kms_key.logs will be updated in-place"), "{plan}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let rotation = kms.get_key_rotation_status().key_id(&key).send().await.unwrap();
    assert!(rotation.key_rotation_enabled());
    assert_eq!(rotation.rotation_period_in_days(), Some(365));
    let m = metadata(&kms, &key).await;
    assert_eq!(m.description(), Some("logs key v2"));

    // Imported by Terraform's ids (key id, alias name): deletion_window_in_days lives only in
    // state, so the import records it with a change of state alone, then plans clean.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(changed);
    stack.reimport_all(&vars);

    // Destroy leaves the keys pending deletion, as AWS does, and no alias.
    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    for id in [&key, &spare] {
        let m = metadata(&kms, id).await;
        assert_eq!(m.key_state(), Some(&KeyState::PendingDeletion), "{id}");
        assert!(m.deletion_date().is_some());
    }
    assert_eq!(alias_target(&kms, &alias).await, None);
    assert_eq!(log_group_key(&logs, &group).await, None);
}

#[test]
fn the_blueprint_is_valid_terraform() {
    let Some(tf) = Terraform::init("the KMS blueprint") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), BLUEPRINT).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform validate:\n{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the KMS blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    std::fs::write(
        stack.path.join("zz_emulator_override.tf"),
        provider_override_for(&["kms", "logs", "sts", "iam"]),
    )
    .unwrap();
    let var = format!("name={}", stack.name);
    let tf_ok = |args: &[&str]| {
        let out = tf.run_in(&stack.path, &[args, &["-input=false", "-no-color"]].concat());
        assert!(out.status.success(), "terraform {args:?}:\n{}", text(&out));
    };
    tf_ok(&["init"]);
    tf_ok(&["apply", "-auto-approve", "-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_kms_key" "data" {
  description             = "${var.name} data"
  deletion_window_in_days = 7
}
"#;

/// Keys of this description that are not pending deletion.
async fn live_keys(kms: &aws_sdk_kms::Client, description: &str) -> Vec<String> {
    let mut found = Vec::new();
    for k in kms.list_keys().send().await.unwrap().keys() {
        let id = k.key_id().unwrap();
        let m = metadata(kms, id).await;
        if m.description() == Some(description) && m.key_state() != Some(&KeyState::PendingDeletion) {
            found.push(id.to_string());
        }
    }
    found
}

/// Keys have no unique name: a key whose CreateKey answer never came back (the run was killed)
/// is found by the stack and address tags CreateKey carried, and adopted, not made twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_created_by_a_killed_run_is_adopted_by_its_tags() {
    use crate::support::CountingProxy;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    proxy.set_faults(serde_json::json!({ "hold": ["kms:CreateKey"] }));
    let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
        .args(["-chdir", stack.path.to_str().unwrap(), "apply", "-auto-approve", &var])
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("INFRACTL_STATE_DIR", stack.state_file().parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !proxy.held().contains_key("kms:CreateKey") {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the apply ended before its create was held"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "CreateKey never reached the emulator"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.set_faults(serde_json::json!({ "hold": [] }));

    let kms = aws_sdk_kms::Client::new(&sdk_config("us-east-1").await);
    let description = format!("{} data", stack.name);
    let made = live_keys(&kms, &description).await;
    assert_eq!(made.len(), 1, "the killed create made the key");

    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(shown.contains("aws_kms_key.data: adopting"), "{shown}");
    assert_eq!(
        live_keys(&kms, &description).await,
        made,
        "a second key was made:\n{shown}"
    );
    assert_eq!(stack.state_id("aws_kms_key.data"), made[0]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(live_keys(&kms, &description).await.is_empty());
}

const SEPARATE_POLICY: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

data "aws_caller_identity" "me" {}

resource "aws_kms_key" "data" {
  description             = "${var.name} data"
  deletion_window_in_days = 7
}

resource "aws_kms_key_policy" "data" {
  key_id = aws_kms_key.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Logs"
        Effect    = "Allow"
        Principal = { Service = "logs.us-east-1.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  })
}
"#;

/// The Sids of a key's policy statements.
async fn policy_sids(kms: &aws_sdk_kms::Client, id: &str) -> Vec<String> {
    let out = kms
        .get_key_policy()
        .key_id(id)
        .policy_name("default")
        .send()
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(out.policy().unwrap()).unwrap();
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A key policy managed apart from its key: the key plans clean beside it (its policy is
/// computed when unset), and removing the policy resource puts back AWS's default policy.
#[tokio::test(flavor = "multi_thread")]
async fn a_separate_key_policy_replaces_and_restores_the_default() {
    let stack = Stack::from_files(&[("main.tf", SEPARATE_POLICY)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let kms = aws_sdk_kms::Client::new(&sdk_config("us-east-1").await);
    let key = stack.state_id("aws_kms_key.data");
    assert_eq!(stack.state_id("aws_kms_key_policy.data"), key);
    assert_eq!(policy_sids(&kms, &key).await, ["Account", "Logs"]);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Imported by the key id, it plans clean.
    stack.reimport_all(&["-var", &var]);

    let text = std::fs::read_to_string(stack.path.join("main.tf")).unwrap();
    let cut = text.find("resource \"aws_kms_key_policy\"").unwrap();
    std::fs::write(stack.path.join("main.tf"), &text[..cut]).unwrap();
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert_eq!(policy_sids(&kms, &key).await, ["Enable IAM User Permissions"]);
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert_eq!(metadata(&kms, &key).await.key_state(), Some(&KeyState::PendingDeletion));
}
