//! Step Functions (`aws_sfn_state_machine`, `aws_sfn_alias`, `aws_sfn_activity`): a published
//! standard state machine that logs to a log group and traces, named from a prefix, an alias
//! routing to its newest version, and an activity, checked against what the emulator holds
//! (DescribeStateMachine, ListStateMachineVersions, DescribeStateMachineAlias, DescribeActivity,
//! ListTagsForResource): a second plan clean, the definition changed in place (a new version
//! published, the alias following it), drift made through the SDK found and put back, the type changed
//! (a replacement), imported by ARN, destroyed (gone from the emulator); the same blueprint
//! applied by Terraform then planned clean by infractl; bad values refused at `validate`, as
//! Terraform's `validate` refuses them, and a definition the States Language refuses stopped at
//! plan before any call.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};
use aws_sdk_sfn::error::ProvideErrorMetadata;
use aws_sdk_sfn::Client;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "greeting" {
  type    = string
  default = "hello"
}

variable "kind" {
  type    = string
  default = "STANDARD"
}

resource "aws_iam_role" "states" {
  name = "${var.name}-states"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_cloudwatch_log_group" "states" {
  name = "/aws/vendedlogs/states/${var.name}"
}

resource "aws_sfn_state_machine" "flow" {
  name_prefix = "${var.name}-"
  role_arn    = aws_iam_role.states.arn
  type        = var.kind
  publish     = true

  definition = jsonencode({
    Comment = "greets"
    StartAt = "Greet"
    States = {
      Greet = {
        Type   = "Pass"
        Result = var.greeting
        End    = true
      }
    }
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.states.arn}:*"
    include_execution_data = true
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = true
  }

  tags = {
    Team = "flows"
  }
}

resource "aws_sfn_alias" "live" {
  name        = "live-${lower(var.kind)}"
  description = "what callers start"

  routing_configuration {
    state_machine_version_arn = aws_sfn_state_machine.flow.state_machine_version_arn
    weight                    = 100
  }
}

resource "aws_sfn_activity" "review" {
  name = "${var.name}-review"

  tags = {
    Team = "flows"
  }
}

output "version" {
  value = aws_sfn_state_machine.flow.state_machine_version_arn
}
"#;

/// A machine's greeting (its Pass state's result), type, log level and tracing, as the
/// emulator holds them; `None` when it is gone.
async fn machine(sfn: &Client, arn: &str) -> Option<(String, String, String, bool)> {
    match sfn.describe_state_machine().state_machine_arn(arn).send().await {
        Ok(m) => {
            let doc: serde_json::Value = serde_json::from_str(m.definition()).unwrap();
            Some((
                doc["States"]["Greet"]["Result"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                m.r#type().as_str().to_string(),
                m.logging_configuration()
                    .and_then(|l| l.level())
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default(),
                m.tracing_configuration().is_some_and(|t| t.enabled()),
            ))
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_state_machine_does_not_exist()) =>
        {
            None
        }
        Err(e) => panic!("DescribeStateMachine {arn}: {e:?}"),
    }
}

/// The versions published of a machine, newest first.
async fn versions(sfn: &Client, arn: &str) -> Vec<String> {
    let out = sfn
        .list_state_machine_versions()
        .state_machine_arn(arn)
        .send()
        .await
        .unwrap();
    out.state_machine_versions()
        .iter()
        .map(|v| v.state_machine_version_arn().to_string())
        .collect()
}

/// The versions an alias routes to, with their weights; `None` when it is gone.
async fn alias_routes(sfn: &Client, arn: &str) -> Option<Vec<(String, i32)>> {
    match sfn
        .describe_state_machine_alias()
        .state_machine_alias_arn(arn)
        .send()
        .await
    {
        Ok(a) => Some(
            a.routing_configuration()
                .iter()
                .map(|r| (r.state_machine_version_arn().to_string(), r.weight()))
                .collect(),
        ),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| matches!(s.code(), Some("ResourceNotFound" | "StateMachineDoesNotExist"))) =>
        {
            None
        }
        Err(e) => panic!("DescribeStateMachineAlias {arn}: {e:?}"),
    }
}

