//! Bulk refresh: a no-change plan of a stack with many objects of one type (subnets, security
//! groups, route tables) reads them in a handful of calls (counted by the proxy in front of the emulator), and still notices one
//! deleted behind infractl's back.

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
"#;

#[tokio::test(flavor = "multi_thread")]
async fn many_objects_of_a_type_refresh_in_one_call_and_a_vanished_one_is_seen() {
    let stack = Stack::from_files(&[("main.tf", SUBNETS)]);
    let proxy = CountingProxy::start();
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 0);

    proxy.reset();
    expect_code(&stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url), 0);
    let calls = proxy.calls();
    // 12 subnets, 5 security groups, 5 route tables: one Describe call per type (the VPC's
    // own read adds one for its default security group and one for its main route table).
    for (api, expected) in [
        ("DescribeSubnets", 1),
        ("DescribeSecurityGroups", 2),
        ("DescribeRouteTables", 2),
    ] {
        assert_eq!(calls.get(&format!("ec2:{api}")), Some(&expected), "{api}: {calls:?}");
    }

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    ec2.delete_subnet()
        .subnet_id(stack.state_id("aws_subnet.many[5]"))
        .send()
        .await
        .unwrap();
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url);
    expect_code(&out, 2);
    let shown = text(&out);
    assert!(
        shown.contains("aws_subnet.many[5]") && shown.contains("1 to add, 0 to change, 0 to destroy"),
        "{shown}"
    );

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
