//! The account's IAM password policy (`aws_iam_account_password_policy`), set as the iam
//! module's `iam-account` example sets it. Checked against what the emulator holds
//! (GetAccountPasswordPolicy: every rule, and `expire_passwords` following `max_password_age`),
//! a second plan clean, new rules sent in place, a rule changed and the policy deleted behind
//! infractl's back found and put back, imported by its fixed id, destroyed (the account has no
//! policy); the same blueprint applied by Terraform then planned clean by infractl; a length
//! IAM refuses failing the apply with the address and IAM's code; a wrong type and an unknown
//! argument refused at `validate`, as Terraform's `validate` refuses them.
//!
//! The policy is one per account, so the tests here take turns.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_iam::types::PasswordPolicy;

const REGION: &str = "us-east-1";

/// One test at a time holds the account's only password policy.
static ACCOUNT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "minimum_password_length" {
  type    = number
  default = 37
}

variable "max_password_age" {
  type    = number
  default = 0
}

resource "aws_iam_account_password_policy" "this" {
  max_password_age               = var.max_password_age
  minimum_password_length        = var.minimum_password_length
  allow_users_to_change_password = true
  hard_expiry                    = false
  password_reuse_prevention      = 5
  require_lowercase_characters   = true
  require_uppercase_characters   = true
  require_numbers                = false
  require_symbols                = true
}
"#;

/// What IAM holds, `None` when the account has no password policy.
async fn held(iam: &aws_sdk_iam::Client) -> Option<PasswordPolicy> {
    match iam.get_account_password_policy().send().await {
        Ok(o) => o.password_policy,
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => None,
        Err(e) => panic!("GetAccountPasswordPolicy: {e:?}"),
    }
}

/// Starts from an account without a password policy (a failed run may have left one).
async fn clear(iam: &aws_sdk_iam::Client) {
    if held(iam).await.is_some() {
        iam.delete_account_password_policy().send().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_password_policy_lives_its_whole_life() {
    let _turn = ACCOUNT.lock().await;
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    clear(&iam).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        stack.state_id("aws_iam_account_password_policy.this"),
        "iam-account-password-policy"
    );
    let p = held(&iam).await.expect("the policy");
    assert_eq!(p.minimum_password_length(), Some(37));
    assert_eq!(p.password_reuse_prevention(), Some(5));
    assert!(p.allow_users_to_change_password());
    assert!(p.require_lowercase_characters() && p.require_uppercase_characters() && p.require_symbols());
    assert!(!p.require_numbers());
    assert!(!p.expire_passwords(), "no max age, no expiry");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Passwords that expire after 90 days, and a shorter minimum: in place.
    let change = ["-var", "max_password_age=90", "-var", "minimum_password_length=14"];
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &change].concat()), 2);
    assert!(
        shown.contains("aws_iam_account_password_policy.this will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &change].concat()), 0);
    let p = held(&iam).await.unwrap();
    assert_eq!(p.max_password_age(), Some(90));
    assert_eq!(p.minimum_password_length(), Some(14));
    assert!(p.expire_passwords(), "a max age makes passwords expire");
    assert_eq!(
        p.password_reuse_prevention(),
        Some(5),
        "the rules not changed are sent again"
    );
    let state = stack.flat_state();
    let attrs = &state["resources"][0]["attributes"];
    assert_eq!(attrs["expire_passwords"], true, "{attrs}");
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &change].concat()), 0);

    // Drift: symbols no longer required, set by hand, is found and put back.
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .max_password_age(90)
        .password_reuse_prevention(5)
        .allow_users_to_change_password(true)
        .require_lowercase_characters(true)
        .require_uppercase_characters(true)
        .require_symbols(false)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &change].concat()), 2);
    assert!(shown.contains("require_symbols"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &change].concat()), 0);
    assert!(held(&iam).await.unwrap().require_symbols());

    // Drift: the policy deleted by hand is set again.
    iam.delete_account_password_policy().send().await.unwrap();
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &change].concat()), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &change].concat()), 0);
    assert_eq!(held(&iam).await.expect("set again").minimum_password_length(), Some(14));

    // Imported by its fixed id, then a clean plan.
    stack.reimport_all(&change);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &change].concat()), 0);
    assert!(held(&iam).await.is_none(), "destroy left the password policy");
}

/// A minimum length under IAM's 6, which the provider does not check: IAM refuses it when the
/// policy is sent, and the apply fails naming the resource and IAM's code, with nothing in state.
#[tokio::test(flavor = "multi_thread")]
async fn a_length_iam_refuses_fails_the_apply_with_its_code() {
    let _turn = ACCOUNT.lock().await;
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    clear(&iam).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let out = stack.run(&["apply", "-auto-approve", "-var", "minimum_password_length=3"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("aws_iam_account_password_policy.this"), "{shown}");
    assert!(shown.contains("ValidationError"), "{shown}");
    assert!(shown.contains("minimumPasswordLength"), "{shown}");
    assert!(held(&iam).await.is_none(), "IAM kept a refused policy");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_password_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the password policy blueprint applied by Terraform") else {
        return;
    };
    let _turn = ACCOUNT.lock().await;
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    clear(&iam).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    terraform_applies(&tf, &stack, &["iam", "sts"], &[]);
    assert_eq!(
        held(&iam).await.expect("Terraform's policy").minimum_password_length(),
        Some(37)
    );
    infractl_plans_clean(&stack, &[]);
    infractl_destroys_terraforms(&stack, &[]);
    assert!(held(&iam).await.is_none(), "destroying Terraform's policy left it");
}

/// A length given as a word and an argument the provider does not have: refused by `validate`
/// at their lines, before any call (the endpoint is a closed port), and by Terraform's
/// `validate`. (The provider checks no ranges; IAM does, see above.)
#[test]
fn a_wrong_type_and_an_unknown_argument_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_iam_account_password_policy\" \"p\" {\n  minimum_password_length = \"long\"\n  require_emoji           = true\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:6"), "{shown}");
    assert!(shown.contains("minimum_password_length"), "{shown}");
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("require_emoji"), "{shown}");
    if let Some(tf) = Terraform::init("the bad password policy values") {
        std::fs::write(tf.work().join("main.tf"), body).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        let said = text(&out);
        assert!(!out.status.success(), "terraform accepted them:\n{said}");
        assert!(
            said.contains("Incorrect attribute value type") && said.contains("line 6"),
            "{said}"
        );
        assert!(
            said.contains("Unsupported argument") && said.contains("line 7"),
            "{said}"
        );
    }
}
