//! The deprecated inline `object_lock_configuration` block of `aws_s3_bucket`, as the
//! s3-bucket module's 2.x versions write it (its `complete-legacy` example): the bucket made with
//! Object Lock and the block's default retention, checked in the emulator; a clean second plan;
//! a new mode and period changed in place; a retention changed behind infractl's back found and
//! put back; destroy. The same blueprint applied by Terraform plans clean in infractl, and the
//! values the provider refuses are refused at `validate` by both tools.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};
use aws_sdk_s3::types::{
    DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
};
use aws_sdk_s3::Client;

const REGION: &str = "us-east-1";
const ADDRESS: &str = "aws_s3_bucket.locked";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "mode" {
  type    = string
  default = "GOVERNANCE"
}

variable "days" {
  type    = number
  default = 1
}

resource "aws_s3_bucket" "locked" {
  bucket        = "${var.name}-locked"
  force_destroy = true

  object_lock_configuration {
    object_lock_enabled = "Enabled"

    rule {
      default_retention {
        mode = var.mode
        days = var.days
      }
    }
  }
}
"#;

fn client(conf: &aws_config::SdkConfig) -> Client {
    Client::from_conf(aws_sdk_s3::config::Builder::from(conf).force_path_style(true).build())
}

/// The bucket's Object Lock as the emulator holds it: (enabled, mode, days, years).
async fn lock(s3: &Client, bucket: &str) -> (String, String, i32, i32) {
    let out = s3.get_object_lock_configuration().bucket(bucket).send().await.unwrap();
    let config = out.object_lock_configuration().unwrap();
    let retention = config.rule().and_then(|r| r.default_retention()).unwrap();
    (
        config
            .object_lock_enabled()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default(),
        retention.mode().map(|m| m.as_str().to_string()).unwrap_or_default(),
        retention.days().unwrap_or_default(),
        retention.years().unwrap_or_default(),
    )
}

fn held(mode: &str, days: i32) -> (String, String, i32, i32) {
    ("Enabled".to_string(), mode.to_string(), days, 0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_with_an_inline_object_lock_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let s3 = client(&sdk_config(REGION).await);
    let bucket = format!("{}-locked", stack.name);
    assert_eq!(lock(&s3, &bucket).await, held("GOVERNANCE", 1));
    assert_eq!(stack.state_attr(ADDRESS, "object_lock_enabled"), true);
    let block = stack.state_attr(ADDRESS, "object_lock_configuration");
    assert_eq!(block[0]["object_lock_enabled"], "Enabled");
    assert_eq!(block[0]["rule"][0]["default_retention"][0]["mode"], "GOVERNANCE");
    assert_eq!(block[0]["rule"][0]["default_retention"][0]["days"], 1);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another mode and period: changed in place on the same bucket.
    let changed = ["-var", "mode=COMPLIANCE", "-var", "days=3"];
    stack.changes_in_place(ADDRESS, &[&changed[..], &["-var", var.as_str()]].concat());
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(lock(&s3, &bucket).await, held("COMPLIANCE", 3));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: a retention changed through the SDK is found and put back.
    s3.put_object_lock_configuration()
        .bucket(&bucket)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(
                            DefaultRetention::builder()
                                .mode(ObjectLockRetentionMode::Governance)
                                .days(5)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    stack.changes_in_place(ADDRESS, &[&changed[..], &["-var", var.as_str()]].concat());
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(lock(&s3, &bucket).await, held("COMPLIANCE", 3));

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "destroy left the bucket"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_inline_object_lock_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the inline object lock applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["s3", "sts", "iam"], &["-var", &var]);
    let s3 = client(&sdk_config(REGION).await);
    let bucket = format!("{}-locked", stack.name);
    assert_eq!(lock(&s3, &bucket).await, held("GOVERNANCE", 1));
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(s3.head_bucket().bucket(&bucket).send().await.is_err());
}

/// The inline block's values the provider refuses: another `object_lock_enabled` than
/// `Enabled`, an unknown mode, a period under a day, and the block beside the top-level
/// `object_lock_enabled` it conflicts with.
#[test]
fn inline_object_lock_values_terraform_refuses_are_refused_at_validate() {
    let lock = |enabled: &str, retention: &str| {
        format!("  bucket = \"b\"\n  object_lock_configuration {{\n    object_lock_enabled = \"{enabled}\"\n    rule {{\n      default_retention {{\n{retention}\n      }}\n    }}\n  }}")
    };
    each_case_refused_at_validate(
        "aws_s3_bucket",
        &[
            &lock("Disabled", "        mode = \"GOVERNANCE\"\n        days = 1"),
            &lock("Enabled", "        mode = \"LEGAL_HOLD\"\n        days = 1"),
            &lock("Enabled", "        mode = \"GOVERNANCE\"\n        days = 0"),
            &format!(
                "  object_lock_enabled = true\n{}",
                lock("Enabled", "        mode = \"GOVERNANCE\"\n        years = 1")
            ),
        ],
        "the bad inline object locks",
    );
}
