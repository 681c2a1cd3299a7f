//! SAML identity providers: one made from a metadata file (`file()`), as the iam module's SAML
//! examples write it, with a role that trusts it. Checked against what the emulator holds
//! (GetSAMLProvider: the document, the tags), a rotated metadata document and new tags sent in
//! place, a document changed behind infractl's back found and put back, imported by ARN,
//! destroyed; the same blueprint applied by Terraform then planned clean by infractl; a short
//! document and a bad name refused at `validate`.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "team" {
  type    = string
  default = "identity"
}

resource "aws_iam_saml_provider" "idp" {
  name                   = "${var.name}-idp"
  saml_metadata_document = file("${path.module}/saml-metadata.xml")

  tags = {
    Team = var.team
  }
}

resource "aws_iam_role" "admin" {
  name = "${var.name}-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_saml_provider.idp.arn }
      Action    = "sts:AssumeRoleWithSAML"
      Condition = { StringEquals = { "SAML:aud" = "https://signin.aws.amazon.com/saml" } }
    }]
  })
}
"#;

/// SAML 2.0 metadata of an identity provider whose signing certificate is `cert` (base64 text,
/// long enough for IAM's 1000-character minimum).
fn metadata(cert: char) -> String {
    let body: String = std::iter::repeat_n(cert, 1200).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>MII{body}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"#
    )
}

fn stack() -> Stack {
    Stack::from_files(&[("main.tf", BLUEPRINT), ("saml-metadata.xml", &metadata('A'))])
}

/// The provider's document and tags in the emulator, `None` when it does not exist.
async fn held(iam: &aws_sdk_iam::Client, arn: &str) -> Option<(String, Vec<(String, String)>)> {
    match iam.get_saml_provider().saml_provider_arn(arn).send().await {
        Ok(o) => Some((
            o.saml_metadata_document().unwrap_or_default().to_string(),
            o.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
        )),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => None,
        Err(e) => panic!("GetSAMLProvider {arn}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saml_provider_lives_its_whole_life() {
    let stack = stack();
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    let arn = stack.state_id("aws_iam_saml_provider.idp");
    assert!(arn.ends_with(&format!(":saml-provider/{}-idp", stack.name)), "{arn}");
    let (document, tags) = held(&iam, &arn).await.expect("the provider");
    assert_eq!(document, metadata('A'));
    assert!(tags.contains(&("Team".into(), "identity".into())), "{tags:?}");
    let role = iam
        .get_role()
        .role_name(format!("{}-admin", stack.name))
        .send()
        .await
        .unwrap();
    // IAM answers a trust policy URL-encoded.
    let trust = percent_encoding::percent_decode_str(role.role().unwrap().assume_role_policy_document().unwrap())
        .decode_utf8_lossy()
        .into_owned();
    assert!(trust.contains(&arn), "{trust}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A rotated certificate and another team: both in place.
    std::fs::write(stack.path.join("saml-metadata.xml"), metadata('B')).unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", "team=security"]), 2);
    assert!(
        shown.contains("aws_iam_saml_provider.idp will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", "team=security"]), 0);
    let (document, tags) = held(&iam, &arn).await.unwrap();
    assert_eq!(document, metadata('B'));
    assert!(tags.contains(&("Team".into(), "security".into())), "{tags:?}");
    assert_eq!(stack.state_id("aws_iam_saml_provider.idp"), arn, "the same provider");

    // Drift: a document put back by hand is found and replaced by the blueprint's.
    iam.update_saml_provider()
        .saml_provider_arn(&arn)
        .saml_metadata_document(metadata('C'))
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", "team=security"]), 2);
    assert!(shown.contains("saml_metadata_document"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", "team=security"]), 0);
    assert_eq!(held(&iam, &arn).await.unwrap().0, metadata('B'));

    // Imported by ARN, then a clean plan.
    stack.reimport_all(&["-var", var.as_str(), "-var", "team=security"]);

    expect_code(&run(&["destroy", "-auto-approve", "-var", "team=security"]), 0);
    assert!(held(&iam, &arn).await.is_none(), "destroy left the provider");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saml_provider_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the SAML provider blueprint applied by Terraform") else {
        return;
    };
    let stack = stack();
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["iam", "sts"], &["-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

/// A metadata document under 1000 characters and a name with a space: refused by `validate`
/// at their lines, before any call (the endpoint is a closed port).
#[test]
fn a_short_document_and_a_bad_name_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_iam_saml_provider\" \"p\" {\n  name                   = \"my idp\"\n  saml_metadata_document = \"<md:EntityDescriptor/>\"\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:6"), "{shown}");
    assert!(shown.contains("name"), "{shown}");
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("saml_metadata_document"), "{shown}");
}
