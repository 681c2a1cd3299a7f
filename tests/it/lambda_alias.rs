//! Lambda aliases: a `live` alias on a function that publishes a version per code change, as
//! the lambda module's alias examples write it. Checked against what the emulator holds
//! (GetAlias: version, description, routing weights): a new code version moves the alias in
//! place with a share of traffic left on the old version, the weights cleared, drift through
//! the SDK found and put back, a new name replacing the alias, imported by ARN and by
//! `FUNCTION/ALIAS`, read by the `aws_lambda_alias` data source from another stack, destroyed;
//! the same blueprint applied by Terraform then planned clean by infractl.

use crate::interop::{infractl_destroys_terraforms, terraform_applied};
use crate::support::{expect_code, sdk_config, write_zip, Stack, Terraform, LAMBDA_ROLE_TF};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "alias" {
  type    = string
  default = "live"
}

variable "description" {
  type    = string
  default = "what callers use"
}

variable "weights" {
  type    = map(number)
  default = {}
}

resource "aws_lambda_function" "fn" {
  function_name    = "${var.name}-fn"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
  publish          = true
}

resource "aws_lambda_alias" "live" {
  name             = var.alias
  description      = var.description
  function_name    = aws_lambda_function.fn.function_name
  function_version = aws_lambda_function.fn.version

  dynamic "routing_config" {
    for_each = length(var.weights) == 0 ? [] : [true]
    content {
      additional_version_weights = var.weights
    }
  }
}
"#;

/// A stack that only reads the alias of another one.
const READER: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "function" {
  type = string
}

data "aws_lambda_alias" "live" {
  function_name = var.function
  name          = "live"
}

output "arn" {
  value = data.aws_lambda_alias.live.arn
}

output "version" {
  value = data.aws_lambda_alias.live.function_version
}

output "invoke_arn" {
  value = data.aws_lambda_alias.live.invoke_arn
}

# The version the alias points at, and the function as a whole (its newest version).
data "aws_lambda_function" "current" {
  function_name = var.function
  qualifier     = data.aws_lambda_alias.live.function_version
}

data "aws_lambda_function" "newest" {
  function_name = var.function
}

output "function" {
  value = {
    arn           = data.aws_lambda_function.current.arn
    qualified_arn = data.aws_lambda_function.current.qualified_arn
    version       = data.aws_lambda_function.current.version
    handler       = data.aws_lambda_function.current.handler
    runtime       = data.aws_lambda_function.current.runtime
    code_sha256   = data.aws_lambda_function.current.code_sha256
    hash          = data.aws_lambda_function.current.source_code_hash
    newest        = data.aws_lambda_function.newest.version
    newest_arn    = data.aws_lambda_function.newest.qualified_arn
  }
}
"#;

/// Writes the function's zip with code returning `n`.
fn write_code(stack: &Stack, n: u32) {
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        &format!("def handler(e, c):\n    return {n}\n"),
    );
}

fn stack() -> Stack {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT), ("role.tf", LAMBDA_ROLE_TF)]);
    write_code(&stack, 1);
    stack
}

