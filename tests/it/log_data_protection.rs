//! CloudWatch Logs data protection (`aws_cloudwatch_log_data_protection_policy` with its
//! document from data `aws_cloudwatch_log_data_protection_policy_document`, as the cloudwatch
//! module's `log-data-protection-policy` writes them): checked against what the emulator holds
//! (GetDataProtectionPolicy, DescribeLogGroups): created, changed in place, removed behind
//! infractl's back and put back, imported, removed alone (the group stays, unprotected),
//! destroyed with its group; the same blueprint applied by Terraform then planned clean by
//! infractl; statements in the wrong roles refused at plan, bad names refused at `validate`.

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

variable "identifiers" {
  type    = list(string)
  default = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
}

variable "protect" {
  type    = bool
  default = true
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/${var.name}"
}

resource "aws_cloudwatch_log_group" "audit" {
  name = "/audit/${var.name}"
}

data "aws_cloudwatch_log_data_protection_policy_document" "app" {
  name = "${var.name}-protection"

  statement {
    sid              = "Audit"
    data_identifiers = var.identifiers

    operation {
      audit {
        findings_destination {
          cloudwatch_logs {
            log_group = aws_cloudwatch_log_group.audit.name
          }
        }
      }
    }
  }

  statement {
    sid              = "Redact"
    data_identifiers = var.identifiers

    operation {
      deidentify {
        mask_config {}
      }
    }
  }
}

resource "aws_cloudwatch_log_data_protection_policy" "app" {
  count           = var.protect ? 1 : 0
  log_group_name  = aws_cloudwatch_log_group.app.name
  policy_document = data.aws_cloudwatch_log_data_protection_policy_document.app.json
}
"#;

/// The policy the emulator holds for the group, parsed; `None` when it has none.
async fn held(logs: &aws_sdk_cloudwatchlogs::Client, group: &str) -> Option<serde_json::Value> {
    let out = logs
        .get_data_protection_policy()
        .log_group_identifier(group)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetDataProtectionPolicy {group}: {e:?}"));
    out.policy_document()
        .map(|p| serde_json::from_str(p).expect("the held policy is JSON"))
}

/// The group's `dataProtectionStatus` as DescribeLogGroups shows it.
async fn status(logs: &aws_sdk_cloudwatchlogs::Client, group: &str) -> Option<String> {
    let out = logs
        .describe_log_groups()
        .log_group_name_prefix(group)
        .send()
        .await
        .unwrap();
    out.log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(group))
        .and_then(|g| g.data_protection_status())
        .map(|s| s.as_str().to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_data_protection_policy_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let with = |extra: &[&'static str]| [extra, &["-var", var.as_str()]].concat();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config(REGION).await);
    let address = "aws_cloudwatch_log_data_protection_policy.app[0]";
    let group = format!("/app/{}", stack.name);

    expect_code(&stack.run(&with(&["apply", "-auto-approve"])), 0);
    assert_eq!(stack.state_id(address), group);
    let policy = held(&logs, &group).await.expect("the policy after apply");
    assert_eq!(policy["Name"], format!("{}-protection", stack.name).as_str());
    assert_eq!(
        policy["Statement"][0]["Operation"]["Audit"]["FindingsDestination"]["CloudWatchLogs"]["LogGroup"],
        format!("/audit/{}", stack.name).as_str()
    );
    assert_eq!(
        policy["Statement"][1]["Operation"]["Deidentify"]["MaskConfig"],
        serde_json::json!({})
    );
    assert_eq!(policy["Version"], "2021-06-01");
    assert_eq!(status(&logs, &group).await.as_deref(), Some("ACTIVATED"));
    expect_code(&stack.run(&with(&["plan", "-detailed-exitcode"])), 0);

    // Another identifier: the same resource, changed in place.
    let two = r#"identifiers=["arn:aws:dataprotection::aws:data-identifier/EmailAddress","arn:aws:dataprotection::aws:data-identifier/IpAddress"]"#;
    stack.changes_in_place(address, &with(&["-var", two]));
    let policy = held(&logs, &group).await.expect("the changed policy");
    assert_eq!(
        policy["Statement"][0]["DataIdentifier"].as_array().map(Vec::len),
        Some(2)
    );

    // Removed behind infractl's back: found, and put back.
    logs.delete_data_protection_policy()
        .log_group_identifier(&group)
        .send()
        .await
        .unwrap();
    assert_eq!(held(&logs, &group).await, None);
    let shown = expect_code(&stack.run(&with(&["plan", "-var", two])), 0);
    assert!(shown.contains(&format!("{address} will be created")), "{shown}");
    expect_code(&stack.run(&with(&["apply", "-auto-approve", "-var", two])), 0);
    assert!(held(&logs, &group).await.is_some());

    stack.reimport_all(&with(&["-var", two]));
    assert_eq!(stack.state_id(address), group);

    // Removed alone: the group stays, unprotected.
    let off = with(&["-var", two, "-var", "protect=false"]);
    let shown = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &off].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert_eq!(held(&logs, &group).await, None);
    assert_eq!(status(&logs, &group).await, None);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &off].concat()), 0);
    assert!(logs
        .get_data_protection_policy()
        .log_group_identifier(&group)
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the log data protection blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["logs", "sts"], &["-var", &var]);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config(REGION).await);
    let group = format!("/app/{}", stack.name);
    assert!(held(&logs, &group).await.is_some(), "Terraform's policy");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

/// A document whose first statement deidentifies: refused by `plan` with the provider's
/// message and the data source's address, before anything is created.
#[test]
fn statements_in_the_wrong_roles_are_refused_at_plan() {
    let swapped = r#"
provider "aws" {
  region = "us-east-1"
}

data "aws_cloudwatch_log_data_protection_policy_document" "app" {
  name = "swapped"

  statement {
    data_identifiers = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
    operation {
      deidentify {
        mask_config {}
      }
    }
  }

  statement {
    data_identifiers = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
    operation {
      audit {
        findings_destination {
          s3 {
            bucket = "findings"
          }
        }
      }
    }
  }
}
"#;
    let stack = Stack::from_files(&[("main.tf", swapped)]);
    let shown = expect_code(&stack.run(&["plan"]), 1);
    assert!(
        shown.contains("the first policy statement must contain only the audit operation"),
        "{shown}"
    );
    assert!(
        shown.contains("aws_cloudwatch_log_data_protection_policy_document.app"),
        "{shown}"
    );
}

/// A log group name with a space and a policy that is not JSON: refused at `validate` at their
/// own lines before any call, as `terraform validate` refuses them.
#[test]
fn a_bad_group_name_and_a_policy_that_is_not_json_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_cloudwatch_log_data_protection_policy",
        &[
            "log_group_name  = \"my logs\"\n  policy_document = \"{}\"",
            "log_group_name  = \"/app\"\n  policy_document = \"mask emails\"",
        ],
        "the bad data protection policies",
    );
}
