//! Listener attributes and ALPN policies against the emulator: response header values on an
//! HTTP listener, renamed TLS and mTLS request headers on an HTTPS listener, the idle timeout of
//! a Network Load Balancer's TCP listener and the ALPN policy of its TLS listener (the NLB on
//! Elastic IPs through subnet mappings, as the alb module's NLB example). Checks what
//! the emulator holds, an attribute the listener's protocol does not take (never sent, no
//! change planned, as the provider suppresses it), changes in place, an import, bad values, and
//! Terraform planning clean after infractl and the other way round.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::support::{
    each_case_refused_at_validate, expect_code, sdk_config, with_alb, Stack, Terraform, VALIDATED_CERTIFICATE_TF,
};
use std::collections::HashMap;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "server" {
  type    = bool
  default = false
}

variable "idle" {
  type    = number
  default = 120
}

variable "alpn" {
  type    = string
  default = "HTTP2Preferred"
}

locals {
  domain = "${var.name}.example.com"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_eip" "net" {
  count  = 2
  domain = "vpc"
}

resource "aws_lb" "net" {
  name               = "net-${substr(var.name, 0, 20)}"
  load_balancer_type = "network"

  dynamic "subnet_mapping" {
    for_each = aws_subnet.public
    content {
      subnet_id     = subnet_mapping.value.id
      allocation_id = aws_eip.net[subnet_mapping.key].id
    }
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_lb_target_group" "tcp" {
  name     = "tcp-${substr(aws_vpc.this.id, 4, 8)}"
  port     = 443
  protocol = "TCP"
  vpc_id   = aws_vpc.this.id
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  routing_http_response_server_enabled                         = var.server
  routing_http_response_strict_transport_security_header_value = "max-age=31536000"
  routing_http_response_x_frame_options_header_value           = "DENY"
  # An HTTPS listener's header: an HTTP listener never sends it.
  routing_http_request_x_amzn_tls_version_header_name = "X-Ignored"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "ok"
      status_code  = "200"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn

  routing_http_request_x_amzn_tls_version_header_name     = "X-Tls-Version"
  routing_http_request_x_amzn_mtls_clientcert_header_name = "X-Client-Cert"
  routing_http_response_server_enabled                    = var.server

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener" "tcp" {
  load_balancer_arn        = aws_lb.net.arn
  port                     = 443
  protocol                 = "TCP"
  tcp_idle_timeout_seconds = var.idle

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tcp.arn
  }
}

resource "aws_lb_listener" "tls" {
  load_balancer_arn = aws_lb.net.arn
  port              = 8443
  protocol          = "TLS"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn
  alpn_policy       = var.alpn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tcp.arn
  }
}
"#;

type Elb = aws_sdk_elasticloadbalancingv2::Client;

async fn attributes(elb: &Elb, arn: &str) -> HashMap<String, String> {
    let out = elb
        .describe_listener_attributes()
        .listener_arn(arn)
        .send()
        .await
        .unwrap();
    out.attributes()
        .iter()
        .map(|a| (a.key().unwrap().to_string(), a.value().unwrap().to_string()))
        .collect()
}

