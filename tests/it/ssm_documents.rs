//! SSM documents (`aws_ssm_document`): a Command document written in JSON with parameters,
//! shared with two accounts and tagged, checked against what the emulator holds (the status,
//! type, parameters and content of the default version, the accounts, the tags); a second plan
//! clean and an import that plans clean; new content and one account fewer changed in place as
//! a new default version, the versions and hash planned unknown; content and sharing changed
//! behind infractl's back found and put back (the version holding the blueprint's content made
//! the default again); destroy unshares and deletes. The same blueprint applied by Terraform
//! plans clean in infractl and the other way round; bad values refused by both tools' `validate`.

use crate::interop::cross_check;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack};
use aws_sdk_ssm::types::{DocumentPermissionType, ResourceTypeForTagging};

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
variable "greeting" {
  type    = string
  default = "hello"
}
variable "accounts" {
  type    = list(string)
  default = ["111111111111", "222222222222"]
}
resource "aws_ssm_document" "run" {
  name          = "${var.name}-run"
  document_type = "Command"
  target_type   = "/AWS::EC2::Instance"
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Says ${var.greeting}"
    parameters = {
      Message = {
        type        = "String"
        description = "What to say"
        default     = var.greeting
      }
    }
    mainSteps = [{
      action = "aws:runShellScript"
      name   = "say"
      inputs = { runCommand = ["echo {{ Message }}"] }
    }]
  })
  permissions = {
    type        = "Share"
    account_ids = join(",", var.accounts)
  }
  tags = { Team = "ops" }
}
"##;

/// The accounts the emulator shares the document with.
async fn shared(ssm: &aws_sdk_ssm::Client, name: &str) -> Vec<String> {
    let out = ssm
        .describe_document_permission()
        .name(name)
        .permission_type(DocumentPermissionType::Share)
        .send()
        .await
        .unwrap();
    out.account_ids().to_vec()
}

/// What DescribeDocument answers for the document's default version.
async fn described(ssm: &aws_sdk_ssm::Client, name: &str) -> aws_sdk_ssm::types::DocumentDescription {
    let out = ssm.describe_document().name(name).send().await.unwrap();
    out.document.expect("a described document")
}

/// The content of the default version.
async fn content(ssm: &aws_sdk_ssm::Client, name: &str) -> String {
    let out = ssm.get_document().name(name).send().await.unwrap();
    out.content().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ssm_document_is_created_versioned_shared_drifted_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let base = ["-var", var.as_str()];
    let run = |extra: &[&str], a: &[&str]| stack.run(&[a, &base, extra].concat());
    expect_code(&run(&[], &["apply", "-auto-approve"]), 0);
    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-run", stack.name);
    let address = "aws_ssm_document.run";
    assert_eq!(stack.state_id(address), name);

    let doc = described(&ssm, &name).await;
    assert_eq!(doc.status().map(|s| s.as_str()), Some("Active"));
    assert_eq!(doc.document_type().map(|t| t.as_str()), Some("Command"));
    assert_eq!(doc.target_type(), Some("/AWS::EC2::Instance"));
    assert_eq!(doc.default_version(), Some("1"));
    let parameters: Vec<_> = doc.parameters().iter().map(|p| (p.name(), p.default_value())).collect();
    assert_eq!(parameters, vec![(Some("Message"), Some("hello"))]);
    assert!(content(&ssm, &name).await.contains("Says hello"));
    assert_eq!(shared(&ssm, &name).await, ["111111111111", "222222222222"]);
    let tags = ssm
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::Document)
        .resource_id(&name)
        .send()
        .await
        .unwrap();
    assert!(tags.tag_list().iter().any(|t| t.key() == "Team" && t.value() == "ops"));
    assert_eq!(stack.state_attr(address, "parameter")[0]["name"], "Message");
    assert_eq!(stack.state_attr(address, "document_format"), "JSON");
    assert_eq!(
        stack.state_attr(address, "arn"),
        format!("arn:aws:ssm:us-east-1:123456789012:document/{name}").as_str()
    );
    expect_code(&run(&[], &["plan", "-detailed-exitcode"]), 0);
    stack.reimport_all(&base);

    // New content and one account fewer: a new default version, in place.
    let changed = ["-var", "greeting=bonjour", "-var", "accounts=[\"111111111111\"]"];
    let shown = expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    assert!(
        shown.contains("(known after apply)"),
        "the versions follow the content:\n{shown}"
    );
    expect_code(&run(&changed, &["apply", "-auto-approve"]), 0);
    let doc = described(&ssm, &name).await;
    assert_eq!((doc.default_version(), doc.latest_version()), (Some("2"), Some("2")));
    assert!(content(&ssm, &name).await.contains("Says bonjour"));
    assert_eq!(shared(&ssm, &name).await, ["111111111111"]);
    assert_eq!(stack.state_attr(address, "default_version"), "2");
    expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 0);

    // Someone writes a third version, makes it the default and stops sharing.
    let edited = content(&ssm, &name).await.replace("Says bonjour", "Says hi");
    ssm.update_document()
        .name(&name)
        .content(edited)
        .document_version("$LATEST")
        .send()
        .await
        .unwrap();
    ssm.update_document_default_version()
        .name(&name)
        .document_version("3")
        .send()
        .await
        .unwrap();
    ssm.modify_document_permission()
        .name(&name)
        .permission_type(DocumentPermissionType::Share)
        .account_ids_to_remove("111111111111")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("content") && shown.contains("permissions"), "{shown}");
    expect_code(&run(&changed, &["apply", "-auto-approve"]), 0);
    let doc = described(&ssm, &name).await;
    assert_eq!(
        doc.default_version(),
        Some("2"),
        "the version with the blueprint's content"
    );
    assert!(content(&ssm, &name).await.contains("Says bonjour"));
    assert_eq!(shared(&ssm, &name).await, ["111111111111"]);
    expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&changed, &["destroy", "-auto-approve"]), 0);
    let gone = ssm.describe_document().name(&name).send().await;
    assert!(
        gone.as_ref()
            .err()
            .and_then(|e| e.as_service_error())
            .is_some_and(|e| e.is_invalid_document()),
        "{gone:?}"
    );
}

