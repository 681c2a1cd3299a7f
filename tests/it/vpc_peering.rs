//! VPC peering connections, checked against what the emulator holds: one accepted at once
//! (`auto_accept`) with its requester's DNS option, one left pending acceptance; the option
//! and tags changed in place, every object imported back, destroy (the connections deleted),
//! a killed create adopted, and the same blueprint applied by either tool planned clean by the
//! other.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check, cross_check_blueprint};
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{expect_code, sdk_config, CountingProxy, Stack, Terraform};
use aws_sdk_ec2::types::VpcPeeringConnection;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "dns" {
  type    = bool
  default = false
}

variable "team" {
  type    = string
  default = "red"
}

resource "aws_vpc" "a" {
  cidr_block = "10.74.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_vpc" "b" {
  cidr_block = "10.75.0.0/16"
  tags       = { Name = "${var.name}-b" }
}

resource "aws_vpc" "c" {
  cidr_block = "10.76.0.0/16"
  tags       = { Name = "${var.name}-c" }
}

resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true

  requester {
    allow_remote_vpc_dns_resolution = var.dns
  }

  tags = {
    Name = "${var.name}-ab"
    team = var.team
  }
}

resource "aws_vpc_peering_connection" "pending" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.c.id
  tags        = { Name = "${var.name}-ac" }
}

output "status" { value = aws_vpc_peering_connection.ab.accept_status }
"#;

async fn peering(ec2: &aws_sdk_ec2::Client, id: &str) -> VpcPeeringConnection {
    let out = ec2
        .describe_vpc_peering_connections()
        .vpc_peering_connection_ids(id)
        .send()
        .await
        .unwrap();
    out.vpc_peering_connections()
        .iter()
        .find(|p| p.vpc_peering_connection_id() == Some(id))
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in the emulator"))
}

fn status(p: &VpcPeeringConnection) -> &str {
    p.status()
        .and_then(|s| s.code())
        .map(|c| c.as_str())
        .unwrap_or_default()
}

fn requester_dns(p: &VpcPeeringConnection) -> Option<bool> {
    p.requester_vpc_info()?
        .peering_options()?
        .allow_dns_resolution_from_remote_vpc()
}

fn tag<'p>(p: &'p VpcPeeringConnection, key: &str) -> Option<&'p str> {
    p.tags().iter().find(|t| t.key() == Some(key)).and_then(|t| t.value())
}

