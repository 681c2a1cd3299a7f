//! `aws_signer_signing_profile` on the emulator: a named profile with a validity period and
//! tags, and one named from a prefix with AWS's default period. Tags change in place; a new
//! period replaces the prefixed one under a new name; a profile canceled behind infractl's back is
//! made again; an import by name plans clean; destroy cancels both (AWS keeps canceled profiles
//! and refuses their names). A create killed before its answer is adopted. Terraform plans clean
//! after infractl and back; bad names, platforms and period types are refused by both
//! `validate` commands.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_signer::operation::get_signing_profile::GetSigningProfileOutput;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
locals {
  stem = replace(var.name, "-", "_")
}
resource "aws_signer_signing_profile" "lambda" {
  name        = "${local.stem}_lambda"
  platform_id = "AWSLambda-SHA384-ECDSA"
  signature_validity_period {
    value = 3
    type  = "MONTHS"
  }
  tags = { team = "platform" }
}
resource "aws_signer_signing_profile" "prefixed" {
  name_prefix = "${local.stem}_"
  platform_id = "AWSLambda-SHA384-ECDSA"
}
"##;

async fn profile(signer: &aws_sdk_signer::Client, name: &str) -> GetSigningProfileOutput {
    signer
        .get_signing_profile()
        .profile_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("profile {name}: {e:?}"))
}

