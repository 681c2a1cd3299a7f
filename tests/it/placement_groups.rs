//! Placement groups and the instances placed in them, checked against what the emulator holds:
//! a partition group with three partitions and a spread group (rack level by default), an
//! instance in partition 2 of the first; tags changed in place; every group imported back; a
//! group whose create was killed adopted; the provider's refusals; the same blueprint applied
//! by either tool planned clean by the other.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "team" {
  type    = string
  default = "a"
}

resource "aws_placement_group" "web" {
  name            = "${var.name}-web"
  strategy        = "partition"
  partition_count = 3
  tags = {
    Team = var.team
  }
}

resource "aws_placement_group" "spread" {
  name     = "${var.name}-spread"
  strategy = "spread"
}

resource "aws_instance" "app" {
  ami                        = "ami-760aaa0f"
  instance_type              = "c5.large"
  placement_group            = aws_placement_group.web.id
  placement_partition_number = 2
}
"#;

/// (strategy, partition count, spread level, tags) as the emulator holds a group.
async fn held(
    ec2: &aws_sdk_ec2::Client,
    name: &str,
) -> Option<(String, Option<i32>, Option<String>, Vec<(String, String)>)> {
    let out = ec2.describe_placement_groups().group_names(name).send().await.ok()?;
    let g = out.placement_groups().first()?;
    Some((
        g.strategy()?.as_str().to_string(),
        g.partition_count(),
        g.spread_level().map(|s| s.as_str().to_string()),
        g.tags()
            .iter()
            .filter(|t| !t.key().unwrap_or_default().starts_with("infractl:"))
            .map(|t| (t.key().unwrap_or_default().into(), t.value().unwrap_or_default().into()))
            .collect(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_are_made_placed_into_retagged_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &name]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let (web, spread) = (format!("{}-web", stack.name), format!("{}-spread", stack.name));
    let team = |t: &str| vec![("Team".to_string(), t.to_string())];
    assert_eq!(
        held(&ec2, &web).await,
        Some(("partition".into(), Some(3), None, team("a")))
    );
    assert_eq!(
        held(&ec2, &spread).await,
        Some(("spread".into(), None, Some("rack".into()), vec![]))
    );
    assert_eq!(stack.state_id("aws_placement_group.web"), web);
    assert!(stack
        .state_str("aws_placement_group.web", "placement_group_id")
        .starts_with("pg-"));
    assert_eq!(
        stack.state_str("aws_placement_group.web", "arn"),
        format!("arn:aws:ec2:us-east-1:123456789012:placement-group/{web}")
    );
    let instance = stack.state_id("aws_instance.app");
    let out = ec2.describe_instances().instance_ids(&instance).send().await.unwrap();
    let placement = out.reservations()[0].instances()[0].placement().unwrap().clone();
    assert_eq!(
        (placement.group_name(), placement.partition_number()),
        (Some(web.as_str()), Some(2))
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &name]), 0);

    let team_b = ["-var", name.as_str(), "-var", "team=b"];
    stack.changes_in_place("aws_placement_group.web", &team_b);
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &team_b].concat()), 0);
    assert_eq!(held(&ec2, &web).await.map(|g| g.3), Some(team("b")));

    stack.reimport_all_but(&["aws_instance"], &team_b);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &team_b].concat()), 0);
    assert_eq!(held(&ec2, &web).await, None, "destroy left {web}");
    assert_eq!(held(&ec2, &spread).await, None, "destroy left {spread}");
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_placement_group" "g" {
  name     = var.name
  strategy = "cluster"
}
"#;

/// CreatePlacementGroup answered, the run killed before state knew: the next apply adopts the
/// group and makes no second one.
#[tokio::test(flavor = "multi_thread")]
async fn a_group_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreatePlacementGroup"]);
    reapply_adopts(&stack, &var, "aws_placement_group.g");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn group_settings_the_provider_refuses_are_refused() {
    each_case_refused_at_validate(
        "aws_placement_group",
        &[
            "name = \"a\"\n  strategy = \"clustered\"",
            "name = \"b\"\n  strategy = \"partition\"\n  partition_count = 8",
            "name = \"c\"\n  strategy = \"spread\"\n  spread_level = \"row\"",
        ],
        "placement group settings",
    );
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_placement_group\" \"g\" {\n  name = \"g\"\n  strategy = \"spread\"\n  partition_count = 2\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run(&["plan"]), 1);
    assert!(
        shown.contains("partition_count must not be set when strategy = \"spread\""),
        "{shown}"
    );
}

#[test]
fn terraform_and_infractl_agree_on_placement_groups_either_way() {
    cross_check(
        "the placement groups cross-check",
        BLUEPRINT,
        "placement",
        None,
        &["ec2", "sts"],
    );
}
