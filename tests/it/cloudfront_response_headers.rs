//! CloudFront response headers policies (issue 17), against the emulator: the managed policies
//! through the data source (by name and by id), a custom policy with every block, what
//! CloudFront holds, a distribution naming it, a change in place (same id, new ETag), a change
//! made behind infractl's back seen by a no-change plan and put back, import by id, destroy;
//! and the provider's plan-time checks refusing bad enum values, as `terraform validate` does.

use crate::support::{expect_code, sdk_config, text, unique, Stack, Terraform};
use aws_sdk_cloudfront::types::{FrameOptionsList, ReferrerPolicyList, ResponseHeadersPolicyConfig};
use aws_sdk_cloudfront::Client;

/// CloudFront's documented ids of managed response headers policies.
const SECURITY_HEADERS: &str = "67f7725c-6f97-4210-82d7-5512b31e9d03";
const CORS_WITH_PREFLIGHT: &str = "5cc3b908-e619-4b99-88e5-2cf7f45965bd";
const SIMPLE_CORS: &str = "60669652-455b-4ae9-85a4-c4c02393f86c";

fn blueprint(name: &str, comment: &str, frame_option: &str, custom: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

data "aws_cloudfront_response_headers_policy" "security" {{
  name = "Managed-SecurityHeadersPolicy"
}}

data "aws_cloudfront_response_headers_policy" "preflight" {{
  name = "Managed-CORS-With-Preflight"
}}

data "aws_cloudfront_response_headers_policy" "simple" {{
  id = "{SIMPLE_CORS}"
}}

resource "aws_cloudfront_response_headers_policy" "web" {{
  name    = "{name}-web"
  comment = "{comment}"

  cors_config {{
    access_control_allow_credentials = true
    origin_override                  = true
    access_control_max_age_sec       = 600

    access_control_allow_headers {{
      items = ["X-Requested-With", "Authorization"]
    }}
    access_control_allow_methods {{
      items = ["GET", "POST", "OPTIONS"]
    }}
    access_control_allow_origins {{
      items = ["https://app.example.com"]
    }}
    access_control_expose_headers {{
      items = ["X-Request-Id"]
    }}
  }}

  security_headers_config {{
    content_security_policy {{
      content_security_policy = "default-src 'self'"
      override                = true
    }}
    content_type_options {{
      override = true
    }}
    frame_options {{
      frame_option = "{frame_option}"
      override     = true
    }}
    referrer_policy {{
      referrer_policy = "strict-origin-when-cross-origin"
      override        = false
    }}
    strict_transport_security {{
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }}
    xss_protection {{
      protection = true
      mode_block = true
      override   = true
    }}
  }}

  custom_headers_config {{
{custom}
  }}

  remove_headers_config {{
    items {{
      header = "X-Powered-By"
    }}
  }}

  server_timing_headers_config {{
    enabled       = true
    sampling_rate = 12.5
  }}
}}

resource "aws_cloudfront_distribution" "site" {{
  enabled = true

  origin {{
    domain_name = "{name}.s3.us-east-1.amazonaws.com"
    origin_id   = "site"
  }}

  default_cache_behavior {{
    target_origin_id           = "site"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.web.id
  }}

  restrictions {{
    geo_restriction {{
      restriction_type = "none"
    }}
  }}

  viewer_certificate {{
    cloudfront_default_certificate = true
  }}
}}

output "security_id" {{
  value = data.aws_cloudfront_response_headers_policy.security.id
}}

output "security_frame" {{
  value = data.aws_cloudfront_response_headers_policy.security.security_headers_config[0].frame_options[0].frame_option
}}

output "preflight_id" {{
  value = data.aws_cloudfront_response_headers_policy.preflight.id
}}

output "preflight_max_age" {{
  value = data.aws_cloudfront_response_headers_policy.preflight.cors_config[0].access_control_max_age_sec
}}

output "simple_name" {{
  value = data.aws_cloudfront_response_headers_policy.simple.name
}}
"#
    )
}

const ONE_HEADER: &str = r#"    items {
      header   = "X-Team"
      value    = "web"
      override = false
    }"#;

const TWO_HEADERS: &str = r#"    items {
      header   = "X-Team"
      value    = "web"
      override = false
    }
    items {
      header   = "X-Env"
      value    = "prod"
      override = true
    }"#;

async fn policy(c: &Client, id: &str) -> (ResponseHeadersPolicyConfig, String) {
    let out = c.get_response_headers_policy().id(id).send().await.unwrap();
    let config = out
        .response_headers_policy()
        .and_then(|p| p.response_headers_policy_config())
        .cloned()
        .unwrap();
    (config, out.e_tag().unwrap_or_default().to_string())
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v
}

