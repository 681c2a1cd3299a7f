//! Route 53 health checks as a failover setup uses them: an HTTP check of the primary's name,
//! an HTTPS string match on an address, a CALCULATED check of both, one following a CloudWatch
//! alarm, and failover records naming them. Checks what the emulator holds, changes in place
//! and by replacement, `triggers`, an import, adoption after a lost state, bad values, and
//! Terraform planning clean after infractl and the other way round.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};
use aws_sdk_route53::types::{HealthCheckConfig, TagResourceType};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "path" {
  type    = string
  default = "/health"
}

variable "interval" {
  type    = number
  default = 30
}

variable "release" {
  type    = string
  default = "1"
}

resource "aws_route53_zone" "site" {
  name          = "${var.name}.example.com"
  force_destroy = true
}

resource "aws_route53_health_check" "primary" {
  fqdn              = "primary.${var.name}.example.com"
  port              = 80
  type              = "HTTP"
  resource_path     = var.path
  failure_threshold = 5
  request_interval  = var.interval
  regions           = ["us-east-1", "eu-west-1", "ap-southeast-1"]

  tags = {
    Name = "${var.name}-primary"
  }
}

resource "aws_route53_health_check" "secondary" {
  ip_address        = "2001:db8::10"
  port              = 443
  type              = "HTTPS_STR_MATCH"
  resource_path     = "/"
  search_string     = "ok"
  enable_sni        = true
  measure_latency   = true
  request_interval  = 10
  failure_threshold = 3
  reference_name    = "secondary"
}

resource "aws_route53_health_check" "both" {
  type                   = "CALCULATED"
  child_health_threshold = 1
  child_healthchecks     = [aws_route53_health_check.primary.id, aws_route53_health_check.secondary.id]
  triggers = {
    release = var.release
  }
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 60
  statistic           = "Sum"
  threshold           = 5
}

resource "aws_route53_health_check" "alarm" {
  type                            = "CLOUDWATCH_METRIC"
  cloudwatch_alarm_name           = aws_cloudwatch_metric_alarm.errors.alarm_name
  cloudwatch_alarm_region         = "us-east-1"
  insufficient_data_health_status = "Healthy"
}

resource "aws_route53_record" "primary" {
  zone_id         = aws_route53_zone.site.zone_id
  name            = "www"
  type            = "A"
  ttl             = 60
  records         = ["192.0.2.10"]
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.both.id

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "secondary" {
  zone_id         = aws_route53_zone.site.zone_id
  name            = "www"
  type            = "A"
  ttl             = 60
  records         = ["192.0.2.20"]
  set_identifier  = "secondary"
  health_check_id = aws_route53_health_check.alarm.id

  failover_routing_policy {
    type = "SECONDARY"
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn health_checks_of_every_kind_guard_failover_records() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let r53 = aws_sdk_route53::Client::new(&sdk_config("us-east-1").await);
    let config = |id: String| {
        let r53 = r53.clone();
        async move {
            let out = r53.get_health_check().health_check_id(id).send().await.unwrap();
            let check = out.health_check().unwrap().clone();
            (
                check.caller_reference().to_string(),
                check.health_check_config().unwrap().clone(),
            )
        }
    };
    let ids =
        ["primary", "secondary", "both", "alarm"].map(|n| stack.state_id(&format!("aws_route53_health_check.{n}")));

    let (_, primary) = config(ids[0].clone()).await;
    assert_eq!(primary.r#type().as_str(), "HTTP");
    assert_eq!(
        primary.fully_qualified_domain_name(),
        Some(format!("primary.{}.example.com", stack.name).as_str())
    );
    assert_eq!(primary.resource_path(), Some("/health"));
    assert_eq!(
        (primary.port(), primary.failure_threshold(), primary.request_interval()),
        (Some(80), Some(5), Some(30))
    );
    let mut regions: Vec<&str> = primary.regions().iter().map(|r| r.as_str()).collect();
    regions.sort();
    assert_eq!(regions, ["ap-southeast-1", "eu-west-1", "us-east-1"]);
    let tags = r53
        .list_tags_for_resource()
        .resource_type(TagResourceType::Healthcheck)
        .resource_id(&ids[0])
        .send()
        .await
        .unwrap();
    let tags = tags.resource_tag_set().unwrap().tags();
    assert!(tags
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some(format!("{}-primary", stack.name).as_str())));

    let (reference, secondary) = config(ids[1].clone()).await;
    assert!(reference.starts_with("secondary-"), "{reference}");
    assert_eq!(secondary.ip_address(), Some("2001:db8::10"));
    assert_eq!(secondary.search_string(), Some("ok"));
    assert_eq!(
        (secondary.enable_sni(), secondary.measure_latency()),
        (Some(true), Some(true))
    );
    assert_eq!(secondary.request_interval(), Some(10));

    let (_, both) = config(ids[2].clone()).await;
    let mut children = both.child_health_checks().to_vec();
    children.sort();
    let mut expected = vec![ids[0].clone(), ids[1].clone()];
    expected.sort();
    assert_eq!((children, both.health_threshold()), (expected, Some(1)));
    assert_eq!(both.port(), None, "a CALCULATED check has no endpoint");

    let (_, alarm) = config(ids[3].clone()).await;
    let identifier = alarm.alarm_identifier().unwrap();
    assert_eq!(identifier.name(), format!("{}-errors", stack.name));
    assert_eq!(identifier.region().as_str(), "us-east-1");
    assert_eq!(alarm.insufficient_data_health_status().unwrap().as_str(), "Healthy");
    assert_eq!(alarm.port(), None, "a CLOUDWATCH_METRIC check has no endpoint");

    let zone = stack.state_id("aws_route53_zone.site");
    let records = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone)
        .send()
        .await
        .unwrap();
    let guarded: Vec<(Option<&str>, Option<&str>)> = records
        .resource_record_sets()
        .iter()
        .filter(|r| r.set_identifier().is_some())
        .map(|r| (r.set_identifier(), r.health_check_id()))
        .collect();
    assert!(
        guarded.contains(&(Some("primary"), Some(ids[2].as_str()))),
        "{guarded:?}"
    );
    assert!(
        guarded.contains(&(Some("secondary"), Some(ids[3].as_str()))),
        "{guarded:?}"
    );

    // In place: a new path and new triggers; the check keeps its id and the emulator its config.
    let in_place = [var.as_str(), "-var=path=/ready", "-var=release=2"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &in_place].concat()), 0);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &in_place].concat()), 0);
    assert_eq!(stack.state_id("aws_route53_health_check.primary"), ids[0]);
    let (_, primary) = config(ids[0].clone()).await;
    assert_eq!(primary.resource_path(), Some("/ready"));
    assert_eq!(
        primary.regions().len(),
        3,
        "an update that does not send the regions keeps them"
    );
    let (_, both) = config(ids[2].clone()).await;
    assert_eq!(both.child_health_checks().len(), 2, "the children stay");
    expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &in_place].concat()),
        0,
    );

    // A new request interval replaces the check, and the CALCULATED one follows its new id.
    let replaced = [var.as_str(), "-var=path=/ready", "-var=release=2", "-var=interval=10"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &replaced].concat()), 0);
    assert!(shown.contains("must be replaced"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &replaced].concat()), 0);
    let new_primary = stack.state_id("aws_route53_health_check.primary");
    assert_ne!(new_primary, ids[0]);
    assert!(
        r53.get_health_check().health_check_id(&ids[0]).send().await.is_err(),
        "the old check is deleted"
    );
    let (_, both) = config(ids[2].clone()).await;
    assert!(both.child_health_checks().contains(&new_primary));
    expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &replaced].concat()),
        0,
    );

    // Drift: a check disabled outside infractl is planned back.
    r53.update_health_check()
        .health_check_id(&ids[1])
        .disabled(true)
        .send()
        .await
        .unwrap();
    let shown = expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &replaced].concat()),
        2,
    );
    assert!(shown.contains("disabled"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &replaced].concat()), 0);
    let (_, secondary): (String, HealthCheckConfig) = config(ids[1].clone()).await;
    assert_eq!(secondary.disabled(), Some(false));

    // An import recovers the reference name from the caller reference; triggers are the
    // blueprint's alone, as in Terraform (an import plans them).
    stack.reimport_all_but(
        &["aws_route53_record", "aws_cloudwatch_metric_alarm", "aws_route53_zone"],
        &replaced,
    );

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &replaced].concat()), 0);
    for id in [&new_primary, &ids[1], &ids[2], &ids[3]] {
        assert!(
            r53.get_health_check().health_check_id(id).send().await.is_err(),
            "{id} is deleted"
        );
    }
}

