//! An HTTPS application load balancer against the emulator, as seed 003 builds one: access logs
//! to a bucket whose policy lets the region's ELB account write, an HTTPS listener with a
//! DNS-validated ACM certificate, a second certificate through `aws_lb_listener_certificate`, an
//! HTTP listener that redirects to HTTPS, and the `aws_alb*` names. Checks what the emulator
//! holds, a clean second plan, access log changes in place, a bucket without the policy refused
//! as AWS refuses it, and a destroy to nothing.

use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-2"
}

variable "name" {
  type = string
}

variable "log_prefix" {
  type    = string
  default = "alb"
}

variable "logs_enabled" {
  type    = bool
  default = true
}

locals {
  domain = "${var.name}.example.com"
}

data "aws_elb_service_account" "main" {}

resource "aws_vpc" "main" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  availability_zone = ["us-east-2a", "us-east-2b"][count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}

resource "aws_security_group" "alb" {
  name   = "alb-${var.name}"
  vpc_id = aws_vpc.main.id
}

resource "aws_s3_bucket" "logs" {
  bucket        = "alb-logs-${var.name}"
  force_destroy = true
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.main.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_route53_zone" "public" {
  name          = local.domain
  force_destroy = true
}

resource "aws_acm_certificate" "site" {
  domain_name       = local.domain
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "extra" {
  domain_name       = "extra.${local.domain}"
  validation_method = "DNS"
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.site.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  name            = each.value.name
  records         = [each.value.record]
  ttl             = 60
  type            = each.value.type
  zone_id         = aws_route53_zone.public.zone_id
}

resource "aws_acm_certificate_validation" "site" {
  certificate_arn         = aws_acm_certificate.site.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_lb" "web" {
  name               = "web-${var.name}"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = var.log_prefix
    enabled = var.logs_enabled
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_lb_target_group" "web" {
  name        = "web-${var.name}"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.main.id
  target_type = "ip"
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_certificate" "extra" {
  listener_arn    = aws_lb_listener.https.arn
  certificate_arn = aws_acm_certificate.extra.arn
}

resource "aws_alb_listener" "redirect" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

output "dns_name" {
  value = aws_lb.web.dns_name
}
"#;

fn attr(attrs: &[LoadBalancerAttribute], key: &str) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.key() == Some(key))
        .and_then(|a| a.value())
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn https_alb_with_access_logs_and_listener_certificates() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let with = |extra: &[&str]| -> Vec<String> {
        let mut v = vec!["-var".to_string(), var.clone()];
        for e in extra {
            v.push("-var".into());
            v.push(e.to_string());
        }
        v
    };
    let run = |cmd: &[&str], vars: &[String]| {
        let args: Vec<&str> = cmd.iter().copied().chain(vars.iter().map(String::as_str)).collect();
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"], &with(&[])), 0);

    let conf = sdk_config("us-east-2").await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let lb_arn = stack.state_id("aws_lb.web");
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    let bucket = format!("alb-logs-{name}");
    assert_eq!(
        attr(attrs.attributes(), "access_logs.s3.enabled").as_deref(),
        Some("true")
    );
    assert_eq!(attr(attrs.attributes(), "access_logs.s3.bucket"), Some(bucket.clone()));
    assert_eq!(
        attr(attrs.attributes(), "access_logs.s3.prefix").as_deref(),
        Some("alb")
    );
    // As the provider, connection logs are written off when the blueprint has no block.
    assert_eq!(
        attr(attrs.attributes(), "connection_logs.s3.enabled").as_deref(),
        Some("false")
    );

    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 2);
    let https = listeners.listeners().iter().find(|l| l.port() == Some(443)).unwrap();
    let site_arn = stack.state_id("aws_acm_certificate.site");
    let extra_arn = stack.state_id("aws_acm_certificate.extra");
    assert_eq!(https.protocol().map(|p| p.as_str()), Some("HTTPS"));
    assert_eq!(
        https.ssl_policy(),
        Some("ELBSecurityPolicy-2016-08"),
        "AWS's default policy"
    );
    assert_eq!(
        https.certificates().first().and_then(|c| c.certificate_arn()),
        Some(site_arn.as_str())
    );
    let redirect = listeners.listeners().iter().find(|l| l.port() == Some(80)).unwrap();
    assert_eq!(redirect.ssl_policy(), None, "an HTTP listener has no security policy");
    let r = redirect.default_actions()[0].redirect_config().unwrap();
    assert_eq!(
        (r.port(), r.protocol(), r.status_code().map(|c| c.as_str())),
        (Some("443"), Some("HTTPS"), Some("HTTP_301"))
    );
    let https_arn = https.listener_arn().unwrap().to_string();
    let certs = |elb: aws_sdk_elasticloadbalancingv2::Client, arn: String| async move {
        let out = elb
            .describe_listener_certificates()
            .listener_arn(arn)
            .send()
            .await
            .unwrap();
        let mut v: Vec<(String, bool)> = out
            .certificates()
            .iter()
            .map(|c| {
                (
                    c.certificate_arn().unwrap_or_default().to_string(),
                    c.is_default().unwrap_or(false),
                )
            })
            .collect();
        v.sort();
        v
    };
    let mut want = vec![(site_arn.clone(), true), (extra_arn.clone(), false)];
    want.sort();
    assert_eq!(certs(elb.clone(), https_arn.clone()).await, want);
    assert_eq!(
        stack.state_id("aws_lb_listener_certificate.extra"),
        format!("{https_arn}_{extra_arn}"),
        "the provider's id"
    );
    let state = stack.flat_state();
    let alias = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_alb_listener.redirect")
        .unwrap();
    assert_eq!(alias["type"], "aws_alb_listener", "state records the alias's name");

    // AWS writes a test file into the bucket when logging starts.
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let objects = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
    let keys: Vec<&str> = objects.contents().iter().filter_map(|o| o.key()).collect();
    assert!(
        keys.iter()
            .any(|k| k.starts_with("alb/AWSLogs/") && k.ends_with("/ELBAccessLogTestFile")),
        "{keys:?}"
    );

    let clean = expect_code(&run(&["plan", "-detailed-exitcode", "-no-color"], &with(&[])), 0);
    assert!(clean.contains("No changes"), "{clean}");

    // A new prefix changes the load balancer in place.
    let moved = with(&["log_prefix=edge"]);
    let plan = text(&run(&["plan", "-no-color"], &moved));
    assert!(plan.contains("aws_lb.web will be updated in-place"), "{plan}");
    assert!(plan.contains("0 to add, 1 to change, 0 to destroy"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"], &moved), 0);
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr(attrs.attributes(), "access_logs.s3.prefix").as_deref(),
        Some("edge")
    );
    assert_eq!(stack.state_id("aws_lb.web"), lb_arn, "not replaced");
    expect_code(&run(&["plan", "-detailed-exitcode"], &moved), 0);

    // Logging off, in place; the bucket and prefix no longer matter while it is off.
    let off = with(&["log_prefix=edge", "logs_enabled=false"]);
    expect_code(&run(&["apply", "-auto-approve"], &off), 0);
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr(attrs.attributes(), "access_logs.s3.enabled").as_deref(),
        Some("false")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], &off), 0);
    expect_code(
        &run(
            &["plan", "-detailed-exitcode"],
            &with(&["log_prefix=elsewhere", "logs_enabled=false"]),
        ),
        0,
    );

    // Drift: logging turned back on outside the blueprint is planned off again.
    elb.modify_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .attributes(
            LoadBalancerAttribute::builder()
                .key("access_logs.s3.enabled")
                .value("true")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let drift = text(&run(&["plan", "-no-color"], &off));
    assert!(drift.contains("aws_lb.web will be updated in-place"), "{drift}");
    expect_code(&run(&["apply", "-auto-approve"], &off), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"], &off), 0);
    assert_eq!(
        certs(elb.clone(), https_arn.clone()).await,
        want,
        "the listener certificate survives the other changes"
    );

    // The provider cannot import a certificate validation (it is no AWS object).
    stack.reimport_all_but(
        &["aws_acm_certificate_validation"],
        &off.iter().map(String::as_str).collect::<Vec<_>>(),
    );

    expect_code(&run(&["destroy", "-auto-approve"], &off), 0);
    assert!(
        elb.describe_load_balancers()
            .load_balancer_arns(&lb_arn)
            .send()
            .await
            .is_err(),
        "load balancer still exists"
    );
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "bucket still exists"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_logs_to_a_bucket_without_the_elb_policy_are_refused() {
    let blueprint = r#"
provider "aws" {
  region = "us-east-2"
}

variable "name" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.43.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  availability_zone = ["us-east-2a", "us-east-2b"][count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}

resource "aws_s3_bucket" "logs" {
  bucket        = "nopolicy-${var.name}"
  force_destroy = true
}

resource "aws_alb" "web" {
  name    = "np-${var.name}"
  subnets = aws_subnet.public[*].id

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    enabled = true
  }
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("name={}", stack.name);
    let out = expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 1);
    assert!(out.contains("InvalidConfigurationRequest"), "{out}");
    assert!(out.contains("Access Denied for bucket"), "{out}");
    assert!(out.contains("aws_alb.web"), "{out}");
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}

#[test]
fn the_blueprint_is_valid_terraform() {
    let Some(tf) = Terraform::init("the HTTPS load balancer blueprint") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), BLUEPRINT).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform validate:\n{}", text(&out));
}
