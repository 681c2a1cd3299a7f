//! VPC Block Public Access (issue 14, the vpc module's `block-public-access` example): the
//! region's mode (`aws_vpc_block_public_access_options`) and the VPCs and subnets let through it
//! (`aws_vpc_block_public_access_exclusion`). Checked against what the emulator holds: applied,
//! a second plan clean, changed in place, changed and deleted behind infractl's back and put
//! back, imported, destroyed (the mode `off`, the exclusions deleted); the same blueprint applied
//! by Terraform then planned clean by infractl; values the provider refuses refused at
//! `validate`, as Terraform's `validate` refuses them.
//!
//! The options are one per account and region, so the tests holding them take turns and leave
//! the region `off`, as they found it.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};
use aws_sdk_ec2::types::{InternetGatewayBlockMode, VpcBlockPublicAccessExclusionState};

const REGION: &str = "us-east-1";

/// One test at a time holds the region's options.
static OPTIONS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "mode" {
  type = string
}

variable "exclusion_mode" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.42.1.0/24"
}

resource "aws_vpc_block_public_access_options" "this" {
  internet_gateway_block_mode = var.mode
}

resource "aws_vpc_block_public_access_exclusion" "vpc" {
  vpc_id                          = aws_vpc.this.id
  internet_gateway_exclusion_mode = var.exclusion_mode

  tags = {
    Name = "whole-vpc"
  }
}

resource "aws_vpc_block_public_access_exclusion" "subnet" {
  subnet_id                       = aws_subnet.a.id
  internet_gateway_exclusion_mode = "allow-egress"
}
"#;

async fn ec2() -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config(REGION).await)
}

/// The region's block mode as EC2 holds it.
async fn mode(ec2: &aws_sdk_ec2::Client) -> String {
    let out = ec2.describe_vpc_block_public_access_options().send().await.unwrap();
    let options = out.vpc_block_public_access_options().expect("the region's options");
    options.internet_gateway_block_mode().unwrap().as_str().to_string()
}

/// Puts the region back to `off` (a failed run may have left a mode).
async fn reset(ec2: &aws_sdk_ec2::Client) {
    ec2.modify_vpc_block_public_access_options()
        .internet_gateway_block_mode(InternetGatewayBlockMode::Off)
        .send()
        .await
        .unwrap();
}

