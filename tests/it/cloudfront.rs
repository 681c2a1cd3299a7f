//! A single-page app on S3 behind CloudFront, as seed 003 builds it: a private bucket read only
//! through an origin access control, a distribution routing 403/404 to `/index.html`, an alias
//! with an ACM certificate, access logs, and a bucket policy that names the distribution's ARN.
//! The emulator is patched to refuse what AWS refuses (an enabled distribution's delete, a stale
//! ETag, an origin access control still in use), so the destroy sequence is proven here.

use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_cloudfront::types::DistributionConfig;
use infractl::provider::aws::cloudfront::distribution_config::rebuilt;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "comment" {
  type    = string
  default = "spa"
}

variable "price_class" {
  type    = string
  default = "PriceClass_100"
}

variable "not_found_page" {
  type    = string
  default = "/index.html"
}

resource "aws_s3_bucket" "spa" {
  bucket = "${var.name}-spa"
}

resource "aws_s3_bucket" "logs" {
  bucket = "${var.name}-logs"
}

resource "aws_acm_certificate" "spa" {
  domain_name       = "app.${var.name}.example.com"
  validation_method = "DNS"
}

resource "aws_cloudfront_origin_access_control" "spa" {
  name                              = "${var.name}-oac"
  description                       = "SPA bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "spa" {
  enabled             = true
  is_ipv6_enabled     = true
  comment             = var.comment
  default_root_object = "index.html"
  price_class         = var.price_class
  aliases             = ["app.${var.name}.example.com"]

  origin {
    domain_name              = aws_s3_bucket.spa.bucket_regional_domain_name
    origin_id                = "spa"
    origin_access_control_id = aws_cloudfront_origin_access_control.spa.id
  }

  origin {
    domain_name = "api.${var.name}.example.com"
    origin_id   = "api"
    origin_path = "/v1"

    custom_header {
      name  = "X-Origin-Verify"
      value = "secret-ish"
    }

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "spa"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"

    function_association {
      event_type   = "viewer-request"
      function_arn = "arn:aws:cloudfront::123456789012:function/${var.name}-rewrite"
    }
  }

  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    default_ttl            = 0
    max_ttl                = 0

    forwarded_values {
      query_string = true
      headers      = ["Authorization"]

      cookies {
        forward = "none"
      }
    }
  }

  custom_error_response {
    error_code         = 403
    response_code      = 200
    response_page_path = "/index.html"
  }

  custom_error_response {
    error_code            = 404
    response_code         = 200
    response_page_path    = var.not_found_page
    error_caching_min_ttl = 10
  }

  logging_config {
    bucket = aws_s3_bucket.logs.bucket_domain_name
    prefix = "cdn/"
  }

  restrictions {
    geo_restriction {
      restriction_type = "whitelist"
      locations        = ["DE", "US"]
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.spa.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  tags = { Name = var.name }
}

data "aws_iam_policy_document" "spa" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.spa.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.spa.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "spa" {
  bucket = aws_s3_bucket.spa.id
  policy = data.aws_iam_policy_document.spa.json
}
"#;

/// The attributes state holds for an address.
pub(crate) fn attrs(stack: &Stack, address: &str) -> serde_json::Value {
    let state = stack.flat_state();
    state["resources"]
        .as_array()
        .and_then(|l| l.iter().find(|r| r["address"] == address))
        .map(|r| r["attributes"].clone())
        .unwrap_or_else(|| panic!("{address} is not in state"))
}

/// What the emulator holds for a distribution.
async fn config_of(cf: &aws_sdk_cloudfront::Client, id: &str) -> DistributionConfig {
    let out = cf.get_distribution_config().id(id).send().await.unwrap();
    out.distribution_config().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spa_is_served_from_a_private_bucket_through_cloudfront() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config("us-east-1").await;
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    let id = stack.state_id("aws_cloudfront_distribution.spa");
    let oac = stack.state_id("aws_cloudfront_origin_access_control.spa");
    let c = config_of(&cf, &id).await;

    // The S3 origin is signed for with the origin access control; the API origin is custom.
    let origins = c.origins().unwrap().items();
    let spa = origins.iter().find(|o| o.id() == "spa").unwrap();
    assert_eq!(spa.origin_access_control_id(), Some(oac.as_str()));
    assert_eq!(
        spa.domain_name(),
        format!("{}-spa.s3.us-east-1.amazonaws.com", stack.name)
    );
    let api = origins.iter().find(|o| o.id() == "api").unwrap();
    assert_eq!(api.origin_path(), Some("/v1"));
    let custom = api.custom_origin_config().unwrap();
    assert_eq!(custom.origin_protocol_policy().as_str(), "https-only");
    assert_eq!(
        api.custom_headers().unwrap().items()[0].header_name(),
        "X-Origin-Verify"
    );

    // SPA routing: 403 and 404 answer /index.html with 200.
    assert_eq!(c.default_root_object(), Some("index.html"));
    let mut errors: Vec<(i32, String, String)> = c
        .custom_error_responses()
        .unwrap()
        .items()
        .iter()
        .map(|e| {
            (
                e.error_code(),
                e.response_code().unwrap_or_default().to_string(),
                e.response_page_path().unwrap_or_default().to_string(),
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (403, "200".into(), "/index.html".into()),
            (404, "200".into(), "/index.html".into())
        ]
    );

    // Behaviors, alias and certificate, logs, restrictions, price class.
    let d = c.default_cache_behavior().unwrap();
    assert_eq!(d.cache_policy_id(), Some("658327ea-f89d-4fab-a63d-7e88639e58f6"));
    assert_eq!(
        d.function_associations().unwrap().items()[0].event_type().as_str(),
        "viewer-request"
    );
    let ordered = &c.cache_behaviors().unwrap().items()[0];
    assert_eq!(ordered.path_pattern(), "/api/*");
    assert_eq!(
        c.aliases().unwrap().items(),
        [format!("app.{}.example.com", stack.name)]
    );
    let cert = c.viewer_certificate().unwrap();
    assert_eq!(
        cert.acm_certificate_arn(),
        Some(stack.state_id("aws_acm_certificate.spa").as_str())
    );
    assert_eq!(cert.ssl_support_method().map(|m| m.as_str()), Some("sni-only"));
    let logging = c.logging().unwrap();
    assert!(logging.enabled());
    assert_eq!(logging.prefix(), "cdn/");
    assert_eq!(c.price_class().map(|p| p.as_str()), Some("PriceClass_100"));
    assert_eq!(c.comment(), "spa");
    assert!(c.enabled());

    // The bucket policy names the distribution.
    let s3 = aws_sdk_s3::Client::new(&conf);
    let policy = s3
        .get_bucket_policy()
        .bucket(format!("{}-spa", stack.name))
        .send()
        .await
        .unwrap();
    let state = attrs(&stack, "aws_cloudfront_distribution.spa");
    let arn = state["arn"].as_str().unwrap().to_string();
    assert!(arn.ends_with(&format!(":distribution/{id}")), "{arn}");
    assert!(policy.policy().unwrap().contains(&arn));
    assert_eq!(state["hosted_zone_id"], "Z2FDTNDATAQYW2");
    assert_eq!(state["status"], "Deployed");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Comment, price class and an error page change in place, with the ETag state holds.
    let etag = state["etag"].as_str().unwrap().to_string();
    let changed = [
        "-var",
        "comment=spa v2",
        "-var",
        "price_class=PriceClass_200",
        "-var",
        "not_found_page=/404.html",
    ];
    let shown = expect_code(
        &stack.run(&[&["apply", "-auto-approve", "-var", &var][..], &changed].concat()),
        0,
    );
    // (The bucket policy's document is read again: it depends on the changed distribution.)
    assert!(shown.contains("0 added, 2 changed, 0 destroyed"), "{shown}");
    let c = config_of(&cf, &id).await;
    assert_eq!(c.comment(), "spa v2");
    assert_eq!(c.price_class().map(|p| p.as_str()), Some("PriceClass_200"));
    let not_found = c
        .custom_error_responses()
        .unwrap()
        .items()
        .iter()
        .find(|e| e.error_code() == 404)
        .unwrap();
    assert_eq!(not_found.response_page_path(), Some("/404.html"));
    assert_eq!(stack.state_id("aws_cloudfront_distribution.spa"), id);
    let new_etag = attrs(&stack, "aws_cloudfront_distribution.spa")["etag"].clone();
    assert_ne!(new_etag, etag.as_str());
    let plan_changed = [&["plan", "-detailed-exitcode", "-var", &var][..], &changed].concat();
    expect_code(&stack.run(&plan_changed), 0);

    // Imported by id, both plan no change.
    stack.reimport_all(&[&["-var", &var][..], &changed].concat());
    expect_code(&stack.run(&plan_changed), 0);

    // Destroy disables, waits and deletes (the emulator, as AWS, refuses an enabled one), and
    // the origin access control goes once no origin uses it.
    expect_code(
        &stack.run(&[&["destroy", "-auto-approve", "-var", &var][..], &changed].concat()),
        0,
    );
    let gone = cf.get_distribution().id(&id).send().await.unwrap_err();
    assert_eq!(
        aws_sdk_cloudfront::error::ProvideErrorMetadata::code(&gone),
        Some("NoSuchDistribution")
    );
    assert!(cf.get_origin_access_control().id(&oac).send().await.is_err());
}

const RETAINED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_cloudfront_distribution" "kept" {
  enabled          = true
  retain_on_delete = true

  origin {
    domain_name = "${var.name}.s3.us-east-1.amazonaws.com"
    origin_id   = "site"
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]

    forwarded_values {
      query_string = false

      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn retain_on_delete_leaves_the_distribution_disabled() {
    let stack = Stack::from_files(&[("main.tf", RETAINED)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let id = stack.state_id("aws_cloudfront_distribution.kept");
    let kept = attrs(&stack, "aws_cloudfront_distribution.kept");
    // The provider's defaults, and no support method invented for the default certificate.
    assert_eq!(kept["http_version"], "http2");
    assert_eq!(kept["price_class"], "PriceClass_All");
    assert_eq!(kept["viewer_certificate"][0]["minimum_protocol_version"], "TLSv1");
    assert_eq!(kept["origin"][0]["connection_attempts"], 3.0);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-1").await;
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    let out = cf.get_distribution_config().id(&id).send().await.unwrap();
    assert!(!out.distribution_config().unwrap().enabled(), "disabled and kept");
    cf.delete_distribution()
        .id(&id)
        .if_match(out.e_tag().unwrap())
        .send()
        .await
        .unwrap();
}

#[test]
fn terraform_validates_the_blueprint() {
    let Some(tf) = Terraform::init("the CloudFront blueprint") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), BLUEPRINT).unwrap();
    std::fs::write(tf.work().join("retained.tf"), RETAINED.replace(HEADER, "")).unwrap();
    // The origin group and gRPC blueprint as well: Terraform's provider takes those blocks so.
    std::fs::write(tf.work().join("failover.tf"), FAILOVER.replace(HEADER, "")).unwrap();
    expect_code(&tf.run(&["validate", "-no-color"]), 0);
}

/// The provider block and `name` variable every blueprint here starts with (written once when
/// several are validated together).
const HEADER: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nvariable \"name\" {\n  type = string\n}\n";

const SITE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"

  origin {
    domain_name = "${var.name}-a.s3.us-east-1.amazonaws.com"
    origin_id   = "primary"
  }

  origin {
    domain_name = "${var.name}-b.s3.us-east-1.amazonaws.com"
    origin_id   = "secondary"
  }

  default_cache_behavior {
    target_origin_id       = "primary"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]

    forwarded_values {
      query_string = false

      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"#;

/// The same configuration with another default root object (None: the element left out), as a
/// client other than infractl writes it: every member read back and sent again.
fn with_root_object(c: &DistributionConfig, root: Option<&str>) -> DistributionConfig {
    rebuilt(c, |b| b.set_default_root_object(root.map(str::to_string))).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_made_through_the_rust_sdk_is_planned_away() {
    for (blueprint, address) in [
        (SITE, "aws_cloudfront_distribution.site"),
        (BLUEPRINT, "aws_cloudfront_distribution.spa"),
    ] {
        drift_root_object(blueprint, address).await;
    }
}

async fn drift_root_object(blueprint: &str, address: &str) {
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let id = stack.state_id(address);

    let conf = sdk_config("us-east-1").await;
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    // Another object, an empty element, no element (the SDK leaves out what is None).
    for drift in [Some("drifted.html"), Some(""), None] {
        let out = cf.get_distribution_config().id(&id).send().await.unwrap();
        let drifted = with_root_object(out.distribution_config().unwrap(), drift);
        cf.update_distribution()
            .id(&id)
            .if_match(out.e_tag().unwrap())
            .distribution_config(drifted)
            .send()
            .await
            .unwrap();
        let held = config_of(&cf, &id).await;
        assert_eq!(
            held.default_root_object().unwrap_or_default(),
            drift.unwrap_or_default(),
            "the emulator holds the drift"
        );

        let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
        assert!(shown.contains("default_root_object"), "{drift:?} not planned:\n{shown}");
        assert!(
            shown.contains("Plan: 0 to add,") && shown.contains(" 0 to destroy"),
            "{shown}"
        );
        expect_code(&run(&["apply", "-auto-approve"]), 0);
        assert_eq!(config_of(&cf, &id).await.default_root_object(), Some("index.html"));
        expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    }
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}

const FAILOVER: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "failover_codes" {
  type    = list(number)
  default = [500, 502]
}

variable "grpc" {
  type    = bool
  default = true
}

resource "aws_cloudfront_distribution" "api" {
  enabled = true
  comment = var.name

  origin {
    domain_name = "primary.${var.name}.example.com"
    origin_id   = "primary"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  origin {
    domain_name = "standby.${var.name}.example.com"
    origin_id   = "standby"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  origin_group {
    origin_id = "failover"

    failover_criteria {
      status_codes = var.failover_codes
    }

    member {
      origin_id = "primary"
    }

    member {
      origin_id = "standby"
    }
  }

  default_cache_behavior {
    target_origin_id       = "failover"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

    grpc_config {
      enabled = var.grpc
    }
  }

  ordered_cache_behavior {
    path_pattern           = "/static/*"
    target_origin_id       = "primary"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"#;

/// The emulator's origin groups of a configuration: id, status codes, members in order.
fn groups_of(c: &DistributionConfig) -> Vec<(String, Vec<i32>, Vec<String>)> {
    c.origin_groups()
        .map(|g| g.items())
        .unwrap_or_default()
        .iter()
        .map(|g| {
            let mut codes = g
                .failover_criteria()
                .and_then(|f| f.status_codes())
                .map(|s| s.items().to_vec())
                .unwrap_or_default();
            codes.sort_unstable();
            let members = g
                .members()
                .map(|m| m.items().iter().map(|m| m.origin_id().to_string()).collect())
                .unwrap_or_default();
            (g.id().to_string(), codes, members)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_group_fails_over_and_a_behavior_carries_grpc() {
    let stack = Stack::from_files(&[("main.tf", FAILOVER)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let conf = sdk_config("us-east-1").await;
    let cf = aws_sdk_cloudfront::Client::new(&conf);
    let id = stack.state_id("aws_cloudfront_distribution.api");
    let c = config_of(&cf, &id).await;
    let primary_then_standby = vec!["primary".to_string(), "standby".to_string()];
    assert_eq!(
        groups_of(&c),
        vec![("failover".to_string(), vec![500, 502], primary_then_standby.clone())]
    );
    let d = c.default_cache_behavior().unwrap();
    assert_eq!(d.target_origin_id(), "failover");
    assert_eq!(d.grpc_config().map(|g| g.enabled()), Some(true));
    // The ordered behavior wrote no grpc_config: CloudFront keeps it off, and state says so.
    let ordered = &c.cache_behaviors().unwrap().items()[0];
    assert_ne!(ordered.grpc_config().map(|g| g.enabled()), Some(true));
    let state = attrs(&stack, "aws_cloudfront_distribution.api");
    assert_eq!(state["origin_group"][0]["member"][1]["origin_id"], "standby");
    assert_eq!(state["default_cache_behavior"][0]["grpc_config"][0]["enabled"], true);

    // The failover codes and gRPC change in place.
    let changed = ["-var", "failover_codes=[503, 504, 500]", "-var", "grpc=false"];
    let plan = [&["plan", "-detailed-exitcode", "-var", &var][..], &changed].concat();
    let shown = expect_code(&stack.run(&plan), 2);
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(
        &stack.run(&[&["apply", "-auto-approve", "-var", &var][..], &changed].concat()),
        0,
    );
    let c = config_of(&cf, &id).await;
    assert_eq!(
        groups_of(&c),
        vec![("failover".to_string(), vec![500, 503, 504], primary_then_standby)]
    );
    assert_eq!(
        c.default_cache_behavior().unwrap().grpc_config().map(|g| g.enabled()),
        Some(false)
    );
    expect_code(&stack.run(&plan), 0);

    // Imported by id, it plans no change.
    stack.reimport_all(&[&["-var", &var][..], &changed].concat());
    expect_code(&stack.run(&plan), 0);
    expect_code(
        &stack.run(&[&["destroy", "-auto-approve", "-var", &var][..], &changed].concat()),
        0,
    );
}

const MEMBERS: &str = r#"
resource "aws_cloudfront_distribution" "api" {
  enabled = true

  origin {
    domain_name = "primary.example.com"
    origin_id   = "primary"
  }

  origin_group {
    origin_id = "failover"

    failover_criteria {
      status_codes = [500]
    }

    dynamic "member" {
      for_each = MEMBERS
      content {
        origin_id = member.value
      }
    }
  }

  default_cache_behavior {
    target_origin_id       = "failover"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"#;

#[test]
fn an_origin_group_needs_exactly_two_members() {
    // One member and three (dynamic blocks, counted once expanded): refused before any call.
    for (members, said) in [
        ("[\"primary\"]", "At least 2"),
        ("[\"a\", \"b\", \"c\"]", "No more than 2"),
    ] {
        let blueprint = MEMBERS.replace("MEMBERS", members);
        let stack = Stack::from_files(&[("main.tf", &blueprint)]);
        let shown = expect_code(&stack.run_with_endpoint(&["plan"], "http://127.0.0.1:9"), 1);
        assert!(shown.contains(said) && shown.contains("\"member\" blocks"), "{shown}");
        assert!(shown.contains("main.tf:"), "{shown}");
    }
}
