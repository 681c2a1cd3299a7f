//! The `aws_organizations_organization` data source (issue 14: public modules read it for the
//! organization id in resource policies). Read on the emulator before the account belongs to an
//! organization (a located error with AWS's code), then from the management account of an
//! organization with a member account, a trusted service and an enabled policy type: every
//! attribute is checked against what Organizations answers, and against what Terraform's
//! provider reads from the same organization where terraform is installed.
//!
//! The organization is the account's only one, so the test leaves the account outside any
//! organization, as it found it.

use crate::interop::{infractl_destroys_terraforms, terraform_applies_knowing_account};
use crate::support::{expect_code, sdk_config, text, unique, Stack, Terraform};
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

data "aws_organizations_organization" "this" {}

output "org" {
  value = data.aws_organizations_organization.this
}

output "member_ids" {
  value = data.aws_organizations_organization.this.non_master_accounts[*].id
}
"#;

/// Leaves the account outside any organization: member accounts removed, organization deleted.
async fn no_organization(org: &aws_sdk_organizations::Client) {
    let Ok(described) = org.describe_organization().send().await else {
        return;
    };
    let management = described
        .organization()
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_string();
    let accounts = org.list_accounts().send().await.expect("ListAccounts");
    for a in accounts.accounts() {
        if a.id() != Some(management.as_str()) {
            org.remove_account_from_organization()
                .account_id(a.id().unwrap_or_default())
                .send()
                .await
                .expect("RemoveAccountFromOrganization");
        }
    }
    org.delete_organization().send().await.expect("DeleteOrganization");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organization_is_read_as_the_provider_reads_it() {
    let org = aws_sdk_organizations::Client::new(&sdk_config("us-east-1").await);
    no_organization(&org).await;
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);

    // Outside any organization: the read fails where the block is, with AWS's code.
    let shown = expect_code(&stack.run(&["plan"]), 1);
    assert!(shown.contains("AWSOrganizationsNotInUseException"), "{shown}");
    assert!(shown.contains("main.tf:6"), "{shown}");
    assert!(shown.contains("data.aws_organizations_organization.this"), "{shown}");

    let made = org
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("CreateOrganization");
    let made = made.organization().expect("the organization");
    let name = unique("member");
    org.create_account()
        .email(format!("{name}@example.com"))
        .account_name(&name)
        .send()
        .await
        .expect("CreateAccount");
    org.enable_aws_service_access()
        .service_principal("config.amazonaws.com")
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    let roots = org.list_roots().send().await.expect("ListRoots");
    let root = roots.roots()[0].clone();
    org.enable_policy_type()
        .root_id(root.id().unwrap())
        .policy_type(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .expect("EnablePolicyType");
    let accounts = org.list_accounts().send().await.expect("ListAccounts");
    let member = accounts
        .accounts()
        .iter()
        .find(|a| a.name() == Some(name.as_str()))
        .expect("the member account")
        .id()
        .unwrap()
        .to_string();

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let read = &out["org"]["value"];
    assert_eq!(read["id"], made.id().unwrap());
    assert_eq!(read["arn"], made.arn().unwrap());
    assert_eq!(read["feature_set"], "ALL");
    assert_eq!(read["master_account_id"], "123456789012");
    assert_eq!(read["master_account_arn"], made.master_account_arn().unwrap());
    assert_eq!(read["master_account_email"], made.master_account_email().unwrap());
    assert_eq!(read["accounts"].as_array().unwrap().len(), accounts.accounts().len());
    assert_eq!(out["member_ids"]["value"], serde_json::json!([member]));
    let member_read = &read["non_master_accounts"][0];
    assert_eq!(member_read["name"], name.as_str());
    assert_eq!(member_read["email"], format!("{name}@example.com"));
    assert_eq!(member_read["status"], "ACTIVE");
    assert_eq!(read["roots"][0]["id"], root.id().unwrap());
    assert_eq!(
        read["roots"][0]["policy_types"],
        serde_json::json!([{"status": "ENABLED", "type": "SERVICE_CONTROL_POLICY"}])
    );
    assert_eq!(
        read["enabled_policy_types"],
        serde_json::json!(["SERVICE_CONTROL_POLICY"])
    );
    assert_eq!(
        read["aws_service_access_principals"],
        serde_json::json!(["config.amazonaws.com"])
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Terraform's provider reads the same organization to the same values.
    if let Some(tf) = Terraform::find("the organization read by Terraform") {
        let theirs = Stack::from_files(&[("main.tf", BLUEPRINT)]);
        terraform_applies_knowing_account(&tf, &theirs, &["organizations", "sts"], &[]);
        let shown = tf.run_in(&theirs.path, &["output", "-json"]);
        let tf_out: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("terraform output -json");
        assert_eq!(tf_out["org"]["value"], *read);
        assert_eq!(tf_out["member_ids"]["value"], out["member_ids"]["value"]);
        infractl_destroys_terraforms(&theirs, &[]);
    }

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    no_organization(&org).await;
    let after = org.describe_organization().send().await;
    assert!(after.is_err(), "{}", text(&stack.run(&["plan"])));
}
