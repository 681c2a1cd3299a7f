//! `aws_launch_template` on the emulator: a template with block devices, a network interface,
//! metadata options, monitoring, a credit specification and instance tags holds in EC2 what the
//! blueprint says; a change adds a version (the default follows with
//! `update_default_version`, or stays where `default_version` pins it); a version made behind
//! infractl's back is drift; an import plans clean; a create killed before its answer is
//! adopted; destroy deletes the template. The data source finds a template by id or filter and
//! reads its latest version. Terraform plans clean after infractl and back, data sources and
//! outputs included.

use crate::interop::cross_check;
use crate::killed_creates::apply_killed_when_held;
use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_ec2::types::{LaunchTemplate, ResponseLaunchTemplateData};

const TEMPLATES: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_vpc" "v" { cidr_block = "10.71.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.71.1.0/24"
}
resource "aws_security_group" "a" { vpc_id = aws_vpc.v.id }
resource "aws_launch_template" "web" {
  name                   = "${var.name}-web"
  description            = "first"
  image_id               = "ami-12c6146b"
  instance_type          = "t3.micro"
  ebs_optimized          = true
  update_default_version = true
  user_data              = base64encode("#!/bin/sh\necho hi\n")
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 20
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }
  network_interfaces {
    associate_public_ip_address = true
    device_index                = 0
    security_groups             = [aws_security_group.a.id]
    subnet_id                   = aws_subnet.s.id
  }
  credit_specification {
    cpu_credits = "unlimited"
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  monitoring {
    enabled = true
  }
  iam_instance_profile {
    name = "web-profile"
  }
  tag_specifications {
    resource_type = "instance"
    tags          = { Role = "web" }
  }
  tags = { Name = "web" }
}
resource "aws_launch_template" "pinned" {
  name_prefix            = "pinned-"
  image_id               = "ami-12c6146b"
  instance_type          = "m5.large"
  vpc_security_group_ids = [aws_security_group.a.id]
  default_version        = 1
  placement {
    availability_zone = "us-east-1a"
    tenancy           = "default"
  }
  instance_market_options {
    market_type = "spot"
    spot_options {
      max_price = "0.05"
    }
  }
}
data "aws_launch_template" "pinned" {
  id = aws_launch_template.pinned.id
}
data "aws_launch_template" "web" {
  filter {
    name   = "launch-template-name"
    values = [aws_launch_template.web.name]
  }
}
output "pinned_lookup" {
  value = [
    data.aws_launch_template.pinned.instance_type,
    data.aws_launch_template.pinned.latest_version,
    data.aws_launch_template.pinned.placement[0].availability_zone,
  ]
}
output "web_lookup" {
  value = [
    data.aws_launch_template.web.id,
    data.aws_launch_template.web.metadata_options[0].http_tokens,
    data.aws_launch_template.web.tags["Name"],
  ]
}
"##;

