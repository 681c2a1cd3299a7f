//! The deprecated inline settings of `aws_s3_bucket` (versioning, cors_rule, lifecycle_rule,
//! website, logging, server_side_encryption_configuration, acceleration_status, request_payer,
//! policy), as older blueprints and public modules write them: applied and checked in the
//! emulator, a clean second plan, an in-place change of each, drift through the SDK found and
//! put back, and destroy. A bucket whose settings companion resources manage plans clean (the
//! inline settings are Optional+Computed: unset, they follow AWS). The same blueprint applied by
//! Terraform plans clean in infractl.

use crate::interop::{infractl_destroys_terraforms, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_s3::Client;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "versioned" {
  type    = bool
  default = true
}

variable "origin" {
  type    = string
  default = "https://a.example.com"
}

variable "expire_days" {
  type    = number
  default = 90
}

variable "index" {
  type    = string
  default = "index.html"
}

variable "log_prefix" {
  type    = string
  default = "logs/"
}

variable "algorithm" {
  type    = string
  default = "AES256"
}

variable "acceleration" {
  type    = string
  default = "Enabled"
}

variable "payer" {
  type    = string
  default = "Requester"
}

variable "action" {
  type    = string
  default = "s3:GetObject"
}

resource "aws_s3_bucket" "logs" {
  bucket        = "${var.name}-logs"
  force_destroy = true

  # S3 writes the site's access logs here only if this bucket lets the logging service in.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "S3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::${var.name}-logs/*"
    }]
  })
}

resource "aws_s3_bucket" "site" {
  bucket              = "${var.name}-site"
  force_destroy       = true
  acceleration_status = var.acceleration
  request_payer       = var.payer

  versioning {
    enabled = var.versioned
  }

  cors_rule {
    allowed_methods = ["GET", "PUT"]
    allowed_origins = [var.origin]
    allowed_headers = ["*"]
    max_age_seconds = 300
  }

  lifecycle_rule {
    id                                     = "logs"
    prefix                                 = "log/"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7

    expiration {
      days = var.expire_days
    }

    noncurrent_version_transition {
      days          = 30
      storage_class = "GLACIER"
    }
  }

  website {
    index_document = var.index
    error_document = "error.html"
  }

  logging {
    target_bucket = aws_s3_bucket.logs.id
    target_prefix = var.log_prefix
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = var.algorithm
      }
    }
  }

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Read"
      Effect    = "Allow"
      Principal = "*"
      Action    = var.action
      Resource  = "arn:aws:s3:::${var.name}-site/*"
    }]
  })
}
"#;

fn client(conf: &aws_config::SdkConfig) -> Client {
    Client::from_conf(aws_sdk_s3::config::Builder::from(conf).force_path_style(true).build())
}

/// What the emulator holds of the settings the blueprint writes inline.
#[derive(Debug, PartialEq)]
struct Held {
    versioning: Option<String>,
    origins: Vec<String>,
    expire_days: Option<i32>,
    index: Option<String>,
    error: Option<String>,
    log_target: Option<(String, String)>,
    algorithm: Option<String>,
    acceleration: Option<String>,
    payer: Option<String>,
    policy_action: Option<String>,
}

async fn held(s3: &Client, bucket: &str) -> Held {
    let v = s3.get_bucket_versioning().bucket(bucket).send().await.unwrap();
    let cors = s3.get_bucket_cors().bucket(bucket).send().await.ok();
    let lc = s3.get_bucket_lifecycle_configuration().bucket(bucket).send().await.ok();
    let site = s3.get_bucket_website().bucket(bucket).send().await.ok();
    let log = s3.get_bucket_logging().bucket(bucket).send().await.unwrap();
    let sse = s3.get_bucket_encryption().bucket(bucket).send().await.ok();
    let accel = s3
        .get_bucket_accelerate_configuration()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let payer = s3.get_bucket_request_payment().bucket(bucket).send().await.unwrap();
    let policy = s3.get_bucket_policy().bucket(bucket).send().await.ok();
    Held {
        versioning: v.status().map(|s| s.as_str().to_string()),
        origins: cors
            .map(|c| {
                c.cors_rules()
                    .iter()
                    .flat_map(|r| r.allowed_origins().to_vec())
                    .collect()
            })
            .unwrap_or_default(),
        expire_days: lc.and_then(|l| {
            l.rules()
                .iter()
                .find(|r| r.id() == Some("logs"))
                .and_then(|r| r.expiration().and_then(|e| e.days()))
        }),
        index: site
            .as_ref()
            .and_then(|s| s.index_document().map(|d| d.suffix().to_string())),
        error: site
            .as_ref()
            .and_then(|s| s.error_document().map(|d| d.key().to_string())),
        log_target: log
            .logging_enabled()
            .map(|l| (l.target_bucket().to_string(), l.target_prefix().to_string())),
        algorithm: sse.and_then(|s| {
            s.server_side_encryption_configuration()
                .and_then(|c| c.rules().first().cloned())
                .and_then(|r| {
                    r.apply_server_side_encryption_by_default()
                        .map(|d| d.sse_algorithm().as_str().to_string())
                })
        }),
        acceleration: accel.status().map(|s| s.as_str().to_string()),
        payer: payer.payer().map(|p| p.as_str().to_string()),
        policy_action: policy.and_then(|p| p.policy().map(str::to_string)).and_then(|p| {
            let doc: serde_json::Value = serde_json::from_str(&p).ok()?;
            doc["Statement"][0]["Action"].as_str().map(str::to_string)
        }),
    }
}

