//! VPC IP Address Manager, checked against what the emulator holds: an IPAM and its default
//! scopes, a scope of its own, a top-level pool with a CIDR, a child pool taking a block of it by netmask, the
//! preview of the child's next block and a VPC given exactly that block; the IPAM's regions and
//! description, the scope's description and the pool's rules changed in place; import; destroy leaving no IPAM, pool,
//! CIDR or allocation; a killed create adopted; values the provider refuses; and Terraform
//! planning clean after infractl and the other way round.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, text, CountingProxy, Stack};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "description" {
  type    = string
  default = "first"
}

variable "regions" {
  type    = list(string)
  default = ["us-east-1"]
}

variable "child_netmask" {
  type    = number
  default = 16
}

resource "aws_vpc_ipam" "main" {
  description = var.description
  cascade     = true

  dynamic "operating_regions" {
    for_each = var.regions
    content {
      region_name = operating_regions.value
    }
  }

  tags = {
    Name = var.name
  }
}

resource "aws_vpc_ipam_scope" "lab" {
  ipam_id     = aws_vpc_ipam.main.id
  description = "lab ${var.description}"

  tags = {
    Name = "${var.name}-lab"
  }
}

resource "aws_vpc_ipam_pool" "top" {
  address_family = "ipv4"
  ipam_scope_id  = aws_vpc_ipam.main.private_default_scope_id
  description    = "${var.name} ${var.description}"
}

resource "aws_vpc_ipam_pool_cidr" "top" {
  ipam_pool_id = aws_vpc_ipam_pool.top.id
  cidr         = "10.0.0.0/8"
}

resource "aws_vpc_ipam_pool" "child" {
  address_family                    = "ipv4"
  ipam_scope_id                     = aws_vpc_ipam.main.private_default_scope_id
  source_ipam_pool_id               = aws_vpc_ipam_pool.top.id
  locale                            = "us-east-1"
  allocation_default_netmask_length = var.child_netmask
  allocation_max_netmask_length     = 24
  allocation_resource_tags = {
    Stack = var.name
  }

  tags = {
    Name = "${var.name}-child"
  }

  depends_on = [aws_vpc_ipam_pool_cidr.top]
}

resource "aws_vpc_ipam_pool_cidr" "child" {
  ipam_pool_id   = aws_vpc_ipam_pool.child.id
  netmask_length = 12
}

resource "aws_vpc_ipam_preview_next_cidr" "next" {
  ipam_pool_id   = aws_vpc_ipam_pool.child.id
  netmask_length = 20

  depends_on = [aws_vpc_ipam_pool_cidr.child]
}

resource "aws_vpc" "from_pool" {
  ipv4_ipam_pool_id   = aws_vpc_ipam_pool.child.id
  ipv4_netmask_length = 20

  tags = {
    Name  = var.name
    Stack = var.name
  }

  depends_on = [aws_vpc_ipam_preview_next_cidr.next]
}

output "preview" {
  value = aws_vpc_ipam_preview_next_cidr.next.cidr
}
"#;

fn ec2(config: &aws_config::SdkConfig) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(config)
}

/// The pool's CIDRs as (CIDR, state).
async fn pool_cidrs(pool: &str) -> Vec<(String, String)> {
    let out = ec2(&sdk_config("us-east-1").await)
        .get_ipam_pool_cidrs()
        .ipam_pool_id(pool)
        .send()
        .await
        .unwrap();
    out.ipam_pool_cidrs()
        .iter()
        .map(|c| (c.cidr().unwrap().to_string(), c.state().unwrap().as_str().to_string()))
        .collect()
}

