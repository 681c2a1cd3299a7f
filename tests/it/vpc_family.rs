//! The VPC family of issue 14 on the emulator: secondary IPv4 and IPv6 blocks, IPv6 subnets
//! with DNS64 and resource-name DNS, an egress-only gateway, DHCP options, network ACLs (inline
//! entries, rules and associations of their own), a customer gateway, VPN gateways (attached
//! inline and by an attachment, propagating into a route table) and flow logs to CloudWatch
//! Logs and S3. Each is checked with describe calls, then drift, in-place changes, import by
//! Terraform's import ids, bulk refresh, adoption of a stack whose state was lost, and destroy.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;

const REGION: &str = "eu-north-1";

/// The stack; `names` makes the names of the IAM role, log group and bucket unique to a test
/// run (they are identified by name, and adopted by it).
fn blueprint(names: &str, https_port: u32, dns64: bool, with_ipv6_block: bool) -> String {
    let ipv6_block = if with_ipv6_block {
        r#"
resource "aws_vpc_ipv6_cidr_block_association" "extra" {
  vpc_id                           = aws_vpc.main.id
  assign_generated_ipv6_cidr_block = true
}
"#
    } else {
        ""
    };
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

resource "aws_vpc" "main" {{
  cidr_block                           = "10.40.0.0/16"
  assign_generated_ipv6_cidr_block     = true
  enable_dns_hostnames                 = true
  enable_network_address_usage_metrics = true
  tags = {{
    Name = "family"
  }}
}}

resource "aws_vpc_ipv4_cidr_block_association" "extra" {{
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.41.0.0/16"
}}
{ipv6_block}
resource "aws_subnet" "public" {{
  vpc_id                                      = aws_vpc.main.id
  availability_zone                           = "{REGION}a"
  cidr_block                                  = "10.40.1.0/24"
  ipv6_cidr_block                             = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
  assign_ipv6_address_on_creation             = true
  enable_dns64                                = {dns64}
  map_public_ip_on_launch                     = true
  private_dns_hostname_type_on_launch         = "resource-name"
  enable_resource_name_dns_a_record_on_launch = true
}}

resource "aws_subnet" "private" {{
  vpc_id            = aws_vpc_ipv4_cidr_block_association.extra.vpc_id
  availability_zone = "{REGION}b"
  cidr_block        = "10.41.1.0/24"
}}

resource "aws_egress_only_internet_gateway" "this" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_vpc_dhcp_options" "this" {{
  domain_name         = "service.consul"
  domain_name_servers = ["127.0.0.1", "10.10.0.2"]
  ntp_servers         = ["10.10.0.3"]
  netbios_node_type   = ""
}}

resource "aws_vpc_dhcp_options_association" "this" {{
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.this.id
}}

resource "aws_network_acl" "public" {{
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.public.id]

  ingress {{
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = {https_port}
    to_port    = {https_port}
  }}

  egress {{
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }}
}}

resource "aws_network_acl" "private" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_network_acl_rule" "dns" {{
  count          = 6
  network_acl_id = aws_network_acl.private.id
  rule_number    = 110 + count.index
  egress         = count.index % 2 == 1
  protocol       = "udp"
  rule_action    = "deny"
  cidr_block     = "10.${{count.index}}.0.0/16"
  from_port      = 53
  to_port        = 53
}}

resource "aws_network_acl_association" "private" {{
  network_acl_id = aws_network_acl.private.id
  subnet_id      = aws_subnet.private.id
}}

resource "aws_customer_gateway" "office" {{
  bgp_asn     = 65112
  ip_address  = "203.0.113.10"
  type        = "ipsec.1"
  device_name = "office-router"
}}

resource "aws_vpn_gateway" "main" {{
  vpc_id          = aws_vpc.main.id
  amazon_side_asn = "64512"
}}

resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.main.id
}}

resource "aws_vpn_gateway_route_propagation" "private" {{
  vpn_gateway_id = aws_vpn_gateway.main.id
  route_table_id = aws_route_table.private.id
}}

resource "aws_vpc" "spare" {{
  cidr_block = "10.42.0.0/16"
}}

