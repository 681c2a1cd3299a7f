//! A Lambda layer version and a function's asynchronous-invocation settings: a function using a
//! layer published from a local zip, with its failures sent to an SQS queue and its successes
//! to an SNS topic. Checked against what the emulator holds (GetLayerVersion, the function's
//! Layers, GetFunctionEventInvokeConfig), the settings changed in place, a new layer archive
//! publishing a new version (the old one deleted, the function moved to the new one in place),
//! drift through the SDK found and put back, imported, destroyed (no layer version, no config
//! left); the same blueprint applied by Terraform then planned clean by infractl; bad values
//! refused at `validate`.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, write_zip, Stack, Terraform, LAMBDA_ROLE_TF};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "retries" {
  type    = number
  default = 1
}

variable "max_age" {
  type    = number
  default = 3600
}

resource "aws_sqs_queue" "failures" {
  name = "${var.name}-failures"
}

resource "aws_sns_topic" "successes" {
  name = "${var.name}-successes"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name               = "${var.name}-deps"
  filename                 = "${path.module}/layer.zip"
  source_code_hash         = filebase64sha256("${path.module}/layer.zip")
  compatible_runtimes      = ["python3.12", "python3.11"]
  compatible_architectures = ["x86_64"]
  description              = "shared libraries"
  license_info             = "MIT"
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-fn"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
  layers           = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_function_event_invoke_config" "fn" {
  function_name                = aws_lambda_function.fn.function_name
  maximum_retry_attempts       = var.retries
  maximum_event_age_in_seconds = var.max_age

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
    on_success {
      destination = aws_sns_topic.successes.arn
    }
  }
}
"#;

/// The stack with its function zip and a layer zip of `version`.
fn stack(version: &str) -> Stack {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT), ("role.tf", LAMBDA_ROLE_TF)]);
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(e, c):\n    return 1\n",
    );
    write_zip(&stack.path.join("layer.zip"), "python/deps.py", version);
    stack
}

/// The layer versions Lambda lists for `name`.
async fn versions(l: &aws_sdk_lambda::Client, name: &str) -> Vec<i64> {
    l.list_layer_versions()
        .layer_name(name)
        .send()
        .await
        .unwrap()
        .layer_versions()
        .iter()
        .map(|v| v.version())
        .collect()
}

