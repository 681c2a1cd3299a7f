//! The account's sign-in alias (`aws_iam_account_alias`), as the iam module's `iam-account`
//! example sets it. Checked against what the emulator holds (ListAccountAliases), a second
//! plan clean, a new alias replacing the old one (its only argument forces replacement), an
//! alias renamed and one deleted behind infractl's back found and put back, imported by the
//! alias, destroyed (the account has none); the same blueprint applied by Terraform then
//! planned clean by infractl; aliases the provider refuses refused at `validate`, as
//! Terraform's `validate` refuses them.
//!
//! The alias is one per account, so the tests here take turns.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};

const REGION: &str = "us-east-1";

/// One test at a time holds the account's only alias.
static ACCOUNT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "alias" {
  type = string
}

resource "aws_iam_account_alias" "this" {
  account_alias = var.alias
}
"#;

/// The aliases IAM lists for the account.
async fn held(iam: &aws_sdk_iam::Client) -> Vec<String> {
    iam.list_account_aliases()
        .send()
        .await
        .expect("ListAccountAliases")
        .account_aliases()
        .to_vec()
}

/// Starts from an account without an alias (a failed run may have left one).
async fn clear(iam: &aws_sdk_iam::Client) {
    for alias in held(iam).await {
        iam.delete_account_alias().account_alias(alias).send().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_alias_lives_its_whole_life() {
    let _turn = ACCOUNT.lock().await;
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    clear(&iam).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let (first, second) = (format!("{}-a", stack.name), format!("{}-b", stack.name));
    let (first_var, second_var) = (format!("alias={first}"), format!("alias={second}"));
    let (first_var, second_var) = (first_var.as_str(), second_var.as_str());
    let run = |cmd: &[&str], v: &str| stack.run(&[cmd, &["-var", v]].concat());

    expect_code(&run(&["apply", "-auto-approve"], first_var), 0);
    assert_eq!(held(&iam).await, vec![first.clone()]);
    assert_eq!(
        stack.state_id("aws_iam_account_alias.this"),
        first,
        "the id is the alias"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], first_var), 0);

    // A new alias replaces the old one: the account then has only the new one.
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], second_var), 2);
    assert!(shown.contains("aws_iam_account_alias.this must be replaced"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], second_var), 0);
    assert_eq!(held(&iam).await, vec![second.clone()]);
    assert_eq!(stack.state_id("aws_iam_account_alias.this"), second);
    expect_code(&run(&["plan", "-detailed-exitcode"], second_var), 0);

    // Drift: the alias renamed by hand is found and the blueprint's put back.
    let by_hand = format!("{}-hand", stack.name);
    iam.create_account_alias().account_alias(&by_hand).send().await.unwrap();
    assert_eq!(held(&iam).await, vec![by_hand.clone()]);
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], second_var), 2);
    assert!(shown.contains(&by_hand), "{shown}");
    assert!(shown.contains("aws_iam_account_alias.this must be replaced"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], second_var), 0);
    assert_eq!(held(&iam).await, vec![second.clone()]);

    // Drift: the alias deleted by hand is created again.
    iam.delete_account_alias().account_alias(&second).send().await.unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], second_var), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], second_var), 0);
    assert_eq!(held(&iam).await, vec![second.clone()]);

    // Imported by the alias, then a clean plan.
    stack.reimport_all(&["-var", second_var]);
    assert_eq!(stack.state_id("aws_iam_account_alias.this"), second);

    expect_code(&run(&["destroy", "-auto-approve"], second_var), 0);
    assert!(held(&iam).await.is_empty(), "destroy left the alias");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_alias_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the account alias blueprint applied by Terraform") else {
        return;
    };
    let _turn = ACCOUNT.lock().await;
    let iam = aws_sdk_iam::Client::new(&sdk_config(REGION).await);
    clear(&iam).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let alias = format!("{}-tf", stack.name);
    let var = format!("alias={alias}");
    terraform_applies(&tf, &stack, &["iam", "sts"], &["-var", &var]);
    assert_eq!(held(&iam).await, vec![alias.clone()], "Terraform's alias");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(
        held(&iam).await.is_empty(),
        "infractl's destroy of Terraform's alias left it"
    );
}

/// Aliases too short, starting or ending with a hyphen, with capitals or a double hyphen:
/// refused by `validate` in their blocks, before any call (the endpoint is a closed port), and
/// by Terraform's `validate`.
#[test]
fn aliases_the_provider_refuses_are_refused_at_validate() {
    let bodies = [
        "  account_alias = \"ab\"",
        "  account_alias = \"-leading-hyphen\"",
        "  account_alias = \"trailing-hyphen-\"",
        "  account_alias = \"Capital-Letters\"",
        "  account_alias = \"double--hyphen\"",
    ];
    each_case_refused_at_validate("aws_iam_account_alias", &bodies, "the bad account aliases");
}
