//! The built-in providers (terraform, random, null, time, archive, local, external): every type
//! applies, a second plan is clean, keepers and triggers replace only what follows them,
//! destroy removes the files written; a generated password reaches Secrets Manager on the
//! emulator and never the state file, the plan file or infractl's output; remote state is read
//! from the S3 backend (workspaces too) and from a local state; archives hash the same across
//! applies; external programs and sleeps behave as documented.
//!
//! Terraform cannot cross-check these providers on this machine: only the AWS provider is in
//! the offline provider mirror. [`terraform_cross_check`] runs `terraform validate` on the same
//! blueprint when the mirror has them, and otherwise says why it is skipped.

use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use base64::Engine;
use sha2::Digest;
use std::path::Path;
use std::time::{Duration, Instant};

const REGION: &str = "us-east-1";

fn state_json(stack: &Stack) -> serde_json::Value {
    stack.flat_state()
}

/// Attributes of an address in the state file.
fn attrs(stack: &Stack, address: &str) -> serde_json::Value {
    state_json(stack)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))["attributes"]
        .clone()
}

fn managed_count(stack: &Stack) -> usize {
    state_json(stack)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed")
        .count()
}

/// Addresses a plan text says will be replaced, created, updated or destroyed.
fn planned(plan: &str, what: &str) -> Vec<String> {
    let mut out: Vec<String> = plan
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# "))
        .filter(|l| l.ends_with(what))
        .map(|l| l.trim_end_matches(what).trim().to_string())
        .collect();
    out.sort();
    out
}

/// Runs `terraform validate` on a blueprint when Terraform and every provider it needs are
/// installed offline; otherwise [`Terraform::find_with`] says why the cross-check is skipped
/// (their schemas then follow the providers' documentation).
fn terraform_cross_check(dir: &Path, providers: &[&str]) {
    let Some(tf) = Terraform::find_with("the built-in providers' cross-check", providers, "") else {
        return;
    };
    let work = tf.work();
    std::fs::create_dir_all(&work).unwrap();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "tf") {
            std::fs::copy(e.path(), work.join(e.file_name())).unwrap();
        }
    }
    for args in [&["init", "-backend=false", "-input=false"][..], &["validate"][..]] {
        let out = tf.run(args);
        assert!(out.status.success(), "terraform {args:?}:\n{}", text(&out));
    }
}

const ALL_TYPES: &str = r#"
terraform {
  required_providers {
    random   = { source = "hashicorp/random", version = "~> 3.6" }
    null     = { source = "registry.terraform.io/hashicorp/null", version = ">= 3" }
    time     = { source = "hashicorp/time" }
    archive  = { source = "hashicorp/archive" }
    local    = { source = "hashicorp/local" }
    external = { source = "hashicorp/external" }
  }
}

variable "generation" {
  default = "one"
}

variable "data" {
  default = "first"
}

resource "random_id" "suffix" {
  byte_length = 6
  prefix      = "app-"
  keepers     = { generation = var.generation }
}

resource "random_string" "name" {
  length  = 10
  special = false
  upper   = false
}

resource "random_password" "token" {
  length      = 24
  min_special = 3
  min_numeric = 2
}

resource "random_pet" "server" {
  length    = 3
  separator = "_"
}

resource "random_integer" "priority" {
  min = 10
  max = 20
}

resource "random_uuid" "request" {}

resource "random_shuffle" "az" {
  input        = ["a", "b", "c", "d"]
  result_count = 2
}

resource "null_resource" "deploy" {
  triggers = { suffix = random_id.suffix.hex }
}

data "null_data_source" "labels" {
  inputs = { team = "platform" }
}

resource "terraform_data" "config" {
  input            = { data = var.data, pet = random_pet.server.id }
  triggers_replace = [var.generation]
}

resource "time_static" "created" {}

resource "time_offset" "expiry" {
  offset_days = 7
}

resource "time_rotating" "key" {
  rotation_days = 30
}

resource "local_file" "note" {
  filename = "out/note.txt"
  content  = "server ${random_pet.server.id} priority ${random_integer.priority.result}"
}

resource "local_sensitive_file" "token" {
  filename = "out/secret/token.txt"
  content  = random_password.token.result
}

data "local_file" "note" {
  filename = local_file.note.filename
}

output "suffix" {
  value = random_id.suffix.hex
}