resource "aws_vpn_gateway" "spare" {{}}

resource "aws_vpn_gateway_attachment" "spare" {{
  vpc_id         = aws_vpc.spare.id
  vpn_gateway_id = aws_vpn_gateway.spare.id
}}

resource "aws_cloudwatch_log_group" "flow" {{
  name              = "flow-{names}"
  retention_in_days = 7
}}

resource "aws_iam_role" "flow" {{
  name = "flow-{names}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ Service = "vpc-flow-logs.amazonaws.com" }}
    }}]
  }})
}}

resource "aws_flow_log" "cloudwatch" {{
  vpc_id                   = aws_vpc.main.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.flow.arn
  iam_role_arn             = aws_iam_role.flow.arn
  max_aggregation_interval = 60
}}

resource "aws_s3_bucket" "flow" {{
  bucket        = "flow-{names}"
  force_destroy = true
}}

resource "aws_flow_log" "s3" {{
  subnet_id            = aws_subnet.public.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow.arn

  destination_options {{
    file_format        = "parquet"
    per_hour_partition = true
  }}
}}
"#
    )
}

/// What carries the stack's tag in the emulator, by kind (checked on the tags themselves: the
/// emulator ignores tag filters for some of these calls).
async fn tagged(ec2: &aws_sdk_ec2::Client, stack: &str) -> std::collections::BTreeMap<&'static str, usize> {
    let by_stack = || Filter::builder().name("tag:infractl:stack").values(stack).build();
    let mine = |tags: &[aws_sdk_ec2::types::Tag]| {
        tags.iter()
            .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(stack))
    };
    let mut out = std::collections::BTreeMap::new();
    let vpcs = ec2.describe_vpcs().filters(by_stack()).send().await.unwrap();
    out.insert("vpcs", vpcs.vpcs().iter().filter(|v| mine(v.tags())).count());
    let acls = ec2.describe_network_acls().filters(by_stack()).send().await.unwrap();
    out.insert(
        "network acls",
        acls.network_acls().iter().filter(|a| mine(a.tags())).count(),
    );
    let eigw = ec2.describe_egress_only_internet_gateways().send().await.unwrap();
    out.insert(
        "egress-only gateways",
        eigw.egress_only_internet_gateways()
            .iter()
            .filter(|g| mine(g.tags()))
            .count(),
    );
    let dhcp = ec2.describe_dhcp_options().filters(by_stack()).send().await.unwrap();
    out.insert(
        "dhcp options",
        dhcp.dhcp_options().iter().filter(|d| mine(d.tags())).count(),
    );
    let cgw = ec2.describe_customer_gateways().send().await.unwrap();
    out.insert(
        "customer gateways",
        cgw.customer_gateways()
            .iter()
            .filter(|g| mine(g.tags()) && g.state() != Some("deleted"))
            .count(),
    );
    let vgw = ec2.describe_vpn_gateways().send().await.unwrap();
    out.insert(
        "vpn gateways",
        vgw.vpn_gateways()
            .iter()
            .filter(|g| mine(g.tags()) && g.state().map(|s| s.as_str()) != Some("deleted"))
            .count(),
    );
    let flows = ec2.describe_flow_logs().send().await.unwrap();
    out.insert("flow logs", flows.flow_logs().iter().filter(|f| mine(f.tags())).count());
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn vpc_family_is_created_kept_in_step_imported_and_adopted() {
    let names = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    let stack = Stack::from_files(&[("main.tf", &blueprint(&names, 443, true, true))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);

    // The VPC: its attributes, both IPv6 blocks, the secondary IPv4 block, the DHCP options.
    let vpc_id = stack.state_id("aws_vpc.main");
    let vpc = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await.unwrap().vpcs()[0].clone();
    let associated = |s: Option<&str>| s == Some("associated");
    let v6: Vec<_> = vpc
        .ipv6_cidr_block_association_set()
        .iter()
        .filter(|a| associated(a.ipv6_cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str())))
        .collect();
    assert_eq!(v6.len(), 2, "the VPC's own IPv6 block and the association's: {v6:?}");
    assert!(v6.iter().all(|a| a.ipv6_pool() == Some("Amazon")));
    assert!(vpc
        .cidr_block_association_set()
        .iter()
        .any(|a| a.cidr_block() == Some("10.41.0.0/16")
            && associated(a.cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str()))));
    assert_eq!(
        vpc.dhcp_options_id(),
        Some(stack.state_id("aws_vpc_dhcp_options.this").as_str())
    );
    let metrics = ec2
        .describe_vpc_attribute()
        .vpc_id(&vpc_id)
        .attribute(aws_sdk_ec2::types::VpcAttributeName::EnableNetworkAddressUsageMetrics)
        .send()
        .await
        .unwrap();
    assert_eq!(
        metrics.enable_network_address_usage_metrics().and_then(|a| a.value()),
        Some(true)
    );

    // The IPv6 subnet's launch settings.
    let public = ec2
        .describe_subnets()
        .subnet_ids(stack.state_id("aws_subnet.public"))
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(public.map_public_ip_on_launch(), Some(true));
    assert_eq!(public.assign_ipv6_address_on_creation(), Some(true));
    assert_eq!(public.enable_dns64(), Some(true));
    assert_eq!(public.ipv6_cidr_block_association_set().len(), 1);
    let dns = public.private_dns_name_options_on_launch().unwrap();
    assert_eq!(dns.hostname_type().map(|h| h.as_str()), Some("resource-name"));
    assert_eq!(dns.enable_resource_name_dns_a_record(), Some(true));

    // Gateways.
    let eigw = ec2
        .describe_egress_only_internet_gateways()
        .egress_only_internet_gateway_ids(stack.state_id("aws_egress_only_internet_gateway.this"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        eigw.egress_only_internet_gateways()[0].attachments()[0].vpc_id(),
        Some(vpc_id.as_str())
    );
    let cgw = ec2
        .describe_customer_gateways()
        .customer_gateway_ids(stack.state_id("aws_customer_gateway.office"))
        .send()
        .await
        .unwrap()
        .customer_gateways()[0]
        .clone();
    assert_eq!(
        (cgw.bgp_asn(), cgw.ip_address(), cgw.device_name()),
        (Some("65112"), Some("203.0.113.10"), Some("office-router"))
    );
    let vgw = ec2
        .describe_vpn_gateways()
        .vpn_gateway_ids(stack.state_id("aws_vpn_gateway.main"))
        .send()
        .await
        .unwrap()
        .vpn_gateways()[0]
        .clone();
    assert_eq!(vgw.amazon_side_asn(), Some(64512));
    assert!(vgw
        .vpc_attachments()
        .iter()
        .any(|a| a.vpc_id() == Some(vpc_id.as_str()) && a.state().map(|s| s.as_str()) == Some("attached")));
    let spare = ec2
        .describe_vpn_gateways()
        .vpn_gateway_ids(stack.state_id("aws_vpn_gateway.spare"))
        .send()
        .await
        .unwrap()
        .vpn_gateways()[0]
        .clone();
    assert_eq!(
        spare.vpc_attachments()[0].vpc_id(),
        Some(stack.state_id("aws_vpc.spare").as_str())
    );
    let rt_id = stack.state_id("aws_route_table.private");
    let rt = ec2
        .describe_route_tables()
        .route_table_ids(&rt_id)
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .clone();
    assert_eq!(rt.propagating_vgws()[0].gateway_id(), vgw.vpn_gateway_id());

    // DHCP options.
    let dhcp = ec2
        .describe_dhcp_options()
        .dhcp_options_ids(stack.state_id("aws_vpc_dhcp_options.this"))
        .send()
        .await
        .unwrap()
        .dhcp_options()[0]
        .clone();
    let values = |key: &str| -> Vec<String> {
        dhcp.dhcp_configurations()
            .iter()
            .filter(|c| c.key() == Some(key))
            .flat_map(|c| c.values().iter().filter_map(|v| v.value()).map(str::to_string))
            .collect()
    };
    assert_eq!(values("domain-name"), ["service.consul"]);
    assert_eq!(values("domain-name-servers"), ["127.0.0.1", "10.10.0.2"]);
    assert_eq!(values("ntp-servers"), ["10.10.0.3"]);

    // Network ACLs: inline entries (protocol by number) and subnets; rules and an association
    // of their own.
    let acl = |id: String| {
        let ec2 = ec2.clone();
        async move {
            ec2.describe_network_acls()
                .network_acl_ids(id)
                .send()
                .await
                .unwrap()
                .network_acls()[0]
                .clone()
        }
    };
    let public_acl = acl(stack.state_id("aws_network_acl.public")).await;
    let entry = |a: &aws_sdk_ec2::types::NetworkAcl, egress: bool, rule: i32| {
        a.entries()
            .iter()
            .find(|e| e.egress() == Some(egress) && e.rule_number() == Some(rule))
            .cloned()
    };
    let https = entry(&public_acl, false, 100).expect("inline ingress entry");
    assert_eq!(https.protocol(), Some("6"));
    assert_eq!(https.port_range().and_then(|p| p.from()), Some(443));
    assert_eq!(
        entry(&public_acl, true, 100).and_then(|e| e.protocol().map(str::to_string)),
        Some("-1".into())
    );
    assert_eq!(public_acl.associations()[0].subnet_id(), public.subnet_id());
    let private_acl = acl(stack.state_id("aws_network_acl.private")).await;
    for i in 0..6 {
        let e = entry(&private_acl, i % 2 == 1, 110 + i).unwrap_or_else(|| panic!("rule {i}"));
        assert_eq!(
            (e.protocol(), e.rule_action().map(|a| a.as_str())),
            (Some("17"), Some("deny"))
        );
    }
    assert_eq!(
        private_acl.associations()[0].subnet_id(),
        Some(stack.state_id("aws_subnet.private").as_str())
    );

    // Flow logs to CloudWatch Logs and to S3.
    let flows = ec2
        .describe_flow_logs()
        .flow_log_ids(stack.state_id("aws_flow_log.cloudwatch"))
        .flow_log_ids(stack.state_id("aws_flow_log.s3"))
        .send()
        .await
        .unwrap();
    let cw = flows
        .flow_logs()
        .iter()
        .find(|f| f.resource_id() == Some(vpc_id.as_str()))
        .unwrap();
    assert_eq!(cw.log_destination_type().map(|t| t.as_str()), Some("cloud-watch-logs"));
    assert_eq!(cw.max_aggregation_interval(), Some(60));
    let s3 = flows
        .flow_logs()
        .iter()
        .find(|f| f.resource_id() == public.subnet_id())
        .unwrap();
    assert_eq!(s3.log_destination_type().map(|t| t.as_str()), Some("s3"));
    assert_eq!(s3.traffic_type().map(|t| t.as_str()), Some("REJECT"));
    assert_eq!(
        s3.destination_options()
            .and_then(|o| o.file_format())
            .map(|f| f.as_str()),
        Some("parquet")
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Bulk refresh: the ACLs, their rules and associations each take one Describe call.
    let proxy = CountingProxy::start();
    expect_code(&stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url), 0);
    let calls = proxy.calls();
    // 2 ACLs, 6 rules, 1 association: one call each kind; the 2 VPCs' reads ask one each for
    // their default ACL.
    assert_eq!(calls.get("ec2:DescribeNetworkAcls"), Some(&5), "{calls:?}");
    drop(proxy);

    // Drift made outside infractl is seen and undone.
    ec2.delete_network_acl_entry()
        .network_acl_id(public_acl.network_acl_id().unwrap())
        .rule_number(100)
        .egress(false)
        .send()
        .await
        .unwrap();
    ec2.modify_subnet_attribute()
        .subnet_id(public.subnet_id().unwrap())
        .map_public_ip_on_launch(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    ec2.disable_vgw_route_propagation()
        .route_table_id(&rt_id)
        .gateway_id(vgw.vpn_gateway_id().unwrap())
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    for expected in [
        "aws_network_acl.public will be updated in-place",
        "aws_subnet.public will be updated in-place",
        "aws_vpn_gateway_route_propagation.private will be created",
    ] {
        assert!(shown.contains(expected), "{expected}:\n{shown}");
    }
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(entry(&acl(stack.state_id("aws_network_acl.public")).await, false, 100).is_some());

    // Changes in place: another port in the inline entry, DNS64 off.
    std::fs::write(stack.path.join("main.tf"), blueprint(&names, 8443, false, true)).unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let public_acl = acl(stack.state_id("aws_network_acl.public")).await;
    assert_eq!(
        entry(&public_acl, false, 100).and_then(|e| e.port_range().and_then(|p| p.from())),
        Some(8443)
    );
    let public = ec2
        .describe_subnets()
        .subnet_ids(stack.state_id("aws_subnet.public"))
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(public.enable_dns64(), Some(false));

    // Import by Terraform's import ids finds the same objects (the attachment and the route
    // propagation have no import in the provider).
    stack.reimport_all_but(
        &["aws_vpn_gateway_attachment", "aws_vpn_gateway_route_propagation"],
        &[],
    );

    // State lost: the next apply adopts what the stack made, by tags and identities. (An
    // Amazon-provided IPv6 block association has nothing to know it by, so it is left out.)
    std::fs::write(stack.path.join("main.tf"), blueprint(&names, 8443, false, false)).unwrap();
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let before = tagged(&ec2, &stack.name).await;
    std::fs::remove_file(stack.state_file()).unwrap();
    let out = stack.run(&["apply", "-auto-approve"]);
    let shown = expect_code(&out, 0);
    assert!(shown.contains("adopting"), "{shown}");
    assert_eq!(tagged(&ec2, &stack.name).await, before, "nothing was duplicated");
    let private_acl = acl(stack.state_id("aws_network_acl.private")).await;
    assert_eq!(
        private_acl
            .entries()
            .iter()
            .filter(|e| e.rule_number().is_some_and(|n| (110..116).contains(&n)))
            .count(),
        6,
        "the rules were found again, not made twice"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Destroy leaves nothing of the stack.
    let out = stack.run(&["destroy", "-auto-approve"]);
    expect_code(&out, 0);
    let left = tagged(&ec2, &stack.name).await;
    assert!(left.values().all(|n| *n == 0), "{left:?}\n{}", text(&out));
}

/// A VPC deleted by hand, with its custom network ACL, is found gone with its default ACL and
/// made again: the refresh of the default ACL by id learns it is gone from
/// InvalidNetworkAclID.NotFound (as the provider does), not an error.
#[tokio::test(flavor = "multi_thread")]
async fn a_vpc_deleted_by_hand_is_made_again_with_its_network_acls() {
    let blueprint = r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.83.0.0/16"
}

resource "aws_default_network_acl" "default" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.83.0.0/16"
    from_port  = 443
    to_port    = 443
  }
}

