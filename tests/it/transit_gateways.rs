//! Transit gateways and their VPC attachments, checked against what the emulator holds: the
//! gateway's options and CIDR blocks, an attachment's subnets, options, tags and its default
//! route table association and propagation; changes in place (blocks, subnets, options,
//! propagation off), a replacement when default association is turned back on, every object
//! imported back, destroy; a killed create adopted; values the provider refuses; and the same
//! blueprint applied by either tool planned clean by the other.

use crate::interop::{both_tools_plan_clean_knowing_account, cross_check, cross_check_blueprint};
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack, Terraform};
use aws_sdk_ec2::types::{TransitGateway, TransitGatewayVpcAttachment};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "blocks" {
  type    = list(string)
  default = ["10.99.0.0/24"]
}

variable "zones" {
  type    = number
  default = 1
}

variable "dns" {
  type    = string
  default = "enable"
}

variable "propagate" {
  type    = bool
  default = null
}

variable "association" {
  type    = string
  default = "enable"
}

resource "aws_vpc" "a" {
  cidr_block = "10.81.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_subnet" "a" {
  count      = 2
  vpc_id     = aws_vpc.a.id
  cidr_block = cidrsubnet(aws_vpc.a.cidr_block, 8, count.index)
}

resource "aws_vpc" "b" {
  cidr_block = "10.82.0.0/16"
  tags       = { Name = "${var.name}-b" }
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.82.1.0/24"
}

resource "aws_ec2_transit_gateway" "hub" {
  description                     = "${var.name} hub"
  amazon_side_asn                 = 64600
  default_route_table_association = var.association
  transit_gateway_cidr_blocks     = var.blocks
  tags                            = { Name = "${var.name}-hub" }
}

resource "aws_ec2_transit_gateway" "bare" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = slice(aws_subnet.a[*].id, 0, var.zones)
  dns_support        = var.dns

  transit_gateway_default_route_table_propagation = var.propagate

  tags = { Name = "${var.name}-a" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "b" {
  transit_gateway_id = aws_ec2_transit_gateway.bare.id
  vpc_id             = aws_vpc.b.id
  subnet_ids         = [aws_subnet.b.id]
}

output "route_table" { value = aws_ec2_transit_gateway.hub.association_default_route_table_id }
"#;

async fn ec2() -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await)
}

