//! Lambda event source mappings (`aws_lambda_event_source_mapping`): a function fed by an SQS
//! queue (named by its ARN, batch size left to Lambda's default, scaling, response types,
//! tags) and by a DynamoDB stream (named by its name, a starting position, retries, bisection
//! and a failure destination), and by a Kinesis stream. Checked against what the emulator holds
//! (GetEventSourceMapping, ListTags): a second plan clean (the function's name against the ARN
//! Lambda reports, the source's default batch size), settings changed in place on the same
//! UUID (disabled, a batch size and window, a filter added and removed, scaling removed), drift
//! made through the SDK found and put back, a mapping deleted by hand made again, a new
//! starting position replacing the mapping, imported by UUID, destroyed (gone from the
//! emulator); a stream mapping without a starting position failing the apply with Lambda's
//! code; the same blueprint applied by Terraform then planned clean by infractl; bad values
//! refused at `validate`, as Terraform's `validate` refuses them.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{
    each_case_refused_at_validate, endpoint, expect_code, sdk_config, text, write_zip, Stack, Terraform, LAMBDA_ROLE_TF,
};
use aws_sdk_lambda::operation::get_event_source_mapping::GetEventSourceMappingOutput;
use std::io::Write;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "enabled" {
  type    = bool
  default = true
}

variable "batch_size" {
  type    = number
  default = null
}

variable "window" {
  type    = number
  default = null
}

variable "pattern" {
  type    = string
  default = null
}

variable "scaled" {
  type    = bool
  default = true
}

variable "starting_position" {
  type    = string
  default = "LATEST"
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-fn"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.name}-jobs"
}

resource "aws_sqs_queue" "failed" {
  name = "${var.name}-failed"
}

resource "aws_dynamodb_table" "orders" {
  name             = "${var.name}-orders"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn                   = aws_sqs_queue.jobs.arn
  function_name                      = aws_lambda_function.fn.arn
  enabled                            = var.enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.window
  function_response_types            = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.scaled ? [5] : []
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  dynamic "filter_criteria" {
    for_each = var.pattern == null ? [] : [var.pattern]
    content {
      filter {
        pattern = filter_criteria.value
      }
    }
  }

  tags = {
    Team = "orders"
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn               = aws_dynamodb_table.orders.stream_arn
  function_name                  = aws_lambda_function.fn.function_name
  starting_position              = var.starting_position
  maximum_retry_attempts         = 3
  bisect_batch_on_function_error = true

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.failed.arn
    }
  }
}
"#;

/// The function and a mapping of the Kinesis stream `var.stream`, starting at its oldest
/// record.
fn kinesis_blueprint() -> String {
    let start = BLUEPRINT.find("resource \"aws_sqs_queue\"").unwrap();
    format!(
        "{}variable \"stream\" {{\n  type = string\n}}\n\nresource \"aws_lambda_event_source_mapping\" \"kinesis\" {{\n  event_source_arn  = var.stream\n  function_name     = aws_lambda_function.fn.function_name\n  starting_position = \"TRIM_HORIZON\"\n}}\n",
        &BLUEPRINT[..start]
    )
}

/// A second mapping of the stream without the starting position Lambda requires for streams.
const UNSTARTED: &str = "\nresource \"aws_lambda_event_source_mapping\" \"unstarted\" {\n  event_source_arn = var.stream\n  function_name    = aws_lambda_function.fn.arn\n  batch_size       = 50\n}\n";

/// Writes the function's zip.
fn write_code(stack: &Stack) {
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(e, c):\n    return {'batchItemFailures': []}\n",
    );
}

fn stack_of(blueprint: &str) -> Stack {
    let stack = Stack::from_files(&[("main.tf", blueprint), ("role.tf", LAMBDA_ROLE_TF)]);
    write_code(&stack);
    stack
}

/// The mapping the emulator holds, `None` when it has none of that UUID.
async fn held(l: &aws_sdk_lambda::Client, uuid: &str) -> Option<GetEventSourceMappingOutput> {
    match l.get_event_source_mapping().uuid(uuid).send().await {
        Ok(m) => Some(m),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetEventSourceMapping {uuid}: {e:?}"),
    }
}

