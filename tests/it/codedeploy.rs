//! `aws_codedeploy_app` and `aws_codedeploy_deployment_group` on the emulator: a Lambda
//! application with a blue/green group (service role, rollback, alarms, SNS triggers, tags), as
//! the lambda module's deploy submodule declares it, holds what was asked once applied; the
//! group's name, triggers, alarms and tags and the application's name change in place; a
//! setting changed behind infractl's back is drift; an import plans clean; a create killed
//! before its answer is adopted; destroy deletes both. Terraform plans clean after infractl and
//! back.

use crate::interop::{both_tools_plan_clean_knowing_account, cross_check_blueprint};
use crate::killed_creates::apply_killed_when_held;
use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack, Terraform};
use aws_sdk_codedeploy::types::DeploymentGroupInfo;

const DEPLOY: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_iam_role" "deploy" {
  name = "${var.name}-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codedeploy.amazonaws.com" }
    }]
  })
}
resource "aws_sns_topic" "start" { name = "${var.name}-start" }
resource "aws_sns_topic" "done" { name = "${var.name}-done" }
resource "aws_codedeploy_app" "app" {
  name             = "${var.name}-app"
  compute_platform = "Lambda"
  tags             = { team = "platform" }
}
resource "aws_codedeploy_deployment_group" "g" {
  app_name               = aws_codedeploy_app.app.name
  deployment_group_name  = "${var.name}-live"
  service_role_arn       = aws_iam_role.deploy.arn
  deployment_config_name = "CodeDeployDefault.LambdaAllAtOnce"
  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }
  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_STOP_ON_ALARM"]
  }
  alarm_configuration {
    enabled = true
    alarms  = ["errors", "latency"]
  }
  trigger_configuration {
    trigger_events     = ["DeploymentStart"]
    trigger_name       = "start"
    trigger_target_arn = aws_sns_topic.start.arn
  }
  trigger_configuration {
    trigger_events     = ["DeploymentSuccess", "DeploymentFailure"]
    trigger_name       = "done"
    trigger_target_arn = aws_sns_topic.done.arn
  }
  tags = { team = "platform" }
}
"##;

async fn group(cd: &aws_sdk_codedeploy::Client, app: &str, name: &str) -> Option<DeploymentGroupInfo> {
    match cd
        .get_deployment_group()
        .application_name(app)
        .deployment_group_name(name)
        .send()
        .await
    {
        Ok(out) => out.deployment_group_info().cloned(),
        Err(e) => {
            let code = e.as_service_error().and_then(|s| s.meta().code()).unwrap_or_default();
            assert!(code.ends_with("DoesNotExistException"), "{e:?}");
            None
        }
    }
}

async fn tags(cd: &aws_sdk_codedeploy::Client, arn: &str) -> Vec<(String, String)> {
    let out = cd.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
    let mut t: Vec<(String, String)> = out
        .tags()
        .iter()
        .filter(|t| !t.key().unwrap_or_default().starts_with("infractl:"))
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    t.sort();
    t
}

