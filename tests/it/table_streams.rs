//! DynamoDB streams against the emulator: a table made with a stream, its view type changed
//! (a new stream, so a new ARN, which an output picks up), the stream switched off, a view type
//! missing refused before any call, import, destroy; an on-demand table and index with their
//! most request units set, changed in place and put back after drift.

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "us-west-2";

/// A table with the given stream arguments.
fn blueprint(stream: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_dynamodb_table" "jobs" {{
  name           = "${{var.name}}-jobs"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "job_id"

  attribute {{
    name = "job_id"
    type = "S"
  }}

  {stream}
}}

output "stream_arn" {{
  value = aws_dynamodb_table.jobs.stream_arn
}}
"#
    )
}

fn stream(view: &str) -> String {
    format!("stream_enabled   = true\n  stream_view_type = \"{view}\"")
}

#[tokio::test(flavor = "multi_thread")]
async fn stream_on_change_view_and_off() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(&stream("NEW_AND_OLD_IMAGES")))]);
    let table_name = format!("{}-jobs", stack.name);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config(REGION).await);
    let describe = || async {
        ddb.describe_table()
            .table_name(&table_name)
            .send()
            .await
            .unwrap()
            .table()
            .cloned()
            .unwrap()
    };
    let output = || {
        let out = expect_code(&stack.run(&["output", "-raw", "stream_arn"]), 0);
        out.trim().to_string()
    };

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let t = describe().await;
    let spec = t.stream_specification().unwrap();
    assert!(spec.stream_enabled());
    assert_eq!(spec.stream_view_type().map(|v| v.as_str()), Some("NEW_AND_OLD_IMAGES"));
    let first_arn = t.latest_stream_arn().unwrap().to_string();
    assert_eq!(output(), first_arn);
    assert!(t.latest_stream_label().is_some());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another view type: in place, off and on again, so a new stream.
    std::fs::write(stack.path.join("main.tf"), blueprint(&stream("KEYS_ONLY"))).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_dynamodb_table.jobs will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("stream_arn") && out.contains("(known after apply)"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let t = describe().await;
    assert_eq!(
        t.stream_specification()
            .and_then(|s| s.stream_view_type())
            .map(|v| v.as_str()),
        Some("KEYS_ONLY")
    );
    let second_arn = t.latest_stream_arn().unwrap().to_string();
    assert_ne!(second_arn, first_arn, "a new stream");
    assert_eq!(output(), second_arn);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A stream without a view type is refused at plan, with nothing called.
    std::fs::write(stack.path.join("main.tf"), blueprint("stream_enabled = true")).unwrap();
    let out = run(&["plan"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("stream_view_type is required when stream_enabled = true"),
        "{shown}"
    );
    assert!(shown.contains("main.tf:"), "{shown}");

    // Off.
    std::fs::write(stack.path.join("main.tf"), blueprint("stream_enabled = false")).unwrap();
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let t = describe().await;
    assert!(!t.stream_specification().is_some_and(|s| s.stream_enabled()), "{t:?}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // On again, then import.
    std::fs::write(stack.path.join("main.tf"), blueprint(&stream("NEW_IMAGE"))).unwrap();
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        describe()
            .await
            .stream_specification()
            .and_then(|s| s.stream_view_type())
            .map(|v| v.as_str()),
        Some("NEW_IMAGE")
    );
    stack.reimport_all(&vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(ddb.describe_table().table_name(&table_name).send().await.is_err());
}

/// An on-demand table whose own and whose index's most request units are given.
fn on_demand_blueprint(table_read: u32, index_read: u32) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_dynamodb_table" "events" {{
  name         = "${{var.name}}-events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {{
    name = "id"
    type = "S"
  }}

  attribute {{
    name = "kind"
    type = "S"
  }}

  on_demand_throughput {{
    max_read_request_units  = {table_read}
    max_write_request_units = 10
  }}

  global_secondary_index {{
    name            = "by-kind"
    hash_key        = "kind"
    projection_type = "KEYS_ONLY"

    on_demand_throughput {{
      max_read_request_units  = {index_read}
      max_write_request_units = 4
    }}
  }}
}}
"#
    )
}

/// The most read and write request units DynamoDB holds for the table and for its index.
async fn on_demand_limits(ddb: &aws_sdk_dynamodb::Client, table: &str) -> [(Option<i64>, Option<i64>); 2] {
    let t = ddb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .table()
        .cloned()
        .unwrap();
    let pair = |o: Option<&aws_sdk_dynamodb::types::OnDemandThroughput>| {
        (
            o.and_then(|o| o.max_read_request_units()),
            o.and_then(|o| o.max_write_request_units()),
        )
    };
    let index = t
        .global_secondary_indexes()
        .first()
        .and_then(|i| i.on_demand_throughput());
    [pair(t.on_demand_throughput()), pair(index)]
}

#[tokio::test(flavor = "multi_thread")]
async fn on_demand_throughput_of_table_and_index() {
    let stack = Stack::from_files(&[("main.tf", &on_demand_blueprint(5, 3))]);
    let table_name = format!("{}-events", stack.name);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config(REGION).await);

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        on_demand_limits(&ddb, &table_name).await,
        [(Some(5), Some(10)), (Some(3), Some(4))]
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // New limits for the table and the index: in place.
    std::fs::write(stack.path.join("main.tf"), on_demand_blueprint(7, 6)).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_dynamodb_table.events will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        on_demand_limits(&ddb, &table_name).await,
        [(Some(7), Some(10)), (Some(6), Some(4))]
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A limit changed outside infractl is drift, put back by the next apply.
    ddb.update_table()
        .table_name(&table_name)
        .on_demand_throughput(
            aws_sdk_dynamodb::types::OnDemandThroughput::builder()
                .max_read_request_units(99)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("max_read_request_units"), "{out}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(on_demand_limits(&ddb, &table_name).await[0], (Some(7), Some(10)));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    stack.reimport_all(&vars);
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(ddb.describe_table().table_name(&table_name).send().await.is_err());
}