/// The tags of a machine or activity, as `KEY=VALUE`.
async fn tags(sfn: &Client, arn: &str) -> Vec<String> {
    let out = sfn.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
    out.tags()
        .iter()
        .map(|t| format!("{}={}", t.key().unwrap_or_default(), t.value().unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_machine_and_an_activity_live_their_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let sfn = Client::new(&sdk_config(REGION).await);
    let arn = stack.state_id("aws_sfn_state_machine.flow");
    assert!(
        arn.starts_with(&format!("arn:aws:states:{REGION}:123456789012:stateMachine:{name}-")),
        "{arn}"
    );
    assert_eq!(
        machine(&sfn, &arn).await,
        Some(("hello".into(), "STANDARD".into(), "ERROR".into(), true))
    );
    let first = versions(&sfn, &arn).await;
    assert_eq!(first.len(), 1, "{first:?}");
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["version"]["value"], first[0].as_str());
    assert!(tags(&sfn, &arn).await.contains(&"Team=flows".to_string()));
    let alias = stack.state_id("aws_sfn_alias.live");
    assert_eq!(alias, format!("{arn}:live-standard"));
    assert_eq!(alias_routes(&sfn, &alias).await, Some(vec![(first[0].clone(), 100)]));
    let activity = stack.state_id("aws_sfn_activity.review");
    assert_eq!(
        activity,
        format!("arn:aws:states:{REGION}:123456789012:activity:{name}-review")
    );
    let described = sfn.describe_activity().activity_arn(&activity).send().await.unwrap();
    assert_eq!(described.name(), format!("{name}-review"));
    assert!(tags(&sfn, &activity).await.contains(&"Team=flows".to_string()));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: a new definition, published as a second version.
    let changed = ["-var", "greeting=bonjour"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(machine(&sfn, &arn).await.map(|m| m.0).as_deref(), Some("bonjour"));
    let second = versions(&sfn, &arn).await;
    assert_eq!(second.len(), 2, "{second:?}");
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["version"]["value"], second[0].as_str());
    // The alias follows the new version.
    assert_eq!(alias_routes(&sfn, &alias).await, Some(vec![(second[0].clone(), 100)]));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: the definition and the tags changed by hand are found and put back (the put-back
    // publishes a third version, which the alias follows).
    let by_hand = r#"{"StartAt":"Greet","States":{"Greet":{"Type":"Pass","Result":"by hand","End":true}}}"#;
    sfn.update_state_machine()
        .state_machine_arn(&arn)
        .definition(by_hand)
        .send()
        .await
        .unwrap();
    sfn.untag_resource()
        .resource_arn(&activity)
        .tag_keys("Team")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("0 to add, 3 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(machine(&sfn, &arn).await.map(|m| m.0).as_deref(), Some("bonjour"));
    let third = versions(&sfn, &arn).await;
    assert_eq!(third.len(), 3, "{third:?}");
    assert_eq!(alias_routes(&sfn, &alias).await, Some(vec![(third[0].clone(), 100)]));
    assert!(tags(&sfn, &activity).await.contains(&"Team=flows".to_string()));

    // The type replaces the machine (the prefix gives the new one another name).
    let express = [&changed[..], &["-var", "kind=EXPRESS"]].concat();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &express].concat()), 2);
    assert!(shown.contains("aws_sfn_state_machine.flow must be replaced"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &express].concat()), 0);
    let replaced = stack.state_id("aws_sfn_state_machine.flow");
    assert_ne!(replaced, arn);
    assert!(machine(&sfn, &arn).await.is_none());
    assert_eq!(machine(&sfn, &replaced).await.map(|m| m.1).as_deref(), Some("EXPRESS"));
    let express_alias = stack.state_id("aws_sfn_alias.live");
    assert_eq!(express_alias, format!("{replaced}:live-express"));
    assert_eq!(alias_routes(&sfn, &express_alias).await.map(|r| r.len()), Some(1));

    // Imported by ARN, then clean.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&express);
    stack.reimport_all(&vars);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &express].concat()), 0);
    assert!(machine(&sfn, &replaced).await.is_none());
    assert!(alias_routes(&sfn, &express_alias).await.is_none());
    let gone = sfn.describe_activity().activity_arn(&activity).send().await;
    assert!(
        gone.as_ref()
            .err()
            .and_then(|e| e.as_service_error())
            .is_some_and(|e| e.is_activity_does_not_exist()),
        "{gone:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn state_machines_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the Step Functions blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["sfn", "iam", "logs", "sts"], &["-var", &var]);
    let sfn = Client::new(&sdk_config(REGION).await);
    // Terraform's state is in its backend: the machine is found by its prefix.
    let listed = sfn.list_state_machines().send().await.unwrap();
    let arn = listed
        .state_machines()
        .iter()
        .find(|m| m.name().starts_with(&format!("{}-", stack.name)))
        .map(|m| m.state_machine_arn().to_string())
        .expect("the machine Terraform made");
    assert_eq!(machine(&sfn, &arn).await.map(|m| m.0).as_deref(), Some("hello"));
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(machine(&sfn, &arn).await.is_none());
}

/// Bad values refused by `validate` at their lines before any call, and by `terraform
/// validate`: a name with a dot, a name beside a prefix, a type Step Functions does not have,
/// a log level it does not have, a key reuse period under 60 seconds, a role that is no ARN,
/// an activity name over 80 characters.
#[test]
fn bad_state_machines_and_activities_are_refused_at_validate() {
    let definition = "  definition = jsonencode({ StartAt = \"Done\", States = { Done = { Type = \"Succeed\" } } })";
    let machine = format!("  role_arn   = \"arn:aws:iam::123456789012:role/r\"\n{definition}");
    each_case_refused_at_validate(
        "aws_sfn_state_machine",
        &[
            &format!("{machine}\n  name = \"a.b\""),
            &format!("{machine}\n  name = \"a\"\n  name_prefix = \"b\""),
            &format!("{machine}\n  type = \"QUICK\""),
            &format!("{machine}\n  logging_configuration {{\n    level = \"DEBUG\"\n  }}"),
            &format!("{machine}\n  encryption_configuration {{\n    type = \"AWS_OWNED_KEY\"\n    kms_data_key_reuse_period_seconds = 30\n  }}"),
            &format!("  role_arn   = \"states-role\"\n{definition}"),
        ],
        "the bad state machines",
    );
    each_case_refused_at_validate(
        "aws_sfn_activity",
        &[&format!("  name = \"{}\"", "a".repeat(81))],
        "the bad activities",
    );
}

/// A definition the States Language refuses (a `StartAt` naming no state) stops the plan at
/// the machine's block, before any call: Terraform's provider asks AWS the same question at
/// plan (ValidateStateMachineDefinition).
#[test]
fn a_definition_without_its_start_state_is_refused_before_any_call() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_sfn_state_machine\" \"m\" {\n  name       = \"m\"\n  role_arn   = \"arn:aws:iam::123456789012:role/r\"\n  definition = jsonencode({ StartAt = \"Missing\", States = { Done = { Type = \"Succeed\" } } })\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(
        shown.contains("main.tf:5") && shown.contains("names \"Missing\""),
        "{shown}"
    );
}
