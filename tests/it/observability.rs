//! SNS topics and subscriptions, CloudWatch metric alarms (percentile and metric math) and
//! dashboards against the emulator: create, read back, update in place, drift, import, destroy.

use crate::support::{expect_code, sdk_config, shows_change, Stack};

const REGION: &str = "eu-west-1";

fn blueprint(threshold: u32, email: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_sns_topic" "alarms" {{
  name         = "${{var.name}}-alarms"
  display_name = "Alarms"
}}

resource "aws_sns_topic_subscription" "oncall" {{
  topic_arn     = aws_sns_topic.alarms.arn
  protocol      = "email"
  endpoint      = "{email}"
  filter_policy = jsonencode({{ severity = ["high"] }})
}}

resource "aws_cloudwatch_metric_alarm" "latency_p95" {{
  alarm_name          = "${{var.name}}-latency-p95"
  alarm_description   = "API p95 latency"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = {threshold}
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions = {{
    ApiName = "${{var.name}}-api"
    Stage   = "prod"
  }}
  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]

  tags = {{
    Severity = "high"
  }}
}}

resource "aws_cloudwatch_metric_alarm" "error_rate" {{
  alarm_name          = "${{var.name}}-5xx-rate"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 3
  threshold           = 5
  alarm_actions       = [aws_sns_topic.alarms.arn]

  metric_query {{
    id          = "rate"
    expression  = "100 * errors / MAX([errors, requests])"
    label       = "5xx rate"
    return_data = true
  }}

  metric_query {{
    id = "errors"
    metric {{
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      period      = 60
      stat        = "Sum"
      dimensions  = {{ ApiName = "${{var.name}}-api" }}
    }}
  }}

  metric_query {{
    id = "requests"
    metric {{
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      period      = 60
      stat        = "Sum"
      dimensions  = {{ ApiName = "${{var.name}}-api" }}
    }}
  }}
}}

resource "aws_cloudwatch_dashboard" "main" {{
  dashboard_name = "${{var.name}}-main"
  dashboard_body = jsonencode({{
    widgets = [{{
      type   = "metric"
      x      = 0
      y      = 0
      width  = 12
      height = 6
      properties = {{
        title   = "Latency"
        region  = "{REGION}"
        stat    = "p95"
        period  = 60
        metrics = [["AWS/ApiGateway", "Latency", "ApiName", "${{var.name}}-api"]]
      }}
    }}]
  }})
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_alarms_and_dashboards() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(800, "oncall@example.com"))]);
    let name = stack.name.clone();
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let topic_arn = stack.state_id("aws_sns_topic.alarms");
    let attrs = sns.get_topic_attributes().topic_arn(&topic_arn).send().await.unwrap();
    assert_eq!(
        attrs
            .attributes()
            .and_then(|a| a.get("DisplayName"))
            .map(String::as_str),
        Some("Alarms")
    );
    let sub_arn = stack.state_id("aws_sns_topic_subscription.oncall");
    let sub = sns
        .get_subscription_attributes()
        .subscription_arn(&sub_arn)
        .send()
        .await
        .unwrap();
    let sub = sub.attributes().unwrap();
    assert_eq!(sub.get("Endpoint").map(String::as_str), Some("oncall@example.com"));
    assert!(sub.get("FilterPolicy").unwrap().contains("high"));

    let alarm = |name: String| {
        let cw = cw.clone();
        async move {
            cw.describe_alarms()
                .alarm_names(name)
                .send()
                .await
                .unwrap()
                .metric_alarms()
                .first()
                .cloned()
        }
    };
    let p95 = alarm(format!("{name}-latency-p95")).await.unwrap();
    assert_eq!(p95.extended_statistic(), Some("p95"));
    assert_eq!(p95.threshold(), Some(800.0));
    assert_eq!(p95.alarm_actions(), std::slice::from_ref(&topic_arn));
    assert_eq!(p95.dimensions().len(), 2);
    let tags = cw
        .list_tags_for_resource()
        .resource_arn(p95.alarm_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().iter().any(|t| t.key() == Some("Severity")));
    let math = alarm(format!("{name}-5xx-rate")).await.unwrap();
    assert_eq!(math.metrics().len(), 3);
    assert!(math
        .metrics()
        .iter()
        .any(|q| q.expression() == Some("100 * errors / MAX([errors, requests])")));
    let dash = cw
        .get_dashboard()
        .dashboard_name(format!("{name}-main"))
        .send()
        .await
        .unwrap();
    assert!(dash.dashboard_body().unwrap().contains("Latency"));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: a new threshold; a new endpoint replaces the subscription.
    std::fs::write(stack.path.join("main.tf"), blueprint(1200, "sre@example.com")).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("1 added, 1 changed, 1 destroyed"), "{out}");
    assert_eq!(
        alarm(format!("{name}-latency-p95")).await.unwrap().threshold(),
        Some(1200.0)
    );
    assert!(sns
        .get_subscription_attributes()
        .subscription_arn(&sub_arn)
        .send()
        .await
        .is_err());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: the threshold changed outside is seen and put back.
    cw.put_metric_alarm()
        .alarm_name(format!("{name}-latency-p95"))
        .namespace("AWS/ApiGateway")
        .metric_name("Latency")
        .extended_statistic("p95")
        .period(60)
        .evaluation_periods(5)
        .threshold(5000.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("threshold") && out.contains("5000 -> 1200"), "{out}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    stack.reimport_all(&vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(alarm(format!("{name}-latency-p95")).await.is_none());
    assert!(alarm(format!("{name}-5xx-rate")).await.is_none());
    assert!(cw
        .get_dashboard()
        .dashboard_name(format!("{name}-main"))
        .send()
        .await
        .is_err());
    assert!(sns.get_topic_attributes().topic_arn(&topic_arn).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alarm_of_the_same_name_made_elsewhere_is_not_overwritten() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(800, "oncall@example.com"))]);
    let name = stack.name.clone();
    let conf = sdk_config(REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    cw.put_metric_alarm()
        .alarm_name(format!("{name}-latency-p95"))
        .namespace("Other")
        .metric_name("Other")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let out = expect_code(
        &stack.run(&["apply", "-auto-approve", "-var", &format!("name={name}")]),
        1,
    );
    assert!(out.contains("aws_cloudwatch_metric_alarm.latency_p95"), "{out}");
    assert!(out.contains("AlarmAlreadyExists"), "{out}");
    let kept = cw
        .describe_alarms()
        .alarm_names(format!("{name}-latency-p95"))
        .send()
        .await
        .unwrap();
    assert_eq!(kept.metric_alarms()[0].namespace(), Some("Other"));
    expect_code(
        &stack.run(&["destroy", "-auto-approve", "-var", &format!("name={name}")]),
        0,
    );
    cw.delete_alarms()
        .alarm_names(format!("{name}-latency-p95"))
        .send()
        .await
        .unwrap();
}

