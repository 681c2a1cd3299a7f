//! Mutual TLS on an HTTPS listener, as the alb module's `mutual-auth-alb` example builds it: a
//! trust store made from a CA bundle in S3, a certificate revocation list added to it, and a
//! listener verifying client certificates against it. Checks what the emulator holds, a new
//! bundle sent in place (ModifyTrustStore), the listener's settings changed in place, an
//! import, bad values, a destroy that waits for the listener to let the trust store go, and
//! Terraform planning clean after infractl and the other way round.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::support::{
    each_case_refused_at_validate, expect_code, sdk_config, with_alb, Stack, Terraform, VALIDATED_CERTIFICATE_TF,
};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams, IsCa, Issuer, KeyIdMethod,
    KeyPair, KeyUsagePurpose, RevokedCertParams, SerialNumber,
};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "bundle" {
  type    = string
  default = "ca/one.pem"
}

variable "ignore_expiry" {
  type    = bool
  default = false
}

locals {
  domain = "${var.name}.example.com"
}

resource "aws_s3_bucket" "certs" {
  bucket        = "${var.name}-certs"
  force_destroy = true
}

resource "aws_s3_object" "bundle" {
  for_each = toset(["one", "two"])
  bucket   = aws_s3_bucket.certs.id
  key      = "ca/${each.key}.pem"
  source   = "${path.module}/${each.key}.pem"
}

resource "aws_s3_object" "crl" {
  bucket = aws_s3_bucket.certs.id
  key    = "crl/revoked.pem"
  source = "${path.module}/crl.pem"
}

resource "aws_lb_trust_store" "this" {
  name_prefix                      = "ts-"
  ca_certificates_bundle_s3_bucket = aws_s3_bucket.certs.id
  ca_certificates_bundle_s3_key    = var.bundle

  depends_on = [aws_s3_object.bundle]
}

resource "aws_lb_trust_store_revocation" "this" {
  trust_store_arn       = aws_lb_trust_store.this.arn
  revocations_s3_bucket = aws_s3_bucket.certs.id
  revocations_s3_key    = aws_s3_object.crl.key
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn

  mutual_authentication {
    mode                             = "verify"
    trust_store_arn                  = aws_lb_trust_store.this.arn
    ignore_client_certificate_expiry = var.ignore_expiry
  }

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}
"#;

/// A CA certificate, PEM, with the issuer that signed it.
fn ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    (pem, Issuer::new(params, key))
}

