//! `aws_vpc_endpoint_policy` on the emulator: the policy of a gateway endpoint made without
//! one is set, left alone when rewritten equivalently, changed in place, put back after a reset
//! behind infractl's back and imported; removing the resource resets the endpoint to AWS's
//! full-access default and keeps the endpoint. Terraform plans clean after infractl and back.

use crate::interop::cross_check;
use crate::support::{expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_vpc" "p" {
  cidr_block = "10.77.0.0/16"
  tags       = { Name = var.name }
}
resource "aws_route_table" "p" {
  vpc_id = aws_vpc.p.id
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.p.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.p.id]
}
resource "aws_vpc_endpoint_policy" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ReadOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = "*"
    }]
  })
}
"##;

/// The endpoint's policy as EC2 holds it, parsed.
async fn policy_of(ec2: &aws_sdk_ec2::Client, id: &str) -> serde_json::Value {
    let out = ec2.describe_vpc_endpoints().vpc_endpoint_ids(id).send().await.unwrap();
    let text = out.vpc_endpoints()[0].policy_document().unwrap_or_default().to_string();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_policy_is_set_changed_put_back_imported_and_reset() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let endpoint = stack.state_str("aws_vpc_endpoint.s3", "id");
    assert_eq!(stack.state_str("aws_vpc_endpoint_policy.s3", "id"), endpoint);
    let held = policy_of(&ec2, &endpoint).await;
    assert_eq!(held["Statement"][0]["Sid"], "ReadOnly");
    assert_eq!(
        held["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject", "s3:ListBucket"])
    );

    // The same policy written another way (key order, spacing, a heredoc) is no change.
    let written = r#"jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ReadOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = "*"
    }]
  })"#;
    stack.edit(
        "main.tf",
        written,
        "<<-POLICY\n    {\"Statement\": [{\"Resource\": \"*\", \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Principal\": \"*\", \"Effect\": \"Allow\", \"Sid\": \"ReadOnly\"}], \"Version\": \"2012-10-17\"}\n  POLICY",
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new action changes the policy in place.
    stack.edit("main.tf", "\"s3:ListBucket\"]", "\"s3:ListBucket\", \"s3:PutObject\"]");
    stack.changes_in_place("aws_vpc_endpoint_policy.s3", &args);
    let held = policy_of(&ec2, &endpoint).await;
    assert_eq!(held["Statement"][0]["Action"].as_array().map(Vec::len), Some(3));

    // Reset behind infractl's back: the plan puts the policy back.
    ec2.modify_vpc_endpoint()
        .vpc_endpoint_id(&endpoint)
        .reset_policy(true)
        .send()
        .await
        .unwrap();
    assert_eq!(policy_of(&ec2, &endpoint).await["Statement"][0]["Action"], "*");
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert_eq!(policy_of(&ec2, &endpoint).await["Statement"][0]["Sid"], "ReadOnly");
    stack.reimport_all(&args);

    // Without the resource, the endpoint stays with AWS's default policy.
    let file = stack.path.join("main.tf");
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("resource \"aws_vpc_endpoint_policy\"").unwrap();
    std::fs::write(&file, &text[..start]).unwrap();
    let shown = stack.plans_and_applies("0 to add, 0 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_vpc_endpoint_policy.s3 will be destroyed"),
        "{shown}"
    );
    let held = policy_of(&ec2, &endpoint).await;
    assert_eq!(
        (
            held["Statement"][0]["Effect"].clone(),
            held["Statement"][0]["Action"].clone()
        ),
        (serde_json::json!("Allow"), serde_json::json!("*")),
        "the full-access default"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let out = ec2.describe_vpc_endpoints().vpc_endpoint_ids(&endpoint).send().await;
    let gone = match out {
        Err(_) => true,
        Ok(o) => o
            .vpc_endpoints()
            .iter()
            .all(|e| e.state().is_some_and(|s| s.as_str().eq_ignore_ascii_case("deleted"))),
    };
    assert!(gone, "the endpoint is deleted");
}

/// Terraform and infractl keep an endpoint policy the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_an_endpoint_policy_either_way() {
    cross_check(
        "the aws_vpc_endpoint_policy cross-check",
        BLUEPRINT,
        "endpoint-policy",
        Some(("10.77.", "10.78.")),
        &["ec2", "sts"],
    );
}
