//! EBS volumes and their attachments: a gp3 volume attached to an instance at `/dev/sdh` and a
//! gp2 volume kept by a final snapshot, checked against what the emulator holds
//! (DescribeVolumes: size, type, IOPS, the attachment; DescribeSnapshots after destroy), the
//! attachment's id as the provider hashes it, size and IOPS changed in place, a detach made
//! behind infractl's back attached again, every object imported back, destroyed with the
//! instance stopped first; a volume whose create was killed adopted by its tags; the provider's
//! plan-time checks of IOPS and throughput; the same blueprint applied by Terraform planned
//! clean and destroyed by infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{expect_code, sdk_config, CountingProxy, Stack, Terraform};
use aws_sdk_ec2::types::Filter;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "size" {
  type    = number
  default = 8
}

variable "iops" {
  type    = number
  default = 3000
}

variable "stop_first" {
  type    = bool
  default = false
}

resource "aws_instance" "db" {
  ami               = "ami-12c6146b"
  instance_type     = "t3.micro"
  availability_zone = "us-east-1a"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = var.size
  type              = "gp3"
  iops              = var.iops
  throughput        = 125
  tags = {
    Name = "${var.name}-data"
  }
}

resource "aws_ebs_volume" "logs" {
  availability_zone = "us-east-1a"
  size              = 4
  type              = "gp2"
  final_snapshot    = true
  tags = {
    Name = "${var.name}-logs"
  }
}

resource "aws_volume_attachment" "data" {
  device_name                    = "/dev/sdh"
  volume_id                      = aws_ebs_volume.data.id
  instance_id                    = aws_instance.db.id
  stop_instance_before_detaching = var.stop_first
}
"#;

/// (size, type, iops, attached instance and device) as the emulator holds a volume; `None` once
/// it is deleted.
async fn held(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<(i32, String, Option<i32>, Option<(String, String)>)> {
    let out = ec2.describe_volumes().volume_ids(id).send().await.ok()?;
    let v = out.volumes().first()?;
    let attached = v
        .attachments()
        .iter()
        .find(|a| a.state().map(|s| s.as_str()) == Some("attached"))
        .map(|a| {
            (
                a.instance_id().unwrap_or_default().to_string(),
                a.device().unwrap_or_default().to_string(),
            )
        });
    Some((
        v.size().unwrap_or_default(),
        v.volume_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        v.iops(),
        attached,
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn volumes_attach_resize_and_leave_a_final_snapshot() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", name.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let (data, logs, instance) = (
        stack.state_id("aws_ebs_volume.data"),
        stack.state_id("aws_ebs_volume.logs"),
        stack.state_id("aws_instance.db"),
    );
    let on = Some((instance.clone(), "/dev/sdh".to_string()));
    assert_eq!(held(&ec2, &data).await, Some((8, "gp3".into(), Some(3000), on.clone())));
    assert_eq!(
        held(&ec2, &logs).await.map(|v| (v.0, v.1, v.3)),
        Some((4, "gp2".into(), None))
    );
    let hash = crc32fast::hash(format!("/dev/sdh-{instance}-{data}-").as_bytes());
    assert_eq!(stack.state_id("aws_volume_attachment.data"), format!("vai-{hash}"));
    assert_eq!(
        stack.state_str("aws_ebs_volume.data", "arn"),
        format!("arn:aws:ec2:{REGION}:123456789012:volume/{data}")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A bigger volume with more IOPS, in place.
    let bigger = ["-var", name.as_str(), "-var", "size=16", "-var", "iops=4000"];
    stack.changes_in_place("aws_ebs_volume.data", &bigger);
    assert_eq!(
        held(&ec2, &data).await,
        Some((16, "gp3".into(), Some(4000), on.clone()))
    );
    assert_eq!(stack.state_id("aws_ebs_volume.data"), data, "the same volume");

    // Detached behind infractl's back: attached again.
    ec2.detach_volume().volume_id(&data).send().await.unwrap();
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &bigger].concat()), 2);
    assert!(shown.contains("aws_volume_attachment.data will be created"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &bigger].concat()), 0);
    assert_eq!(held(&ec2, &data).await.and_then(|v| v.3), on);

    stack.reimport_all(&bigger);

    // Destroyed with the instance stopped first (a setting of state alone, recorded in place).
    let stop = [&bigger[..], &["-var", "stop_first=true"]].concat();
    let shown = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &stop].concat()), 0);
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &stop].concat()), 0);
    assert!(held(&ec2, &data).await.is_none(), "destroy left {data}");
    assert!(held(&ec2, &logs).await.is_none(), "destroy left {logs}");
    let snapshots = ec2
        .describe_snapshots()
        .filters(Filter::builder().name("volume-id").values(&logs).build())
        .send()
        .await
        .unwrap();
    let snapshot = snapshots.snapshots().first().expect("the final snapshot");
    assert_eq!(snapshot.state().map(|s| s.as_str()), Some("completed"));
    assert!(
        snapshot
            .tags()
            .iter()
            .any(|t| t.key() == Some("Name") && t.value() == Some(&format!("{}-logs", stack.name))),
        "{snapshot:?}"
    );
    assert!(
        snapshots
            .snapshots()
            .iter()
            .all(|s| s.volume_id() != Some(data.as_str())),
        "no final snapshot was asked for {data}"
    );
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 2
  tags = {
    Name = var.name
  }
}
"#;

/// CreateVolume answered, the run killed before state knew: the next apply adopts the volume by
/// the stack's tags and makes no second one.
#[tokio::test(flavor = "multi_thread")]
async fn a_volume_whose_create_was_killed_is_adopted_by_its_tags() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateVolume"]);
    reapply_adopts(&stack, &var, "aws_ebs_volume.data");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let owned = ec2
        .describe_volumes()
        .filters(Filter::builder().name("tag:infractl:stack").values(&stack.name).build())
        .send()
        .await
        .unwrap();
    assert_eq!(owned.volumes().len(), 1, "{owned:?}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

/// The provider's plan-time checks: io1 without IOPS, IOPS on gp2, throughput on gp2,
/// multi-attach on gp3. Each stops the plan before any volume is made.
#[test]
fn volume_settings_the_provider_refuses_at_plan_are_refused() {
    let cases = [
        ("type = \"io1\"", "'iops' must be set when 'type' is 'io1'"),
        (
            "type = \"gp2\"\n  iops = 100",
            "'iops' must not be set when 'type' is 'gp2'",
        ),
        (
            "type = \"gp2\"\n  throughput = 200",
            "'throughput' must not be set when 'type' is 'gp2'",
        ),
        (
            "type = \"gp3\"\n  multi_attach_enabled = true",
            "'multi_attach_enabled' must not be set when 'type' is 'gp3'",
        ),
    ];
    for (settings, error) in cases {
        let body = format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_ebs_volume\" \"v\" {{\n  availability_zone = \"us-east-1a\"\n  size = 4\n  {settings}\n}}\n"
        );
        let stack = Stack::from_files(&[("main.tf", &body)]);
        let shown = expect_code(&stack.run(&["plan"]), 1);
        assert!(shown.contains(error), "{settings}: {shown}");
        assert!(shown.contains("aws_ebs_volume.v"), "{shown}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn volumes_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the volumes applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["ec2", "sts"], &["-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}
