//! Bulk refresh: a no-change plan of a stack with many objects of one type reads them in a
//! handful of calls (counted by the proxy in front of the emulator), and still notices one
//! deleted behind infractl's back.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};

const SUBNETS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.61.0.0/16"
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
async fn subnets_refresh_in_one_call_and_a_vanished_one_is_seen() {
    let stack = Stack::from_files(&[("main.tf", SUBNETS)]);
    let proxy = CountingProxy::start();
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 0);

    proxy.reset();
    expect_code(&stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url), 0);
    let calls = proxy.calls();
    assert_eq!(calls.get("ec2:DescribeSubnets"), Some(&1), "{calls:?}");

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
