//! Service-linked roles: Auto Scaling's role with a custom suffix (each test its own, as IAM
//! names the role from the service and suffix), a description and tags, named by a group's
//! `service_linked_role_arn` as the autoscaling module does. Checked against what the emulator
//! holds (GetRole: the service's path, the description, the tags), description and tags changed
//! in place, a new suffix replacing the role, a description changed behind infractl's back found
//! and put back, imported by ARN, adopted after a run killed once its tags were sent, destroyed;
//! the same blueprint applied by Terraform then planned clean and destroyed by infractl; a
//! service name that is no hostname refused by both tools at `validate`.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::killed_creates::apply_killed_when_held;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack, Terraform};

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
  default = "web"
}

variable "description" {
  type    = string
  default = "scales the web tier"
}

resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "${var.name}-${var.suffix}"
  description      = var.description

  tags = {
    Team = "platform"
  }
}

resource "aws_launch_template" "web" {
  name          = "${var.name}-web"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "web" {
  name                    = "${var.name}-web"
  min_size                = 0
  max_size                = 1
  availability_zones      = ["us-east-1a"]
  service_linked_role_arn = aws_iam_service_linked_role.autoscaling.arn

  launch_template {
    id = aws_launch_template.web.id
  }
}

output "role_name" {
  value = aws_iam_service_linked_role.autoscaling.name
}
"#;

/// What the emulator holds of a role: (path, description, tags); `None` when it does not exist.
async fn held(iam: &aws_sdk_iam::Client, name: &str) -> Option<(String, String, Vec<(String, String)>)> {
    match iam.get_role().role_name(name).send().await {
        Ok(o) => {
            let r = o.role().expect("GetRole answers the role");
            Some((
                r.path().to_string(),
                r.description().unwrap_or_default().to_string(),
                r.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
            ))
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => None,
        Err(e) => panic!("GetRole {name}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_linked_role_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    let arn = stack.state_id("aws_iam_service_linked_role.autoscaling");
    let name = format!("AWSServiceRoleForAutoScaling_{}-web", stack.name);
    assert!(
        arn.ends_with(&format!(":role/aws-service-role/autoscaling.amazonaws.com/{name}")),
        "{arn}"
    );
    let (path, description, tags) = held(&iam, &name).await.expect("the role");
    assert_eq!(path, "/aws-service-role/autoscaling.amazonaws.com/");
    assert_eq!(description, "scales the web tier");
    assert!(tags.contains(&("Team".into(), "platform".into())), "{tags:?}");
    let role = "aws_iam_service_linked_role.autoscaling";
    assert_eq!(stack.state_attr(role, "custom_suffix"), format!("{}-web", stack.name));
    assert_eq!(stack.state_attr(role, "name"), name.as_str());
    let group = "aws_autoscaling_group.web";
    assert_eq!(stack.state_attr(group, "service_linked_role_arn"), arn.as_str());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new description goes in place.
    let shown = expect_code(
        &run(&["apply", "-auto-approve", "-var", "description=scales the API"]),
        0,
    );
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    assert_eq!(held(&iam, &name).await.unwrap().1, "scales the API");
    assert_eq!(
        stack.state_id("aws_iam_service_linked_role.autoscaling"),
        arn,
        "the same role"
    );

    // Drift: a description changed by hand is found and put back.
    iam.update_role()
        .role_name(&name)
        .description("edited by hand")
        .send()
        .await
        .unwrap();
    let shown = expect_code(
        &run(&["plan", "-detailed-exitcode", "-var", "description=scales the API"]),
        2,
    );
    assert!(shown.contains("edited by hand"), "{shown}");
    expect_code(
        &run(&["apply", "-auto-approve", "-var", "description=scales the API"]),
        0,
    );
    assert_eq!(held(&iam, &name).await.unwrap().1, "scales the API");

    // Imported by ARN, then a clean plan.
    stack.reimport_all(&["-var", var.as_str(), "-var", "description=scales the API"]);

    // Another suffix is another role: the old one goes, the group follows the new one.
    let shown = expect_code(
        &run(&[
            "apply",
            "-auto-approve",
            "-var",
            "description=scales the API",
            "-var",
            "suffix=api",
        ]),
        0,
    );
    assert!(shown.contains("must be replaced"), "{shown}");
    let renamed = format!("AWSServiceRoleForAutoScaling_{}-api", stack.name);
    assert!(held(&iam, &name).await.is_none(), "the replaced role is still there");
    assert!(held(&iam, &renamed).await.is_some(), "no new role");
    let new_arn = stack.state_id("aws_iam_service_linked_role.autoscaling");
    assert_eq!(stack.state_attr(group, "service_linked_role_arn"), new_arn.as_str());

    expect_code(
        &run(&[
            "destroy",
            "-auto-approve",
            "-var",
            "description=scales the API",
            "-var",
            "suffix=api",
        ]),
        0,
    );
    assert!(held(&iam, &renamed).await.is_none(), "destroy left the role");
}

/// A role alone, for the killed create.
const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "${var.name}-killed"
}
"#;

/// The role was created and its tags sent, but the answer never came back (the run was
/// killed): the next apply finds it under the service's path by its suffix and the stack's
/// tags, and adopts it instead of failing on a name already taken.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_linked_role_whose_create_was_killed_is_adopted_by_its_tags() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["iam:TagRole"]);

    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    let name = format!("AWSServiceRoleForAutoScaling_{}-killed", stack.name);
    assert!(held(&iam, &name).await.is_some(), "the killed create made no role");
    let state = std::fs::read_to_string(stack.state_file()).unwrap_or_default();
    assert!(!state.contains("aws_iam_service_linked_role"), "state already knows it");

    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(
        shown.contains("aws_iam_service_linked_role.autoscaling: adopting"),
        "the role was not adopted:\n{shown}"
    );
    assert!(stack
        .state_id("aws_iam_service_linked_role.autoscaling")
        .ends_with(&name));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(held(&iam, &name).await.is_none(), "destroy left the role");
}

/// Terraform's role, with Application Auto Scaling's too (its name carries a suffix the
/// blueprint does not set, which the provider ignores), planned clean by infractl.
const TERRAFORMS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_iam_service_linked_role" "autoscaling" {
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = var.name
  description      = "made by Terraform"
  tags = {
    Team = "platform"
  }
}

resource "aws_iam_service_linked_role" "tables" {
  aws_service_name = "dynamodb.application-autoscaling.amazonaws.com"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn service_linked_roles_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the service-linked roles applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", TERRAFORMS)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["iam", "sts"], &["-var", &var]);
    let kept = std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap();
    assert!(kept.contains("AWSServiceRoleForApplicationAutoScaling_"), "{kept}");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    let name = format!("AWSServiceRoleForAutoScaling_{}", stack.name);
    assert!(held(&iam, &name).await.is_none(), "destroy left the role");
}

/// A service name without a dot: refused by both tools at `validate`, before any call.
#[test]
fn a_service_name_that_is_no_hostname_is_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_iam_service_linked_role",
        &["  aws_service_name = \"autoscaling\""],
        "the service-linked role's bad service name",
    );
}
