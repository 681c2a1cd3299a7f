//! Remote state in S3 with a DynamoDB (or S3) lock, against the emulator: bootstrap, migrate,
//! apply/destroy; concurrent runs; stale writers; locks left by killed runs; bad settings.

use crate::support::{endpoint, expect_code, sdk_config, text, Stack};
use infractl::state::s3::{S3Backend, S3Config};
use infractl::state::Backend;
use std::process::{Command, Stdio};

const REGION: &str = "us-west-2";

fn unique(prefix: &str) -> String {
    crate::support::unique(prefix)
}

async fn bucket_and_table() -> (String, String) {
    crate::support::state_bucket_and_table(REGION).await
}

/// A small stack whose apply takes a moment (many subnets, one at a time) and uses the S3 backend.
fn remote_stack(lock: &str) -> Stack {
    Stack::from_files(&[(
        "main.tf",
        &format!(
            r#"
terraform {{
  backend "s3" {{
    key    = "app/terraform.tfstate"
    region = "{REGION}"
    encrypt = true
    {lock}
  }}
}}

provider "aws" {{
  region = "{REGION}"
}}

variable "subnets" {{
  default = 6
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.70.0.0/16"
}}

resource "aws_subnet" "many" {{
  count      = var.subnets
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}
"#
        ),
    )])
}

async fn s3_state(bucket: &str, key: &str) -> serde_json::Value {
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let out = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .expect("state object exists");
    let bytes = out.body.collect().await.unwrap().into_bytes();
    crate::support::flat_state(std::str::from_utf8(&bytes).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn bootstrap_then_migrate_then_apply_and_destroy_with_the_s3_backend() {
    let bucket = unique("it-boot");
    let table = unique("it-boot-locks");
    let boot = Stack::from_plan("bootstrap", "it-boot");
    let vars = [
        "-var",
        &format!("state_bucket={bucket}"),
        "-var",
        &format!("lock_table={table}"),
    ]
    .map(String::from);
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    expect_code(&boot.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    expect_code(&boot.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);
    boot.reimport_all(&vars);

    // The emulator holds a bucket and table set up as the issue asks.
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let versioning = s3.get_bucket_versioning().bucket(&bucket).send().await.unwrap();
    assert_eq!(versioning.status().map(|s| s.as_str()), Some("Enabled"));
    let enc = s3.get_bucket_encryption().bucket(&bucket).send().await.unwrap();
    let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm()
            .as_str(),
        "AES256"
    );
    let pab = s3.get_public_access_block().bucket(&bucket).send().await.unwrap();
    let pab = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            pab.block_public_acls(),
            pab.block_public_policy(),
            pab.ignore_public_acls(),
            pab.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let policy = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
    assert!(policy.policy().unwrap().contains("aws:SecureTransport"));
    let lifecycle = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        lifecycle.rules()[0]
            .noncurrent_version_expiration()
            .unwrap()
            .noncurrent_days(),
        Some(90)
    );
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let t = ddb.describe_table().table_name(&table).send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.key_schema()[0].attribute_name(), "LockID");
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode().unwrap().as_str(),
        "PAY_PER_REQUEST"
    );
    let pitr = ddb
        .describe_continuous_backups()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    assert_eq!(
        pitr.continuous_backups_description()
            .unwrap()
            .point_in_time_recovery_description()
            .unwrap()
            .point_in_time_recovery_status()
            .unwrap()
            .as_str(),
        "ENABLED"
    );

    // A stack applied with local state, then moved into S3.
    let app = remote_stack(&format!("dynamodb_table = \"{table}\""));
    let main = std::fs::read_to_string(app.path.join("main.tf")).unwrap();
    let without_backend = main
        .replace("backend \"s3\"", "backend \"local\"")
        .replace(&format!("dynamodb_table = \"{table}\""), "");
    let local_only: String = without_backend
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("key ")
                && !l.trim_start().starts_with("region =")
                && !l.trim_start().starts_with("encrypt")
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        app.path.join("main.tf"),
        local_only.replace(
            "provider \"aws\" {\n}",
            &format!("provider \"aws\" {{\n  region = \"{REGION}\"\n}}"),
        ),
    )
    .unwrap();
    expect_code(&app.run(&["apply", "-auto-approve", "-var", "subnets=2"]), 0);
    let local_state = app.flat_state();
    std::fs::write(app.path.join("main.tf"), &main).unwrap();
    let t = expect_code(&app.run(&["plan", "-var", "subnets=2"]), 1);
    assert!(t.contains("Backend initialization required"), "{t}");
    expect_code(
        &app.run(&["init", &format!("-backend-config=bucket={bucket}"), "-migrate-state"]),
        0,
    );
    let remote = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(remote["lineage"], local_state["lineage"]);
    assert_eq!(remote["resources"].as_array().unwrap().len(), 3);
    expect_code(&app.run(&["plan", "-detailed-exitcode", "-var", "subnets=2"]), 0);

    // Changes go to S3, with the serial going up and the lineage kept.
    expect_code(&app.run(&["apply", "-auto-approve", "-var", "subnets=3"]), 0);
    let after = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(after["lineage"], local_state["lineage"]);
    assert!(after["serial"].as_u64() > remote["serial"].as_u64());
    assert_eq!(after["resources"].as_array().unwrap().len(), 4);
    let head = s3
        .head_object()
        .bucket(&bucket)
        .key("app/terraform.tfstate")
        .send()
        .await
        .unwrap();
    assert_eq!(head.server_side_encryption().map(|s| s.as_str()), Some("AES256"));
    expect_code(&app.run(&["destroy", "-auto-approve", "-var", "subnets=3"]), 0);
    let gone = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(gone["resources"].as_array().unwrap().len(), 0);
    // The lock is released after every run.
    let lock = ddb
        .get_item()
        .table_name(&table)
        .key(
            "LockID",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("{bucket}/app/terraform.tfstate")),
        )
        .send()
        .await
        .unwrap();
    assert!(lock.item().is_none(), "lock left behind");
}