async fn gateway(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<TransitGateway> {
    let out = ec2
        .describe_transit_gateways()
        .transit_gateway_ids(id)
        .send()
        .await
        .unwrap();
    out.transit_gateways()
        .iter()
        .find(|g| g.transit_gateway_id() == Some(id) && g.state().map(|s| s.as_str()) != Some("deleted"))
        .cloned()
}

async fn attachment(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<TransitGatewayVpcAttachment> {
    let out = ec2
        .describe_transit_gateway_vpc_attachments()
        .transit_gateway_attachment_ids(id)
        .send()
        .await
        .unwrap();
    out.transit_gateway_vpc_attachments()
        .iter()
        .find(|a| a.transit_gateway_attachment_id() == Some(id) && a.state().map(|s| s.as_str()) != Some("deleted"))
        .cloned()
}

/// Whether the attachment is associated with, and propagates to, route table `table`.
async fn routing(ec2: &aws_sdk_ec2::Client, table: &str, id: &str) -> (bool, bool) {
    let associations = ec2
        .get_transit_gateway_route_table_associations()
        .transit_gateway_route_table_id(table)
        .send()
        .await
        .unwrap();
    let propagations = ec2
        .get_transit_gateway_route_table_propagations()
        .transit_gateway_route_table_id(table)
        .send()
        .await
        .unwrap();
    (
        associations
            .associations()
            .iter()
            .any(|a| a.transit_gateway_attachment_id() == Some(id)),
        propagations
            .transit_gateway_route_table_propagations()
            .iter()
            .any(|p| p.transit_gateway_attachment_id() == Some(id) && p.state().map(|s| s.as_str()) == Some("enabled")),
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn transit_gateways_attach_vpcs_change_import_and_go() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    let ec2 = ec2().await;
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);

    let hub = stack.state_id("aws_ec2_transit_gateway.hub");
    let g = gateway(&ec2, &hub).await.expect("the hub exists");
    let o = g.options().unwrap();
    assert_eq!(g.description(), Some(format!("{} hub", stack.name).as_str()));
    assert_eq!(o.amazon_side_asn(), Some(64600));
    assert_eq!(o.transit_gateway_cidr_blocks(), ["10.99.0.0/24"]);
    assert_eq!(o.dns_support().map(|v| v.as_str()), Some("enable"));
    let table = o.association_default_route_table_id().unwrap().to_string();
    assert_eq!(
        stack.state_str("aws_ec2_transit_gateway.hub", "association_default_route_table_id"),
        table
    );
    let bare = gateway(&ec2, &stack.state_id("aws_ec2_transit_gateway.bare"))
        .await
        .unwrap();
    assert_eq!(
        bare.options().unwrap().association_default_route_table_id(),
        None,
        "no default route table"
    );

    let a = stack.state_id("aws_ec2_transit_gateway_vpc_attachment.a");
    let held = attachment(&ec2, &a).await.expect("the attachment exists");
    assert_eq!(held.vpc_id(), Some(stack.state_id("aws_vpc.a").as_str()));
    assert_eq!(held.subnet_ids(), [stack.state_id("aws_subnet.a[0]")]);
    assert_eq!(
        held.tags()
            .iter()
            .find(|t| t.key() == Some("Name"))
            .and_then(|t| t.value()),
        Some(format!("{}-a", stack.name).as_str())
    );
    assert_eq!(
        routing(&ec2, &table, &a).await,
        (true, true),
        "associated and propagating"
    );
    let state = |k: &str| stack.state_attr("aws_ec2_transit_gateway_vpc_attachment.a", k);
    assert_eq!(state("transit_gateway_default_route_table_association"), true);
    assert_eq!(state("transit_gateway_default_route_table_propagation"), true);
    let b = "aws_ec2_transit_gateway_vpc_attachment.b";
    assert_eq!(
        stack.state_attr(b, "transit_gateway_default_route_table_association"),
        false
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    // Blocks swapped, a subnet added, DNS support off on the attachment: in place.
    let blocks = "-var=blocks=[\"10.98.0.0/24\",\"10.97.0.0/24\"]";
    stack.changes_in_place("aws_ec2_transit_gateway.hub", &[&var, blocks]);
    let o = gateway(&ec2, &hub).await.unwrap().options().unwrap().clone();
    assert_eq!(
        sorted(o.transit_gateway_cidr_blocks().to_vec()),
        ["10.97.0.0/24", "10.98.0.0/24"]
    );
    let changed = [
        var.as_str(),
        blocks,
        "-var=zones=2",
        "-var=dns=disable",
        "-var=propagate=false",
    ];
    stack.changes_in_place("aws_ec2_transit_gateway_vpc_attachment.a", &changed);
    let held = attachment(&ec2, &a).await.unwrap();
    assert_eq!(
        sorted(held.subnet_ids().to_vec()),
        sorted(vec![
            stack.state_id("aws_subnet.a[0]"),
            stack.state_id("aws_subnet.a[1]")
        ])
    );
    assert_eq!(
        held.options().unwrap().dns_support().map(|v| v.as_str()),
        Some("disable")
    );
    assert_eq!(routing(&ec2, &table, &a).await, (true, false), "propagation turned off");
    assert_eq!(stack.state_id("aws_ec2_transit_gateway_vpc_attachment.a"), a);

    stack.reimport_all(&changed);
    assert_eq!(stack.state_id("aws_ec2_transit_gateway.hub"), hub);

    // Turning default association off is in place; on again replaces the gateway (AWS cannot
    // make its default route table again), and its attachment with it.
    let off = [&changed[..], &["-var=association=disable"]].concat();
    stack.changes_in_place("aws_ec2_transit_gateway.hub", &off);
    let shown = stack.plans_and_applies("2 to add, 0 to change, 2 to destroy", &changed);
    assert!(
        shown.contains("aws_ec2_transit_gateway.hub must be replaced"),
        "{shown}"
    );
    let new_hub = stack.state_id("aws_ec2_transit_gateway.hub");
    assert_ne!(new_hub, hub);
    assert!(gateway(&ec2, &hub).await.is_none(), "the old gateway is deleted");

    let b_id = stack.state_id(b);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(gateway(&ec2, &new_hub).await.is_none());
    assert!(attachment(&ec2, &b_id).await.is_none());
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

resource "aws_vpc" "a" {
  cidr_block = "10.83.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.83.1.0/24"
}

resource "aws_ec2_transit_gateway" "hub" {
  description = var.name
}

resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = [aws_subnet.a.id]
}
"#;

/// CreateTransitGateway and CreateTransitGatewayVpcAttachment answered, the run killed before
/// state knew: the next apply adopts each instead of making a second one.
#[tokio::test(flavor = "multi_thread")]
async fn transit_gateways_whose_create_was_killed_are_adopted() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateTransitGateway"]);
    reapply_adopts(&stack, &var, "aws_ec2_transit_gateway.hub");
    let ec2 = ec2().await;
    let all = ec2.describe_transit_gateways().send().await.unwrap();
    let made = all
        .transit_gateways()
        .iter()
        .filter(|g| g.description() == Some(stack.name.as_str()) && g.state().map(|s| s.as_str()) != Some("deleted"))
        .count();
    assert_eq!(made, 1, "one gateway");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);

    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateTransitGatewayVpcAttachment"]);
    reapply_adopts(&stack, &var, "aws_ec2_transit_gateway_vpc_attachment.a");
    let vpc = stack.state_id("aws_vpc.a");
    let all = ec2.describe_transit_gateway_vpc_attachments().send().await.unwrap();
    let made = all
        .transit_gateway_vpc_attachments()
        .iter()
        .filter(|a| a.vpc_id() == Some(vpc.as_str()) && a.state().map(|s| s.as_str()) != Some("deleted"))
        .count();
    assert_eq!(made, 1, "one attachment of {vpc}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn transit_gateway_values_the_provider_refuses_are_refused_at_validate() {
    let gateways = [
        "  transit_gateway_cidr_blocks = [\"10.0.0.0/25\"]",
        "  transit_gateway_cidr_blocks = [\"10.0.0.1/24\"]",
        "  transit_gateway_cidr_blocks = [\"169.254.0.0/24\"]",
        "  transit_gateway_cidr_blocks = [\"2001:db8::/65\"]",
        "  transit_gateway_cidr_blocks = [\"10.0.0.0/24\", \"10.1.0.0/24\", \"10.2.0.0/24\", \"10.3.0.0/24\", \"10.4.0.0/24\", \"10.5.0.0/24\"]",
        "  dns_support = \"on\"",
        "  vpn_ecmp_support = \"yes\"",
        "  multicast_support = \"true\"",
    ];
    each_case_refused_at_validate("aws_ec2_transit_gateway", &gateways, "the bad transit gateways");
    let attachments = [
        "  transit_gateway_id = \"\"\n  vpc_id = \"vpc-1\"\n  subnet_ids = [\"subnet-1\"]",
        "  transit_gateway_id = \"tgw-1\"\n  vpc_id = \"vpc-1\"\n  subnet_ids = []",
        "  transit_gateway_id = \"tgw-1\"\n  vpc_id = \"vpc-1\"\n  subnet_ids = [\"subnet-1\"]\n  appliance_mode_support = \"x\"",
        "  transit_gateway_id = \"tgw-1\"\n  vpc_id = \"vpc-1\"\n  subnet_ids = [\"subnet-1\"]\n  security_group_referencing_support = \"y\"",
    ];
    each_case_refused_at_validate(
        "aws_ec2_transit_gateway_vpc_attachment",
        &attachments,
        "the bad transit gateway attachments",
    );
}

#[test]
fn terraform_and_infractl_agree_on_transit_gateways_either_way() {
    cross_check(
        "the transit gateway cross-check",
        BLUEPRINT,
        "tgw",
        Some(("10.8", "10.9")),
        &["ec2", "sts"],
    );
}

const ROUTED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "dropped" {
  type    = string
  default = "10.201.0.0/16"
}

resource "aws_vpc" "a" {
  cidr_block = "10.84.0.0/16"
  tags       = { Name = "${var.name}-a" }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.84.1.0/24"
}

resource "aws_vpc" "b" {
  cidr_block = "10.85.0.0/16"
  tags       = { Name = "${var.name}-b" }
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "10.85.1.0/24"
}

resource "aws_ec2_transit_gateway" "hub" {
  description = "${var.name} routed hub"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "a" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.a.id
  subnet_ids         = [aws_subnet.a.id]

  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_vpc_attachment" "b" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.b.id
  subnet_ids         = [aws_subnet.b.id]
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "${var.name}-spokes" }
}

resource "aws_ec2_transit_gateway_route_table_association" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "b" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.b.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
  replace_existing_association   = true
}