fn expected(name: &str) -> Held {
    Held {
        versioning: Some("Enabled".into()),
        origins: vec!["https://a.example.com".into()],
        expire_days: Some(90),
        index: Some("index.html".into()),
        error: Some("error.html".into()),
        log_target: Some((format!("{name}-logs"), "logs/".into())),
        algorithm: Some("AES256".into()),
        acceleration: Some("Enabled".into()),
        payer: Some("Requester".into()),
        policy_action: Some("s3:GetObject".into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_with_inline_settings_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-var", var.as_str()]);
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let s3 = client(&sdk_config(REGION).await);
    let bucket = format!("{name}-site");
    let lc = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let rule = lc
        .rules()
        .iter()
        .find(|r| r.id() == Some("logs"))
        .expect("the lifecycle rule");
    assert_eq!(rule.status().as_str(), "Enabled");
    assert_eq!(
        rule.abort_incomplete_multipart_upload()
            .and_then(|a| a.days_after_initiation()),
        Some(7)
    );
    assert_eq!(rule.noncurrent_version_transitions().len(), 1);
    assert_eq!(held(&s3, &bucket).await, expected(&name));
    // The logs bucket sets nothing inline: nothing was written to it.
    let logs = held(&s3, &format!("{name}-logs")).await;
    assert_eq!(logs.versioning, None);
    assert!(logs.origins.is_empty());
    assert_eq!(logs.index, None);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place, one change of each kind.
    let changed = [
        "-var",
        "versioned=false",
        "-var",
        "origin=https://b.example.com",
        "-var",
        "expire_days=30",
        "-var",
        "index=home.html",
        "-var",
        "log_prefix=access/",
        "-var",
        "algorithm=aws:kms",
        "-var",
        "acceleration=Suspended",
        "-var",
        "payer=BucketOwner",
        "-var",
        "action=s3:ListBucket",
    ];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("aws_s3_bucket.site will be updated in-place"), "{shown}");
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let now = held(&s3, &bucket).await;
    assert_eq!(
        now,
        Held {
            versioning: Some("Suspended".into()),
            origins: vec!["https://b.example.com".into()],
            expire_days: Some(30),
            index: Some("home.html".into()),
            error: Some("error.html".into()),
            log_target: Some((format!("{name}-logs"), "access/".into())),
            algorithm: Some("aws:kms".into()),
            acceleration: Some("Suspended".into()),
            payer: Some("BucketOwner".into()),
            policy_action: Some("s3:ListBucket".into()),
        }
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift through the SDK: versioning and CORS changed by hand are found and put back.
    s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.delete_bucket_cors().bucket(&bucket).send().await.unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("versioning"), "{shown}");
    assert!(shown.contains("cors_rule"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let back = held(&s3, &bucket).await;
    assert_eq!(back.versioning.as_deref(), Some("Suspended"));
    assert_eq!(back.origins, vec!["https://b.example.com".to_string()]);
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Removed from the blueprint: computed, so AWS keeps the settings and nothing is planned.
    stack.edit(
        "main.tf",
        "  website {\n    index_document = var.index\n    error_document = \"error.html\"\n  }\n",
        "",
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "the bucket is still there"
    );
    assert!(s3.head_bucket().bucket(format!("{name}-logs")).send().await.is_err());
}

const COMPANIONS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_s3_bucket" "b" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_accelerate_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  status = "Enabled"
}
"#;

/// Companion resources manage the settings; the bucket, which sets none inline, reads them
/// and plans no change (no fight between the two).
#[tokio::test(flavor = "multi_thread")]
async fn companions_and_a_bucket_without_inline_settings_do_not_fight() {
    let stack = Stack::from_files(&[("main.tf", COMPANIONS)]);
    let var = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let s3 = client(&sdk_config(REGION).await);
    let h = held(&s3, &stack.name).await;
    assert_eq!(h.versioning.as_deref(), Some("Enabled"));
    assert_eq!(h.origins, vec!["*".to_string()]);
    assert_eq!(h.acceleration.as_deref(), Some("Enabled"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    // The bucket was read before its companions ran; the apply's refresh records what they set
    // in the bucket's own state, as Terraform's apply does.
    let bucket = stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_s3_bucket.b")
        .unwrap()["attributes"]
        .clone();
    assert_eq!(bucket["versioning"][0]["enabled"], true, "{bucket}");
    assert_eq!(bucket["acceleration_status"], "Enabled", "{bucket}");
    assert_eq!(bucket["cors_rule"][0]["allowed_origins"][0], "*", "{bucket}");
    // Once state is current, a no-change apply leaves it alone.
    let serial = stack.flat_state()["serial"].clone();
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    assert_eq!(stack.flat_state()["serial"], serial, "state rewritten with nothing new");
    assert_eq!(held(&s3, &stack.name).await.versioning.as_deref(), Some("Enabled"));
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert!(s3.head_bucket().bucket(&stack.name).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inline_blueprint_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the inline bucket blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["s3", "sts", "iam"], &["-var", &var]);
    let s3 = client(&sdk_config(REGION).await);
    assert_eq!(held(&s3, &format!("{}-site", stack.name)).await, expected(&stack.name));
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    assert!(shown.contains("No changes"), "{shown}");
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(s3
        .head_bucket()
        .bucket(format!("{}-site", stack.name))
        .send()
        .await
        .is_err());
}