fn custom_headers(c: &ResponseHeadersPolicyConfig) -> Vec<(String, String, bool)> {
    let mut v: Vec<_> = c
        .custom_headers_config()
        .map(|h| h.items())
        .unwrap_or_default()
        .iter()
        .map(|h| (h.header().to_string(), h.value().to_string(), h.r#override()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn response_headers_policy_lifecycle() {
    let name = unique("cfrhp");
    let main_tf = blueprint(&name, "web responses", "DENY", ONE_HEADER);
    if let Some(tf) = Terraform::init("the response headers policy blueprint's validity") {
        std::fs::write(tf.work().join("main.tf"), &main_tf).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        assert!(out.status.success(), "terraform validate:\n{}", text(&out));
    }
    let stack = Stack::from_files(&[("main.tf", &main_tf)]);
    let applied = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    // The managed policies, by name and by id, as CloudFront keeps them.
    assert!(applied.contains(SECURITY_HEADERS), "{applied}");
    assert!(applied.contains(CORS_WITH_PREFLIGHT), "{applied}");
    assert!(
        applied.contains("SAMEORIGIN"),
        "SecurityHeadersPolicy's frame option:\n{applied}"
    );
    assert!(applied.contains("Managed-SimpleCORS"), "{applied}");
    assert!(applied.contains("600"), "CORS-With-Preflight's max age:\n{applied}");

    // The custom policy as CloudFront holds it.
    let c = Client::new(&sdk_config("us-east-1").await);
    let id = stack.state_id("aws_cloudfront_response_headers_policy.web");
    let (p, etag) = policy(&c, &id).await;
    assert_eq!(p.name(), format!("{name}-web"));
    assert_eq!(p.comment(), Some("web responses"));
    let cors = p.cors_config().unwrap();
    assert!(cors.access_control_allow_credentials() && cors.origin_override());
    assert_eq!(cors.access_control_max_age_sec(), Some(600));
    let h = cors.access_control_allow_headers().unwrap();
    assert_eq!(
        (h.quantity(), sorted(h.items())),
        (2, vec!["Authorization".into(), "X-Requested-With".into()])
    );
    let mut methods: Vec<_> = cors
        .access_control_allow_methods()
        .unwrap()
        .items()
        .iter()
        .map(|m| m.as_str().to_string())
        .collect();
    methods.sort();
    assert_eq!(methods, ["GET", "OPTIONS", "POST"]);
    assert_eq!(
        cors.access_control_allow_origins().unwrap().items(),
        ["https://app.example.com"]
    );
    assert_eq!(cors.access_control_expose_headers().unwrap().items(), ["X-Request-Id"]);
    let s = p.security_headers_config().unwrap();
    assert_eq!(
        s.content_security_policy().unwrap().content_security_policy(),
        "default-src 'self'"
    );
    assert!(s.content_type_options().unwrap().r#override());
    assert_eq!(s.frame_options().unwrap().frame_option(), &FrameOptionsList::Deny);
    let referrer = s.referrer_policy().unwrap();
    assert_eq!(
        referrer.referrer_policy(),
        &ReferrerPolicyList::StrictOriginWhenCrossOrigin
    );
    assert!(!referrer.r#override());
    let hsts = s.strict_transport_security().unwrap();
    assert_eq!(hsts.access_control_max_age_sec(), 63_072_000);
    assert_eq!((hsts.include_subdomains(), hsts.preload()), (Some(true), Some(true)));
    let xss = s.xss_protection().unwrap();
    assert!(xss.protection() && xss.mode_block() == Some(true) && xss.report_uri().is_none());
    assert_eq!(custom_headers(&p), [("X-Team".into(), "web".into(), false)]);
    let removed = p.remove_headers_config().unwrap();
    assert_eq!((removed.quantity(), removed.items()[0].header()), (1, "X-Powered-By"));
    let timing = p.server_timing_headers_config().unwrap();
    assert!(timing.enabled());
    assert_eq!(timing.sampling_rate(), Some(12.5));

    // The distribution names the policy.
    let dist_id = stack.state_id("aws_cloudfront_distribution.site");
    let dist = c.get_distribution_config().id(&dist_id).send().await.unwrap();
    let behavior = dist.distribution_config().unwrap().default_cache_behavior().unwrap();
    assert_eq!(behavior.response_headers_policy_id(), Some(id.as_str()));

    // State records CloudFront's ETag and the ARN; a second plan has nothing to do.
    let state = stack.flat_state();
    let attrs = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_cloudfront_response_headers_policy.web")
        .unwrap()["attributes"]
        .clone();
    assert_eq!(attrs["etag"], etag.as_str());
    assert!(attrs["arn"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":response-headers-policy/{id}")));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // In place: comment, frame option and a second custom header; same id, new ETag.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&name, "web responses v2", "SAMEORIGIN", TWO_HEADERS),
    )
    .unwrap();
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    assert_eq!(stack.state_id("aws_cloudfront_response_headers_policy.web"), id);
    let (p, new_etag) = policy(&c, &id).await;
    assert_ne!(new_etag, etag, "an update gives a new ETag");
    assert_eq!(p.comment(), Some("web responses v2"));
    assert_eq!(
        p.security_headers_config()
            .unwrap()
            .frame_options()
            .unwrap()
            .frame_option(),
        &FrameOptionsList::Sameorigin
    );
    assert_eq!(
        custom_headers(&p),
        [
            ("X-Env".into(), "prod".into(), true),
            ("X-Team".into(), "web".into(), false)
        ]
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: a referrer policy changed behind infractl's back is seen and put back.
    let (mut drifted, e) = policy(&c, &id).await;
    let mut security = drifted.security_headers_config.take().unwrap();
    security.referrer_policy.as_mut().unwrap().referrer_policy = ReferrerPolicyList::NoReferrer;
    drifted.security_headers_config = Some(security);
    c.update_response_headers_policy()
        .id(&id)
        .if_match(e)
        .response_headers_policy_config(drifted)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("no-referrer"), "{shown}");
    assert!(shown.contains("referrer_policy"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let (p, _) = policy(&c, &id).await;
    assert_eq!(
        p.security_headers_config()
            .unwrap()
            .referrer_policy()
            .unwrap()
            .referrer_policy(),
        &ReferrerPolicyList::StrictOriginWhenCrossOrigin
    );

    // Import by id plans clean.
    stack.reimport_all(&[]);

    // Destroy leaves nothing; the managed policies stay.
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let gone = c.get_response_headers_policy().id(&id).send().await.unwrap_err();
    assert_eq!(
        aws_sdk_cloudfront::error::ProvideErrorMetadata::code(&gone),
        Some("NoSuchResponseHeadersPolicy")
    );
    assert!(c
        .get_response_headers_policy()
        .id(SECURITY_HEADERS)
        .send()
        .await
        .is_ok());
}

#[test]
fn bad_enum_values_are_refused_before_any_call() {
    let cases = [
        ("DENY", "ALLOW", "expected one of \"DENY\", \"SAMEORIGIN\""),
        (
            "\"strict-origin-when-cross-origin\"",
            "\"same-site\"",
            "\"strict-origin-when-cross-origin\", \"unsafe-url\"",
        ),
        ("sampling_rate = 12.5", "sampling_rate = 150", "from 0 to 100"),
    ];
    for (from, to, said) in cases {
        let main_tf = blueprint("bad", "c", "DENY", ONE_HEADER).replacen(from, to, 1);
        assert_ne!(
            main_tf,
            blueprint("bad", "c", "DENY", ONE_HEADER),
            "{to} is in the blueprint"
        );
        if let Some(tf) = Terraform::init("the provider's checks of response headers policies") {
            std::fs::write(tf.work().join("main.tf"), &main_tf).unwrap();
            let out = tf.run(&["validate", "-no-color"]);
            assert!(!out.status.success(), "terraform refuses {to}:\n{}", text(&out));
        }
        let stack = Stack::from_files(&[("main.tf", &main_tf)]);
        let shown = expect_code(&stack.run(&["validate"]), 1);
        assert!(shown.contains(said), "{to}:\n{shown}");
        assert!(shown.contains("main.tf:"), "{shown}");
        // Nothing was created: plan refuses it too.
        let shown = expect_code(&stack.run(&["plan"]), 1);
        assert!(shown.contains(said), "{to}:\n{shown}");
    }
}

/// The provider leaves CORS method names to CloudFront (`terraform validate` accepts any):
/// plan accepts them, CloudFront's refusal fails the apply with its code and the address, and
/// state records nothing.
#[test]
fn a_method_cloudfront_refuses_fails_the_apply() {
    let name = unique("cfrhpbad");
    let main_tf = format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_cloudfront_response_headers_policy" "cors" {{
  name = "{name}"

  cors_config {{
    access_control_allow_credentials = false
    origin_override                  = false

    access_control_allow_headers {{
      items = ["*"]
    }}
    access_control_allow_methods {{
      items = ["GET", "FETCH"]
    }}
    access_control_allow_origins {{
      items = ["*"]
    }}
  }}
}}
"#
    );
    if let Some(tf) = Terraform::init("the provider's acceptance of any CORS method name") {
        std::fs::write(tf.work().join("main.tf"), &main_tf).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        assert!(out.status.success(), "terraform validate:\n{}", text(&out));
    }
    let stack = Stack::from_files(&[("main.tf", &main_tf)]);
    expect_code(&stack.run(&["validate"]), 0);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 1);
    assert!(shown.contains("InvalidArgument"), "{shown}");
    assert!(shown.contains("FETCH"), "{shown}");
    assert!(shown.contains("aws_cloudfront_response_headers_policy.cors"), "{shown}");
    let state = stack.flat_state();
    let resources = state["resources"].as_array().cloned().unwrap_or_default();
    assert!(resources.is_empty(), "nothing recorded: {resources:?}");
}
