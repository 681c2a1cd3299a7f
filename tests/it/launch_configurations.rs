//! `aws_launch_configuration` on the emulator: a configuration with a generated name, security
//! group, user data, monitoring off, metadata options and root, EBS and instance store
//! mappings, launched from by an Auto Scaling group, and a plain one with a fixed name. A
//! configuration deleted behind infractl's back is made again; an import of everything plans
//! clean; a change replaces the group's configuration before the old one is deleted
//! (`create_before_destroy`, as users write it: AWS refuses to delete a configuration a group
//! uses); destroy leaves nothing. Terraform plans clean after infractl and back; bad values are
//! refused by both `validate` commands.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};
use aws_sdk_autoscaling::types::LaunchConfiguration;
use base64::Engine as _;
use sha1::Digest as _;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_vpc" "v" { cidr_block = "10.81.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.81.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_security_group" "web" {
  name   = "${var.name}-web"
  vpc_id = aws_vpc.v.id
}
resource "aws_launch_configuration" "web" {
  name_prefix       = "${var.name}-web-"
  image_id          = "ami-12c6146b"
  instance_type     = "t3.micro"
  security_groups   = [aws_security_group.web.id]
  user_data         = "#!/bin/sh\necho hello\n"
  enable_monitoring = false
  ebs_optimized     = true
  placement_tenancy = "default"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 10
    volume_type = "gp3"
    throughput  = 250
  }
  ephemeral_block_device {
    device_name  = "/dev/sdg"
    virtual_name = "ephemeral0"
  }
  lifecycle { create_before_destroy = true }
}
resource "aws_launch_configuration" "plain" {
  name          = "${var.name}-plain"
  image_id      = "ami-12c6146b"
  instance_type = "t3.nano"
}
resource "aws_autoscaling_group" "web" {
  name                 = "${var.name}-web"
  min_size             = 0
  max_size             = 1
  desired_capacity     = 1
  vpc_zone_identifier  = [aws_subnet.a.id]
  launch_configuration = aws_launch_configuration.web.name
}
"##;

/// What Auto Scaling holds for a configuration, when it exists.
async fn described(asg: &aws_sdk_autoscaling::Client, name: &str) -> Option<LaunchConfiguration> {
    let out = asg
        .describe_launch_configurations()
        .launch_configuration_names(name)
        .send()
        .await
        .unwrap();
    out.launch_configurations().first().cloned()
}

