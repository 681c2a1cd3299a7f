//! `aws_appautoscaling_scheduled_action` on the emulator: two actions on a DynamoDB table's
//! read capacity target, one recurring in a time zone, one in a window given with an offset;
//! capacities and the schedule change in place and the window is kept; a time written with
//! another offset for the same instant is no change; an action deleted behind infractl's back is
//! made again; import; destroy. Terraform plans clean after infractl and back.

use crate::interop::cross_check;
use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_applicationautoscaling::types::{ScheduledAction, ServiceNamespace};

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_dynamodb_table" "t" {
  name           = var.name
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
resource "aws_appautoscaling_target" "reads" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.t.name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 5
  max_capacity       = 50
}
resource "aws_appautoscaling_scheduled_action" "mornings" {
  name               = "mornings"
  service_namespace  = aws_appautoscaling_target.reads.service_namespace
  resource_id        = aws_appautoscaling_target.reads.resource_id
  scalable_dimension = aws_appautoscaling_target.reads.scalable_dimension
  schedule           = "cron(0 8 ? * MON-FRI *)"
  timezone           = "Europe/Paris"
  scalable_target_action {
    min_capacity = 10
    max_capacity = 40
  }
}
resource "aws_appautoscaling_scheduled_action" "window" {
  name               = "window"
  service_namespace  = aws_appautoscaling_target.reads.service_namespace
  resource_id        = aws_appautoscaling_target.reads.resource_id
  scalable_dimension = aws_appautoscaling_target.reads.scalable_dimension
  schedule           = "rate(1 hour)"
  start_time         = "2031-01-01T10:00:00+02:00"
  end_time           = "2031-01-02T08:00:00Z"
  scalable_target_action {
    max_capacity = 20
  }
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn scheduled_actions_are_put_changed_kept_in_their_window_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let scaling = aws_sdk_applicationautoscaling::Client::new(&sdk_config("us-east-1").await);
    let resource = format!("table/{}", stack.name);
    let actions = || async {
        let out = scaling
            .describe_scheduled_actions()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id(&resource)
            .send()
            .await
            .unwrap();
        let mut all: Vec<ScheduledAction> = out.scheduled_actions().to_vec();
        all.sort_by(|a, b| a.scheduled_action_name().cmp(b.scheduled_action_name()));
        all
    };
    let capacities = |a: &ScheduledAction| {
        let t = a.scalable_target_action().unwrap();
        (t.min_capacity(), t.max_capacity())
    };
    let held = actions().await;
    assert_eq!(held.len(), 2);
    let (mornings, window) = (&held[0], &held[1]);
    assert_eq!(
        (mornings.schedule(), mornings.timezone(), capacities(mornings)),
        ("cron(0 8 ? * MON-FRI *)", Some("Europe/Paris"), (Some(10), Some(40)))
    );
    assert_eq!(
        (window.timezone(), capacities(window)),
        (Some("UTC"), (None, Some(20))),
        "the provider's UTC default, one capacity"
    );
    assert_eq!(window.start_time().map(|t| t.secs()), Some(1_925_020_800), "08:00 UTC");
    assert_eq!(window.end_time().map(|t| t.secs()), Some(1_925_107_200));
    assert_eq!(
        stack.state_str("aws_appautoscaling_scheduled_action.window", "start_time"),
        "2031-01-01T08:00:00Z"
    );
    assert_eq!(
        stack.state_str("aws_appautoscaling_scheduled_action.mornings", "id"),
        format!("mornings-dynamodb-{resource}")
    );
    assert_eq!(
        stack.state_str("aws_appautoscaling_scheduled_action.mornings", "arn"),
        mornings.scheduled_action_arn()
    );

    // The same instant with another offset is no change.
    stack.edit("main.tf", "\"2031-01-02T08:00:00Z\"", "\"2031-01-02T09:00:00+01:00\"");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new capacity and schedule change the window's action in place; its times stay.
    stack.edit("main.tf", "max_capacity = 20", "max_capacity = 30");
    stack.edit("main.tf", "\"rate(1 hour)\"", "\"rate(2 hours)\"");
    stack.changes_in_place("aws_appautoscaling_scheduled_action.window", &args);
    let held = actions().await;
    assert_eq!(
        (held[1].schedule(), capacities(&held[1])),
        ("rate(2 hours)", (None, Some(30)))
    );
    assert_eq!(
        (
            held[1].start_time().map(|t| t.secs()),
            held[1].end_time().map(|t| t.secs())
        ),
        (Some(1_925_020_800), Some(1_925_107_200)),
        "a change keeps the window"
    );

    // Deleted behind infractl's back: made again; then every object imported plans clean.
    scaling
        .delete_scheduled_action()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(&resource)
        .scalable_dimension(aws_sdk_applicationautoscaling::types::ScalableDimension::DynamoDbTableReadCapacityUnits)
        .scheduled_action_name("mornings")
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_appautoscaling_scheduled_action.mornings will be created"),
        "{shown}"
    );
    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(actions().await.is_empty());
}

/// Terraform and infractl keep scheduled actions the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_scheduled_actions_either_way() {
    cross_check(
        "the aws_appautoscaling_scheduled_action cross-check",
        BLUEPRINT,
        "appscaling-schedule",
        None,
        &["dynamodb", "applicationautoscaling", "sts"],
    );
}
