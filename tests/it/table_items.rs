//! `aws_dynamodb_table_item` on the emulator: two items of a table with a hash and a range key,
//! one holding every kind of value (map, list, sets, binary, bool, null). The same item written
//! with other spacing and key order is no change; an attribute changed and one removed change
//! the item in place (the removed one is gone from DynamoDB); a new key value moves the item
//! (the old key holds nothing); a value changed behind infractl's back is drift and is put back;
//! an item deleted behind infractl's back is made again; an item already there under a key is
//! not taken over; destroy deletes both and leaves that one. Terraform plans clean after
//! infractl and back; bad items are refused by both `validate` commands.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_dynamodb_table" "settings" {
  name         = "${var.name}-settings"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "N"
  }
}
resource "aws_dynamodb_table_item" "flags" {
  table_name = aws_dynamodb_table.settings.name
  hash_key   = aws_dynamodb_table.settings.hash_key
  range_key  = aws_dynamodb_table.settings.range_key
  item = <<ITEM
{
  "pk": {"S": "flags"},
  "sk": {"N": "1"},
  "enabled": {"BOOL": true},
  "limits": {"M": {"rps": {"N": "100"}, "burst": {"N": "200"}}},
  "regions": {"SS": ["eu-west-1", "us-east-1"]},
  "weights": {"NS": ["1", "2.5"]},
  "history": {"L": [{"S": "v1"}, {"N": "2"}, {"NULL": true}]},
  "secret": {"B": "aGVsbG8="},
  "note": {"S": "seeded by infractl"}
}
ITEM
}
resource "aws_dynamodb_table_item" "plain" {
  table_name = aws_dynamodb_table.settings.name
  hash_key   = "pk"
  range_key  = "sk"
  item       = jsonencode({ pk = { S = "plain" }, sk = { N = "2" }, v = { S = "x" } })
}
"##;

fn key(pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_string(), AttributeValue::S(pk.into())),
        ("sk".to_string(), AttributeValue::N(sk.into())),
    ])
}

/// The item DynamoDB holds under a key.
async fn item(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    pk: &str,
    sk: &str,
) -> Option<HashMap<String, AttributeValue>> {
    let out = ddb
        .get_item()
        .table_name(table)
        .set_key(Some(key(pk, sk)))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.item().cloned()
}

