//! EC2 capacity reservations, checked against what the emulator holds: the reservation's
//! platform, zone, counts, end date and tags; the count and end date changed in place, a new
//! match criteria replacing it, an import, destroy (the reservation cancelled); a killed create
//! adopted; values the provider refuses; and the same blueprint applied by either tool planned
//! clean by the other.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack, Terraform};
use aws_sdk_ec2::types::CapacityReservation;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "instances" {
  type    = number
  default = 1
}

variable "end_date" {
  type    = string
  default = null
}

variable "criteria" {
  type    = string
  default = "open"
}

resource "aws_ec2_capacity_reservation" "web" {
  instance_type           = "t3.micro"
  instance_platform       = "Linux/UNIX"
  availability_zone       = "us-east-1a"
  instance_count          = var.instances
  instance_match_criteria = var.criteria
  end_date_type           = var.end_date == null ? "unlimited" : "limited"
  end_date                = var.end_date

  tags = {
    Name = var.name
  }
}
"#;

const ADDRESS: &str = "aws_ec2_capacity_reservation.web";

async fn reservation(id: &str) -> CapacityReservation {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let out = ec2
        .describe_capacity_reservations()
        .capacity_reservation_ids(id)
        .send()
        .await
        .unwrap();
    out.capacity_reservations()[0].clone()
}

/// The reservations tagged with the stack's name, by state.
async fn named(name: &str) -> Vec<(String, String)> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("tag:Name")
        .values(name)
        .build();
    let out = ec2
        .describe_capacity_reservations()
        .filters(filter)
        .send()
        .await
        .unwrap();
    out.capacity_reservations()
        .iter()
        .map(|r| {
            let id = r.capacity_reservation_id().unwrap().to_string();
            (id, r.state().unwrap().as_str().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn reservations_are_made_resized_replaced_imported_and_cancelled() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &[&var]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let id = stack.state_id(ADDRESS);
    let r = reservation(&id).await;
    assert_eq!(r.state().unwrap().as_str(), "active");
    assert_eq!(
        (r.instance_type(), r.availability_zone(), r.total_instance_count()),
        (Some("t3.micro"), Some("us-east-1a"), Some(1))
    );
    assert_eq!(r.instance_platform().unwrap().as_str(), "Linux/UNIX");
    assert_eq!(r.instance_match_criteria().unwrap().as_str(), "open");
    assert_eq!(r.end_date_type().unwrap().as_str(), "unlimited");
    assert!(r
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some(stack.name.as_str())));
    assert_eq!(stack.state_str(ADDRESS, "arn"), r.capacity_reservation_arn().unwrap());

    // In place: three instances until a date.
    let changed = [var.as_str(), "-var=instances=3", "-var=end_date=2030-01-01T00:00:00Z"];
    stack.changes_in_place(ADDRESS, &changed);
    assert_eq!(stack.state_id(ADDRESS), id);
    let r = reservation(&id).await;
    assert_eq!(r.total_instance_count(), Some(3));
    assert_eq!(r.end_date_type().unwrap().as_str(), "limited");
    assert_eq!(
        r.end_date()
            .unwrap()
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap(),
        "2030-01-01T00:00:00Z"
    );

    stack.reimport_all(&changed);

    // A new match criteria replaces the reservation; the old one is cancelled.
    let targeted = [&changed[..], &["-var=criteria=targeted"]].concat();
    stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &targeted);
    let new_id = stack.state_id(ADDRESS);
    assert_ne!(new_id, id);
    assert_eq!(reservation(&id).await.state().unwrap().as_str(), "cancelled");
    assert_eq!(
        reservation(&new_id).await.instance_match_criteria().unwrap().as_str(),
        "targeted"
    );

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &targeted].concat()), 0);
    let left: Vec<_> = named(&stack.name)
        .await
        .into_iter()
        .filter(|(_, s)| s != "cancelled")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// CreateCapacityReservation answered, the run killed before state knew: the next apply adopts
/// the reservation instead of holding capacity twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_reservation_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateCapacityReservation"]);
    reapply_adopts(&stack, &var, ADDRESS);
    let active: Vec<_> = named(&stack.name)
        .await
        .into_iter()
        .filter(|(_, s)| s == "active")
        .collect();
    assert_eq!(active.len(), 1, "one reservation: {active:?}");
    assert_eq!(active[0].0, stack.state_id(ADDRESS));
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn reservation_values_the_provider_refuses_are_refused() {
    let base = "instance_type = \"t3.micro\"\navailability_zone = \"us-east-1a\"\ninstance_count = 1\n";
    let cases: Vec<String> = [
        "instance_platform = \"Linux\"",
        "instance_platform = \"Linux/UNIX\"\nend_date_type = \"forever\"",
        "instance_platform = \"Linux/UNIX\"\nend_date = \"next year\"",
        "instance_platform = \"Linux/UNIX\"\ninstance_match_criteria = \"closed\"",
        "instance_platform = \"Linux/UNIX\"\ntenancy = \"host\"",
        "instance_platform = \"Linux/UNIX\"\noutpost_arn = \"outpost-1\"",
        "instance_platform = \"Linux/UNIX\"\nplacement_group_arn = \"pg\"",
    ]
    .iter()
    .map(|c| format!("{base}{c}"))
    .collect();
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_ec2_capacity_reservation", &cases, "capacity reservation values");
}

#[test]
fn terraform_and_infractl_agree_on_capacity_reservations_either_way() {
    let Some(tf) = Terraform::find("the capacity reservation cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(BLUEPRINT, &crate::support::unique("crx"), None)
        .replace("default = 1", "default = 2")
        .replace("default = null", "default = \"2031-03-01T00:00:00Z\"");
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "sts"]);
}