fn triggers(g: &DeploymentGroupInfo) -> Vec<(String, Vec<String>)> {
    let mut t: Vec<(String, Vec<String>)> = g
        .trigger_configurations()
        .iter()
        .map(|t| {
            let mut events: Vec<String> = t.trigger_events().iter().map(|e| e.as_str().to_string()).collect();
            events.sort();
            (t.trigger_name().unwrap().to_string(), events)
        })
        .collect();
    t.sort();
    t
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_and_its_group_hold_what_was_asked_and_change_in_place() {
    let stack = Stack::from_files(&[("main.tf", DEPLOY)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");

    let cd = aws_sdk_codedeploy::Client::new(&sdk_config("us-east-1").await);
    let app_name = format!("{}-app", stack.name);
    let app = cd.get_application().application_name(&app_name).send().await.unwrap();
    let app = app.application().unwrap();
    assert_eq!(app.compute_platform().map(|p| p.as_str()), Some("Lambda"));
    assert_eq!(
        stack.state_id("aws_codedeploy_app.app"),
        format!("{}:{app_name}", app.application_id().unwrap())
    );
    let app_arn = stack.state_str("aws_codedeploy_app.app", "arn");
    assert!(app_arn.ends_with(&format!(":application:{app_name}")), "{app_arn}");
    assert_eq!(
        tags(&cd, &app_arn).await,
        [("team".to_string(), "platform".to_string())]
    );

    let live = format!("{}-live", stack.name);
    let g = group(&cd, &app_name, &live).await.expect("the group exists");
    assert_eq!(
        stack.state_id("aws_codedeploy_deployment_group.g"),
        g.deployment_group_id().unwrap()
    );
    assert_eq!(g.deployment_config_name(), Some("CodeDeployDefault.LambdaAllAtOnce"));
    assert_eq!(
        g.service_role_arn(),
        Some(stack.state_str("aws_iam_role.deploy", "arn").as_str())
    );
    let style = g.deployment_style().unwrap();
    assert_eq!(style.deployment_type().map(|t| t.as_str()), Some("BLUE_GREEN"));
    assert_eq!(
        style.deployment_option().map(|o| o.as_str()),
        Some("WITH_TRAFFIC_CONTROL")
    );
    let rollback = g.auto_rollback_configuration().unwrap();
    assert!(rollback.enabled());
    assert_eq!(rollback.events()[0].as_str(), "DEPLOYMENT_STOP_ON_ALARM");
    let mut alarms: Vec<&str> = g
        .alarm_configuration()
        .unwrap()
        .alarms()
        .iter()
        .filter_map(|a| a.name())
        .collect();
    alarms.sort_unstable();
    assert_eq!(alarms, ["errors", "latency"]);
    assert_eq!(
        triggers(&g),
        [
            (
                "done".to_string(),
                vec!["DeploymentFailure".to_string(), "DeploymentSuccess".to_string()]
            ),
            ("start".to_string(), vec!["DeploymentStart".to_string()]),
        ]
    );
    let group_arn = stack.state_str("aws_codedeploy_deployment_group.g", "arn");
    assert!(
        group_arn.ends_with(&format!(":deploymentgroup:{app_name}/{live}")),
        "{group_arn}"
    );
    assert_eq!(
        tags(&cd, &group_arn).await,
        [("team".to_string(), "platform".to_string())]
    );

    // The group's name, triggers, alarms and tags change in place, and so does the app's name.
    stack.edit("main.tf", "\"${var.name}-live\"", "\"${var.name}-next\"");
    stack.edit(
        "main.tf",
        "[\"DeploymentSuccess\", \"DeploymentFailure\"]",
        "[\"DeploymentSuccess\"]",
    );
    stack.edit(
        "main.tf",
        "  alarm_configuration {\n    enabled = true\n    alarms  = [\"errors\", \"latency\"]\n  }\n",
        "",
    );
    stack.edit(
        "main.tf",
        "  tags = { team = \"platform\" }\n}\n",
        "  tags = { team = \"platform\", stage = \"live\" }\n}\n",
    );
    stack.edit("main.tf", "\"${var.name}-app\"", "\"${var.name}-application\"");
    let shown = stack.plans_and_applies("0 to add, 2 to change, 0 to destroy", &args);
    assert!(shown.contains("deployment_group_name"), "{shown}");
    let app_name = format!("{}-application", stack.name);
    let next = format!("{}-next", stack.name);
    assert!(group(&cd, &app_name, &live).await.is_none(), "the old name is gone");
    let g = group(&cd, &app_name, &next).await.expect("the group was renamed");
    assert_eq!(
        stack.state_id("aws_codedeploy_deployment_group.g"),
        g.deployment_group_id().unwrap(),
        "the same group, renamed in place"
    );
    assert_eq!(
        triggers(&g)[0],
        ("done".to_string(), vec!["DeploymentSuccess".to_string()])
    );
    let alarm = g.alarm_configuration();
    assert!(alarm.is_none_or(|a| !a.enabled() && a.alarms().is_empty()), "{alarm:?}");
    let group_arn = stack.state_str("aws_codedeploy_deployment_group.g", "arn");
    assert_eq!(
        tags(&cd, &group_arn).await,
        [
            ("stage".to_string(), "live".to_string()),
            ("team".to_string(), "platform".to_string())
        ]
    );
    let id = stack.state_id("aws_codedeploy_app.app");
    assert!(id.ends_with(&format!(":{app_name}")), "{id}");

    // A deployment configuration changed behind infractl's back is drift, put back by apply.
    cd.update_deployment_group()
        .application_name(&app_name)
        .current_deployment_group_name(&next)
        .deployment_config_name("CodeDeployDefault.LambdaCanary10Percent5Minutes")
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(shown.contains("deployment_config_name"), "{shown}");
    let g = group(&cd, &app_name, &next).await.unwrap();
    assert_eq!(g.deployment_config_name(), Some("CodeDeployDefault.LambdaAllAtOnce"));

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&cd, &app_name, &next).await.is_none(), "the group is deleted");
    let gone = cd.get_application().application_name(&app_name).send().await;
    assert!(gone.is_err(), "the application is deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_create_killed_before_its_answer_is_adopted() {
    let blueprint = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_codedeploy_app" "a" { name = "${var.name}-killed" }
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["codedeploy:CreateApplication"]);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(shown.contains("aws_codedeploy_app.a: adopting"), "{shown}");
    let cd = aws_sdk_codedeploy::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-killed", stack.name);
    let app = cd.get_application().application_name(&name).send().await.unwrap();
    assert_eq!(
        stack.state_id("aws_codedeploy_app.a"),
        format!("{}:{name}", app.application().unwrap().application_id().unwrap())
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(cd.get_application().application_name(&name).send().await.is_err());
}

/// Terraform and infractl keep an application and its group the same way: each plans clean
/// after the other applied them (ARNs, tags, the flattened rollback, alarm and trigger blocks,
/// AWS's default style and outdated-instances strategy).
#[test]
fn terraform_and_infractl_agree_on_an_application_and_group_either_way() {
    let Some(tf) = Terraform::find("the aws_codedeploy_deployment_group cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(DEPLOY, "cd-cross-check", None);
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_knowing_account(&tf, &stack, &["iam", "sns", "codedeploy", "sts"]);
}
