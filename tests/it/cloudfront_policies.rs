//! CloudFront cache and origin request policies as seed 003 uses them, against the emulator:
//! managed policies found by name and by id through the data sources, custom policies with every
//! nested config, what CloudFront holds, a clean plan, changes in place (new ETags, same ids),
//! import by id, destroy; and the same blueprint applied by Terraform, which infractl then plans
//! clean from Terraform's own state.

use crate::interop::provider_override_for;
use crate::support::{expect_code, sdk_config, text, unique, Stack, Terraform};
use aws_sdk_cloudfront::Client;

/// CloudFront's documented ids of the managed policies the blueprint reads.
const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CORS_S3_ORIGIN: &str = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

fn blueprint(name: &str, comment: &str, headers: &str, max_ttl: u32) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

data "aws_cloudfront_cache_policy" "optimized" {{
  name = "Managed-CachingOptimized"
}}

data "aws_cloudfront_cache_policy" "disabled" {{
  id = "{CACHING_DISABLED}"
}}

data "aws_cloudfront_origin_request_policy" "cors_s3" {{
  name = "Managed-CORS-S3Origin"
}}

resource "aws_cloudfront_cache_policy" "api" {{
  name        = "{name}-api"
  comment     = "{comment}"
  default_ttl = 60
  max_ttl     = {max_ttl}
  min_ttl     = 1

  parameters_in_cache_key_and_forwarded_to_origin {{
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    headers_config {{
      header_behavior = "whitelist"
      headers {{
        items = [{headers}]
      }}
    }}

    cookies_config {{
      cookie_behavior = "whitelist"
      cookies {{
        items = ["session", "locale"]
      }}
    }}

    query_strings_config {{
      query_string_behavior = "allExcept"
      query_strings {{
        items = ["utm_source"]
      }}
    }}
  }}
}}

resource "aws_cloudfront_cache_policy" "static" {{
  name = "{name}-static"

  parameters_in_cache_key_and_forwarded_to_origin {{
    headers_config {{
      header_behavior = "none"
    }}
    cookies_config {{
      cookie_behavior = "none"
    }}
    query_strings_config {{
      query_string_behavior = "none"
    }}
  }}
}}

resource "aws_cloudfront_origin_request_policy" "api" {{
  name    = "{name}-api"
  comment = "{comment}"

  headers_config {{
    header_behavior = "allExcept"
    headers {{
      items = ["host"]
    }}
  }}
  cookies_config {{
    cookie_behavior = "all"
  }}
  query_strings_config {{
    query_string_behavior = "whitelist"
    query_strings {{
      items = ["page", "q"]
    }}
  }}
}}

output "optimized_id" {{
  value = data.aws_cloudfront_cache_policy.optimized.id
}}

output "optimized_max_ttl" {{
  value = data.aws_cloudfront_cache_policy.optimized.max_ttl
}}

output "disabled_name" {{
  value = data.aws_cloudfront_cache_policy.disabled.name
}}

output "cors_s3_id" {{
  value = data.aws_cloudfront_origin_request_policy.cors_s3.id
}}

output "cors_s3_headers" {{
  value = sort(tolist(data.aws_cloudfront_origin_request_policy.cors_s3.headers_config[0].headers[0].items))
}}
"#
    )
}

