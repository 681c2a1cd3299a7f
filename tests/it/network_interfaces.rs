//! Elastic network interfaces, checked against what the emulator holds: addresses given as a
//! set, a count and an ordered list; groups, description, source/destination check and tags;
//! an instance with secondary addresses on its primary interface; an instance launched on an
//! interface made apart, a second interface attached by its own
//! resource and a third by the interface's `attachment` block; a group added by
//! `aws_network_interface_sg_attachment`; the interface and interfaces data sources. Then
//! changes in place, a new primary address planned
//! as a replacement, import of every object, destroy (interfaces kept at termination are
//! detached, then deleted), a killed create adopted, the provider's refusals, and the same
//! blueprint applied by either tool planned clean by the other.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_ec2::types::NetworkInterface;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "team" {
  type    = string
  default = "a"
}

variable "check" {
  type    = bool
  default = true
}

variable "secondaries" {
  type    = number
  default = 1
}

variable "primary" {
  type    = string
  default = "10.61.1.20"
}

variable "extra_ip" {
  type    = string
  default = "10.61.1.41"
}

resource "aws_vpc" "v" {
  cidr_block = "10.61.0.0/16"
  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "s" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.61.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "a" {
  name   = "${var.name}-a"
  vpc_id = aws_vpc.v.id
}

resource "aws_security_group" "b" {
  name   = "${var.name}-b"
  vpc_id = aws_vpc.v.id
}

resource "aws_network_interface" "listed" {
  subnet_id         = aws_subnet.s.id
  private_ips       = ["10.61.1.10", "10.61.1.11"]
  security_groups   = [aws_security_group.a.id]
  description       = "listed by ${var.team}"
  source_dest_check = var.check
  tags = {
    Team = var.team
  }
  attachment {
    instance     = aws_instance.app.id
    device_index = 2
  }
}

resource "aws_network_interface" "counted" {
  subnet_id         = aws_subnet.s.id
  private_ips_count = var.secondaries
  interface_type    = "efa"
}

resource "aws_network_interface" "primary" {
  subnet_id               = aws_subnet.s.id
  private_ip_list_enabled = true
  private_ip_list         = [var.primary, "10.61.1.21"]
  security_groups         = [aws_security_group.a.id]
}

resource "aws_instance" "app" {
  ami           = "ami-760aaa0f"
  instance_type = "c5.large"
  network_interface {
    network_interface_id = aws_network_interface.primary.id
    device_index         = 0
  }
}

resource "aws_instance" "multi" {
  ami                    = "ami-760aaa0f"
  instance_type          = "c5.large"
  subnet_id              = aws_subnet.s.id
  private_ip             = "10.61.1.40"
  secondary_private_ips  = [var.extra_ip, "10.61.1.42"]
  vpc_security_group_ids = [aws_security_group.a.id]
}

resource "aws_network_interface_attachment" "second" {
  instance_id          = aws_instance.app.id
  network_interface_id = aws_network_interface.counted.id
  device_index         = 1
}

resource "aws_network_interface_sg_attachment" "extra" {
  security_group_id    = aws_security_group.b.id
  network_interface_id = aws_network_interface.counted.id
}

data "aws_network_interface" "listed" {
  id = aws_network_interface.listed.id
}

data "aws_network_interfaces" "in_subnet" {
  filter {
    name   = "subnet-id"
    values = [aws_subnet.s.id]
  }
  depends_on = [aws_instance.multi, aws_network_interface.listed, aws_network_interface.counted]
}

output "listed" {
  value = [
    join(",", sort(data.aws_network_interface.listed.private_ips)),
    data.aws_network_interface.listed.attachment[0].device_index,
    data.aws_network_interface.listed.vpc_id,
  ]
}

output "in_subnet" {
  value = length(data.aws_network_interfaces.in_subnet.ids)
}
"#;

async fn interface(ec2: &aws_sdk_ec2::Client, id: &str) -> Option<NetworkInterface> {
    let out = ec2
        .describe_network_interfaces()
        .network_interface_ids(id)
        .send()
        .await
        .ok()?;
    out.network_interfaces().first().cloned()
}

/// (primary address, every address sorted) as the emulator holds them.
fn addresses(n: &NetworkInterface) -> (String, Vec<String>) {
    let mut all: Vec<String> = n
        .private_ip_addresses()
        .iter()
        .filter_map(|a| a.private_ip_address().map(str::to_string))
        .collect();
    all.sort();
    (n.private_ip_address().unwrap_or_default().to_string(), all)
}

fn groups(n: &NetworkInterface) -> Vec<String> {
    let mut g: Vec<String> = n
        .groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    g.sort();
    g
}

/// (instance, device index) the interface is attached to.
fn attached(n: &NetworkInterface) -> Option<(String, i32)> {
    let a = n.attachment()?;
    Some((a.instance_id()?.to_string(), a.device_index()?))
}

#[tokio::test(flavor = "multi_thread")]
async fn interfaces_are_made_attached_changed_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &name]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let id = |a: &str| stack.state_id(a);
    let (listed, counted, primary) = (
        id("aws_network_interface.listed"),
        id("aws_network_interface.counted"),
        id("aws_network_interface.primary"),
    );
    let (app, group_a, group_b) = (
        id("aws_instance.app"),
        id("aws_security_group.a"),
        id("aws_security_group.b"),
    );

    let n = interface(&ec2, &listed).await.expect("listed interface");
    let (first, all) = addresses(&n);
    assert_eq!(all, ["10.61.1.10", "10.61.1.11"]);
    assert!(all.contains(&first), "primary {first} not among {all:?}");
    assert_eq!(groups(&n), vec![group_a.clone()]);
    assert_eq!(n.description(), Some("listed by a"));
    assert_eq!(n.source_dest_check(), Some(true));
    assert!(n
        .tag_set()
        .iter()
        .any(|t| t.key() == Some("Team") && t.value() == Some("a")));
    assert_eq!(attached(&n), Some((app.clone(), 2)));

    let n = interface(&ec2, &counted).await.expect("counted interface");
    assert_eq!(addresses(&n).1.len(), 2, "primary and one secondary");
    assert_eq!(n.interface_type().map(|t| t.as_str()), Some("efa"));
    assert!(groups(&n).contains(&group_b), "sg attachment missing: {:?}", groups(&n));
    assert_eq!(attached(&n), Some((app.clone(), 1)));
    assert_eq!(
        stack.state_str("aws_network_interface_attachment.second", "attachment_id"),
        n.attachment().and_then(|a| a.attachment_id()).unwrap_or_default()
    );
    assert_eq!(
        stack.state_id("aws_network_interface_sg_attachment.extra"),
        format!("{group_b}_{counted}")
    );

    let n = interface(&ec2, &primary).await.expect("primary interface");
    assert_eq!(
        addresses(&n),
        ("10.61.1.20".into(), vec!["10.61.1.20".into(), "10.61.1.21".into()])
    );
    assert_eq!(attached(&n), Some((app.clone(), 0)));
    assert_eq!(
        stack.state_str("aws_instance.app", "primary_network_interface_id"),
        primary
    );
    assert_eq!(stack.state_str("aws_instance.app", "private_ip"), "10.61.1.20");
    assert_eq!(
        stack.state_attr("aws_instance.app", "network_interface")[0]["network_interface_id"],
        primary.as_str()
    );
    assert_eq!(
        stack.state_str("aws_network_interface.listed", "arn"),
        format!("arn:aws:ec2:us-east-1:123456789012:network-interface/{listed}")
    );
    let multi = stack.state_str("aws_instance.multi", "primary_network_interface_id");
    let held = |want: &[&str]| {
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        ("10.61.1.40".to_string(), want)
    };
    assert_eq!(
        interface(&ec2, &multi).await.map(|n| addresses(&n)),
        Some(held(&["10.61.1.40", "10.61.1.41", "10.61.1.42"]))
    );
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(
        out["listed"]["value"],
        serde_json::json!(["10.61.1.10,10.61.1.11", 2, id("aws_vpc.v")])
    );
    // listed, counted, primary and the instance's own: every interface in the subnet.
    assert_eq!(out["in_subnet"]["value"], 4);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &name]), 0);

    // Description, check, tags, the number of secondaries and an instance's secondary
    // addresses change in place.
    let changed = [
        "-var",
        name.as_str(),
        "-var",
        "team=b",
        "-var",
        "check=false",
        "-var",
        "secondaries=3",
        "-var",
        "extra_ip=10.61.1.43",
    ];
    let shown = stack.plans_and_applies("0 to add, 3 to change, 0 to destroy", &changed);
    assert_eq!(
        interface(&ec2, &multi).await.map(|n| addresses(&n)),
        Some(held(&["10.61.1.40", "10.61.1.42", "10.61.1.43"]))
    );
    for a in [
        "aws_network_interface.listed",
        "aws_network_interface.counted",
        "aws_instance.multi",
    ] {
        assert!(shown.contains(&format!("{a} will be updated in-place")), "{shown}");
    }
    let n = interface(&ec2, &listed).await.expect("listed interface");
    assert_eq!(
        (n.description(), n.source_dest_check()),
        (Some("listed by b"), Some(false))
    );
    assert!(n
        .tag_set()
        .iter()
        .any(|t| t.key() == Some("Team") && t.value() == Some("b")));
    assert_eq!(attached(&n), Some((app.clone(), 2)), "still attached");
    assert_eq!(interface(&ec2, &counted).await.map(|n| addresses(&n).1.len()), Some(4));
    assert_eq!(
        stack.state_id("aws_network_interface.counted"),
        counted,
        "changed in place"
    );
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // A new primary address replaces the interface (and the instance launched on it).
    let moved = [&changed[..], &["-var", "primary=10.61.1.30"]].concat();
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &moved].concat()), 2);
    assert!(
        shown.contains("aws_network_interface.primary must be replaced"),
        "{shown}"
    );

    // An imported instance has no `network_interface` blocks to read (the provider reads only
    // the device indexes state names, none after an import) and plans its replacement, in
    // Terraform too; an imported interface plans `private_ip_list_enabled` back in place.
    stack.reimport_all_but(&["aws_instance"], &changed);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    for eni in [&listed, &counted, &primary] {
        assert!(interface(&ec2, eni).await.is_none(), "destroy left {eni}");
    }
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_vpc" "v" {
  cidr_block = "10.62.0.0/16"
}

resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.62.1.0/24"
}

variable "ip" {
  type    = string
  default = "10.62.1.50"
}

resource "aws_network_interface" "n" {
  subnet_id   = aws_subnet.s.id
  description = var.name
  private_ip  = var.ip
}
"#;

/// CreateNetworkInterface answered, the run killed before state knew: the next apply adopts
/// the interface and makes no second one. The interface asks for its primary address alone.
#[tokio::test(flavor = "multi_thread")]
async fn an_interface_whose_create_was_killed_is_adopted() {
    let stack = Stack::from_files(&[("main.tf", KILLED)]);
    let proxy = CountingProxy::start();
    let var = format!("-var=name={}", stack.name);
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:CreateNetworkInterface"]);
    reapply_adopts(&stack, &var, "aws_network_interface.n");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let subnet = stack.state_id("aws_subnet.s");
    let out = ec2
        .describe_network_interfaces()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("subnet-id")
                .values(&subnet)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.network_interfaces().len(), 1, "one interface in {subnet}");
    // `private_ip` alone is the primary address asked for; a new one is a new interface.
    assert_eq!(out.network_interfaces()[0].private_ip_address(), Some("10.62.1.50"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let shown = expect_code(
        &stack.run(&["plan", "-detailed-exitcode", &var, "-var=ip=10.62.1.51"]),
        2,
    );
    assert!(shown.contains("aws_network_interface.n must be replaced"), "{shown}");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[test]
fn interface_settings_the_provider_refuses_are_refused() {
    each_case_refused_at_validate(
        "aws_network_interface",
        &[
            "subnet_id = \"subnet-1\"\n  interface_type = \"interface\"",
            "subnet_id = \"subnet-1\"\n  private_ips = [\"10.0.0.5\"]\n  private_ip_list = [\"10.0.0.5\"]",
            "subnet_id = \"subnet-1\"\n  private_ips_count = 1\n  private_ip_list = [\"10.0.0.5\"]",
        ],
        "network interface settings",
    );
    each_case_refused_at_validate(
        "aws_instance",
        &[
            "ami = \"ami-1\"\n  instance_type = \"c5.large\"\n  subnet_id = \"subnet-1\"\n  network_interface {\n    network_interface_id = \"eni-1\"\n    device_index = 0\n  }",
        ],
        "an instance's own interfaces beside a subnet",
    );
}

#[test]
fn terraform_and_infractl_agree_on_network_interfaces_either_way() {
    cross_check(
        "the network interfaces cross-check",
        BLUEPRINT,
        "eni",
        None,
        &["ec2", "sts"],
    );
}
