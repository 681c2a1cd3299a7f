//! Route 53 and ACM against the emulator: a public zone and a private one in a VPC, simple,
//! alias and weighted records, and a DNS-validated certificate whose validation records are made
//! with Terraform's canonical `for_each` over `domain_validation_options`, waited for by
//! `aws_acm_certificate_validation`. Checks what the emulator holds, a clean second plan, a TTL
//! and a weight changed in place, import by Terraform's ids, adoption after state is lost (no
//! second zone or certificate), and destroy to nothing. The blueprint is valid Terraform.

use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_route53::types::ResourceRecordSet;

const REGION: &str = "eu-west-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

variable "name" {
  type = string
}

variable "www_ttl" {
  type    = number
  default = 300
}

variable "blue_weight" {
  type    = number
  default = 80
}

locals {
  domain = "${var.name}.example.com"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.61.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_route53_zone" "public" {
  name          = "${local.domain}."
  comment       = "public zone"
  force_destroy = true
  tags          = { Stack = var.name }
}

resource "aws_route53_zone" "private" {
  name = "internal.${local.domain}"

  vpc {
    vpc_id = aws_vpc.main.id
  }

  tags = { Tier = "private" }
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.public.zone_id
  name    = "WWW.${local.domain}"
  type    = "A"
  ttl     = var.www_ttl
  records = ["192.0.2.10", "192.0.2.11"]
}

