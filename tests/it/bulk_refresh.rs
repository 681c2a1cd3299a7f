//! Bulk refresh: a no-change plan of a stack with many objects of one type (subnets, security
//! groups, security group rules, route tables and their associations) reads them in a handful
//! of calls (counted by the proxy in front of the emulator), and still notices one deleted
//! behind infractl's back. Metric and composite alarms read in one DescribeAlarms call per
//! kind, and a deleted or changed alarm in the batch is still seen.

use crate::support::{expect_code, sdk_config, shows_change, text, unique, CountingProxy, Stack};

/// Applies the stack through the counting proxy, then runs a no-change plan through it (which
/// must be empty) and returns the calls that plan made.
fn no_change_plan_calls(
    stack: &Stack,
    proxy: &CountingProxy,
    vars: &[&str],
) -> std::collections::BTreeMap<String, u64> {
    let apply = [&["apply", "-auto-approve"][..], vars].concat();
    expect_code(&stack.run_with_endpoint(&apply, &proxy.url), 0);
    proxy.reset();
    let plan = [&["plan", "-detailed-exitcode"][..], vars].concat();
    expect_code(&stack.run_with_endpoint(&plan, &proxy.url), 0);
    proxy.calls()
}

const SUBNETS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.61.0.0/16"
}

resource "aws_security_group" "many" {
  count  = 5
  name   = "many-${count.index}"
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_route_table" "many" {
  count  = 5
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "many" {
  count      = 12
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  tags = {
    Name = "many-${count.index}"
  }
}

resource "aws_route_table_association" "many" {
  count          = 12
  subnet_id      = aws_subnet.many[count.index].id
  route_table_id = aws_route_table.many[count.index % 5].id
}

# Rules of their own on a group without inline rules (mixing the two fights, as in Terraform).
resource "aws_security_group" "rules" {
  name   = "rules"
  vpc_id = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "many" {
  count             = 6
  security_group_id = aws_security_group.rules.id
  ip_protocol       = "tcp"
  from_port         = 8000 + count.index
  to_port           = 8000 + count.index
  cidr_ipv4         = "10.${count.index}.0.0/16"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn many_objects_of_a_type_refresh_in_one_call_and_a_vanished_one_is_seen() {
    let stack = Stack::from_files(&[("main.tf", SUBNETS)]);
    let proxy = CountingProxy::start();
    let calls = no_change_plan_calls(&stack, &proxy, &[]);
    // 12 subnets, 6 security groups, 6 rules, 5 route tables, 12 associations: one Describe
    // call per type (the VPC's own read adds one for its default security group and one for
    // its main route table).
    for (api, expected) in [
        ("DescribeSubnets", 1),
        ("DescribeSecurityGroups", 2),
        ("DescribeSecurityGroupRules", 1),
        ("DescribeRouteTables", 3),
    ] {
        assert_eq!(calls.get(&format!("ec2:{api}")), Some(&expected), "{api}: {calls:?}");
    }

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    ec2.delete_subnet()
        .subnet_id(stack.state_id("aws_subnet.many[5]"))
        .send()
        .await
        .unwrap();
    ec2.revoke_security_group_ingress()
        .group_id(stack.state_id("aws_security_group.rules"))
        .security_group_rule_ids(stack.state_id("aws_vpc_security_group_ingress_rule.many[4]"))
        .send()
        .await
        .unwrap();
    ec2.disassociate_route_table()
        .association_id(stack.state_id("aws_route_table_association.many[7]"))
        .send()
        .await
        .unwrap();
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode"], &proxy.url);
    expect_code(&out, 2);
    let shown = text(&out);
    // Each object removed behind infractl's back is seen by the bulk reads. (Whether subnet 5's
    // association outlives its subnet depends on the emulator; AWS drops it.)
    for gone in [
        "aws_subnet.many[5]",
        "aws_route_table_association.many[7]",
        "aws_vpc_security_group_ingress_rule.many[4]",
    ] {
        assert!(
            shown.contains(&format!("Note: {gone} has been deleted outside infractl")),
            "{gone}:\n{shown}"
        );
    }
    let vanished = shown.matches("has been deleted outside infractl").count();
    assert!((3..=4).contains(&vanished), "only what was removed vanished:\n{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

const ALARMS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "prefix" {
  type = string
}

resource "aws_cloudwatch_metric_alarm" "many" {
  count               = 7
  alarm_name          = "${var.prefix}-cpu-${count.index}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = 50 + count.index
  tags = {
    Index = tostring(count.index)
  }
}

resource "aws_cloudwatch_composite_alarm" "many" {
  count      = 3
  alarm_name = "${var.prefix}-any-${count.index}"
  alarm_rule = "ALARM(\"${aws_cloudwatch_metric_alarm.many[count.index].alarm_name}\") OR ALARM(\"${aws_cloudwatch_metric_alarm.many[count.index + 1].alarm_name}\")"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn many_alarms_refresh_in_one_describe_call_per_kind_and_drift_is_still_seen() {
    let prefix = unique("bulk-alarm");
    let stack = Stack::from_files(&[("main.tf", ALARMS)]);
    let var = format!("prefix={prefix}");
    let proxy = CountingProxy::start();
    let calls = no_change_plan_calls(&stack, &proxy, &["-var", &var]);
    // Seven metric alarms and three composite ones: one DescribeAlarms call per kind; the tags
    // are still read per alarm (ListTagsForResource takes one ARN).
    assert_eq!(calls.get("monitoring:DescribeAlarms"), Some(&2), "{calls:?}");
    assert_eq!(calls.get("monitoring:ListTagsForResource"), Some(&10), "{calls:?}");

    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config("us-east-1").await);
    cw.delete_alarms()
        .alarm_names(format!("{prefix}-cpu-6"))
        .alarm_names(format!("{prefix}-any-2"))
        .send()
        .await
        .unwrap();
    // Drift on one alarm of the batch: its threshold changed behind infractl's back.
    cw.put_metric_alarm()
        .alarm_name(format!("{prefix}-cpu-3"))
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .evaluation_periods(1)
        .metric_name("CPUUtilization")
        .namespace("AWS/EC2")
        .period(60)
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .threshold(99.0)
        .send()
        .await
        .unwrap();
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode", "-var", &var], &proxy.url);
    expect_code(&out, 2);
    let shown = text(&out);
    for gone in [
        "aws_cloudwatch_metric_alarm.many[6]",
        "aws_cloudwatch_composite_alarm.many[2]",
    ] {
        assert!(
            shown.contains(&format!("Note: {gone} has been deleted outside infractl")),
            "{gone}:\n{shown}"
        );
    }
    assert_eq!(shown.matches("has been deleted outside infractl").count(), 2, "{shown}");
    assert!(
        shown.contains("aws_cloudwatch_metric_alarm.many[3] will be updated in-place") && shown.contains("99 -> 53"),
        "the drifted threshold is put back:\n{shown}"
    );

    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let held = alarms_named(&cw, &prefix).await;
    assert_eq!(held.metric_alarms().len(), 7);
    assert_eq!(held.composite_alarms().len(), 3);
    let cpu3 = held
        .metric_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some(format!("{prefix}-cpu-3").as_str()))
        .unwrap();
    assert_eq!(cpu3.threshold(), Some(53.0));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    let left = alarms_named(&cw, &prefix).await;
    assert!(left.metric_alarms().is_empty() && left.composite_alarms().is_empty());
}

/// Every alarm of either kind whose name starts with `prefix-`, as the emulator holds them.
async fn alarms_named(
    cw: &aws_sdk_cloudwatch::Client,
    prefix: &str,
) -> aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput {
    cw.describe_alarms()
        .alarm_name_prefix(format!("{prefix}-"))
        .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
        .alarm_types(aws_sdk_cloudwatch::types::AlarmType::CompositeAlarm)
        .send()
        .await
        .unwrap()
}

const BUCKET_WITH_COMPANIONS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket        = var.name
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecure"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = "${aws_s3_bucket.this.arn}/*"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_and_its_companions_read_each_setting_once_and_drift_is_still_seen() {
    let name = unique("shared-reads");
    let var = format!("name={name}");
    let stack = Stack::from_files(&[("main.tf", BUCKET_WITH_COMPANIONS)]);
    let proxy = CountingProxy::start();
    let calls = no_change_plan_calls(&stack, &proxy, &["-var", &var]);
    // The bucket's inline settings and the companions ask S3 the same four questions; a
    // refresh asks each once.
    for setting in ["versioning", "encryption", "lifecycle", "policy"] {
        assert_eq!(
            calls.get(&format!("s3:GET /{{bucket}}?{setting}")),
            Some(&1),
            "{setting}: {calls:?}"
        );
    }

    // Versioning suspended behind infractl's back: the companion's plan puts it back, and the
    // bucket's inline view of it changes in state (it is computed), so drift is still seen.
    let s3 = aws_sdk_s3::Client::new(&sdk_config("us-east-1").await);
    s3.put_bucket_versioning()
        .bucket(&name)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = stack.run_with_endpoint(&["plan", "-detailed-exitcode", "-var", &var], &proxy.url);
    let shown = expect_code(&out, 2);
    assert!(
        shown.contains("aws_s3_bucket_versioning.this will be updated in-place"),
        "{shown}"
    );
    assert!(
        shown.contains("~ versioning_configuration {")
            && shows_change(&shown, "status", "\"Suspended\" -> \"Enabled\""),
        "{shown}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let live = s3.get_bucket_versioning().bucket(&name).send().await.unwrap();
    assert_eq!(live.status().map(|s| s.as_str()), Some("Enabled"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}
