//! `force_destroy` past S3 Object Lock, as the provider does it: an `aws_s3_object` under a
//! legal hold and governance retention is refused while `force_destroy` is off (the error names
//! the version and S3's code, and the state keeps the object), and deleted once it is on (the
//! hold lifted, the retention bypassed); a locked bucket with `force_destroy` is emptied of an
//! object someone else put there under a legal hold, then deleted.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_s3::primitives::{ByteStream, DateTime};
use aws_sdk_s3::types::{ObjectLockLegalHoldStatus, ObjectLockMode};
use aws_sdk_s3::Client;
use aws_smithy_types::date_time::Format;

fn blueprint(bucket: &str, until: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

variable "force" {{
  type    = bool
  default = false
}}

resource "aws_s3_bucket" "locked" {{
  bucket              = "{bucket}"
  object_lock_enabled = true
  force_destroy       = true
}}

resource "aws_s3_object" "held" {{
  bucket  = aws_s3_bucket.locked.id
  key     = "held.txt"
  content = "kept by a legal hold and governance retention"

  object_lock_legal_hold_status = "ON"
  object_lock_mode              = "GOVERNANCE"
  object_lock_retain_until_date = "{until}"
  force_destroy                 = var.force
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn force_destroy_lifts_legal_holds_and_bypasses_governance_retention() {
    let bucket = format!("old{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let until = DateTime::from_secs(now + 3600 - now % 60);
    let stack = Stack::from_files(&[("main.tf", &blueprint(&bucket, &until.fmt(Format::DateTime).unwrap()))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-1").await;
    let s3 = Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());

    let head = s3.head_object().bucket(&bucket).key("held.txt").send().await.unwrap();
    assert_eq!(
        head.object_lock_legal_hold_status(),
        Some(&ObjectLockLegalHoldStatus::On)
    );
    assert_eq!(head.object_lock_mode(), Some(&ObjectLockMode::Governance));
    let version = head.version_id().unwrap().to_string();
    // Someone else's object in the bucket, also under a legal hold.
    s3.put_object()
        .bucket(&bucket)
        .key("theirs.txt")
        .body(ByteStream::from_static(b"not infractl's"))
        .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
        .send()
        .await
        .unwrap();

    // Without force_destroy S3's refusal stands, named, and the state keeps the object.
    let out = stack.run(&["destroy", "-auto-approve", "-target=aws_s3_object.held"]);
    let text = expect_code(&out, 1);
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(
        text.contains(&format!("s3://{bucket}/held.txt version {version}")),
        "{text}"
    );
    assert_eq!(stack.state_str("aws_s3_object.held", "version_id"), version);
    s3.head_object().bucket(&bucket).key("held.txt").send().await.unwrap();

    // force_destroy is a setting of infractl's alone: turned on in place, then destroy works.
    stack.changes_in_place("aws_s3_object.held", &["-var", "force=true"]);
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "force=true"]), 0);
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "{bucket} remains"
    );
}
