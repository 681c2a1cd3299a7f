//! Composite alarms: a rule over two metric alarms (`ALARM("a") OR ALARM("b")`) with an SNS
//! topic as its action and a third alarm as its actions suppressor. Checked against what the
//! emulator holds (DescribeAlarms with AlarmTypes CompositeAlarm), changed in place (rule,
//! description) and by replacement (name), drift made through the SDK found and put back,
//! imported by name, adopted after a killed create, destroyed; the same blueprint applied by
//! Terraform then planned clean by infractl; a rule too long refused by both before any call.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::killed_creates::apply_killed_when_held;
use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack, Terraform};
use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "suffix" {
  type    = string
  default = "service"
}

variable "operator" {
  type    = string
  default = "OR"
}

variable "description" {
  type    = string
  default = "cpu or errors"
}

variable "actions_enabled" {
  type    = bool
  default = true
}

resource "aws_sns_topic" "alerts" {
  name = "${var.name}-alerts"
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 80
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 60
  statistic           = "Sum"
  threshold           = 10
}

resource "aws_cloudwatch_metric_alarm" "maintenance" {
  alarm_name          = "${var.name}-maintenance"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "MaintenanceWindow"
  namespace           = "Ops"
  period              = 300
  statistic           = "Maximum"
  threshold           = 1
}

resource "aws_cloudwatch_composite_alarm" "service" {
  alarm_name        = "${var.name}-${var.suffix}"
  alarm_description = var.description
  alarm_rule        = "ALARM(\"${aws_cloudwatch_metric_alarm.cpu.alarm_name}\") ${var.operator} ALARM(\"${aws_cloudwatch_metric_alarm.errors.alarm_name}\")"
  actions_enabled   = var.actions_enabled
  alarm_actions     = [aws_sns_topic.alerts.arn]
  ok_actions        = [aws_sns_topic.alerts.arn]

  actions_suppressor {
    alarm            = aws_cloudwatch_metric_alarm.maintenance.alarm_name
    extension_period = 60
    wait_period      = 120
  }

  tags = {
    Team = "sre"
  }
}
"#;

/// The composite alarm of this name, as DescribeAlarms answers for composite alarms.
async fn composite(cw: &aws_sdk_cloudwatch::Client, name: &str) -> Option<CompositeAlarm> {
    let out = cw
        .describe_alarms()
        .alarm_names(name)
        .alarm_types(AlarmType::CompositeAlarm)
        .send()
        .await
        .unwrap();
    out.composite_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some(name))
        .cloned()
}