async fn template(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<LaunchTemplate> {
    let out = ec2.describe_launch_templates().launch_template_ids(id).send().await;
    match out {
        Ok(o) => o.launch_templates().first().cloned(),
        Err(e) => {
            let code = aws_sdk_ec2::error::ProvideErrorMetadata::code(&e)
                .unwrap_or_default()
                .to_string();
            assert!(code.contains("NotFound"), "describe {id}: {e:?}");
            None
        }
    }
}

async fn version(ec2: &aws_sdk_ec2::Client, id: &str, v: &str) -> ResponseLaunchTemplateData {
    let out = ec2
        .describe_launch_template_versions()
        .launch_template_id(id)
        .versions(v)
        .send()
        .await
        .unwrap();
    out.launch_template_versions()[0]
        .launch_template_data()
        .unwrap()
        .clone()
}

fn tag<'a>(t: &'a LaunchTemplate, key: &str) -> Option<&'a str> {
    t.tags().iter().find(|x| x.key() == Some(key)).and_then(|x| x.value())
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_hold_their_settings_add_versions_on_change_and_are_deleted() {
    let stack = Stack::from_files(&[("main.tf", TEMPLATES)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");
    let lookup = |name: &str| -> serde_json::Value {
        serde_json::from_str(&expect_code(&stack.run(&["output", "-json", name]), 0)).unwrap()
    };
    let web_id = stack.state_id("aws_launch_template.web");
    assert_eq!(
        lookup("pinned_lookup"),
        serde_json::json!(["m5.large", 1, "us-east-1a"])
    );
    assert_eq!(lookup("web_lookup"), serde_json::json!([web_id, "required", "web"]));

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let web = stack.state_id("aws_launch_template.web");
    let t = template(&ec2, &web).await.expect("the template exists");
    assert_eq!(t.launch_template_name(), Some(format!("{}-web", stack.name).as_str()));
    assert_eq!(
        (t.default_version_number(), t.latest_version_number()),
        (Some(1), Some(1))
    );
    assert_eq!(tag(&t, "Name"), Some("web"));
    let d = version(&ec2, &web, "$Latest").await;
    assert_eq!(d.image_id(), Some("ami-12c6146b"));
    assert_eq!(d.instance_type().map(|t| t.as_str()), Some("t3.micro"));
    assert_eq!(d.ebs_optimized(), Some(true));
    let ebs = d.block_device_mappings()[0].ebs().unwrap();
    assert_eq!(d.block_device_mappings()[0].device_name(), Some("/dev/xvda"));
    assert_eq!(
        (
            ebs.volume_size(),
            ebs.volume_type().map(|v| v.as_str()),
            ebs.encrypted()
        ),
        (Some(20), Some("gp3"), Some(true))
    );
    let nic = &d.network_interfaces()[0];
    assert_eq!(nic.associate_public_ip_address(), Some(true));
    assert_eq!(nic.subnet_id(), Some(stack.state_id("aws_subnet.s").as_str()));
    assert_eq!(nic.groups(), [stack.state_id("aws_security_group.a")]);
    let m = d.metadata_options().unwrap();
    assert_eq!(m.http_tokens().map(|t| t.as_str()), Some("required"));
    assert_eq!(m.http_put_response_hop_limit(), Some(2));
    assert_eq!(d.monitoring().and_then(|m| m.enabled()), Some(true));
    // t3 is burstable, so the credit specification was sent.
    assert_eq!(
        d.credit_specification().and_then(|c| c.cpu_credits()),
        Some("unlimited")
    );
    assert_eq!(d.iam_instance_profile().and_then(|p| p.name()), Some("web-profile"));
    assert_eq!(d.user_data(), Some("IyEvYmluL3NoCmVjaG8gaGkK"));
    let specs = d.tag_specifications();
    assert_eq!(specs.len(), 1, "only the instance tags, not the template's: {specs:?}");
    assert_eq!(specs[0].resource_type().map(|r| r.as_str()), Some("instance"));
    assert_eq!(specs[0].tags()[0].value(), Some("web"));

    let pinned = stack.state_id("aws_launch_template.pinned");
    let p = template(&ec2, &pinned).await.unwrap();
    assert!(p.launch_template_name().unwrap().starts_with("pinned-"));
    let d = version(&ec2, &pinned, "$Latest").await;
    assert_eq!(d.security_group_ids(), [stack.state_id("aws_security_group.a")]);
    assert_eq!(d.placement().and_then(|p| p.availability_zone()), Some("us-east-1a"));
    let spot = d.instance_market_options().unwrap();
    assert_eq!(spot.market_type().map(|m| m.as_str()), Some("spot"));
    assert_eq!(spot.spot_options().and_then(|s| s.max_price()), Some("0.05"));
    assert!(d.credit_specification().is_none());

    // A new instance type and tag: a second version, which becomes the default.
    stack.edit("main.tf", "\"t3.micro\"", "\"t3.small\"");
    stack.edit("main.tf", "Name = \"web\"", "Name = \"web-2\"");
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_launch_template.web will be updated in-place"),
        "{shown}"
    );
    assert!(
        shown.contains("latest_version") && shown.contains("(known after apply)"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let t = template(&ec2, &web).await.unwrap();
    assert_eq!(
        (t.default_version_number(), t.latest_version_number()),
        (Some(2), Some(2))
    );
    assert_eq!(tag(&t, "Name"), Some("web-2"));
    assert_eq!(
        version(&ec2, &web, "2").await.instance_type().map(|t| t.as_str()),
        Some("t3.small")
    );
    assert_eq!(
        version(&ec2, &web, "1").await.instance_type().map(|t| t.as_str()),
        Some("t3.micro")
    );
    assert_eq!(stack.state_attr("aws_launch_template.web", "latest_version"), 2);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // The pinned template gets a version, but its default stays; then the pin moves.
    stack.edit("main.tf", "\"m5.large\"", "\"m5.xlarge\"");
    stack.changes_in_place("aws_launch_template.pinned", &args);
    let p = template(&ec2, &pinned).await.unwrap();
    assert_eq!(
        (p.default_version_number(), p.latest_version_number()),
        (Some(1), Some(2))
    );
    // The data source read the new version once the template had it.
    assert_eq!(
        lookup("pinned_lookup"),
        serde_json::json!(["m5.xlarge", 2, "us-east-1a"])
    );
    stack.edit("main.tf", "default_version        = 1", "default_version        = 2");
    stack.changes_in_place("aws_launch_template.pinned", &args);
    assert_eq!(template(&ec2, &pinned).await.unwrap().default_version_number(), Some(2));

    // A version made behind infractl's back is drift: the plan brings the settings back.
    ec2.create_launch_template_version()
        .launch_template_id(&web)
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .image_id("ami-12c6146b")
                .instance_type(aws_sdk_ec2::types::InstanceType::C5Large)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(shown.contains("\"c5.large\" -> \"t3.small\""), "{shown}");
    let t = template(&ec2, &web).await.unwrap();
    assert_eq!(
        (t.default_version_number(), t.latest_version_number()),
        (Some(4), Some(4))
    );
    assert_eq!(
        version(&ec2, &web, "4").await.instance_type().map(|t| t.as_str()),
        Some("t3.small")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Imported by id, both plan clean (name_prefix recovered from the generated name).
    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(template(&ec2, &web).await.is_none(), "the template is deleted");
    assert!(template(&ec2, &pinned).await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_template_create_killed_before_its_answer_is_adopted() {
    let blueprint = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "t" {
  name          = "${var.name}-killed"
  image_id      = "ami-12c6146b"
  instance_type = "t3.nano"
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateLaunchTemplate"]);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(shown.contains("aws_launch_template.t: adopting"), "{shown}");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let found = ec2
        .describe_launch_templates()
        .launch_template_names(format!("{}-killed", stack.name))
        .send()
        .await
        .unwrap();
    assert_eq!(found.launch_templates().len(), 1);
    assert_eq!(
        stack.state_id("aws_launch_template.t"),
        found.launch_templates()[0].launch_template_id().unwrap()
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

/// Terraform and infractl keep a launch template the same way: each plans clean after the
/// other applied it (nullable bools, versions, the blocks AWS echoes back).
#[test]
fn terraform_and_infractl_agree_on_launch_templates_either_way() {
    cross_check(
        "the aws_launch_template cross-check",
        TEMPLATES,
        "cross-check",
        Some(("10.71.", "10.72.")),
        &["ec2", "sts"],
    );
}