/// The attributes state records for an address.
fn attributes(stack: &Stack, address: &str) -> serde_json::Value {
    stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))["attributes"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_and_stream_mappings_live_their_whole_life() {
    let stack = stack_of(BLUEPRINT);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let function_arn = l
        .get_function()
        .function_name(format!("{name}-fn"))
        .send()
        .await
        .unwrap()
        .configuration()
        .unwrap()
        .function_arn()
        .unwrap()
        .to_string();
    let queue_uuid = stack.state_id("aws_lambda_event_source_mapping.queue");
    let stream_uuid = stack.state_id("aws_lambda_event_source_mapping.stream");

    // The queue's mapping: Lambda's default batch size for SQS, the scaling, the response
    // types, the tags.
    let q = held(&l, &queue_uuid).await.expect("the queue's mapping");
    assert_eq!(q.uuid(), Some(queue_uuid.as_str()));
    assert_eq!(q.state(), Some("Enabled"));
    assert_eq!(q.function_arn(), Some(function_arn.as_str()));
    assert!(
        q.event_source_arn().unwrap().ends_with(&format!(":{name}-jobs")),
        "{q:?}"
    );
    assert_eq!(q.batch_size(), Some(10));
    assert_eq!(q.scaling_config().and_then(|s| s.maximum_concurrency()), Some(5));
    assert_eq!(
        q.function_response_types()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        ["ReportBatchItemFailures"]
    );
    assert!(q.filter_criteria().is_none_or(|c| c.filters().is_empty()));
    let mapping_arn = q.event_source_mapping_arn().unwrap().to_string();
    let tags = l.list_tags().resource(&mapping_arn).send().await.unwrap();
    assert_eq!(
        tags.tags().and_then(|t| t.get("Team")).map(String::as_str),
        Some("orders")
    );
    let recorded = attributes(&stack, "aws_lambda_event_source_mapping.queue");
    assert_eq!(recorded["uuid"], queue_uuid.as_str());
    assert_eq!(recorded["arn"], mapping_arn.as_str());
    assert_eq!(recorded["function_arn"], function_arn.as_str());
    assert_eq!(recorded["batch_size"], 10);
    assert_eq!(recorded["state"], "Enabled");
    assert!(
        recorded["last_modified"].as_str().is_some_and(|t| t.contains('T')),
        "{recorded}"
    );

    // The stream's mapping: the function named by its name, read back as its ARN.
    let s = held(&l, &stream_uuid).await.expect("the stream's mapping");
    assert_eq!(s.function_arn(), Some(function_arn.as_str()));
    assert!(
        s.event_source_arn()
            .unwrap()
            .contains(&format!(":table/{name}-orders/stream/")),
        "{s:?}"
    );
    assert_eq!(s.starting_position().map(|p| p.as_str()), Some("LATEST"));
    assert_eq!(s.batch_size(), Some(100), "Lambda's default for streams");
    assert_eq!(s.maximum_retry_attempts(), Some(3));
    assert_eq!(s.bisect_batch_on_function_error(), Some(true));
    assert_eq!(s.maximum_record_age_in_seconds(), Some(-1), "AWS's default: no limit");
    assert_eq!(s.parallelization_factor(), Some(1));
    let failed = s
        .destination_config()
        .and_then(|d| d.on_failure())
        .and_then(|f| f.destination())
        .unwrap();
    assert!(failed.ends_with(&format!(":{name}-failed")), "{failed}");
    assert_eq!(
        attributes(&stack, "aws_lambda_event_source_mapping.stream")["function_name"],
        function_arn.as_str()
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Disabled, a batch size and window, a filter, no scaling: in place, the same mapping.
    let pattern = r#"{"body":{"kind":["order"]}}"#;
    let pattern_var = format!("pattern={pattern}");
    let changed = [
        "-var",
        "enabled=false",
        "-var",
        "batch_size=5",
        "-var",
        "window=20",
        "-var",
        "scaled=false",
        "-var",
        pattern_var.as_str(),
    ];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_event_source_mapping.queue will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id("aws_lambda_event_source_mapping.queue"), queue_uuid);
    let q = held(&l, &queue_uuid).await.unwrap();
    assert_eq!(q.state(), Some("Disabled"));
    assert_eq!(q.batch_size(), Some(5));
    assert_eq!(q.maximum_batching_window_in_seconds(), Some(20));
    assert!(q.scaling_config().is_none(), "scaling removed: {q:?}");
    let filters: Vec<&str> = q
        .filter_criteria()
        .map(|c| c.filters().iter().filter_map(|f| f.pattern()).collect())
        .unwrap_or_default();
    assert_eq!(filters, [pattern]);
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Back to the defaults: enabled, the filter removed, the batch size back to SQS's 10.
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("filter_criteria"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let q = held(&l, &queue_uuid).await.unwrap();
    assert_eq!(q.state(), Some("Enabled"));
    assert_eq!(q.batch_size(), Some(10));
    assert!(q.filter_criteria().is_none_or(|c| c.filters().is_empty()), "{q:?}");
    assert_eq!(q.scaling_config().and_then(|s| s.maximum_concurrency()), Some(5));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: disabled with another batch size by hand, found and put back.
    l.update_event_source_mapping()
        .uuid(&queue_uuid)
        .enabled(false)
        .batch_size(7)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("batch_size") && shown.contains("enabled"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let q = held(&l, &queue_uuid).await.unwrap();
    assert_eq!((q.state(), q.batch_size()), (Some("Enabled"), Some(10)));

    // Drift: the stream's mapping deleted by hand is made again.
    l.delete_event_source_mapping().uuid(&stream_uuid).send().await.unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let stream_uuid = stack.state_id("aws_lambda_event_source_mapping.stream");
    assert!(held(&l, &stream_uuid).await.is_some());

    // A new starting position replaces the stream's mapping.
    let trim = ["-var", "starting_position=TRIM_HORIZON"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &trim].concat()), 2);
    assert!(
        shown.contains("aws_lambda_event_source_mapping.stream must be replaced"),
        "{shown}"
    );
    expect_code(&run(&[&["apply", "-auto-approve"][..], &trim].concat()), 0);
    assert!(held(&l, &stream_uuid).await.is_none(), "the old mapping is deleted");
    let stream_uuid = stack.state_id("aws_lambda_event_source_mapping.stream");
    let s = held(&l, &stream_uuid).await.unwrap();
    assert_eq!(s.starting_position().map(|p| p.as_str()), Some("TRIM_HORIZON"));

    // Imported by UUID, then a clean plan.
    for (address, uuid) in [
        ("aws_lambda_event_source_mapping.queue", &queue_uuid),
        ("aws_lambda_event_source_mapping.stream", &stream_uuid),
    ] {
        expect_code(&stack.run(&["state", "rm", address]), 0);
        expect_code(&run(&[&["import", address, uuid.as_str()][..], &trim].concat()), 0);
        assert_eq!(&stack.state_id(address), uuid);
    }
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &trim].concat()), 0);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &trim].concat()), 0);
    assert!(
        held(&l, &queue_uuid).await.is_none(),
        "destroy left the queue's mapping"
    );
    assert!(
        held(&l, &stream_uuid).await.is_none(),
        "destroy left the stream's mapping"
    );
}

