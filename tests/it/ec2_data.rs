//! The EC2 data sources on the emulator: `aws_vpc` (by id, tags and `default`), `aws_vpcs`,
//! `aws_subnet`, `aws_subnets`, `aws_security_group`, `aws_route_table` and
//! `aws_vpc_endpoint_service`, each compared with what describe calls say.

use crate::support::{expect_code, sdk_config, Stack};
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