async fn concurrent_applies(lock_line: &str, bucket: &str) {
    let stack = remote_stack(lock_line);
    expect_code(&stack.run(&["init", &format!("-backend-config=bucket={bucket}")]), 0);
    let spawn = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_infractl"))
            .arg("-chdir")
            .arg(&stack.path)
            .args(["apply", "-auto-approve", "-parallelism=1"])
            .args(extra)
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The first run is seen holding the lock (it has started creating) before the others
    // start, so the race is decided by the lock and not by process start-up timing.
    let started_holding = |extra: &[&str]| {
        use std::io::{BufRead, BufReader, Read};
        let mut first = spawn(extra);
        let mut err = BufReader::new(first.stderr.take().unwrap());
        let mut seen = String::new();
        let mut line = String::new();
        while err.read_line(&mut line).unwrap() > 0 {
            seen.push_str(&line);
            if line.contains("Creating...") {
                break;
            }
            line.clear();
        }
        assert!(seen.contains("Creating..."), "the first apply never started: {seen}");
        let drain = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = err.read_to_string(&mut rest);
            rest
        });
        (first, drain)
    };

    let (first, drain) = started_holding(&["-var", "subnets=40"]);
    let others: Vec<_> = (0..2).map(|_| spawn(&["-var", "subnets=40"])).collect();
    let outputs: Vec<_> = others.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let first_status = first.wait_with_output().unwrap().status;
    let first_log = drain.join().unwrap();
    assert_eq!(first_status.code(), Some(0), "the lock holder completes: {first_log}");
    for o in &outputs {
        let t = text(o);
        assert_eq!(o.status.code(), Some(1), "{t}");
        assert!(
            t.contains("Error acquiring the state lock") && t.contains("Who:") && t.contains("force-unlock"),
            "{t}"
        );
    }
    // With a timeout, waiting runs take their turn and find nothing left to do.
    let (first, drain) = started_holding(&["-var", "subnets=44"]);
    let others: Vec<_> = (0..2)
        .map(|_| spawn(&["-var", "subnets=44", "-lock-timeout=300s"]))
        .collect();
    for o in others.into_iter().map(|c| c.wait_with_output().unwrap()) {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(text(&o).contains("0 added, 0 changed, 0 destroyed"), "{}", text(&o));
    }
    assert_eq!(
        first.wait_with_output().unwrap().status.code(),
        Some(0),
        "{}",
        drain.join().unwrap()
    );
    let state = s3_state(bucket, "app/terraform.tfstate").await;
    let subnets_in_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_subnet")
        .count();
    assert_eq!(subnets_in_state, 44);
    let conf = sdk_config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let live = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:infractl:stack")
                .values(&stack.name)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(live.subnets().len(), 44, "state and emulator agree, nothing duplicated");
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "subnets=44"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_applies_take_turns_with_a_dynamodb_lock() {
    let (bucket, table) = bucket_and_table().await;
    concurrent_applies(&format!("dynamodb_table = \"{table}\""), &bucket).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_applies_take_turns_with_an_s3_lockfile() {
    let (bucket, _) = bucket_and_table().await;
    concurrent_applies("use_lockfile = true", &bucket).await;
}

/// The S3 backend settings of a state at `key` in `bucket` on the emulator, locked with `table`
/// and/or an S3 lock object.
fn backend_config(bucket: &str, table: Option<&str>, key: &str, use_lockfile: bool) -> S3Config {
    use infractl::value::Value;
    let endpoints = Value::object([("s3", Value::str(endpoint())), ("dynamodb", Value::str(endpoint()))]);
    let mut settings = vec![
        ("bucket", Value::str(bucket)),
        ("key", Value::str(key)),
        ("region", Value::str(REGION)),
        ("endpoints", endpoints),
        ("access_key", Value::str("test")),
        ("secret_key", Value::str("test")),
        ("use_lockfile", Value::Bool(use_lockfile)),
    ];
    if let Some(table) = table {
        settings.push(("dynamodb_table", Value::str(table)));
    }
    S3Config::from_value(&settings.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_write_retried_after_it_went_through_finds_its_own_lock() {
    use infractl::state::backend::LockError;
    use infractl::state::LockInfo;
    let (bucket, table) = bucket_and_table().await;
    for (table, use_lockfile) in [
        (Some(table.as_str()), false),
        (None, true),
        (Some(table.as_str()), true),
    ] {
        let what = format!("table {table:?}, lock object {use_lockfile}");
        let key = format!("retried-{use_lockfile}-{}/terraform.tfstate", table.is_some());
        let backend = S3Backend::open(&backend_config(&bucket, table, &key, use_lockfile), "default")
            .await
            .unwrap();
        let ours = LockInfo::new("OperationTypeApply", &key);
        assert!(backend.lock(&ours).await.is_ok(), "{what}: first lock");
        // The same conditional write again, as the SDK sends it when the first one's answer was
        // lost after AWS had applied it.
        assert!(backend.lock(&ours).await.is_ok(), "{what}: the retried write is ours");
        let other = LockInfo::new("OperationTypeApply", &key);
        match backend.lock(&other).await {
            Err(LockError::Held(holder)) => assert_eq!(holder.id, ours.id, "{what}"),
            Err(LockError::Failed(e)) => panic!("{what}: {e}"),
            Ok(()) => panic!("{what}: another run took a held lock"),
        }
        backend.unlock(&ours.id).await.unwrap();
        assert!(backend.lock_holder().await.unwrap().is_none(), "{what}: released");
        assert!(backend.lock(&other).await.is_ok(), "{what}: free again");
        backend.unlock(&other.id).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_writer_cannot_overwrite_a_newer_state() {
    let (bucket, table) = bucket_and_table().await;
    let config = backend_config(&bucket, Some(&table), "stale/terraform.tfstate", false);
    let first = S3Backend::open(&config, "default").await.unwrap();
    let mut state = infractl::state::State::new();
    state.serial = 1;
    first.write(&state).await.unwrap();

    let a = S3Backend::open(&config, "default").await.unwrap();
    let b = S3Backend::open(&config, "default").await.unwrap();
    let mut from_a = a.read().await.unwrap().unwrap();
    let mut from_b = b.read().await.unwrap().unwrap();
    from_a.serial = 2;
    a.write(&from_a).await.unwrap();
    from_b.serial = 2;
    let err = b.write(&from_b).await.unwrap_err();
    assert!(err.summary.contains("changed by another writer"), "{err}");
    let now = S3Backend::open(&config, "default")
        .await
        .unwrap()
        .read()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now, from_a, "the newer state survived");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_left_by_a_killed_run_is_shown_and_force_unlocked() {
    let (bucket, table) = bucket_and_table().await;
    let stack = remote_stack(&format!("dynamodb_table = \"{table}\""));
    expect_code(&stack.run(&["init", &format!("-backend-config=bucket={bucket}")]), 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_infractl"))
        .arg("-chdir")
        .arg(&stack.path)
        .args(["apply", "-auto-approve", "-parallelism=1", "-var", "subnets=20"])
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::{BufRead, BufReader};
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("Creation complete") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let t = expect_code(&stack.run(&["plan", "-var", "subnets=20"]), 1);
    assert!(
        t.contains("Error acquiring the state lock") && t.contains("OperationTypeApply"),
        "{t}"
    );
    let id = t
        .lines()
        .find_map(|l| l.trim().strip_prefix("ID:"))
        .map(|s| s.trim().to_string())
        .expect("the holder's id is shown");
    let wrong = expect_code(&stack.run(&["force-unlock", "-force", "not-the-id"]), 1);
    assert!(wrong.contains("does not match"), "{wrong}");
    expect_code(&stack.run(&["force-unlock", "-force", &id]), 0);
    // The next apply converges, with what the killed run created recorded or adopted.
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=20"]), 0);
    let conf = sdk_config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let by_stack = aws_sdk_ec2::types::Filter::builder()
        .name("tag:infractl:stack")
        .values(&stack.name)
        .build();
    assert_eq!(
        ec2.describe_subnets()
            .filters(by_stack.clone())
            .send()
            .await
            .unwrap()
            .subnets()
            .len(),
        20
    );
    assert_eq!(
        ec2.describe_vpcs().filters(by_stack).send().await.unwrap().vpcs().len(),
        1
    );
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "subnets=20"]), 0);
}

/// Puts `text` as the state object directly, leaving the lock table's digest item alone (as a
/// run killed between its write and its digest's leaves it, or a stale copy would read).
async fn put_object_without_digest(bucket: &str, key: &str, text: String) {
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(text.into_bytes().into())
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_newer_than_its_digest_is_read_and_an_older_one_refused() {
    let (bucket, table) = bucket_and_table().await;
    let stack = remote_stack(&format!("dynamodb_table = \"{table}\""));
    expect_code(&stack.run(&["init", &format!("-backend-config=bucket={bucket}")]), 0);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=1"]), 0);
    let key = "app/terraform.tfstate";
    let (written, _, _) = crate::interop::s3_state(&bucket, &table, key).await;
    let with_serial = |serial: u64| {
        let mut doc: serde_json::Value = serde_json::from_str(&written).unwrap();
        doc["serial"] = serial.into();
        serde_json::to_string_pretty(&doc).unwrap()
    };
    let serial = serde_json::from_str::<serde_json::Value>(&written).unwrap()["serial"]
        .as_u64()
        .unwrap();

    // A later serial of the same lineage: the writer stopped before its digest. Read as is,
    // and the next write records the digest again.
    put_object_without_digest(&bucket, key, with_serial(serial + 1)).await;
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", "subnets=1"]), 0);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=2"]), 0);
    let (now, digest, _) = crate::interop::s3_state(&bucket, &table, key).await;
    {
        use md5::Digest;
        assert_eq!(
            digest.as_deref(),
            Some(hex::encode(md5::Md5::digest(now.as_bytes())).as_str()),
            "the apply recorded the digest of what it wrote"
        );
    }

    // An older serial than the digest's (a stale read) is refused, and nothing is changed.
    put_object_without_digest(&bucket, key, written.clone()).await;
    let t = expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=2"]), 1);
    assert!(t.contains("does not match the digest recorded for it"), "{t}");
    let (after, _, _) = crate::interop::s3_state(&bucket, &table, key).await;
    assert_eq!(after, written, "the refused run wrote nothing");

    put_object_without_digest(&bucket, key, now).await;
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "subnets=2"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_bucket_missing_table_and_wrong_region_are_clear_errors() {
    let (bucket, table) = bucket_and_table().await;
    let stack = remote_stack(&format!("dynamodb_table = \"{table}\""));
    let t = expect_code(&stack.run(&["init", "-backend-config=bucket=no-such-bucket-here"]), 1);
    assert!(t.contains("State bucket \"no-such-bucket-here\" does not exist"), "{t}");
    assert!(
        !stack.path.join(".infractl/backend.json").exists(),
        "nothing recorded after a failed init"
    );

    let other = remote_stack("dynamodb_table = \"no-such-table\"");
    let t = expect_code(&other.run(&["init", &format!("-backend-config=bucket={bucket}")]), 1);
    assert!(t.contains("Lock table \"no-such-table\" does not exist"), "{t}");

    let t = expect_code(
        &stack.run(&[
            "init",
            &format!("-backend-config=bucket={bucket}"),
            "-backend-config=region=eu-central-1",
        ]),
        1,
    );
    assert!(t.contains("eu-central-1"), "{t}");
    assert!(!stack.path.join(".infractl/backend.json").exists());
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let listed = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
    assert_eq!(listed.key_count(), Some(0), "nothing written to the bucket");
}

#[tokio::test(flavor = "multi_thread")]
async fn workspaces_and_state_commands_on_the_s3_backend() {
    let (bucket, table) = bucket_and_table().await;
    let stack = remote_stack(&format!("dynamodb_table = \"{table}\""));
    expect_code(&stack.run(&["init", &format!("-backend-config=bucket={bucket}")]), 0);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=2"]), 0);

    // A second workspace has its own state object and its own objects in the emulator.
    expect_code(&stack.run(&["workspace", "new", "staging"]), 0);
    let listed = expect_code(&stack.run(&["workspace", "list"]), 0);
    assert!(listed.contains("  default") && listed.contains("* staging"), "{listed}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "subnets=1"]), 0);
    let staging = s3_state(&bucket, "env:/staging/app/terraform.tfstate").await;
    assert_eq!(staging["resources"].as_array().unwrap().len(), 2);
    let default = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(default["resources"].as_array().unwrap().len(), 3);
    let t = expect_code(&stack.run(&["workspace", "delete", "staging"]), 1);
    assert!(t.contains("selected"), "{t}");
    expect_code(&stack.run(&["workspace", "select", "default"]), 0);
    let t = expect_code(&stack.run(&["workspace", "delete", "staging"]), 1);
    assert!(t.contains("still manages 2 resource(s)"), "{t}");
    expect_code(&stack.run(&["workspace", "select", "staging"]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "subnets=1"]), 0);
    expect_code(&stack.run(&["workspace", "select", "default"]), 0);
    expect_code(&stack.run(&["workspace", "delete", "staging"]), 0);
    let listed = expect_code(&stack.run(&["workspace", "list"]), 0);
    assert!(!listed.contains("staging"), "{listed}");

    // state mv and rm change only state; pull and push round-trip it, refusing stale pushes.
    expect_code(
        &stack.run(&["state", "mv", "aws_subnet.many[1]", "aws_subnet.many[5]"]),
        0,
    );
    let list = expect_code(&stack.run(&["state", "list"]), 0);
    assert!(
        list.contains("aws_subnet.many[5]") && !list.contains("aws_subnet.many[1]"),
        "{list}"
    );
    let pulled = stack.run(&["state", "pull"]);
    let pulled_text = String::from_utf8(pulled.stdout).unwrap();
    let saved = stack.path.join("pulled.json");
    std::fs::write(&saved, &pulled_text).unwrap();
    expect_code(&stack.run(&["state", "rm", "aws_subnet.many"]), 0);
    let after_rm = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(after_rm["resources"].as_array().unwrap().len(), 1);
    let t = expect_code(&stack.run(&["state", "push", saved.to_str().unwrap()]), 1);
    assert!(t.contains("older"), "a push of an older serial is refused: {t}");
    expect_code(&stack.run(&["state", "push", "-force", saved.to_str().unwrap()]), 0);
    let restored = s3_state(&bucket, "app/terraform.tfstate").await;
    assert_eq!(restored["resources"].as_array().unwrap().len(), 3);
    // The subnets still exist (rm only forgets), and the renamed instance is planned back.
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", "subnets=2"]), 2);
    assert!(
        t.contains("aws_subnet.many[5] will be destroyed") && t.contains("aws_subnet.many[1] will be created"),
        "{t}"
    );
    expect_code(
        &stack.run(&["state", "mv", "aws_subnet.many[5]", "aws_subnet.many[1]"]),
        0,
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", "subnets=2"]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", "subnets=2"]), 0);
}

#[test]
fn init_without_backend_installs_modules_and_leaves_the_backend_alone() {
    let stack = Stack::from_files(&[
        (
            "main.tf",
            "terraform {\n  backend \"s3\" {\n    bucket = \"nowhere\"\n    key    = \"x/terraform.tfstate\"\n    region = \"us-east-1\"\n  }\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n",
        ),
        ("m/main.tf", "output \"x\" {\n  value = 1\n}\n"),
    ]);
    // An unreachable endpoint: nothing may be asked of S3 or DynamoDB.
    let out = stack.run_with_endpoint(&["init", "-backend=false"], "http://127.0.0.1:9");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!stack.path.join(".infractl").exists(), "no backend recorded");
    expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 0);
    let plan = stack.run_with_endpoint(&["plan"], "http://127.0.0.1:9");
    assert_eq!(plan.status.code(), Some(1));
    assert!(
        text(&plan).contains("Backend initialization required"),
        "{}",
        text(&plan)
    );
}