/// Names of the alarms of either kind whose name starts with `prefix`.
async fn alarms_named(cw: &aws_sdk_cloudwatch::Client, prefix: &str) -> Vec<String> {
    let out = cw
        .describe_alarms()
        .alarm_name_prefix(prefix)
        .alarm_types(AlarmType::CompositeAlarm)
        .alarm_types(AlarmType::MetricAlarm)
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = out
        .metric_alarms()
        .iter()
        .filter_map(|a| a.alarm_name())
        .chain(out.composite_alarms().iter().filter_map(|a| a.alarm_name()))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn a_composite_alarm_over_two_alarms_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-var", var.as_str()]);
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let topic = stack.state_id("aws_sns_topic.alerts");
    let made = composite(&cw, &format!("{name}-service"))
        .await
        .expect("the composite alarm");
    assert_eq!(
        made.alarm_rule(),
        Some(format!("ALARM(\"{name}-cpu\") OR ALARM(\"{name}-errors\")").as_str())
    );
    assert_eq!(made.alarm_description(), Some("cpu or errors"));
    assert_eq!(made.actions_enabled(), Some(true));
    assert_eq!(made.alarm_actions(), std::slice::from_ref(&topic));
    assert_eq!(made.ok_actions(), std::slice::from_ref(&topic));
    assert!(made.insufficient_data_actions().is_empty());
    assert_eq!(made.actions_suppressor(), Some(format!("{name}-maintenance").as_str()));
    assert_eq!(made.actions_suppressor_wait_period(), Some(120));
    assert_eq!(made.actions_suppressor_extension_period(), Some(60));
    let arn = made.alarm_arn().unwrap().to_string();
    assert_eq!(
        stack.state_id("aws_cloudwatch_composite_alarm.service"),
        format!("{name}-service")
    );
    let tags = cw.list_tags_for_resource().resource_arn(&arn).send().await.unwrap();
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == Some("Team") && t.value() == Some("sre")),
        "{tags:?}"
    );
    // A metric alarm is not a composite one: DescribeAlarms keeps the kinds apart.
    assert!(composite(&cw, &format!("{name}-cpu")).await.is_none());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: the rule and the description.
    let changed = ["-var", "operator=AND", "-var", "description=cpu and errors"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_cloudwatch_composite_alarm.service will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let now = composite(&cw, &format!("{name}-service")).await.unwrap();
    assert_eq!(
        now.alarm_rule(),
        Some(format!("ALARM(\"{name}-cpu\") AND ALARM(\"{name}-errors\")").as_str())
    );
    assert_eq!(now.alarm_description(), Some("cpu and errors"));
    assert_eq!(now.alarm_arn(), Some(arn.as_str()));
    assert_eq!(
        now.actions_suppressor_wait_period(),
        Some(120),
        "the update kept the suppressor"
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift through the SDK: the description changed and the suppressor dropped.
    cw.put_composite_alarm()
        .alarm_name(format!("{name}-service"))
        .alarm_rule(now.alarm_rule().unwrap())
        .alarm_description("edited by hand")
        .alarm_actions(&topic)
        .ok_actions(&topic)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("\"edited by hand\" -> \"cpu and errors\""), "{shown}");
    assert!(shown.contains("actions_suppressor"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let back = composite(&cw, &format!("{name}-service")).await.unwrap();
    assert_eq!(back.alarm_description(), Some("cpu and errors"));
    assert_eq!(back.actions_suppressor(), Some(format!("{name}-maintenance").as_str()));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // actions_enabled forces a new alarm, as the provider declares it: planned, not applied.
    let shown = expect_code(
        &run(&[
            &["plan", "-detailed-exitcode", "-var", "actions_enabled=false"][..],
            &changed,
        ]
        .concat()),
        2,
    );
    assert!(
        shown.contains("aws_cloudwatch_composite_alarm.service must be replaced"),
        "{shown}"
    );

    // A new name replaces the alarm: the old one gone, the new one holding the same settings.
    let renamed = [&changed[..], &["-var", "suffix=api"]].concat();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &renamed].concat()), 2);
    assert!(
        shown.contains("aws_cloudwatch_composite_alarm.service must be replaced"),
        "{shown}"
    );
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &renamed].concat()), 0);
    assert!(composite(&cw, &format!("{name}-service")).await.is_none());
    let new = composite(&cw, &format!("{name}-api")).await.expect("the renamed alarm");
    assert_eq!(new.alarm_description(), Some("cpu and errors"));
    assert_eq!(new.actions_suppressor_extension_period(), Some(60));
    let tags = cw
        .list_tags_for_resource()
        .resource_arn(new.alarm_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().iter().any(|t| t.key() == Some("Team")), "{tags:?}");
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &renamed].concat()), 0);

    // Imported by name, then a clean plan.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&renamed);
    stack.reimport_all(&vars);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &renamed].concat()), 0);
    assert_eq!(alarms_named(&cw, &name).await, Vec::<String>::new());

    // The tags went with the alarm: another alarm of that name (the same ARN) starts bare.
    let again = format!("{name}-api");
    cw.put_metric_alarm()
        .alarm_name(&again)
        .metric_name("CPUUtilization")
        .namespace("AWS/EC2")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(90.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let tags = cw
        .list_tags_for_resource()
        .resource_arn(new.alarm_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().is_empty(), "{tags:?}");
    cw.delete_alarms().alarm_names(&again).send().await.unwrap();
}

