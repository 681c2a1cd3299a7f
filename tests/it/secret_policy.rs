//! Secrets Manager secret policies (`aws_secretsmanager_secret_policy`, as the secrets-manager
//! module's `policy_statements` input writes them): checked against what the emulator holds
//! (GetResourcePolicy): created, changed in place, rewritten and removed behind infractl's back
//! and put back in place, imported, removed alone (the secret stays, with no policy), destroyed
//! with its secret; the same blueprint applied by Terraform then planned clean by infractl; a
//! policy that is not JSON and a secret given by name instead of ARN refused at `validate`, as
//! Terraform refuses them.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "action" {
  type    = string
  default = "secretsmanager:GetSecretValue"
}

variable "attach" {
  type    = bool
  default = true
}

variable "block_public" {
  type    = bool
  default = null
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "${var.name}-db"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_policy" "db" {
  count               = var.attach ? 1 : 0
  secret_arn          = aws_secretsmanager_secret.db.arn
  block_public_policy = var.block_public
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ReadersOfTheAccount"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = var.action
      Resource  = "*"
    }]
  })
}
"#;

/// The policy the emulator holds for the secret, parsed; `None` when it has none.
async fn held(sm: &aws_sdk_secretsmanager::Client, secret: &str) -> Option<serde_json::Value> {
    let out = sm
        .get_resource_policy()
        .secret_id(secret)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetResourcePolicy {secret}: {e:?}"));
    out.resource_policy()
        .map(|p| serde_json::from_str(p).expect("the held policy is JSON"))
}

/// The action of the policy's one statement.
fn action(policy: &serde_json::Value) -> &str {
    policy["Statement"][0]["Action"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_policy_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config(REGION).await);
    let address = "aws_secretsmanager_secret_policy.db[0]";

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let secret = stack.state_id("aws_secretsmanager_secret.db");
    assert!(secret.starts_with("arn:aws:secretsmanager:"), "{secret}");
    let policy = held(&sm, &secret).await.expect("the policy after apply");
    assert_eq!(action(&policy), "secretsmanager:GetSecretValue");
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:root"
    );
    assert_eq!(stack.state_id(address), secret);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another action, then public policies blocked: each the same resource, changed in place.
    let describe = ["-var", "action=secretsmanager:DescribeSecret"];
    stack.changes_in_place(address, &[&describe[..], &["-var", var.as_str()]].concat());
    let policy = held(&sm, &secret).await.expect("the changed policy");
    assert_eq!(action(&policy), "secretsmanager:DescribeSecret");
    let blocked = [describe[0], describe[1], "-var", "block_public=true"];
    stack.changes_in_place(address, &[&blocked[..], &["-var", var.as_str()]].concat());

    // Drift: rewritten by hand, then removed by hand; each found and put back in place.
    let mut rewritten = policy.clone();
    rewritten["Statement"][0]["Action"] = "secretsmanager:PutSecretValue".into();
    let rewritten = rewritten.to_string();
    for drifted in [Some(rewritten.as_str()), None] {
        match drifted {
            Some(text) => {
                sm.put_resource_policy()
                    .secret_id(&secret)
                    .resource_policy(text)
                    .send()
                    .await
                    .unwrap();
            }
            None => {
                sm.delete_resource_policy().secret_id(&secret).send().await.unwrap();
            }
        }
        stack.changes_in_place(address, &[&blocked[..], &["-var", var.as_str()]].concat());
        let back = held(&sm, &secret).await.expect("the policy put back");
        assert_eq!(action(&back), "secretsmanager:DescribeSecret");
    }

    // Imported with everything else, then a clean plan once the blueprint's
    // block_public_policy (which Secrets Manager does not return) is recorded again.
    let vars = ["-var", var.as_str(), blocked[0], blocked[1], blocked[2], blocked[3]];
    stack.reimport_all_but(&[], &vars);
    assert_eq!(stack.state_id(address), secret);

    // Removed alone: the secret stays, with no policy.
    let off = [blocked[0], blocked[1], "-var", "attach=false"];
    let shown = expect_code(&run(&[&["apply", "-auto-approve"][..], &off].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert_eq!(held(&sm, &secret).await, None);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &off].concat()), 0);
    assert!(sm.describe_secret().secret_id(&secret).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the secret policy blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["secretsmanager", "sts"], &["-var", &var]);
    let sm = aws_sdk_secretsmanager::Client::new(&sdk_config(REGION).await);
    let secret = format!("{}-db", stack.name);
    let policy = held(&sm, &secret).await.expect("Terraform's policy");
    assert_eq!(action(&policy), "secretsmanager:GetSecretValue");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(sm.describe_secret().secret_id(&secret).send().await.is_err());
}

/// A policy that is not JSON and a secret given by name instead of ARN: refused at `validate`
/// at their own lines before any call, as `terraform validate` refuses them.
#[test]
fn a_policy_that_is_not_json_and_a_bare_secret_name_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_secretsmanager_secret_policy",
        &[
            "secret_arn = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf\"\n  policy     = \"Allow everything\"",
            "secret_arn = \"db-password\"\n  policy     = \"{}\"",
        ],
        "the bad secret policies",
    );
}