resource "aws_ec2_transit_gateway_route_table_propagation" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "to_a" {
  destination_cidr_block         = "10.200.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.a.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "dropped" {
  destination_cidr_block         = var.dropped
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}
"#;

/// The static routes of route table `table`: destination, state and attachment of each.
async fn routes(ec2: &aws_sdk_ec2::Client, table: &str) -> Vec<(String, String, Option<String>)> {
    let static_routes = aws_sdk_ec2::types::Filter::builder()
        .name("type")
        .values("static")
        .build();
    let out = ec2
        .search_transit_gateway_routes()
        .transit_gateway_route_table_id(table)
        .filters(static_routes)
        .send()
        .await
        .unwrap();
    let mut all: Vec<_> = out
        .routes()
        .iter()
        .map(|r| {
            (
                r.destination_cidr_block().unwrap_or_default().to_string(),
                r.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                r.transit_gateway_attachments()
                    .first()
                    .and_then(|a| a.transit_gateway_attachment_id())
                    .map(str::to_string),
            )
        })
        .collect();
    all.sort();
    all
}

/// A custom route table with both attachments associated (one moved off the default table
/// with `replace_existing_association`), one propagating, a route to it and a blackhole: the
/// emulator's tables hold exactly that; a new blackhole destination replaces its route;
/// everything imports back and is destroyed.
#[tokio::test(flavor = "multi_thread")]
async fn route_tables_associate_propagate_and_route() {
    let stack = Stack::from_files(&[("main.tf", ROUTED)]);
    let var = format!("-var=name={}", stack.name);
    let ec2 = ec2().await;
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);

    let hub = stack.state_id("aws_ec2_transit_gateway.hub");
    let default_table = stack.state_str("aws_ec2_transit_gateway.hub", "association_default_route_table_id");
    let spokes = stack.state_id("aws_ec2_transit_gateway_route_table.spokes");
    let (a, b) = (
        stack.state_id("aws_ec2_transit_gateway_vpc_attachment.a"),
        stack.state_id("aws_ec2_transit_gateway_vpc_attachment.b"),
    );
    let tables = ec2
        .describe_transit_gateway_route_tables()
        .transit_gateway_route_table_ids(&spokes)
        .send()
        .await
        .unwrap();
    let table = &tables.transit_gateway_route_tables()[0];
    assert_eq!(table.transit_gateway_id(), Some(hub.as_str()));
    assert_eq!(table.default_association_route_table(), Some(false));
    assert_eq!(
        table
            .tags()
            .iter()
            .find(|t| t.key() == Some("Name"))
            .and_then(|t| t.value()),
        Some(format!("{}-spokes", stack.name).as_str())
    );
    assert_eq!(routing(&ec2, &spokes, &a).await, (true, true));
    assert_eq!(routing(&ec2, &spokes, &b).await, (true, false));
    assert_eq!(
        routing(&ec2, &default_table, &a).await,
        (false, false),
        "a kept off the default table"
    );
    assert_eq!(
        routing(&ec2, &default_table, &b).await,
        (false, true),
        "b moved off, still propagating"
    );
    assert_eq!(
        routes(&ec2, &spokes).await,
        [
            ("10.200.0.0/16".to_string(), "active".to_string(), Some(a.clone())),
            ("10.201.0.0/16".to_string(), "blackhole".to_string(), None),
        ]
    );
    assert_eq!(
        stack.state_id("aws_ec2_transit_gateway_route_table_association.b"),
        format!("{spokes}_{b}")
    );
    assert_eq!(
        stack.state_id("aws_ec2_transit_gateway_route.to_a"),
        format!("{spokes}_10.200.0.0/16")
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    let moved = [var.as_str(), "-var=dropped=10.202.0.0/16"];
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &moved);
    assert!(
        shown.contains("aws_ec2_transit_gateway_route.dropped must be replaced"),
        "{shown}"
    );
    assert_eq!(
        routes(&ec2, &spokes).await.into_iter().map(|r| r.0).collect::<Vec<_>>(),
        ["10.200.0.0/16", "10.202.0.0/16"]
    );
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &moved].concat()), 0);

    stack.reimport_all(&moved);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &moved].concat()), 0);
    assert!(gateway(&ec2, &hub).await.is_none());
    let left = ec2
        .describe_transit_gateway_route_tables()
        .transit_gateway_route_table_ids(&spokes)
        .send()
        .await
        .unwrap();
    assert!(
        left.transit_gateway_route_tables()
            .iter()
            .all(|t| t.state().map(|s| s.as_str()) == Some("deleted")),
        "the route table is deleted: {left:?}"
    );
}