resource "aws_route53_record" "docs" {
  zone_id = aws_route53_zone.public.zone_id
  name    = "docs"
  type    = "CNAME"
  ttl     = 60
  records = ["www.${local.domain}"]
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.public.zone_id
  name    = local.domain
  type    = "A"

  alias {
    name                   = aws_route53_record.www.fqdn
    zone_id                = aws_route53_zone.public.zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "api" {
  for_each = { blue = var.blue_weight, green = 100 - var.blue_weight }

  zone_id        = aws_route53_zone.public.zone_id
  name           = "api.${local.domain}"
  type           = "A"
  ttl            = 60
  records        = [each.key == "blue" ? "192.0.2.20" : "192.0.2.21"]
  set_identifier = each.key

  weighted_routing_policy {
    weight = each.value
  }
}

resource "aws_route53_record" "db" {
  zone_id = aws_route53_zone.private.zone_id
  name    = "db"
  type    = "CNAME"
  ttl     = 30
  records = ["db.internal"]
}

resource "aws_acm_certificate" "site" {
  domain_name               = local.domain
  subject_alternative_names = ["*.${local.domain}"]
  validation_method         = "DNS"
  tags                      = { Name = var.name }

  lifecycle {
    create_before_destroy = true
  }
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

data "aws_route53_zone" "private" {
  name         = aws_route53_zone.private.name
  private_zone = true
  vpc_id       = aws_vpc.main.id
}

output "name_servers" {
  value = aws_route53_zone.public.name_servers
}

output "validated" {
  value = aws_acm_certificate_validation.site.certificate_arn
}

output "private_zone_found" {
  value = data.aws_route53_zone.private.zone_id
}
"#;

/// Every record set of a zone.
async fn records(r53: &aws_sdk_route53::Client, zone: &str) -> Vec<ResourceRecordSet> {
    r53.list_resource_record_sets()
        .hosted_zone_id(zone)
        .send()
        .await
        .unwrap()
        .resource_record_sets()
        .to_vec()
}

/// The record set of this name, type and set identifier.
fn find<'a>(sets: &'a [ResourceRecordSet], name: &str, rtype: &str, set_id: Option<&str>) -> &'a ResourceRecordSet {
    sets.iter()
        .find(|r| {
            r.name().trim_end_matches('.') == name && r.r#type().as_str() == rtype && r.set_identifier() == set_id
        })
        .unwrap_or_else(|| panic!("no {rtype} {name} {set_id:?} among {sets:#?}"))
}

fn values(r: &ResourceRecordSet) -> Vec<String> {
    let mut v: Vec<String> = r.resource_records().iter().map(|x| x.value().to_string()).collect();
    v.sort();
    v
}

/// Ids of the zones named `name`.
async fn zones_named(r53: &aws_sdk_route53::Client, name: &str) -> Vec<String> {
    let out = r53.list_hosted_zones().send().await.unwrap();
    out.hosted_zones()
        .iter()
        .filter(|z| z.name().trim_end_matches('.') == name)
        .map(|z| z.id().to_string())
        .collect()
}

/// ARNs of the certificates for `domain`.
async fn certificates_for(acm: &aws_sdk_acm::Client, domain: &str) -> Vec<String> {
    let out = acm.list_certificates().send().await.unwrap();
    out.certificate_summary_list()
        .iter()
        .filter(|c| c.domain_name() == Some(domain))
        .filter_map(|c| c.certificate_arn().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn zones_records_and_a_dns_validated_certificate() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let domain = format!("{name}.example.com");
    let var = format!("name={name}");
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());

    // The first plan knows the validation records' keys (the certificate's names) though not
    // their values: for_each over domain_validation_options plans one record per name.
    let plan = expect_code(&run(&["plan", "-no-color"]), 0);
    assert!(
        plan.contains(&format!("aws_route53_record.validation[\"{domain}\"]"))
            && plan.contains(&format!("aws_route53_record.validation[\"*.{domain}\"]")),
        "{plan}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let r53 = aws_sdk_route53::Client::new(&conf);
    let acm = aws_sdk_acm::Client::new(&conf);
    let public = stack.state_id("aws_route53_zone.public");
    let private = stack.state_id("aws_route53_zone.private");
    assert!(!public.contains('/'), "the id is the bare zone id: {public}");

    let zone = r53.get_hosted_zone().id(&public).send().await.unwrap();
    let hz = zone.hosted_zone().unwrap();
    assert_eq!(hz.name(), format!("{domain}."));
    assert_eq!(hz.config().and_then(|c| c.comment()), Some("public zone"));
    assert!(!hz.config().unwrap().private_zone());
    let tags = r53
        .list_tags_for_resource()
        .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
        .resource_id(&public)
        .send()
        .await
        .unwrap();
    assert!(tags
        .resource_tag_set()
        .unwrap()
        .tags()
        .iter()
        .any(|t| t.key() == Some("Stack") && t.value() == Some(name.as_str())));
    let state = stack.flat_state();
    let zone_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_route53_zone.public")
        .unwrap();
    // The name is kept as the provider keeps it: no trailing dot.
    assert_eq!(zone_state["attributes"]["name"], domain.as_str());
    let servers: Vec<String> = zone.delegation_set().unwrap().name_servers().to_vec();
    assert!(!servers.is_empty());
    for s in &servers {
        assert!(zone_state["attributes"]["name_servers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == s.as_str()));
    }

    let priv_zone = r53.get_hosted_zone().id(&private).send().await.unwrap();
    assert!(priv_zone.hosted_zone().unwrap().config().unwrap().private_zone());
    let vpc = stack.state_id("aws_vpc.main");
    assert_eq!(
        priv_zone.vpcs().iter().filter_map(|v| v.vpc_id()).collect::<Vec<_>>(),
        vec![vpc.as_str()]
    );
    let db = records(&r53, &private).await;
    assert_eq!(
        values(find(&db, &format!("db.internal.{domain}"), "CNAME", None)),
        vec!["db.internal"]
    );

    let sets = records(&r53, &public).await;
    let www = find(&sets, &format!("www.{domain}"), "A", None);
    assert_eq!(www.ttl(), Some(300));
    assert_eq!(values(www), vec!["192.0.2.10", "192.0.2.11"]);
    assert_eq!(
        values(find(&sets, &format!("docs.{domain}"), "CNAME", None)),
        vec![format!("www.{domain}")]
    );
    let apex = find(&sets, &domain, "A", None);
    let alias = apex.alias_target().expect("an alias");
    assert_eq!(alias.dns_name().trim_end_matches('.'), format!("www.{domain}"));
    assert_eq!(alias.hosted_zone_id(), public);
    assert_eq!(
        find(&sets, &format!("api.{domain}"), "A", Some("blue")).weight(),
        Some(80)
    );
    assert_eq!(
        find(&sets, &format!("api.{domain}"), "A", Some("green")).weight(),
        Some(20)
    );
    assert_eq!(
        stack.state_id("aws_route53_record.api[\"blue\"]"),
        format!("{public}_api.{domain}_A_blue")
    );
    assert_eq!(
        stack.state_id("aws_route53_record.docs"),
        format!("{public}_docs_CNAME")
    );

    let arn = stack.state_id("aws_acm_certificate.site");
    let cert = acm
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .unwrap()
        .certificate()
        .cloned()
        .unwrap();
    assert_eq!(cert.status().map(|s| s.as_str()), Some("ISSUED"));
    let mut sans = cert.subject_alternative_names().to_vec();
    sans.sort();
    assert_eq!(sans, vec![format!("*.{domain}"), domain.clone()]);
    let cert_tags = acm
        .list_tags_for_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .unwrap();
    assert!(cert_tags
        .tags()
        .iter()
        .any(|t| t.key() == "Name" && t.value() == Some(name.as_str())));
    // Every validation record ACM asks for is in the zone, as the blueprint made it.
    for dvo in cert.domain_validation_options() {
        let rr = dvo.resource_record().expect("a DNS validation record");
        let made = find(&sets, rr.name().trim_end_matches('.'), rr.r#type().as_str(), None);
        assert_eq!(values(made), vec![rr.value().to_string()]);
    }
    let out = expect_code(&stack.run(&["output", "-raw", "private_zone_found"]), 0);
    assert_eq!(out.trim(), private);

    let clean = expect_code(&run(&["plan", "-detailed-exitcode", "-no-color"]), 0);
    assert!(clean.contains("No changes"), "{clean}");

    // A TTL and a weight change in place.
    let changed = [
        "-var".to_string(),
        var.clone(),
        "-var".to_string(),
        "www_ttl=600".to_string(),
        "-var".to_string(),
        "blue_weight=70".to_string(),
    ];
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    let plan = text(&stack.run(&[&["plan", "-no-color"][..], &changed].concat()));
    assert!(plan.contains("0 to add, 3 to change, 0 to destroy"), "{plan}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let sets = records(&r53, &public).await;
    assert_eq!(find(&sets, &format!("www.{domain}"), "A", None).ttl(), Some(600));
    assert_eq!(
        find(&sets, &format!("api.{domain}"), "A", Some("blue")).weight(),
        Some(70)
    );
    assert_eq!(
        find(&sets, &format!("api.{domain}"), "A", Some("green")).weight(),
        Some(30)
    );
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Import by Terraform's ids finds the same objects (the validation has nothing to import).
    stack.reimport_all_but(&["aws_acm_certificate_validation"], &changed);

    // State is lost: the next apply adopts the zones (by their tags), their records (by name,
    // type and set identifier in a zone of this stack) and the certificate (by its tags).
    std::fs::remove_file(stack.state_file()).unwrap();
    let out = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert!(out.contains("adopting"), "{out}");
    assert_eq!(zones_named(&r53, &domain).await.len(), 1);
    assert_eq!(zones_named(&r53, &format!("internal.{domain}")).await.len(), 1);
    assert_eq!(certificates_for(&acm, &domain).await, vec![arn.clone()]);
    assert_eq!(stack.state_id("aws_route53_zone.public"), public);
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(zones_named(&r53, &domain).await.is_empty());
    assert!(zones_named(&r53, &format!("internal.{domain}")).await.is_empty());
    assert!(certificates_for(&acm, &domain).await.is_empty());
    assert!(acm.describe_certificate().certificate_arn(&arn).send().await.is_err());
}

#[test]
fn the_blueprint_is_valid_terraform() {
    let Some(tf) = Terraform::init("the dns blueprint") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), BLUEPRINT).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform validate:\n{}", text(&out));
}
