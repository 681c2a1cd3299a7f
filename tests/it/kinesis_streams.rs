//! Kinesis data streams (`aws_kinesis_stream`) and the data source that reads one. Checked
//! against what the emulator holds (DescribeStreamSummary, ListTagsForStream, ListShards): shard
//! count, retention, shard-level metrics, encryption, capacity mode and tags changed in place,
//! changes made by hand found and put back, a new name replacing the stream, imported by name,
//! a stream with a consumer kept until `enforce_consumer_deletion` allows its deletion,
//! destroyed; the same blueprint applied by Terraform then planned clean by infractl; values
//! the provider refuses refused at `validate` (as by `terraform validate`) or, for the mode and
//! shard count that disagree, at plan; the data source read against the emulator's stream.

use crate::interop::{infractl_destroys_terraforms, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_kinesis::types::{MetricsName, ScalingType, StreamDescriptionSummary};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "shards" {
  type    = number
  default = 1
}

variable "retention" {
  type    = number
  default = 24
}

variable "metrics" {
  type    = list(string)
  default = ["IncomingBytes"]
}

variable "team" {
  type    = string
  default = "ingest"
}

variable "encryption" {
  type    = string
  default = "NONE"
}

variable "key" {
  type    = string
  default = null
}

variable "mode" {
  type    = string
  default = null
}

variable "enforce" {
  type    = bool
  default = false
}

resource "aws_kinesis_stream" "events" {
  name                      = var.name
  shard_count               = var.mode == "ON_DEMAND" ? null : var.shards
  retention_period          = var.retention
  shard_level_metrics       = var.metrics
  encryption_type           = var.encryption
  kms_key_id                = var.key
  enforce_consumer_deletion = var.enforce

  dynamic "stream_mode_details" {
    for_each = var.mode == null ? [] : [var.mode]
    content {
      stream_mode = stream_mode_details.value
    }
  }

  tags = {
    team = var.team
  }
}

output "arn" {
  value = aws_kinesis_stream.events.arn
}
"#;

/// A stream's summary as the emulator holds it; `None` when there is no such stream.
async fn held(k: &aws_sdk_kinesis::Client, name: &str) -> Option<StreamDescriptionSummary> {
    match k.describe_stream_summary().stream_name(name).send().await {
        Ok(out) => out.stream_description_summary,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("DescribeStreamSummary {name}: {e:?}"),
    }
}

/// The stream's shard-level metrics, sorted.
fn metrics(s: &StreamDescriptionSummary) -> Vec<String> {
    let mut m: Vec<String> = s
        .enhanced_monitoring()
        .iter()
        .flat_map(|e| e.shard_level_metrics().iter().map(|n| n.as_str().to_string()))
        .collect();
    m.sort();
    m
}

/// The stream's tags, without infractl's own.
async fn tags(k: &aws_sdk_kinesis::Client, name: &str) -> Vec<(String, String)> {
    let out = k.list_tags_for_stream().stream_name(name).send().await.unwrap();
    let mut t: Vec<(String, String)> = out
        .tags()
        .iter()
        .filter(|t| !t.key().starts_with("infractl:"))
        .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
        .collect();
    t.sort();
    t
}

/// What the tests compare: open shards, retention, metrics, encryption type and key, mode.
type Settings = (i32, i32, Vec<String>, String, Option<String>, String);

/// The stream's [`Settings`].
fn settings(s: &StreamDescriptionSummary) -> Settings {
    (
        s.open_shard_count(),
        s.retention_period_hours(),
        metrics(s),
        s.encryption_type().map(|e| e.as_str().to_string()).unwrap_or_default(),
        s.key_id().map(str::to_string),
        s.stream_mode_details()
            .map(|d| d.stream_mode().as_str().to_string())
            .unwrap_or_default(),
    )
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let k = aws_sdk_kinesis::Client::new(&sdk_config(REGION).await);
    let run = |name: &str, extra: &[&str]| {
        let var = format!("name={name}");
        stack.run(&[extra, &["-var", var.as_str()]].concat())
    };

    expect_code(&run(&name, &["apply", "-auto-approve"]), 0);
    let s = held(&k, &name).await.expect("the stream");
    assert_eq!(s.stream_status().as_str(), "ACTIVE");
    assert_eq!(
        settings(&s),
        (
            1,
            24,
            strings(&["IncomingBytes"]),
            "NONE".into(),
            None,
            "PROVISIONED".into()
        )
    );
    assert_eq!(tags(&k, &name).await, vec![("team".to_string(), "ingest".to_string())]);
    let arn = s.stream_arn().to_string();
    assert_eq!(stack.state_id("aws_kinesis_stream.events"), arn, "the id is the ARN");
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["arn"]["value"], arn.as_str());
    expect_code(&run(&name, &["plan", "-detailed-exitcode"]), 0);

    // Two shards, two days, another metric, KMS encryption and another tag: in place.
    let changed = [
        "-var",
        "shards=2",
        "-var",
        "retention=48",
        "-var",
        "metrics=[\"IncomingBytes\",\"OutgoingBytes\"]",
        "-var",
        "team=streaming",
        "-var",
        "encryption=KMS",
        "-var",
        "key=alias/aws/kinesis",
    ];
    let with = |cmd: &[&str], more: &[&str]| run(&name, &[cmd, &changed, more].concat());
    let shown = expect_code(&with(&["plan", "-detailed-exitcode"], &[]), 2);
    assert!(
        shown.contains("aws_kinesis_stream.events will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&with(&["apply", "-auto-approve"], &[]), 0);
    let s = held(&k, &name).await.unwrap();
    assert_eq!(
        settings(&s),
        (
            2,
            48,
            strings(&["IncomingBytes", "OutgoingBytes"]),
            "KMS".into(),
            Some("alias/aws/kinesis".into()),
            "PROVISIONED".into()
        )
    );
    assert_eq!(s.stream_arn(), arn, "the same stream");
    assert_eq!(
        tags(&k, &name).await,
        vec![("team".to_string(), "streaming".to_string())]
    );
    expect_code(&with(&["plan", "-detailed-exitcode"], &[]), 0);

    // Drift: retention cut, a metric turned off, encryption stopped and a tag added by hand.
    k.decrease_stream_retention_period()
        .stream_name(&name)
        .retention_period_hours(24)
        .send()
        .await
        .unwrap();
    k.disable_enhanced_monitoring()
        .stream_name(&name)
        .shard_level_metrics(MetricsName::OutgoingBytes)
        .send()
        .await
        .unwrap();
    k.stop_stream_encryption()
        .stream_name(&name)
        .encryption_type(aws_sdk_kinesis::types::EncryptionType::Kms)
        .key_id("alias/aws/kinesis")
        .send()
        .await
        .unwrap();
    k.add_tags_to_stream()
        .stream_name(&name)
        .tags("owner", "by-hand")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&with(&["plan", "-detailed-exitcode"], &[]), 2);
    for what in ["retention_period", "shard_level_metrics", "encryption_type", "owner"] {
        assert!(shown.contains(what), "{what} not shown:\n{shown}");
    }
    expect_code(&with(&["apply", "-auto-approve"], &[]), 0);
    let s = held(&k, &name).await.unwrap();
    assert_eq!(
        settings(&s),
        (
            2,
            48,
            strings(&["IncomingBytes", "OutgoingBytes"]),
            "KMS".into(),
            Some("alias/aws/kinesis".into()),
            "PROVISIONED".into()
        )
    );
    assert_eq!(
        tags(&k, &name).await,
        vec![("team".to_string(), "streaming".to_string())]
    );
    expect_code(&with(&["plan", "-detailed-exitcode"], &[]), 0);

    // On demand and unencrypted: in place (UpdateStreamMode, StopStreamEncryption).
    let on_demand = [
        "-var",
        "retention=48",
        "-var",
        "metrics=[\"IncomingBytes\",\"OutgoingBytes\"]",
        "-var",
        "team=streaming",
        "-var",
        "mode=ON_DEMAND",
    ];
    let shown = expect_code(
        &run(&name, &[&["plan", "-detailed-exitcode"][..], &on_demand].concat()),
        2,
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&name, &[&["apply", "-auto-approve"][..], &on_demand].concat()), 0);
    let s = held(&k, &name).await.unwrap();
    let (_, retention, _, encryption, key, mode) = settings(&s);
    assert_eq!(
        (retention, encryption.as_str(), key, mode.as_str()),
        (48, "NONE", None, "ON_DEMAND")
    );
    assert_eq!(s.stream_arn(), arn, "the same stream");
    expect_code(
        &run(&name, &[&["plan", "-detailed-exitcode"][..], &on_demand].concat()),
        0,
    );

    // A new name replaces the stream.
    let renamed = format!("{name}-2");
    let shown = expect_code(
        &run(&renamed, &[&["plan", "-detailed-exitcode"][..], &on_demand].concat()),
        2,
    );
    assert!(shown.contains("aws_kinesis_stream.events must be replaced"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(
        &run(&renamed, &[&["apply", "-auto-approve"][..], &on_demand].concat()),
        0,
    );
    assert!(held(&k, &name).await.is_none(), "the old stream is gone");
    let s = held(&k, &renamed).await.expect("the renamed stream");
    assert_eq!(settings(&s).5, "ON_DEMAND");
    expect_code(
        &run(&renamed, &[&["plan", "-detailed-exitcode"][..], &on_demand].concat()),
        0,
    );

    // Imported by its name, then a clean plan.
    let var = format!("name={renamed}");
    stack.reimport_all(&[&["-var", var.as_str()][..], &on_demand].concat());
    assert_eq!(stack.state_id("aws_kinesis_stream.events"), s.stream_arn());

    // A consumer registered by hand keeps the stream until enforce_consumer_deletion says the
    // consumers go with it.
    k.register_stream_consumer()
        .stream_arn(s.stream_arn())
        .consumer_name("reader")
        .send()
        .await
        .unwrap();
    let shown = expect_code(
        &run(&renamed, &[&["destroy", "-auto-approve"][..], &on_demand].concat()),
        1,
    );
    assert!(shown.contains("ResourceInUseException"), "{shown}");
    assert!(held(&k, &renamed).await.is_some());
    let enforced = [&on_demand[..], &["-var", "enforce=true"]].concat();
    let shown = expect_code(
        &run(&renamed, &[&["plan", "-detailed-exitcode"][..], &enforced[..]].concat()),
        2,
    );
    assert!(shown.contains("enforce_consumer_deletion"), "{shown}");
    expect_code(
        &run(&renamed, &[&["apply", "-auto-approve"][..], &enforced[..]].concat()),
        0,
    );
    expect_code(
        &run(&renamed, &[&["destroy", "-auto-approve"][..], &enforced[..]].concat()),
        0,
    );
    assert!(held(&k, &renamed).await.is_none(), "destroy left the stream");
    let listed = k.list_streams().send().await.unwrap();
    assert!(
        !listed.stream_names().iter().any(|n| n.starts_with(&name)),
        "{:?}",
        listed.stream_names()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the Kinesis stream blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let vars = ["-var", var.as_str(), "-var", "shards=2", "-var", "retention=48"];
    terraform_applies(&tf, &stack, &["kinesis", "sts"], &vars);
    let k = aws_sdk_kinesis::Client::new(&sdk_config(REGION).await);
    let s = held(&k, &stack.name).await.expect("Terraform's stream");
    assert_eq!(
        settings(&s),
        (
            2,
            48,
            strings(&["IncomingBytes"]),
            "NONE".into(),
            None,
            "PROVISIONED".into()
        )
    );
    assert_eq!(
        tags(&k, &stack.name).await,
        vec![("team".to_string(), "ingest".to_string())]
    );
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);
    assert!(shown.contains("No changes"), "{shown}");
    assert!(!stack.state_file().exists(), "infractl wrote a state of its own");
    infractl_destroys_terraforms(&stack, &vars);
    assert!(held(&k, &stack.name).await.is_none());
}

/// Retention outside 24..8760 hours, an encryption type or a capacity mode Kinesis does not
/// have (in the provider's case too): refused by `validate` in their blocks before any call,
/// and by Terraform's `validate`.
#[test]
fn values_the_provider_refuses_are_refused_at_validate() {
    let bodies = [
        "  name             = \"a\"\n  shard_count      = 1\n  retention_period = 23",
        "  name             = \"b\"\n  shard_count      = 1\n  retention_period = 8761",
        "  name            = \"c\"\n  shard_count     = 1\n  encryption_type = \"AES\"",
        "  name            = \"d\"\n  shard_count     = 1\n  encryption_type = \"kms\"",
        "  name = \"e\"\n\n  stream_mode_details {\n    stream_mode = \"SERVERLESS\"\n  }",
    ];
    each_case_refused_at_validate("aws_kinesis_stream", &bodies, "the bad Kinesis stream values");
}

/// A provisioned stream without a shard count of at least 1, and an on-demand stream with one:
/// refused at plan with the block's line (the provider's CustomizeDiff), nothing created.
#[tokio::test(flavor = "multi_thread")]
async fn a_mode_and_a_shard_count_that_disagree_are_refused_at_plan() {
    let k = aws_sdk_kinesis::Client::new(&sdk_config(REGION).await);
    let cases = [
        (
            "  shard_count = -1",
            "shard_count must be at least 1 when stream_mode is PROVISIONED",
        ),
        ("", "shard_count must be at least 1 when stream_mode is PROVISIONED"),
        (
            "  shard_count = 2\n\n  stream_mode_details {\n    stream_mode = \"ON_DEMAND\"\n  }",
            "shard_count must not be set when stream_mode is ON_DEMAND",
        ),
    ];
    for (body, message) in cases {
        let stack = Stack::from_files(&[("main.tf", "")]);
        let tf = format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_kinesis_stream\" \"s\" {{\n  name = \"{}\"\n{body}\n}}\n",
            stack.name
        );
        std::fs::write(stack.path.join("main.tf"), tf).unwrap();
        let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 1);
        assert!(shown.contains(message), "{body}:\n{shown}");
        assert!(shown.contains("main.tf:5"), "{body}:\n{shown}");
        assert!(held(&k, &stack.name).await.is_none(), "{body}: a stream was created");
    }
}

