//! S3 objects, the bucket companions beyond the foundation's (logging, ACL, acceleration,
//! request payment, Object Lock, replication, notifications, Intelligent-Tiering, inventory,
//! analytics, metrics) and the account's public access block, against the emulator: what S3
//! holds after apply, drift made behind infractl's back, import by Terraform's ids, destroy;
//! and objects Terraform keeps (whose id is the key alone) planned clean by infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_s3::Client;

fn blueprint(p: &str, note: &str, tier_days: u32, dst_acl: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_s3_bucket" "src" {{
  bucket        = "{p}-src"
  force_destroy = true
}}

resource "aws_s3_bucket" "dst" {{
  bucket        = "{p}-dst"
  force_destroy = true
}}

resource "aws_s3_bucket" "logs" {{
  bucket        = "{p}-logs"
  force_destroy = true
}}

resource "aws_s3_bucket" "locked" {{
  bucket              = "{p}-locked"
  object_lock_enabled = true
  force_destroy       = true
}}

resource "aws_s3_bucket_versioning" "src" {{
  bucket = aws_s3_bucket.src.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_versioning" "dst" {{
  bucket = aws_s3_bucket.dst.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_acl" "logs" {{
  bucket = aws_s3_bucket.logs.id
  acl    = "log-delivery-write"
}}

resource "aws_s3_bucket_acl" "dst" {{
  bucket = aws_s3_bucket.dst.id
  acl    = "{dst_acl}"
}}

resource "aws_s3_bucket_logging" "src" {{
  bucket        = aws_s3_bucket.src.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "log/"
  depends_on    = [aws_s3_bucket_acl.logs]
}}

resource "aws_s3_bucket_accelerate_configuration" "src" {{
  bucket = aws_s3_bucket.src.id
  status = "Enabled"
}}

resource "aws_s3_bucket_request_payment_configuration" "src" {{
  bucket = aws_s3_bucket.src.id
  payer  = "Requester"
}}

resource "aws_s3_bucket_object_lock_configuration" "locked" {{
  bucket = aws_s3_bucket.locked.id
  rule {{
    default_retention {{
      mode = "GOVERNANCE"
      days = 2
    }}
  }}
}}

resource "aws_s3_bucket_replication_configuration" "src" {{
  bucket     = aws_s3_bucket.src.id
  role       = "arn:aws:iam::123456789012:role/{p}-replication"
  depends_on = [aws_s3_bucket_versioning.src, aws_s3_bucket_versioning.dst]
  rule {{
    id     = "docs"
    status = "Enabled"
    filter {{
      prefix = "docs/"
    }}
    delete_marker_replication {{
      status = "Disabled"
    }}
    destination {{
      bucket        = aws_s3_bucket.dst.arn
      storage_class = "STANDARD_IA"
    }}
  }}
}}

resource "aws_sns_topic" "uploads" {{
  name = "{p}-uploads"
}}

resource "aws_s3_bucket_notification" "src" {{
  bucket      = aws_s3_bucket.src.id
  eventbridge = true
  topic {{
    id            = "incoming"
    topic_arn     = aws_sns_topic.uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "in/"
  }}
}}

resource "aws_s3_bucket_intelligent_tiering_configuration" "src" {{
  bucket = aws_s3_bucket.src.id
  name   = "archive"
  filter {{
    prefix = "old/"
  }}
  tiering {{
    access_tier = "ARCHIVE_ACCESS"
    days        = {tier_days}
  }}
}}

resource "aws_s3_bucket_inventory" "src" {{
  bucket                   = aws_s3_bucket.src.id
  name                     = "weekly"
  included_object_versions = "Current"
  optional_fields          = ["Size", "ETag"]
  schedule {{
    frequency = "Weekly"
  }}
  destination {{
    bucket {{
      bucket_arn = aws_s3_bucket.dst.arn
      format     = "CSV"
      prefix     = "inventory"
      encryption {{
        sse_s3 {{}}
      }}
    }}
  }}
}}

resource "aws_s3_bucket_analytics_configuration" "src" {{
  bucket = aws_s3_bucket.src.id
  name   = "all"
  storage_class_analysis {{
    data_export {{
      destination {{
        s3_bucket_destination {{
          bucket_arn = aws_s3_bucket.dst.arn
          prefix     = "analytics"
        }}
      }}
    }}
  }}
}}

resource "aws_s3_bucket_metric" "docs" {{
  bucket = aws_s3_bucket.src.id
  name   = "docs"
  filter {{
    prefix = "docs/"
    tags   = {{ team = "docs" }}
  }}
}}

