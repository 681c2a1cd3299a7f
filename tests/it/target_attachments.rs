//! `aws_lb_target_group_attachment` on the emulator: an instance registered on a port and an
//! IP address registered with their target groups; ELB holds them, a second plan is clean, a
//! target deregistered behind infractl's back is registered again by the next apply, and
//! removing an attachment deregisters its target.

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "us-east-1";

const ATTACHMENTS: &str = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
data "aws_ssm_parameter" "al2" {
  name = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
}
resource "aws_vpc" "v" { cidr_block = "10.62.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.62.1.0/24"
}
resource "aws_instance" "web" {
  ami           = nonsensitive(data.aws_ssm_parameter.al2.value)
  instance_type = "t3.nano"
  subnet_id     = aws_subnet.s.id
}
resource "aws_lb_target_group" "instances" {
  name     = "${var.name}-i"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.v.id
}
resource "aws_lb_target_group" "ips" {
  name        = "${var.name}-ip"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.v.id
}
resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.instances.arn
  target_id        = aws_instance.web.id
  port             = 8080
}
resource "aws_lb_target_group_attachment" "ip" {
  target_group_arn = aws_lb_target_group.ips.arn
  target_id        = "10.62.1.10"
}
output "instance" { value = aws_instance.web.id }
output "instances_arn" { value = aws_lb_target_group.instances.arn }
output "ips_arn" { value = aws_lb_target_group.ips.arn }
"#;

/// The targets (id, port) a target group holds.
async fn targets(elb: &aws_sdk_elasticloadbalancingv2::Client, group: &str) -> Vec<(String, Option<i32>)> {
    let out = elb
        .describe_target_health()
        .target_group_arn(group)
        .send()
        .await
        .unwrap();
    let mut held: Vec<(String, Option<i32>)> = out
        .target_health_descriptions()
        .iter()
        .filter_map(|d| d.target())
        .map(|t| (t.id().unwrap_or_default().to_string(), t.port()))
        .collect();
    held.sort();
    held
}

#[tokio::test(flavor = "multi_thread")]
async fn targets_register_are_registered_again_after_drift_and_deregister_when_removed() {
    let stack = Stack::from_files(&[("main.tf", ATTACHMENTS)]);
    let name = format!("t{}", &stack.name[stack.name.len() - 8..]);
    let var = format!("name={name}");
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");
    let raw = |k: &str| expect_code(&stack.run(&["output", "-raw", k]), 0).trim().to_string();
    let (instance, instances, ips) = (raw("instance"), raw("instances_arn"), raw("ips_arn"));

    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config(REGION).await);
    assert_eq!(targets(&elb, &instances).await, vec![(instance.clone(), Some(8080))]);
    assert_eq!(targets(&elb, &ips).await, vec![("10.62.1.10".to_string(), Some(80))]);

    // Deregistered behind infractl's back: the next plan registers it again.
    elb.deregister_targets()
        .target_group_arn(&instances)
        .targets(
            aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                .id(&instance)
                .port(8080)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let plan = expect_code(&run(&["plan"]), 0);
    assert!(
        plan.contains("aws_lb_target_group_attachment.web will be created"),
        "{plan}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(targets(&elb, &instances).await, vec![(instance.clone(), Some(8080))]);

    // Removing an attachment deregisters its target and leaves the group.
    let i = ATTACHMENTS
        .find("resource \"aws_lb_target_group_attachment\" \"ip\"")
        .unwrap();
    let j = i + ATTACHMENTS[i..].find("}\n").unwrap() + 2;
    std::fs::write(
        stack.path.join("main.tf"),
        format!("{}{}", &ATTACHMENTS[..i], &ATTACHMENTS[j..]),
    )
    .unwrap();
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(targets(&elb, &ips).await.is_empty());

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}
