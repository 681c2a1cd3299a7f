//! An instance's block devices and launch options, checked against what the emulator holds: a
//! root volume sized, typed, encrypted and tagged at launch (on an AMI whose root device is
//! `/dev/xvda`), an EBS block with its own tags, an instance store mapping (which EC2 never
//! lists), the credit specification and stop protection; the root volume resized and retagged,
//! credits and protection changed, all in place on the same instance; an EBS block change
//! planned as a replacement; a resize made behind infractl's back found by the plan;
//! `volume_tags` on every volume, changed in place; the provider's refusals; the same blueprint
//! applied by either tool planned clean by the other.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};
use aws_sdk_ec2::types::{Filter, Volume};
use std::collections::BTreeMap;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "root_size" {
  type    = number
  default = 20
}

variable "root_role" {
  type    = string
  default = "root"
}

variable "data_size" {
  type    = number
  default = 5
}

variable "credits" {
  type    = string
  default = "standard"
}

variable "no_stop" {
  type    = bool
  default = false
}

resource "aws_instance" "app" {
  ami               = "ami-760aaa0f"
  instance_type     = "t3.micro"
  availability_zone = "us-east-1a"
  disable_api_stop  = var.no_stop

  credit_specification {
    cpu_credits = var.credits
  }

  enclave_options {
    enabled = false
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = var.root_size
    throughput  = 200
    encrypted   = true
    tags = {
      Name = "${var.name}-root"
      Role = var.root_role
    }
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_type = "gp3"
    volume_size = var.data_size
    tags = {
      Name = "${var.name}-data"
    }
  }

  ephemeral_block_device {
    device_name  = "/dev/sdb"
    virtual_name = "ephemeral0"
  }

  timeouts {
    create = "5m"
  }

  tags = {
    Name = var.name
  }
}
"#;

/// The volumes the emulator holds for an instance, by device name.
async fn volumes(ec2: &aws_sdk_ec2::Client, instance: &str) -> BTreeMap<String, Volume> {
    let out = ec2
        .describe_volumes()
        .filters(
            Filter::builder()
                .name("attachment.instance-id")
                .values(instance)
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.volumes()
        .iter()
        .map(|v| (v.attachments()[0].device().unwrap_or_default().to_string(), v.clone()))
        .collect()
}

fn tags(v: &Volume) -> BTreeMap<String, String> {
    v.tags()
        .iter()
        .map(|t| (t.key().unwrap_or_default().into(), t.value().unwrap_or_default().into()))
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> BTreeMap<String, String> {
    p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn credits(ec2: &aws_sdk_ec2::Client, instance: &str) -> String {
    let out = ec2
        .describe_instance_credit_specifications()
        .instance_ids(instance)
        .send()
        .await
        .unwrap();
    out.instance_credit_specifications()[0]
        .cpu_credits()
        .unwrap()
        .to_string()
}

async fn stop_protected(ec2: &aws_sdk_ec2::Client, instance: &str) -> Option<bool> {
    let out = ec2
        .describe_instance_attribute()
        .instance_id(instance)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiStop)
        .send()
        .await
        .unwrap();
    out.disable_api_stop().and_then(|b| b.value())
}

#[tokio::test(flavor = "multi_thread")]
async fn block_devices_are_made_changed_in_place_and_read_back() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", name.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let id = stack.state_id("aws_instance.app");

    let held = volumes(&ec2, &id).await;
    assert_eq!(
        held.keys().collect::<Vec<_>>(),
        ["/dev/sdf", "/dev/xvda"],
        "no instance store volume is listed"
    );
    let root = &held["/dev/xvda"];
    assert_eq!(
        (
            root.size(),
            root.volume_type().map(|t| t.as_str()),
            root.throughput(),
            root.encrypted()
        ),
        (Some(20), Some("gp3"), Some(200), Some(true))
    );
    let root_tags = |role: &str| pairs(&[("Name", &format!("{}-root", stack.name)), ("Role", role)]);
    assert_eq!(tags(root), root_tags("root"));
    let data = &held["/dev/sdf"];
    assert_eq!(
        (data.size(), data.volume_type().map(|t| t.as_str())),
        (Some(5), Some("gp3"))
    );
    assert_eq!(tags(data), pairs(&[("Name", &format!("{}-data", stack.name))]));
    assert_eq!(credits(&ec2, &id).await, "standard");
    assert_eq!(stop_protected(&ec2, &id).await, Some(false));
    let recorded = stack.state_attr("aws_instance.app", "root_block_device");
    assert_eq!(recorded[0]["volume_id"], root.volume_id().unwrap());
    assert_eq!(recorded[0]["device_name"], "/dev/xvda");
    let recorded = stack.state_attr("aws_instance.app", "ebs_block_device");
    assert_eq!(recorded[0]["volume_id"], data.volume_id().unwrap());
    assert_eq!(
        stack.state_attr("aws_instance.app", "ephemeral_block_device")[0]["virtual_name"],
        "ephemeral0"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A bigger, retagged root volume, unlimited credits and stop protection: the same instance.
    let changed = [
        "-var",
        name.as_str(),
        "-var",
        "root_size=30",
        "-var",
        "root_role=boot",
        "-var",
        "credits=unlimited",
        "-var",
        "no_stop=true",
    ];
    stack.changes_in_place("aws_instance.app", &changed);
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id("aws_instance.app"), id, "the same instance");
    let held = volumes(&ec2, &id).await;
    assert_eq!(held["/dev/xvda"].size(), Some(30));
    assert_eq!(held["/dev/xvda"].volume_id(), root.volume_id(), "the same root volume");
    assert_eq!(tags(&held["/dev/xvda"]), root_tags("boot"));
    assert_eq!(credits(&ec2, &id).await, "unlimited");
    assert_eq!(stop_protected(&ec2, &id).await, Some(true));
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Another size for the EBS block replaces the instance, as the provider's ForceNew says.
    let bigger_data = [&changed[..], &["-var", "data_size=6"]].concat();
    let shown = expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &bigger_data].concat()),
        2,
    );
    assert!(shown.contains("aws_instance.app must be replaced"), "{shown}");

    // Resized behind infractl's back: the plan puts it back in place.
    ec2.modify_volume()
        .volume_id(root.volume_id().unwrap())
        .size(40)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("aws_instance.app will be updated in-place"), "{shown}");
    assert!(shown.contains("root_block_device"), "{shown}");

    // Stop protection does not keep a destroy from terminating; the volumes go with it.
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    let left = ec2
        .describe_volumes()
        .volume_ids(root.volume_id().unwrap())
        .volume_ids(data.volume_id().unwrap())
        .send()
        .await;
    let left = left.map(|o| o.volumes().len()).unwrap_or(0);
    assert_eq!(left, 0, "destroy left the volumes");
}

