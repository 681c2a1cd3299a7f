//! The per-resource `region` argument of AWS provider v6 (infractl's extension over 5.100), on
//! the emulator: objects are created, read and deleted in the region they name, through
//! clients for it (counted per signing region by the proxy); state records the region; a
//! change of region replaces the object; an import id may end in `@REGION`.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;

const HOME: &str = "ca-central-1";

fn blueprint(far: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{HOME}"
}}

resource "aws_vpc" "home" {{
  cidr_block = "10.81.0.0/16"
}}

resource "aws_vpc" "far" {{
  region     = "{far}"
  cidr_block = "10.82.0.0/16"
}}

resource "aws_subnet" "far" {{
  count      = 3
  region     = "{far}"
  vpc_id     = aws_vpc.far.id
  cidr_block = cidrsubnet(aws_vpc.far.cidr_block, 8, count.index)
}}

resource "aws_security_group" "far" {{
  region = "{far}"
  name   = "far"
  vpc_id = aws_vpc.far.id
}}

data "aws_availability_zones" "far" {{
  region = "{far}"
}}

output "zones" {{
  value = data.aws_availability_zones.far.names
}}

output "regions" {{
  value = [aws_vpc.home.region, aws_vpc.far.region]
}}
"#
    )
}

fn state_region(stack: &Stack, address: &str) -> String {
    let state: serde_json::Value = stack.flat_state();
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))["attributes"]["region"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The stack's VPCs in one region.
async fn vpcs_in(region: &str, stack: &str) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(region).await);
    ec2.describe_vpcs()
        .filters(Filter::builder().name("tag:infractl:stack").values(stack).build())
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_live_in_the_region_they_name() {
    let stack = Stack::from_files(&[("main.tf", &blueprint("ap-northeast-1"))]);
    let proxy = CountingProxy::start();
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url), 0);

    // Where the objects are, and where the calls went.
    let far = stack.state_id("aws_vpc.far");
    assert_eq!(vpcs_in("ap-northeast-1", &stack.name).await, std::slice::from_ref(&far));
    assert_eq!(vpcs_in(HOME, &stack.name).await, [stack.state_id("aws_vpc.home")]);
    let far_ec2 = aws_sdk_ec2::Client::new(&sdk_config("ap-northeast-1").await);
    let subnets = far_ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&far).build())
        .send()
        .await
        .unwrap();
    assert_eq!(subnets.subnets().len(), 3);
    let calls = proxy.calls_by_region();
    assert_eq!(calls.get("ap-northeast-1/ec2:CreateVpc"), Some(&1), "{calls:?}");
    assert_eq!(calls.get(&format!("{HOME}/ec2:CreateVpc")), Some(&1), "{calls:?}");
    assert_eq!(calls.get("ap-northeast-1/ec2:CreateSubnet"), Some(&3), "{calls:?}");
    assert_eq!(
        calls.get("ap-northeast-1/ec2:DescribeAvailabilityZones"),
        Some(&1),
        "{calls:?}"
    );
    assert_eq!(state_region(&stack, "aws_vpc.far"), "ap-northeast-1");
    assert_eq!(
        state_region(&stack, "aws_vpc.home"),
        HOME,
        "unset means the provider's region"
    );
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(out["regions"]["value"], serde_json::json!([HOME, "ap-northeast-1"]));
    assert!(out["zones"]["value"][0].as_str().unwrap().starts_with("ap-northeast-1"));

    // Refresh reads each object where it lives; the three subnets in one bulk call there.
    proxy.reset();
    expect_code(&stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url), 0);
    let calls = proxy.calls_by_region();
    assert_eq!(calls.get("ap-northeast-1/ec2:DescribeSubnets"), Some(&1), "{calls:?}");
    assert!(
        !calls
            .keys()
            .any(|k| k.starts_with(HOME) && k.ends_with("DescribeSubnets")),
        "{calls:?}"
    );
    // A subnet deleted there is seen as gone.
    far_ec2
        .delete_subnet()
        .subnet_id(stack.state_id("aws_subnet.far[2]"))
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_subnet.far[2] has been deleted outside infractl"),
        "{shown}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    // Import by `ID@REGION`, as v6 takes it.
    let sg = stack.state_id("aws_security_group.far");
    expect_code(&stack.run(&["state", "rm", "aws_security_group.far"]), 0);
    let out = stack.run(&["import", "aws_security_group.far", &format!("{sg}@ap-northeast-1")]);
    expect_code(&out, 0);
    assert_eq!(stack.state_id("aws_security_group.far"), sg);
    assert_eq!(state_region(&stack, "aws_security_group.far"), "ap-northeast-1");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // A bad region name is refused before any call.
    std::fs::write(stack.path.join("main.tf"), blueprint("Tokyo")).unwrap();
    let out = stack.run_with_endpoint(&["plan"], "http://127.0.0.1:9");
    let shown = expect_code(&out, 1);
    assert!(shown.contains("an AWS region name such as us-east-1"), "{shown}");

    // Another region replaces what lives in the old one.
    std::fs::write(stack.path.join("main.tf"), blueprint("eu-west-3")).unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("aws_vpc.far must be replaced"), "{shown}");
    assert!(!shown.contains("aws_vpc.home must be replaced"), "{shown}");
    let out = stack.run(&["apply", "-auto-approve"]);
    expect_code(&out, 0);
    assert!(
        vpcs_in("ap-northeast-1", &stack.name).await.is_empty(),
        "{}",
        text(&out)
    );
    assert_eq!(vpcs_in("eu-west-3", &stack.name).await, [stack.state_id("aws_vpc.far")]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(vpcs_in("eu-west-3", &stack.name).await.is_empty());
    assert!(vpcs_in(HOME, &stack.name).await.is_empty());
}