async fn alpn(elb: &Elb, arn: &str) -> Vec<String> {
    let out = elb.describe_listeners().listener_arns(arn).send().await.unwrap();
    out.listeners()[0].alpn_policy().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn listener_attributes_are_sent_read_changed_and_imported() {
    let stack = Stack::from_files(&[
        ("main.tf", with_alb(BLUEPRINT, "10.12").as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let elb = Elb::new(&sdk_config("us-east-1").await);
    let ids = ["http", "https", "tcp", "tls"].map(|l| stack.state_id(&format!("aws_lb_listener.{l}")));
    let [http, https, tcp, tls] = &ids;

    let a = attributes(&elb, http).await;
    assert_eq!(a["routing.http.response.server.enabled"], "false");
    assert_eq!(
        a["routing.http.response.strict_transport_security.header_value"],
        "max-age=31536000"
    );
    assert_eq!(a["routing.http.response.x_frame_options.header_value"], "DENY");
    assert!(
        !a.contains_key("routing.http.request.x_amzn_tls_version.header_name"),
        "an HTTP listener has no TLS header: {a:?}"
    );
    // Never sent, kept as configured (the provider's state holds the same).
    assert_eq!(
        stack.state_str(
            "aws_lb_listener.http",
            "routing_http_request_x_amzn_tls_version_header_name"
        ),
        "X-Ignored"
    );
    // Left unset: what AWS answers.
    assert_eq!(
        stack.state_str(
            "aws_lb_listener.http",
            "routing_http_response_content_security_policy_header_value"
        ),
        ""
    );

    let a = attributes(&elb, https).await;
    assert_eq!(
        a["routing.http.request.x_amzn_tls_version.header_name"],
        "X-Tls-Version"
    );
    assert_eq!(
        a["routing.http.request.x_amzn_mtls_clientcert.header_name"],
        "X-Client-Cert"
    );
    assert_eq!(
        stack.state_str(
            "aws_lb_listener.https",
            "routing_http_request_x_amzn_mtls_clientcert_leaf_header_name"
        ),
        a["routing.http.request.x_amzn_mtls_clientcert_leaf.header_name"]
    );
    assert_eq!(attributes(&elb, tcp).await["tcp.idle_timeout.seconds"], "120");
    let nlb = stack.state_id("aws_lb.net");
    assert!(nlb.contains(":loadbalancer/net/"), "{nlb}");
    let out = elb
        .describe_load_balancers()
        .load_balancer_arns(&nlb)
        .send()
        .await
        .unwrap();
    let mut held: Vec<(String, String, String)> = out.load_balancers()[0]
        .availability_zones()
        .iter()
        .map(|z| {
            let a = &z.load_balancer_addresses()[0];
            let text = |s: Option<&str>| s.unwrap_or_default().to_string();
            (text(z.subnet_id()), text(a.allocation_id()), text(a.ip_address()))
        })
        .collect();
    held.sort();
    let mut expected: Vec<(String, String, String)> = (0..2)
        .map(|i| {
            (
                stack.state_id(&format!("aws_subnet.public[{i}]")),
                stack.state_id(&format!("aws_eip.net[{i}]")),
                stack.state_str(&format!("aws_eip.net[{i}]"), "public_ip"),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(held, expected, "each zone on its Elastic IP");
    assert_eq!(alpn(&elb, tls).await, ["HTTP2Preferred"]);
    assert_eq!(stack.state_str("aws_lb_listener.tls", "alpn_policy"), "HTTP2Preferred");

    // In place: the server header on both ALB listeners, the idle timeout, the ALPN policy.
    let changed = [var.as_str(), "-var=server=true", "-var=idle=300", "-var=alpn=HTTP2Only"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &changed].concat()), 0);
    assert!(shown.contains("0 to add, 4 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let after = ["http", "https", "tcp", "tls"].map(|l| stack.state_id(&format!("aws_lb_listener.{l}")));
    assert_eq!(after, ids);
    assert_eq!(
        attributes(&elb, http).await["routing.http.response.server.enabled"],
        "true"
    );
    assert_eq!(
        attributes(&elb, https).await["routing.http.response.server.enabled"],
        "true"
    );
    assert_eq!(
        attributes(&elb, https).await["routing.http.request.x_amzn_tls_version.header_name"],
        "X-Tls-Version",
        "an unchanged attribute keeps its value"
    );
    assert_eq!(attributes(&elb, tcp).await["tcp.idle_timeout.seconds"], "300");
    assert_eq!(alpn(&elb, tls).await, ["HTTP2Only"]);
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // An import reads what AWS answers; the HTTP listener's TLS header stays unplanned.
    stack.reimport_all_but(&["aws_acm_certificate_validation"], &changed);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
}

#[test]
fn bad_listener_attributes_are_refused_by_both_tools() {
    let listener = |line: &str| {
        format!(
            r#"  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/n/0123456789abcdef"
  port              = 443
  protocol          = "TCP"
  {line}

  default_action {{
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/0123456789abcdef"
  }}"#
        )
    };
    let bodies = [
        listener("tcp_idle_timeout_seconds = 59"),
        listener("tcp_idle_timeout_seconds = 6001"),
        listener(r#"alpn_policy = "HTTP3""#),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_lb_listener", &bodies, "listener attribute");
}

#[test]
fn terraform_and_infractl_agree_on_listener_attributes_either_way() {
    let Some(tf) = Terraform::find("the listener attributes cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(
        &with_alb(BLUEPRINT, "10.12"),
        &crate::support::unique("lat"),
        Some(("10.12", "10.13")),
    );
    let stack = Stack::from_files(&[
        ("main.tf", blueprint.as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "elbv2", "acm", "route53", "sts"]);
}
