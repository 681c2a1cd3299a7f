//! The CloudWatch Logs companions (`aws_cloudwatch_log_stream`, `_log_metric_filter`,
//! `_log_resource_policy`, `aws_cloudwatch_query_definition`) and `aws_sns_topic_policy` on the
//! emulator: what it holds after create, after an in-place update, after the policy is dropped
//! from the blueprint (the topic's default policy is back) and after destroy.

use crate::support::{expect_code, sdk_config, Stack};
use serde_json::{json, Value as Json};

const REGION: &str = "eu-north-1";

fn blueprint(pattern: &str, unit: &str, query: &str, service: &str, with_topic_policy: bool) -> String {
    let topic_policy = if with_topic_policy {
        r#"
resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "events"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}

output "topic_owner" { value = aws_sns_topic_policy.alerts.owner }
"#
    } else {
        ""
    };
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

variable "stream_arn" {{
  type = string
}}

resource "aws_cloudwatch_log_group" "app" {{
  name = "/${{var.name}}/app"
}}

resource "aws_cloudwatch_log_stream" "web" {{
  name           = "web-1"
  log_group_name = aws_cloudwatch_log_group.app.name
}}

resource "aws_cloudwatch_log_metric_filter" "errors" {{
  name           = "${{var.name}}-errors"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "{pattern}"
  metric_transformation {{
    name          = "Errors"
    namespace     = "${{var.name}}"
    value         = "1"
    default_value = "0"
    unit          = "{unit}"
  }}
}}

resource "aws_cloudwatch_log_subscription_filter" "ship" {{
  name            = "${{var.name}}-ship"
  log_group_name  = aws_cloudwatch_log_group.app.name
  destination_arn = var.stream_arn
  filter_pattern  = "{pattern}"
}}

resource "aws_cloudwatch_log_resource_policy" "delivery" {{
  policy_name = "${{var.name}}-delivery"
  policy_document = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "{service}" }}
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "${{aws_cloudwatch_log_group.app.arn}}:*"
    }}]
  }})
}}

resource "aws_cloudwatch_query_definition" "recent" {{
  name            = "${{var.name}}/recent"
  log_group_names = [aws_cloudwatch_log_group.app.name]
  query_string    = "{query}"
}}

