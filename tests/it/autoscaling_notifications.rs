//! `aws_autoscaling_notification` on the emulator: two groups publish launch and terminate
//! events to one topic, one group its errors to another. The groups and event types change in
//! place (a group left out stops sending), a new topic
//! replaces; a group stopped behind infractl's back is put back, a topic no group sends to any
//! more is configured again; an import by the topic's ARN plans clean; destroy leaves no group
//! sending. Terraform plans clean after infractl and back.

use crate::interop::cross_check;
use crate::support::{expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "t" {
  name          = "${var.name}-notified"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "web" {
  name               = "${var.name}-web"
  min_size           = 0
  max_size           = 2
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.t.id
  }
}
resource "aws_autoscaling_group" "api" {
  name               = "${var.name}-api"
  min_size           = 0
  max_size           = 2
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.t.id
  }
}
resource "aws_sns_topic" "events" {
  name = "${var.name}-scaling-events"
}
resource "aws_sns_topic" "errors" {
  name = "${var.name}-scaling-errors"
}
resource "aws_autoscaling_notification" "events" {
  group_names = [aws_autoscaling_group.web.name, aws_autoscaling_group.api.name]
  notifications = [
    "autoscaling:EC2_INSTANCE_LAUNCH",
    "autoscaling:EC2_INSTANCE_TERMINATE",
  ]
  topic_arn = aws_sns_topic.events.arn
}
resource "aws_autoscaling_notification" "errors" {
  group_names   = [aws_autoscaling_group.web.name]
  notifications = ["autoscaling:EC2_INSTANCE_LAUNCH_ERROR"]
  topic_arn     = aws_sns_topic.errors.arn
}
"##;

/// What Auto Scaling holds: (group, topic, type), sorted, for the groups named.
async fn held(asg: &aws_sdk_autoscaling::Client, groups: &[&str]) -> Vec<(String, String, String)> {
    let out = asg
        .describe_notification_configurations()
        .set_auto_scaling_group_names(Some(groups.iter().map(|g| g.to_string()).collect()))
        .send()
        .await
        .unwrap();
    let mut all: Vec<_> = out
        .notification_configurations()
        .iter()
        .map(|n| {
            (
                n.auto_scaling_group_name().unwrap_or_default().to_string(),
                n.topic_arn().unwrap_or_default().to_string(),
                n.notification_type().unwrap_or_default().to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

fn record(group: &str, topic: &str, kind: &str) -> (String, String, String) {
    (group.to_string(), topic.to_string(), format!("autoscaling:{kind}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn notifications_are_put_changed_put_back_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let (web, api) = (format!("{}-web", stack.name), format!("{}-api", stack.name));
    let groups = [web.as_str(), api.as_str()];
    let events = stack.state_id("aws_autoscaling_notification.events");
    let errors = stack.state_id("aws_autoscaling_notification.errors");
    assert!(
        events.ends_with("-scaling-events"),
        "the id is the topic's ARN: {events}"
    );
    let mut expected = vec![
        record(&api, &events, "EC2_INSTANCE_LAUNCH"),
        record(&api, &events, "EC2_INSTANCE_TERMINATE"),
        record(&web, &errors, "EC2_INSTANCE_LAUNCH_ERROR"),
        record(&web, &events, "EC2_INSTANCE_LAUNCH"),
        record(&web, &events, "EC2_INSTANCE_TERMINATE"),
    ];
    expected.sort();
    assert_eq!(held(&asg, &groups).await, expected);

    // In place: the api group leaves the events topic, which now also gets the test event; the
    // errors topic gets terminate errors too.
    stack.edit(
        "main.tf",
        "[aws_autoscaling_group.web.name, aws_autoscaling_group.api.name]",
        "[aws_autoscaling_group.web.name]",
    );
    stack.edit(
        "main.tf",
        "    \"autoscaling:EC2_INSTANCE_TERMINATE\",\n",
        "    \"autoscaling:EC2_INSTANCE_TERMINATE\",\n    \"autoscaling:TEST_NOTIFICATION\",\n",
    );
    stack.edit(
        "main.tf",
        "[\"autoscaling:EC2_INSTANCE_LAUNCH_ERROR\"]",
        "[\"autoscaling:EC2_INSTANCE_LAUNCH_ERROR\", \"autoscaling:EC2_INSTANCE_TERMINATE_ERROR\"]",
    );
    let shown = stack.plans_and_applies("0 to add, 2 to change, 0 to destroy", &args);
    assert!(!shown.contains("must be replaced"), "{shown}");
    let mut expected = vec![
        record(&web, &errors, "EC2_INSTANCE_LAUNCH_ERROR"),
        record(&web, &errors, "EC2_INSTANCE_TERMINATE_ERROR"),
        record(&web, &events, "EC2_INSTANCE_LAUNCH"),
        record(&web, &events, "EC2_INSTANCE_TERMINATE"),
        record(&web, &events, "TEST_NOTIFICATION"),
    ];
    expected.sort();
    assert_eq!(held(&asg, &groups).await, expected, "the api group stopped sending");

    // Stopped behind infractl's back for one group of two: put back.
    stack.edit(
        "main.tf",
        "group_names   = [aws_autoscaling_group.web.name]",
        "group_names   = [aws_autoscaling_group.web.name, aws_autoscaling_group.api.name]",
    );
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    asg.delete_notification_configuration()
        .auto_scaling_group_name(&api)
        .topic_arn(&errors)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_autoscaling_notification.errors will be updated"),
        "{shown}"
    );
    assert_eq!(
        held(&asg, &[&api]).await,
        [
            record(&api, &errors, "EC2_INSTANCE_LAUNCH_ERROR"),
            record(&api, &errors, "EC2_INSTANCE_TERMINATE_ERROR")
        ]
    );
    // No group sends to the events topic any more: configured again.
    asg.delete_notification_configuration()
        .auto_scaling_group_name(&web)
        .topic_arn(&events)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_autoscaling_notification.events will be created"),
        "{shown}"
    );

    // A new topic replaces: the old topic no longer hears from the group.
    stack.edit("main.tf", "-scaling-events\"", "-scaling-news\"");
    let shown = stack.plans_and_applies("2 to add, 0 to change, 2 to destroy", &args);
    assert!(
        shown.contains("aws_autoscaling_notification.events must be replaced"),
        "{shown}"
    );
    let news = stack.state_id("aws_autoscaling_notification.events");
    let topics: Vec<String> = held(&asg, &groups).await.into_iter().map(|(_, t, _)| t).collect();
    assert!(topics.contains(&news) && !topics.contains(&events), "{topics:?}");

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(held(&asg, &groups).await.is_empty());
}

/// Terraform and infractl keep group notifications the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_notifications_either_way() {
    cross_check(
        "the aws_autoscaling_notification cross-check",
        BLUEPRINT,
        "notified",
        None,
        &["ec2", "autoscaling", "sns", "sts"],
    );
}
