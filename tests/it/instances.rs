//! `aws_instance` on the emulator: an instance from the Amazon Linux AMI parameter, in a
//! subnet with a security group, user data and metadata options; EC2 holds what was asked, a
//! second plan is clean, the instance type, user data and groups change in place (the
//! instance stopped and started again), `user_data_replace_on_change` replaces it, and
//! destroy terminates it.

use crate::interop::cross_check;
use crate::support::{expect_code, sdk_config, text, Stack};
use aws_sdk_ec2::types::InstanceAttributeName;
use base64::Engine;

const REGION: &str = "us-east-1";

const INSTANCE: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
data "aws_ssm_parameter" "al2" {
  name = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
}
resource "aws_vpc" "v" { cidr_block = "10.61.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.61.1.0/24"
}
resource "aws_security_group" "a" { vpc_id = aws_vpc.v.id }
resource "aws_security_group" "b" { vpc_id = aws_vpc.v.id }
resource "aws_instance" "web" {
  ami                    = nonsensitive(data.aws_ssm_parameter.al2.value)
  instance_type          = "t3.nano"
  subnet_id              = aws_subnet.s.id
  vpc_security_group_ids = [aws_security_group.a.id]
  user_data              = "#!/bin/sh\necho first\n"
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = var.name }
}
output "id" { value = aws_instance.web.id }
output "private_ip" { value = aws_instance.web.private_ip }
output "user_data" { value = aws_instance.web.user_data }
"##;

async fn user_data(ec2: &aws_sdk_ec2::Client, id: &str) -> String {
    let out = ec2
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(InstanceAttributeName::UserData)
        .send()
        .await
        .unwrap();
    let b64 = out.user_data().and_then(|u| u.value()).unwrap_or_default();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_launches_changes_in_place_is_replaced_when_asked_and_terminates() {
    let stack = Stack::from_files(&[("main.tf", INSTANCE)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");
    let raw = |k: &str| expect_code(&stack.run(&["output", "-raw", k]), 0);
    let id = raw("id");
    assert!(
        id.starts_with("i-") && !id.ends_with('\n'),
        "-raw prints the value alone: {id:?}"
    );
    // State keeps user data as the provider does: the SHA-1 of its text.
    use sha1::Digest;
    assert_eq!(
        raw("user_data"),
        hex::encode(sha1::Sha1::digest(b"#!/bin/sh\necho first\n"))
    );

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let held = |out: aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput| {
        out.reservations()[0].instances()[0].clone()
    };
    let i = held(ec2.describe_instances().instance_ids(&id).send().await.unwrap());
    assert_eq!(i.instance_type().unwrap().as_str(), "t3.nano");
    assert_eq!(i.state().unwrap().name().unwrap().as_str(), "running");
    assert_eq!(i.security_groups().len(), 1);
    assert_eq!(i.private_ip_address().unwrap(), raw("private_ip"));
    assert_eq!(
        i.metadata_options().unwrap().http_tokens().unwrap().as_str(),
        "required"
    );
    assert!(i
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some(stack.name.as_str())));
    assert_eq!(user_data(&ec2, &id).await, "#!/bin/sh\necho first\n");

    // Type, user data and groups change in place: the same instance, running again.
    stack.edit("main.tf", "t3.nano", "t3.micro");
    stack.edit("main.tf", "echo first", "echo second");
    stack.edit(
        "main.tf",
        "[aws_security_group.a.id]",
        "[aws_security_group.a.id, aws_security_group.b.id]",
    );
    let plan = expect_code(&run(&["plan"]), 0);
    assert!(plan.contains("aws_instance.web will be updated in-place"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let i = held(ec2.describe_instances().instance_ids(&id).send().await.unwrap());
    assert_eq!(i.instance_type().unwrap().as_str(), "t3.micro");
    assert_eq!(i.state().unwrap().name().unwrap().as_str(), "running");
    assert_eq!(i.security_groups().len(), 2);
    assert_eq!(user_data(&ec2, &id).await, "#!/bin/sh\necho second\n");
    assert_eq!(raw("id"), id);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");

    // With user_data_replace_on_change, new user data replaces the instance.
    stack.edit(
        "main.tf",
        "  user_data              =",
        "  user_data_replace_on_change = true\n  user_data              =",
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    stack.edit("main.tf", "echo second", "echo third");
    let plan = expect_code(&run(&["plan"]), 0);
    assert!(plan.contains("aws_instance.web must be replaced"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let replacement = raw("id");
    assert_ne!(replacement, id);
    let old = held(ec2.describe_instances().instance_ids(&id).send().await.unwrap());
    assert_eq!(old.state().unwrap().name().unwrap().as_str(), "terminated");
    assert_eq!(user_data(&ec2, &replacement).await, "#!/bin/sh\necho third\n");

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let gone = held(
        ec2.describe_instances()
            .instance_ids(&replacement)
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(gone.state().unwrap().name().unwrap().as_str(), "terminated");
}

/// Terraform and infractl keep the same instance the same way: each plans clean after the
/// other applied it (user data as its hash, metadata options, groups, the computed attributes).
#[test]
fn terraform_and_infractl_agree_on_an_instance_either_way() {
    cross_check(
        "the aws_instance cross-check",
        INSTANCE,
        "cross-check",
        Some(("10.61.", "10.64.")),
        &["ec2", "ssm", "sts"],
    );
}
