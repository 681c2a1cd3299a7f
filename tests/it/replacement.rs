//! Which changes replace an object and which update it in place (the provider's ForceNew, which
//! its published schema does not carry): a table of changes, each applied to its own object,
//! planned by infractl and by Terraform 1.11 with the AWS provider 5.100 against the emulator.
//! Both must plan the action the table records (taken from the provider's source and confirmed
//! by Terraform), and infractl's apply must carry the changes out so that nothing is left to
//! plan. The Terraform side is skipped, with a message, where it is not installed.

use crate::support::{endpoint, expect_code, text, Stack, Terraform};
use std::collections::BTreeMap;

/// One change: the resource type and name, its body before and after, and the action expected.
struct Case {
    ty: &'static str,
    name: &'static str,
    before: &'static str,
    after: &'static str,
    expected: &'static str,
}

const fn case(
    ty: &'static str,
    name: &'static str,
    before: &'static str,
    after: &'static str,
    expected: &'static str,
) -> Case {
    Case {
        ty,
        name,
        before,
        after,
        expected,
    }
}

const REPLACE: &str = "replace";
const UPDATE: &str = "update";

fn cases() -> Vec<Case> {
    vec![
        case(
            "aws_vpc",
            "dns",
            "cidr_block = \"10.20.0.0/16\"\nenable_dns_hostnames = false",
            "cidr_block = \"10.20.0.0/16\"\nenable_dns_hostnames = true",
            UPDATE,
        ),
        case("aws_vpc", "cidr", "cidr_block = \"10.21.0.0/16\"", "cidr_block = \"10.22.0.0/16\"", REPLACE),
        case(
            "aws_vpc",
            "tenancy",
            "cidr_block = \"10.23.0.0/16\"\ninstance_tenancy = \"dedicated\"",
            "cidr_block = \"10.23.0.0/16\"\ninstance_tenancy = \"default\"",
            UPDATE,
        ),
        case(
            "aws_vpc",
            "ipv6",
            "cidr_block = \"10.24.0.0/16\"",
            "cidr_block = \"10.24.0.0/16\"\nassign_generated_ipv6_cidr_block = true",
            UPDATE,
        ),
        case(
            "aws_subnet",
            "public",
            "vpc_id = aws_vpc.dns.id\ncidr_block = \"10.20.1.0/24\"\nmap_public_ip_on_launch = false",
            "vpc_id = aws_vpc.dns.id\ncidr_block = \"10.20.1.0/24\"\nmap_public_ip_on_launch = true",
            UPDATE,
        ),
        case(
            "aws_subnet",
            "cidr",
            "vpc_id = aws_vpc.dns.id\ncidr_block = \"10.20.2.0/24\"",
            "vpc_id = aws_vpc.dns.id\ncidr_block = \"10.20.3.0/24\"",
            REPLACE,
        ),
        case(
            "aws_security_group",
            "desc",
            "name = \"${var.prefix}-desc\"\nvpc_id = aws_vpc.dns.id\ndescription = \"one\"",
            "name = \"${var.prefix}-desc\"\nvpc_id = aws_vpc.dns.id\ndescription = \"two\"",
            REPLACE,
        ),
        case(
            "aws_security_group",
            "rules",
            "name = \"${var.prefix}-rules\"\nvpc_id = aws_vpc.dns.id\ningress {\n  from_port = 80\n  to_port = 80\n  protocol = \"tcp\"\n  cidr_blocks = [\"10.0.0.0/8\"]\n}",
            "name = \"${var.prefix}-rules\"\nvpc_id = aws_vpc.dns.id\ningress {\n  from_port = 443\n  to_port = 443\n  protocol = \"tcp\"\n  cidr_blocks = [\"10.0.0.0/8\"]\n}",
            UPDATE,
        ),
        case(
            "aws_security_group_rule",
            "port",
            "type = \"ingress\"\nsecurity_group_id = aws_security_group.desc.id\nfrom_port = 22\nto_port = 22\nprotocol = \"tcp\"\ncidr_blocks = [\"10.0.0.0/8\"]",
            "type = \"ingress\"\nsecurity_group_id = aws_security_group.desc.id\nfrom_port = 2222\nto_port = 2222\nprotocol = \"tcp\"\ncidr_blocks = [\"10.0.0.0/8\"]",
            REPLACE,
        ),
        case(
            "aws_cloudwatch_log_group",
            "retention",
            "name = \"${var.prefix}-retention\"\nretention_in_days = 7",
            "name = \"${var.prefix}-retention\"\nretention_in_days = 14",
            UPDATE,
        ),
        case(
            "aws_cloudwatch_log_group",
            "name",
            "name = \"${var.prefix}-name-a\"",
            "name = \"${var.prefix}-name-b\"",
            REPLACE,
        ),
        case(
            "aws_sns_topic",
            "display",
            "name = \"${var.prefix}-display\"\ndisplay_name = \"one\"",
            "name = \"${var.prefix}-display\"\ndisplay_name = \"two\"",
            UPDATE,
        ),
        case("aws_sns_topic", "name", "name = \"${var.prefix}-t-a\"", "name = \"${var.prefix}-t-b\"", REPLACE),
        case(
            "aws_ssm_parameter",
            "desc",
            "name = \"/${var.prefix}/desc\"\ntype = \"String\"\nvalue = \"v\"\ndescription = \"one\"",
            "name = \"/${var.prefix}/desc\"\ntype = \"String\"\nvalue = \"v\"\ndescription = \"two\"",
            UPDATE,
        ),
        case(
            "aws_ssm_parameter",
            "name",
            "name = \"/${var.prefix}/a\"\ntype = \"String\"\nvalue = \"v\"",
            "name = \"/${var.prefix}/b\"\ntype = \"String\"\nvalue = \"v\"",
            REPLACE,
        ),
        case(
            "aws_ssm_parameter",
            "type",
            "name = \"/${var.prefix}/type\"\ntype = \"String\"\nvalue = \"v\"",
            "name = \"/${var.prefix}/type\"\ntype = \"StringList\"\nvalue = \"v\"",
            UPDATE,
        ),
        case(
            "aws_s3_bucket",
            "force",
            "bucket = \"${var.prefix}-force\"\nforce_destroy = false",
            "bucket = \"${var.prefix}-force\"\nforce_destroy = true",
            UPDATE,
        ),
        case(
            "aws_s3_bucket",
            "name",
            "bucket = \"${var.prefix}-bucket-a\"\nforce_destroy = true",
            "bucket = \"${var.prefix}-bucket-b\"\nforce_destroy = true",
            REPLACE,
        ),
        case(
            "aws_iam_role",
            "desc",
            "name = \"${var.prefix}-desc\"\nassume_role_policy = local.trust\ndescription = \"one\"\nmax_session_duration = 3600",
            "name = \"${var.prefix}-desc\"\nassume_role_policy = local.trust\ndescription = \"two\"\nmax_session_duration = 7200",
            UPDATE,
        ),
        case(
            "aws_iam_role",
            "path",
            "name = \"${var.prefix}-path\"\nassume_role_policy = local.trust\npath = \"/a/\"",
            "name = \"${var.prefix}-path\"\nassume_role_policy = local.trust\npath = \"/b/\"",
            REPLACE,
        ),
        case(
            "aws_iam_policy",
            "desc",
            "name = \"${var.prefix}-desc\"\npolicy = local.policy\ndescription = \"one\"",
            "name = \"${var.prefix}-desc\"\npolicy = local.policy\ndescription = \"two\"",
            REPLACE,
        ),
        case(
            "aws_dynamodb_table",
            "billing",
            "name = \"${var.prefix}-billing\"\nhash_key = \"id\"\nbilling_mode = \"PAY_PER_REQUEST\"\nattribute {\n  name = \"id\"\n  type = \"S\"\n}",
            "name = \"${var.prefix}-billing\"\nhash_key = \"id\"\nbilling_mode = \"PROVISIONED\"\nread_capacity = 1\nwrite_capacity = 1\nattribute {\n  name = \"id\"\n  type = \"S\"\n}",
            UPDATE,
        ),
        case(
            "aws_dynamodb_table",
            "key",
            "name = \"${var.prefix}-key\"\nhash_key = \"id\"\nbilling_mode = \"PAY_PER_REQUEST\"\nattribute {\n  name = \"id\"\n  type = \"S\"\n}",
            "name = \"${var.prefix}-key\"\nhash_key = \"pk\"\nbilling_mode = \"PAY_PER_REQUEST\"\nattribute {\n  name = \"pk\"\n  type = \"S\"\n}",
            REPLACE,
        ),
        case(
            "aws_ecr_repository",
            "mutability",
            "name = \"${var.prefix}-mutability\"\nimage_tag_mutability = \"MUTABLE\"",
            "name = \"${var.prefix}-mutability\"\nimage_tag_mutability = \"IMMUTABLE\"",
            UPDATE,
        ),
        case(
            "aws_ecr_repository",
            "name",
            "name = \"${var.prefix}-repo-a\"",
            "name = \"${var.prefix}-repo-b\"",
            REPLACE,
        ),
        case(
            "aws_secretsmanager_secret",
            "desc",
            "name = \"${var.prefix}-desc\"\ndescription = \"one\"\nrecovery_window_in_days = 0",
            "name = \"${var.prefix}-desc\"\ndescription = \"two\"\nrecovery_window_in_days = 0",
            UPDATE,
        ),
        case(
            "aws_lb_target_group",
            "health",
            "name = \"${var.prefix}-health\"\nport = 80\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id\nhealth_check {\n  path = \"/a\"\n}",
            "name = \"${var.prefix}-health\"\nport = 80\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id\nhealth_check {\n  path = \"/b\"\n}",
            UPDATE,
        ),
        case(
            "aws_lb_target_group",
            "delay",
            "name = \"${var.prefix}-delay\"\nport = 80\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id\nderegistration_delay = 300",
            "name = \"${var.prefix}-delay\"\nport = 80\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id\nderegistration_delay = 30",
            UPDATE,
        ),
        case(
            "aws_dynamodb_table",
            "recovery",
            "name = \"${var.prefix}-recovery\"\nhash_key = \"id\"\nbilling_mode = \"PAY_PER_REQUEST\"\nattribute {\n  name = \"id\"\n  type = \"S\"\n}",
            "name = \"${var.prefix}-recovery\"\nhash_key = \"id\"\nbilling_mode = \"PAY_PER_REQUEST\"\nattribute {\n  name = \"id\"\n  type = \"S\"\n}\npoint_in_time_recovery {\n  enabled = true\n}",
            UPDATE,
        ),
        case(
            "aws_lb_target_group",
            "port",
            "name = \"${var.prefix}-port\"\nport = 80\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id",
            "name = \"${var.prefix}-port\"\nport = 8080\nprotocol = \"HTTP\"\nvpc_id = aws_vpc.dns.id",
            REPLACE,
        ),
    ]
}