resource "aws_sns_topic" "alerts" {{
  name = "${{var.name}}-alerts"
}}
{topic_policy}
output "stream_arn" {{ value = aws_cloudwatch_log_stream.web.arn }}
output "query_id" {{ value = aws_cloudwatch_query_definition.recent.query_definition_id }}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn log_companions_and_topic_policies_reach_the_emulator() {
    let name = format!("lx{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let conf = sdk_config(REGION).await;
    let stream_arn = kinesis_stream(&name, &conf).await;
    let var = format!("name={name}");
    let stream_var = format!("stream_arn={stream_arn}");
    let first = blueprint(
        "ERROR",
        "Count",
        "fields @timestamp | limit 20",
        "route53.amazonaws.com",
        true,
    );
    let stack = Stack::from_files(&[("main.tf", &first)]);
    expect_code(
        &stack.run(&["apply", "-auto-approve", "-var", &var, "-var", &stream_var]),
        0,
    );
    let out: Json = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let group = format!("/{name}/app");

    let streams = logs.describe_log_streams().log_group_name(&group).send().await.unwrap();
    let stream = &streams.log_streams()[0];
    assert_eq!(stream.log_stream_name(), Some("web-1"));
    assert_eq!(out["stream_arn"]["value"], json!(stream.arn()));

    let filter = |logs: aws_sdk_cloudwatchlogs::Client, group: String| async move {
        let f = logs
            .describe_metric_filters()
            .log_group_name(group)
            .send()
            .await
            .unwrap();
        f.metric_filters().to_vec()
    };
    let filters = filter(logs.clone(), group.clone()).await;
    assert_eq!(filters.len(), 1);
    assert_eq!(filters[0].filter_pattern(), Some("ERROR"));
    let t = &filters[0].metric_transformations()[0];
    assert_eq!(
        (
            t.metric_name(),
            t.metric_namespace(),
            t.metric_value(),
            t.default_value()
        ),
        ("Errors", name.as_str(), "1", Some(0.0))
    );
    assert_eq!(t.unit().map(|u| u.as_str()), Some("Count"));

    let subscription = |logs: aws_sdk_cloudwatchlogs::Client, group: String| async move {
        let f = logs
            .describe_subscription_filters()
            .log_group_name(group)
            .send()
            .await
            .unwrap();
        f.subscription_filters().to_vec()
    };
    let subs = subscription(logs.clone(), group.clone()).await;
    assert_eq!(subs.len(), 1);
    assert_eq!(
        (
            subs[0].filter_name(),
            subs[0].destination_arn(),
            subs[0].filter_pattern()
        ),
        (
            Some(format!("{name}-ship").as_str()),
            Some(stream_arn.as_str()),
            Some("ERROR")
        )
    );
    assert_eq!(
        stack.state_id("aws_cloudwatch_log_subscription_filter.ship"),
        format!("cwlsf-{}", crc32fast::hash(format!("{group}-").as_bytes()))
    );

    let policy = |logs: aws_sdk_cloudwatchlogs::Client, policy: String| async move {
        let all = logs.describe_resource_policies().send().await.unwrap();
        all.resource_policies()
            .iter()
            .find(|p| p.policy_name() == Some(policy.as_str()))
            .map(|p| serde_json::from_str::<Json>(p.policy_document().unwrap()).unwrap())
    };
    let doc = policy(logs.clone(), format!("{name}-delivery")).await.unwrap();
    assert_eq!(
        doc["Statement"][0]["Principal"]["Service"],
        json!("route53.amazonaws.com")
    );

    let query = |logs: aws_sdk_cloudwatchlogs::Client, id: String| async move {
        let all = logs.describe_query_definitions().send().await.unwrap();
        all.query_definitions()
            .iter()
            .find(|d| d.query_definition_id() == Some(id.as_str()))
            .cloned()
    };
    let query_id = out["query_id"]["value"].as_str().unwrap().to_string();
    assert_eq!(stack.state_id("aws_cloudwatch_query_definition.recent"), query_id);
    let q = query(logs.clone(), query_id.clone()).await.unwrap();
    assert_eq!(q.name(), Some(format!("{name}/recent").as_str()));
    assert_eq!(q.query_string(), Some("fields @timestamp | limit 20"));
    assert_eq!(q.log_group_names(), std::slice::from_ref(&group));

    let topic_arn = stack.state_id("aws_sns_topic.alerts");
    let topic_policy = |sns: aws_sdk_sns::Client, arn: String| async move {
        let a = sns.get_topic_attributes().topic_arn(arn).send().await.unwrap();
        let attrs = a.attributes().cloned().unwrap_or_default();
        (
            serde_json::from_str::<Json>(&attrs["Policy"]).unwrap(),
            attrs.get("Owner").cloned(),
        )
    };
    let (live, owner) = topic_policy(sns.clone(), topic_arn.clone()).await;
    assert_eq!(live["Statement"][0]["Sid"], json!("events"));
    assert_eq!(out["topic_owner"]["value"], json!(owner));
    expect_code(
        &stack.run(&["plan", "-detailed-exitcode", "-var", &var, "-var", &stream_var]),
        0,
    );

    // In place: a new pattern and unit, a new query and a new policy principal, same ids.
    let second = blueprint(
        "ERROR FATAL",
        "Percent",
        "fields @message | limit 5",
        "events.amazonaws.com",
        true,
    );
    std::fs::write(stack.path.join("main.tf"), &second).unwrap();
    let shown = expect_code(
        &stack.run(&["apply", "-auto-approve", "-var", &var, "-var", &stream_var]),
        0,
    );
    assert!(!shown.contains("must be replaced"), "{shown}");
    let filters = filter(logs.clone(), group.clone()).await;
    assert_eq!(filters[0].filter_pattern(), Some("ERROR FATAL"));
    assert_eq!(
        filters[0].metric_transformations()[0].unit().map(|u| u.as_str()),
        Some("Percent")
    );
    let q = query(logs.clone(), query_id.clone()).await.unwrap();
    assert_eq!(q.query_string(), Some("fields @message | limit 5"));
    let subs = subscription(logs.clone(), group.clone()).await;
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].filter_pattern(), Some("ERROR FATAL"));
    let doc = policy(logs.clone(), format!("{name}-delivery")).await.unwrap();
    assert_eq!(
        doc["Statement"][0]["Principal"]["Service"],
        json!("events.amazonaws.com")
    );
    expect_code(
        &stack.run(&["plan", "-detailed-exitcode", "-var", &var, "-var", &stream_var]),
        0,
    );

    // Without its policy resource, the topic has SNS's default policy again.
    let third = blueprint(
        "ERROR FATAL",
        "Percent",
        "fields @message | limit 5",
        "events.amazonaws.com",
        false,
    );
    std::fs::write(stack.path.join("main.tf"), &third).unwrap();
    expect_code(
        &stack.run(&["apply", "-auto-approve", "-var", &var, "-var", &stream_var]),
        0,
    );
    let (live, _) = topic_policy(sns.clone(), topic_arn.clone()).await;
    assert_eq!(live["Id"], json!("__default_policy_ID"));
    assert_eq!(live["Statement"][0]["Resource"], json!(topic_arn));

    expect_code(
        &stack.run(&["destroy", "-auto-approve", "-var", &var, "-var", &stream_var]),
        0,
    );
    // The group is gone, and its streams and filters with it.
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await
        .unwrap();
    assert!(groups.log_groups().is_empty());
    assert!(policy(logs.clone(), format!("{name}-delivery")).await.is_none());
    assert!(query(logs.clone(), query_id).await.is_none());
}

/// A Kinesis stream for the subscription filter to send to, made with one raw JSON call (the
/// SDK crate for Kinesis is not a dependency); returns its ARN.
async fn kinesis_stream(name: &str, conf: &aws_config::SdkConfig) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let endpoint = crate::support::endpoint();
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/').to_string();
    let body = format!("{{\"StreamName\":\"{name}\",\"ShardCount\":1}}");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: Kinesis_20131202.CreateStream\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/kinesis/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(&host).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let account = aws_sdk_sts::Client::new(conf)
        .get_caller_identity()
        .send()
        .await
        .unwrap()
        .account()
        .unwrap()
        .to_string();
    format!("arn:aws:kinesis:{REGION}:{account}:stream/{name}")
}
