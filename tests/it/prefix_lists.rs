//! Managed prefix lists: a list of office and VPN CIDRs that a security group rule references,
//! as the security-group module's examples use one. Checked against what the emulator holds
//! (DescribeManagedPrefixLists, GetManagedPrefixListEntries): grown and given new entries and a
//! new description in place, shrunk to fewer entries, renamed, an entry added by hand found and
//! taken out again, imported, destroyed; the same blueprint applied by Terraform then planned
//! clean by infractl; a bad CIDR and an AWS-reserved name refused at `validate`. The data sources
//! `aws_ec2_managed_prefix_list` and the older `aws_prefix_list` read AWS's service lists.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};

const REGION: &str = "us-east-1";

/// The blueprint with `entries` (CIDR, description) in a list of `max` entries named `name`.
fn blueprint(name: &str, max: u32, entries: &[(&str, &str)]) -> String {
    let entries: String = entries
        .iter()
        .map(|(cidr, d)| format!("  entry {{\n    cidr        = \"{cidr}\"\n    description = \"{d}\"\n  }}\n"))
        .collect();
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

variable "name" {{
  type = string
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.60.0.0/16"
}}

resource "aws_ec2_managed_prefix_list" "offices" {{
  name           = "${{var.name}}-{name}"
  address_family = "IPv4"
  max_entries    = {max}
{entries}
  tags = {{
    Team = "network"
  }}
}}

resource "aws_security_group" "ssh" {{
  name   = "${{var.name}}-ssh"
  vpc_id = aws_vpc.main.id
}}

resource "aws_security_group_rule" "ssh" {{
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  prefix_list_ids   = [aws_ec2_managed_prefix_list.offices.id]
  security_group_id = aws_security_group.ssh.id
}}
"#
    )
}