const VOLUME_TAGS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "team" {
  type    = string
  default = "a"
}

resource "aws_instance" "app" {
  ami               = "ami-760aaa0f"
  instance_type     = "m5.large"
  availability_zone = "us-east-1a"

  ebs_block_device {
    device_name = "/dev/sdg"
    volume_size = 2
  }

  volume_tags = {
    Name = var.name
    Team = var.team
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn volume_tags_reach_every_volume_and_change_in_place() {
    let stack = Stack::from_files(&[("main.tf", VOLUME_TAGS)]);
    let name = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &name]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let id = stack.state_id("aws_instance.app");
    let held = volumes(&ec2, &id).await;
    assert_eq!(held.len(), 2, "{held:?}");
    for v in held.values() {
        assert_eq!(tags(v), pairs(&[("Name", &stack.name), ("Team", "a")]));
    }
    assert_eq!(
        stack.state_attr("aws_instance.app", "credit_specification"),
        serde_json::json!([]),
        "m5 is not burstable: no credits asked for or recorded"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &name]), 0);
    let team_b = ["-var", name.as_str(), "-var", "team=b"];
    stack.changes_in_place("aws_instance.app", &team_b);
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &team_b].concat()), 0);
    for v in volumes(&ec2, &id).await.values() {
        assert_eq!(tags(v), pairs(&[("Name", &stack.name), ("Team", "b")]));
    }
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &team_b].concat()), 0);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &team_b].concat()), 0);
}

#[test]
fn block_device_settings_the_provider_refuses_are_refused() {
    each_case_refused_at_validate(
        "aws_instance",
        &[
            "ami = \"ami-760aaa0f\"\n  volume_tags = { a = \"b\" }\n  root_block_device {\n    tags = { c = \"d\" }\n  }",
            "ami = \"ami-760aaa0f\"\n  root_block_device {\n    volume_type = \"gp4\"\n  }",
            "ami = \"ami-760aaa0f\"\n  credit_specification {\n    cpu_credits = \"boundless\"\n  }",
        ],
        "block device settings",
    );
}

/// The checks the provider makes before RunInstances (IOPS and throughput by volume type, an
/// instance store block without a name) stop infractl's plan, before anything is made.
#[test]
fn block_devices_the_provider_refuses_at_launch_are_refused_at_plan() {
    let cases = [
        (
            "root_block_device {\n    volume_type = \"gp2\"\n    iops = 300\n  }",
            "iops attribute not supported for root_block_device with volume_type gp2",
        ),
        (
            "ebs_block_device {\n    device_name = \"/dev/sdf\"\n    volume_type = \"io1\"\n    iops = 100\n    throughput = 200\n  }",
            "throughput attribute not supported for ebs_block_device with volume_type io1",
        ),
        (
            "ephemeral_block_device {\n    device_name = \"/dev/sdb\"\n  }",
            "virtual_name cannot be empty when no_device is false or undefined.",
        ),
    ];
    for (settings, error) in cases {
        let body = format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_instance\" \"i\" {{\n  ami = \"ami-760aaa0f\"\n  instance_type = \"t3.micro\"\n  {settings}\n}}\n"
        );
        let stack = Stack::from_files(&[("main.tf", &body)]);
        let shown = expect_code(&stack.run(&["plan"]), 1);
        assert!(shown.contains(error), "{settings}: {shown}");
        assert!(shown.contains("aws_instance.i"), "{shown}");
    }
}

#[test]
fn terraform_and_infractl_agree_on_block_devices_either_way() {
    cross_check(
        "the block devices cross-check",
        BLUEPRINT,
        "block-devices",
        None,
        &["ec2", "sts"],
    );
}
