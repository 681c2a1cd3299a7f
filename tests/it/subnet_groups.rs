//! `aws_redshift_subnet_group` and `aws_elasticache_subnet_group` on the emulator: created with
//! their subnets and tags, changed in place, imported by name, adopted by name and tags after
//! state is lost, and destroyed.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "eu-south-1";

fn blueprint(name: &str, subnets: &str, description: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.90.0.0/16"
}}

resource "aws_subnet" "this" {{
  count      = 3
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}

resource "aws_redshift_subnet_group" "this" {{
  name        = "{name}"
  description = "{description}"
  subnet_ids  = {subnets}
  tags = {{
    Team = "data"
  }}
}}

resource "aws_elasticache_subnet_group" "this" {{
  # ElastiCache keeps names in lowercase: this one is compared that way.
  name        = upper("{name}")
  description = "{description}"
  subnet_ids  = {subnets}
  tags = {{
    Team = "cache"
  }}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn subnet_groups_for_redshift_and_elasticache() {
    let name = format!("groups-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let two = "slice(aws_subnet.this[*].id, 0, 2)";
    let stack = Stack::from_files(&[("main.tf", &blueprint(&name, two, "first"))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let conf = sdk_config(REGION).await;
    let redshift = aws_sdk_redshift::Client::new(&conf);
    let elasticache = aws_sdk_elasticache::Client::new(&conf);
    let subnet = |i: usize| stack.state_id(&format!("aws_subnet.this[{i}]"));

    let rs = || async {
        redshift
            .describe_cluster_subnet_groups()
            .cluster_subnet_group_name(&name)
            .send()
            .await
            .unwrap()
            .cluster_subnet_groups()[0]
            .clone()
    };
    let ec = || async {
        elasticache
            .describe_cache_subnet_groups()
            .cache_subnet_group_name(&name)
            .send()
            .await
            .unwrap()
            .cache_subnet_groups()[0]
            .clone()
    };
    let ids = |v: Vec<String>| {
        let mut v = v;
        v.sort();
        v
    };
    let g = rs().await;
    assert_eq!(g.description(), Some("first"));
    assert_eq!(
        ids(g
            .subnets()
            .iter()
            .filter_map(|s| s.subnet_identifier())
            .map(str::to_string)
            .collect()),
        ids(vec![subnet(0), subnet(1)])
    );
    assert!(g
        .tags()
        .iter()
        .any(|t| t.key() == Some("Team") && t.value() == Some("data")));
    assert!(g.tags().iter().any(|t| t.key() == Some("infractl:stack")));
    let c = ec().await;
    assert_eq!(c.cache_subnet_group_name(), Some(name.as_str()), "stored in lowercase");
    assert_eq!(c.vpc_id(), Some(stack.state_id("aws_vpc.this").as_str()));
    let tags = elasticache
        .list_tags_for_resource()
        .resource_name(c.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags
        .tag_list()
        .iter()
        .any(|t| t.key() == Some("Team") && t.value() == Some("cache")));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Subnets and description change in place.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&name, "aws_subnet.this[*].id", "second"),
    )
    .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(rs().await.subnets().len(), 3);
    assert_eq!(rs().await.description(), Some("second"));
    assert_eq!(ec().await.subnets().len(), 3);
    assert_eq!(ec().await.cache_subnet_group_description(), Some("second"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Import by name finds the same groups.
    stack.reimport_all(&[]);

    // State lost: the groups are adopted by name and tags, not made again (which AWS refuses).
    std::fs::remove_file(stack.state_file()).unwrap();
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("aws_redshift_subnet_group.this: adopting"), "{shown}");
    assert!(shown.contains("aws_elasticache_subnet_group.this: adopting"), "{shown}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(redshift
        .describe_cluster_subnet_groups()
        .cluster_subnet_group_name(&name)
        .send()
        .await
        .is_err());
    assert!(elasticache
        .describe_cache_subnet_groups()
        .cache_subnet_group_name(&name)
        .send()
        .await
        .is_err());
}