/// The bundles (one CA, then two) and a CRL revoking one serial, written beside the blueprint.
fn stack_with_pems(files: &[(&str, &str)]) -> Stack {
    let stack = Stack::from_files(files);
    let (first, issuer) = ca("infractl test root");
    let (second, _) = ca("infractl test second root");
    std::fs::write(stack.path.join("one.pem"), &first).unwrap();
    std::fs::write(stack.path.join("two.pem"), format!("{first}{second}")).unwrap();
    let crl = CertificateRevocationListParams {
        this_update: date_time_ymd(2026, 1, 1),
        next_update: date_time_ymd(2036, 1, 1),
        crl_number: SerialNumber::from(1),
        issuing_distribution_point: None,
        revoked_certs: vec![RevokedCertParams {
            serial_number: SerialNumber::from(4242),
            revocation_time: date_time_ymd(2026, 1, 1),
            reason_code: None,
            invalidity_date: None,
        }],
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .unwrap();
    std::fs::write(stack.path.join("crl.pem"), crl.pem().unwrap()).unwrap();
    stack
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listener_verifies_clients_against_a_trust_store_with_revocations() {
    let stack = stack_with_pems(&[
        ("main.tf", with_alb(BLUEPRINT, "10.16").as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let store = stack.state_id("aws_lb_trust_store.this");
    let listener = stack.state_id("aws_lb_listener.https");

    let described = || async {
        let out = elb
            .describe_trust_stores()
            .trust_store_arns(&store)
            .send()
            .await
            .unwrap();
        out.trust_stores()[0].clone()
    };
    let t = described().await;
    assert_eq!(t.status().unwrap().as_str(), "ACTIVE");
    assert_eq!(t.number_of_ca_certificates(), Some(1));
    assert_eq!(t.total_revoked_entries(), Some(1));
    assert!(t.name().unwrap().starts_with("ts-"));
    assert_eq!(
        stack.state_str("aws_lb_trust_store.this", "arn_suffix"),
        format!("truststore/{}", store.split(":truststore/").nth(1).unwrap())
    );
    let revocation = stack.state_attr("aws_lb_trust_store_revocation.this", "revocation_id");
    let out = elb
        .describe_trust_store_revocations()
        .trust_store_arn(&store)
        .revocation_ids(revocation.as_i64().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(out.trust_store_revocations()[0].number_of_revoked_entries(), Some(1));
    assert_eq!(
        stack.state_id("aws_lb_trust_store_revocation.this"),
        format!("{store},{revocation}")
    );

    let mutual = || async {
        let out = elb.describe_listeners().listener_arns(&listener).send().await.unwrap();
        out.listeners()[0].mutual_authentication().unwrap().clone()
    };
    let m = mutual().await;
    assert_eq!(m.mode(), Some("verify"));
    assert_eq!(m.trust_store_arn(), Some(store.as_str()));
    assert_eq!(m.ignore_client_certificate_expiry(), Some(false));
    let recorded = stack.state_attr("aws_lb_listener.https", "mutual_authentication");
    assert_eq!(
        recorded[0]["advertise_trust_store_ca_names"], "off",
        "AWS's default kept"
    );

    // In place: the trust store reads the two-CA bundle, the listener ignores expiry.
    let changed = [var.as_str(), "-var=bundle=ca/two.pem", "-var=ignore_expiry=true"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &changed].concat()), 0);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id("aws_lb_trust_store.this"), store);
    assert_eq!(described().await.number_of_ca_certificates(), Some(2));
    assert_eq!(mutual().await.ignore_client_certificate_expiry(), Some(true));
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // AWS never answers the S3 locations: an import of those two plans them again, as
    // Terraform's does; everything else imports clean.
    stack.reimport_all_but(
        &[
            "aws_acm_certificate_validation",
            "aws_lb_trust_store",
            "aws_lb_trust_store_revocation",
            "aws_s3_object",
        ],
        &changed,
    );
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    let gone = elb.describe_trust_stores().trust_store_arns(&store).send().await;
    assert!(gone.is_err(), "the trust store is deleted");
}

#[test]
fn bad_trust_store_and_mutual_authentication_values_are_refused() {
    let store = |line: &str| {
        format!(
            r#"  ca_certificates_bundle_s3_bucket = "b"
  ca_certificates_bundle_s3_key    = "k"
  {line}"#
        )
    };
    let bodies = [
        store(r#"name = "-leading""#),
        store(r#"name = "has_underscore""#),
        store(r#"name_prefix = "toolong""#),
        store(r#"ca_certificates_bundle_s3_object_version = """#),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_lb_trust_store", &bodies, "trust store values");
    let listener = |block: &str| {
        format!(
            r#"  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/0123456789abcdef"
  port              = 443
  protocol          = "HTTPS"
  mutual_authentication {{
    {block}
  }}
  default_action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
    }}
  }}"#
        )
    };
    let bodies = [
        listener(r#"mode = "strict""#),
        listener(
            r#"mode = "verify"
    advertise_trust_store_ca_names = "yes""#,
        ),
        listener(
            r#"mode = "verify"
    trust_store_arn = "not-an-arn""#,
        ),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_lb_listener", &bodies, "mutual authentication values");
}

#[test]
fn terraform_and_infractl_agree_on_trust_stores_either_way() {
    let Some(tf) = Terraform::find("the trust store cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(
        &with_alb(BLUEPRINT, "10.16"),
        &crate::support::unique("ts"),
        Some(("10.16", "10.17")),
    );
    let stack = stack_with_pems(&[
        ("main.tf", blueprint.as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "elbv2", "acm", "route53", "s3", "sts"]);
}
