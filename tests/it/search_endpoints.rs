//! OpenSearch Serverless VPC endpoints and lifecycle (retention) policies, checked against what
//! the emulator holds: an endpoint's subnets, and its security groups as EC2 describes its
//! interface endpoint (the VPC's default group when none is given); a policy's rules and
//! description; changes in place, a rename that replaces the endpoint, every object imported
//! back, destroy; a killed create finished with its client token; values the provider refuses;
//! and the same blueprint applied by either tool planned clean by the other.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::killed_creates::apply_killed_when_held;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack, Terraform};
use aws_sdk_opensearchserverless::types::{LifecyclePolicyDetail, LifecyclePolicyIdentifier, LifecyclePolicyType};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "endpoint_suffix" {
  type    = string
  default = "ep"
}

variable "subnet_count" {
  type    = number
  default = 1
}

variable "own_group" {
  type    = bool
  default = false
}

variable "retention" {
  type    = string
  default = "81d"
}

resource "aws_vpc" "search" {
  cidr_block = "10.8.0.0/16"
}

resource "aws_subnet" "search" {
  count      = 2
  vpc_id     = aws_vpc.search.id
  cidr_block = "10.8.${count.index}.0/24"
}

resource "aws_security_group" "search" {
  name   = "${var.name}-search"
  vpc_id = aws_vpc.search.id
}

resource "aws_opensearchserverless_vpc_endpoint" "search" {
  name               = "${var.name}-${var.endpoint_suffix}"
  vpc_id             = aws_vpc.search.id
  subnet_ids         = slice(aws_subnet.search[*].id, 0, var.subnet_count)
  security_group_ids = var.own_group ? [aws_security_group.search.id] : null
}

resource "aws_opensearchserverless_lifecycle_policy" "logs" {
  name        = "${var.name}-logs"
  type        = "retention"
  description = var.retention == "81d" ? null : "kept ${var.retention}"
  policy = jsonencode({
    Rules = [{
      ResourceType      = "index"
      Resource          = ["index/${var.name}-logs/*"]
      MinIndexRetention = var.retention
    }]
  })
}
"#;

const ENDPOINT: &str = "aws_opensearchserverless_vpc_endpoint.search";
const POLICY: &str = "aws_opensearchserverless_lifecycle_policy.logs";

async fn aoss() -> aws_sdk_opensearchserverless::Client {
    aws_sdk_opensearchserverless::Client::new(&sdk_config("us-east-1").await)
}

async fn ec2() -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await)
}

/// The endpoint's (status, subnets) as the service describes it, `None` once it is gone.
async fn endpoint(id: &str) -> Option<(String, Vec<String>)> {
    let out = aoss().await.batch_get_vpc_endpoint().ids(id).send().await.unwrap();
    out.vpc_endpoint_details().first().map(|d| {
        let mut subnets = d.subnet_ids().to_vec();
        subnets.sort();
        (d.status().unwrap().as_str().to_string(), subnets)
    })
}

/// The security groups of the endpoint's EC2 interface endpoint.
async fn endpoint_groups(id: &str) -> Vec<String> {
    let out = ec2()
        .await
        .describe_vpc_endpoints()
        .vpc_endpoint_ids(id)
        .send()
        .await
        .unwrap();
    let e = out.vpc_endpoints().first().expect("the EC2 interface endpoint");
    e.groups().iter().map(|g| g.group_id().unwrap().to_string()).collect()
}

/// The ids of the endpoints named `name` the service lists.
async fn endpoints_named(name: &str) -> Vec<String> {
    let out = aoss().await.list_vpc_endpoints().send().await.unwrap();
    out.vpc_endpoint_summaries()
        .iter()
        .filter(|e| e.name() == Some(name))
        .map(|e| e.id().unwrap().to_string())
        .collect()
}

async fn lifecycle_policy(name: &str) -> Option<LifecyclePolicyDetail> {
    let ident = LifecyclePolicyIdentifier::builder()
        .name(name)
        .r#type(LifecyclePolicyType::Retention)
        .build()
        .unwrap();
    let out = aoss()
        .await
        .batch_get_lifecycle_policy()
        .identifiers(ident)
        .send()
        .await
        .unwrap();
    out.lifecycle_policy_details().first().cloned()
}

