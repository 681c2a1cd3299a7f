//! `data "aws_iam_session_context"`, as the opensearch module's `complete` example reads it
//! (`arn = data.aws_caller_identity.current.arn`): for the caller, with plain credentials (its
//! own issuer) and with a role session's (the role behind it, found with GetRole: ARN with its
//! path, id, name, session); for an assumed-role ARN built from a role of the blueprint with a
//! path (read at apply, once the role exists). Each value checked against what the emulator
//! holds (GetRole, GetCallerIdentity) and against what Terraform's data source gives on the same
//! emulator with the same credentials (`terraform output -json`).

use crate::interop::{infractl_destroys_terraforms, provider_override_for, terraform_applied, tf_ok};
use crate::support::{endpoint, expect_code, sdk_config, Stack, Terraform};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

data "aws_caller_identity" "current" {}

data "aws_iam_session_context" "caller" {
  arn = data.aws_caller_identity.current.arn
}

resource "aws_iam_role" "deployer" {
  name = "${var.name}-deployer"
  path = "/ci/deployers/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

data "aws_iam_session_context" "assumed" {
  arn = "arn:aws:sts::${data.aws_caller_identity.current.account_id}:assumed-role/${aws_iam_role.deployer.name}/${var.name}-run"
}

output "caller" {
  value = {
    arn          = data.aws_iam_session_context.caller.arn
    issuer_arn   = data.aws_iam_session_context.caller.issuer_arn
    issuer_id    = data.aws_iam_session_context.caller.issuer_id
    issuer_name  = data.aws_iam_session_context.caller.issuer_name
    session_name = data.aws_iam_session_context.caller.session_name
  }
}

output "assumed" {
  value = {
    arn          = data.aws_iam_session_context.assumed.arn
    issuer_arn   = data.aws_iam_session_context.assumed.issuer_arn
    issuer_id    = data.aws_iam_session_context.assumed.issuer_id
    issuer_name  = data.aws_iam_session_context.assumed.issuer_name
    session_name = data.aws_iam_session_context.assumed.session_name
  }
}
"#;

/// The five values of one read, as the outputs give them.
fn context(arn: &str, issuer_arn: &str, issuer_id: &str, issuer_name: &str, session: &str) -> serde_json::Value {
    serde_json::json!({
        "arn": arn,
        "issuer_arn": issuer_arn,
        "issuer_id": issuer_id,
        "issuer_name": issuer_name,
        "session_name": session,
    })
}

/// The values of `outputs` (`output -json`), by name.
fn values(text: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    serde_json::json!({ "caller": doc["caller"]["value"], "assumed": doc["assumed"]["value"] })
}

/// Credentials of a session of `role_arn` named `session`.
async fn assume(role_arn: &str, session: &str) -> (String, String, String) {
    let sts = aws_sdk_sts::Client::new(&sdk_config(REGION).await);
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(session)
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    (
        c.access_key_id().to_string(),
        c.secret_access_key().to_string(),
        c.session_token().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn session_context_finds_the_role_behind_a_session() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let ours = values(&expect_code(&stack.run(&["output", "-json"]), 0));

    let conf = sdk_config(REGION).await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let role = iam
        .get_role()
        .role_name(format!("{name}-deployer"))
        .send()
        .await
        .unwrap();
    let role = role.role().unwrap();
    assert!(role.arn().contains(":role/ci/deployers/"), "{}", role.arn());
    let me = aws_sdk_sts::Client::new(&conf)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let caller = me.arn().unwrap();
    let account = me.account().unwrap();
    // Plain credentials: the caller is its own issuer.
    assert_eq!(ours["caller"], context(caller, caller, "", "", ""));
    // A session of the role: the role with its path, found by the name in the session's ARN.
    let session_arn = format!("arn:aws:sts::{account}:assumed-role/{name}-deployer/{name}-run");
    assert_eq!(
        ours["assumed"],
        context(
            &session_arn,
            role.arn(),
            role.role_id(),
            &format!("{name}-deployer"),
            &format!("{name}-run")
        )
    );
    // The blueprint's ARN is the one STS gives a session of that role.
    let sts = aws_sdk_sts::Client::new(&conf);
    let session = sts
        .assume_role()
        .role_arn(role.arn())
        .role_session_name(format!("{name}-run"))
        .send()
        .await
        .unwrap();
    assert_eq!(session.assumed_role_user().unwrap().arn(), session_arn);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    // Running as a session of the role: the caller's issuer is the role.
    let (key, secret, token) = assume(role.arn(), "pipeline").await;
    let creds = [
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_SESSION_TOKEN", token.as_str()),
    ];
    let e = endpoint();
    expect_code(
        &stack.run_with_env(&["apply", "-auto-approve", "-var", &var], &e, &creds),
        0,
    );
    let as_role = values(&expect_code(&stack.run(&["output", "-json"]), 0));
    let pipeline_arn = format!("arn:aws:sts::{account}:assumed-role/{name}-deployer/pipeline");
    assert_eq!(
        as_role["caller"],
        context(
            &pipeline_arn,
            role.arn(),
            role.role_id(),
            &format!("{name}-deployer"),
            "pipeline"
        )
    );

    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
    assert!(iam
        .get_role()
        .role_name(format!("{name}-deployer"))
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn session_context_reads_as_terraforms_does() {
    let Some(tf) = Terraform::find("aws_iam_session_context compared with Terraform's") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let terraform = terraform_applied(&tf, &stack, &["iam", "sts"], &["-var", &var]);
    let theirs = values(&tf_ok(&tf, &stack.path, &["output", "-json", "-no-color"]));
    assert_ne!(theirs["assumed"]["issuer_id"], "", "{theirs}");
    // infractl on Terraform's state: nothing to change, and its own reads give the same values.
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);
    assert!(shown.contains("No changes"), "{shown}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    assert!(!stack.state_file().exists(), "infractl wrote a state of its own");
    let ours = values(&expect_code(&stack.run(&["output", "-json"]), 0));
    assert_eq!(ours, theirs);

    // Both as a session of the role.
    let role_arn = theirs["assumed"]["issuer_arn"].as_str().unwrap().to_string();
    let (key, secret, token) = assume(&role_arn, "pipeline").await;
    let session_override = provider_override_for(&["iam", "sts"])
        .replace(
            "access_key                  = \"test\"",
            &format!("access_key = \"{key}\"\n  token = \"{token}\""),
        )
        .replace(
            "secret_key                  = \"test\"",
            &format!("secret_key = \"{secret}\""),
        );
    assert!(session_override.contains(&token));
    std::fs::write(stack.path.join("zz_emulator_override.tf"), session_override).unwrap();
    terraform(&["apply", "-auto-approve", "-var", &var]);
    let theirs = values(&tf_ok(&tf, &stack.path, &["output", "-json", "-no-color"]));
    assert_eq!(theirs["caller"]["issuer_arn"], role_arn.as_str());
    assert_eq!(theirs["caller"]["session_name"], "pipeline");
    let creds = [
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_SESSION_TOKEN", token.as_str()),
    ];
    // The override's credentials are Terraform's only: infractl takes its own from the
    // environment, as the run_with_env gives them.
    expect_code(
        &stack.run_with_env(&["apply", "-auto-approve", "-var", &var], &endpoint(), &creds),
        0,
    );
    let ours = values(&expect_code(&stack.run(&["output", "-json"]), 0));
    assert_eq!(ours, theirs);

    std::fs::write(
        stack.path.join("zz_emulator_override.tf"),
        provider_override_for(&["iam", "sts"]),
    )
    .unwrap();
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}
