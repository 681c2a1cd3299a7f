//! `aws_dynamodb_table` made by ImportTable from S3 (`import_table`), as terraform-aws-modules'
//! dynamodb-table `s3-import` example writes it: one table from DynamoDB JSON, one from CSV with
//! its own delimiter. Checks the items each import put in the emulator's table, that what
//! ImportTable cannot set (tags, TTL, point-in-time recovery, a stream) is set after the import,
//! a clean second plan, that a new import source replaces the table, that a failed import (no
//! such bucket) is an error naming AWS's failure code, and destroy.

use crate::support::{expect_code, sdk_config, Stack};

const BLUEPRINT: &str = r#"
variable "name" {
  type = string
}

variable "json_prefix" {
  type    = string
  default = "json/"
}

resource "aws_s3_bucket" "source" {
  bucket        = var.name
  force_destroy = true
}

resource "aws_s3_object" "json" {
  bucket  = aws_s3_bucket.source.id
  key     = "json/sample.json"
  content = <<-JSON
    {"Item": {"id": {"N": "1"}, "title": {"S": "one"}}}
    {"Item": {"id": {"N": "2"}, "title": {"S": "two"}, "extra": {"S": "x"}}}
  JSON
}

resource "aws_s3_object" "json_again" {
  bucket  = aws_s3_bucket.source.id
  key     = "again/sample.json"
  content = "{\"Item\": {\"id\": {\"N\": \"9\"}, \"title\": {\"S\": \"nine\"}}}\n"
}

resource "aws_s3_object" "csv" {
  bucket  = aws_s3_bucket.source.id
  key     = "csv/sample.csv"
  content = "id;title;note\n3;three;\n4;four;kept\n5;five;\n"
}

resource "aws_dynamodb_table" "json" {
  name           = "${var.name}-json"
  billing_mode   = "PAY_PER_REQUEST"
  hash_key       = "id"
  range_key      = "title"
  stream_enabled = true

  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "id"
    type = "N"
  }
  attribute {
    name = "title"
    type = "S"
  }

  ttl {
    attribute_name = "expires"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  import_table {
    input_format           = "DYNAMODB_JSON"
    input_compression_type = "NONE"
    s3_bucket_source {
      bucket     = aws_s3_bucket.source.id
      key_prefix = var.json_prefix
    }
  }

  tags = { Name = var.name }

  depends_on = [aws_s3_object.json, aws_s3_object.json_again]
}

resource "aws_dynamodb_table" "csv" {
  name         = "${var.name}-csv"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "N"
  }

  import_table {
    input_format = "CSV"
    input_format_options {
      csv {
        delimiter = ";"
      }
    }
    s3_bucket_source {
      bucket     = aws_s3_bucket.source.id
      key_prefix = "csv"
    }
  }

  depends_on = [aws_s3_object.csv]
}
"#;

/// The items of `table` as (id, title or note) pairs, sorted.
async fn items(ddb: &aws_sdk_dynamodb::Client, table: &str, other: &str) -> Vec<(String, Option<String>)> {
    let out = ddb.scan().table_name(table).send().await.unwrap();
    let mut found: Vec<_> = out
        .items()
        .iter()
        .map(|i| {
            (
                i["id"].as_n().unwrap().clone(),
                i.get(other).map(|v| v.as_s().unwrap().clone()),
            )
        })
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn tables_imported_from_s3_hold_the_items_and_the_rest_of_their_settings() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("6 added, 0 changed, 0 destroyed"), "{shown}");

    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config("us-east-1").await);
    let json = format!("{}-json", stack.name);
    let csv = format!("{}-csv", stack.name);
    assert_eq!(
        items(&ddb, &json, "title").await,
        vec![("1".into(), Some("one".into())), ("2".into(), Some("two".into()))],
        "the DynamoDB JSON objects under json/ only (S3 prefixes are plain prefixes)"
    );
    // CSV: the key typed as the attribute says, the rest strings, empty values left out.
    assert_eq!(
        items(&ddb, &csv, "note").await,
        vec![
            ("3".into(), None),
            ("4".into(), Some("kept".into())),
            ("5".into(), None)
        ]
    );

    let described = ddb.describe_table().table_name(&json).send().await.unwrap();
    let table = described.table().unwrap();
    let stream = table.stream_specification().unwrap();
    assert!(stream.stream_enabled());
    assert_eq!(stream.stream_view_type().unwrap().as_str(), "NEW_IMAGE");
    let arn = table.table_arn().unwrap();
    let tags = ddb.list_tags_of_resource().resource_arn(arn).send().await.unwrap();
    assert!(
        tags.tags().iter().any(|t| t.key() == "Name" && t.value() == stack.name),
        "{tags:?}"
    );
    let ttl = ddb.describe_time_to_live().table_name(&json).send().await.unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires"));
    assert_eq!(ttl.time_to_live_status().unwrap().as_str(), "ENABLED");
    let backups = ddb
        .describe_continuous_backups()
        .table_name(&json)
        .send()
        .await
        .unwrap();
    let pitr = backups
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .unwrap();
    assert_eq!(pitr.as_str(), "ENABLED");
    assert_eq!(
        stack.state_attr("aws_dynamodb_table.csv", "import_table")[0]["input_format"],
        "CSV"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another source: DynamoDB cannot import into a table that exists, so it is made again.
    let again = ["-var", "json_prefix=again/"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &again].concat()), 2);
    assert!(shown.contains("aws_dynamodb_table.json must be replaced"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &again].concat()), 0);
    assert_eq!(
        items(&ddb, &json, "title").await,
        vec![("9".into(), Some("nine".into()))]
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &again].concat()), 0);

    let shown = expect_code(&run(&[&["destroy", "-auto-approve"][..], &again].concat()), 0);
    assert!(shown.contains("6 destroyed"), "{shown}");
    for t in [&json, &csv] {
        let gone = ddb.describe_table().table_name(t).send().await;
        assert!(gone.is_err(), "{t} still exists");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_from_a_missing_bucket_fails_with_the_failure_code() {
    let blueprint = r#"
variable "name" {
  type = string
}

resource "aws_dynamodb_table" "t" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  import_table {
    input_format = "DYNAMODB_JSON"
    s3_bucket_source {
      bucket = "${var.name}-no-such-bucket"
    }
  }
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("name={}", stack.name);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 1);
    assert!(shown.contains("aws_dynamodb_table.t"), "{shown}");
    assert!(shown.contains("S3NoSuchBucket"), "{shown}");
    assert!(shown.contains("ended FAILED"), "{shown}");
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config("us-east-1").await);
    assert!(ddb.describe_table().table_name(&stack.name).send().await.is_err());
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}
