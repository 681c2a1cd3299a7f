//! SQS queues against the emulator: a standard queue redriving to its dead-letter queue, a FIFO
//! queue, a policy and a redrive allow policy owned by their own resources. Create, read back,
//! plan clean, change in place (the policy survives a change of other attributes), drift, import
//! by URL, destroy.

use crate::support::{expect_code, sdk_config, text, Stack};
use aws_sdk_sqs::types::QueueAttributeName;
use std::collections::HashMap;

const REGION: &str = "eu-west-1";

fn blueprint(max_receive: u32, visibility: u32) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_sqs_queue" "dlq" {{
  name                      = "${{var.name}}-dlq"
  message_retention_seconds = 1209600
}}

resource "aws_sqs_queue" "jobs" {{
  name                       = "${{var.name}}-jobs"
  visibility_timeout_seconds = {visibility}
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = {max_receive}
  }})
  tags = {{
    Role = "jobs"
  }}
}}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {{
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({{
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  }})
}}

resource "aws_sqs_queue_policy" "jobs" {{
  queue_url = aws_sqs_queue.jobs.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "EventsSend"
      Effect    = "Allow"
      Principal = {{ Service = "events.amazonaws.com" }}
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.jobs.arn
    }}]
  }})
}}

resource "aws_sqs_queue" "ordered" {{
  name_prefix                 = "${{var.name}}-o-"
  fifo_queue                  = true
  content_based_deduplication = true
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"
}}

output "jobs_url" {{
  value = aws_sqs_queue.jobs.url
}}
"#
    )
}

async fn attrs(sqs: &aws_sdk_sqs::Client, url: &str) -> HashMap<String, String> {
    sqs.get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.clone()))
        .collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn queues_with_dead_letters_policies_and_fifo() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(5, 60))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("5 added"), "{out}");

    let conf = sdk_config(REGION).await;
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let dlq_url = stack.state_id("aws_sqs_queue.dlq");
    let jobs_url = stack.state_id("aws_sqs_queue.jobs");
    let dlq = attrs(&sqs, &dlq_url).await;
    let jobs = attrs(&sqs, &jobs_url).await;
    let redrive = json(&jobs["RedrivePolicy"]);
    assert_eq!(redrive["deadLetterTargetArn"], dlq["QueueArn"].as_str());
    assert_eq!(redrive["maxReceiveCount"], 5);
    assert_eq!(jobs["VisibilityTimeout"], "60");
    assert_eq!(jobs["ReceiveMessageWaitTimeSeconds"], "20");
    assert_eq!(jobs["SqsManagedSseEnabled"], "true");
    assert_eq!(dlq["MessageRetentionPeriod"], "1209600");
    let allow = json(&dlq["RedriveAllowPolicy"]);
    assert_eq!(allow["redrivePermission"], "byQueue");
    assert_eq!(allow["sourceQueueArns"][0], jobs["QueueArn"].as_str());
    let policy = json(&jobs["Policy"]);
    assert_eq!(policy["Statement"][0]["Principal"]["Service"], "events.amazonaws.com");
    let tags = sqs.list_queue_tags().queue_url(&jobs_url).send().await.unwrap();
    let tags = tags.tags().unwrap();
    assert_eq!(tags.get("Role").map(String::as_str), Some("jobs"));
    assert_eq!(
        tags.get("infractl:address").map(String::as_str),
        Some("aws_sqs_queue.jobs")
    );
    let sources = sqs
        .list_dead_letter_source_queues()
        .queue_url(&dlq_url)
        .send()
        .await
        .unwrap();
    assert_eq!(sources.queue_urls(), std::slice::from_ref(&jobs_url));
    let ordered_url = stack.state_id("aws_sqs_queue.ordered");
    let name = ordered_url.rsplit('/').next().unwrap();
    assert!(
        name.starts_with(&format!("{}-o-", stack.name)) && name.ends_with(".fifo"),
        "{name}"
    );
    let ordered = attrs(&sqs, &ordered_url).await;
    assert_eq!(ordered["FifoQueue"], "true");
    assert_eq!(ordered["ContentBasedDeduplication"], "true");
    assert_eq!(ordered["DeduplicationScope"], "messageGroup");
    assert_eq!(ordered["FifoThroughputLimit"], "perMessageGroupId");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: the redrive count and the visibility timeout change on the same queue, and the
    // policy another resource owns stays.
    std::fs::write(stack.path.join("main.tf"), blueprint(3, 90)).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 1 changed, 0 destroyed"), "{out}");
    let jobs = attrs(&sqs, &jobs_url).await;
    assert_eq!(json(&jobs["RedrivePolicy"])["maxReceiveCount"], 3);
    assert_eq!(jobs["VisibilityTimeout"], "90");
    assert!(
        jobs.contains_key("Policy"),
        "changing other attributes keeps the queue policy: {jobs:?}"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: a visibility timeout changed outside is put back; a policy removed outside is
    // written again.
    sqs.set_queue_attributes()
        .queue_url(&jobs_url)
        .attributes(QueueAttributeName::VisibilityTimeout, "5")
        .send()
        .await
        .unwrap();
    sqs.set_queue_attributes()
        .queue_url(&jobs_url)
        .attributes(QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap();
    let out = run(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("aws_sqs_queue.jobs will be updated in-place"), "{shown}");
    assert!(shown.contains("aws_sqs_queue_policy.jobs will be created"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let jobs = attrs(&sqs, &jobs_url).await;
    assert_eq!(jobs["VisibilityTimeout"], "90");
    assert!(jobs.contains_key("Policy"));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Every object is imported back by its queue URL, as Terraform imports them.
    stack.reimport_all(&vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    for url in [&dlq_url, &jobs_url, &ordered_url] {
        let gone = sqs
            .get_queue_attributes()
            .queue_url(url.as_str())
            .attribute_names(QueueAttributeName::All)
            .send()
            .await;
        assert!(gone.is_err(), "{url} is gone after destroy");
    }
}

#[test]
fn queue_names_and_settings_are_checked_before_any_call() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
resource "aws_sqs_queue" "a" {
  name       = "jobs"
  fifo_queue = true
}
"#,
    )]);
    let out = stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9");
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("ends in \\\".fifo\\\"") || shown.contains("ends in \".fifo\""),
        "{shown}"
    );
    assert!(shown.contains("main.tf:2"), "{shown}");
}
