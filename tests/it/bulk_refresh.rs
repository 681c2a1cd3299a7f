//! Bulk refresh: a no-change plan of a stack with many objects of one type (subnets, security
//! groups, security group rules, route tables and their associations) reads them in a handful
//! of calls (counted by the proxy in front of the emulator), and still notices one deleted
//! behind infractl's back.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};

const SUBNETS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.61.0.0/16"
}

resource "aws_security_group" "many" {
  count  = 5
  name   = "many-${count.index}"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_route_table" "many" {
  count  = 5
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "many" {
  count      = 12
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  tags = {
    Name = "many-${count.index}"
  }
}

resource "aws_route_table_association" "many" {
  count          = 12
  subnet_id      = aws_subnet.many[count.index].id
  route_table_id = aws_route_table.many[count.index % 5].id
}

# Rules of their own on a group without inline rules (mixing the two fights, as in Terraform).
resource "aws_security_group" "rules" {
  name   = "rules"
  vpc_id = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "many" {
  count             = 6
  security_group_id = aws_security_group.rules.id
  ip_protocol       = "tcp"
  from_port         = 8000 + count.index
  to_port           = 8000 + count.index
  cidr_ipv4         = "10.${count.index}.0.0/16"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn many_objects_of_a_type_refresh_in_one_call_and_a_vanished_one_is_seen() {
    let stack = Stack::from_files(&[("main.tf", SUBNETS)]);
    let proxy = CountingProxy::start();
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 0);

    proxy.reset();
    expect_code(&stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url), 0);
    let calls = proxy.calls();
    // 12 subnets, 6 security groups, 6 rules, 5 route tables, 12 associations: one Describe
    // call per type (the VPC's own read adds one for its default security group and one for
    // its main route table).
    for (api, expected) in [
        ("DescribeSubnets", 1),
        ("DescribeSecurityGroups", 2),
        ("DescribeSecurityGroupRules", 1),
        ("DescribeRouteTables", 3),
    ] {
        assert_eq!(calls.get(&format!("ec2:{api}")), Some(&expected), "{api}: {calls:?}");
    }

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    ec2.delete_subnet()
        .subnet_id(stack.state_id("aws_subnet.many[5]"))
        .send()
        .await
        .unwrap();
    ec2.revoke_security_group_ingress()
        .group_id(stack.state_id("aws_security_group.rules"))
        .security_group_rule_ids(stack.state_id("aws_vpc_security_group_ingress_rule.many[4]"))
        .send()
        .await
        .unwrap();
    ec2.disassociate_route_table()
        .association_id(stack.state_id("aws_route_table_association.many[7]"))
        .send()
        .await
        .unwrap();
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url);
    expect_code(&out, 2);
    let shown = text(&out);
    // Each object removed behind infractl's back is seen by the bulk reads. (Whether subnet 5's
    // association outlives its subnet depends on the emulator; AWS drops it.)
    for gone in [
        "aws_subnet.many[5]",
        "aws_route_table_association.many[7]",
        "aws_vpc_security_group_ingress_rule.many[4]",
    ] {
        assert!(
            shown.contains(&format!("Note: {gone} has been deleted outside infractl")),
            "{gone}:\n{shown}"
        );
    }
    let vanished = shown.matches("has been deleted outside infractl").count();
    assert!((3..=4).contains(&vanished), "only what was removed vanished:\n{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