#[test]
fn bad_health_check_values_are_refused() {
    let bodies = [
        r#"type = "PING""#,
        "type = \"HTTP\"\n  failure_threshold = 11",
        "type = \"HTTP\"\n  request_interval = 20",
        "type = \"HTTP\"\n  ip_address = \"10.0.0.300\"",
        "type = \"HTTP\"\n  port = 70000",
        "type = \"HTTP\"\n  regions = [\"us-east-1\", \"eu-west-1\"]",
        "type = \"HTTP\"\n  regions = [\"us-east-1\", \"eu-west-1\", \"mars-north-1\"]",
        "type = \"HTTP\"\n  reference_name = \"a-reference-name-of-28-chars\"",
        "type = \"CALCULATED\"\n  child_health_threshold = 257",
        "type = \"CLOUDWATCH_METRIC\"\n  cloudwatch_alarm_name = \"a\"\n  cloudwatch_alarm_region = \"moon-1\"",
        "type = \"CLOUDWATCH_METRIC\"\n  insufficient_data_health_status = \"Maybe\"",
        "type = \"RECOVERY_CONTROL\"\n  routing_control_arn = \"not-an-arn\"",
    ];
    each_case_refused_at_validate("aws_route53_health_check", &bodies, "health check values");
}

#[test]
fn terraform_and_infractl_agree_on_health_checks_either_way() {
    cross_check(
        "the health check cross-check",
        BLUEPRINT,
        &crate::support::unique("hc"),
        None,
        &["route53", "cloudwatch", "sts"],
    );
}

/// A check whose state was lost (a run killed after the create) is found by this stack's tags
/// and adopted, not made twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_check_whose_state_was_lost_is_adopted() {
    let blueprint = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

resource "aws_route53_health_check" "web" {
  fqdn              = "${var.name}.example.com"
  type              = "HTTPS"
  port              = 443
  request_interval  = 30
  failure_threshold = 3
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let id = stack.state_id("aws_route53_health_check.web");
    expect_code(&stack.run(&["state", "rm", "aws_route53_health_check.web"]), 0);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(shown.contains(&format!("adopting {id}")), "{shown}");
    assert_eq!(stack.state_id("aws_route53_health_check.web"), id);
    let r53 = aws_sdk_route53::Client::new(&sdk_config("us-east-1").await);
    let fqdn = format!("{}.example.com", stack.name);
    let all = r53.list_health_checks().send().await.unwrap();
    let same: Vec<&str> = all
        .health_checks()
        .iter()
        .filter(|h| h.health_check_config().and_then(|c| c.fully_qualified_domain_name()) == Some(fqdn.as_str()))
        .map(|h| h.id())
        .collect();
    assert_eq!(same, [id.as_str()], "one check, not two");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}