resource "aws_s3_object" "note" {{
  bucket       = aws_s3_bucket.logs.id
  key          = "notes/hello.txt"
  content      = "{note}"
  content_type = "text/plain"
  metadata     = {{ owner = "platform" }}
  tags         = {{ Kind = "note" }}
}}

resource "aws_s3_object" "file" {{
  bucket                 = aws_s3_bucket.logs.id
  key                    = "files/data.json"
  source                 = "${{path.module}}/data.json"
  etag                   = filemd5("${{path.module}}/data.json")
  server_side_encryption = "AES256"
}}

resource "aws_s3_object" "blob" {{
  bucket         = aws_s3_bucket.logs.id
  key            = "blob.bin"
  content_base64 = base64encode("binary-ish")
  cache_control  = "max-age=60"
}}

resource "aws_s3_account_public_access_block" "this" {{
  block_public_acls   = true
  block_public_policy = true
}}
"#
    )
}

async fn body(s3: &Client, bucket: &str, key: &str) -> String {
    let o = s3.get_object().bucket(bucket).key(key).send().await.unwrap();
    String::from_utf8(o.body.collect().await.unwrap().into_bytes().to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_bucket_settings_and_the_account_block() {
    let p = format!("bs{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let stack = Stack::from_files(&[
        ("main.tf", &blueprint(&p, "hello", 125, "private")),
        ("data.json", "{\"a\": 1}\n"),
    ]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let (src, dst, logs) = (format!("{p}-src"), format!("{p}-dst"), format!("{p}-logs"));

    let logging = s3.get_bucket_logging().bucket(&src).send().await.unwrap();
    let enabled = logging.logging_enabled().unwrap();
    assert_eq!(
        (enabled.target_bucket(), enabled.target_prefix()),
        (logs.as_str(), "log/")
    );
    let acl = s3.get_bucket_acl().bucket(&logs).send().await.unwrap();
    assert!(acl.grants().iter().any(|g| g
        .grantee()
        .and_then(|x| x.uri())
        .is_some_and(|u| u.ends_with("LogDelivery"))));
    let accel = s3
        .get_bucket_accelerate_configuration()
        .bucket(&src)
        .send()
        .await
        .unwrap();
    assert_eq!(accel.status().map(|s| s.as_str()), Some("Enabled"));
    let pay = s3.get_bucket_request_payment().bucket(&src).send().await.unwrap();
    assert_eq!(pay.payer().map(|x| x.as_str()), Some("Requester"));
    let lock = s3
        .get_object_lock_configuration()
        .bucket(format!("{p}-locked"))
        .send()
        .await
        .unwrap();
    let retention = lock
        .object_lock_configuration()
        .unwrap()
        .rule()
        .unwrap()
        .default_retention()
        .unwrap();
    assert_eq!(
        (retention.mode().map(|m| m.as_str()), retention.days()),
        (Some("GOVERNANCE"), Some(2))
    );
    let repl = s3.get_bucket_replication().bucket(&src).send().await.unwrap();
    let rule = &repl.replication_configuration().unwrap().rules()[0];
    assert_eq!(rule.id(), Some("docs"));
    assert_eq!(rule.destination().unwrap().bucket(), format!("arn:aws:s3:::{dst}"));
    assert_eq!(
        rule.destination().unwrap().storage_class().map(|c| c.as_str()),
        Some("STANDARD_IA")
    );
    let notif = s3
        .get_bucket_notification_configuration()
        .bucket(&src)
        .send()
        .await
        .unwrap();
    assert_eq!(notif.topic_configurations()[0].id(), Some("incoming"));
    assert!(notif.event_bridge_configuration().is_some());
    let tiering = s3
        .get_bucket_intelligent_tiering_configuration()
        .bucket(&src)
        .id("archive")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tiering.intelligent_tiering_configuration().unwrap().tierings()[0].days(),
        125
    );
    let inventory = s3
        .get_bucket_inventory_configuration()
        .bucket(&src)
        .id("weekly")
        .send()
        .await
        .unwrap();
    let inventory = inventory.inventory_configuration().unwrap();
    assert_eq!(inventory.schedule().unwrap().frequency().as_str(), "Weekly");
    assert_eq!(inventory.included_object_versions().as_str(), "Current");
    let fields: Vec<&str> = inventory.optional_fields().iter().map(|f| f.as_str()).collect();
    assert_eq!(fields, ["Size", "ETag"]);
    let destination = inventory.destination().unwrap().s3_bucket_destination().unwrap();
    assert!(destination.encryption().unwrap().sses3().is_some());
    let analytics = s3
        .get_bucket_analytics_configuration()
        .bucket(&src)
        .id("all")
        .send()
        .await
        .unwrap();
    let export = analytics
        .analytics_configuration()
        .unwrap()
        .storage_class_analysis()
        .unwrap();
    assert_eq!(
        export
            .data_export()
            .unwrap()
            .destination()
            .unwrap()
            .s3_bucket_destination()
            .unwrap()
            .prefix(),
        Some("analytics")
    );
    let metric = s3
        .get_bucket_metrics_configuration()
        .bucket(&src)
        .id("docs")
        .send()
        .await
        .unwrap();
    assert!(matches!(
        metric.metrics_configuration().unwrap().filter(),
        Some(aws_sdk_s3::types::MetricsFilter::And(_))
    ));
    assert_eq!(body(&s3, &logs, "notes/hello.txt").await, "hello");
    let head = s3
        .head_object()
        .bucket(&logs)
        .key("notes/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(head.metadata().unwrap()["owner"], "platform");
    let tags = s3
        .get_object_tagging()
        .bucket(&logs)
        .key("notes/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set()[0].key(), "Kind");
    assert_eq!(body(&s3, &logs, "files/data.json").await, "{\"a\": 1}\n");
    let head = s3
        .head_object()
        .bucket(&logs)
        .key("files/data.json")
        .send()
        .await
        .unwrap();
    assert_eq!(head.server_side_encryption().map(|x| x.as_str()), Some("AES256"));
    assert_eq!(body(&s3, &logs, "blob.bin").await, "binary-ish");
    let control = aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(&conf)
            .endpoint_resolver(infractl::provider::aws::s3::control::Resolver::default())
            .build(),
    );
    let block = control
        .get_public_access_block()
        .account_id("123456789012")
        .send()
        .await
        .unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (block.block_public_acls(), block.ignore_public_acls()),
        (Some(true), Some(false))
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: settings changed or removed behind infractl's back, an object overwritten.
    s3.put_bucket_accelerate_configuration()
        .bucket(&src)
        .accelerate_configuration(
            aws_sdk_s3::types::AccelerateConfiguration::builder()
                .status(aws_sdk_s3::types::BucketAccelerateStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.delete_bucket_intelligent_tiering_configuration()
        .bucket(&src)
        .id("archive")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket(&logs)
        .key("notes/hello.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"tampered"))
        .send()
        .await
        .unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("Plan: 1 to add, 2 to change, 0 to destroy."), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(body(&s3, &logs, "notes/hello.txt").await, "hello");
    let accel = s3
        .get_bucket_accelerate_configuration()
        .bucket(&src)
        .send()
        .await
        .unwrap();
    assert_eq!(accel.status().map(|s| s.as_str()), Some("Enabled"));
    assert!(s3
        .get_bucket_intelligent_tiering_configuration()
        .bucket(&src)
        .id("archive")
        .send()
        .await
        .is_ok());

    // In place: new content, a new tiering, another canned ACL (which the ACL's id names);
    // the source file's change is seen through its etag.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&p, "hello again", 180, "public-read"),
    )
    .unwrap();
    std::fs::write(stack.path.join("data.json"), "{\"a\": 2}\n").unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("Plan: 0 to add, 4 to change, 0 to destroy."), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(body(&s3, &logs, "notes/hello.txt").await, "hello again");
    assert_eq!(body(&s3, &logs, "files/data.json").await, "{\"a\": 2}\n");
    let tiering = s3
        .get_bucket_intelligent_tiering_configuration()
        .bucket(&src)
        .id("archive")
        .send()
        .await
        .unwrap();
    assert_eq!(
        tiering.intelligent_tiering_configuration().unwrap().tierings()[0].days(),
        180
    );
    let acl = s3.get_bucket_acl().bucket(&dst).send().await.unwrap();
    assert!(acl.grants().iter().any(|g| {
        g.grantee()
            .and_then(|x| x.uri())
            .is_some_and(|u| u.ends_with("AllUsers"))
            && g.permission().map(|p| p.as_str()) == Some("READ")
    }));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    stack.reimport_all(&[]);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    for b in [&src, &dst, &logs] {
        assert!(s3.head_bucket().bucket(b).send().await.is_err(), "{b} remains");
    }
    assert!(control
        .get_public_access_block()
        .account_id("123456789012")
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("objects applied by Terraform") else {
        return;
    };
    let blueprint = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_s3_bucket" "b" {
  bucket        = var.name
  force_destroy = true
}

resource "aws_s3_object" "nested" {
  bucket  = aws_s3_bucket.b.id
  key     = "a/b/note.txt"
  content = "kept by Terraform"
  tags    = { Kind = "note" }
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["s3", "sts"], &["-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    let s3 = Client::new(&sdk_config("us-east-1").await);
    assert!(s3.head_bucket().bucket(&stack.name).send().await.is_err());
}