#[test]
fn route_table_values_the_provider_refuses_are_refused_at_validate() {
    let routes = [
        "  destination_cidr_block = \"10.0.0.1/16\"\n  transit_gateway_route_table_id = \"tgw-rtb-1\"",
        "  destination_cidr_block = \"10.0.0.0\"\n  transit_gateway_route_table_id = \"tgw-rtb-1\"",
        "  destination_cidr_block = \"10.0.0.0/16\"\n  transit_gateway_route_table_id = \"\"",
    ];
    each_case_refused_at_validate(
        "aws_ec2_transit_gateway_route",
        &routes,
        "the bad transit gateway routes",
    );
    let ties = [
        "  transit_gateway_attachment_id = \"\"\n  transit_gateway_route_table_id = \"tgw-rtb-1\"",
        "  transit_gateway_attachment_id = \"tgw-attach-1\"\n  transit_gateway_route_table_id = \"\"",
    ];
    each_case_refused_at_validate(
        "aws_ec2_transit_gateway_route_table_propagation",
        &ties,
        "the bad propagations",
    );
}

#[test]
fn terraform_and_infractl_agree_on_transit_gateway_routing_either_way() {
    cross_check(
        "the transit gateway routing cross-check",
        ROUTED,
        "tgwr",
        Some(("10.8", "10.9")),
        &["ec2", "sts"],
    );
}

