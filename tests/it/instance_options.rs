//! An instance's launch option blocks, checked against what the emulator holds: CPU cores and
//! threads, automatic recovery, private DNS names and the capacity reservation preference sent
//! at launch, and the groups given on the primary interface read back as the instance's; recovery and the preference changed in place on the same instance; new CPU
//! options planned as a replacement; the provider's refusals; the same blueprint applied by
//! either tool planned clean by the other.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "recovery" {
  type    = string
  default = "disabled"
}

variable "preference" {
  type    = string
  default = "open"
}

variable "cores" {
  type    = number
  default = 2
}

resource "aws_security_group" "app" {
  name_prefix = "${var.name}-"
}

resource "aws_instance" "app" {
  ami           = "ami-760aaa0f"
  instance_type = "c5.xlarge"

  # Groups on the primary interface, where a public address is asked for.
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.app.id]

  cpu_options {
    core_count       = var.cores
    threads_per_core = 1
  }

  maintenance_options {
    auto_recovery = var.recovery
  }

  private_dns_name_options {
    hostname_type                     = "resource-name"
    enable_resource_name_dns_a_record = true
  }

  capacity_reservation_specification {
    capacity_reservation_preference = var.preference
  }

  tags = {
    Name = var.name
  }
}
"#;

/// (cores, threads, auto recovery, hostname type, A record, reservation preference) as the
/// emulator holds them.
async fn held(ec2: &aws_sdk_ec2::Client, id: &str) -> (i32, i32, String, String, bool, String) {
    let out = ec2.describe_instances().instance_ids(id).send().await.unwrap();
    let i = &out.reservations()[0].instances()[0];
    let cpu = i.cpu_options().unwrap();
    let dns = i.private_dns_name_options().unwrap();
    (
        cpu.core_count().unwrap(),
        cpu.threads_per_core().unwrap(),
        i.maintenance_options()
            .unwrap()
            .auto_recovery()
            .unwrap()
            .as_str()
            .into(),
        dns.hostname_type().unwrap().as_str().into(),
        dns.enable_resource_name_dns_a_record().unwrap(),
        i.capacity_reservation_specification()
            .unwrap()
            .capacity_reservation_preference()
            .unwrap()
            .as_str()
            .into(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_options_are_sent_read_back_and_changed_in_place() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &name]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let id = stack.state_id("aws_instance.app");
    let s = |v: &str| v.to_string();
    assert_eq!(
        held(&ec2, &id).await,
        (2, 1, s("disabled"), s("resource-name"), true, s("open"))
    );
    assert_eq!(stack.state_attr("aws_instance.app", "cpu_core_count"), 2);
    let group = stack.state_id("aws_security_group.app");
    let out = ec2.describe_instances().instance_ids(&id).send().await.unwrap();
    let groups: Vec<&str> = out.reservations()[0].instances()[0]
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id())
        .collect();
    assert_eq!(
        groups,
        [group.as_str()],
        "the primary interface's groups are the instance's"
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &name]), 0);

    let changed = [
        "-var",
        name.as_str(),
        "-var",
        "recovery=default",
        "-var",
        "preference=none",
    ];
    stack.changes_in_place("aws_instance.app", &changed);
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id("aws_instance.app"), id, "the same instance");
    assert_eq!(
        held(&ec2, &id).await,
        (2, 1, s("default"), s("resource-name"), true, s("none"))
    );
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    let more_cores = [&changed[..], &["-var", "cores=4"]].concat();
    let shown = expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &more_cores].concat()),
        2,
    );
    assert!(shown.contains("aws_instance.app must be replaced"), "{shown}");
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
}

#[test]
fn launch_option_settings_the_provider_refuses_are_refused() {
    each_case_refused_at_validate(
        "aws_instance",
        &[
            "ami = \"ami-760aaa0f\"\n  cpu_core_count = 2\n  cpu_options {\n    core_count = 2\n  }",
            "ami = \"ami-760aaa0f\"\n  maintenance_options {\n    auto_recovery = \"sometimes\"\n  }",
            "ami = \"ami-760aaa0f\"\n  private_dns_name_options {\n    hostname_type = \"dns-name\"\n  }",
            "ami = \"ami-760aaa0f\"\n  capacity_reservation_specification {\n    capacity_reservation_preference = \"open\"\n    capacity_reservation_target {\n      capacity_reservation_id = \"cr-1\"\n    }\n  }",
            "ami = \"ami-760aaa0f\"\n  cpu_options {\n    amd_sev_snp = \"on\"\n  }",
        ],
        "launch option settings",
    );
}

#[test]
fn terraform_and_infractl_agree_on_launch_options_either_way() {
    cross_check(
        "the launch options cross-check",
        BLUEPRINT,
        "launch-options",
        None,
        &["ec2", "sts"],
    );
}
