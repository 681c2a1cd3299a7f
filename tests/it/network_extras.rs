//! NAT gateways with Elastic IPs, private routes through them, security group rules of both
//! styles, and a gateway VPC endpoint, against the emulator.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_ec2::types::Filter;

fn blueprint(app_port: u32, with_endpoint_on_private: bool) -> String {
    let endpoint_tables = if with_endpoint_on_private {
        "concat([aws_route_table.public.id], aws_route_table.private[*].id)"
    } else {
        "[aws_route_table.public.id]"
    };
    format!(
        r#"
provider "aws" {{
  region = "eu-west-1"
}}

data "aws_availability_zones" "az" {{
  state = "available"
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.80.0.0/16"
}}

resource "aws_internet_gateway" "this" {{
  vpc_id = aws_vpc.this.id
}}

resource "aws_subnet" "public" {{
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = data.aws_availability_zones.az.names[count.index]
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}

resource "aws_subnet" "private" {{
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = data.aws_availability_zones.az.names[count.index]
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, 10 + count.index)
}}

resource "aws_eip" "nat" {{
  count  = 2
  domain = "vpc"
}}

resource "aws_nat_gateway" "this" {{
  count         = 2
  subnet_id     = aws_subnet.public[count.index].id
  allocation_id = aws_eip.nat[count.index].id
  depends_on    = [aws_internet_gateway.this]
}}

resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.this.id
}}

resource "aws_route" "internet" {{
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}}

resource "aws_route_table" "private" {{
  count  = 2
  vpc_id = aws_vpc.this.id
}}

resource "aws_route" "nat" {{
  count                  = 2
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[count.index].id
}}

resource "aws_route_table_association" "private" {{
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}}

resource "aws_security_group" "alb" {{
  name   = "alb"
  vpc_id = aws_vpc.this.id
}}

resource "aws_security_group" "app" {{
  name   = "app"
  vpc_id = aws_vpc.this.id
}}

resource "aws_vpc_security_group_ingress_rule" "https" {{
  security_group_id = aws_security_group.alb.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "HTTPS"
}}

resource "aws_vpc_security_group_egress_rule" "all" {{
  security_group_id = aws_security_group.alb.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}}

resource "aws_security_group_rule" "app_from_alb" {{
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = {app_port}
  to_port                  = {app_port}
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.alb.id
  description              = "app port from the load balancer"
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = {endpoint_tables}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn nat_routes_rules_and_endpoints() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(8080, false))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let conf = sdk_config("eu-west-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let by_stack = || Filter::builder().name("tag:infractl:stack").values(&stack.name).build();

    // moto ignores DescribeNatGateways filters, so ownership is checked on the tags here.
    let ours = |tags: &[aws_sdk_ec2::types::Tag]| {
        tags.iter()
            .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(stack.name.as_str()))
    };
    let nats = ec2.describe_nat_gateways().filter(by_stack()).send().await.unwrap();
    let nats: Vec<_> = nats
        .nat_gateways()
        .iter()
        .filter(|n| ours(n.tags()) && n.state().map(|s| s.as_str()) == Some("available"))
        .collect();
    assert_eq!(nats.len(), 2, "one NAT gateway per AZ");
    let eips = ec2.describe_addresses().filters(by_stack()).send().await.unwrap();
    assert_eq!(eips.addresses().len(), 2);
    for n in &nats {
        let alloc = n.nat_gateway_addresses()[0].allocation_id().unwrap();
        assert!(
            eips.addresses().iter().any(|a| a.allocation_id() == Some(alloc)),
            "{alloc} not in {:?}",
            eips.addresses()
        );
    }
    let tables = ec2.describe_route_tables().filters(by_stack()).send().await.unwrap();
    let via_nat = tables
        .route_tables()
        .iter()
        .filter(|t| {
            t.routes()
                .iter()
                .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0") && r.nat_gateway_id().is_some())
        })
        .count();
    assert_eq!(via_nat, 2, "each private table routes through its NAT gateway");

    let groups = ec2.describe_security_groups().filters(by_stack()).send().await.unwrap();
    let alb = groups
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some("alb"))
        .unwrap();
    let app = groups
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some("app"))
        .unwrap();
    assert_eq!(alb.ip_permissions()[0].from_port(), Some(443));
    assert_eq!(alb.ip_permissions()[0].ip_ranges()[0].description(), Some("HTTPS"));
    assert_eq!(alb.ip_permissions_egress().len(), 1);
    let app_rule = &app.ip_permissions()[0];
    assert_eq!(app_rule.from_port(), Some(8080));
    assert_eq!(app_rule.user_id_group_pairs()[0].group_id(), alb.group_id());

    let endpoints = ec2.describe_vpc_endpoints().filters(by_stack()).send().await.unwrap();
    assert_eq!(endpoints.vpc_endpoints().len(), 1);
    assert_eq!(endpoints.vpc_endpoints()[0].route_table_ids().len(), 1);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // The endpoint gains the private tables in place; the legacy rule is replaced.
    std::fs::write(stack.path.join("main.tf"), blueprint(9090, true)).unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("aws_vpc_endpoint.s3 will be updated in-place"), "{t}");
    assert!(
        t.contains("aws_security_group_rule.app_from_alb must be replaced"),
        "{t}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let endpoints = ec2.describe_vpc_endpoints().filters(by_stack()).send().await.unwrap();
    assert_eq!(endpoints.vpc_endpoints()[0].route_table_ids().len(), 3);
    let app = ec2
        .describe_security_groups()
        .group_ids(app.group_id().unwrap())
        .send()
        .await
        .unwrap();
    let ports: Vec<Option<i32>> = app.security_groups()[0]
        .ip_permissions()
        .iter()
        .map(|p| p.from_port())
        .collect();
    assert_eq!(ports, [Some(9090)]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    stack.reimport_all(&[]);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let nats = ec2.describe_nat_gateways().filter(by_stack()).send().await.unwrap();
    assert!(nats
        .nat_gateways()
        .iter()
        .filter(|n| ours(n.tags()))
        .all(|n| n.state().map(|s| s.as_str()) == Some("deleted")));
    assert!(ec2
        .describe_addresses()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .addresses()
        .is_empty());
    assert!(ec2
        .describe_vpcs()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .vpcs()
        .is_empty());
    assert!(ec2
        .describe_vpc_endpoints()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .vpc_endpoints()
        .iter()
        .all(|e| { matches!(e.state().map(|s| s.as_str()), Some("deleted") | Some("Deleted")) }));
}