/// A composite alarm of the blueprint's name that this stack did not make is refused, not
/// overwritten by PutCompositeAlarm.
#[tokio::test(flavor = "multi_thread")]
async fn a_composite_alarm_of_the_same_name_made_elsewhere_is_not_overwritten() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let conf = sdk_config(REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    cw.put_composite_alarm()
        .alarm_name(format!("{name}-service"))
        .alarm_rule("ALARM(\"elsewhere\")")
        .send()
        .await
        .unwrap();
    let out = expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 1);
    assert!(out.contains("aws_cloudwatch_composite_alarm.service"), "{out}");
    assert!(out.contains("AlarmAlreadyExists"), "{out}");
    let kept = composite(&cw, &format!("{name}-service")).await.unwrap();
    assert_eq!(kept.alarm_rule(), Some("ALARM(\"elsewhere\")"));
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert!(
        composite(&cw, &format!("{name}-service")).await.is_some(),
        "destroy took the foreign alarm"
    );
    cw.delete_alarms()
        .alarm_names(format!("{name}-service"))
        .send()
        .await
        .unwrap();
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 80
}

resource "aws_cloudwatch_composite_alarm" "any" {
  alarm_name = "${var.name}-any"
  alarm_rule = "ALARM(\"${aws_cloudwatch_metric_alarm.cpu.alarm_name}\")"
}
"#;

/// PutCompositeAlarm reached CloudWatch but its answer never came back (the run was killed):
/// the next apply finds the alarm by its unique name and the stack's tags, and adopts it.
#[tokio::test(flavor = "multi_thread")]
async fn a_composite_alarm_whose_create_was_killed_is_adopted_by_its_name() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["monitoring:PutCompositeAlarm"]);

    let conf = sdk_config(REGION).await;
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let alarm = format!("{}-any", stack.name);
    let made = composite(&cw, &alarm).await.expect("the killed create made the alarm");
    let state = std::fs::read_to_string(stack.state_file()).unwrap_or_default();
    assert!(
        !state.contains("aws_cloudwatch_composite_alarm"),
        "state already knows it"
    );

    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(
        shown.contains(&format!("aws_cloudwatch_composite_alarm.any: adopting {alarm}")),
        "the alarm was not adopted:\n{shown}"
    );
    assert_eq!(stack.state_id("aws_cloudwatch_composite_alarm.any"), alarm);
    let now = composite(&cw, &alarm).await.unwrap();
    assert_eq!(now.alarm_arn(), made.alarm_arn());
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert_eq!(alarms_named(&cw, &stack.name).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the composite alarm blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["cloudwatch", "sns", "sts", "iam"], &["-var", &var]);
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config(REGION).await);
    let made = composite(&cw, &format!("{}-service", stack.name)).await.unwrap();
    assert_eq!(made.actions_suppressor_wait_period(), Some(120));
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert_eq!(alarms_named(&cw, &stack.name).await, Vec::<String>::new());
}

/// A rule over 10240 characters: refused by `infractl validate` at its line, before any call,
/// and by `terraform validate` with the AWS provider 5.100.
#[test]
fn a_rule_too_long_is_refused_by_both() {
    // ALARM("aaa...") written in HCL: the quotes escaped, 10250 characters once read.
    let rule = format!("ALARM(\\\"{}\\\")", "a".repeat(10240));
    let body = format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_cloudwatch_composite_alarm\" \"long\" {{\n  alarm_name = \"long\"\n  alarm_rule = \"{rule}\"\n}}\n"
    );
    let stack = Stack::from_files(&[("main.tf", &body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("alarm_rule"), "{shown}");
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("1 to 10240"), "{shown}");
    // Exactly 10240 characters is allowed.
    let edge = body.replace(&rule, &"b".repeat(10240));
    std::fs::write(stack.path.join("main.tf"), &edge).unwrap();
    expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 0);

    let Some(tf) = Terraform::init("a composite alarm rule over 10240 characters") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), &body).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(!out.status.success(), "terraform accepted the long rule");
    assert!(text(&out).contains("alarm_rule"), "{}", text(&out));
    std::fs::write(tf.work().join("main.tf"), &edge).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(
        out.status.success(),
        "terraform refused 10240 characters:\n{}",
        text(&out)
    );
}
