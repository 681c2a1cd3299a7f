//! Lambda function URLs: a webhook endpoint without API Gateway, public (`NONE`) with CORS, as
//! seed 004's github-webhook entry point would be. Checked against what the emulator holds
//! (GetFunctionUrlConfig, and the public invoke permission in GetPolicy): auth type, CORS and
//! invoke mode changed in place, CORS changed behind infractl's back found and put back,
//! imported, destroyed; the same blueprint applied by Terraform then planned clean by infractl;
//! an unknown auth type and a CORS max age over a day refused at `validate`, as Terraform does.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, text, write_zip, Stack, Terraform, LAMBDA_ROLE_TF};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "auth" {
  type    = string
  default = "NONE"
}

variable "origins" {
  type    = list(string)
  default = ["https://github.com"]
}

variable "mode" {
  type    = string
  default = "BUFFERED"
}

resource "aws_lambda_function" "hook" {
  function_name    = "${var.name}-hook"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
}

resource "aws_lambda_function_url" "hook" {
  function_name      = aws_lambda_function.hook.function_name
  authorization_type = var.auth
  invoke_mode        = var.mode

  cors {
    allow_origins  = var.origins
    allow_methods  = ["POST"]
    allow_headers  = ["content-type", "x-hub-signature-256"]
    max_age        = 300
  }
}

output "url" {
  value = aws_lambda_function_url.hook.function_url
}
"#;

fn stack() -> Stack {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT), ("role.tf", LAMBDA_ROLE_TF)]);
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(e, c):\n    return {'statusCode': 200}\n",
    );
    stack
}

/// The URL as the emulator holds it: auth type, sorted CORS origins, invoke mode and URL;
/// `None` when the function has none.
async fn held(l: &aws_sdk_lambda::Client, function: &str) -> Option<(String, Vec<String>, String, String)> {
    match l.get_function_url_config().function_name(function).send().await {
        Ok(u) => {
            let mut origins = u.cors().map(|c| c.allow_origins().to_vec()).unwrap_or_default();
            origins.sort();
            Some((
                u.auth_type().as_str().to_string(),
                origins,
                u.invoke_mode().map(|m| m.as_str().to_string()).unwrap_or_default(),
                u.function_url().to_string(),
            ))
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetFunctionUrlConfig {function}: {e:?}"),
    }
}

/// The statement ids of the function's resource policy.
async fn statements(l: &aws_sdk_lambda::Client, function: &str) -> Vec<String> {
    let Ok(out) = l.get_policy().function_name(function).send().await else {
        return Vec::new();
    };
    let policy: serde_json::Value = serde_json::from_str(out.policy().unwrap_or("{}")).unwrap();
    policy["Statement"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["Sid"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_webhook_url_lives_its_whole_life() {
    let stack = stack();
    let name = stack.name.clone();
    let fname = format!("{name}-hook");
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let (auth, origins, mode, url) = held(&l, &fname).await.expect("the function URL");
    assert_eq!(
        (auth.as_str(), origins, mode.as_str()),
        ("NONE", vec!["https://github.com".to_string()], "BUFFERED")
    );
    assert!(
        url.starts_with("https://") && url.ends_with(".lambda-url.us-east-1.on.aws/"),
        "{url}"
    );
    assert!(
        statements(&l, &fname)
            .await
            .contains(&"FunctionURLAllowPublicAccess".to_string()),
        "a NONE URL gets the public invoke permission"
    );
    assert_eq!(stack.state_id("aws_lambda_function_url.hook"), fname);
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["url"]["value"], url.as_str());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // IAM auth, another origin and response streaming: in place, the same URL.
    let changed = [
        "-var",
        "auth=AWS_IAM",
        "-var",
        "origins=[\"https://example.com\"]",
        "-var",
        "mode=RESPONSE_STREAM",
    ];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("aws_lambda_function_url.hook will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(
        held(&l, &fname).await,
        Some((
            "AWS_IAM".into(),
            vec!["https://example.com".into()],
            "RESPONSE_STREAM".into(),
            url.clone()
        ))
    );
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: CORS opened to everyone by hand, found and put back.
    l.update_function_url_config()
        .function_name(&fname)
        .cors(aws_sdk_lambda::types::Cors::builder().allow_origins("*").build())
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("cors"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(
        held(&l, &fname).await.map(|h| h.1),
        Some(vec!["https://example.com".to_string()])
    );

    // Imported with everything else, then a clean plan.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&changed);
    stack.reimport_all_but(&[], &vars);
    assert_eq!(stack.state_id("aws_lambda_function_url.hook"), fname);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert!(l.get_function().function_name(&fname).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_url_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the function URL blueprint applied by Terraform") else {
        return;
    };
    let stack = stack();
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["lambda", "iam", "sts"], &["-var", &var]);
    let l = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let fname = format!("{}-hook", stack.name);
    assert_eq!(held(&l, &fname).await.map(|h| h.0), Some("NONE".to_string()));
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(held(&l, &fname).await.is_none());
}

/// An auth type Lambda does not have and a CORS max age over a day: refused by `validate` at
/// their lines before any call (the endpoint is a closed port), and by `terraform validate`.
#[test]
fn an_unknown_auth_type_and_a_long_max_age_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_lambda_function_url\" \"u\" {\n  function_name      = \"hook\"\n  authorization_type = \"PUBLIC\"\n\n  cors {\n    max_age = 100000\n  }\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:7") && shown.contains("PUBLIC"), "{shown}");
    assert!(shown.contains("main.tf:10") && shown.contains("max_age"), "{shown}");
    if let Some(tf) = Terraform::init("the bad function URL values") {
        std::fs::write(tf.work().join("main.tf"), body).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        let said = text(&out);
        assert!(!out.status.success(), "terraform accepted them:\n{said}");
        assert!(said.contains("line 7") && said.contains("line 10"), "{said}");
    }
}