/// The topic settings public modules set (terraform-aws-modules/sns): delivery-status logging,
/// archive policy, signature version; kept by SNS, read back, changed in place.
#[tokio::test(flavor = "multi_thread")]
async fn topic_delivery_status_logging_and_archive_policy() {
    let role = "arn:aws:iam::123456789012:role/sns-feedback";
    let stack = Stack::from_files(&[(
        "main.tf",
        &format!(
            r#"
resource "aws_sns_topic" "t" {{
  name                                  = "feedback-${{basename(path.cwd)}}"
  signature_version                     = 2
  tracing_config                        = "Active"
  http_success_feedback_role_arn        = "{role}"
  http_success_feedback_sample_rate     = 50
  http_failure_feedback_role_arn        = "{role}"
  sqs_success_feedback_sample_rate      = 10
  sqs_success_feedback_role_arn         = "{role}"
  application_failure_feedback_role_arn = null
}}
"#
        ),
    )]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let sns = aws_sdk_sns::Client::new(&sdk_config("us-east-1").await);
    let arn = stack.state_id("aws_sns_topic.t");
    let attrs = sns.get_topic_attributes().topic_arn(&arn).send().await.unwrap();
    let a = attrs.attributes().unwrap();
    assert_eq!(a.get("HTTPSuccessFeedbackSampleRate").map(String::as_str), Some("50"));
    assert_eq!(a.get("HTTPFailureFeedbackRoleArn").map(String::as_str), Some(role));
    assert_eq!(a.get("SQSSuccessFeedbackSampleRate").map(String::as_str), Some("10"));
    assert_eq!(a.get("SignatureVersion").map(String::as_str), Some("2"));
    assert_eq!(a.get("TracingConfig").map(String::as_str), Some("Active"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    stack.edit(
        "main.tf",
        "http_success_feedback_sample_rate     = 50",
        "http_success_feedback_sample_rate     = 75",
    );
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shows_change(&shown, "http_success_feedback_sample_rate", "50 -> 75"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let attrs = sns.get_topic_attributes().topic_arn(&arn).send().await.unwrap();
    assert_eq!(
        attrs
            .attributes()
            .unwrap()
            .get("HTTPSuccessFeedbackSampleRate")
            .map(String::as_str),
        Some("75")
    );
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(sns.get_topic_attributes().topic_arn(&arn).send().await.is_err());
}