async fn cache_policy(c: &Client, id: &str) -> (aws_sdk_cloudfront::types::CachePolicyConfig, String) {
    let out = c.get_cache_policy().id(id).send().await.unwrap();
    let config = out
        .cache_policy()
        .and_then(|p| p.cache_policy_config())
        .cloned()
        .unwrap();
    (config, out.e_tag().unwrap_or_default().to_string())
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_003_cache_and_origin_request_policies() {
    let name = unique("cfpol");
    let main_tf = blueprint(&name, "API responses", r#""Authorization", "Accept-Language""#, 3600);
    if let Some(tf) = Terraform::init("the CloudFront policies blueprint's validity") {
        std::fs::write(tf.work().join("main.tf"), &main_tf).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        assert!(out.status.success(), "terraform validate:\n{}", text(&out));
    }
    let stack = Stack::from_files(&[("main.tf", &main_tf)]);
    let applied = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    // The managed policies, by name and by id, with CloudFront's settings.
    assert!(applied.contains(CACHING_OPTIMIZED), "{applied}");
    assert!(applied.contains("Managed-CachingDisabled"), "{applied}");
    assert!(applied.contains(CORS_S3_ORIGIN), "{applied}");
    assert!(applied.contains("31536000"), "CachingOptimized's max TTL:\n{applied}");
    assert!(applied.contains("access-control-request-method"), "{applied}");

    // The custom policies as CloudFront holds them.
    let c = Client::new(&sdk_config("us-east-1").await);
    let api_id = stack.state_id("aws_cloudfront_cache_policy.api");
    let (api, etag) = cache_policy(&c, &api_id).await;
    assert_eq!(api.name(), format!("{name}-api"));
    assert_eq!(api.comment(), Some("API responses"));
    assert_eq!(
        (api.min_ttl(), api.default_ttl(), api.max_ttl()),
        (1, Some(60), Some(3600))
    );
    let key = api.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
    assert!(key.enable_accept_encoding_gzip() && key.enable_accept_encoding_brotli() == Some(true));
    let h = key.headers_config().unwrap();
    assert_eq!(h.header_behavior().as_str(), "whitelist");
    assert_eq!(
        sorted(h.headers().unwrap().items()),
        ["Accept-Language", "Authorization"]
    );
    assert_eq!(h.headers().unwrap().quantity(), 2);
    let ck = key.cookies_config().unwrap();
    assert_eq!(sorted(ck.cookies().unwrap().items()), ["locale", "session"]);
    let q = key.query_strings_config().unwrap();
    assert_eq!(q.query_string_behavior().as_str(), "allExcept");
    assert_eq!(q.query_strings().unwrap().items(), ["utm_source"]);

    // The provider's defaults where the blueprint says nothing.
    let (st, _) = cache_policy(&c, &stack.state_id("aws_cloudfront_cache_policy.static")).await;
    assert_eq!(
        (st.min_ttl(), st.default_ttl(), st.max_ttl()),
        (0, Some(86400), Some(31_536_000))
    );
    assert!(!st
        .parameters_in_cache_key_and_forwarded_to_origin()
        .unwrap()
        .enable_accept_encoding_gzip());

    let orp_id = stack.state_id("aws_cloudfront_origin_request_policy.api");
    let orp = c.get_origin_request_policy().id(&orp_id).send().await.unwrap();
    let orp_config = orp
        .origin_request_policy()
        .unwrap()
        .origin_request_policy_config()
        .unwrap();
    assert_eq!(
        orp_config.headers_config().unwrap().header_behavior().as_str(),
        "allExcept"
    );
    assert_eq!(orp_config.cookies_config().unwrap().cookie_behavior().as_str(), "all");
    assert_eq!(
        sorted(
            orp_config
                .query_strings_config()
                .unwrap()
                .query_strings()
                .unwrap()
                .items()
        ),
        ["page", "q"]
    );

    // State records what CloudFront holds, ETag included.
    let state = stack.flat_state();
    let api_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_cloudfront_cache_policy.api")
        .unwrap()["attributes"]
        .clone();
    assert_eq!(api_state["etag"], etag.as_str());
    assert!(api_state["arn"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":cache-policy/{api_id}")));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Header names in another order are the same set: no change.
    stack.edit(
        "main.tf",
        r#""Authorization", "Accept-Language""#,
        r#""Accept-Language", "Authorization""#,
    );
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(shown.contains("No changes"), "{shown}");

    // In place: a comment, a header and a TTL; the ids stay, the ETag changes.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&name, "API responses v2", r#""Authorization", "X-Tenant""#, 7200),
    )
    .unwrap();
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("0 added, 2 changed, 0 destroyed"), "{shown}");
    assert_eq!(stack.state_id("aws_cloudfront_cache_policy.api"), api_id);
    let (api, new_etag) = cache_policy(&c, &api_id).await;
    assert_ne!(new_etag, etag, "an update gives a new ETag");
    assert_eq!(api.max_ttl(), Some(7200));
    assert_eq!(api.comment(), Some("API responses v2"));
    let h = api
        .parameters_in_cache_key_and_forwarded_to_origin()
        .unwrap()
        .headers_config()
        .unwrap();
    assert_eq!(sorted(h.headers().unwrap().items()), ["Authorization", "X-Tenant"]);
    let orp = c.get_origin_request_policy().id(&orp_id).send().await.unwrap();
    assert_eq!(
        orp.origin_request_policy()
            .unwrap()
            .origin_request_policy_config()
            .unwrap()
            .comment(),
        Some("API responses v2")
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: a change made outside is seen and put back.
    let (mut drifted, e) = cache_policy(&c, &api_id).await;
    drifted.min_ttl = 5;
    c.update_cache_policy()
        .id(&api_id)
        .if_match(e)
        .cache_policy_config(drifted)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("min_ttl"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(cache_policy(&c, &api_id).await.0.min_ttl(), 1);

    // Import by id plans clean.
    stack.reimport_all(&[]);

    // Destroy leaves nothing; the managed policies stay.
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let gone = c.get_cache_policy().id(&api_id).send().await.unwrap_err();
    assert_eq!(
        aws_sdk_cloudfront::error::ProvideErrorMetadata::code(&gone),
        Some("NoSuchCachePolicy")
    );
    assert!(c.get_origin_request_policy().id(&orp_id).send().await.is_err());
    assert!(c.get_cache_policy().id(CACHING_OPTIMIZED).send().await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_applies_the_policies_and_infractl_plans_clean() {
    let Some(tf) = Terraform::find("Terraform's apply of the CloudFront policies") else {
        return;
    };
    let name = unique("cfpoltf");
    let stack = Stack::from_files(&[
        (
            "main.tf",
            &blueprint(&name, "API responses", r#""Authorization""#, 3600),
        ),
        (
            "zz_emulator_override.tf",
            &provider_override_for(&["cloudfront", "sts"]),
        ),
    ]);
    let run = |args: &[&str]| {
        let out = tf.run_in(&stack.path, args);
        assert!(out.status.success(), "terraform {args:?}:\n{}", text(&out));
    };
    run(&["init", "-input=false", "-no-color"]);
    run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(shown.contains("No changes"), "{shown}");
    let c = Client::new(&sdk_config("us-east-1").await);
    let custom = c
        .list_cache_policies()
        .r#type(aws_sdk_cloudfront::types::CachePolicyType::Custom)
        .send()
        .await
        .unwrap();
    let ours: Vec<_> = custom
        .cache_policy_list()
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.cache_policy())
        .filter(|p| p.cache_policy_config().is_some_and(|c| c.name().starts_with(&name)))
        .collect();
    assert_eq!(ours.len(), 2, "Terraform made both cache policies");
    run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
}
