//! The AWS provider's schema, whole: every type and argument of the provider is known to
//! `validate`; types and arguments infractl does not implement yet are accepted as long as
//! nothing asks for them (no instances, null values), and refused with their location when
//! something does.

use crate::support::{expect_code, sdk_config, text, Stack};

const NOWHERE: &str = "http://127.0.0.1:9";

/// Blocks of types infractl does not implement, as public modules declare them: with
/// `count = 0`, an empty `for_each`, or a data source switched off.
const DORMANT: &str = r#"
variable "enabled" {
  type    = bool
  default = false
}

variable "attach" {
  type    = bool
  default = false
}

resource "aws_ec2_transit_gateway_peering_attachment" "this" {
  count                   = var.attach ? 1 : 0
  peer_region             = "us-west-2"
  peer_transit_gateway_id = "tgw-12345678"
  transit_gateway_id      = "tgw-87654321"
}

resource "aws_ec2_transit_gateway_multicast_domain" "this" {
  for_each           = var.enabled ? { main = "x" } : {}
  transit_gateway_id = "tgw-87654321"
  tags               = { Name = each.value }
}

data "aws_nat_gateway" "selected" {
  count  = var.enabled ? 1 : 0
  vpc_id = "vpc-12345678"
}
"#;

#[test]
fn unimplemented_types_validate_and_plan_nothing_without_instances() {
    let stack = Stack::from_files(&[("main.tf", DORMANT)]);
    let out = stack.run_with_endpoint(&["validate"], NOWHERE);
    expect_code(&out, 0);
    // No instances: nothing to plan, and no AWS call is needed to know it.
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode"], NOWHERE);
    let t = expect_code(&out, 0);
    assert!(t.contains("No changes"), "{t}");

    // With instances, plan names the type and says it is not implemented yet, at its block.
    let out = stack.run_with_endpoint(&["plan", "-var", "attach=true"], NOWHERE);
    let t = expect_code(&out, 1);
    assert!(
        t.contains(
            "The resource type \"aws_ec2_transit_gateway_peering_attachment\" is not implemented by infractl yet"
        ),
        "{t}"
    );
    assert!(t.contains("main.tf:12"), "{t}");
    assert!(t.contains("aws_ec2_transit_gateway_peering_attachment.this[0]"), "{t}");
    assert!(!t.contains("Unsupported resource type"), "{t}");
    // validate still accepts it: only planning instances is refused.
    expect_code(
        &stack.run_with_endpoint(&["validate", "-var", "enabled=true"], NOWHERE),
        0,
    );
    let t = expect_code(&stack.run_with_endpoint(&["plan", "-var", "enabled=true"], NOWHERE), 1);
    assert!(t.contains("is not implemented by infractl yet"), "{t}");

    // A misspelt type is still unknown.
    let typo = Stack::from_files(&[(
        "main.tf",
        "resource \"aws_vpc_peering_connections\" \"x\" {\n  count = 0\n}\n",
    )]);
    let t = expect_code(&typo.run_with_endpoint(&["validate"], NOWHERE), 1);
    assert!(
        t.contains("Unsupported resource type \"aws_vpc_peering_connections\""),
        "{t}"
    );
}

/// A VPC and security group the way modules write them: every optional input passed through,
/// null when unused; rules as attributes; a `timeouts` block.
const MODULE_STYLE: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

variable "ipv4_ipam_pool_id" {
  type    = string
  default = null
}

variable "ipv6_netmask_length" {
  type    = number
  default = null
}

variable "ipam_pool_id" {
  type    = string
  default = null
}

resource "aws_eip" "nat" {
  domain       = "vpc"
  ipam_pool_id = var.ipam_pool_id
}

resource "aws_vpc" "this" {
  cidr_block                           = "10.42.0.0/16"
  ipv4_ipam_pool_id                    = var.ipv4_ipam_pool_id
  ipv4_netmask_length                  = null
  ipv6_netmask_length                  = var.ipv6_netmask_length
  enable_network_address_usage_metrics = null
  tags                                 = { Name = "schema-test" }
}

resource "aws_subnet" "a" {
  vpc_id                         = aws_vpc.this.id
  cidr_block                     = "10.42.1.0/24"
  ipv6_cidr_block                = null
  enable_resource_name_dns_a_record_on_launch = null

  timeouts {
    create = "5m"
    delete = "10m"
  }
}

resource "aws_security_group" "web" {
  name   = "schema-test-web"
  vpc_id = aws_vpc.this.id
  ingress = [{
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["10.0.0.0/8"]
    description      = "https"
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }]
  egress = []
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn unimplemented_arguments_pass_when_null_and_are_refused_when_set() {
    let stack = Stack::from_files(&[("main.tf", MODULE_STYLE)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("eu-west-1").await);
    let vpc_id = stack.state_id("aws_vpc.this");
    let vpcs = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await.unwrap();
    assert_eq!(vpcs.vpcs()[0].cidr_block(), Some("10.42.0.0/16"));
    let sg_id = stack.state_id("aws_security_group.web");
    let groups = ec2.describe_security_groups().group_ids(&sg_id).send().await.unwrap();
    let rules = groups.security_groups()[0].ip_permissions();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0].from_port(), Some(443));
    assert_eq!(rules[0].ip_ranges()[0].cidr_ip(), Some("10.0.0.0/8"));
    assert!(groups.security_groups()[0].ip_permissions_egress().is_empty());
    // The timeouts block is kept as configured and plans no change.
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(t.contains("No changes"), "{t}");

    // Setting an argument infractl does not implement is refused at its line, before any call.
    let out = stack.run_with_endpoint(&["plan", "-var", "ipam_pool_id=ipam-pool-0123"], "http://127.0.0.1:9");
    let t = expect_code(&out, 1);
    assert!(
        t.contains("`aws_eip.ipam_pool_id` is not supported by infractl yet"),
        "{t}"
    );
    let line = MODULE_STYLE
        .lines()
        .position(|l| l.contains("ipam_pool_id = var."))
        .unwrap()
        + 1;
    assert!(t.contains(&format!("main.tf:{line}")), "{t}");
    assert!(t.contains("aws_eip.nat"), "{t}");

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let left = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await;
    assert!(left.map(|v| v.vpcs().is_empty()).unwrap_or(true));
}

#[test]
fn an_unimplemented_block_is_refused_when_written_and_accepted_when_empty() {
    let instance = |block: &str| {
        format!(
            r#"
resource "aws_instance" "web" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
{block}
}}
"#
        )
    };
    let written = Stack::from_files(&[(
        "main.tf",
        &instance("  instance_market_options {\n    market_type = \"spot\"\n  }"),
    )]);
    let t = expect_code(&written.run_with_endpoint(&["validate"], NOWHERE), 1);
    assert!(
        t.contains("`aws_instance.instance_market_options` is not supported by infractl yet"),
        "{t}"
    );
    assert!(t.contains("main.tf:5"), "{t}");

    let empty = Stack::from_files(&[(
        "main.tf",
        &instance("  dynamic \"instance_market_options\" {\n    for_each = []\n    content {\n      market_type = instance_market_options.value\n    }\n  }"),
    )]);
    let out = empty.run_with_endpoint(&["validate"], NOWHERE);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
