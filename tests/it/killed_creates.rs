//! A create that reached AWS but whose answer never came back, because the run was killed
//! while waiting for it: the next apply finds the object (by its tags, its unique name or the
//! create's idempotency token) and adopts it instead of making a second one. The counting proxy
//! lets the emulator carry out each create and holds its answer back until the run is killed.

use crate::support::{expect_code, sdk_config, CountingProxy, Stack};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block           = "10.62.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_sqs_queue" "jobs" {
  name                       = "${var.name}-jobs"
  visibility_timeout_seconds = 60
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.name}-api"
  protocol_type = "HTTP"
}

resource "aws_service_discovery_http_namespace" "apps" {
  name = "${var.name}-apps"
}

resource "aws_service_discovery_private_dns_namespace" "internal" {
  name = "${var.name}.internal"
  vpc  = aws_vpc.main.id
}
"#;

/// The creates whose answers are held back, as the proxy names them.
const HELD: &[&str] = &[
    "sqs:CreateQueue",
    "apigateway:POST /v2/apis",
    "servicediscovery:CreateHttpNamespace",
    "servicediscovery:CreatePrivateDnsNamespace",
];

#[tokio::test(flavor = "multi_thread")]
async fn creates_killed_before_their_answer_are_adopted_not_duplicated() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    proxy.set_faults(serde_json::json!({ "hold": HELD }));

    let log = stack.path.join("killed-apply.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
        .args(["-chdir", stack.path.to_str().unwrap(), "apply", "-auto-approve", &var])
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("INFRACTL_STATE_DIR", stack.state_file().parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // Every create reached the emulator, and no answer came back.
    let started = Instant::now();
    loop {
        let held = proxy.held();
        if HELD.iter().all(|c| held.contains_key(*c)) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the apply ended ({status}) before all its creates were held: {held:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "creates never reached the emulator: {held:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.set_faults(serde_json::json!({ "hold": [] }));

    // The state knows none of the four objects (their ids never came back), yet they exist.
    let conf = sdk_config("us-east-1").await;
    let apigw = aws_sdk_apigatewayv2::Client::new(&conf);
    let sd = aws_sdk_servicediscovery::Client::new(&conf);
    let apis = || async {
        let all = apigw.get_apis().send().await.unwrap();
        all.items()
            .iter()
            .filter(|a| a.name() == Some(format!("{}-api", stack.name).as_str()))
            .filter_map(|a| a.api_id().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let namespaces = || async {
        let all = sd.list_namespaces().send().await.unwrap();
        let mut names: Vec<String> = all
            .namespaces()
            .iter()
            .filter_map(|n| n.name())
            .filter(|n| n.starts_with(&stack.name))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    };
    assert_eq!(apis().await.len(), 1, "the killed create made the API");
    assert_eq!(
        namespaces().await,
        vec![format!("{}-apps", stack.name), format!("{}.internal", stack.name)]
    );

    // The next apply adopts each of them: one of each, and state records those.
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    for address in [
        "aws_sqs_queue.jobs",
        "aws_apigatewayv2_api.http",
        "aws_service_discovery_http_namespace.apps",
        "aws_service_discovery_private_dns_namespace.internal",
    ] {
        assert!(
            shown.contains(&format!("{address}: adopting")),
            "{address} was not adopted:\n{shown}"
        );
    }
    let api_ids = apis().await;
    assert_eq!(api_ids.len(), 1, "a second HTTP API was made:\n{shown}");
    assert_eq!(
        namespaces().await,
        vec![format!("{}-apps", stack.name), format!("{}.internal", stack.name)],
        "a namespace was made twice:\n{shown}"
    );
    assert_eq!(stack.state_id("aws_apigatewayv2_api.http"), api_ids[0]);
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let queues = sqs
        .list_queues()
        .queue_name_prefix(format!("{}-jobs", stack.name))
        .send()
        .await
        .unwrap();
    assert_eq!(queues.queue_urls().len(), 1);
    assert_eq!(stack.state_id("aws_sqs_queue.jobs"), queues.queue_urls()[0]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(apis().await.is_empty());
    assert!(namespaces().await.is_empty());
}