fn status(p: &GetSigningProfileOutput) -> &str {
    p.status().map(|s| s.as_str()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_are_made_tagged_replaced_made_again_imported_and_canceled() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let signer = aws_sdk_signer::Client::new(&sdk_config("us-east-1").await);
    let stem = stack.name.replace('-', "_");
    let lambda = stack.state_id("aws_signer_signing_profile.lambda");
    assert_eq!(lambda, format!("{stem}_lambda"));
    let p = profile(&signer, &lambda).await;
    assert_eq!(status(&p), "Active");
    assert_eq!(p.platform_id(), Some("AWSLambda-SHA384-ECDSA"));
    let period = p.signature_validity_period().expect("a period");
    assert_eq!(
        (period.value(), period.r#type().map(|t| t.as_str())),
        (3, Some("MONTHS"))
    );
    assert_eq!(
        p.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("platform")
    );
    assert_eq!(
        stack.state_str("aws_signer_signing_profile.lambda", "arn"),
        p.arn().unwrap()
    );
    assert_eq!(
        stack.state_str("aws_signer_signing_profile.lambda", "version_arn"),
        p.profile_version_arn().unwrap()
    );
    assert_eq!(
        stack.state_str("aws_signer_signing_profile.lambda", "platform_display_name"),
        "AWS Lambda"
    );
    let prefixed = stack.state_id("aws_signer_signing_profile.prefixed");
    assert!(
        prefixed.starts_with(&format!("{stem}_")) && prefixed.len() == stem.len() + 1 + 26,
        "{prefixed}"
    );
    let p = profile(&signer, &prefixed).await;
    let period = p.signature_validity_period().expect("AWS's default period");
    assert_eq!(
        (period.value(), period.r#type().map(|t| t.as_str())),
        (135, Some("MONTHS"))
    );
    assert_eq!(
        stack.state_attr("aws_signer_signing_profile.prefixed", "signature_validity_period")[0]["value"],
        135
    );

    // Tags change in place.
    stack.edit("main.tf", "team = \"platform\"", "team = \"security\"");
    stack.changes_in_place("aws_signer_signing_profile.lambda", &args);
    let p = profile(&signer, &lambda).await;
    assert_eq!(
        p.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("security")
    );

    // A period written where AWS's default was: replaced under a new name, the old one canceled.
    stack.edit(
        "main.tf",
        "  name_prefix = \"${local.stem}_\"\n",
        "  name_prefix = \"${local.stem}_\"\n  signature_validity_period {\n    value = 30\n    type  = \"DAYS\"\n  }\n",
    );
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_signer_signing_profile.prefixed must be replaced"),
        "{shown}"
    );
    assert_eq!(status(&profile(&signer, &prefixed).await), "Canceled");
    let replaced = stack.state_id("aws_signer_signing_profile.prefixed");
    assert_ne!(replaced, prefixed);
    let period = profile(&signer, &replaced)
        .await
        .signature_validity_period()
        .cloned()
        .unwrap();
    assert_eq!(
        (period.value(), period.r#type().map(|t| t.as_str())),
        (30, Some("DAYS"))
    );

    // Canceled behind infractl's back: gone for infractl, made again under a new name.
    signer
        .cancel_signing_profile()
        .profile_name(&replaced)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_signer_signing_profile.prefixed will be created"),
        "{shown}"
    );
    let again = stack.state_id("aws_signer_signing_profile.prefixed");
    assert_eq!(status(&profile(&signer, &again).await), "Active");

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert_eq!(status(&profile(&signer, &lambda).await), "Canceled");
    assert_eq!(status(&profile(&signer, &again).await), "Canceled");
    // A canceled profile keeps its name: applying again is refused with AWS's answer, named.
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 1);
    assert!(
        shown.contains("aws_signer_signing_profile.lambda") && shown.contains("ValidationException"),
        "{shown}"
    );
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}

/// A create killed before its answer came back: the profile AWS made under the written name is
/// found by that name and this stack's tags and adopted (a second put would be refused).
#[tokio::test(flavor = "multi_thread")]
async fn a_profile_whose_create_was_killed_is_adopted() {
    let blueprint = "provider \"aws\" { region = \"us-east-1\" }\nvariable \"name\" { type = string }\nresource \"aws_signer_signing_profile\" \"p\" {\n  name = \"${replace(var.name, \"-\", \"_\")}_killed\"\n  platform_id = \"AWSLambda-SHA384-ECDSA\"\n}\n";
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    // The proxy names a REST call by its path, the profile's name included.
    let put = format!("signer:PUT /signing-profiles/{}_killed", stack.name.replace('-', "_"));
    apply_killed_when_held(&stack, &var, &proxy, &[put.as_str()]);
    reapply_adopts(&stack, &var, "aws_signer_signing_profile.p");
    let signer = aws_sdk_signer::Client::new(&sdk_config("us-east-1").await);
    let name = stack.state_id("aws_signer_signing_profile.p");
    assert_eq!(status(&profile(&signer, &name).await), "Active");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert_eq!(status(&profile(&signer, &name).await), "Canceled");
}

/// Terraform and infractl keep signing profiles the same way, either way (names from a prefix:
/// a canceled profile keeps its name, so each tool's apply needs a new one).
#[test]
fn terraform_and_infractl_agree_on_signing_profiles_either_way() {
    let blueprint = BLUEPRINT.replace(
        "  name        = \"${local.stem}_lambda\"\n",
        "  name_prefix = \"${local.stem}_lambda_\"\n",
    );
    assert_ne!(blueprint, BLUEPRINT);
    cross_check(
        "the aws_signer_signing_profile cross-check",
        &blueprint,
        "signer-check",
        None,
        &["signer", "sts"],
    );
}

/// Names with other characters or too long, a prefix too long, a platform Signer does not have
/// and a period type other than DAYS, MONTHS or YEARS: refused by both `validate` commands.
#[test]
fn bad_signing_profiles_are_refused_at_validate() {
    let platform = "platform_id = \"AWSLambda-SHA384-ECDSA\"";
    let cases = [
        format!("{platform}\nname = \"with-dash\""),
        format!("{platform}\nname = \"{}\"", "a".repeat(65)),
        format!("{platform}\nname_prefix = \"{}\"", "a".repeat(39)),
        "platform_id = \"AWSLambda\"".to_string(),
        format!("{platform}\nsignature_validity_period {{\n value = 1\n type = \"WEEKS\"\n}}"),
        format!("{platform}\nname = \"a\"\nname_prefix = \"b\""),
    ];
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_signer_signing_profile", &bodies, "signing profile values");
}