/// Name, size and entries (sorted) of a list, `None` when it is gone.
async fn held(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<(String, i32, Vec<(String, String)>)> {
    let lists = ec2
        .describe_managed_prefix_lists()
        .prefix_list_ids(id)
        .send()
        .await
        .ok()?;
    let p = lists
        .prefix_lists()
        .iter()
        .find(|p| p.prefix_list_id() == Some(id) && p.state().map(|s| s.as_str()) != Some("delete-complete"))?
        .clone();
    let mut entries: Vec<(String, String)> = ec2
        .get_managed_prefix_list_entries()
        .prefix_list_id(id)
        .send()
        .await
        .unwrap()
        .entries()
        .iter()
        .map(|e| {
            (
                e.cidr().unwrap_or_default().to_string(),
                e.description().unwrap_or_default().to_string(),
            )
        })
        .collect();
    entries.sort();
    Some((
        p.prefix_list_name().unwrap_or_default().to_string(),
        p.max_entries().unwrap_or(0),
        entries,
    ))
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_list_lives_its_whole_life() {
    let first = [("192.0.2.0/24", "office"), ("198.51.100.0/24", "vpn")];
    let stack = Stack::from_files(&[("main.tf", &blueprint("offices", 2, &first))]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    let write = |text: String| std::fs::write(stack.path.join("main.tf"), text).unwrap();
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let id = stack.state_id("aws_ec2_managed_prefix_list.offices");
    assert!(id.starts_with("pl-"), "{id}");
    let name = format!("{}-offices", stack.name);
    assert_eq!(held(&ec2, &id).await, Some((name.clone(), 2, pairs(&first))));
    let group = ec2
        .describe_security_groups()
        .group_ids(stack.state_id("aws_security_group.ssh"))
        .send()
        .await
        .unwrap();
    let rule = &group.security_groups()[0].ip_permissions()[0];
    assert_eq!(rule.prefix_list_ids()[0].prefix_list_id(), Some(id.as_str()));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Grown to 4 with a new description and a third entry: in place, size first.
    let grown = [
        ("192.0.2.0/24", "head office"),
        ("198.51.100.0/24", "vpn"),
        ("203.0.113.0/24", "lab"),
    ];
    write(blueprint("offices", 4, &grown));
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_ec2_managed_prefix_list.offices will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(held(&ec2, &id).await, Some((name.clone(), 4, pairs(&grown))));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Shrunk to one entry in a list of 1, and renamed: entries first, then the size.
    let shrunk = [("203.0.113.0/24", "lab")];
    write(blueprint("lab", 1, &shrunk));
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let renamed = format!("{}-lab", stack.name);
    assert_eq!(held(&ec2, &id).await, Some((renamed.clone(), 1, pairs(&shrunk))));
    assert_eq!(
        stack.state_id("aws_ec2_managed_prefix_list.offices"),
        id,
        "the same list"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: an entry swapped in by hand is found and the blueprint's put back.
    let version = ec2
        .describe_managed_prefix_lists()
        .prefix_list_ids(&id)
        .send()
        .await
        .unwrap()
        .prefix_lists()[0]
        .version()
        .unwrap();
    ec2.modify_managed_prefix_list()
        .prefix_list_id(&id)
        .current_version(version)
        .remove_entries(
            aws_sdk_ec2::types::RemovePrefixListEntry::builder()
                .cidr("203.0.113.0/24")
                .build(),
        )
        .add_entries(
            aws_sdk_ec2::types::AddPrefixListEntry::builder()
                .cidr("100.64.0.0/24")
                .description("by hand")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("100.64.0.0/24"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(held(&ec2, &id).await, Some((renamed, 1, pairs(&shrunk))));

    // Imported by id, then a clean plan.
    stack.reimport_all(&["-var", var.as_str()]);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(held(&ec2, &id).await.is_none(), "destroy left the prefix list");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_list_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the prefix list blueprint applied by Terraform") else {
        return;
    };
    let text = blueprint("offices", 3, &[("192.0.2.0/24", "office"), ("198.51.100.0/24", "vpn")]);
    let stack = Stack::from_files(&[("main.tf", &text)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["ec2", "sts"], &["-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

/// A CIDR that is not one and a name in AWS's own namespace: refused by `validate` at their
/// lines, before any call (the endpoint is a closed port).
#[test]
fn a_bad_cidr_and_a_reserved_name_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_ec2_managed_prefix_list\" \"p\" {\n  name           = \"com.amazonaws.mine\"\n  address_family = \"IPv4\"\n  max_entries    = 1\n  entry {\n    cidr = \"10.0.0.300/24\"\n  }\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:6"), "{shown}");
    assert!(shown.contains("com.amazonaws"), "{shown}");
    assert!(shown.contains("main.tf:10"), "{shown}");
    assert!(shown.contains("cidr"), "{shown}");
}

/// The data source finds AWS's S3 list by name and a list of the stack by id, and answers
/// what the emulator holds: the same entries GetManagedPrefixListEntries lists.
#[tokio::test(flavor = "multi_thread")]
async fn the_data_source_reads_a_list_by_name_and_by_id() {
    let text = blueprint("offices", 2, &[("192.0.2.0/24", "office")])
        + r#"
data "aws_ec2_managed_prefix_list" "s3" {
  name = "com.amazonaws.us-east-1.s3"
}

data "aws_ec2_managed_prefix_list" "ours" {
  id = aws_ec2_managed_prefix_list.offices.id
}

output "s3_cidrs" {
  value = sort(data.aws_ec2_managed_prefix_list.s3.entries[*].cidr)
}

output "s3_id" {
  value = data.aws_ec2_managed_prefix_list.s3.id
}

output "ours" {
  value = [for e in data.aws_ec2_managed_prefix_list.ours.entries : "${e.cidr}=${e.description}"]
}

output "ours_max" {
  value = data.aws_ec2_managed_prefix_list.ours.max_entries
}
"#;
    let stack = Stack::from_files(&[("main.tf", &text)]);
    let var = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let s3 = ec2
        .describe_managed_prefix_lists()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("prefix-list-name")
                .values("com.amazonaws.us-east-1.s3")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .prefix_lists()[0]
        .prefix_list_id()
        .unwrap()
        .to_string();
    let mut cidrs: Vec<String> = ec2
        .get_managed_prefix_list_entries()
        .prefix_list_id(&s3)
        .send()
        .await
        .unwrap()
        .entries()
        .iter()
        .map(|e| e.cidr().unwrap().to_string())
        .collect();
    cidrs.sort();
    let outputs = stack.flat_state()["outputs"].clone();
    assert_eq!(outputs["s3_id"]["value"], s3.as_str());
    assert_eq!(outputs["s3_cidrs"]["value"], serde_json::json!(cidrs));
    assert_eq!(outputs["ours"]["value"], serde_json::json!(["192.0.2.0/24=office"]));
    assert_eq!(outputs["ours_max"]["value"], 2);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}

/// `aws_prefix_list` (DescribePrefixLists, the older API modules still use for gateway
/// endpoint services) finds S3's list by name and DynamoDB's by id, with the CIDRs the emulator
/// answers; a name nothing matches is a located error and applies nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_older_prefix_list_data_source_reads_service_lists() {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let held = ec2.describe_prefix_lists().send().await.unwrap();
    let by_name = |name: &str| {
        held.prefix_lists()
            .iter()
            .find(|p| p.prefix_list_name() == Some(name))
            .unwrap_or_else(|| panic!("the emulator holds no prefix list {name}"))
            .clone()
    };
    let s3 = by_name("com.amazonaws.us-east-1.s3");
    let dynamodb = by_name("com.amazonaws.us-east-1.dynamodb");
    let config = format!(
        r#"
data "aws_region" "here" {{}}

data "aws_prefix_list" "s3" {{
  name = "com.amazonaws.${{data.aws_region.here.name}}.s3"
}}

data "aws_prefix_list" "dynamodb" {{
  prefix_list_id = "{}"
}}

output "s3" {{
  value = {{ id = data.aws_prefix_list.s3.id, cidrs = data.aws_prefix_list.s3.cidr_blocks }}
}}

output "dynamodb" {{
  value = {{ name = data.aws_prefix_list.dynamodb.name, cidrs = data.aws_prefix_list.dynamodb.cidr_blocks }}
}}
"#,
        dynamodb.prefix_list_id().unwrap()
    );
    let stack = Stack::from_files(&[("main.tf", &config)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let outputs = stack.flat_state()["outputs"].clone();
    assert_eq!(outputs["s3"]["value"]["id"], s3.prefix_list_id().unwrap());
    assert_eq!(outputs["s3"]["value"]["cidrs"], serde_json::json!(s3.cidrs()));
    assert_eq!(outputs["dynamodb"]["value"]["name"], "com.amazonaws.us-east-1.dynamodb");
    assert_eq!(
        outputs["dynamodb"]["value"]["cidrs"],
        serde_json::json!(dynamodb.cidrs())
    );
    assert!(!s3.cidrs().is_empty(), "the emulator's S3 list has CIDRs");

    let missing = Stack::from_files(&[(
        "main.tf",
        "data \"aws_prefix_list\" \"none\" {\n  name = \"com.example.nothing\"\n}\n",
    )]);
    let out = missing.run(&["plan"]);
    expect_code(&out, 1);
    let shown = text(&out);
    assert!(shown.contains("no matching EC2 Prefix List found"), "{shown}");
    assert!(shown.contains("data.aws_prefix_list.none"), "{shown}");
}