/// The pool's allocations as (CIDR, resource type, resource id).
async fn allocations(pool: &str) -> Vec<(String, String, String)> {
    let out = ec2(&sdk_config("us-east-1").await)
        .get_ipam_pool_allocations()
        .ipam_pool_id(pool)
        .send()
        .await
        .unwrap();
    out.ipam_pool_allocations()
        .iter()
        .map(|a| {
            (
                a.cidr().unwrap().to_string(),
                a.resource_type().unwrap().as_str().to_string(),
                a.resource_id().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ipam_its_pools_and_a_vpc_from_a_pool_are_made_changed_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    stack.plans_and_applies("8 to add, 0 to change, 0 to destroy", &[&var]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let client = ec2(&sdk_config("us-east-1").await);

    let ipam_id = stack.state_id("aws_vpc_ipam.main");
    let ipam = client.describe_ipams().ipam_ids(&ipam_id).send().await.unwrap().ipams()[0].clone();
    assert_eq!(ipam.description(), Some("first"));
    let regions: Vec<_> = ipam
        .operating_regions()
        .iter()
        .map(|r| r.region_name().unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1"]);
    assert_eq!(ipam.tier().unwrap().as_str(), "advanced");
    let private_scope = ipam.private_default_scope_id().unwrap().to_string();
    assert_eq!(
        stack.state_str("aws_vpc_ipam.main", "private_default_scope_id"),
        private_scope
    );
    let lab = stack.state_id("aws_vpc_ipam_scope.lab");
    let scope = |id: String| {
        let client = client.clone();
        async move {
            client
                .describe_ipam_scopes()
                .ipam_scope_ids(id)
                .send()
                .await
                .unwrap()
                .ipam_scopes()[0]
                .clone()
        }
    };
    let s = scope(lab.clone()).await;
    assert_eq!(
        (s.ipam_scope_type().unwrap().as_str(), s.is_default()),
        ("private", Some(false))
    );
    assert_eq!(s.description(), Some("lab first"));
    assert_eq!(s.ipam_arn(), ipam.ipam_arn());
    assert_eq!(stack.state_str("aws_vpc_ipam_scope.lab", "ipam_id"), ipam_id);

    let top = stack.state_id("aws_vpc_ipam_pool.top");
    let child = stack.state_id("aws_vpc_ipam_pool.child");
    let child_pool = client
        .describe_ipam_pools()
        .ipam_pool_ids(&child)
        .send()
        .await
        .unwrap()
        .ipam_pools()[0]
        .clone();
    assert_eq!(child_pool.source_ipam_pool_id(), Some(top.as_str()));
    assert_eq!(child_pool.pool_depth(), Some(2));
    assert_eq!(child_pool.locale(), Some("us-east-1"));
    assert_eq!(child_pool.allocation_default_netmask_length(), Some(16));
    assert_eq!(child_pool.allocation_max_netmask_length(), Some(24));
    let tags: Vec<_> = child_pool
        .allocation_resource_tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(tags, [("Stack", stack.name.as_str())]);
    assert_eq!(stack.state_str("aws_vpc_ipam_pool.top", "locale"), "None");

    // The top pool holds its CIDR; the child holds a /12 of it, allocated to the child pool.
    assert_eq!(
        pool_cidrs(&top).await,
        [("10.0.0.0/8".to_string(), "provisioned".to_string())]
    );
    let child_cidr = stack.state_str("aws_vpc_ipam_pool_cidr.child", "cidr");
    assert_eq!(
        pool_cidrs(&child).await,
        [(child_cidr.clone(), "provisioned".to_string())]
    );
    assert!(
        child_cidr.starts_with("10.") && child_cidr.ends_with("/12"),
        "{child_cidr}"
    );
    assert_eq!(
        stack.state_id("aws_vpc_ipam_pool_cidr.child"),
        format!("{child_cidr}_{child}")
    );
    assert!(allocations(&top)
        .await
        .contains(&(child_cidr.clone(), "ipam-pool".to_string(), child.clone())));

    // The VPC has the very block the preview showed, allocated to it in the child pool.
    let preview = stack.state_str("aws_vpc_ipam_preview_next_cidr.next", "cidr");
    let vpc_id = stack.state_id("aws_vpc.from_pool");
    let vpc = client.describe_vpcs().vpc_ids(&vpc_id).send().await.unwrap().vpcs()[0].clone();
    assert_eq!(vpc.cidr_block(), Some(preview.as_str()));
    assert_eq!(
        allocations(&child).await,
        [(preview.clone(), "vpc".to_string(), vpc_id.clone())]
    );

    // In place: the IPAM's description and a second region, the pool's default netmask.
    let changed = [
        var.as_str(),
        "-var=description=second",
        "-var=regions=[\"us-east-1\",\"eu-west-1\"]",
        "-var=child_netmask=18",
    ];
    let shown = stack.plans_and_applies("0 to add, 4 to change, 0 to destroy", &changed);
    assert!(
        shown.contains("aws_vpc_ipam_pool.child will be updated in-place"),
        "{shown}"
    );
    let ipam = client.describe_ipams().ipam_ids(&ipam_id).send().await.unwrap().ipams()[0].clone();
    assert_eq!(ipam.description(), Some("second"));
    let mut regions: Vec<_> = ipam
        .operating_regions()
        .iter()
        .map(|r| r.region_name().unwrap())
        .collect();
    regions.sort();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let child_pool = client
        .describe_ipam_pools()
        .ipam_pool_ids(&child)
        .send()
        .await
        .unwrap()
        .ipam_pools()[0]
        .clone();
    assert_eq!(child_pool.allocation_default_netmask_length(), Some(18));
    let top_pool = client
        .describe_ipam_pools()
        .ipam_pool_ids(&top)
        .send()
        .await
        .unwrap()
        .ipam_pools()[0]
        .clone();
    assert_eq!(top_pool.description(), Some(format!("{} second", stack.name).as_str()));
    assert_eq!(stack.state_id("aws_vpc_ipam.main"), ipam_id);
    assert_eq!(scope(lab.clone()).await.description(), Some("lab second"));
    assert_eq!(stack.state_id("aws_vpc_ipam_scope.lab"), lab);

    // The preview has no import (nor in the provider); a VPC's pool is not read back.
    stack.reimport_all_but(&["aws_vpc_ipam_preview_next_cidr", "aws_vpc"], &changed);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    let gone = client.describe_ipams().ipam_ids(&ipam_id).send().await;
    let code = gone.map(|o| o.ipams().len().to_string()).unwrap_or_else(|e| {
        aws_sdk_ec2::error::ProvideErrorMetadata::code(&e)
            .unwrap_or_default()
            .to_string()
    });
    assert!(code == "InvalidIpamId.NotFound" || code == "0", "{code}");
    let vpcs = client.describe_vpcs().vpc_ids(&vpc_id).send().await;
    assert!(vpcs.is_err() || vpcs.unwrap().vpcs().is_empty());
}

/// CreateIpam answered, the run killed before state knew: the next apply adopts that IPAM
/// instead of making a second one (an account has one per Region unless its quota is raised).
#[tokio::test(flavor = "multi_thread")]
async fn an_ipam_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateIpam"]);
    reapply_adopts(&stack, &var, "aws_vpc_ipam.main");
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("tag:Name")
        .values(&stack.name)
        .build();
    let out = ec2(&sdk_config("us-east-1").await)
        .describe_ipams()
        .filters(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(out.ipams().len(), 1, "one IPAM: {:?}", out.ipams());
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn ipam_values_the_provider_refuses_are_refused() {
    let region = "operating_regions {\n  region_name = \"us-east-1\"\n}";
    let ipam = [
        format!("tier = \"premium\"\n{region}"),
        "operating_regions {\n  region_name = \"the moon\"\n}".to_string(),
    ];
    let ipam: Vec<&str> = ipam.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_vpc_ipam", &ipam, "IPAM values");
    let pool = "address_family = \"ipv4\"\nipam_scope_id = \"s\"\n";
    let pools: Vec<String> = [
        "locale = \"mars\"",
        "allocation_max_netmask_length = 129",
        "aws_service = \"s3\"",
        "public_ip_source = \"borrowed\"",
    ]
    .iter()
    .map(|c| format!("{pool}{c}"))
    .chain(["address_family = \"ipv5\"\nipam_scope_id = \"s\"".to_string()])
    .collect();
    let pools: Vec<&str> = pools.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_vpc_ipam_pool", &pools, "IPAM pool values");
    let cidrs = [
        "ipam_pool_id = \"p\"\ncidr = \"10.0.0.5/8\"",
        "ipam_pool_id = \"p\"\nnetmask_length = 129",
    ];
    each_case_refused_at_validate("aws_vpc_ipam_pool_cidr", &cidrs, "IPAM pool CIDR values");
    let previews = [
        "ipam_pool_id = \"p\"\nnetmask_length = 33",
        "ipam_pool_id = \"p\"\ndisallowed_cidrs = [\"10.0.0.1/16\"]",
    ];
    each_case_refused_at_validate("aws_vpc_ipam_preview_next_cidr", &previews, "IPAM preview values");
}

/// The provider's CustomizeDiff: a new IPAM must operate in the provider's Region, refused by
/// `plan` before any call.
#[test]
fn an_ipam_that_does_not_operate_in_its_own_region_is_refused_at_plan() {
    let blueprint = BLUEPRINT.replace("default = [\"us-east-1\"]", "default = [\"eu-west-1\"]");
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    let var = format!("-var=name={}", stack.name);
    let out = stack.run(&["plan", &var]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("`operating_regions` must include us-east-1"),
        "{}",
        text(&out)
    );
}

#[test]
fn terraform_and_infractl_agree_on_ipams_either_way() {
    cross_check(
        "the IPAM cross-check",
        BLUEPRINT,
        &crate::support::unique("ipx"),
        None,
        &["ec2", "sts"],
    );
}