const DATA_BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

data "aws_kinesis_stream" "s" {
  name = var.name
}

output "stream" {
  value = data.aws_kinesis_stream.s
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_data_source_reads_what_the_emulator_holds() {
    let stack = Stack::from_files(&[("main.tf", DATA_BLUEPRINT)]);
    let name = stack.name.clone();
    let k = aws_sdk_kinesis::Client::new(&sdk_config(REGION).await);
    k.create_stream()
        .stream_name(&name)
        .shard_count(1)
        .tags("team", "ingest")
        .send()
        .await
        .unwrap();
    k.increase_stream_retention_period()
        .stream_name(&name)
        .retention_period_hours(72)
        .send()
        .await
        .unwrap();
    k.enable_enhanced_monitoring()
        .stream_name(&name)
        .shard_level_metrics(MetricsName::IncomingRecords)
        .send()
        .await
        .unwrap();
    // Resharding closes the first shard and opens its children.
    k.update_shard_count()
        .stream_name(&name)
        .target_shard_count(2)
        .scaling_type(ScalingType::UniformScaling)
        .send()
        .await
        .unwrap();
    let s = held(&k, &name).await.unwrap();
    let shards = k.list_shards().stream_name(&name).send().await.unwrap();
    let (mut open, mut closed) = (Vec::new(), Vec::new());
    for shard in shards.shards() {
        let id = shard.shard_id().to_string();
        match shard.sequence_number_range().and_then(|r| r.ending_sequence_number()) {
            None => open.push(id),
            Some(_) => closed.push(id),
        }
    }
    open.sort();
    closed.sort();
    assert!(!closed.is_empty() && open.len() == 2, "{open:?} {closed:?}");

    let var = format!("name={name}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let out = stack.run(&["output", "-json"]);
    let outputs: serde_json::Value =
        serde_json::from_str(&expect_code(&out, 0)).unwrap_or_else(|_| panic!("{}", text(&out)));
    let d = &outputs["stream"]["value"];
    assert_eq!(d["arn"], s.stream_arn());
    assert_eq!(d["id"], s.stream_arn());
    assert_eq!(d["name"], name.as_str());
    assert_eq!(d["status"], "ACTIVE");
    assert_eq!(d["retention_period"].as_f64(), Some(72.0));
    assert_eq!(d["open_shards"], serde_json::json!(open));
    assert_eq!(d["closed_shards"], serde_json::json!(closed));
    assert_eq!(d["shard_level_metrics"], serde_json::json!(["IncomingRecords"]));
    assert_eq!(d["encryption_type"], "NONE");
    assert_eq!(d["kms_key_id"], serde_json::Value::Null);
    assert_eq!(
        d["stream_mode_details"],
        serde_json::json!([{ "stream_mode": "PROVISIONED" }])
    );
    assert_eq!(
        d["creation_timestamp"].as_f64(),
        Some(s.stream_creation_timestamp().secs() as f64)
    );
    assert_eq!(d["tags"], serde_json::json!({ "team": "ingest" }));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    // A stream that does not exist is an error of the read.
    k.delete_stream().stream_name(&name).send().await.unwrap();
    let shown = expect_code(&stack.run(&["plan", "-var", &var]), 1);
    assert!(shown.contains(&name) && shown.contains("Kinesis Stream"), "{shown}");
}