#[tokio::test(flavor = "multi_thread")]
async fn peerings_are_accepted_changed_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);

    let ab = stack.state_id("aws_vpc_peering_connection.ab");
    let pending = stack.state_id("aws_vpc_peering_connection.pending");
    let held = peering(&ec2, &ab).await;
    assert_eq!(status(&held), "active");
    assert_eq!(requester_dns(&held), Some(false));
    assert_eq!(tag(&held, "team"), Some("red"));
    assert_eq!(
        held.accepter_vpc_info().and_then(|i| i.vpc_id()),
        Some(stack.state_id("aws_vpc.b").as_str())
    );
    assert_eq!(status(&peering(&ec2, &pending).await), "pending-acceptance");
    assert_eq!(
        stack.state_attr("aws_vpc_peering_connection.pending", "accept_status"),
        "pending-acceptance"
    );
    assert_eq!(
        stack.state_attr("aws_vpc_peering_connection.ab", "accept_status"),
        "active"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    // The requester's option and a tag change in place.
    let changed = [var.as_str(), "-var=dns=true", "-var=team=blue"];
    stack.changes_in_place("aws_vpc_peering_connection.ab", &changed);
    let held = peering(&ec2, &ab).await;
    assert_eq!(requester_dns(&held), Some(true));
    assert_eq!(tag(&held, "team"), Some("blue"));
    assert_eq!(stack.state_id("aws_vpc_peering_connection.ab"), ab);

    stack.reimport_all(&changed);
    assert_eq!(stack.state_id("aws_vpc_peering_connection.ab"), ab);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(status(&peering(&ec2, &ab).await), "deleted");
    assert_eq!(status(&peering(&ec2, &pending).await), "deleted");
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

resource "aws_vpc" "a" {
  cidr_block = "10.77.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_vpc" "b" {
  cidr_block = "10.78.0.0/16"
  tags       = { Name = "${var.name}-b" }
}

resource "aws_vpc_peering_connection" "p" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true
}
"#;

/// CreateVpcPeeringConnection answered, the run killed before state knew: the next apply
/// adopts the connection (and accepts it) instead of making a second one.
#[tokio::test(flavor = "multi_thread")]
async fn a_peering_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateVpcPeeringConnection"]);
    reapply_adopts(&stack, &var, "aws_vpc_peering_connection.p");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let vpc = stack.state_id("aws_vpc.a");
    let all = ec2.describe_vpc_peering_connections().send().await.unwrap();
    let made: Vec<&VpcPeeringConnection> = all
        .vpc_peering_connections()
        .iter()
        .filter(|p| p.requester_vpc_info().and_then(|i| i.vpc_id()) == Some(vpc.as_str()))
        .collect();
    assert_eq!(made.len(), 1, "one connection from {vpc}: {made:?}");
    assert_eq!(status(made[0]), "active");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn terraform_and_infractl_agree_on_peerings_either_way() {
    cross_check(
        "the VPC peering cross-check",
        BLUEPRINT,
        "pcx",
        Some(("10.7", "10.8")),
        &["ec2", "sts"],
    );
}

const ACCEPTED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "dns" {
  type    = bool
  default = true
}

resource "aws_vpc" "a" {
  cidr_block = "10.79.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_vpc" "b" {
  cidr_block = "10.70.0.0/16"
  tags       = { Name = "${var.name}-b" }
}

resource "aws_vpc_peering_connection" "request" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  tags        = { Side = "requester" }
}

resource "aws_vpc_peering_connection_accepter" "peer" {
  vpc_peering_connection_id = aws_vpc_peering_connection.request.id
  auto_accept               = true
  tags                      = { Side = "accepter" }
}

resource "aws_vpc_peering_connection_options" "dns" {
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.peer.id

  accepter {
    allow_remote_vpc_dns_resolution = var.dns
  }
}
"#;

/// A connection requested by one resource, accepted and tagged by an accepter, its accepter
/// option set by an options resource: the emulator holds it active with the option; a change
/// of the option is in place; destroy leaves the deleting to the requester.
#[tokio::test(flavor = "multi_thread")]
async fn a_requested_peering_is_accepted_and_its_options_set_apart() {
    let stack = Stack::from_files(&[("main.tf", ACCEPTED)]);
    let var = format!("-var=name={}", stack.name);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let id = stack.state_id("aws_vpc_peering_connection.request");
    assert_eq!(stack.state_id("aws_vpc_peering_connection_accepter.peer"), id);
    assert_eq!(stack.state_id("aws_vpc_peering_connection_options.dns"), id);
    let accepter_dns = |p: &VpcPeeringConnection| {
        p.accepter_vpc_info()
            .and_then(|i| i.peering_options())
            .and_then(|o| o.allow_dns_resolution_from_remote_vpc())
    };
    let held = peering(&ec2, &id).await;
    assert_eq!(status(&held), "active");
    assert_eq!(accepter_dns(&held), Some(true));
    assert_eq!(tag(&held, "Side"), Some("accepter"));
    assert_eq!(
        stack.state_attr("aws_vpc_peering_connection_accepter.peer", "peer_vpc_id"),
        stack.state_id("aws_vpc.b").as_str()
    );
    assert_eq!(
        stack.state_attr("aws_vpc_peering_connection_accepter.peer", "accept_status"),
        "active"
    );
    // The accepter's tag overwrote the requester's on the one connection: the requester plans
    // to put its own back (one change, as Terraform plans it), beside the option's change.
    let changed = [var.as_str(), "-var=dns=false"];
    stack.plans_and_applies("0 to add, 2 to change, 0 to destroy", &changed);
    let held = peering(&ec2, &id).await;
    assert_eq!(accepter_dns(&held), Some(false));

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(status(&peering(&ec2, &id).await), "deleted");
}

#[test]
fn terraform_and_infractl_agree_on_accepted_peerings_either_way() {
    let Some(tf) = Terraform::find("the VPC peering accepter cross-check") else {
        return;
    };
    // Both resources tag the same connection, so each would plan away the other's tags (in
    // Terraform as in infractl): the cross-check leaves tags out.
    let blueprint = cross_check_blueprint(ACCEPTED, "pcxa", Some(("10.7", "10.8")))
        .replace("tags        = { Side = \"requester\" }\n", "")
        .replace("tags                      = { Side = \"accepter\" }\n", "");
    assert!(!blueprint.contains("Side"), "{blueprint}");
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "sts"]);
}
