//! `aws_cloudfront_function` against the emulator (patched to keep DEVELOPMENT and LIVE stages
//! with their own ETags, as CloudFront does): a published function with a key value store,
//! run by a distribution's default cache behavior; what CloudFront holds in each stage; code
//! changed in place reaching LIVE; code changed elsewhere seen by a plan and put back; import by
//! name; destroy in dependency order (CloudFront refuses to delete a function a distribution
//! uses). And a runtime CloudFront does not have, refused before any AWS call.

use crate::cloudfront::attrs;
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{FunctionConfig, FunctionRuntime, FunctionStage};
use aws_sdk_cloudfront::Client;

const V1: &str = "function handler(event) { return event.request; }";
const V2: &str = "function handler(event) { var r = event.request; r.uri = '/index.html'; return r; }";
const ELSEWHERE: &str = "function handler(event) { return { statusCode: 403 }; }";

/// The function, and with `distribution` a distribution running it on viewer requests.
fn blueprint(distribution: bool) -> String {
    let mut text = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "store_arn" {
  type = string
}

variable "code" {
  type = string
}

resource "aws_cloudfront_function" "rewrite" {
  name                         = "${var.name}-rewrite"
  runtime                      = "cloudfront-js-2.0"
  comment                      = "SPA rewrite"
  code                         = var.code
  key_value_store_associations = [var.store_arn]
}
"#
    .to_string();
    if distribution {
        text.push_str(
            r#"
resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name = "${var.name}.s3.us-east-1.amazonaws.com"
    origin_id   = "site"
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.rewrite.arn
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
"#,
        );
    }
    text
}

/// One stage's code and ETag as CloudFront answers GetFunction.
async fn code_of(c: &Client, name: &str, stage: FunctionStage) -> (String, String) {
    let out = c.get_function().name(name).stage(stage).send().await.unwrap();
    let code = String::from_utf8(out.function_code().unwrap().as_ref().to_vec()).unwrap();
    (code, out.e_tag().unwrap().to_string())
}

