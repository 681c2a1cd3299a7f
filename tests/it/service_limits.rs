//! Per-service limits on calls in flight: with a high `-parallelism`, a service limited by
//! `INFRACTL_SERVICE_CONCURRENCY` never sees more calls at once than its limit (the proxy in
//! front of the emulator, adding latency so that calls overlap, records the peak per service),
//! while another service goes on with many calls at once; a bad limit is refused before any call.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};

const BLUEPRINT: &str = r#"
variable "prefix" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_cloudwatch_log_group" "many" {
  count             = 8
  name              = "/${var.prefix}/many-${count.index}"
  retention_in_days = 7
}

resource "aws_ssm_parameter" "many" {
  count = 8
  name  = "/${var.prefix}/many-${count.index}"
  type  = "String"
  value = "v${count.index}"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_limited_service_never_has_more_calls_in_flight_than_its_limit() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let prefix = format!("-var=prefix={}", stack.name);
    let proxy = CountingProxy::start_with(&["--latency-ms", "150"]);
    let limit = [("INFRACTL_SERVICE_CONCURRENCY", "logs=2")];
    let out = stack.run_with_env(
        &["apply", "-auto-approve", "-parallelism=16", &prefix],
        &proxy.url,
        &limit,
    );
    expect_code(&out, 0);
    let peak = proxy.peak_in_flight();
    let calls = proxy.calls();
    println!("peak calls in flight per service: {peak:?}; calls: {calls:?}");
    assert!(
        calls.get("logs:CreateLogGroup") == Some(&8),
        "every log group was created: {calls:?}"
    );
    assert!(peak["logs"] <= 2, "logs limited to 2 in flight: {peak:?}");
    assert!(
        peak["ssm"] >= 3,
        "SSM, not limited below the default of 10, had many calls at once: {peak:?}"
    );

    let groups = log_groups_of(&stack).await;
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().all(|g| g.retention_in_days() == Some(7)));

    // A limit that makes no sense is refused with the variable's name, before any call.
    proxy.reset();
    let bad = [("INFRACTL_SERVICE_CONCURRENCY", "logs=0")];
    let out = stack.run_with_env(&["plan", &prefix], &proxy.url, &bad);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("INFRACTL_SERVICE_CONCURRENCY") && shown.contains("at least 1"),
        "{shown}"
    );
    assert_eq!(proxy.calls().len(), 0, "no AWS call for a bad limit");

    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
    assert_eq!(log_groups_of(&stack).await.len(), 0);
}

/// The emulator's log groups under the stack's prefix.
async fn log_groups_of(stack: &Stack) -> Vec<aws_sdk_cloudwatchlogs::types::LogGroup> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config("us-east-1").await);
    let out = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/{}/", stack.name))
        .send()
        .await
        .unwrap();
    out.log_groups().to_vec()
}