async fn invoke_config(
    l: &aws_sdk_lambda::Client,
    function: &str,
) -> Option<aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput> {
    match l
        .get_function_event_invoke_config()
        .function_name(function)
        .send()
        .await
    {
        Ok(out) => Some(out),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetFunctionEventInvokeConfig {function}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_layer_and_async_invoke_settings_live_their_whole_life() {
    let stack = stack("VERSION = 1\n");
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let layer = format!("{name}-deps");
    let fname = format!("{name}-fn");
    let first_arn = stack.state_str("aws_lambda_layer_version.deps", "arn");
    assert_eq!(stack.state_id("aws_lambda_layer_version.deps"), first_arn);
    let (layer_name, version) = {
        let parts: Vec<&str> = first_arn.rsplitn(3, ':').collect();
        (parts[1].to_string(), parts[0].parse::<i64>().unwrap())
    };
    assert_eq!(layer_name, layer);
    let got = l
        .get_layer_version()
        .layer_name(&layer)
        .version_number(version)
        .send()
        .await
        .unwrap();
    let mut runtimes: Vec<&str> = got.compatible_runtimes().iter().map(|r| r.as_str()).collect();
    runtimes.sort();
    assert_eq!(runtimes, ["python3.11", "python3.12"]);
    assert_eq!(got.description(), Some("shared libraries"));
    assert_eq!(got.license_info(), Some("MIT"));
    let f = l.get_function().function_name(&fname).send().await.unwrap();
    let layers: Vec<&str> = f
        .configuration()
        .unwrap()
        .layers()
        .iter()
        .filter_map(|x| x.arn())
        .collect();
    assert_eq!(layers, [first_arn.as_str()]);
    let config = invoke_config(&l, &fname).await.expect("the invoke config");
    assert_eq!(config.maximum_retry_attempts(), Some(1));
    assert_eq!(config.maximum_event_age_in_seconds(), Some(3600));
    let dest = config.destination_config().unwrap();
    assert_eq!(
        dest.on_failure().and_then(|d| d.destination()),
        Some(stack.state_str("aws_sqs_queue.failures", "arn").as_str())
    );
    assert_eq!(
        dest.on_success().and_then(|d| d.destination()),
        Some(stack.state_str("aws_sns_topic.successes", "arn").as_str())
    );
    assert_eq!(stack.state_id("aws_lambda_function_event_invoke_config.fn"), fname);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Retries and age change in place: one PutFunctionEventInvokeConfig.
    let changed = ["-var", "retries=0", "-var", "max_age=120"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_function_event_invoke_config.fn will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let config = invoke_config(&l, &fname).await.unwrap();
    assert_eq!(config.maximum_retry_attempts(), Some(0));
    assert_eq!(config.maximum_event_age_in_seconds(), Some(120));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: retries set by hand are found and put back.
    l.put_function_event_invoke_config()
        .function_name(&fname)
        .maximum_retry_attempts(2)
        .maximum_event_age_in_seconds(120)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("maximum_retry_attempts"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let config = invoke_config(&l, &fname).await.unwrap();
    assert_eq!(config.maximum_retry_attempts(), Some(0));
    assert!(config
        .destination_config()
        .and_then(|d| d.on_failure())
        .and_then(|d| d.destination())
        .is_some());

    // A new layer archive: a new version replaces the old one, the function follows in place.
    write_zip(&stack.path.join("layer.zip"), "python/deps.py", "VERSION = 2\n");
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_layer_version.deps must be replaced"),
        "{shown}"
    );
    assert!(
        shown.contains("aws_lambda_function.fn will be updated in-place"),
        "{shown}"
    );
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let second_arn = stack.state_str("aws_lambda_layer_version.deps", "arn");
    assert_ne!(second_arn, first_arn);
    assert_eq!(versions(&l, &layer).await.len(), 1, "the old version is deleted");
    let f = l.get_function().function_name(&fname).send().await.unwrap();
    assert_eq!(f.configuration().unwrap().layers()[0].arn(), Some(second_arn.as_str()));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Imported (the invoke config by function name), then a clean plan. The layer version is
    // left out: Lambda does not say which file or hash it was published from, and both force a
    // new version, so an imported one would be replaced, as it is by Terraform.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&changed);
    stack.reimport_all_but(&["aws_lambda_layer_version"], &vars);
    // Its import by ARN still records what Lambda reports.
    let arn = stack.state_str("aws_lambda_layer_version.deps", "arn");
    let sha = stack.state_str("aws_lambda_layer_version.deps", "code_sha256");
    expect_code(&stack.run(&["state", "rm", "aws_lambda_layer_version.deps"]), 0);
    expect_code(
        &stack.run(&[&["import", "aws_lambda_layer_version.deps", arn.as_str()][..], &vars].concat()),
        0,
    );
    assert_eq!(stack.state_id("aws_lambda_layer_version.deps"), arn);
    assert_eq!(stack.state_str("aws_lambda_layer_version.deps", "code_sha256"), sha);
    assert_eq!(stack.state_str("aws_lambda_layer_version.deps", "layer_name"), layer);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(versions(&l, &layer).await.is_empty(), "destroy left a layer version");
    assert!(l.get_function().function_name(&fname).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stack_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the layer and invoke config blueprint applied by Terraform") else {
        return;
    };
    let stack = stack("VERSION = 1\n");
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["lambda", "iam", "sts", "sqs", "sns"], &["-var", &var]);
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{}-fn", stack.name);
    assert!(invoke_config(&l, &fname).await.is_some());
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(versions(&l, &format!("{}-deps", stack.name)).await.is_empty());
}

/// Three retries, a ten-second event age and an unknown runtime: refused by `validate` at their
/// lines, before any call (the endpoint is a closed port).
#[test]
fn out_of_range_settings_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_lambda_function_event_invoke_config\" \"c\" {\n  function_name                = \"f\"\n  maximum_retry_attempts       = 3\n  maximum_event_age_in_seconds = 10\n}\n\nresource \"aws_lambda_layer_version\" \"l\" {\n  layer_name          = \"deps\"\n  filename            = \"layer.zip\"\n  compatible_runtimes = [\"cobol85\"]\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("maximum_retry_attempts"), "{shown}");
    assert!(shown.contains("main.tf:8"), "{shown}");
    assert!(shown.contains("main.tf:14"), "{shown}");
    assert!(shown.contains("cobol85"), "{shown}");
}
