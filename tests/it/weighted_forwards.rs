//! Weighted forward actions of listeners and listener rules, checked against what the emulator
//! holds: two target groups with their weights and group stickiness, the weights and stickiness
//! changed in place, an import, bad values refused by both tools, and Terraform planning clean
//! after infractl and the other way round.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, with_alb, Stack, Terraform};
use aws_sdk_elasticloadbalancingv2::types::Action;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "blue" {
  type    = number
  default = 80
}

variable "sticky" {
  type    = bool
  default = true
}

resource "aws_lb_target_group" "colour" {
  for_each = toset(["blue", "green"])
  name     = "${each.key}-${substr(aws_vpc.this.id, 4, 8)}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.this.id
}

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.colour["blue"].arn
        weight = var.blue
      }

      target_group {
        arn    = aws_lb_target_group.colour["green"].arn
        weight = 100 - var.blue
      }

      stickiness {
        enabled  = var.sticky
        duration = 600
      }
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.web.arn
  priority     = 10

  action {
    type = "forward"

    forward {
      target_group {
        arn = aws_lb_target_group.colour["green"].arn
      }

      target_group {
        arn    = aws_lb_target_group.colour["blue"].arn
        weight = 3
      }
    }
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}
"#;

/// A forward's target groups as (ARN, weight), sorted.
type Weights = Vec<(String, i32)>;

/// A forward's stickiness as (enabled, duration).
type Stickiness = Option<(bool, Option<i32>)>;

/// The forward action's weights and its stickiness.
fn forward_of(a: &Action) -> (Weights, Stickiness) {
    let f = a.forward_config().expect("a forward configuration");
    let mut groups: Vec<_> = f
        .target_groups()
        .iter()
        .map(|g| (g.target_group_arn().unwrap().to_string(), g.weight().unwrap()))
        .collect();
    groups.sort();
    let sticky = f
        .target_group_stickiness_config()
        .map(|s| (s.enabled().unwrap_or(false), s.duration_seconds()));
    (groups, sticky)
}

#[tokio::test(flavor = "multi_thread")]
async fn weighted_forwards_are_made_changed_and_imported() {
    let stack = Stack::from_files(&[("main.tf", with_alb(BLUEPRINT, "10.8").as_str())]);
    let var = format!("-var=name={}", stack.name);
    stack.plans_and_applies("8 to add, 0 to change, 0 to destroy", &[&var]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let blue = stack.state_str("aws_lb_target_group.colour[\"blue\"]", "arn");
    let green = stack.state_str("aws_lb_target_group.colour[\"green\"]", "arn");
    let listener = stack.state_id("aws_lb_listener.web");
    let rule = stack.state_id("aws_lb_listener_rule.api");
    let sorted = |mut v: Vec<(String, i32)>| {
        v.sort();
        v
    };

    let read_listener = || async {
        let out = elb.describe_listeners().listener_arns(&listener).send().await.unwrap();
        forward_of(&out.listeners()[0].default_actions()[0])
    };
    let (groups, sticky) = read_listener().await;
    assert_eq!(groups, sorted(vec![(blue.clone(), 80), (green.clone(), 20)]));
    assert_eq!(sticky, Some((true, Some(600))));
    let out = elb.describe_rules().rule_arns(&rule).send().await.unwrap();
    let (groups, _) = forward_of(&out.rules()[0].actions()[0]);
    assert_eq!(groups, sorted(vec![(blue.clone(), 3), (green.clone(), 1)]));

    // In place: the weights shift and stickiness is turned off.
    let changed = [var.as_str(), "-var=blue=30", "-var=sticky=false"];
    stack.changes_in_place("aws_lb_listener.web", &changed);
    assert_eq!(stack.state_id("aws_lb_listener.web"), listener);
    let (groups, sticky) = read_listener().await;
    assert_eq!(groups, sorted(vec![(blue, 30), (green, 70)]));
    assert_eq!(sticky.map(|s| s.0), Some(false));

    stack.reimport_all(&changed);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    let gone = elb.describe_listeners().listener_arns(&listener).send().await;
    assert!(gone.is_err() || gone.unwrap().listeners().is_empty());
}

#[test]
fn forward_values_the_provider_refuses_are_refused() {
    let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012";
    let head = format!("load_balancer_arn = \"{arn}:loadbalancer/app/x/1\"\nport = 80\n");
    let group = format!("target_group {{\n  arn = \"{arn}:targetgroup/t/1\"");
    let cases: Vec<String> = [
        format!("default_action {{\n  type = \"forward\"\n  forward {{\n    {group}\n  weight = 1000\n}}\n}}\n}}"),
        format!(
            "default_action {{\n  type = \"forward\"\n  forward {{\n    {group}\n}}\nstickiness {{\n  duration = 0\n}}\n}}\n}}"
        ),
    ]
    .iter()
    .map(|c| format!("{head}{c}"))
    .collect();
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_lb_listener", &cases, "forward action values");

    // Refused by the provider's CustomizeDiff (Terraform's plan, not its validate): a forward
    // naming no target group, a redirect without its block.
    for (action, message) in [
        (
            "type = \"forward\"",
            "Either default_action[0].target_group_arn or default_action[0].forward must be specified",
        ),
        (
            "type = \"redirect\"",
            "default_action[0].redirect is required when default_action[0].type is \"redirect\"",
        ),
    ] {
        let body = format!("resource \"aws_lb_listener\" \"x\" {{\n{head}default_action {{\n  {action}\n}}\n}}\n");
        let stack = Stack::from_files(&[("main.tf", body.as_str())]);
        let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
        assert!(shown.contains(message) && shown.contains("main.tf:1"), "{shown}");
    }
}

#[test]
fn terraform_and_infractl_agree_on_weighted_forwards_either_way() {
    let Some(tf) = Terraform::find("the weighted forward cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(
        &with_alb(BLUEPRINT, "10.8"),
        &crate::support::unique("wfx"),
        Some(("10.8", "10.9")),
    );
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "elbv2", "sts"]);
}
