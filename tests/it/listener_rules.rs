//! Listener rules as public modules write them, against the emulator: rules without a priority
//! created side by side (each takes the listener's highest plus one, asking again when another
//! took it first, as the provider does), query string conditions with and without a key, and a
//! Lambda target group given the VPC as modules give every group (never sent: a Lambda group
//! has none). Checks what the emulator holds, a change in place, an import, and Terraform
//! planning clean after infractl and the other way round.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::support::{expect_code, sdk_config, with_alb, write_zip, Stack, Terraform, LAMBDA_ROLE_TF};
use aws_sdk_elasticloadbalancingv2::types::Rule;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "version_value" {
  type    = string
  default = "v1"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-fn"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
}

resource "aws_lb_target_group" "fn" {
  name_prefix = "fn-"
  target_type = "lambda"
  vpc_id      = aws_vpc.this.id
}

resource "aws_lambda_permission" "alb" {
  statement_id  = "AllowExecutionFromLb"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "elasticloadbalancing.amazonaws.com"
  source_arn    = aws_lb_target_group.fn.arn
}

resource "aws_lb_target_group_attachment" "fn" {
  target_group_arn = aws_lb_target_group.fn.arn
  target_id        = aws_lambda_function.fn.arn
  depends_on       = [aws_lambda_permission.alb]
}

resource "aws_lb_listener_rule" "by_query" {
  for_each     = toset(["a", "b", "c"])
  listener_arn = aws_lb_listener.http.arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.fn.arn
  }

  condition {
    query_string {
      key   = "route"
      value = each.key
    }
    query_string {
      value = var.version_value
    }
  }
}
"#;

fn stack(blueprint: &str, role: &str) -> Stack {
    let stack = Stack::from_files(&[("main.tf", blueprint), ("role.tf", role)]);
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(e, c):\n    return {'statusCode': 200}\n",
    );
    stack
}

/// The rule's query string condition as (key, value) pairs, sorted.
fn pairs(rule: &Rule) -> Vec<(Option<String>, String)> {
    let mut out: Vec<_> = rule
        .conditions()
        .iter()
        .filter_map(|c| c.query_string_config())
        .flat_map(|q| q.values())
        .map(|p| (p.key().map(str::to_string), p.value().unwrap_or_default().to_string()))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_without_priorities_and_query_strings_forward_to_a_lambda() {
    let stack = stack(&with_alb(BLUEPRINT, "10.14"), LAMBDA_ROLE_TF);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let rule_of = |k: &str| stack.state_id(&format!("aws_lb_listener_rule.by_query[\"{k}\"]"));
    let rules = ["a", "b", "c"].map(rule_of);

    let out = elb
        .describe_rules()
        .set_rule_arns(Some(rules.to_vec()))
        .send()
        .await
        .unwrap();
    let mut priorities: Vec<String> = out
        .rules()
        .iter()
        .filter_map(|r| r.priority())
        .map(str::to_string)
        .collect();
    priorities.sort();
    assert_eq!(priorities, ["1", "2", "3"], "three rules, three priorities");
    for (k, arn) in ["a", "b", "c"].iter().zip(&rules) {
        let rule = out.rules().iter().find(|r| r.rule_arn() == Some(arn.as_str())).unwrap();
        assert_eq!(
            pairs(rule),
            [(None, "v1".to_string()), (Some("route".to_string()), k.to_string())]
        );
        let recorded = stack.state_attr(&format!("aws_lb_listener_rule.by_query[\"{k}\"]"), "priority");
        assert_eq!(recorded, rule.priority().unwrap().parse::<f64>().unwrap());
    }

    // The Lambda group has no VPC in AWS; state keeps the blueprint's, which plans no change.
    let group = stack.state_id("aws_lb_target_group.fn");
    let out = elb
        .describe_target_groups()
        .target_group_arns(&group)
        .send()
        .await
        .unwrap();
    let tg = &out.target_groups()[0];
    assert_eq!(tg.target_type().unwrap().as_str(), "lambda");
    assert_eq!(tg.vpc_id(), None);
    assert_eq!(tg.port(), None);
    assert_eq!(
        stack.state_str("aws_lb_target_group.fn", "vpc_id"),
        stack.state_id("aws_vpc.this")
    );
    let health = elb
        .describe_target_health()
        .target_group_arn(&group)
        .send()
        .await
        .unwrap();
    let targets: Vec<_> = health
        .target_health_descriptions()
        .iter()
        .filter_map(|d| d.target().and_then(|t| t.id()))
        .collect();
    assert_eq!(targets, [stack.state_str("aws_lambda_function.fn", "arn")]);

    // In place: the keyless value of every rule.
    let changed = [var.as_str(), "-var=version_value=v2"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &changed].concat()), 0);
    assert!(shown.contains("0 to add, 3 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(["a", "b", "c"].map(rule_of), rules);
    let out = elb
        .describe_rules()
        .set_rule_arns(Some(rules.to_vec()))
        .send()
        .await
        .unwrap();
    assert!(out.rules().iter().all(|r| pairs(r)[0] == (None, "v2".to_string())));
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    stack.reimport_all_but(&["aws_lambda_permission", "aws_lb_target_group_attachment"], &changed);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
}

#[test]
fn terraform_and_infractl_agree_on_rules_and_lambda_groups_either_way() {
    let Some(tf) = Terraform::find("the listener rules cross-check") else {
        return;
    };
    let name = crate::support::unique("lr");
    let blueprint = cross_check_blueprint(&with_alb(BLUEPRINT, "10.14"), &name, Some(("10.14", "10.15")));
    let stack = stack(&blueprint, &cross_check_blueprint(LAMBDA_ROLE_TF, &name, None));
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "elbv2", "lambda", "iam", "sts"]);
}