/// The alias as the emulator holds it: version, description and weights; `None` when absent.
async fn held(l: &aws_sdk_lambda::Client, function: &str, name: &str) -> Option<(String, String, Vec<(String, f64)>)> {
    match l.get_alias().function_name(function).name(name).send().await {
        Ok(a) => {
            let mut weights: Vec<(String, f64)> = a
                .routing_config()
                .and_then(|r| r.additional_version_weights())
                .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default();
            weights.sort_by(|a, b| a.0.cmp(&b.0));
            Some((
                a.function_version().unwrap_or_default().to_string(),
                a.description().unwrap_or_default().to_string(),
                weights,
            ))
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetAlias {function}/{name}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alias_follows_published_versions_and_lives_its_whole_life() {
    let stack = stack();
    let name = stack.name.clone();
    let fname = format!("{name}-fn");
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    assert_eq!(
        held(&l, &fname, "live").await,
        Some(("1".into(), "what callers use".into(), vec![]))
    );
    let arn = stack.state_id("aws_lambda_alias.live");
    assert!(arn.ends_with(&format!(":function:{fname}:live")), "{arn}");
    let state = stack.flat_state();
    let alias = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_lambda_alias.live")
        .unwrap()["attributes"]
        .clone();
    assert_eq!(alias["arn"], arn.as_str());
    assert_eq!(
        alias["invoke_arn"],
        format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations").as_str()
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // New code publishes version 2; the alias moves to it in place, leaving a quarter of the
    // traffic on version 1.
    write_code(&stack, 2);
    let weighted = ["-var", "weights={\"1\" = 0.25}"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &weighted].concat()), 2);
    assert!(
        shown.contains("aws_lambda_alias.live will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &weighted].concat()), 0);
    assert_eq!(
        held(&l, &fname, "live").await,
        Some(("2".into(), "what callers use".into(), vec![("1".into(), 0.25)]))
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &weighted].concat()), 0);

    // The weights cleared: the whole traffic on version 2.
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("routing_config"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        held(&l, &fname, "live").await,
        Some(("2".into(), "what callers use".into(), vec![]))
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: moved back to version 1 by hand, found and put back.
    l.update_alias()
        .function_name(&fname)
        .name("live")
        .function_version("1")
        .description("by hand")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("function_version"), "{shown}");
    assert!(shown.contains("\"by hand\" -> \"what callers use\""), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        held(&l, &fname, "live").await,
        Some(("2".into(), "what callers use".into(), vec![]))
    );

    // Another stack reads the alias with the data source.
    let reader = Stack::from_files(&[("main.tf", READER)]);
    let fvar = format!("function={fname}");
    expect_code(&reader.run(&["apply", "-auto-approve", "-var", &fvar]), 0);
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&reader.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["arn"]["value"], arn.as_str());
    assert_eq!(outputs["version"]["value"], "2");
    assert_eq!(outputs["invoke_arn"]["value"], alias["invoke_arn"]);
    // The function data source reads the version the alias points at, and the newest one.
    let f = &outputs["function"]["value"];
    let function_arn = stack.state_str("aws_lambda_function.fn", "arn");
    assert_eq!(f["arn"], function_arn.as_str(), "{f}");
    assert_eq!(f["qualified_arn"], format!("{function_arn}:2").as_str(), "{f}");
    assert_eq!(f["version"], "2", "{f}");
    assert_eq!(
        (&f["handler"], &f["runtime"]),
        (&"index.handler".into(), &"python3.12".into())
    );
    let code = l
        .get_function()
        .function_name(&fname)
        .qualifier("2")
        .send()
        .await
        .unwrap();
    let sha = code.configuration().unwrap().code_sha256().unwrap();
    assert_eq!((&f["code_sha256"], &f["hash"]), (&sha.into(), &sha.into()), "{f}");
    let newest = stack.state_str("aws_lambda_function.fn", "version");
    assert_eq!(f["newest"], newest.as_str(), "{f}");
    assert_eq!(f["newest_arn"], format!("{function_arn}:{newest}").as_str(), "{f}");
    let missing = expect_code(&reader.run(&["plan", "-var", &format!("function={name}-nothing")]), 1);
    // Reads of a function that is not there stop the plan, naming the read that failed.
    assert!(
        missing.contains("data.aws_lambda_alias.live") || missing.contains("data.aws_lambda_function.newest"),
        "{missing}"
    );

    // Imported by ARN (all resources), then by FUNCTION/ALIAS: clean plans.
    stack.reimport_all_but(&[], &["-var", var.as_str()]);
    assert_eq!(stack.state_id("aws_lambda_alias.live"), arn);
    expect_code(&stack.run(&["state", "rm", "aws_lambda_alias.live"]), 0);
    expect_code(&run(&["import", "aws_lambda_alias.live", &format!("{fname}/live")]), 0);
    assert_eq!(stack.state_id("aws_lambda_alias.live"), arn);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new name replaces the alias.
    let renamed = ["-var", "alias=prod"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &renamed].concat()), 2);
    assert!(shown.contains("aws_lambda_alias.live must be replaced"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &renamed].concat()), 0);
    assert!(held(&l, &fname, "live").await.is_none(), "the old alias is deleted");
    // The function's current version (an import that cannot read back `filename` updates the
    // function in place, which publishes one more version, as Terraform's import does).
    let version = stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_lambda_function.fn")
        .unwrap()["attributes"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(held(&l, &fname, "prod").await.map(|a| a.0), Some(version));

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &renamed].concat()), 0);
    assert!(l.get_function().function_name(&fname).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_alias_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the alias blueprint applied by Terraform") else {
        return;
    };
    let stack = stack();
    let var = format!("name={}", stack.name);
    let vars = ["-var", var.as_str(), "-var", "weights={\"1\" = 0.5}"];
    // Version 1 exists before the alias weights can point at it: the first apply has none.
    let terraform = terraform_applied(&tf, &stack, &["lambda", "iam", "sts"], &["-var", &var]);
    write_code(&stack, 2);
    terraform(&[&["apply", "-auto-approve"][..], &vars].concat());
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{}-fn", stack.name);
    assert_eq!(
        held(&l, &fname, "live").await,
        Some(("2".into(), "what callers use".into(), vec![("1".into(), 0.5)]))
    );
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 0);
    assert!(shown.contains("No changes"), "{shown}");
    assert!(!stack.state_file().exists(), "infractl wrote a state of its own");
    infractl_destroys_terraforms(&stack, &vars);
    assert!(held(&l, &fname, "live").await.is_none());
}
