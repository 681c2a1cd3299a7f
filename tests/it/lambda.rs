//! Lambda functions: a Python function zipped by `archive_file`, its execution role, and a
//! permission letting API Gateway invoke it. Checked against what the emulator holds
//! (GetFunction: runtime, handler, memory, variables, the code's SHA-256 equal to the archive's
//! base64sha256; GetPolicy: the statement), changed in place (memory, variables), a new source
//! file making a code update, a new name replacing the function, drift made through the SDK
//! found and put back, imported by name, destroyed; the same function applied by Terraform
//! then planned clean by infractl; bad runtimes and memory sizes refused before any call.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform, LAMBDA_ROLE_TF};
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use base64::Engine;
use sha2::Digest;

const REGION: &str = "us-east-1";

/// The role, function and permission; `code.tf` says where the zip comes from.
const FUNCTION: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "suffix" {
  type    = string
  default = "fn"
}

variable "memory" {
  type    = number
  default = 128
}

variable "greeting" {
  type    = string
  default = "hello"
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-${var.suffix}"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = local.zip_path
  source_code_hash = local.zip_hash
  memory_size      = var.memory
  timeout          = 10
  description      = "greets"

  environment {
    variables = {
      GREETING = var.greeting
    }
  }

  tags = {
    Team = "platform"
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/*"
}
"#;

/// The zip made by `archive_file` from a source file of the stack.
const ARCHIVED: &str = r#"
data "archive_file" "code" {
  type        = "zip"
  source_file = "${path.module}/src/index.py"
  output_path = "${path.module}/build/fn.zip"
}

locals {
  zip_path = data.archive_file.code.output_path
  zip_hash = data.archive_file.code.output_base64sha256
}
"#;

/// A zip already on disk (Terraform's mirror here has no archive provider).
const PREBUILT: &str = r#"
locals {
  zip_path = "${path.module}/fn.zip"
  zip_hash = filebase64sha256("${path.module}/fn.zip")
}
"#;

const SOURCE: &str = "def handler(event, context):\n    return 'v1'\n";

/// The base64 SHA-256 of a file, as `filebase64sha256` and Lambda's CodeSha256 write it.
fn base64sha256(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&bytes))
}

async fn function(l: &aws_sdk_lambda::Client, name: &str) -> Option<GetFunctionOutput> {
    match l.get_function().function_name(name).send().await {
        Ok(out) => Some(out),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetFunction {name}: {e:?}"),
    }
}

/// The function's resource policy as JSON.
async fn policy(l: &aws_sdk_lambda::Client, name: &str) -> serde_json::Value {
    let out = l.get_policy().function_name(name).send().await.unwrap();
    serde_json::from_str(out.policy().unwrap()).unwrap()
}

fn variables(f: &GetFunctionOutput) -> std::collections::HashMap<String, String> {
    f.configuration()
        .and_then(|c| c.environment())
        .and_then(|e| e.variables())
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zipped_function_with_its_role_and_permission_lives_its_whole_life() {
    let stack = Stack::from_files(&[
        ("main.tf", FUNCTION),
        ("role.tf", LAMBDA_ROLE_TF),
        ("code.tf", ARCHIVED),
        ("src/index.py", SOURCE),
    ]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-var", var.as_str()]);
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{name}-fn");
    let zip = stack.path.join("build/fn.zip");
    let hash = base64sha256(&zip);
    let made = function(&l, &fname).await.expect("the function");
    let conf = made.configuration().unwrap();
    assert_eq!(conf.runtime().map(|r| r.as_str()), Some("python3.12"));
    assert_eq!(conf.handler(), Some("index.handler"));
    assert_eq!(conf.memory_size(), Some(128));
    assert_eq!(conf.timeout(), Some(10));
    assert_eq!(conf.description(), Some("greets"));
    assert_eq!(
        conf.role(),
        Some(
            stack.flat_state()["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["address"] == "aws_iam_role.fn")
                .unwrap()["attributes"]["arn"]
                .as_str()
                .unwrap()
        )
    );
    assert_eq!(variables(&made).get("GREETING").map(String::as_str), Some("hello"));
    assert_eq!(conf.code_sha256(), Some(hash.as_str()), "the code is the archive's");
    assert_eq!(
        made.tags().and_then(|t| t.get("Team")).map(String::as_str),
        Some("platform")
    );
    assert_eq!(stack.state_id("aws_lambda_function.fn"), fname);
    let doc = policy(&l, &fname).await;
    let st = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "AllowApiGateway")
        .unwrap_or_else(|| panic!("no statement: {doc}"));
    assert_eq!(st["Action"], "lambda:InvokeFunction");
    assert_eq!(st["Principal"]["Service"], "apigateway.amazonaws.com");
    assert_eq!(
        st["Condition"]["ArnLike"]["AWS:SourceArn"],
        "arn:aws:execute-api:us-east-1:123456789012:abcdef123/*"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: memory and a variable, one UpdateFunctionConfiguration; the code stays.
    let changed = ["-var", "memory=256", "-var", "greeting=bonjour"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_function.fn will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let now = function(&l, &fname).await.unwrap();
    assert_eq!(now.configuration().unwrap().memory_size(), Some(256));
    assert_eq!(variables(&now).get("GREETING").map(String::as_str), Some("bonjour"));
    assert_eq!(now.configuration().unwrap().code_sha256(), Some(hash.as_str()));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // A new source file: a new archive hash, a code update in place.
    stack.edit("src/index.py", "'v1'", "'v2'");
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_function.fn will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("source_code_hash"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let new_hash = base64sha256(&zip);
    assert_ne!(new_hash, hash);
    let now = function(&l, &fname).await.unwrap();
    assert_eq!(now.configuration().unwrap().code_sha256(), Some(new_hash.as_str()));
    assert_eq!(
        now.configuration().unwrap().memory_size(),
        Some(256),
        "the code update kept the settings"
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift through the SDK: memory and variables changed by hand are found and put back.
    l.update_function_configuration()
        .function_name(&fname)
        .memory_size(512)
        .environment(
            aws_sdk_lambda::types::Environment::builder()
                .variables("GREETING", "edited by hand")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("512 -> 256"), "{shown}");
    assert!(
        shown.contains("~ \"GREETING\" = \"edited by hand\" -> \"bonjour\""),
        "{shown}"
    );
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let back = function(&l, &fname).await.unwrap();
    assert_eq!(back.configuration().unwrap().memory_size(), Some(256));
    assert_eq!(variables(&back).get("GREETING").map(String::as_str), Some("bonjour"));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // A new name replaces the function, and the permission with it (it names the function).
    let renamed = [&changed[..], &["-var", "suffix=greeter"]].concat();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &renamed].concat()), 2);
    assert!(shown.contains("aws_lambda_function.fn must be replaced"), "{shown}");
    assert!(shown.contains("aws_lambda_permission.api must be replaced"), "{shown}");
    assert!(shown.contains("2 to add, 0 to change, 2 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &renamed].concat()), 0);
    assert!(function(&l, &fname).await.is_none(), "the old function is gone");
    let gname = format!("{name}-greeter");
    let new = function(&l, &gname).await.expect("the renamed function");
    assert_eq!(new.configuration().unwrap().memory_size(), Some(256));
    assert_eq!(new.configuration().unwrap().code_sha256(), Some(new_hash.as_str()));
    let doc = policy(&l, &gname).await;
    assert!(
        doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["Sid"] == "AllowApiGateway"),
        "{doc}"
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &renamed].concat()), 0);

    // Imported by name (the permission by FUNCTION/STATEMENT), then a clean plan.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&renamed);
    stack.reimport_all(&vars);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &renamed].concat()), 0);
    assert!(function(&l, &gname).await.is_none(), "destroy left the function");
    let roles = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    assert!(roles.get_role().role_name(format!("{name}-role")).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the Lambda function blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[
        ("main.tf", FUNCTION),
        ("role.tf", LAMBDA_ROLE_TF),
        ("code.tf", PREBUILT),
    ]);
    write_zip(&stack.path.join("fn.zip"), SOURCE);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["lambda", "iam", "sts"], &["-var", &var]);
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{}-fn", stack.name);
    let made = function(&l, &fname).await.expect("Terraform's function");
    assert_eq!(
        made.configuration().unwrap().code_sha256(),
        Some(base64sha256(&stack.path.join("fn.zip")).as_str())
    );
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(function(&l, &fname).await.is_none());
}

/// A zip holding `index.py`.
fn write_zip(path: &std::path::Path, source: &str) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    z.start_file("index.py", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(source.as_bytes()).unwrap();
    z.finish().unwrap();
}

/// A runtime Lambda does not have and 64 MB of memory: refused by `validate` at their lines,
/// before any call (the endpoint is a closed port).
#[test]
fn a_bad_runtime_or_memory_size_is_refused_at_validate() {
    let body = |runtime: &str, memory: u32| {
        format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nresource \"aws_lambda_function\" \"fn\" {{\n  function_name = \"bad\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n  handler       = \"index.handler\"\n  runtime       = \"{runtime}\"\n  memory_size   = {memory}\n  filename      = \"fn.zip\"\n}}\n"
        )
    };
    let stack = Stack::from_files(&[("main.tf", &body("python2.0", 128))]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("runtime"), "{shown}");
    assert!(shown.contains("main.tf:9"), "{shown}");
    assert!(shown.contains("python3.12"), "the message lists the runtimes: {shown}");

    let stack = Stack::from_files(&[("main.tf", &body("python3.12", 64))]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("memory_size"), "{shown}");
    assert!(shown.contains("main.tf:10"), "{shown}");
    assert!(shown.contains("128"), "{shown}");

    let stack = Stack::from_files(&[("main.tf", &body("python3.12", 128))]);
    expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 0);
}

/// A function in a VPC with `replace_security_groups_on_destroy`: before it is deleted its VPC
/// configuration is given the replacement group. The delete is made to fail (the proxy answers
/// 503 to every DeleteFunction) so the function is still there to show which group it holds.
#[tokio::test(flavor = "multi_thread")]
async fn a_vpc_function_gets_its_replacement_groups_before_it_is_deleted() {
    let blueprint = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.41.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.41.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "parked" {
  name   = "${var.name}-parked"
  vpc_id = aws_vpc.main.id
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-fn"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")

  vpc_config {
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_security_group.app.id]
  }

  replace_security_groups_on_destroy = true
  replacement_security_group_ids     = [aws_security_group.parked.id]
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint), ("role.tf", LAMBDA_ROLE_TF)]);
    write_zip(&stack.path.join("fn.zip"), SOURCE);
    let var = format!("name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{}-fn", stack.name);
    let groups = |f: &GetFunctionOutput| -> Vec<String> {
        f.configuration()
            .and_then(|c| c.vpc_config())
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default()
    };
    let sg = |address: &str| stack.state_id(address);
    let made = function(&l, &fname).await.expect("the function");
    assert_eq!(groups(&made), [sg("aws_security_group.app")]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    let proxy = crate::support::CountingProxy::start_with(&["--fail-always", "lambda:DELETE /2015-03-31/functions/{}"]);
    let out = stack.run_with_endpoint(
        &[
            "destroy",
            "-auto-approve",
            "-target",
            "aws_lambda_function.fn",
            "-var",
            &var,
        ],
        &proxy.url,
    );
    assert_eq!(out.status.code(), Some(1), "the delete was meant to fail");
    let calls = proxy.calls();
    assert_eq!(
        calls.get("lambda:PUT /2015-03-31/functions/{}/configuration"),
        Some(&1),
        "{calls:?}"
    );
    let parked = function(&l, &fname).await.expect("the function whose delete failed");
    assert_eq!(groups(&parked), [sg("aws_security_group.parked")]);
    drop(proxy);

    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert!(function(&l, &fname).await.is_none());
}
