//! The `aws_default_*` types on the emulator: they take over AWS's default VPC, subnet,
//! security group, main route table and network ACL instead of creating them, reset them to
//! what the blueprint says (rules and routes the blueprint does not name are removed), make a
//! default subnet only where the zone has none, and leave everything in AWS on destroy.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_ec2::types::Filter;

/// A region no other test uses: these tests change the region's default VPC.
const REGION: &str = "sa-east-1";

fn blueprint(name: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

resource "aws_default_vpc" "this" {{
  enable_dns_hostnames = true
  tags = {{
    Name = "{name}"
  }}
}}

resource "aws_default_subnet" "a" {{
  availability_zone       = "{REGION}a"
  map_public_ip_on_launch = false
  tags = {{
    Name = "{name}-a"
  }}
}}

# A zone whose default subnet was deleted: it is made again.
resource "aws_default_subnet" "c" {{
  availability_zone = "{REGION}c"
}}

resource "aws_vpc" "app" {{
  cidr_block = "10.60.0.0/16"
}}

resource "aws_internet_gateway" "app" {{
  vpc_id = aws_vpc.app.id
}}

resource "aws_default_security_group" "app" {{
  vpc_id = aws_vpc.app.id

  ingress {{
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.0.0.0/8"]
  }}

  egress {{
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_default_route_table" "app" {{
  default_route_table_id = aws_vpc.app.default_route_table_id

  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.app.id
  }}
}}

resource "aws_default_network_acl" "app" {{
  default_network_acl_id = aws_vpc.app.default_network_acl_id

  ingress {{
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = 22
    to_port    = 22
  }}

  egress {{
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn default_objects_are_adopted_reset_and_left_behind() {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let default_vpc = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("isDefault").values("true").build())
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .clone();
    let default_vpc_id = default_vpc.vpc_id().unwrap().to_string();
    let zone_subnet = |zone: &'static str| {
        let ec2 = ec2.clone();
        async move {
            ec2.describe_subnets()
                .filters(Filter::builder().name("availabilityZone").values(zone).build())
                .filters(Filter::builder().name("defaultForAz").values("true").build())
                .send()
                .await
                .unwrap()
                .subnets()
                .first()
                .cloned()
        }
    };
    // Zone c loses its default subnet; aws_default_subnet makes one again.
    if let Some(s) = zone_subnet("sa-east-1c").await {
        ec2.delete_subnet()
            .subnet_id(s.subnet_id().unwrap())
            .send()
            .await
            .unwrap();
    }

    let name = format!("default-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let stack = Stack::from_files(&[("main.tf", &blueprint(&name))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    // The region's default VPC and zone a's default subnet were taken over, not made.
    assert_eq!(stack.state_id("aws_default_vpc.this"), default_vpc_id);
    assert_eq!(stack.state_attr("aws_default_vpc.this", "existing_default_vpc"), true);
    let vpc = ec2
        .describe_vpcs()
        .vpc_ids(&default_vpc_id)
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .clone();
    assert!(vpc
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some(name.as_str())));
    let hostnames = ec2
        .describe_vpc_attribute()
        .vpc_id(&default_vpc_id)
        .attribute(aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames)
        .send()
        .await
        .unwrap();
    assert_eq!(hostnames.enable_dns_hostnames().and_then(|a| a.value()), Some(true));
    let a = zone_subnet("sa-east-1a").await.unwrap();
    assert_eq!(stack.state_id("aws_default_subnet.a"), a.subnet_id().unwrap());
    assert_eq!(a.map_public_ip_on_launch(), Some(false));
    assert_eq!(
        stack.state_attr("aws_default_subnet.a", "existing_default_subnet"),
        true
    );
    let c = zone_subnet("sa-east-1c")
        .await
        .expect("a default subnet was made for zone c");
    assert_eq!(stack.state_id("aws_default_subnet.c"), c.subnet_id().unwrap());
    assert_eq!(
        stack.state_attr("aws_default_subnet.c", "existing_default_subnet"),
        false
    );
    assert_eq!(
        c.map_public_ip_on_launch(),
        Some(true),
        "a default subnet maps public IPs"
    );

    // The app VPC's default objects hold exactly what the blueprint says.
    let app = stack.state_id("aws_vpc.app");
    let sg = ec2
        .describe_security_groups()
        .group_ids(stack.state_id("aws_default_security_group.app"))
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert_eq!((sg.group_name(), sg.vpc_id()), (Some("default"), Some(app.as_str())));
    assert_eq!(sg.ip_permissions().len(), 1, "AWS's allow-from-itself rule is gone");
    assert_eq!(sg.ip_permissions()[0].from_port(), Some(443));
    assert_eq!(sg.ip_permissions_egress().len(), 1);
    let rt = ec2
        .describe_route_tables()
        .route_table_ids(stack.state_id("aws_default_route_table.app"))
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .clone();
    assert!(rt.associations().iter().any(|a| a.main() == Some(true)));
    assert!(rt
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0")
            && r.gateway_id() == Some(stack.state_id("aws_internet_gateway.app").as_str())));
    let acl = ec2
        .describe_network_acls()
        .network_acl_ids(stack.state_id("aws_default_network_acl.app"))
        .send()
        .await
        .unwrap()
        .network_acls()[0]
        .clone();
    assert_eq!(acl.is_default(), Some(true));
    let ingress: Vec<_> = acl
        .entries()
        .iter()
        .filter(|e| e.egress() == Some(false) && e.rule_number() != Some(32767))
        .collect();
    assert_eq!(ingress.len(), 1, "{ingress:?}");
    assert_eq!(ingress[0].protocol(), Some("6"));
    assert_eq!(ingress[0].port_range().and_then(|p| p.from()), Some(22));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // A rule added behind infractl's back is taken away again.
    ec2.authorize_security_group_ingress()
        .group_id(sg.group_id().unwrap())
        .ip_permissions(
            aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_default_security_group.app will be updated in-place"),
        "{shown}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let sg = ec2
        .describe_security_groups()
        .group_ids(sg.group_id().unwrap())
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert_eq!(sg.ip_permissions().len(), 1);

    // Import by Terraform's ids (the main route table by its VPC's id) finds the same objects.
    stack.reimport_all(&[]);

    // Destroy leaves every default object in AWS; only the app VPC goes.
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert_eq!(
        ec2.describe_vpcs()
            .vpc_ids(&default_vpc_id)
            .send()
            .await
            .unwrap()
            .vpcs()
            .len(),
        1,
        "the default VPC stays"
    );
    assert!(zone_subnet("sa-east-1a").await.is_some());
    assert!(zone_subnet("sa-east-1c").await.is_some());
    let apps = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("vpc-id").values(&app).build())
        .send()
        .await
        .unwrap();
    assert!(apps.vpcs().is_empty(), "the app VPC was destroyed");
}