#[test]
fn terraform_and_infractl_agree_on_an_ssm_document_either_way() {
    cross_check(
        "the SSM document cross-check",
        BLUEPRINT,
        "ssm-doc-check",
        None,
        &["ssm", "sts"],
    );
}

#[test]
fn bad_ssm_document_values_are_refused_by_both_tools() {
    let valid = "document_type = \"Command\"\n  content = \"{}\"";
    let cases: Vec<String> = [
        "name = \"ab\"",
        "name = \"has space\"",
        "name = \"ok-name\"\n  document_format = \"XML\"",
        "name = \"ok-name\"\n  target_type = \"AWS::EC2::Instance\"",
        "name = \"ok-name\"\n  version_name = \"v 1\"",
        "name = \"ok-name\"\n  attachments_source {\n    key = \"Url\"\n    values = [\"s3://b/k\"]\n  }",
        "name = \"ok-name\"\n  attachments_source {\n    key = \"SourceUrl\"\n    values = [\"\"]\n  }",
    ]
    .iter()
    .map(|c| format!("{c}\n  {valid}"))
    .collect();
    let mut cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    cases.push("name = \"ok-name\"\n  document_type = \"Script\"\n  content = \"{}\"");
    each_case_refused_at_validate("aws_ssm_document", &cases, "SSM document values");
}

/// `permissions` without its `type`, or shared in another way than `Share`, is refused before any
/// call, as the provider's plan refuses it.
#[test]
fn document_permissions_without_share_or_accounts_are_refused() {
    for (permissions, said) in [
        ("{ account_ids = \"111111111111\" }", "\"type\" must be defined"),
        ("{ type = \"Private\", account_ids = \"111111111111\" }", "only Share"),
        ("{ type = \"Share\" }", "\"account_ids\" must be defined"),
    ] {
        let body = format!(
            "provider \"aws\" {{ region = \"us-east-1\" }}\nresource \"aws_ssm_document\" \"d\" {{\n  name = \"shared-doc\"\n  document_type = \"Command\"\n  content = \"{{}}\"\n  permissions = {permissions}\n}}\n"
        );
        let stack = Stack::from_files(&[("main.tf", body.as_str())]);
        let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
        assert!(
            shown.contains(said) && shown.contains("main.tf:"),
            "{permissions}:\n{shown}"
        );
    }
}