const COMMON: &str = r#"
variable "prefix" {
  type = string
}

locals {
  trust  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::x/*" }] })
}
"#;

fn blueprint(after: bool) -> String {
    let mut out = COMMON.to_string();
    for c in cases() {
        let body: String = (if after { c.after } else { c.before })
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect();
        out.push_str(&format!("\nresource \"{}\" \"{}\" {{\n{body}}}\n", c.ty, c.name));
    }
    out
}

/// The provider block Terraform needs to reach the emulator.
fn terraform_provider() -> String {
    let url = endpoint();
    let services = [
        "dynamodb",
        "ec2",
        "ecr",
        "elbv2",
        "iam",
        "logs",
        "s3",
        "secretsmanager",
        "sns",
        "ssm",
        "sts",
    ];
    let endpoints: String = services.iter().map(|s| format!("    {s} = \"{url}\"\n")).collect();
    format!(
        "provider \"aws\" {{\n  region = \"eu-central-1\"\n  skip_credentials_validation = true\n  skip_metadata_api_check = true\n  s3_use_path_style = true\n  endpoints {{\n{endpoints}  }}\n}}\n"
    )
}

/// Action per address of infractl's `plan -json`.
fn infractl_actions(json: &[u8]) -> BTreeMap<String, String> {
    let doc: serde_json::Value = serde_json::from_slice(json).expect("plan -json");
    doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["address"].as_str().unwrap_or_default().to_string(),
                c["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Action per address of Terraform's JSON plan, in infractl's words.
fn terraform_actions(json: &[u8]) -> BTreeMap<String, String> {
    let doc: serde_json::Value = serde_json::from_slice(json).expect("show -json");
    doc["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let actions: Vec<&str> = c["change"]["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str())
                .collect();
            let action = match actions.as_slice() {
                ["update"] => "update",
                ["delete", "create"] | ["create", "delete"] => "replace",
                ["no-op"] => "no-op",
                ["create"] => "create",
                ["delete"] => "delete",
                _ => "other",
            };
            (
                c["address"].as_str().unwrap_or_default().to_string(),
                action.to_string(),
            )
        })
        .collect()
}

#[test]
fn changes_replace_or_update_as_the_provider_plans_them() {
    let id = &uuid::Uuid::new_v4().simple().to_string()[..6];
    let stack = Stack::from_files(&[("main.tf", &format!("{}{}", terraform_provider_free(), blueprint(false)))]);
    let prefix = format!("fn-i-{id}");
    let var = format!("prefix={prefix}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    std::fs::write(
        stack.path.join("main.tf"),
        format!("{}{}", terraform_provider_free(), blueprint(true)),
    )
    .unwrap();
    let out = stack.run(&["plan", "-json", "-var", &var]);
    assert!(out.status.success(), "{}", text(&out));
    let ours = infractl_actions(&out.stdout);

    let theirs = Terraform::init("the replacement table").map(|tf| {
        let var = format!("prefix=fn-t-{id}");
        std::fs::write(
            tf.work().join("main.tf"),
            format!("{}{}", terraform_provider(), blueprint(false)),
        )
        .unwrap();
        let out = tf.run(&["apply", "-auto-approve", "-input=false", "-no-color", "-var", &var]);
        assert!(out.status.success(), "terraform apply failed:\n{}", text(&out));
        std::fs::write(
            tf.work().join("main.tf"),
            format!("{}{}", terraform_provider(), blueprint(true)),
        )
        .unwrap();
        let out = tf.run(&["plan", "-input=false", "-no-color", "-out=changes.tfplan", "-var", &var]);
        assert!(out.status.success(), "terraform plan failed:\n{}", text(&out));
        let shown = tf.run(&["show", "-json", "changes.tfplan"]);
        let actions = terraform_actions(&shown.stdout);
        std::fs::write(
            tf.work().join("main.tf"),
            format!("{}{}", terraform_provider(), blueprint(false)),
        )
        .unwrap();
        let out = tf.run(&["destroy", "-auto-approve", "-input=false", "-no-color", "-var", &var]);
        assert!(out.status.success(), "terraform destroy failed:\n{}", text(&out));
        actions
    });

    println!("\n| change | expected | infractl | Terraform |\n|---|---|---|---|");
    let mut wrong = Vec::new();
    for c in cases() {
        let address = format!("{}.{}", c.ty, c.name);
        let mine = ours.get(&address).map(String::as_str).unwrap_or("none");
        let tf = theirs
            .as_ref()
            .map(|t| t.get(&address).map(String::as_str).unwrap_or("none"))
            .unwrap_or("not run");
        println!("| {address} | {} | {mine} | {tf} |", c.expected);
        if mine != c.expected || (theirs.is_some() && tf != c.expected) {
            wrong.push(address);
        }
    }
    assert!(wrong.is_empty(), "planned otherwise than expected: {wrong:?}");
    // infractl carries the changes out as planned: in place where it said so, and the result
    // plans no further change.
    let t = expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let replaced = cases().iter().filter(|c| c.expected == REPLACE).count();
    let updated = cases().len() - replaced;
    assert!(
        t.contains(&format!("{replaced} added, {updated} changed, {replaced} destroyed")),
        "{t}"
    );
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    assert!(t.contains("No changes"), "{t}");
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}

/// infractl reads the endpoint from the environment; its blueprint needs only the region.
fn terraform_provider_free() -> String {
    "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n".to_string()
}
