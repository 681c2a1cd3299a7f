//! `aws_cloudfront_log_delivery_canonical_user_id`: the canonical user CloudFront writes logs
//! as, for the provider's region and for a China region, handed to an SSM parameter whose
//! value the emulator then holds; a second plan is clean, destroy removes the parameter.

use crate::support::{expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

data "aws_cloudfront_log_delivery_canonical_user_id" "here" {}

data "aws_cloudfront_log_delivery_canonical_user_id" "china" {
  region = "cn-north-1"
}

resource "aws_ssm_parameter" "log_users" {
  name  = "/${var.name}/log-users"
  type  = "String"
  value = "${data.aws_cloudfront_log_delivery_canonical_user_id.here.id},${data.aws_cloudfront_log_delivery_canonical_user_id.china.id}"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_log_delivery_user_is_the_partitions() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    let name = format!("/{}/log-users", stack.name);
    let held = ssm.get_parameter().name(&name).send().await.unwrap();
    assert_eq!(
        held.parameter().and_then(|p| p.value()),
        Some(
            "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0,a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56"
        )
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert!(ssm.get_parameter().name(&name).send().await.is_err());
}