/// CreateTransitGatewayRoute answered, the run killed before state knew: the next apply
/// adopts the route (a second create would be refused as a duplicate).
#[tokio::test(flavor = "multi_thread")]
async fn a_route_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", ROUTED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateTransitGatewayRoute"]);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(
        shown.contains("aws_ec2_transit_gateway_route.to_a: adopting")
            || shown.contains("aws_ec2_transit_gateway_route.dropped: adopting"),
        "{shown}"
    );
    let spokes = stack.state_id("aws_ec2_transit_gateway_route_table.spokes");
    assert_eq!(routes(&ec2().await, &spokes).await.len(), 2);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

const LOOKED_UP: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

resource "aws_ec2_transit_gateway" "hub" {
  description                 = var.name
  transit_gateway_cidr_blocks = ["10.8.250.0/24"]

  tags = {
    Name = var.name
  }
}

resource "aws_ec2_transit_gateway_route_table" "blue" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id

  tags = {
    Name = "${var.name}-blue"
  }
}

data "aws_ec2_transit_gateway" "by_id" {
  id = aws_ec2_transit_gateway.hub.id
}

data "aws_ec2_transit_gateway" "by_tag" {
  filter {
    name   = "tag:Name"
    values = [var.name]
  }

  filter {
    name   = "state"
    values = ["available"]
  }

  depends_on = [aws_ec2_transit_gateway.hub]
}

data "aws_ec2_transit_gateway_route_table" "default" {
  filter {
    name   = "default-association-route-table"
    values = ["true"]
  }

  filter {
    name   = "transit-gateway-id"
    values = [aws_ec2_transit_gateway.hub.id]
  }

  filter {
    name   = "state"
    values = ["available"]
  }
}

# AWS keeps deleted tables listed for a while, and the provider's lookups do not skip them.
data "aws_ec2_transit_gateway_route_table" "blue" {
  filter {
    name   = "tag:Name"
    values = ["${var.name}-blue"]
  }

  filter {
    name   = "state"
    values = ["available"]
  }

  depends_on = [aws_ec2_transit_gateway_route_table.blue]
}

# The provider selects by `id` and `filter` only: `tags` here is no condition. (What it
# reads back differs within Terraform itself: the configured map when the read waits for the
# apply, the gateway's tags when the plan reads it; infractl gives the gateway's.)
data "aws_ec2_transit_gateway" "with_other_tags" {
  id = aws_ec2_transit_gateway.hub.id

  tags = {
    Name = "not-what-the-gateway-has"
  }
}

