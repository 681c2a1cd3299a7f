//! SNS topic data protection policies (`aws_sns_topic_data_protection_policy`, as the sns
//! module's `data_protection_policy` input sets them): checked against what the emulator holds
//! (GetDataProtectionPolicy): created, changed in place, rewritten and removed behind infractl's
//! back and put back, imported, removed alone (the topic stays, with no policy), destroyed with
//! its topic; the same blueprint applied by Terraform then planned clean by infractl; a policy
//! that is not JSON and an ARN that is not one refused at `validate`, as Terraform refuses them.

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

variable "identifier" {
  type    = string
  default = "EmailAddress"
}

variable "protect" {
  type    = bool
  default = true
}

resource "aws_sns_topic" "orders" {
  name = "${var.name}-orders"
}

resource "aws_sns_topic_data_protection_policy" "orders" {
  count = var.protect ? 1 : 0
  arn   = aws_sns_topic.orders.arn
  policy = jsonencode({
    Name    = "${var.name}-protection"
    Version = "2021-06-01"
    Statement = [{
      Sid            = "DenyInbound${var.identifier}"
      DataDirection  = "Inbound"
      Principal      = ["*"]
      DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/${var.identifier}"]
      Operation      = { Deny = {} }
    }]
  })
}
"#;

/// The policy the emulator holds for the topic, parsed; `None` when the topic has none.
async fn held(sns: &aws_sdk_sns::Client, topic: &str) -> Option<serde_json::Value> {
    let out = sns
        .get_data_protection_policy()
        .resource_arn(topic)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetDataProtectionPolicy {topic}: {e:?}"));
    out.data_protection_policy()
        .filter(|p| !p.is_empty())
        .map(|p| serde_json::from_str(p).expect("the held policy is JSON"))
}

/// The data identifier of the policy's one statement.
fn identifier(policy: &serde_json::Value) -> &str {
    policy["Statement"][0]["DataIdentifier"][0].as_str().unwrap_or_default()
}

fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{REGION}:123456789012:{name}-orders")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_topic_data_protection_policy_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    let sns = aws_sdk_sns::Client::new(&sdk_config(REGION).await);
    let topic = topic_arn(&stack.name);
    let address = "aws_sns_topic_data_protection_policy.orders[0]";

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let policy = held(&sns, &topic).await.expect("the policy after apply");
    assert_eq!(
        identifier(&policy),
        "arn:aws:dataprotection::aws:data-identifier/EmailAddress"
    );
    assert_eq!(policy["Statement"][0]["Operation"], serde_json::json!({"Deny": {}}));
    assert_eq!(stack.state_id(address), topic);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another identifier: the same resource, changed in place.
    let card = ["-var", "identifier=CreditCardNumber"];
    stack.changes_in_place(address, &[&card[..], &["-var", var.as_str()]].concat());
    let policy = held(&sns, &topic).await.expect("the changed policy");
    assert_eq!(
        identifier(&policy),
        "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"
    );

    // Drift: rewritten by hand, then removed by hand; each found and put back.
    let mut rewritten = policy.clone();
    rewritten["Statement"][0]["DataIdentifier"][0] = "arn:aws:dataprotection::aws:data-identifier/Address".into();
    for drifted in [rewritten.to_string(), String::new()] {
        sns.put_data_protection_policy()
            .resource_arn(&topic)
            .data_protection_policy(&drifted)
            .send()
            .await
            .unwrap();
        let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &card].concat()), 2);
        assert!(shown.contains(address), "{shown}");
        expect_code(&run(&[&["apply", "-auto-approve"][..], &card].concat()), 0);
        let back = held(&sns, &topic).await.expect("the policy put back");
        assert_eq!(
            identifier(&back),
            "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber"
        );
    }

    // Imported with everything else, then a clean plan.
    let vars = ["-var", var.as_str(), card[0], card[1]];
    stack.reimport_all_but(&[], &vars);
    assert_eq!(stack.state_id(address), topic);

    // Removed alone: the topic stays, with no policy.
    let off = [card[0], card[1], "-var", "protect=false"];
    let shown = expect_code(&run(&[&["apply", "-auto-approve"][..], &off].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert!(sns.get_topic_attributes().topic_arn(&topic).send().await.is_ok());
    assert_eq!(held(&sns, &topic).await, None);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &off].concat()), 0);
    assert!(sns.get_topic_attributes().topic_arn(&topic).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the topic data protection blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["sns", "sts"], &["-var", &var]);
    let sns = aws_sdk_sns::Client::new(&sdk_config(REGION).await);
    let topic = topic_arn(&stack.name);
    assert!(held(&sns, &topic).await.is_some(), "Terraform's policy");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(sns.get_topic_attributes().topic_arn(&topic).send().await.is_err());
}

/// A policy that is not JSON and a topic given by name instead of ARN: refused at `validate`
/// at their own lines before any call, as `terraform validate` refuses them.
#[test]
fn a_policy_that_is_not_json_and_a_bare_topic_name_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_sns_topic_data_protection_policy",
        &[
            "arn    = \"arn:aws:sns:us-east-1:123456789012:t\"\n  policy = \"Deny everything\"",
            "arn    = \"orders\"\n  policy = \"{}\"",
        ],
        "the bad topic data protection policies",
    );
}