/// The retention the policy's first rule keeps.
fn retention(p: &LifecyclePolicyDetail) -> String {
    let text = infractl::provider::aws::opensearchserverless::document_json(p.policy().unwrap());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["Rules"][0]["MinIndexRetention"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoints_and_lifecycle_policies_live_their_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("-var=name={name}");
    stack.plans_and_applies("6 to add, 0 to change, 0 to destroy", &[&var]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    let id = stack.state_id(ENDPOINT);
    let subnet = |i: usize| stack.state_id(&format!("aws_subnet.search[{i}]"));
    let (status, subnets) = endpoint(&id).await.expect("the endpoint");
    assert_eq!((status.as_str(), subnets), ("ACTIVE", vec![subnet(0)]));
    // No groups given: the VPC's default group, read back from EC2 into state.
    let vpc = stack.state_id("aws_vpc.search");
    let default_group = ec2()
        .await
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc)
                .build(),
        )
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .group_id()
        .unwrap()
        .to_string();
    assert_eq!(endpoint_groups(&id).await, vec![default_group.clone()]);
    assert_eq!(
        stack.state_attr(ENDPOINT, "security_group_ids"),
        serde_json::json!([default_group])
    );
    let policy = lifecycle_policy(&format!("{name}-logs")).await.expect("the policy");
    assert_eq!((retention(&policy).as_str(), policy.description()), ("81d", None));
    assert_eq!(
        Some(stack.state_str(POLICY, "policy_version").as_str()),
        policy.policy_version()
    );

    // In place: a second subnet, the stack's own group instead of the default one, a shorter
    // retention with a description.
    let changed = [
        var.as_str(),
        "-var=subnet_count=2",
        "-var=own_group=true",
        "-var=retention=30d",
    ];
    stack.plans_and_applies("0 to add, 2 to change, 0 to destroy", &changed);
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id(ENDPOINT), id, "changed in place");
    let mut both = vec![subnet(0), subnet(1)];
    both.sort();
    assert_eq!(endpoint(&id).await, Some(("ACTIVE".to_string(), both)));
    assert_eq!(
        endpoint_groups(&id).await,
        vec![stack.state_id("aws_security_group.search")]
    );
    let policy = lifecycle_policy(&format!("{name}-logs")).await.unwrap();
    assert_eq!(
        (retention(&policy).as_str(), policy.description()),
        ("30d", Some("kept 30d"))
    );
    assert_eq!(
        Some(stack.state_str(POLICY, "policy_version").as_str()),
        policy.policy_version()
    );

    stack.reimport_all(&changed);

    // A new name replaces the endpoint; the old one is gone from the service and from EC2.
    let renamed = [&changed[..], &["-var=endpoint_suffix=ep2"]].concat();
    stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &renamed);
    let new_id = stack.state_id(ENDPOINT);
    assert_ne!(new_id, id);
    assert_eq!(endpoint(&id).await, None, "the old endpoint is gone");
    let left = ec2()
        .await
        .describe_vpc_endpoints()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-endpoint-id")
                .values(&id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(left
        .vpc_endpoints()
        .iter()
        .all(|e| e.state().map(|s| s.as_str()) == Some("deleted")));
    assert_eq!(endpoints_named(&format!("{name}-ep2")).await, vec![new_id.clone()]);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &renamed].concat()), 0);
    assert_eq!(endpoint(&new_id).await, None);
    assert!(lifecycle_policy(&format!("{name}-logs")).await.is_none());
}

/// CreateVpcEndpoint carried out but its answer lost, the run killed: the next apply repeats
/// the create with the same client token and gets that endpoint back (a new token would meet
/// the name already taken).
#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_whose_create_was_killed_is_finished_with_its_token() {
    let stack = Stack::from_files(&[("main.tf", &BLUEPRINT.replace("10.8.", "10.7."))]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["aoss:CreateVpcEndpoint"]);
    let made = endpoints_named(&format!("{}-ep", stack.name)).await;
    assert_eq!(made.len(), 1, "the killed run's create reached the emulator");
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert_eq!(
        endpoints_named(&format!("{}-ep", stack.name)).await,
        made,
        "no second endpoint"
    );
    assert_eq!(stack.state_id(ENDPOINT), made[0]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(endpoint(&made[0]).await.is_none());
}

#[test]
fn endpoint_and_policy_values_the_provider_refuses_are_refused() {
    each_case_refused_at_validate(
        "aws_opensearchserverless_vpc_endpoint",
        &[
            "name = \"ab\"\nvpc_id = \"vpc-1\"\nsubnet_ids = [\"subnet-1\"]",
            "name = \"an-endpoint-name-longer-than-32-chars\"\nvpc_id = \"vpc-1\"\nsubnet_ids = [\"subnet-1\"]",
            "name = \"abc\"\nvpc_id = \"vpc-1\"\nsubnet_ids = []",
            "name = \"abc\"\nvpc_id = \"vpc-1\"\nsubnet_ids = [\"subnet-1\", \"subnet-2\", \"subnet-3\", \"subnet-4\", \"subnet-5\", \"subnet-6\", \"subnet-7\"]",
            "name = \"abc\"\nvpc_id = \"vpc-1\"\nsubnet_ids = [\"subnet-1\"]\nsecurity_group_ids = [\"sg-1\", \"sg-2\", \"sg-3\", \"sg-4\", \"sg-5\", \"sg-6\"]",
            "name = \"abc\"\nvpc_id = \"\"\nsubnet_ids = [\"subnet-1\"]",
        ],
        "OpenSearch Serverless VPC endpoint values",
    );
    each_case_refused_at_validate(
        "aws_opensearchserverless_lifecycle_policy",
        &[
            "name = \"ab\"\ntype = \"retention\"\npolicy = \"{}\"",
            "name = \"abc\"\ntype = \"rollover\"\npolicy = \"{}\"",
        ],
        "OpenSearch Serverless lifecycle policy values",
    );
}

#[test]
fn terraform_and_infractl_agree_on_endpoints_and_lifecycle_policies_either_way() {
    let Some(tf) = Terraform::find("the OpenSearch Serverless endpoint cross-check") else {
        return;
    };
    let name = crate::support::unique("xck");
    let blueprint = cross_check_blueprint(BLUEPRINT, &name, Some(("10.8.", "10.9.")));
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "opensearchserverless", "sts"]);
}
