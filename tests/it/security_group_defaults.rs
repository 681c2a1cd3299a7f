//! What a new security group holds after infractl creates it: AWS's default allow-all egress
//! goes (to 0.0.0.0/0, and to ::/0 in a VPC with IPv6) unless the blueprint writes that very
//! rule, and a written rule to the same destination with other settings takes its place.
//! Asserted on what EC2 holds, then a plan must be clean; and Terraform, keeping the same state,
//! plans no change after infractl applies, nor infractl after Terraform.

use crate::interop::both_tools_plan_clean_after_the_other;
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_ec2::types::{Filter, IpPermission};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block                       = "10.61.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

# The default egress written out: kept as it is.
resource "aws_security_group" "written_default" {
  name   = "sgd-written-default"
  vpc_id = aws_vpc.this.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# No egress: none may stay.
resource "aws_security_group" "closed" {
  name   = "sgd-closed"
  vpc_id = aws_vpc.this.id
}

# The same destination with a description: written after the default is revoked.
resource "aws_security_group" "described" {
  name   = "sgd-described"
  vpc_id = aws_vpc.this.id
  egress {
    description      = "everything"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# Narrow rules both ways.
resource "aws_security_group" "narrow" {
  name   = "sgd-narrow"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

/// A permission as `(protocol, from, to, IPv4 ranges with descriptions, IPv6 ranges)`.
type Shape = (String, Option<i32>, Option<i32>, Vec<(String, String)>, Vec<String>);

fn shape(p: &IpPermission) -> Shape {
    (
        p.ip_protocol().unwrap_or_default().to_string(),
        p.from_port(),
        p.to_port(),
        p.ip_ranges()
            .iter()
            .map(|r| {
                (
                    r.cidr_ip().unwrap_or_default().to_string(),
                    r.description().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        p.ipv6_ranges()
            .iter()
            .map(|r| r.cidr_ipv6().unwrap_or_default().to_string())
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn default_egress_goes_unless_written_and_written_rules_replace_it() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let groups = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("tag:infractl:stack").values(&stack.name).build())
        .send()
        .await
        .unwrap();
    let group = |name: &str| {
        groups
            .security_groups()
            .iter()
            .find(|g| g.group_name() == Some(name))
            .unwrap_or_else(|| panic!("{name} not found"))
            .clone()
    };
    let egress = |name: &str| {
        group(name)
            .ip_permissions_egress()
            .iter()
            .map(shape)
            .collect::<Vec<_>>()
    };
    let all = |v4: &[(&str, &str)], v6: &[&str]| {
        (
            "-1".to_string(),
            None,
            None,
            v4.iter()
                .map(|(c, d)| (c.to_string(), d.to_string()))
                .collect::<Vec<_>>(),
            v6.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        )
    };

    assert_eq!(egress("sgd-written-default"), vec![all(&[("0.0.0.0/0", "")], &[])]);
    assert_eq!(egress("sgd-closed"), vec![]);
    let described = egress("sgd-described");
    assert_eq!(described.len(), 1, "{described:?}");
    assert_eq!(
        described[0].3,
        vec![("0.0.0.0/0".to_string(), "everything".to_string())]
    );
    assert_eq!(described[0].4, vec!["::/0".to_string()]);
    assert_eq!(
        egress("sgd-narrow"),
        vec![(
            "tcp".to_string(),
            Some(443),
            Some(443),
            vec![("0.0.0.0/0".to_string(), String::new())],
            vec![]
        )]
    );
    let ingress = group("sgd-narrow")
        .ip_permissions()
        .iter()
        .map(shape)
        .collect::<Vec<_>>();
    assert_eq!(
        ingress,
        vec![(
            "tcp".to_string(),
            Some(80),
            Some(80),
            vec![("10.0.0.0/8".to_string(), String::new())],
            vec![]
        )]
    );

    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_and_infractl_agree_on_the_groups_either_way() {
    let Some(tf) = Terraform::find("the security group defaults cross-check") else {
        return;
    };
    // Terraform keeps this stack, so infractl writes no tags of its own: untagged groups.
    let blueprint = BLUEPRINT.replace("sgd-", "sgt-");
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "sts"]);
}
