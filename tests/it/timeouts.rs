//! `timeouts` blocks bound every waiter: with localstack/proxy.py holding an object in a pending
//! state (the emulator leaves every state at once), a wait gives up after the configured
//! timeout with the object, the state waited for and the last state seen; the delete timeout
//! is the one recorded in state at the last apply, as in Terraform.

use crate::support::{expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;

const SUBNET: &str = r#"
provider "aws" {
  region = "ap-southeast-2"
}

resource "aws_vpc" "this" {
  cidr_block = "10.61.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.61.1.0/24"

  timeouts {
    create = "2s"
  }
}
"#;

async fn subnets_of(ec2: &aws_sdk_ec2::Client, vpc: &str) -> usize {
    ec2.describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(vpc).build())
        .send()
        .await
        .unwrap()
        .subnets()
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_wait_stops_at_its_timeout_and_says_what_it_saw() {
    let proxy = CountingProxy::start();
    // The create answers pending too (a create that answers available is not polled).
    proxy.set_faults(serde_json::json!({"rewrite": [
        {"call": "ec2:CreateSubnet", "from": "<state>available</state>", "to": "<state>pending</state>"},
        {"call": "ec2:DescribeSubnets", "from": "<state>available</state>", "to": "<state>pending</state>"}
    ]}));
    let stack = Stack::from_files(&[("main.tf", SUBNET)]);
    let t = expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 1);
    assert!(t.contains("aws_subnet.a"), "{t}");
    assert!(t.contains("timed out after 2s waiting for subnet-"), "{t}");
    assert!(t.contains("to be available (last state seen: pending)"), "{t}");
    // What did finish is saved.
    let vpc = stack.state_id("aws_vpc.this");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("ap-southeast-2").await);
    assert_eq!(subnets_of(&ec2, &vpc).await, 1);

    // Once AWS (here the proxy) reports it available, the next apply takes the subnet the
    // timed-out run made instead of making another, and the timeouts block plans no change.
    proxy.set_faults(serde_json::json!({"rewrite": []}));
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(subnets_of(&ec2, &vpc).await, 1);
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(t.contains("No changes"), "{t}");
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

const NAT: &str = r#"
provider "aws" {
  region = "ap-southeast-2"
}

resource "aws_vpc" "this" {
  cidr_block = "10.62.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.62.1.0/24"
}

resource "aws_nat_gateway" "private" {
  subnet_id         = aws_subnet.a.id
  connectivity_type = "private"

  timeouts {
    delete = "2s"
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_wait_honours_the_timeout_recorded_in_state() {
    let proxy = CountingProxy::start();
    let stack = Stack::from_files(&[("main.tf", NAT)]);
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 0);
    let state = stack.flat_state();
    let nat = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_nat_gateway")
        .expect("the NAT gateway is in state")
        .clone();
    // Recorded as Terraform records a single block: an object.
    assert_eq!(nat["attributes"]["timeouts"]["delete"], "2s", "{nat}");

    // AWS keeps reporting the gateway as deleting: destroy gives up after the 2 seconds the
    // blueprint set (not the provider's 30 minutes), naming what it waited for.
    proxy.set_faults(serde_json::json!({"rewrite": [{
        "call": "ec2:DescribeNatGateways", "from": "<state>deleted</state>", "to": "<state>deleting</state>"
    }]}));
    let t = expect_code(&stack.run_with_endpoint(&["destroy", "-auto-approve"], &proxy.url), 1);
    assert!(t.contains("aws_nat_gateway.private"), "{t}");
    assert!(t.contains("timed out after 2s waiting for nat-"), "{t}");
    assert!(t.contains("to be deleted (last state seen: deleting)"), "{t}");

    proxy.set_faults(serde_json::json!({"rewrite": []}));
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("ap-southeast-2").await);
    let subnet = nat["attributes"]["subnet_id"].as_str().unwrap_or_default().to_string();
    let left = ec2.describe_subnets().subnet_ids(&subnet).send().await;
    assert!(left.map(|s| s.subnets().is_empty()).unwrap_or(true));
}
