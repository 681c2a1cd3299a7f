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

/// Applies again after [`apply_killed_when_held`] and checks that `address` was adopted (its
/// create had reached AWS before the kill), not made a second time.
pub(crate) fn reapply_adopts(stack: &Stack, var: &str, address: &str) {
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", var]), 0);
    assert!(shown.contains(&format!("{address}: adopting")), "not adopted:\n{shown}");
}

/// Runs an apply through the proxy, which holds the answers of the `held` creates back, and
/// kills it once every one of them has reached the emulator; the holds are lifted after.
pub(crate) fn apply_killed_when_held(stack: &Stack, var: &str, proxy: &CountingProxy, held: &[&str]) {
    proxy.set_faults(serde_json::json!({ "hold": held }));
    let log = stack.path.join("killed-apply.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
        .args(["-chdir", stack.path.to_str().unwrap(), "apply", "-auto-approve", var])
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
        let now_held = proxy.held();
        if held.iter().all(|c| now_held.contains_key(*c)) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the apply ended ({status}) before all its creates were held: {now_held:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "creates never reached the emulator: {now_held:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.set_faults(serde_json::json!({ "hold": [] }));
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_killed_before_their_answer_are_adopted_not_duplicated() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, HELD);

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

const DISTRIBUTION: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_cloudfront_distribution" "site" {
  enabled = true
  comment = var.name

  origin {
    domain_name = "${var.name}.s3.us-east-1.amazonaws.com"
    origin_id   = "site"
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"#;

/// The distributions whose comment names the stack, with their caller references.
async fn distributions_of(cf: &aws_sdk_cloudfront::Client, stack: &str) -> Vec<(String, String)> {
    let list = cf.list_distributions().send().await.unwrap();
    let mut found = Vec::new();
    for d in list.distribution_list().map(|l| l.items()).unwrap_or_default() {
        if d.comment() == stack {
            let out = cf.get_distribution_config().id(d.id()).send().await.unwrap();
            let reference = out.distribution_config().unwrap().caller_reference().to_string();
            found.push((d.id().to_string(), reference));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn a_distribution_whose_create_was_killed_is_adopted_by_its_caller_reference() {
    let stack = Stack::from_files(&[("main.tf", DISTRIBUTION)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(
        &stack,
        &var,
        &proxy,
        &["cloudfront:POST /2020-05-31/distribution?WithTags"],
    );

    // CloudFront made it; state does not know it, the intent holds the caller reference.
    let conf = sdk_config("us-east-1").await;
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    let made = distributions_of(&cf, &stack.name).await;
    assert_eq!(made.len(), 1, "the killed create made the distribution: {made:?}");
    let state = std::fs::read_to_string(stack.state_file()).unwrap_or_default();
    assert!(!state.contains(&made[0].0), "state already knows {}", made[0].0);
    // Found by what the create itself carried, not by infractl's tags (a stack Terraform keeps
    // has none): they are taken off here.
    let arn = cf
        .get_distribution()
        .id(&made[0].0)
        .send()
        .await
        .unwrap()
        .distribution()
        .unwrap()
        .arn()
        .to_string();
    let keys = aws_sdk_cloudfront::types::TagKeys::builder()
        .items("infractl:stack")
        .items("infractl:address")
        .build();
    cf.untag_resource().resource(&arn).tag_keys(keys).send().await.unwrap();
    let tags = cf.list_tags_for_resource().resource(&arn).send().await.unwrap();
    assert!(tags.tags().map(|t| t.items().is_empty()).unwrap_or(true), "{tags:?}");

    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(
        shown.contains(&format!("aws_cloudfront_distribution.site: adopting {}", made[0].0)),
        "the distribution was not adopted:\n{shown}"
    );
    assert_eq!(
        distributions_of(&cf, &stack.name).await,
        made,
        "a second distribution was made"
    );
    assert_eq!(stack.state_id("aws_cloudfront_distribution.site"), made[0].0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(distributions_of(&cf, &stack.name).await.is_empty());
}
