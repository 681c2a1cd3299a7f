//! `aws_cloudwatch_event_archive` on the emulator: two archives of a custom bus, one keeping
//! matching events for 30 days, one keeping everything forever; the description, pattern and
//! retention change in place (a retention removed keeps events forever again); a pattern
//! rewritten with other spacing is no change; drift is put back; an archive deleted behind
//! infractl's back is made again; import by name; destroy. Terraform plans clean after infractl
//! and back; bad names and patterns are refused by both `validate` commands.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_cloudwatch_event_bus" "orders" {
  name = "${var.name}-orders"
}
resource "aws_cloudwatch_event_archive" "paid" {
  name             = "${var.name}-paid"
  event_source_arn = aws_cloudwatch_event_bus.orders.arn
  description      = "paid orders"
  retention_days   = 30
  event_pattern = jsonencode({
    source      = ["shop.orders"]
    detail-type = ["OrderPaid"]
  })
}
resource "aws_cloudwatch_event_archive" "all" {
  name             = "${var.name}-all"
  event_source_arn = aws_cloudwatch_event_bus.orders.arn
}
"##;

/// What EventBridge holds for an archive: description, pattern (parsed) and retention.
async fn archive(ev: &aws_sdk_eventbridge::Client, name: &str) -> Option<(String, serde_json::Value, i32)> {
    let out = ev.describe_archive().archive_name(name).send().await.ok()?;
    let pattern = out
        .event_pattern()
        .map(|p| serde_json::from_str(p).unwrap())
        .unwrap_or(serde_json::Value::Null);
    Some((
        out.description().unwrap_or_default().to_string(),
        pattern,
        out.retention_days().unwrap_or(0),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn archives_are_made_changed_put_back_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let ev = aws_sdk_eventbridge::Client::new(&sdk_config("us-east-1").await);
    let (paid, all) = (format!("{}-paid", stack.name), format!("{}-all", stack.name));
    let (description, pattern, retention) = archive(&ev, &paid).await.expect("the paid archive");
    assert_eq!((description.as_str(), retention), ("paid orders", 30));
    assert_eq!(pattern["detail-type"], serde_json::json!(["OrderPaid"]));
    assert_eq!(archive(&ev, &all).await.map(|a| a.2), Some(0), "kept forever");
    assert_eq!(
        stack.state_str("aws_cloudwatch_event_archive.paid", "arn"),
        format!("arn:aws:events:us-east-1:123456789012:archive/{paid}")
    );

    // The same pattern with other spacing and key order is no change.
    stack.edit(
        "main.tf",
        "jsonencode({\n    source      = [\"shop.orders\"]\n    detail-type = [\"OrderPaid\"]\n  })",
        "\"{ \\\"detail-type\\\": [\\\"OrderPaid\\\"],  \\\"source\\\": [\\\"shop.orders\\\"] }\"",
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Description, pattern and retention change in place; removing the retention keeps all.
    stack.edit("main.tf", "\"paid orders\"", "\"paid and refunded orders\"");
    stack.edit(
        "main.tf",
        "[\\\"OrderPaid\\\"]",
        "[\\\"OrderPaid\\\", \\\"OrderRefunded\\\"]",
    );
    stack.edit("main.tf", "retention_days   = 30\n", "");
    stack.changes_in_place("aws_cloudwatch_event_archive.paid", &args);
    let (description, pattern, retention) = archive(&ev, &paid).await.unwrap();
    assert_eq!((description.as_str(), retention), ("paid and refunded orders", 0));
    assert_eq!(
        pattern["detail-type"],
        serde_json::json!(["OrderPaid", "OrderRefunded"])
    );

    // Changed behind infractl's back: put back.
    ev.update_archive()
        .archive_name(&paid)
        .description("someone else's")
        .retention_days(7)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert_eq!(
        archive(&ev, &paid).await.map(|a| (a.0, a.2)),
        Some(("paid and refunded orders".to_string(), 0))
    );

    // Deleted behind infractl's back: made again; then imported by name, it plans clean.
    ev.delete_archive().archive_name(&all).send().await.unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_cloudwatch_event_archive.all will be created"),
        "{shown}"
    );
    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(archive(&ev, &paid).await.is_none());
    assert!(archive(&ev, &all).await.is_none());
}

/// Terraform and infractl keep archives the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_archives_either_way() {
    cross_check(
        "the aws_cloudwatch_event_archive cross-check",
        BLUEPRINT,
        "event-archive",
        None,
        &["events", "sts"],
    );
}

/// Names too long or with other characters, a source that is no ARN, a description too long
/// and a pattern that is not JSON: refused by both `validate` commands.
#[test]
fn bad_archives_are_refused_at_validate() {
    let bus = "event_source_arn = \"arn:aws:events:us-east-1:123456789012:event-bus/default\"";
    let long_name = format!("name = \"{}\"\n{bus}", "a".repeat(49));
    let spaced = format!("name = \"a b\"\n{bus}");
    let long_description = format!("name = \"d\"\n{bus}\ndescription = \"{}\"", "d".repeat(513));
    let bad_pattern = format!("name = \"p\"\n{bus}\nevent_pattern = \"{{not json\"");
    each_case_refused_at_validate(
        "aws_cloudwatch_event_archive",
        &[
            &long_name,
            &spaced,
            "name = \"s\"\nevent_source_arn = \"default\"",
            &long_description,
            &bad_pattern,
        ],
        "archive values",
    );
}