resource "aws_network_acl" "custom" {
  vpc_id = aws_vpc.main.id
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("eu-west-1").await);
    let vpc = stack.state_id("aws_vpc.main");
    let default_acl = stack.state_id("aws_default_network_acl.default");
    ec2.delete_network_acl()
        .network_acl_id(stack.state_id("aws_network_acl.custom"))
        .send()
        .await
        .unwrap();
    ec2.delete_vpc().vpc_id(&vpc).send().await.unwrap();
    let gone = ec2.describe_network_acls().network_acl_ids(&default_acl).send().await;
    assert_eq!(
        gone.err()
            .and_then(|e| e.into_service_error().meta().code().map(str::to_string)),
        Some("InvalidNetworkAclID.NotFound".to_string()),
        "AWS's answer for an ACL that is gone"
    );

    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("3 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let again = stack.state_id("aws_vpc.main");
    assert_ne!(again, vpc);
    let acls = ec2
        .describe_network_acls()
        .network_acl_ids(stack.state_id("aws_default_network_acl.default"))
        .send()
        .await
        .unwrap();
    let acl = &acls.network_acls()[0];
    assert_eq!(acl.vpc_id(), Some(again.as_str()));
    assert!(
        acl.entries()
            .iter()
            .any(|e| e.rule_number() == Some(100) && e.egress() == Some(false)),
        "{acl:?}"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