/// One call of Kinesis's JSON API on the emulator, unsigned (infractl has no
/// `aws_kinesis_stream` and the tests link no Kinesis SDK); the answer's JSON body.
fn kinesis(action: &str, body: &str) -> serde_json::Value {
    use std::io::Read;
    let e = endpoint();
    let host = e.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Kinesis_20131202.{action}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/kinesis/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "Kinesis {action}: {answer}");
    let json = answer.split_once("\r\n\r\n").map(|(_, b)| b.trim()).unwrap_or_default();
    if json.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("Kinesis {action}: {e}: {answer}"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kinesis_stream_mapping_takes_the_streams_defaults() {
    let stack = stack_of(&kinesis_blueprint());
    let stream = format!("{}-events", stack.name);
    kinesis(
        "CreateStream",
        &format!(r#"{{"StreamName":"{stream}","ShardCount":1}}"#),
    );
    let summary = kinesis("DescribeStreamSummary", &format!(r#"{{"StreamName":"{stream}"}}"#));
    let stream_arn = summary["StreamDescriptionSummary"]["StreamARN"]
        .as_str()
        .unwrap()
        .to_string();
    let vars = [
        "-var".to_string(),
        format!("name={}", stack.name),
        "-var".to_string(),
        format!("stream={stream_arn}"),
    ];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let uuid = stack.state_id("aws_lambda_event_source_mapping.kinesis");
    let m = held(&l, &uuid).await.expect("the mapping");
    assert_eq!(m.event_source_arn(), Some(stream_arn.as_str()));
    assert_eq!(m.batch_size(), Some(100), "Lambda's default for Kinesis");
    assert_eq!(m.starting_position().map(|p| p.as_str()), Some("TRIM_HORIZON"));
    assert_eq!(
        m.maximum_retry_attempts(),
        Some(-1),
        "AWS's default: retry until expired"
    );
    let recorded = attributes(&stack, "aws_lambda_event_source_mapping.kinesis");
    assert_eq!(recorded["batch_size"], 100);
    assert_eq!(recorded["maximum_retry_attempts"], -1);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A stream mapping needs a starting position: Lambda refuses one without, and the apply
    // fails naming the address and Lambda's code, the first mapping left as it was.
    std::fs::write(
        stack.path.join("main.tf"),
        format!("{}{UNSTARTED}", kinesis_blueprint()),
    )
    .unwrap();
    let out = run(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("aws_lambda_event_source_mapping.unstarted"), "{shown}");
    assert!(shown.contains("InvalidParameterValueException"), "{shown}");
    assert!(shown.contains("StartingPosition"), "{shown}");
    assert!(held(&l, &uuid).await.is_some(), "the first mapping is still there");
    assert_eq!(stack.state_id("aws_lambda_event_source_mapping.kinesis"), uuid);

    std::fs::write(stack.path.join("main.tf"), kinesis_blueprint()).unwrap();
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(held(&l, &uuid).await.is_none(), "destroy left the mapping");
    kinesis("DeleteStream", &format!(r#"{{"StreamName":"{stream}"}}"#));
}

#[tokio::test(flavor = "multi_thread")]
async fn mappings_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the event source mapping blueprint applied by Terraform") else {
        return;
    };
    let stack = stack_of(BLUEPRINT);
    let var = format!("name={}", stack.name);
    terraform_applies(
        &tf,
        &stack,
        &["lambda", "iam", "sts", "sqs", "dynamodb"],
        &["-var", &var],
    );
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap()).unwrap();
    let uuids: Vec<String> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_lambda_event_source_mapping")
        .map(|r| r["instances"][0]["attributes"]["uuid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(uuids.len(), 2, "{state}");
    for uuid in &uuids {
        assert!(held(&l, uuid).await.is_some(), "Terraform's mapping {uuid}");
    }
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    for uuid in &uuids {
        assert!(
            held(&l, uuid).await.is_none(),
            "destroying Terraform's mappings left {uuid}"
        );
    }
}

/// Values the provider refuses (a starting position, a response type, retries, parallelism,
/// a tumbling window, a record age, a concurrency, a destination and a key that are no ARNs,
/// no source at all): refused by `validate` in their blocks, before any call (the endpoint is
/// a closed port), and by Terraform's `validate`; a block the provider has and infractl does
/// not implement yet refused by name.
#[test]
fn bad_mapping_values_are_refused_at_validate() {
    let source = "  event_source_arn = \"arn:aws:sqs:us-east-1:123456789012:q\"\n  function_name    = \"f\"\n";
    let bad = [
        "  starting_position = \"NOW\"",
        "  function_response_types = [\"ReportEverything\"]",
        "  maximum_retry_attempts = -2",
        "  parallelization_factor = 11",
        "  tumbling_window_in_seconds = 901",
        "  maximum_record_age_in_seconds = 30",
        "  scaling_config {\n    maximum_concurrency = 1\n  }",
        "  destination_config {\n    on_failure {\n      destination_arn = \"failed-queue\"\n    }\n  }",
        "  kms_key_arn = \"my-key\"",
    ];
    let mut bodies: Vec<String> = bad.iter().map(|b| format!("{source}{b}")).collect();
    bodies.push("  function_name = \"f\"".into());
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_lambda_event_source_mapping",
        &bodies,
        "the bad event source mapping values",
    );

    // Valid for Terraform, not implemented by infractl yet: refused by name.
    let kafka = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_lambda_event_source_mapping\" \"k\" {\n  function_name = \"f\"\n  topics        = [\"orders\"]\n  self_managed_event_source {\n    endpoints = {\n      KAFKA_BOOTSTRAP_SERVERS = \"b-1.example.com:9092\"\n    }\n  }\n}\n";
    let stack = Stack::from_files(&[("main.tf", kafka)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("not supported by infractl yet"), "{shown}");
    assert!(
        shown.contains("self_managed_event_source") || shown.contains("topics"),
        "{shown}"
    );
}