output "note" {
  value = data.local_file.note.content
}

output "labels" {
  value = data.null_data_source.labels.outputs
}

output "token" {
  value     = random_password.token.result
  sensitive = true
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn every_builtin_type_applies_plans_clean_replaces_by_keepers_and_destroys_its_files() {
    let stack = Stack::from_files(&[("main.tf", ALL_TYPES)]);
    terraform_cross_check(&stack.path, &["random", "null", "time", "archive", "local", "external"]);
    expect_code(&stack.run(&["validate"]), 0);
    let first = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(first.contains("Apply complete! Resources: 14 added"), "{first}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // What each type produced, as its documentation describes.
    let hex = attrs(&stack, "random_id.suffix")["hex"].as_str().unwrap().to_string();
    assert!(hex.starts_with("app-") && hex.len() == 4 + 12, "{hex}");
    let b64 = attrs(&stack, "random_id.suffix")["id"].as_str().unwrap().to_string();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&b64).unwrap();
    assert_eq!(format!("app-{}", hex::encode(&bytes)), hex);
    let name = attrs(&stack, "random_string.name")["result"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        name.len() == 10 && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{name}"
    );
    let pet = attrs(&stack, "random_pet.server")["id"].as_str().unwrap().to_string();
    assert_eq!(pet.split('_').count(), 3, "{pet}");
    let priority = attrs(&stack, "random_integer.priority")["result"].as_i64().unwrap();
    assert!((10..=20).contains(&priority));
    let uuid = attrs(&stack, "random_uuid.request")["result"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uuid::Uuid::parse_str(&uuid).unwrap().get_version_num(), 4);
    let shuffled = attrs(&stack, "random_shuffle.az")["result"].clone();
    let shuffled: Vec<&str> = shuffled
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        shuffled.len() == 2 && shuffled.iter().all(|x| ["a", "b", "c", "d"].contains(x)) && shuffled[0] != shuffled[1]
    );
    let rotating = attrs(&stack, "time_rotating.key");
    let base = rotating["unix"].as_i64().unwrap();
    let rotation = rotating["rotation_rfc3339"].as_str().unwrap();
    assert!(rotation.ends_with('Z'));
    let offset = attrs(&stack, "time_offset.expiry");
    let created = attrs(&stack, "time_static.created")["unix"].as_i64().unwrap();
    assert!((offset["unix"].as_i64().unwrap() - created - 7 * 86_400).abs() <= 5);
    assert!((base - created).abs() <= 5);
    let data = attrs(&stack, "terraform_data.config");
    assert_eq!(data["output"], data["input"]);
    // Terraform's state keeps a dynamic value with its type: {"value": ..., "type": ...}.
    assert_eq!(data["output"]["value"]["pet"], pet.as_str());

    // Files: written with their content; the sensitive one private to its owner.
    let note = std::fs::read_to_string(stack.path.join("out/note.txt")).unwrap();
    assert_eq!(note, format!("server {pet} priority {priority}"));
    let token_path = stack.path.join("out/secret/token.txt");
    let token = std::fs::read_to_string(&token_path).unwrap();
    assert_eq!(token.chars().count(), 24);
    assert!(token.chars().filter(|c| c.is_ascii_digit()).count() >= 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "token file readable by others: {mode:o}");
    }
    let outputs = expect_code(&stack.run(&["output", "-json"]), 0);
    let outputs: serde_json::Value = serde_json::from_str(&outputs).unwrap();
    assert_eq!(outputs["note"]["value"], note.as_str());
    assert_eq!(outputs["labels"]["value"]["team"], "platform");
    // The password: in the file it was written to, nowhere in state.
    let state_text = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state_text.contains(&token), "state holds the generated password");
    assert_eq!(outputs["token"]["sensitive"], true);
    assert!(!outputs.to_string().contains(&token));

    // A keepers change replaces what follows it (random_id, and null_resource through its
    // triggers), and terraform_data through triggers_replace; nothing else.
    let plan = expect_code(&stack.run(&["plan", "-var", "generation=two"]), 0);
    assert_eq!(
        planned(&plan, "must be replaced"),
        ["null_resource.deploy", "random_id.suffix", "terraform_data.config"],
        "{plan}"
    );
    assert!(planned(&plan, "will be updated in-place").is_empty(), "{plan}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", "generation=two"]), 0);
    assert_ne!(attrs(&stack, "random_id.suffix")["hex"], hex.as_str());
    assert_eq!(attrs(&stack, "random_string.name")["result"], name.as_str());
    assert_eq!(std::fs::read_to_string(&token_path).unwrap(), token);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", "generation=two"]), 0);

    // terraform_data's input changes in place, its output following at apply.
    let vars = ["-var", "generation=two", "-var", "data=second"];
    let plan = expect_code(&stack.run(&[&["plan"][..], &vars].concat()), 0);
    assert_eq!(
        planned(&plan, "will be updated in-place"),
        ["terraform_data.config"],
        "{plan}"
    );
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    assert_eq!(
        attrs(&stack, "terraform_data.config")["output"]["value"]["data"],
        "second"
    );
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);

    // A file deleted outside infractl is written again.
    std::fs::remove_file(stack.path.join("out/note.txt")).unwrap();
    let plan = expect_code(&stack.run(&[&["plan"][..], &vars].concat()), 0);
    assert_eq!(planned(&plan, "will be created"), ["local_file.note"], "{plan}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &vars].concat()), 0);
    assert!(stack.path.join("out/note.txt").exists());

    // Destroy removes the files and everything from state.
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &vars].concat()), 0);
    assert!(!stack.path.join("out/note.txt").exists());
    assert!(!token_path.exists());
    assert_eq!(managed_count(&stack), 0);
}

