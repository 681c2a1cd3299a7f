//! Provider configurations: aliases in another region handed to a module, `default_tags` per
//! configuration, and `assume_role` into another account, checked on what the emulator holds
//! in each region and account.

use crate::support::{expect_code, sdk_config, text, Stack};

const ROOT: &str = r#"
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Team = "home" }
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
  default_tags {
    tags = { Team = "west" }
  }
}

provider "aws" {
  alias  = "other"
  region = "us-east-1"
  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/deployer"
    session_name = "infractl-test"
    external_id  = "ext-1"
  }
}

resource "aws_vpc" "home" {
  cidr_block = "10.61.0.0/16"
}

module "west" {
  source    = "./net"
  providers = { aws = aws.west }
  cidr      = "10.62.0.0/16"
}

resource "aws_vpc" "other" {
  provider   = aws.other
  cidr_block = "10.63.0.0/16"
}

output "west_vpc" {
  value = module.west.vpc_id
}
"#;

const NET: &str = r#"
variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 1)
}

output "vpc_id" {
  value = aws_vpc.this.id
}
"#;

async fn vpc_tags(region: &str, id: &str) -> Option<Vec<(String, String)>> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(region).await);
    let out = ec2
        .describe_vpcs()
        .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(id).build())
        .send()
        .await
        .unwrap();
    out.vpcs().first().map(|v| {
        v.tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn aliases_regions_modules_and_assumed_roles() {
    let stack = Stack::from_files(&[("main.tf", ROOT), ("net/main.tf", NET)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let home = stack.state_id("aws_vpc.home");
    let west = stack.state_id("module.west.aws_vpc.this");
    let other = stack.state_id("aws_vpc.other");

    // The aliased configuration put the module's objects in us-west-2 with its own default tags.
    let west_tags = vpc_tags("us-west-2", &west)
        .await
        .expect("the module's VPC is in us-west-2");
    assert!(west_tags.contains(&("Team".into(), "west".into())), "{west_tags:?}");
    assert!(vpc_tags("us-east-1", &west).await.is_none(), "not in us-east-1");
    let subnet = stack.state_id("module.west.aws_subnet.a");
    let ec2_west = aws_sdk_ec2::Client::new(&sdk_config("us-west-2").await);
    let subnets = ec2_west.describe_subnets().subnet_ids(&subnet).send().await.unwrap();
    assert_eq!(subnets.subnets()[0].vpc_id(), Some(west.as_str()));

    // The default configuration stayed in us-east-1 with its tags.
    let home_tags = vpc_tags("us-east-1", &home).await.expect("home VPC in us-east-1");
    assert!(home_tags.contains(&("Team".into(), "home".into())), "{home_tags:?}");

    // The assumed role's objects live in the role's account: invisible to the caller's.
    assert!(
        vpc_tags("us-east-1", &other).await.is_none(),
        "the other account's VPC is not ours"
    );
    let state = stack.flat_state();
    let entry = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_vpc.other")
        .unwrap()
        .clone();
    assert_eq!(entry["attributes"]["owner_id"], "111111111111");
    assert_eq!(
        entry["provider"],
        "provider[\"registry.terraform.io/hashicorp/aws\"].other"
    );

    // Refresh reads each object through its own configuration: nothing changes.
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Changing the alias's default tags updates only what it manages.
    stack.edit("main.tf", "Team = \"west\"", "Team = \"west2\"");
    let out = stack.run(&["plan", "-detailed-exitcode"]);
    let shown = expect_code(&out, 2);
    assert!(shown.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let west_tags = vpc_tags("us-west-2", &west).await.unwrap();
    assert!(west_tags.contains(&("Team".into(), "west2".into())), "{west_tags:?}");

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(vpc_tags("us-west-2", &west).await.is_none());
    assert!(vpc_tags("us-east-1", &home).await.is_none());
}

#[test]
fn an_unknown_alias_is_a_located_error_before_any_call() {
    let stack = Stack::from_files(&[(
        "main.tf",
        "resource \"aws_vpc\" \"v\" {\n  provider   = aws.nowhere\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )]);
    let out = stack.run_with_endpoint(&["plan"], "http://127.0.0.1:9");
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("undeclared provider configuration aws.nowhere"),
        "{shown}"
    );
    assert!(shown.contains("main.tf:2"), "{shown}");
}