/// One stage's ETag and status as CloudFront answers DescribeFunction.
async fn stage_of(c: &Client, name: &str, stage: FunctionStage) -> (String, String) {
    let out = c.describe_function().name(name).stage(stage).send().await.unwrap();
    let s = out.function_summary().unwrap();
    (
        out.e_tag().unwrap().to_string(),
        s.status().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_published_function_runs_in_a_distribution_and_follows_its_code() {
    let c = Client::new(&sdk_config("us-east-1").await);
    let stack = Stack::from_files(&[("main.tf", &blueprint(true))]);
    let fname = format!("{}-rewrite", stack.name);
    let store = c
        .create_key_value_store()
        .name(format!("{}-kv", stack.name))
        .send()
        .await
        .unwrap();
    let store_arn = store.key_value_store().unwrap().arn().to_string();
    let vars = |code: &str| {
        vec![
            "-var".to_string(),
            format!("name={}", stack.name),
            "-var".to_string(),
            format!("store_arn={store_arn}"),
            "-var".to_string(),
            format!("code={code}"),
        ]
    };
    let run_in = |s: &Stack, args: &[&str], code: &str| {
        let v = vars(code);
        let all: Vec<&str> = args.iter().copied().chain(v.iter().map(String::as_str)).collect();
        s.run(&all)
    };
    let run = |args: &[&str], code: &str| run_in(&stack, args, code);

    expect_code(&run(&["apply", "-auto-approve"], V1), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"], V1), 0);

    // Both stages hold the code; state's ETags are CloudFront's, each stage's own.
    let state = attrs(&stack, "aws_cloudfront_function.rewrite");
    assert_eq!(state["id"], fname.as_str());
    assert_eq!(state["publish"], true, "the provider's default");
    let (dev_code, dev_etag) = code_of(&c, &fname, FunctionStage::Development).await;
    let (live_code, live_etag) = code_of(&c, &fname, FunctionStage::Live).await;
    assert_eq!((dev_code.as_str(), live_code.as_str()), (V1, V1));
    assert_eq!(state["etag"], dev_etag.as_str());
    assert_eq!(state["live_stage_etag"], live_etag.as_str());
    assert_ne!(dev_etag, live_etag, "each stage has its own ETag");
    let d = c
        .describe_function()
        .name(&fname)
        .stage(FunctionStage::Development)
        .send()
        .await
        .unwrap();
    let summary = d.function_summary().unwrap();
    let config = summary.function_config().unwrap();
    assert_eq!(config.runtime(), &FunctionRuntime::CloudfrontJs20);
    assert_eq!(config.comment(), "SPA rewrite");
    let stores: Vec<&str> = config
        .key_value_store_associations()
        .map(|a| a.items().iter().map(|i| i.key_value_store_arn()).collect())
        .unwrap_or_default();
    assert_eq!(stores, [store_arn.as_str()]);
    let arn = summary.function_metadata().unwrap().function_arn().to_string();
    assert_eq!(state["arn"], arn.as_str());

    // The distribution runs the function on viewer requests; CloudFront calls it associated.
    let dist_id = stack.state_id("aws_cloudfront_distribution.site");
    let dist = c.get_distribution_config().id(&dist_id).send().await.unwrap();
    let assoc = dist
        .distribution_config()
        .and_then(|d| d.default_cache_behavior())
        .and_then(|b| b.function_associations())
        .map(|f| f.items().to_vec())
        .unwrap_or_default();
    assert_eq!(assoc.len(), 1, "{assoc:?}");
    assert_eq!(assoc[0].function_arn(), arn);
    assert_eq!(assoc[0].event_type().as_str(), "viewer-request");
    assert_eq!(stage_of(&c, &fname, FunctionStage::Live).await.1, "ASSOCIATED");

    // New code changes the function in place and is published: LIVE runs it.
    let planned = expect_code(&run(&["plan", "-detailed-exitcode"], V2), 2);
    assert!(planned.contains("code"), "{planned}");
    expect_code(&run(&["apply", "-auto-approve"], V2), 0);
    let (live_code, new_live_etag) = code_of(&c, &fname, FunctionStage::Live).await;
    assert_eq!(live_code, V2);
    assert_ne!(new_live_etag, live_etag, "a publish gives LIVE a new ETag");
    let state = attrs(&stack, "aws_cloudfront_function.rewrite");
    assert_eq!(state["id"], fname.as_str(), "changed in place, not replaced");
    assert_eq!(state["code"], V2);
    assert_eq!(state["live_stage_etag"], new_live_etag.as_str());
    assert_eq!(
        state["etag"],
        code_of(&c, &fname, FunctionStage::Development).await.1.as_str()
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], V2), 0);

    // Code changed elsewhere (and published there): the plan sees it, an apply puts it back.
    let (etag, _) = stage_of(&c, &fname, FunctionStage::Development).await;
    let changed = c
        .update_function()
        .name(&fname)
        .if_match(etag)
        .function_config(
            FunctionConfig::builder()
                .comment("SPA rewrite")
                .runtime(FunctionRuntime::CloudfrontJs20)
                .key_value_store_associations(config.key_value_store_associations().unwrap().clone())
                .build()
                .unwrap(),
        )
        .function_code(Blob::new(ELSEWHERE))
        .send()
        .await
        .unwrap();
    c.publish_function()
        .name(&fname)
        .if_match(changed.e_tag().unwrap())
        .send()
        .await
        .unwrap();
    let drift = expect_code(&run(&["plan", "-detailed-exitcode"], V2), 2);
    assert!(drift.contains("code"), "{drift}");
    expect_code(&run(&["apply", "-auto-approve"], V2), 0);
    assert_eq!(code_of(&c, &fname, FunctionStage::Live).await.0, V2);

    // A change made elsewhere but not published: DEVELOPMENT is not what LIVE runs, so the plan
    // publishes (as well as putting the code back).
    let (etag, _) = stage_of(&c, &fname, FunctionStage::Development).await;
    c.update_function()
        .name(&fname)
        .if_match(etag)
        .function_config(d.function_summary().unwrap().function_config().unwrap().clone())
        .function_code(Blob::new(V2))
        .send()
        .await
        .unwrap();
    assert_eq!(stage_of(&c, &fname, FunctionStage::Development).await.1, "UNPUBLISHED");
    let unpublished = expect_code(&run(&["plan", "-detailed-exitcode"], V2), 2);
    assert!(unpublished.contains("publish"), "{unpublished}");
    expect_code(&run(&["apply", "-auto-approve"], V2), 0);
    assert_ne!(stage_of(&c, &fname, FunctionStage::Development).await.1, "UNPUBLISHED");
    expect_code(&run(&["plan", "-detailed-exitcode"], V2), 0);

    // Imported by name into another stack, it plans clean there.
    let other = Stack::from_files(&[("main.tf", &blueprint(false))]);
    let imported = {
        let v = vars(V2);
        let mut args = vec!["import"];
        args.extend(v.iter().map(String::as_str));
        args.extend(["aws_cloudfront_function.rewrite", fname.as_str()]);
        other.run(&args)
    };
    expect_code(&imported, 0);
    let clean = run_in(&other, &["plan", "-detailed-exitcode"], V2);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert_eq!(attrs(&other, "aws_cloudfront_function.rewrite")["arn"], arn.as_str());

    // Destroy: the distribution first (CloudFront refuses to delete a function in use).
    expect_code(&run(&["destroy", "-auto-approve"], V2), 0);
    let gone = c.describe_function().name(&fname).send().await.unwrap_err();
    assert_eq!(
        gone.as_service_error().and_then(|e| e.meta().code()),
        Some("NoSuchFunctionExists")
    );
    assert!(c.get_distribution().id(&dist_id).send().await.is_err());
}

#[test]
fn a_runtime_cloudfront_lacks_is_refused_before_any_call() {
    let body = r#"
resource "aws_cloudfront_function" "f" {
  name    = "rewrite"
  runtime = "cloudfront-js-3.0"
  code    = "function handler(e) { return e.request; }"
}
"#;
    let stack = Stack::from_files(&[("main.tf", body)]);
    let out = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(out.contains("runtime"), "{out}");
    assert!(out.contains("cloudfront-js-2.0"), "the allowed values:\n{out}");
    assert!(out.contains("main.tf:4"), "where:\n{out}");
    if let Some(tf) = Terraform::init("the bad CloudFront function runtime") {
        std::fs::write(tf.work().join("main.tf"), body).unwrap();
        let tf_out = tf.run(&["validate", "-no-color"]);
        assert!(!tf_out.status.success(), "terraform accepts it:\n{}", text(&tf_out));
        assert!(text(&tf_out).contains("runtime"), "{}", text(&tf_out));
    }
    // The blueprint the emulator test applies is valid to Terraform.
    if let Some(tf) = Terraform::init("the CloudFront function blueprint") {
        std::fs::write(tf.work().join("main.tf"), blueprint(true)).unwrap();
        expect_code(&tf.run(&["validate", "-no-color"]), 0);
    }
}