/// An exclusion as EC2 holds it: (state, mode, resource ARN, tags as `k=v`).
async fn exclusion(ec2: &aws_sdk_ec2::Client, id: &str) -> (String, String, String, Vec<String>) {
    let out = ec2
        .describe_vpc_block_public_access_exclusions()
        .exclusion_ids(id)
        .send()
        .await
        .unwrap();
    let e = &out.vpc_block_public_access_exclusions()[0];
    let mut tags: Vec<String> = e
        .tags()
        .iter()
        .filter(|t| !t.key().unwrap_or_default().starts_with("infractl:"))
        .map(|t| format!("{}={}", t.key().unwrap_or_default(), t.value().unwrap_or_default()))
        .collect();
    tags.sort();
    (
        e.state().unwrap().as_str().to_string(),
        e.internet_gateway_exclusion_mode().unwrap().as_str().to_string(),
        e.resource_arn().unwrap().to_string(),
        tags,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn block_public_access_lives_its_whole_life() {
    let _turn = OPTIONS.lock().await;
    let ec2 = ec2().await;
    reset(&ec2).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let vars = |m: &str, e: &str| vec![format!("mode={m}"), format!("exclusion_mode={e}")];
    let run = |cmd: &[&str], m: &str, e: &str| {
        let vs = vars(m, e);
        stack.run(&[cmd, &["-var", &vs[0], "-var", &vs[1]]].concat())
    };

    expect_code(
        &run(
            &["apply", "-auto-approve"],
            "block-bidirectional",
            "allow-bidirectional",
        ),
        0,
    );
    assert_eq!(mode(&ec2).await, "block-bidirectional");
    assert_eq!(
        stack.state_id("aws_vpc_block_public_access_options.this"),
        REGION,
        "the options' id is the region"
    );
    assert_eq!(
        stack.state_str("aws_vpc_block_public_access_options.this", "aws_account_id"),
        "123456789012"
    );
    let vpc = stack.state_id("aws_vpc.this");
    let subnet = stack.state_id("aws_subnet.a");
    let whole = stack.state_id("aws_vpc_block_public_access_exclusion.vpc");
    let one = stack.state_id("aws_vpc_block_public_access_exclusion.subnet");
    assert!(whole.starts_with("vpcbpa-exclude-"), "{whole}");
    assert_eq!(
        exclusion(&ec2, &whole).await,
        (
            "create-complete".into(),
            "allow-bidirectional".into(),
            format!("arn:aws:ec2:{REGION}:123456789012:vpc/{vpc}"),
            vec!["Name=whole-vpc".into()]
        )
    );
    assert_eq!(
        exclusion(&ec2, &one).await,
        (
            "create-complete".into(),
            "allow-egress".into(),
            format!("arn:aws:ec2:{REGION}:123456789012:subnet/{subnet}"),
            vec![]
        )
    );
    assert_eq!(
        stack.state_str("aws_vpc_block_public_access_exclusion.subnet", "subnet_id"),
        subnet
    );
    assert_eq!(
        stack.state_attr("aws_vpc_block_public_access_exclusion.subnet", "vpc_id"),
        serde_json::Value::Null
    );
    expect_code(
        &run(
            &["plan", "-detailed-exitcode"],
            "block-bidirectional",
            "allow-bidirectional",
        ),
        0,
    );

    // The region's mode and an exclusion's mode change in place.
    let ingress = vars("block-ingress", "allow-bidirectional");
    stack.changes_in_place(
        "aws_vpc_block_public_access_options.this",
        &["-var", &ingress[0], "-var", &ingress[1]],
    );
    assert_eq!(mode(&ec2).await, "block-ingress");
    let egress = vars("block-ingress", "allow-egress");
    let egress_args = ["-var", egress[0].as_str(), "-var", egress[1].as_str()];
    stack.changes_in_place("aws_vpc_block_public_access_exclusion.vpc", &egress_args);
    let held = exclusion(&ec2, &whole).await;
    assert_eq!((held.0.as_str(), held.1.as_str()), ("update-complete", "allow-egress"));

    // Drift: the mode turned off by hand is put back.
    reset(&ec2).await;
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &egress_args);
    assert_eq!(mode(&ec2).await, "block-ingress");

    // Drift: an exclusion deleted by hand is made again.
    ec2.delete_vpc_block_public_access_exclusion()
        .exclusion_id(&one)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &egress_args);
    let again = stack.state_id("aws_vpc_block_public_access_exclusion.subnet");
    assert_ne!(again, one);
    assert_eq!(exclusion(&ec2, &again).await.0, "create-complete");

    // Imported by the region and by the exclusion ids, then a clean plan.
    stack.reimport_all(&egress_args);
    assert_eq!(stack.state_id("aws_vpc_block_public_access_exclusion.vpc"), whole);

    expect_code(&run(&["destroy", "-auto-approve"], "block-ingress", "allow-egress"), 0);
    assert_eq!(mode(&ec2).await, "off", "destroy turns the region's mode off");
    for id in [&whole, &again] {
        assert_eq!(
            exclusion(&ec2, id).await.0,
            VpcBlockPublicAccessExclusionState::DeleteComplete.as_str(),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn block_public_access_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("VPC Block Public Access applied by Terraform") else {
        return;
    };
    let _turn = OPTIONS.lock().await;
    let ec2 = ec2().await;
    reset(&ec2).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let vars = ["-var", "mode=block-ingress", "-var", "exclusion_mode=allow-egress"];
    terraform_applies(&tf, &stack, &["ec2", "sts"], &vars);
    assert_eq!(mode(&ec2).await, "block-ingress", "Terraform's mode");
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        mode(&ec2).await,
        "off",
        "destroying Terraform's setting turns the mode off"
    );
}

/// Modes the provider refuses, and an exclusion naming both or neither of a VPC and a subnet:
/// refused by `validate` before any call, and by Terraform's `validate`.
#[test]
fn block_public_access_values_the_provider_refuses_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_vpc_block_public_access_options",
        &["internet_gateway_block_mode = \"block-egress\""],
        "a bad block mode",
    );
    each_case_refused_at_validate(
        "aws_vpc_block_public_access_exclusion",
        &[
            "vpc_id = \"vpc-1\"\n  internet_gateway_exclusion_mode = \"allow-ingress\"",
            "vpc_id = \"vpc-1\"\n  subnet_id = \"subnet-1\"\n  internet_gateway_exclusion_mode = \"allow-egress\"",
            "internet_gateway_exclusion_mode = \"allow-egress\"",
        ],
        "bad exclusions",
    );
}