#[tokio::test(flavor = "multi_thread")]
async fn items_are_put_changed_moved_put_back_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config("us-east-1").await);
    let table = format!("{}-settings", stack.name);
    let flags = item(&ddb, &table, "flags", "1").await.expect("the flags item");
    assert_eq!(flags["enabled"], AttributeValue::Bool(true));
    assert_eq!(flags["limits"].as_m().unwrap()["rps"], AttributeValue::N("100".into()));
    assert_eq!(flags["history"].as_l().unwrap()[2], AttributeValue::Null(true));
    assert_eq!(flags["secret"].as_b().unwrap().as_ref(), b"hello");
    let mut regions = flags["regions"].as_ss().unwrap().clone();
    regions.sort();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    assert_eq!(
        stack.state_id("aws_dynamodb_table_item.flags"),
        format!("{table}|pk||flags||sk|||1")
    );
    assert_eq!(
        item(&ddb, &table, "plain", "2").await.unwrap()["v"],
        AttributeValue::S("x".into())
    );

    // The same item, spaced and ordered otherwise: no change.
    stack.edit(
        "main.tf",
        "  \"pk\": {\"S\": \"flags\"},\n  \"sk\": {\"N\": \"1\"},",
        "  \"sk\": { \"N\" : \"1\" },  \"pk\":{\"S\":\"flags\"},",
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // An attribute changed and one removed: in place; the removed one is gone.
    stack.edit("main.tf", "\"100\"", "\"150\"");
    stack.edit("main.tf", ",\n  \"note\": {\"S\": \"seeded by infractl\"}", "");
    stack.changes_in_place("aws_dynamodb_table_item.flags", &args);
    let flags = item(&ddb, &table, "flags", "1").await.unwrap();
    assert_eq!(flags["limits"].as_m().unwrap()["rps"], AttributeValue::N("150".into()));
    assert!(!flags.contains_key("note"), "{flags:?}");

    // A new key value: the item moves, the old key holds nothing.
    stack.edit("main.tf", "S = \"plain\"", "S = \"plainer\"");
    stack.changes_in_place("aws_dynamodb_table_item.plain", &args);
    assert!(item(&ddb, &table, "plain", "2").await.is_none());
    assert_eq!(
        item(&ddb, &table, "plainer", "2").await.unwrap()["v"],
        AttributeValue::S("x".into())
    );
    assert_eq!(
        stack.state_id("aws_dynamodb_table_item.plain"),
        format!("{table}|pk||plainer||sk|||2")
    );

    // Changed behind infractl's back: drift, put back.
    ddb.update_item()
        .table_name(&table)
        .set_key(Some(key("plainer", "2")))
        .update_expression("SET v = :v, extra = :e")
        .expression_attribute_values(":v", AttributeValue::S("someone else's".into()))
        .expression_attribute_values(":e", AttributeValue::N("9".into()))
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    let plain = item(&ddb, &table, "plainer", "2").await.unwrap();
    assert_eq!(plain["v"], AttributeValue::S("x".into()));
    assert!(!plain.contains_key("extra"), "{plain:?}");

    // Deleted behind infractl's back: made again.
    ddb.delete_item()
        .table_name(&table)
        .set_key(Some(key("flags", "1")))
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_dynamodb_table_item.flags will be created"),
        "{shown}"
    );
    assert!(item(&ddb, &table, "flags", "1").await.is_some());

    // An item already there under a new item's key is not taken over.
    ddb.put_item()
        .table_name(&table)
        .set_item(Some(key("taken", "3")))
        .item("owner", AttributeValue::S("someone else".into()))
        .send()
        .await
        .unwrap();
    std::fs::write(
        stack.path.join("taken.tf"),
        "resource \"aws_dynamodb_table_item\" \"taken\" {\n  table_name = aws_dynamodb_table.settings.name\n  hash_key = \"pk\"\n  range_key = \"sk\"\n  item = jsonencode({ pk = { S = \"taken\" }, sk = { N = \"3\" } })\n}\n",
    )
    .unwrap();
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 1);
    assert!(shown.contains("ConditionalCheckFailedException"), "{shown}");
    assert!(shown.contains("aws_dynamodb_table_item.taken"), "{shown}");
    assert_eq!(
        item(&ddb, &table, "taken", "3").await.unwrap()["owner"],
        AttributeValue::S("someone else".into())
    );
    std::fs::remove_file(stack.path.join("taken.tf")).unwrap();

    // Destroying the items deletes them and leaves the item someone else put there.
    expect_code(
        &run(&[
            "destroy",
            "-auto-approve",
            "-target=aws_dynamodb_table_item.flags",
            "-target=aws_dynamodb_table_item.plain",
        ]),
        0,
    );
    assert!(item(&ddb, &table, "flags", "1").await.is_none());
    assert!(item(&ddb, &table, "plainer", "2").await.is_none());
    assert!(item(&ddb, &table, "taken", "3").await.is_some());
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(
        ddb.describe_table().table_name(&table).send().await.is_err(),
        "the table and its items are gone"
    );
}

/// Terraform and infractl keep items the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_table_items_either_way() {
    cross_check(
        "the aws_dynamodb_table_item cross-check",
        BLUEPRINT,
        "table-item",
        None,
        &["dynamodb", "sts"],
    );
}

/// Items that are not JSON objects of attribute values, or hold a value of the wrong JSON type:
/// refused by both `validate` commands.
#[test]
fn bad_items_are_refused_at_validate() {
    let base = "table_name = \"t\"\nhash_key = \"pk\"";
    let cases: Vec<String> = [
        "not json",
        "[1]",
        r#"{\"pk\": \"plain\"}"#,
        r#"{\"pk\": {\"N\": 1}}"#,
        r#"{\"pk\": {\"B\": \"%%\"}}"#,
    ]
    .iter()
    .map(|item| format!("{base}\nitem = \"{item}\""))
    .collect();
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_dynamodb_table_item", &bodies, "table item values");
}
