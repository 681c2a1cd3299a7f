//! Elastic IP addresses associated with instances, both ways the provider offers: an `aws_eip`
//! naming its `instance` (moved to another instance in place: disassociated, associated again)
//! and an `aws_eip` associated by an `aws_eip_association` (a new target replaces the
//! association). Checked against what the emulator holds (DescribeAddresses: instance,
//! association), the computed DNS names as the provider writes them, an association ended
//! behind infractl's back made again, every object imported back, destroyed; a run killed once
//! AssociateAddress was answered finishing on the next apply; the same blueprint applied by
//! Terraform planned clean and destroyed by infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::killed_creates::apply_killed_when_held;
use crate::support::{expect_code, sdk_config, CountingProxy, Stack, Terraform};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "direct" {
  type    = string
  default = "a"
}

variable "loose" {
  type    = string
  default = "b"
}

resource "aws_instance" "web" {
  for_each      = toset(["a", "b", "c"])
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  tags = {
    Name = "${var.name}-${each.key}"
  }
}

resource "aws_eip" "direct" {
  domain   = "vpc"
  instance = aws_instance.web[var.direct].id
  tags = {
    Name = "${var.name}-direct"
  }
}

resource "aws_eip" "loose" {
  domain = "vpc"
}

resource "aws_eip_association" "loose" {
  allocation_id = aws_eip.loose.id
  instance_id   = aws_instance.web[var.loose].id
}
"#;

/// The instance and association id the emulator holds for an allocation.
async fn held(ec2: &aws_sdk_ec2::Client, allocation: &str) -> (Option<String>, Option<String>) {
    let out = ec2
        .describe_addresses()
        .allocation_ids(allocation)
        .send()
        .await
        .unwrap();
    let a = &out.addresses()[0];
    (
        a.instance_id().map(str::to_string),
        a.association_id().map(str::to_string),
    )
}

async fn released(ec2: &aws_sdk_ec2::Client, allocation: &str) -> bool {
    ec2.describe_addresses()
        .allocation_ids(allocation)
        .send()
        .await
        .map(|o| o.addresses().is_empty())
        .unwrap_or(true)
}

#[tokio::test(flavor = "multi_thread")]
async fn elastic_ips_follow_their_instances() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = format!("name={}", stack.name);
    let with = |direct: &str, loose: &str| {
        vec![
            "-var".to_string(),
            name.clone(),
            "-var".to_string(),
            format!("direct={direct}"),
            "-var".to_string(),
            format!("loose={loose}"),
        ]
    };
    let run = |cmd: &[&str], vars: &[String]| {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(vars.iter().map(String::as_str));
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"], &with("a", "b")), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let instance = |k: &str| stack.state_id(&format!("aws_instance.web[\"{k}\"]"));
    let (direct, loose) = (stack.state_id("aws_eip.direct"), stack.state_id("aws_eip.loose"));

    let (on, association) = held(&ec2, &direct).await;
    assert_eq!(on, Some(instance("a")));
    assert_eq!(
        stack.state_attr("aws_eip.direct", "association_id"),
        association.clone().unwrap().as_str()
    );
    assert_eq!(stack.state_str("aws_eip.direct", "instance"), instance("a"));
    let public_ip = stack.state_str("aws_eip.direct", "public_ip");
    assert_eq!(
        stack.state_str("aws_eip.direct", "public_dns"),
        format!("ec2-{}.compute-1.amazonaws.com", public_ip.replace('.', "-"))
    );
    let private_ip = stack.state_str("aws_eip.direct", "private_ip");
    assert_eq!(
        stack.state_str("aws_eip.direct", "private_dns"),
        format!("ip-{}.ec2.internal", private_ip.replace('.', "-"))
    );
    let a = "aws_eip_association.loose";
    let (on, association) = held(&ec2, &loose).await;
    assert_eq!(on, Some(instance("b")));
    assert_eq!(Some(stack.state_id(a)), association);
    assert_eq!(stack.state_str(a, "allocation_id"), loose);
    assert_eq!(
        stack.state_str(a, "public_ip"),
        stack.state_str("aws_eip.loose", "public_ip")
    );
    // The address the association holds reads as on instance b, which its blueprint leaves unset.
    expect_code(&run(&["plan", "-detailed-exitcode"], &with("a", "b")), 0);

    // The direct address moves to instance c in place.
    stack.changes_in_place(
        "aws_eip.direct",
        &with("c", "b").iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(held(&ec2, &direct).await.0, Some(instance("c")));
    assert_eq!(stack.state_id("aws_eip.direct"), direct, "the same address");

    // The association moves to the freed instance a: a new association.
    let shown = expect_code(&run(&["apply", "-auto-approve"], &with("c", "a")), 0);
    assert!(shown.contains("aws_eip_association.loose must be replaced"), "{shown}");
    let (on, association) = held(&ec2, &loose).await;
    assert_eq!(on, Some(instance("a")));
    assert_eq!(Some(stack.state_id(a)), association);

    // Ended behind infractl's back: planned again and made again.
    ec2.disassociate_address()
        .association_id(stack.state_id(a))
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], &with("c", "a")), 2);
    assert!(shown.contains("aws_eip_association.loose will be created"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], &with("c", "a")), 0);
    assert_eq!(held(&ec2, &loose).await.0, Some(instance("a")));

    stack.reimport_all(&with("c", "a").iter().map(String::as_str).collect::<Vec<_>>());

    expect_code(&run(&["destroy", "-auto-approve"], &with("c", "a")), 0);
    assert!(released(&ec2, &direct).await, "destroy left {direct}");
    assert!(released(&ec2, &loose).await, "destroy left {loose}");
}

/// AssociateAddress answered, the run killed before state knew: the next apply associates the
/// address with the same instance and records that association, the only one the address has.
#[tokio::test(flavor = "multi_thread")]
async fn an_association_whose_create_was_killed_is_finished_by_the_next_apply() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:AssociateAddress"]);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    for eip in ["aws_eip.direct", "aws_eip.loose"] {
        let (on, association) = held(&ec2, &stack.state_id(eip)).await;
        assert!(on.is_some(), "{eip} is not associated");
        assert!(association.is_some(), "{eip} has no association");
    }
    let (_, association) = held(&ec2, &stack.state_id("aws_eip.loose")).await;
    assert_eq!(Some(stack.state_id("aws_eip_association.loose")), association);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn elastic_ips_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the Elastic IPs applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["ec2", "sts"], &["-var", &var]);
    let kept = std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap();
    assert!(kept.contains("eipassoc-"), "{kept}");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}