/// The configuration the group launches from.
async fn group_configuration(asg: &aws_sdk_autoscaling::Client, group: &str) -> String {
    let out = asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(group)
        .send()
        .await
        .unwrap();
    let g = out.auto_scaling_groups().first().expect("the group");
    g.launch_configuration_name().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_configurations_are_made_launched_from_replaced_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let web = stack.state_str("aws_launch_configuration.web", "name");
    assert!(web.starts_with(&format!("{}-web-", stack.name)), "{web}");
    assert_eq!(stack.state_id("aws_launch_configuration.web"), web);
    let lc = described(&asg, &web).await.expect("the web configuration");
    let text = "#!/bin/sh\necho hello\n";
    assert_eq!(
        lc.user_data(),
        Some(base64::engine::general_purpose::STANDARD.encode(text).as_str())
    );
    assert_eq!(
        stack.state_str("aws_launch_configuration.web", "user_data"),
        hex::encode(sha1::Sha1::digest(text.as_bytes())),
        "state keeps the user data's SHA-1, as the provider does"
    );
    assert_eq!(lc.instance_monitoring().and_then(|m| m.enabled()), Some(false));
    assert_eq!(lc.ebs_optimized(), Some(true));
    assert_eq!(lc.placement_tenancy(), Some("default"));
    assert_eq!(lc.security_groups(), [stack.state_id("aws_security_group.web")]);
    let metadata = lc.metadata_options().expect("metadata options");
    assert_eq!(
        (
            metadata.http_tokens().map(|t| t.as_str()),
            metadata.http_put_response_hop_limit()
        ),
        (Some("required"), Some(2))
    );
    let mapping = |device: &str| {
        lc.block_device_mappings()
            .iter()
            .find(|m| m.device_name() == Some(device))
            .cloned()
            .unwrap_or_else(|| panic!("a mapping at {device}: {:?}", lc.block_device_mappings()))
    };
    // The root block goes to the AMI's root device name.
    let root = mapping("/dev/sda1");
    let root_ebs = root.ebs().unwrap();
    assert_eq!(
        (root_ebs.volume_size(), root_ebs.volume_type(), root_ebs.encrypted()),
        (Some(20), Some("gp3"), Some(true))
    );
    assert_eq!(mapping("/dev/sdf").ebs().and_then(|e| e.throughput()), Some(250));
    assert_eq!(mapping("/dev/sdg").virtual_name(), Some("ephemeral0"));
    assert_eq!(
        described(&asg, &format!("{}-plain", stack.name))
            .await
            .and_then(|l| l.instance_monitoring().and_then(|m| m.enabled())),
        Some(true),
        "detailed monitoring unless turned off"
    );
    assert_eq!(group_configuration(&asg, &format!("{}-web", stack.name)).await, web);

    // Deleted behind infractl's back: made again.
    let plain = format!("{}-plain", stack.name);
    asg.delete_launch_configuration()
        .launch_configuration_name(&plain)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_launch_configuration.plain will be created"),
        "{shown}"
    );
    assert!(described(&asg, &plain).await.is_some());

    // Imported by name (the generated name's prefix recovered), everything plans clean.
    stack.reimport_all(&args);

    // A new instance type and the user data given as base64: a new configuration, which the
    // group takes before the old one is deleted.
    stack.edit("main.tf", "\"t3.micro\"", "\"t3.small\"");
    stack.edit(
        "main.tf",
        "user_data         = \"#!/bin/sh\\necho hello\\n\"",
        "user_data_base64  = base64encode(\"#!/bin/sh\\necho hello\\n\")",
    );
    let shown = stack.plans_and_applies("1 to add, 1 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_launch_configuration.web must be replaced"),
        "{shown}"
    );
    let new_web = stack.state_str("aws_launch_configuration.web", "name");
    assert_ne!(new_web, web);
    assert_eq!(group_configuration(&asg, &format!("{}-web", stack.name)).await, new_web);
    assert!(
        described(&asg, &web).await.is_none(),
        "the old configuration is deleted"
    );
    let lc = described(&asg, &new_web).await.unwrap();
    assert_eq!(lc.instance_type(), Some("t3.small"));
    assert_eq!(
        stack.state_str("aws_launch_configuration.web", "user_data_base64"),
        base64::engine::general_purpose::STANDARD.encode(text)
    );
    assert!(stack.state_attr("aws_launch_configuration.web", "user_data").is_null());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(described(&asg, &new_web).await.is_none());
    assert!(described(&asg, &plain).await.is_none());
}

/// Terraform and infractl keep launch configurations the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_launch_configurations_either_way() {
    cross_check(
        "the aws_launch_configuration cross-check",
        BLUEPRINT,
        "launch-config",
        Some(("10.81.", "10.82.")),
        &["autoscaling", "ec2", "sts"],
    );
}

/// Metadata options out of their ranges, a name too long, a name and a prefix together, user
/// data in both forms and `user_data_base64` that is not base64: refused by both `validate`
/// commands.
#[test]
fn bad_launch_configurations_are_refused_at_validate() {
    let base = "image_id = \"ami-12c6146b\"\ninstance_type = \"t3.micro\"";
    let tokens = format!("{base}\nmetadata_options {{\n http_tokens = \"sometimes\"\n}}");
    let hops = format!("{base}\nmetadata_options {{\n http_put_response_hop_limit = 65\n}}");
    let endpoint = format!("{base}\nmetadata_options {{\n http_endpoint = \"on\"\n}}");
    let long_name = format!("{base}\nname = \"{}\"", "n".repeat(256));
    let both_names = format!("{base}\nname = \"a\"\nname_prefix = \"a-\"");
    let both_data = format!("{base}\nuser_data = \"x\"\nuser_data_base64 = \"eA==\"");
    let not_base64 = format!("{base}\nuser_data_base64 = \"not base64!\"");
    each_case_refused_at_validate(
        "aws_launch_configuration",
        &[
            &tokens,
            &hops,
            &endpoint,
            &long_name,
            &both_names,
            &both_data,
            &not_base64,
        ],
        "launch configuration values",
    );
}