const PASSWORD_TO_SECRET: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "random_password" "db" {
  length           = 32
  override_special = "!#%&*()-_=+[]{}<>:?"
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "${var.name}/db-password"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}

resource "aws_ssm_parameter" "dsn" {
  name  = "/${var.name}/dsn"
  type  = "SecureString"
  value = "postgres://app:${random_password.db.result}@db.internal:5432/app"
}

# Not a secret-aware attribute: infractl conceals the password here too.
resource "terraform_data" "conn" {
  input = "postgres://app:${random_password.db.result}@db.internal:5432/app"
}

output "secret_arn" {
  value = aws_secretsmanager_secret.db.arn
}

output "conn" {
  value     = terraform_data.conn.output
  sensitive = true
}

output "dsn" {
  value     = aws_ssm_parameter.dsn.value
  sensitive = true
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_password_reaches_secrets_manager_but_never_state_plans_or_output() {
    let stack = Stack::from_files(&[("main.tf", PASSWORD_TO_SECRET)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    let plan_file = stack.path.join("first.plan");
    let plan_out = expect_code(&run(&["plan", "-out", plan_file.to_str().unwrap()]), 0);
    let apply_out = expect_code(&stack.run(&["apply", plan_file.to_str().unwrap()]), 0);

    // What the emulator holds is the password; find it through the SDK.
    let conf = sdk_config(REGION).await;
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let secret = sm
        .get_secret_value()
        .secret_id(format!("{}/db-password", stack.name))
        .send()
        .await
        .unwrap();
    let password = secret.secret_string().unwrap().to_string();
    assert_eq!(password.chars().count(), 32);
    let ssm = aws_sdk_ssm::Client::new(&conf);
    let dsn = ssm
        .get_parameter()
        .name(format!("/{}/dsn", stack.name))
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dsn.parameter().unwrap().value().unwrap(),
        format!("postgres://app:{password}@db.internal:5432/app")
    );

    // Nowhere else: not the state, the saved plan, nor any output.
    let leaks = |what: &str, t: &str| assert!(!t.contains(&password), "{what} holds the password:\n{t}");
    let state_text = std::fs::read_to_string(stack.state_file()).unwrap();
    leaks("state file", &state_text);
    assert!(
        state_text.contains("infractl-sealed:v1:"),
        "state keeps the password sealed"
    );
    leaks("plan file", &std::fs::read_to_string(&plan_file).unwrap());
    leaks("plan output", &plan_out);
    leaks("apply output", &apply_out);
    let second = expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    leaks("second plan", &second);
    leaks("plan -json", &text(&run(&["plan", "-json"])));
    leaks("show", &text(&stack.run(&["show", "-json"])));
    leaks("output -json", &text(&stack.run(&["output", "-json"])));
    leaks("state pull", &text(&stack.run(&["state", "pull"])));
    let key = stack
        .state_file()
        .with_file_name(format!("{}.tfstate.json.secret-key", stack.name));
    assert!(key.exists(), "the stack's secret key is kept beside the state");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // A saved plan of a change applies with the secret re-derived from state, not from the
    // plan file, and the password stays the same.
    let change = stack.path.join("second.plan");
    stack.edit("main.tf", "db.internal:5432", "db.internal:6432");
    let plan_out = expect_code(&run(&["plan", "-out", change.to_str().unwrap()]), 0);
    leaks("plan output of a change", &plan_out);
    leaks("plan file of a change", &std::fs::read_to_string(&change).unwrap());
    let out = expect_code(&stack.run(&["apply", change.to_str().unwrap()]), 0);
    leaks("apply output of a change", &out);
    let dsn = ssm
        .get_parameter()
        .name(format!("/{}/dsn", stack.name))
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dsn.parameter().unwrap().value().unwrap(),
        format!("postgres://app:{password}@db.internal:6432/app")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Without its key, state's secrets cannot be opened: a clear error, not a new password.
    let hidden = key.with_extension("moved");
    std::fs::rename(&key, &hidden).unwrap();
    let t = expect_code(&run(&["plan"]), 1);
    assert!(
        t.contains("secret-key is missing") && t.contains("random_password.db"),
        "{t}"
    );
    std::fs::rename(&hidden, &key).unwrap();

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}

async fn bucket() -> String {
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let name = format!("it-rs-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    s3.create_bucket().bucket(&name).send().await.unwrap();
    name
}

fn producer(prefix: &str) -> String {
    format!(
        r#"
terraform {{
  backend "s3" {{
    key                  = "network/terraform.tfstate"
    region               = "{REGION}"
    use_lockfile         = true
    workspace_key_prefix = "{prefix}"
  }}
}}

variable "env" {{
  default = "prod"
}}

resource "random_pet" "vpc" {{
  keepers = {{ env = var.env }}
}}

resource "random_password" "admin" {{
  length = 16
}}

output "vpc_name" {{
  value = "${{var.env}}-${{random_pet.vpc.id}}"
}}

output "subnets" {{
  value = ["a-${{var.env}}", "b-${{var.env}}"]
}}
"#
    )
}

fn consumer(bucket: &str, local_state: &Path) -> String {
    format!(
        r#"
data "terraform_remote_state" "prod" {{
  backend = "s3"
  config = {{
    bucket = "{bucket}"
    key    = "network/terraform.tfstate"
    region = "{REGION}"
  }}
}}

data "terraform_remote_state" "dev" {{
  backend   = "s3"
  workspace = "dev"
  config = {{
    bucket               = "{bucket}"
    key                  = "network/terraform.tfstate"
    region               = "{REGION}"
    workspace_key_prefix = "envs"
  }}
  defaults = {{
    owner = "platform"
  }}
}}

data "terraform_remote_state" "local" {{
  backend = "local"
  config = {{
    path = "{}"
  }}
}}

resource "terraform_data" "wiring" {{
  input = {{
    prod  = data.terraform_remote_state.prod.outputs.vpc_name
    dev   = data.terraform_remote_state.dev.outputs.vpc_name
    owner = data.terraform_remote_state.dev.outputs.owner
    local = data.terraform_remote_state.local.outputs.greeting
  }}
}}

output "prod" {{
  value = data.terraform_remote_state.prod.outputs.vpc_name
}}

output "dev_subnets" {{
  value = data.terraform_remote_state.dev.outputs.subnets
}}

output "local" {{
  value = data.terraform_remote_state.local.outputs.greeting
}}
"#,
        local_state.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_state_reads_another_stacks_outputs_from_s3_workspaces_and_a_local_state() {
    let bucket = bucket().await;
    let net = Stack::from_files(&[("main.tf", &producer("envs"))]);
    expect_code(&net.run(&["init", &format!("-backend-config=bucket={bucket}")]), 0);
    expect_code(&net.run(&["apply", "-auto-approve"]), 0);
    expect_code(&net.run(&["workspace", "new", "dev"]), 0);
    expect_code(&net.run(&["apply", "-auto-approve", "-var", "env=dev"]), 0);
    let out = |ws: &str| -> serde_json::Value {
        let t = expect_code(
            &net.run_with_env(
                &["output", "-json"],
                &crate::support::endpoint(),
                &[("TF_WORKSPACE", ws)],
            ),
            0,
        );
        serde_json::from_str(&t).unwrap()
    };
    let (prod, dev) = (out("default"), out("dev"));
    assert_ne!(prod["vpc_name"], dev["vpc_name"]);

    // The S3 backend keeps each workspace's secret key beside its state, encrypted at rest.
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    for key in [
        "network/terraform.tfstate.secret-key",
        "envs/dev/network/terraform.tfstate.secret-key",
    ] {
        let head = s3.head_object().bucket(&bucket).key(key).send().await.unwrap();
        assert_eq!(
            head.server_side_encryption(),
            Some(&aws_sdk_s3::types::ServerSideEncryption::Aes256),
            "{key}"
        );
    }

    let greeter = Stack::from_files(&[(
        "main.tf",
        "resource \"random_pet\" \"p\" {}\noutput \"greeting\" { value = \"hello ${random_pet.p.id}\" }\n",
    )]);
    expect_code(&greeter.run(&["apply", "-auto-approve"]), 0);
    let greeting = attrs(&greeter, "random_pet.p")["id"].as_str().unwrap().to_string();

    let app = Stack::from_files(&[("main.tf", &consumer(&bucket, &greeter.state_file()))]);
    expect_code(&app.run(&["apply", "-auto-approve"]), 0);
    let wiring = attrs(&app, "terraform_data.wiring")["output"]["value"].clone();
    assert_eq!(wiring["prod"], prod["vpc_name"]["value"]);
    assert_eq!(wiring["dev"], dev["vpc_name"]["value"]);
    assert_eq!(wiring["owner"], "platform", "defaults fill outputs the state lacks");
    assert_eq!(wiring["local"], format!("hello {greeting}").as_str());
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&app.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["dev_subnets"]["value"], serde_json::json!(["a-dev", "b-dev"]));
    expect_code(&app.run(&["plan", "-detailed-exitcode"]), 0);

    // A change in the producer flows to the consumer's next plan.
    expect_code(&net.run(&["apply", "-auto-approve", "-var", "env=dev2"]), 0);
    let plan = expect_code(&app.run(&["plan"]), 0);
    assert_eq!(
        planned(&plan, "will be updated in-place"),
        ["terraform_data.wiring"],
        "{plan}"
    );

    // A workspace with no state is an error that says so.
    let missing = Stack::from_files(&[(
        "main.tf",
        &format!(
            "data \"terraform_remote_state\" \"x\" {{\n  backend = \"s3\"\n  workspace = \"nope\"\n  config = {{ bucket = \"{bucket}\", key = \"network/terraform.tfstate\", region = \"{REGION}\" }}\n}}\n"
        ),
    )]);
    let t = expect_code(&missing.run(&["plan"]), 1);
    assert!(
        t.contains("Unable to find remote state") && t.contains("env:/nope/network/terraform.tfstate"),
        "{t}"
    );
}

const ARCHIVE: &str = r#"
data "archive_file" "lambda" {
  type        = "zip"
  source_dir  = "src"
  excludes    = ["tests", "*.pyc"]
  output_path = "build/lambda.zip"
}

resource "archive_file" "config" {
  type        = "zip"
  output_path = "build/config.zip"
  source {
    content  = "{\"level\": \"info\"}"
    filename = "config/app.json"
  }
  source {
    content  = "v1"
    filename = "VERSION"
  }
}

resource "terraform_data" "deploy" {
  input = data.archive_file.lambda.output_base64sha256
}

output "lambda_hash" {
  value = data.archive_file.lambda.output_base64sha256
}

output "lambda_sha256" {
  value = data.archive_file.lambda.output_sha256
}

output "lambda_size" {
  value = data.archive_file.lambda.output_size
}

output "config_hash" {
  value = archive_file.config.output_base64sha256
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn archive_hashes_are_stable_across_applies_and_match_the_written_zip() {
    let stack = Stack::from_files(&[("main.tf", ARCHIVE)]);
    for (f, body) in [
        ("src/handler.py", "def handler(event, ctx):\n    return 1\n"),
        ("src/lib/util.py", "X = 1\n"),
        ("src/lib/util.pyc", "compiled"),
        ("src/tests/test_handler.py", "assert True\n"),
    ] {
        let p = stack.path.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let outputs =
        || -> serde_json::Value { serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap() };
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let first = outputs();
    let zip = std::fs::read(stack.path.join("build/lambda.zip")).unwrap();
    let sha = sha2::Sha256::digest(&zip);
    assert_eq!(
        first["lambda_hash"]["value"],
        base64::engine::general_purpose::STANDARD.encode(sha)
    );
    assert_eq!(first["lambda_sha256"]["value"], hex::encode(sha));
    assert_eq!(first["lambda_size"]["value"], zip.len());
    let config = std::fs::read(stack.path.join("build/config.zip")).unwrap();
    assert_eq!(
        first["config_hash"]["value"],
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&config))
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(names, ["handler.py", "lib/util.py"], "excludes apply");

    // New file times, a removed output, a second apply: the same bytes and hashes, no change.
    std::thread::sleep(Duration::from_millis(1100));
    for f in ["src/handler.py", "src/lib/util.py"] {
        let p = stack.path.join(f);
        let body = std::fs::read(&p).unwrap();
        std::fs::write(&p, body).unwrap();
    }
    std::fs::remove_file(stack.path.join("build/lambda.zip")).unwrap();
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(outputs(), first);
    assert_eq!(std::fs::read(stack.path.join("build/lambda.zip")).unwrap(), zip);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // A changed source changes the hash, and what follows it.
    std::fs::write(
        stack.path.join("src/handler.py"),
        "def handler(event, ctx):\n    return 2\n",
    )
    .unwrap();
    let plan = expect_code(&stack.run(&["plan"]), 0);
    assert_eq!(
        planned(&plan, "will be updated in-place"),
        ["terraform_data.deploy"],
        "{plan}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn external_programs_answer_queries_and_their_failures_show_stderr() {
    let script = r#"#!/usr/bin/env python3
import json, sys
q = json.load(sys.stdin)
if q.get("fail") == "yes":
    sys.stderr.write("vault says: permission denied for " + q["name"] + "\n")
    sys.exit(2)
print(json.dumps({"upper": q["name"].upper(), "length": str(len(q["name"]))}))
"#;
    let blueprint = r#"
variable "fail" {
  default = "no"
}

data "external" "lookup" {
  program = ["python3", "${path.module}/lookup.py"]
  query = {
    name = "orders"
    fail = var.fail
  }
}

resource "terraform_data" "name" {
  input = "${data.external.lookup.result.upper}/${data.external.lookup.result.length}"
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint), ("lookup.py", script)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(attrs(&stack, "terraform_data.name")["output"]["value"], "ORDERS/6");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    let t = expect_code(&stack.run(&["plan", "-var", "fail=yes"]), 1);
    assert!(t.contains("vault says: permission denied for orders"), "{t}");
    assert!(t.contains("data.external.lookup"), "{t}");
}

#[tokio::test(flavor = "multi_thread")]
async fn time_sleep_waits_its_durations() {
    let blueprint = r#"
resource "null_resource" "before" {}

resource "time_sleep" "settle" {
  depends_on       = [null_resource.before]
  create_duration  = "2s"
  destroy_duration = "1500ms"
}

resource "null_resource" "after" {
  depends_on = [time_sleep.settle]
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let start = Instant::now();
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let applied = start.elapsed();
    assert!(applied >= Duration::from_secs(2), "apply took {applied:?}");
    eprintln!("apply with a 2s create_duration took {applied:?}");
    // A duration change updates without waiting again (nothing else to assert: no upper bounds).
    stack.edit("main.tf", "\"2s\"", "\"3s\"");
    let plan = expect_code(&stack.run(&["plan"]), 0);
    assert_eq!(
        planned(&plan, "will be updated in-place"),
        ["time_sleep.settle"],
        "{plan}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let start = Instant::now();
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let destroyed = start.elapsed();
    assert!(destroyed >= Duration::from_millis(1500), "destroy took {destroyed:?}");
    eprintln!("destroy with a 1.5s destroy_duration took {destroyed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_infractl_does_not_run_are_refused_by_name() {
    let other = r#"
terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.0" }
    random = { source = "registry.terraform.io/hashicorp/random" }
    github = { source = "integrations/github", version = "~> 6.0" }
  }
}
"#;
    let stack = Stack::from_files(&[("main.tf", other)]);
    let t = expect_code(&stack.run(&["validate"]), 1);
    assert!(t.contains("\"integrations/github\"") && t.contains("main.tf:6"), "{t}");
    let stack = Stack::from_files(&[(
        "main.tf",
        "resource \"google_storage_bucket\" \"b\" {\n  name = \"x\"\n}\n",
    )]);
    let t = expect_code(&stack.run(&["validate"]), 1);
    assert!(
        t.contains("google_storage_bucket") && t.contains("provider \"google\"") && t.contains("main.tf:1"),
        "{t}"
    );
    assert!(t.contains("random_password"), "the supported types are listed: {t}");
    let stack = Stack::from_files(&[(
        "main.tf",
        "provider \"random\" {}\nprovider \"null\" {}\nresource \"random_pet\" \"p\" {}\n",
    )]);
    expect_code(&stack.run(&["validate"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_secret_key_moves_with_a_migrated_state_and_goes_with_a_deleted_workspace() {
    let bucket = bucket().await;
    let blueprint = "resource \"random_password\" \"p\" {\n  length = 20\n}\n\nresource \"terraform_data\" \"uses\" {\n  input = sha256(random_password.p.result)\n}\n";
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let fingerprint = attrs(&stack, "terraform_data.uses")["output"]["value"].clone();
    std::fs::write(
        stack.path.join("backend.tf"),
        format!("terraform {{\n  backend \"s3\" {{\n    key    = \"app/terraform.tfstate\"\n    region = \"{REGION}\"\n  }}\n}}\n"),
    )
    .unwrap();
    let t = expect_code(
        &stack.run(&["init", &format!("-backend-config=bucket={bucket}"), "-migrate-state"]),
        0,
    );
    assert!(t.contains("Copied the stack's secret key"), "{t}");
    // The migrated state's secret opens with the copied key: the same value, no change.
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let state = s3
        .get_object()
        .bucket(&bucket)
        .key("app/terraform.tfstate")
        .send()
        .await
        .unwrap();
    let state = crate::support::flat_state(&String::from_utf8(state.body.collect().await.unwrap().to_vec()).unwrap());
    let uses = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "terraform_data.uses")
        .unwrap()["attributes"]["output"]["value"]
        .clone();
    assert_eq!(uses, fingerprint);

    // A workspace's key is deleted with it.
    expect_code(&stack.run(&["workspace", "new", "scratch"]), 0);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let key = "env:/scratch/app/terraform.tfstate.secret-key";
    s3.head_object().bucket(&bucket).key(key).send().await.unwrap();
    expect_code(&stack.run(&["workspace", "select", "default"]), 0);
    expect_code(&stack.run(&["workspace", "delete", "-force", "scratch"]), 0);
    assert!(s3.head_object().bucket(&bucket).key(key).send().await.is_err());
    s3.head_object()
        .bucket(&bucket)
        .key("app/terraform.tfstate.secret-key")
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn time_rotating_is_replaced_by_the_first_plan_after_its_rotation_time() {
    let blueprint = r#"
resource "time_rotating" "key" {
  rotation_days = 30
}

resource "random_id" "key" {
  byte_length = 8
  keepers     = { rotated = time_rotating.key.id }
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    let base = attrs(&stack, "time_rotating.key")["rfc3339"].clone();
    let first = attrs(&stack, "random_id.key")["hex"].clone();
    // A rotation time in the past (rather than waiting for one): moved in place first...
    stack.edit(
        "main.tf",
        "rotation_days = 30",
        "rotation_rfc3339 = \"2001-01-01T00:00:00Z\"",
    );
    let plan = expect_code(&stack.run(&["plan"]), 0);
    assert_eq!(
        planned(&plan, "will be updated in-place"),
        ["time_rotating.key"],
        "{plan}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(attrs(&stack, "time_rotating.key")["rfc3339"], base, "same base");
    // ...then the next plan finds it passed and replaces it, and what follows it.
    stack.edit(
        "main.tf",
        "rotation_rfc3339 = \"2001-01-01T00:00:00Z\"",
        "rotation_days = 30",
    );
    let plan = expect_code(&stack.run(&["plan"]), 0);
    assert_eq!(
        planned(&plan, "must be replaced"),
        ["random_id.key", "time_rotating.key"],
        "{plan}"
    );
    assert!(plan.contains("rotation time 2001-01-01T00:00:00Z has passed"), "{plan}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_ne!(attrs(&stack, "random_id.key")["hex"], first);
    let rotation = attrs(&stack, "time_rotating.key")["rotation_rfc3339"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(rotation.as_str() > "2001", "{rotation}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
}
