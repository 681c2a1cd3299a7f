//! Faults: with localstack/proxy.py between infractl and the emulator injecting throttling
//! errors, 500/503s, connection resets and slow answers at a given rate, apply, a no-change
//! plan and destroy still converge (the SDK retries with jittered backoff, adaptively). A fault
//! that persists fails its node with a clear error, its dependents are skipped, every
//! independent node finishes and is saved, and once the fault is gone the next apply completes.
//!
//! Rates: `INFRACTL_FAULT_RATES=0.05,0.2` (the default); larger runs take a list of rates.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;

const BLUEPRINT: &str = r#"
variable "prefix" {
  type = string
}

variable "max_retries" {
  type    = number
  default = 8
}

provider "aws" {
  region      = "us-east-1"
  max_retries = var.max_retries
}

resource "aws_vpc" "this" {
  cidr_block = "10.80.0.0/16"
}

resource "aws_subnet" "app" {
  count      = 4
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}

resource "aws_security_group" "app" {
  name   = "${var.prefix}-app"
  vpc_id = aws_vpc.this.id
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}

resource "aws_s3_bucket" "data" {
  bucket        = "${var.prefix}-data"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/${var.prefix}/app"
}

resource "aws_dynamodb_table" "sessions" {
  name         = "${var.prefix}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_ssm_parameter" "mode" {
  name  = "/${var.prefix}/mode"
  type  = "String"
  value = "faults"
}

resource "aws_sqs_queue" "dlq" {
  name = "${var.prefix}-dlq"
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.prefix}-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.prefix}-api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_service_discovery_http_namespace" "apps" {
  name = "${var.prefix}-apps"
}
"#;

fn rates() -> Vec<f64> {
    std::env::var("INFRACTL_FAULT_RATES")
        .unwrap_or_else(|_| "0.05,0.2".into())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect()
}

async fn vpcs_of(stack: &Stack) -> usize {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let filter = Filter::builder().name("tag:infractl:stack").values(&stack.name).build();
    ec2.describe_vpcs().filters(filter).send().await.unwrap().vpcs().len()
}

/// How many queues, HTTP APIs and Cloud Map namespaces of the stack the emulator holds.
async fn others_of(stack: &Stack) -> (usize, usize, usize) {
    let conf = sdk_config("us-east-1").await;
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let queues = sqs.list_queues().queue_name_prefix(&stack.name).send().await.unwrap();
    let apigw = aws_sdk_apigatewayv2::Client::new(&conf);
    let apis = apigw.get_apis().send().await.unwrap();
    let api_name = format!("{}-api", stack.name);
    let sd = aws_sdk_servicediscovery::Client::new(&conf);
    let namespaces = sd.list_namespaces().send().await.unwrap();
    (
        queues.queue_urls().len(),
        apis.items()
            .iter()
            .filter(|a| a.name() == Some(api_name.as_str()))
            .count(),
        namespaces
            .namespaces()
            .iter()
            .filter(|n| n.name().is_some_and(|n| n.starts_with(&stack.name)))
            .count(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_plan_and_destroy_converge_under_injected_faults() {
    for rate in rates() {
        let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
        let prefix = format!("-var=prefix={}", stack.name);
        let proxy = CountingProxy::start_with(&["--fault-rate", &rate.to_string()]);
        let started = std::time::Instant::now();
        let apply = stack.run_with_endpoint(&["apply", "-auto-approve", &prefix], &proxy.url);
        expect_code(&apply, 0);
        let plan = stack.run_with_endpoint(&["plan", "-detailed-exitcode", &prefix], &proxy.url);
        expect_code(&plan, 0);
        assert_eq!(vpcs_of(&stack).await, 1);
        assert_eq!(others_of(&stack).await, (2, 1, 1), "queues, HTTP APIs, namespaces");
        let destroy = stack.run_with_endpoint(&["destroy", "-auto-approve", &prefix], &proxy.url);
        expect_code(&destroy, 0);
        assert_eq!(vpcs_of(&stack).await, 0);
        assert_eq!(others_of(&stack).await, (0, 0, 0), "queues, HTTP APIs, namespaces");
        let calls: u64 = proxy.calls().values().sum();
        let faults = proxy.faults();
        println!(
            "fault rate {rate}: apply, no-change plan and destroy converged in {:.1} s; {calls} calls, faults injected {faults:?}",
            started.elapsed().as_secs_f64()
        );
        assert!(
            rate == 0.0 || faults.values().sum::<u64>() > 0,
            "no fault was injected at rate {rate}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persistent_fault_fails_its_node_and_the_rest_is_saved() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let prefix = format!("-var=prefix={}", stack.name);
    let proxy = CountingProxy::start_with(&["--fail-always", "ec2:CreateSecurityGroup"]);
    let out = stack.run_with_endpoint(&["apply", "-auto-approve", &prefix, "-var=max_retries=2"], &proxy.url);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("Creating aws_security_group.app failed") && shown.contains("503"),
        "the failure names the address and the HTTP status:\n{shown}"
    );
    assert!(
        shown.contains("Skipped aws_security_group_rule.https (create): it depends on aws_security_group.app"),
        "{shown}"
    );
    assert!(shown.contains("1 failed, 1 skipped"), "{shown}");
    // Everything independent of the failed node was created and saved.
    for saved in [
        "aws_vpc.this",
        "aws_subnet.app[3]",
        "aws_s3_bucket.data",
        "aws_s3_bucket_versioning.data",
        "aws_cloudwatch_log_group.app",
        "aws_dynamodb_table.sessions",
        "aws_ssm_parameter.mode",
        "aws_sqs_queue.jobs",
        "aws_apigatewayv2_stage.default",
        "aws_service_discovery_http_namespace.apps",
    ] {
        assert!(!stack.state_id(saved).is_empty(), "{saved} saved");
    }

    // The fault clears; the next apply completes only what is missing.
    proxy.set_faults(serde_json::json!({ "fail_always": [] }));
    let out = stack.run_with_endpoint(&["apply", "-auto-approve", &prefix], &proxy.url);
    let shown = expect_code(&out, 0);
    assert!(shown.contains("2 added, 0 changed, 0 destroyed"), "{shown}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &prefix]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
    assert_eq!(vpcs_of(&stack).await, 0);
    assert_eq!(others_of(&stack).await, (0, 0, 0), "queues, HTTP APIs, namespaces");
}
