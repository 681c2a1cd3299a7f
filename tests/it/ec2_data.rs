//! The EC2 data sources on the emulator: `aws_vpc` (by id, tags and `default`), `aws_vpcs`,
//! `aws_subnet`, `aws_subnets`, `aws_security_group`, `aws_route_table` and
//! `aws_vpc_endpoint_service`, each compared with what describe calls say; `aws_ami` read alike
//! by infractl and Terraform.

use crate::interop::both_tools_plan_clean_after_the_other;
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_ec2::types::Filter;

const REGION: &str = "ap-south-1";

fn blueprint(tag: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

resource "aws_vpc" "this" {{
  cidr_block           = "10.70.0.0/16"
  enable_dns_hostnames = true
  tags = {{
    Lookup = "{tag}"
  }}
}}

resource "aws_subnet" "this" {{
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = "{REGION}${{count.index == 0 ? "a" : "b"}}"
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  tags = {{
    Lookup = "{tag}"
    Tier   = count.index == 0 ? "public" : "private"
  }}
}}

resource "aws_security_group" "web" {{
  name   = "web-{tag}"
  vpc_id = aws_vpc.this.id
}}

resource "aws_route_table" "this" {{
  vpc_id = aws_vpc.this.id
}}

resource "aws_route_table_association" "this" {{
  subnet_id      = aws_subnet.this[0].id
  route_table_id = aws_route_table.this.id
}}

data "aws_vpc" "by_id" {{
  id = aws_vpc.this.id
}}

data "aws_vpc" "by_tag" {{
  tags = {{
    Lookup = "{tag}"
  }}
  depends_on = [aws_vpc.this]
}}

data "aws_vpc" "default" {{
  default = true
}}

data "aws_vpcs" "tagged" {{
  tags = {{
    Lookup = "{tag}"
  }}
  depends_on = [aws_vpc.this]
}}

data "aws_subnet" "public" {{
  vpc_id = aws_vpc.this.id
  filter {{
    name   = "tag:Tier"
    values = ["public"]
  }}
  depends_on = [aws_subnet.this]
}}

data "aws_subnets" "all" {{
  filter {{
    name   = "vpc-id"
    values = [aws_vpc.this.id]
  }}
  depends_on = [aws_subnet.this]
}}

data "aws_security_group" "web" {{
  name   = aws_security_group.web.name
  vpc_id = aws_vpc.this.id
}}

data "aws_route_table" "of_subnet" {{
  subnet_id  = aws_subnet.this[0].id
  depends_on = [aws_route_table_association.this]
}}

data "aws_vpc_endpoint_service" "s3" {{
  service      = "s3"
  service_type = "Gateway"
}}

# terraform-aws-vpc's vpc-endpoints module asks this way: a short name and a filter block.
data "aws_vpc_endpoint_service" "ecr_api" {{
  service = "ecr.api"
  filter {{
    name   = "service-type"
    values = ["Interface"]
  }}
}}

# And by a filter block alone, naming the service in it.
data "aws_vpc_endpoint_service" "by_filter" {{
  filter {{
    name   = "service-name"
    values = ["com.amazonaws.{REGION}.ecr.dkr"]
  }}
}}

output "by_id" {{
  value = [data.aws_vpc.by_id.cidr_block, data.aws_vpc.by_id.enable_dns_hostnames, data.aws_vpc.by_id.main_route_table_id]
}}
output "by_tag" {{ value = data.aws_vpc.by_tag.id }}
output "default" {{ value = data.aws_vpc.default.id }}
output "vpcs" {{ value = data.aws_vpcs.tagged.ids }}
output "public" {{ value = [data.aws_subnet.public.id, data.aws_subnet.public.cidr_block, data.aws_subnet.public.availability_zone] }}
output "subnets" {{ value = sort(data.aws_subnets.all.ids) }}
output "web" {{ value = [data.aws_security_group.web.id, data.aws_security_group.web.arn] }}
output "route_table" {{ value = [data.aws_route_table.of_subnet.id, length(data.aws_route_table.of_subnet.associations)] }}
output "s3" {{ value = [data.aws_vpc_endpoint_service.s3.service_name, data.aws_vpc_endpoint_service.s3.service_type] }}
output "ecr_api" {{ value = [data.aws_vpc_endpoint_service.ecr_api.service_name, data.aws_vpc_endpoint_service.ecr_api.service_id, data.aws_vpc_endpoint_service.ecr_api.service_type] }}
output "by_filter" {{ value = [data.aws_vpc_endpoint_service.by_filter.service_name, data.aws_vpc_endpoint_service.by_filter.service_id] }}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn ec2_data_sources_find_what_describe_calls_find() {
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_string();
    let stack = Stack::from_files(&[("main.tf", &blueprint(&tag))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let v = |name: &str| out[name]["value"].clone();

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let vpc_id = stack.state_id("aws_vpc.this");
    let main_rt = ec2
        .describe_route_tables()
        .filters(Filter::builder().name("vpc-id").values(&vpc_id).build())
        .filters(Filter::builder().name("association.main").values("true").build())
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .route_table_id()
        .unwrap()
        .to_string();
    assert_eq!(v("by_id"), serde_json::json!(["10.70.0.0/16", true, main_rt]));
    assert_eq!(v("by_tag"), serde_json::json!(vpc_id));
    assert_eq!(v("vpcs"), serde_json::json!([vpc_id]));
    let default = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("isDefault").values("true").build())
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_string();
    assert_eq!(v("default"), serde_json::json!(default));

    let public = ec2
        .describe_subnets()
        .subnet_ids(stack.state_id("aws_subnet.this[0]"))
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(
        v("public"),
        serde_json::json!([public.subnet_id(), public.cidr_block(), public.availability_zone()])
    );
    let mut subnets = vec![
        stack.state_id("aws_subnet.this[0]"),
        stack.state_id("aws_subnet.this[1]"),
    ];
    subnets.sort();
    assert_eq!(v("subnets"), serde_json::json!(subnets));
    let sg_id = stack.state_id("aws_security_group.web");
    let sg = &v("web");
    assert_eq!(sg[0], serde_json::json!(sg_id));
    assert!(sg[1].as_str().unwrap().ends_with(&format!("security-group/{sg_id}")));
    assert_eq!(
        v("route_table"),
        serde_json::json!([stack.state_id("aws_route_table.this"), 1])
    );
    assert_eq!(
        v("s3"),
        serde_json::json!([format!("com.amazonaws.{REGION}.s3"), "Gateway"])
    );
    for (output, name) in [("ecr_api", "ecr.api"), ("by_filter", "ecr.dkr")] {
        let name = format!("com.amazonaws.{REGION}.{name}");
        let found = ec2
            .describe_vpc_endpoint_services()
            .service_names(&name)
            .send()
            .await
            .unwrap()
            .service_details()[0]
            .clone();
        assert_eq!(v(output)[0], serde_json::json!(name));
        assert_eq!(v(output)[1], serde_json::json!(found.service_id().unwrap()));
    }
    assert_eq!(v("ecr_api")[2], serde_json::json!("Interface"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // A service that does not exist is AWS's error, with its code.
    plan_fails_with(
        &stack,
        "data \"aws_vpc_endpoint_service\" \"missing\" {\n  service = \"no-such-service\"\n}\n",
        "InvalidServiceName",
    );
    // A lookup that matches nothing fails with the provider's words, before any change.
    plan_fails_with(
        &stack,
        "data \"aws_vpc\" \"missing\" {\n  tags = { Lookup = \"no-such-vpc\" }\n}\n",
        "no matching EC2 VPC found",
    );
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

/// Plans the stack with one more file holding `lookup`, which must fail saying `error`; the
/// file is removed again.
fn plan_fails_with(stack: &Stack, lookup: &str, error: &str) {
    std::fs::write(stack.path.join("missing.tf"), lookup).unwrap();
    let shown = expect_code(&stack.run(&["plan"]), 1);
    assert!(shown.contains(error), "{shown}");
    std::fs::remove_file(stack.path.join("missing.tf")).unwrap();
}

/// Machine images found the ways Terraform users find them: the newest of a name pattern owned
/// by Amazon, one by id, and one by a name regular expression.
const IMAGES: &str = r#"
provider "aws" { region = "ap-south-1" }

data "aws_ami" "newest" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }
}

data "aws_ami" "by_id" {
  owners = ["amazon"]
  filter {
    name   = "image-id"
    values = [data.aws_ami.newest.id]
  }
}

data "aws_ami" "by_regex" {
  owners      = ["amazon", "self"]
  most_recent = true
  name_regex  = "^amzn2-ami-hvm-2\\.0\\.2018.*-x86_64-gp2$"
  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*"]
  }
}

# Every attribute but v6's `region` (infractl's documented extension), as JSON text: state
# records an output's type, which infractl infers from the value alone (a tuple where the
# provider's schema says set), so whole objects would differ in type where values agree.
output "newest" { value = jsonencode({ for k, v in data.aws_ami.newest : k => v if k != "region" }) }
output "by_id" { value = jsonencode({ for k, v in data.aws_ami.by_id : k => v if k != "region" }) }
output "by_regex" { value = jsonencode({ for k, v in data.aws_ami.by_regex : k => v if k != "region" }) }
"#;

#[tokio::test(flavor = "multi_thread")]
async fn machine_images_are_found_by_owner_filter_and_name_pattern() {
    let stack = Stack::from_files(&[("main.tf", IMAGES)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let v = |name: &str| serde_json::from_str::<serde_json::Value>(out[name]["value"].as_str().unwrap()).unwrap();

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("ap-south-1").await);
    let found = ec2
        .describe_images()
        .owners("amazon")
        .filters(
            Filter::builder()
                .name("name")
                .values("amzn2-ami-hvm-*-x86_64-gp2")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = found.images().iter().filter_map(|i| i.image_id()).collect();
    assert!(ids.len() > 1, "the pattern matches several images: {ids:?}");
    let newest = v("newest");
    let id = newest["id"].as_str().unwrap();
    assert!(ids.contains(&id), "{id} among {ids:?}");
    let image = found.images().iter().find(|i| i.image_id() == Some(id)).unwrap();
    assert_eq!(newest["name"], serde_json::json!(image.name().unwrap()));
    assert_eq!(newest["owner_id"], serde_json::json!(image.owner_id().unwrap()));
    assert_eq!(
        newest["arn"],
        serde_json::json!(format!("arn:aws:ec2:ap-south-1::image/{id}"))
    );
    let root = &image.block_device_mappings()[0];
    assert_eq!(
        newest["root_snapshot_id"],
        serde_json::json!(root.ebs().unwrap().snapshot_id().unwrap())
    );
    assert_eq!(
        newest["state_reason"],
        serde_json::json!({"code": "UNSET", "message": "UNSET"})
    );
    assert_eq!(v("by_id")["id"], serde_json::json!(id));
    let by_regex = v("by_regex");
    let name = by_regex["name"].as_str().unwrap();
    assert!(
        name.starts_with("amzn2-ami-hvm-2.0.2018") && name.ends_with("-x86_64-gp2"),
        "{name}"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Several matches without most_recent, none at all, and a pattern that is no regular
    // expression: the provider's words, before any change.
    plan_fails_with(
        &stack,
        "data \"aws_ami\" \"several\" {\n  owners = [\"amazon\"]\n  filter {\n    name   = \"name\"\n    values = [\"amzn2-ami-hvm-*\"]\n  }\n}\n",
        "Your query returned more than one result",
    );
    plan_fails_with(
        &stack,
        "data \"aws_ami\" \"none\" {\n  owners     = [\"amazon\"]\n  name_regex = \"^no-such-image$\"\n}\n",
        "Your query returned no results",
    );
    std::fs::write(
        stack.path.join("bad.tf"),
        "data \"aws_ami\" \"bad\" {\n  owners     = [\"amazon\"]\n  name_regex = \"amzn2-(\"\n}\n",
    )
    .unwrap();
    let shown = expect_code(&stack.run(&["validate"]), 1);
    assert!(shown.contains("name_regex") && shown.contains("bad.tf"), "{shown}");
    std::fs::remove_file(stack.path.join("bad.tf")).unwrap();
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

/// Terraform and infractl read the same images into the same values: every attribute of each
/// lookup is an output, so either tool plans a change after the other unless all agree.
#[test]
fn terraform_and_infractl_read_machine_images_alike() {
    let Some(tf) = Terraform::find("the machine image cross-check") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", IMAGES)]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "sts"]);
}
