//! Standalone routes and security group rules, and recovery when state loses track: a stack
//! whose state file is gone is adopted by its tags (or unique names) instead of duplicated.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_ec2::types::Filter;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.50.1.0/24"
}

# A subnet has one association at most: AWS refuses a second, and that refusal is when the
# lost association is looked for and adopted.
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route" "default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_security_group" "db" {
  name_prefix = "db-"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "Postgres from the VPC"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }
}

resource "aws_s3_bucket" "data" {
  bucket_prefix = "adopt-"
}

resource "aws_iam_policy" "read" {
  name_prefix = "adopt-read-"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}
"#;

/// The names of the account's own IAM policies this stack tagged as its own.
async fn policies_of(iam: &aws_sdk_iam::Client, stack: &str) -> Vec<String> {
    let mut out = Vec::new();
    let listed = iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    for p in listed.policies() {
        let tags = iam
            .list_policy_tags()
            .policy_arn(p.arn().unwrap())
            .send()
            .await
            .unwrap();
        if tags
            .tags()
            .iter()
            .any(|t| t.key() == "infractl:stack" && t.value() == stack)
        {
            out.push(p.policy_name().unwrap().to_string());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn lost_state_is_adopted_not_duplicated() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let conf = sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let by_stack = || Filter::builder().name("tag:infractl:stack").values(&stack.name).build();

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let rt = ec2
        .describe_route_tables()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .clone();
    let rt_id = rt.route_table_id().unwrap().to_string();
    let associations = |rt: &aws_sdk_ec2::types::RouteTable| -> Vec<String> {
        rt.associations()
            .iter()
            .filter(|a| a.main() != Some(true))
            .filter_map(|a| a.route_table_association_id().map(str::to_string))
            .collect()
    };
    let association = associations(&rt);
    assert_eq!(association.len(), 1, "{association:?}");
    assert!(rt
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0")
            && r.gateway_id().is_some_and(|g| g.starts_with("igw-"))));
    let sg = ec2
        .describe_security_groups()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert!(sg.group_name().unwrap().starts_with("db-"));
    let ingress = sg.ip_permissions();
    assert_eq!(ingress.len(), 1);
    assert_eq!((ingress[0].from_port(), ingress[0].to_port()), (Some(5432), Some(5432)));
    assert_eq!(ingress[0].ip_ranges()[0].cidr_ip(), Some("10.50.0.0/16"));
    assert_eq!(ingress[0].ip_ranges()[0].description(), Some("Postgres from the VPC"));
    assert!(
        sg.ip_permissions_egress().is_empty(),
        "the default allow-all egress must be removed"
    );

    let iam = aws_sdk_iam::Client::new(&conf);
    let policies = policies_of(&iam, &stack.name).await;
    assert_eq!(policies.len(), 1, "{policies:?}");
    assert!(policies[0].starts_with("adopt-read-"), "{policies:?}");

    // State is lost (as after a run killed before it could save): the next apply adopts.
    std::fs::remove_file(stack.state_file()).unwrap();
    let text = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(text.contains("adopting"), "{text}");
    assert!(
        text.contains(&format!("aws_route_table_association.a: adopting {}", association[0])),
        "{text}"
    );
    assert_eq!(
        policies_of(&iam, &stack.name).await,
        policies,
        "the policy (named from a prefix, found by its tags) was adopted, not made again"
    );
    assert_eq!(
        ec2.describe_vpcs()
            .filters(by_stack())
            .send()
            .await
            .unwrap()
            .vpcs()
            .len(),
        1
    );
    assert_eq!(
        ec2.describe_internet_gateways()
            .filters(by_stack())
            .send()
            .await
            .unwrap()
            .internet_gateways()
            .len(),
        1
    );
    let tables = ec2.describe_route_tables().filters(by_stack()).send().await.unwrap();
    assert_eq!(tables.route_tables().len(), 1);
    assert_eq!(
        associations(&tables.route_tables()[0]),
        association,
        "the association was adopted"
    );
    assert_eq!(
        ec2.describe_security_groups()
            .filters(by_stack())
            .send()
            .await
            .unwrap()
            .security_groups()
            .len(),
        1
    );
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let mut ours = 0;
    for b in s3.list_buckets().send().await.unwrap().buckets() {
        let name = b.name().unwrap();
        if let Ok(t) = s3.get_bucket_tagging().bucket(name).send().await {
            if t.tag_set()
                .iter()
                .any(|t| t.key() == "infractl:stack" && t.value() == stack.name)
            {
                ours += 1;
            }
        }
    }
    assert_eq!(ours, 1, "the bucket was duplicated");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // A route deleted outside infractl is planned again and restored.
    ec2.delete_route()
        .route_table_id(&rt_id)
        .destination_cidr_block("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let text = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(text.contains("aws_route.default will be created"), "{text}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let rt = ec2
        .describe_route_tables()
        .route_table_ids(&rt_id)
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .clone();
    assert!(rt
        .routes()
        .iter()
        .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0")));

    // A rule changed outside infractl is put back.
    let sg_id = sg.group_id().unwrap();
    ec2.authorize_security_group_ingress()
        .group_id(sg_id)
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
    let text = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        text.contains("aws_security_group.db will be updated in-place"),
        "{text}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let sg = ec2
        .describe_security_groups()
        .group_ids(sg_id)
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert_eq!(sg.ip_permissions().len(), 1);
    assert_eq!(sg.ip_permissions()[0].from_port(), Some(5432));

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(policies_of(&iam, &stack.name).await.is_empty(), "the policy is gone");
    assert!(ec2
        .describe_vpcs()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .vpcs()
        .is_empty());
    assert!(ec2
        .describe_security_groups()
        .filters(by_stack())
        .send()
        .await
        .unwrap()
        .security_groups()
        .is_empty());
}

/// terraform-aws-vpc's `modules/vpc-endpoints` shape: a group of its own made with
/// `create_before_destroy`, and a standalone rule whose optional sources are all given as null
/// (`lookup(each.value, "...", null)`) but one CIDR block, with a description.
const STANDALONE_RULE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.51.0.0/16"
  tags       = { Name = "endpoints" }
}

resource "aws_security_group" "endpoints" {
  name_prefix = "endpoints-"
  description = "VPC endpoint security group"
  vpc_id      = aws_vpc.this.id

  lifecycle {
    create_before_destroy = true
  }
}

output "vpc_tags" {
  value = aws_vpc.this.tags
}

resource "aws_security_group_rule" "this" {
  for_each = { ingress_https = { description = "HTTPS from VPC", cidr_blocks = [aws_vpc.this.cidr_block] } }

  security_group_id = aws_security_group.endpoints.id
  protocol          = try(each.value.protocol, "tcp")
  from_port         = try(each.value.from_port, 443)
  to_port           = try(each.value.to_port, 443)
  type              = try(each.value.type, "ingress")

  description              = try(each.value.description, null)
  cidr_blocks              = lookup(each.value, "cidr_blocks", null)
  ipv6_cidr_blocks         = lookup(each.value, "ipv6_cidr_blocks", null)
  prefix_list_ids          = lookup(each.value, "prefix_list_ids", null)
  self                     = try(each.value.self, null)
  source_security_group_id = lookup(each.value, "source_security_group_id", null)
}
"#;

/// A standalone rule has no id in the API (its `sgrule-` id is a hash of what it is), so after
/// lost state it is found again in its adopted group by its arguments, as the provider finds a
/// rule, instead of failing as if the hash were an import id or being authorized twice.
#[tokio::test(flavor = "multi_thread")]
async fn lost_state_adopts_a_standalone_security_group_rule() {
    let stack = Stack::from_files(&[("main.tf", STANDALONE_RULE)]);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let group = || async {
        ec2.describe_security_groups()
            .filters(Filter::builder().name("tag:infractl:stack").values(&stack.name).build())
            .send()
            .await
            .unwrap()
            .security_groups()
            .to_vec()
    };

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let rule_id = stack.state_id("aws_security_group_rule.this[\"ingress_https\"]");
    assert!(rule_id.starts_with("sgrule-"), "{rule_id}");
    let https = |g: &aws_sdk_ec2::types::SecurityGroup| {
        g.ip_permissions()
            .iter()
            .filter(|p| p.ip_protocol() == Some("tcp") && p.from_port() == Some(443) && p.to_port() == Some(443))
            .flat_map(|p| p.ip_ranges().to_vec())
            .map(|r| {
                (
                    r.cidr_ip().unwrap_or_default().to_string(),
                    r.description().map(str::to_string),
                )
            })
            .collect::<Vec<_>>()
    };
    let groups = group().await;
    assert_eq!(groups.len(), 1);
    let expected = vec![("10.51.0.0/16".to_string(), Some("HTTPS from VPC".to_string()))];
    assert_eq!(https(&groups[0]), expected);

    std::fs::remove_file(stack.state_file()).unwrap();
    let text = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(text.contains("adopting"), "{text}");
    assert_eq!(
        stack.state_id("aws_security_group_rule.this[\"ingress_https\"]"),
        rule_id,
        "the same rule, by the same derived id"
    );
    let groups = group().await;
    assert_eq!(groups.len(), 1, "the group was not duplicated");
    assert_eq!(https(&groups[0]), expected, "the rule is there once, as configured");
    // Adopted objects record their configured tags, as a create does: no change, not even to
    // an output that shows them.
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(out["vpc_tags"]["value"], serde_json::json!({"Name": "endpoints"}));

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(group().await.is_empty(), "the group is gone");
}
