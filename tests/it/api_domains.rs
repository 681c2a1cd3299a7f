//! Custom domain names for HTTP APIs: an ACM certificate validated through Route 53, the API
//! Gateway v2 domain name using it, an API mapping of a stage under a path, and the alias record
//! pointing the name at the regional target AWS made for it.

use crate::support::{expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "mapping_key" {
  type    = string
  default = "v1"
}

locals {
  domain = "${var.name}.example.com"
}

resource "aws_route53_zone" "public" {
  name          = local.domain
  force_destroy = true
}

resource "aws_acm_certificate" "api" {
  domain_name       = "api.${local.domain}"
  validation_method = "DNS"
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.api.domain_validation_options : dvo.domain_name => {
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

resource "aws_acm_certificate_validation" "api" {
  certificate_arn         = aws_acm_certificate.api.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.name}-api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_apigatewayv2_domain_name" "api" {
  domain_name = "api.${local.domain}"

  domain_name_configuration {
    certificate_arn = aws_acm_certificate_validation.api.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = { Name = var.name }
}

resource "aws_apigatewayv2_api_mapping" "v1" {
  api_id          = aws_apigatewayv2_api.http.id
  domain_name     = aws_apigatewayv2_domain_name.api.id
  stage           = aws_apigatewayv2_stage.default.id
  api_mapping_key = var.mapping_key
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.public.zone_id
  name    = aws_apigatewayv2_domain_name.api.domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.api.domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.api.domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_domain_serves_a_stage_under_a_path() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let domain = format!("api.{}.example.com", stack.name);
    let conf = sdk_config("us-east-1").await;
    let apigw = aws_sdk_apigatewayv2::Client::new(&conf);
    let d = apigw.get_domain_name().domain_name(&domain).send().await.unwrap();
    let config = &d.domain_name_configurations()[0];
    let cert = stack.state_id("aws_acm_certificate.api");
    assert_eq!(config.certificate_arn(), Some(cert.as_str()));
    assert_eq!(config.endpoint_type().map(|e| e.as_str()), Some("REGIONAL"));
    let target = config.api_gateway_domain_name().unwrap().to_string();
    assert!(target.starts_with("d-"), "{target}");
    assert_eq!(d.tags().and_then(|t| t.get("Name")), Some(&stack.name));

    let api_id = stack.state_id("aws_apigatewayv2_api.http");
    let mappings = apigw.get_api_mappings().domain_name(&domain).send().await.unwrap();
    assert_eq!(mappings.items().len(), 1);
    let m = &mappings.items()[0];
    assert_eq!(
        (m.api_id(), m.stage(), m.api_mapping_key()),
        (Some(api_id.as_str()), Some("$default"), Some("v1"))
    );
    let mapping_id = m.api_mapping_id().unwrap().to_string();
    assert_eq!(stack.state_id("aws_apigatewayv2_api_mapping.v1"), mapping_id);

    // The alias points the name at the target AWS made for it.
    let r53 = aws_sdk_route53::Client::new(&conf);
    let zone = stack.state_id("aws_route53_zone.public");
    let records = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone)
        .send()
        .await
        .unwrap();
    let alias = records
        .resource_record_sets()
        .iter()
        .find(|r| r.name().trim_end_matches('.') == domain && r.r#type().as_str() == "A")
        .and_then(|r| r.alias_target().cloned())
        .expect("the alias record");
    assert_eq!(alias.dns_name().trim_end_matches('.'), target);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // The path changes in place.
    let shown = expect_code(&run(&["apply", "-auto-approve", "-var", "mapping_key=v2"]), 0);
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    let mappings = apigw.get_api_mappings().domain_name(&domain).send().await.unwrap();
    assert_eq!(mappings.items().len(), 1);
    assert_eq!(mappings.items()[0].api_mapping_key(), Some("v2"));
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", "mapping_key=v2"]), 0);

    // Imported by Terraform's ids, both plan no change.
    // (The validation has no import in the provider either.)
    stack.reimport_all_but(
        &["aws_acm_certificate_validation"],
        &["-var", &var, "-var", "mapping_key=v2"],
    );
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", "mapping_key=v2"]), 0);

    expect_code(&run(&["destroy", "-auto-approve", "-var", "mapping_key=v2"]), 0);
    assert!(apigw.get_domain_name().domain_name(&domain).send().await.is_err());
}