output "gateway" {
  value = {
    id = data.aws_ec2_transit_gateway.by_id.id
    arn = data.aws_ec2_transit_gateway.by_id.arn
    amazon_side_asn = data.aws_ec2_transit_gateway.by_id.amazon_side_asn
    association_default_route_table_id = data.aws_ec2_transit_gateway.by_id.association_default_route_table_id
    propagation_default_route_table_id = data.aws_ec2_transit_gateway.by_id.propagation_default_route_table_id
    auto_accept_shared_attachments = data.aws_ec2_transit_gateway.by_id.auto_accept_shared_attachments
    default_route_table_association = data.aws_ec2_transit_gateway.by_id.default_route_table_association
    default_route_table_propagation = data.aws_ec2_transit_gateway.by_id.default_route_table_propagation
    description = data.aws_ec2_transit_gateway.by_id.description
    dns_support = data.aws_ec2_transit_gateway.by_id.dns_support
    multicast_support = data.aws_ec2_transit_gateway.by_id.multicast_support
    owner_id = data.aws_ec2_transit_gateway.by_id.owner_id
    security_group_referencing_support = data.aws_ec2_transit_gateway.by_id.security_group_referencing_support
    transit_gateway_cidr_blocks = data.aws_ec2_transit_gateway.by_id.transit_gateway_cidr_blocks
    vpn_ecmp_support = data.aws_ec2_transit_gateway.by_id.vpn_ecmp_support
    tags = data.aws_ec2_transit_gateway.by_id.tags
  }
}

output "gateway_by_tag" {
  value = data.aws_ec2_transit_gateway.by_tag.id
}

output "default_table" {
  value = {
    id = data.aws_ec2_transit_gateway_route_table.default.id
    arn = data.aws_ec2_transit_gateway_route_table.default.arn
    default_association_route_table = data.aws_ec2_transit_gateway_route_table.default.default_association_route_table
    default_propagation_route_table = data.aws_ec2_transit_gateway_route_table.default.default_propagation_route_table
    transit_gateway_id = data.aws_ec2_transit_gateway_route_table.default.transit_gateway_id
    tags = data.aws_ec2_transit_gateway_route_table.default.tags
  }
}

output "blue_table" {
  value = {
    id = data.aws_ec2_transit_gateway_route_table.blue.id
    arn = data.aws_ec2_transit_gateway_route_table.blue.arn
    default_association_route_table = data.aws_ec2_transit_gateway_route_table.blue.default_association_route_table
    default_propagation_route_table = data.aws_ec2_transit_gateway_route_table.blue.default_propagation_route_table
    transit_gateway_id = data.aws_ec2_transit_gateway_route_table.blue.transit_gateway_id
    tags = data.aws_ec2_transit_gateway_route_table.blue.tags
  }
}

output "found_despite_tags" {
  value = data.aws_ec2_transit_gateway.with_other_tags.arn
}
"#;

/// The data sources find a gateway by id and by tag, its default route table by filters and
/// another table by tags, each with what the resources recorded.
#[tokio::test(flavor = "multi_thread")]
async fn the_data_sources_find_gateways_and_route_tables() {
    let stack = Stack::from_files(&[("main.tf", LOOKED_UP)]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let hub = "aws_ec2_transit_gateway.hub";
    let gateway = &out["gateway"]["value"];
    assert_eq!(gateway["id"], stack.state_id(hub));
    assert_eq!(out["gateway_by_tag"]["value"], stack.state_id(hub));
    for key in [
        "arn",
        "amazon_side_asn",
        "association_default_route_table_id",
        "dns_support",
        "transit_gateway_cidr_blocks",
        "description",
    ] {
        assert_eq!(gateway[key], stack.state_attr(hub, key), "{key}");
    }
    assert_eq!(gateway["tags"]["Name"], stack.name.as_str());
    let default_table = &out["default_table"]["value"];
    assert_eq!(
        default_table["id"],
        stack.state_attr(hub, "association_default_route_table_id")
    );
    assert_eq!(default_table["default_association_route_table"], true);
    let blue = &out["blue_table"]["value"];
    let table = "aws_ec2_transit_gateway_route_table.blue";
    assert_eq!(blue["id"], stack.state_id(table));
    assert_eq!(blue["arn"], stack.state_attr(table, "arn"));
    assert_eq!(blue["default_association_route_table"], false);
    // As in Terraform: configured tags do not select.
    assert_eq!(out["found_despite_tags"]["value"], stack.state_attr(hub, "arn"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

/// Terraform reads the same objects through the same data sources: its plan after infractl's
/// apply (and infractl's after Terraform's) finds no output changed.
#[test]
fn terraform_and_infractl_read_gateways_alike() {
    let Some(tf) = Terraform::find("the transit gateway data source cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(LOOKED_UP, &crate::support::unique("tgwd"), Some(("10.8", "10.9")));
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    // Route table ARNs hold the account, which the provider learns from STS.
    both_tools_plan_clean_knowing_account(&tf, &stack, &["ec2", "sts"]);
}
