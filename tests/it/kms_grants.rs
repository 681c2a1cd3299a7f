//! KMS grants: a key, a role allowed to encrypt and decrypt with it under an encryption
//! context, and a second grant to a service principal that is retired (not revoked) on
//! destroy. Checked against what the emulator lists (ListGrants), replaced when its
//! operations change (every argument forces a new grant, as the provider declares), imported
//! by `KEY_ID:GRANT_ID`, destroyed (no grant left on the key); the same blueprint applied by
//! Terraform then planned clean by infractl; an unknown operation refused at `validate`.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};
use aws_sdk_kms::types::GrantListEntry;

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "operations" {
  type    = list(string)
  default = ["Encrypt", "Decrypt"]
}

resource "aws_kms_key" "data" {
  description             = "${var.name} data"
  deletion_window_in_days = 7
}

resource "aws_iam_role" "app" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_kms_grant" "app" {
  name               = "${var.name}-app"
  key_id             = aws_kms_key.data.key_id
  grantee_principal  = aws_iam_role.app.arn
  retiring_principal = aws_iam_role.app.arn
  operations         = var.operations

  constraints {
    encryption_context_equals = {
      Department = "Finance"
    }
  }
}

resource "aws_kms_grant" "logs" {
  key_id            = aws_kms_key.data.arn
  grantee_principal = "logs.us-east-1.amazonaws.com"
  operations        = ["GenerateDataKey", "Decrypt"]
  retire_on_delete  = true
}
"#;

/// The grants the emulator lists for a key.
async fn grants(kms: &aws_sdk_kms::Client, key: &str) -> Vec<GrantListEntry> {
    kms.list_grants().key_id(key).send().await.unwrap().grants().to_vec()
}

fn sorted_ops(g: &GrantListEntry) -> Vec<String> {
    let mut ops: Vec<String> = g.operations().iter().map(|o| o.as_str().to_string()).collect();
    ops.sort();
    ops
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["-var", var.as_str()]);
        stack.run(&args)
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let kms = aws_sdk_kms::Client::new(&sdk_config(REGION).await);
    let key = stack.state_id("aws_kms_key.data");
    let role = stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_iam_role.app")
        .unwrap()["attributes"]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let live = grants(&kms, &key).await;
    assert_eq!(live.len(), 2, "{live:?}");
    let app = live
        .iter()
        .find(|g| g.name() == Some(format!("{name}-app").as_str()))
        .expect("the app grant");
    assert_eq!(app.grantee_principal(), Some(role.as_str()));
    assert_eq!(app.retiring_principal(), Some(role.as_str()));
    assert_eq!(sorted_ops(app), ["Decrypt", "Encrypt"]);
    let equals = app.constraints().and_then(|c| c.encryption_context_equals()).unwrap();
    assert_eq!(equals.get("Department").map(String::as_str), Some("Finance"));
    let grant_id = app.grant_id().unwrap().to_string();
    assert_eq!(stack.state_id("aws_kms_grant.app"), format!("{key}:{grant_id}"));
    let logs = live
        .iter()
        .find(|g| g.grantee_principal() == Some("logs.us-east-1.amazonaws.com"))
        .expect("the logs grant");
    assert_eq!(sorted_ops(logs), ["Decrypt", "GenerateDataKey"]);
    // The token is a secret: state keeps its digest only.
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    let app_state = &stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_kms_grant.app")
        .unwrap()["attributes"]
        .clone();
    assert!(
        app_state["grant_token"].as_str().unwrap().starts_with("sha256:"),
        "{app_state}"
    );
    assert_eq!(app_state["grant_id"], grant_id.as_str());
    assert!(state.contains("grant_token"));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Operations force a new grant: the old one revoked, a new one listed.
    let changed = ["-var", "operations=[\"Encrypt\",\"Decrypt\",\"DescribeKey\"]"];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("aws_kms_grant.app must be replaced"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let live = grants(&kms, &key).await;
    assert_eq!(live.len(), 2, "{live:?}");
    assert!(live.iter().all(|g| g.grant_id() != Some(grant_id.as_str())), "{live:?}");
    let app = live
        .iter()
        .find(|g| g.name() == Some(format!("{name}-app").as_str()))
        .unwrap();
    assert_eq!(sorted_ops(app), ["Decrypt", "DescribeKey", "Encrypt"]);
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // A grant revoked behind infractl's back is planned again.
    let new_id = app.grant_id().unwrap().to_string();
    kms.revoke_grant().key_id(&key).grant_id(&new_id).send().await.unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("aws_kms_grant.app will be created"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(grants(&kms, &key).await.len(), 2);

    // Imported by KEY_ID:GRANT_ID. The provider reads neither the key's deletion window nor
    // a grant's `retire_on_delete` back (AWS does not report them), so as in Terraform 5.100
    // on the same emulator, the key is updated in place and the grant that retires on delete
    // is replaced; the grant that revokes (the default) plans clean.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&changed);
    stack.reimport_all_but(&["aws_kms_grant"], &vars);
    let grant_id_of = |address: &str| stack.state_id(address);
    for address in ["aws_kms_grant.app", "aws_kms_grant.logs"] {
        let id = grant_id_of(address);
        expect_code(&stack.run(&["state", "rm", address]), 0);
        expect_code(&stack.run(&[&["import", address, id.as_str()][..], &vars].concat()), 0);
        assert_eq!(stack.state_id(address), id);
    }
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &vars].concat()), 2);
    assert!(shown.contains("aws_kms_grant.logs must be replaced"), "{shown}");
    assert!(shown.contains("retire_on_delete"), "{shown}");
    assert!(!shown.contains("aws_kms_grant.app"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(grants(&kms, &key).await.len(), 0, "grants left on the key");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the KMS grant blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["kms", "sts", "iam"], &["-var", &var]);
    let kms = aws_sdk_kms::Client::new(&sdk_config(REGION).await);
    let tf_state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap()).unwrap();
    let key = tf_state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_kms_key")
        .unwrap()["instances"][0]["attributes"]["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(grants(&kms, &key).await.len(), 2);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert_eq!(grants(&kms, &key).await.len(), 0);
}

/// An operation KMS does not have is refused by `validate` at its line, before any call.
#[test]
fn an_unknown_operation_is_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_kms_grant\" \"bad\" {\n  key_id            = \"1234abcd-12ab-34cd-56ef-1234567890ab\"\n  grantee_principal = \"arn:aws:iam::123456789012:role/app\"\n  operations        = [\"Encrypt\", \"Destroy\"]\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:8"), "{shown}");
    assert!(shown.contains("operations"), "{shown}");
    assert!(shown.contains("Destroy"), "{shown}");
    let both = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_kms_grant\" \"bad\" {\n  key_id            = \"1234abcd-12ab-34cd-56ef-1234567890ab\"\n  grantee_principal = \"someone\"\n  operations        = [\"Encrypt\"]\n}\n";
    let stack = Stack::from_files(&[("main.tf", both)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("grantee_principal"), "{shown}");
}
