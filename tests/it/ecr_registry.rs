//! ECR policies beyond the repository (issue 14, the ecr module's `complete` example): a
//! repository's access policy (`aws_ecr_repository_policy`) and the registry's permissions
//! policy (`aws_ecr_registry_policy`). Each is checked against what the emulator holds: applied,
//! a second plan clean, changed in place, changed and deleted behind infractl's back and put
//! back, imported by its id, destroyed (nothing left); the same blueprint applied by Terraform
//! then planned clean by infractl; policies that are not JSON refused at `validate`, as
//! Terraform's `validate` refuses them.
//!
//! The registry policy is one per account and region, so the tests holding it take turns and
//! leave the account without one, as they found it.

use crate::interop::{
    infractl_destroys_terraforms, infractl_plans_clean, terraform_applies, terraform_applies_knowing_account,
};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, unique, Stack, Terraform};
use aws_sdk_ecr::error::ProvideErrorMetadata;

const REGION: &str = "us-east-1";

/// One test at a time holds the registry's only policy.
static REGISTRY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn ecr() -> aws_sdk_ecr::Client {
    aws_sdk_ecr::Client::new(&sdk_config(REGION).await)
}

/// The actions of a policy document's first statement.
fn actions(policy: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(policy).expect("policy is JSON");
    let action = &doc["Statement"][0]["Action"];
    match action {
        serde_json::Value::String(_) => serde_json::json!([action]),
        _ => action.clone(),
    }
}

/// A policy document allowing `action` to the emulator's account.
fn policy(action: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "byhand",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": [action]
        }]
    })
    .to_string()
}

const REPOSITORY_POLICY: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "repository" {
  type = string
}

variable "action" {
  type = string
}

resource "aws_ecr_repository_policy" "this" {
  repository = var.repository
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "pull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = [var.action]
    }]
  })
}
"#;

/// The policy text ECR holds for `repository`, or the error code it answers.
async fn repository_policy(ecr: &aws_sdk_ecr::Client, repository: &str) -> Result<String, String> {
    match ecr.get_repository_policy().repository_name(repository).send().await {
        Ok(out) => Ok(out.policy_text().unwrap_or_default().to_string()),
        Err(e) => Err(e.code().unwrap_or("?").to_string()),
    }
}

/// A repository made with the SDK, so destroying the policy can be seen to leave it without one.
async fn repository(ecr: &aws_sdk_ecr::Client) -> String {
    let name = unique("it-ecr-policy");
    ecr.create_repository()
        .repository_name(&name)
        .send()
        .await
        .expect("CreateRepository");
    name
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repository_policy_lives_its_whole_life() {
    let ecr = ecr().await;
    let name = repository(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", REPOSITORY_POLICY)]);
    let repo_var = format!("repository={name}");
    let run = |cmd: &[&str], action: &str| {
        let action = format!("action={action}");
        stack.run(&[cmd, &["-var", &repo_var, "-var", &action]].concat())
    };
    let (pull, push) = ("ecr:BatchGetImage", "ecr:PutImage");

    expect_code(&run(&["apply", "-auto-approve"], pull), 0);
    let held = repository_policy(&ecr, &name).await.expect("the policy");
    assert_eq!(actions(&held), serde_json::json!([pull]));
    assert_eq!(
        stack.state_id("aws_ecr_repository_policy.this"),
        name,
        "the id is the repository"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], pull), 0);

    // A new action is put in place.
    stack.changes_in_place(
        "aws_ecr_repository_policy.this",
        &["-var", &repo_var, "-var", &format!("action={push}")],
    );
    assert_eq!(
        actions(&repository_policy(&ecr, &name).await.unwrap()),
        serde_json::json!([push])
    );

    // Drift: a policy changed by hand is put back.
    ecr.set_repository_policy()
        .repository_name(&name)
        .policy_text(policy("ecr:DeleteRepository"))
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], push), 2);
    assert!(shown.contains("ecr:DeleteRepository"), "{shown}");
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], push), 0);
    assert_eq!(
        actions(&repository_policy(&ecr, &name).await.unwrap()),
        serde_json::json!([push])
    );

    // Drift: a policy deleted by hand is set again.
    ecr.delete_repository_policy()
        .repository_name(&name)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], push), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], push), 0);
    assert_eq!(
        actions(&repository_policy(&ecr, &name).await.unwrap()),
        serde_json::json!([push])
    );

    // Imported by the repository name, then a clean plan.
    stack.reimport_all(&["-var", &repo_var, "-var", &format!("action={push}")]);
    assert_eq!(stack.state_id("aws_ecr_repository_policy.this"), name);

    // Destroy deletes the policy and leaves the repository.
    expect_code(&run(&["destroy", "-auto-approve"], push), 0);
    assert_eq!(
        repository_policy(&ecr, &name).await,
        Err("RepositoryPolicyNotFoundException".to_string())
    );
    ecr.delete_repository().repository_name(&name).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repository_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the repository policy blueprint applied by Terraform") else {
        return;
    };
    let ecr = ecr().await;
    let name = repository(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", REPOSITORY_POLICY)]);
    let vars = [
        "-var",
        &format!("repository={name}"),
        "-var",
        "action=ecr:BatchGetImage",
    ];
    terraform_applies(&tf, &stack, &["ecr", "sts"], &vars);
    let held = repository_policy(&ecr, &name).await.expect("Terraform's policy");
    assert_eq!(actions(&held), serde_json::json!(["ecr:BatchGetImage"]));
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        repository_policy(&ecr, &name).await,
        Err("RepositoryPolicyNotFoundException".to_string())
    );
    ecr.delete_repository().repository_name(&name).send().await.unwrap();
}

const REGISTRY_POLICY: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "action" {
  type = string
}

resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "replicate"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = [var.action]
      Resource  = "arn:aws:ecr:us-east-1:123456789012:repository/*"
    }]
  })
}
"#;

/// The registry's policy text and id, or the error code ECR answers.
async fn registry_policy(ecr: &aws_sdk_ecr::Client) -> Result<(String, String), String> {
    match ecr.get_registry_policy().send().await {
        Ok(out) => Ok((
            out.policy_text().unwrap_or_default().to_string(),
            out.registry_id().unwrap_or_default().to_string(),
        )),
        Err(e) => Err(e.code().unwrap_or("?").to_string()),
    }
}

/// Starts from a registry without a policy (a failed run may have left one).
async fn clear_registry_policy(ecr: &aws_sdk_ecr::Client) {
    let _ = ecr.delete_registry_policy().send().await;
    assert_eq!(
        registry_policy(ecr).await,
        Err("RegistryPolicyNotFoundException".to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_policy_lives_its_whole_life() {
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    clear_registry_policy(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", REGISTRY_POLICY)]);
    let run = |cmd: &[&str], action: &str| stack.run(&[cmd, &["-var", &format!("action={action}")]].concat());
    let (replicate, create) = ("ecr:ReplicateImage", "ecr:CreateRepository");

    expect_code(&run(&["apply", "-auto-approve"], replicate), 0);
    let (held, registry) = registry_policy(&ecr).await.expect("the policy");
    assert_eq!(actions(&held), serde_json::json!([replicate]));
    assert_eq!(registry, "123456789012");
    assert_eq!(
        stack.state_id("aws_ecr_registry_policy.this"),
        registry,
        "the id is the registry id"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], replicate), 0);

    // A new action is put in place.
    stack.changes_in_place("aws_ecr_registry_policy.this", &["-var", &format!("action={create}")]);
    assert_eq!(
        actions(&registry_policy(&ecr).await.unwrap().0),
        serde_json::json!([create])
    );

    // Drift: a policy changed by hand is put back.
    let by_hand = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "byhand",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": ["ecr:ReplicateImage", "ecr:CreateRepository"],
            "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"
        }]
    });
    ecr.put_registry_policy()
        .policy_text(by_hand.to_string())
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], create), 2);
    assert!(shown.contains("byhand"), "{shown}");
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], create), 0);
    assert_eq!(
        actions(&registry_policy(&ecr).await.unwrap().0),
        serde_json::json!([create])
    );

    // Drift: a policy deleted by hand is put again.
    ecr.delete_registry_policy().send().await.unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], create), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], create), 0);
    assert_eq!(
        actions(&registry_policy(&ecr).await.unwrap().0),
        serde_json::json!([create])
    );

    // Imported by the registry id, then a clean plan.
    stack.reimport_all(&["-var", &format!("action={create}")]);
    assert_eq!(stack.state_id("aws_ecr_registry_policy.this"), registry);

    expect_code(&run(&["destroy", "-auto-approve"], create), 0);
    assert_eq!(
        registry_policy(&ecr).await,
        Err("RegistryPolicyNotFoundException".to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the registry policy blueprint applied by Terraform") else {
        return;
    };
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    clear_registry_policy(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", REGISTRY_POLICY)]);
    let vars = ["-var", "action=ecr:ReplicateImage"];
    terraform_applies(&tf, &stack, &["ecr", "sts"], &vars);
    let held = registry_policy(&ecr).await.expect("Terraform's policy").0;
    assert_eq!(actions(&held), serde_json::json!(["ecr:ReplicateImage"]));
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        registry_policy(&ecr).await,
        Err("RegistryPolicyNotFoundException".to_string())
    );
}

/// Policies that are not JSON: refused by `validate` in their blocks, before any call (the
/// endpoint is a closed port), and by Terraform's `validate` (the provider's StringIsJSON).
#[test]
fn policies_that_are_not_json_are_refused_at_validate() {
    let repository = [
        "  repository = \"r\"\n  policy = \"not json\"",
        "  repository = \"r\"\n  policy = \"{\\\"Version\\\": \"",
    ];
    each_case_refused_at_validate("aws_ecr_repository_policy", &repository, "the bad repository policies");
    let registry = ["  policy = \"not json\"", "  policy = \"[1, \""];
    each_case_refused_at_validate("aws_ecr_registry_policy", &registry, "the bad registry policies");
}

const SCANNING: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "scan_type" {
  type = string
}

variable "frequency" {
  type = string
}

resource "aws_ecr_registry_scanning_configuration" "this" {
  scan_type = var.scan_type

  rule {
    scan_frequency = var.frequency
    repository_filter {
      filter      = "example1"
      filter_type = "WILDCARD"
    }
    repository_filter {
      filter      = "example2"
      filter_type = "WILDCARD"
    }
  }

  rule {
    scan_frequency = "CONTINUOUS_SCAN"
    repository_filter {
      filter      = "prod-*"
      filter_type = "WILDCARD"
    }
  }
}
"#;

/// The registry's scan type and its rules as `frequency: filter, filter` lines, sorted.
async fn scanning(ecr: &aws_sdk_ecr::Client) -> (String, Vec<String>) {
    let out = ecr
        .get_registry_scanning_configuration()
        .send()
        .await
        .expect("GetRegistryScanningConfiguration");
    let config = out.scanning_configuration().expect("a scanning configuration");
    let mut rules: Vec<String> = config
        .rules()
        .iter()
        .map(|r| {
            let mut filters: Vec<String> = r
                .repository_filters()
                .iter()
                .map(|f| format!("{} {}", f.filter_type().as_str(), f.filter()))
                .collect();
            filters.sort();
            format!("{}: {}", r.scan_frequency().as_str(), filters.join(", "))
        })
        .collect();
    rules.sort();
    (
        config.scan_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        rules,
    )
}

/// What a registry nobody configured has, and what destroying the configuration leaves.
fn basic() -> (String, Vec<String>) {
    ("BASIC".to_string(), Vec::new())
}

/// Starts from the registry's defaults (a failed run may have left rules).
async fn reset_scanning(ecr: &aws_sdk_ecr::Client) {
    ecr.put_registry_scanning_configuration()
        .scan_type(aws_sdk_ecr::types::ScanType::Basic)
        .set_rules(Some(Vec::new()))
        .send()
        .await
        .unwrap();
}

fn enhanced(frequency: &str) -> (String, Vec<String>) {
    let mut rules = vec![
        format!("{frequency}: WILDCARD example1, WILDCARD example2"),
        "CONTINUOUS_SCAN: WILDCARD prod-*".to_string(),
    ];
    rules.sort();
    ("ENHANCED".to_string(), rules)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_scanning_configuration_lives_its_whole_life() {
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    reset_scanning(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", SCANNING)]);
    let run = |cmd: &[&str], frequency: &str| {
        let frequency = format!("frequency={frequency}");
        stack.run(&[cmd, &["-var", "scan_type=ENHANCED", "-var", &frequency]].concat())
    };

    expect_code(&run(&["apply", "-auto-approve"], "SCAN_ON_PUSH"), 0);
    assert_eq!(scanning(&ecr).await, enhanced("SCAN_ON_PUSH"));
    assert_eq!(
        stack.state_id("aws_ecr_registry_scanning_configuration.this"),
        "123456789012",
        "the id is the account id"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], "SCAN_ON_PUSH"), 0);

    // A rule's frequency changes in place.
    stack.changes_in_place(
        "aws_ecr_registry_scanning_configuration.this",
        &["-var", "scan_type=ENHANCED", "-var", "frequency=MANUAL"],
    );
    assert_eq!(scanning(&ecr).await, enhanced("MANUAL"));

    // Drift: the registry put back to its defaults by hand gets the blueprint's rules again.
    reset_scanning(&ecr).await;
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], "MANUAL"), 2);
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], "MANUAL"), 0);
    assert_eq!(scanning(&ecr).await, enhanced("MANUAL"));

    // Imported by the account id, then a clean plan.
    stack.reimport_all(&["-var", "scan_type=ENHANCED", "-var", "frequency=MANUAL"]);
    assert_eq!(
        stack.state_id("aws_ecr_registry_scanning_configuration.this"),
        "123456789012"
    );

    expect_code(&run(&["destroy", "-auto-approve"], "MANUAL"), 0);
    assert_eq!(scanning(&ecr).await, basic(), "destroy puts back BASIC with no rules");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registry_scanning_configuration_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the registry scanning blueprint applied by Terraform") else {
        return;
    };
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    reset_scanning(&ecr).await;
    let stack = Stack::from_files(&[("main.tf", SCANNING)]);
    let vars = ["-var", "scan_type=ENHANCED", "-var", "frequency=SCAN_ON_PUSH"];
    terraform_applies_knowing_account(&tf, &stack, &["ecr", "sts"], &vars);
    assert_eq!(
        scanning(&ecr).await,
        enhanced("SCAN_ON_PUSH"),
        "Terraform's configuration"
    );
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        scanning(&ecr).await,
        basic(),
        "destroying Terraform's configuration puts back BASIC"
    );
}

/// Scan types, frequencies, filter types and filters the provider refuses: refused by
/// `validate` in their blocks, before any call, and by Terraform's `validate`.
#[test]
fn scanning_settings_the_provider_refuses_are_refused_at_validate() {
    let rule = |frequency: &str, filter: &str, filter_type: &str| {
        format!(
            "  scan_type = \"BASIC\"\n  rule {{\n    scan_frequency = \"{frequency}\"\n    repository_filter {{\n      filter      = \"{filter}\"\n      filter_type = \"{filter_type}\"\n    }}\n  }}"
        )
    };
    let bodies = [
        "  scan_type = \"DEEP\"".to_string(),
        rule("HOURLY", "app", "WILDCARD"),
        rule("SCAN_ON_PUSH", "app", "PREFIX_MATCH"),
        rule("SCAN_ON_PUSH", "App", "WILDCARD"),
        rule("SCAN_ON_PUSH", "-app", "WILDCARD"),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_ecr_registry_scanning_configuration",
        &bodies,
        "the bad scanning settings",
    );
}

const REPLICATION: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "second_region" {
  type = string
}

resource "aws_ecr_replication_configuration" "this" {
  replication_configuration {
    rule {
      destination {
        region      = "us-west-2"
        registry_id = "123456789012"
      }
      destination {
        region      = var.second_region
        registry_id = "123456789012"
      }
      repository_filter {
        filter      = "prod-microservice"
        filter_type = "PREFIX_MATCH"
      }
    }
  }
}
"#;

/// The registry's replication rules as `regions | filters` lines.
async fn replication(ecr: &aws_sdk_ecr::Client) -> Vec<String> {
    let out = ecr.describe_registry().send().await.expect("DescribeRegistry");
    let rules = out.replication_configuration().map(|c| c.rules()).unwrap_or_default();
    rules
        .iter()
        .map(|r| {
            let regions: Vec<String> = r
                .destinations()
                .iter()
                .map(|d| format!("{}/{}", d.registry_id(), d.region()))
                .collect();
            let filters: Vec<String> = r
                .repository_filters()
                .iter()
                .map(|f| format!("{} {}", f.filter_type().as_str(), f.filter()))
                .collect();
            format!("{} | {}", regions.join(", "), filters.join(", "))
        })
        .collect()
}

fn replicated_to(second_region: &str) -> Vec<String> {
    vec![format!(
        "123456789012/us-west-2, 123456789012/{second_region} | PREFIX_MATCH prod-microservice"
    )]
}

/// Puts `rules` as the registry's replication rules.
async fn put_replication(ecr: &aws_sdk_ecr::Client, rules: Vec<aws_sdk_ecr::types::ReplicationRule>) {
    let config = aws_sdk_ecr::types::ReplicationConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .unwrap();
    ecr.put_replication_configuration()
        .replication_configuration(config)
        .send()
        .await
        .expect("PutReplicationConfiguration");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_replication_configuration_lives_its_whole_life() {
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    put_replication(&ecr, Vec::new()).await;
    let stack = Stack::from_files(&[("main.tf", REPLICATION)]);
    let run = |cmd: &[&str], region: &str| stack.run(&[cmd, &["-var", &format!("second_region={region}")]].concat());

    expect_code(&run(&["apply", "-auto-approve"], "eu-west-1"), 0);
    assert_eq!(replication(&ecr).await, replicated_to("eu-west-1"));
    assert_eq!(
        stack.state_id("aws_ecr_replication_configuration.this"),
        "123456789012",
        "the id is the account id"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], "eu-west-1"), 0);

    // A destination changes in place.
    stack.changes_in_place(
        "aws_ecr_replication_configuration.this",
        &["-var", "second_region=eu-central-1"],
    );
    assert_eq!(replication(&ecr).await, replicated_to("eu-central-1"));

    // Drift: a rule changed by hand is put back.
    let by_hand = aws_sdk_ecr::types::ReplicationRule::builder()
        .destinations(
            aws_sdk_ecr::types::ReplicationDestination::builder()
                .region("ap-southeast-2")
                .registry_id("123456789012")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    put_replication(&ecr, vec![by_hand]).await;
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], "eu-central-1"), 2);
    assert!(shown.contains("ap-southeast-2"), "{shown}");
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], "eu-central-1"), 0);
    assert_eq!(replication(&ecr).await, replicated_to("eu-central-1"));

    // Drift: the rules emptied by hand are put again.
    put_replication(&ecr, Vec::new()).await;
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], "eu-central-1"), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"], "eu-central-1"), 0);
    assert_eq!(replication(&ecr).await, replicated_to("eu-central-1"));

    // Imported by the account id, then a clean plan.
    stack.reimport_all(&["-var", "second_region=eu-central-1"]);
    assert_eq!(stack.state_id("aws_ecr_replication_configuration.this"), "123456789012");

    expect_code(&run(&["destroy", "-auto-approve"], "eu-central-1"), 0);
    assert!(replication(&ecr).await.is_empty(), "destroy left rules");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_replication_configuration_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the replication blueprint applied by Terraform") else {
        return;
    };
    let _turn = REGISTRY.lock().await;
    let ecr = ecr().await;
    put_replication(&ecr, Vec::new()).await;
    let stack = Stack::from_files(&[("main.tf", REPLICATION)]);
    let vars = ["-var", "second_region=eu-west-1"];
    terraform_applies_knowing_account(&tf, &stack, &["ecr", "sts"], &vars);
    assert_eq!(replication(&ecr).await, replicated_to("eu-west-1"), "Terraform's rules");
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert!(
        replication(&ecr).await.is_empty(),
        "destroying Terraform's configuration left rules"
    );
}

/// Destination regions and registry ids and filter types the provider refuses: refused by
/// `validate` in their blocks, before any call, and by Terraform's `validate`.
#[test]
fn replication_settings_the_provider_refuses_are_refused_at_validate() {
    let rule = |region: &str, registry: &str, filter_type: &str| {
        format!(
            "  replication_configuration {{\n    rule {{\n      destination {{\n        region      = \"{region}\"\n        registry_id = \"{registry}\"\n      }}\n      repository_filter {{\n        filter      = \"prod\"\n        filter_type = \"{filter_type}\"\n      }}\n    }}\n  }}"
        )
    };
    let bodies = [
        rule("Mars-1", "123456789012", "PREFIX_MATCH"),
        rule("us-west-2", "12345", "PREFIX_MATCH"),
        rule("us-west-2", "123456789012", "WILDCARD"),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_ecr_replication_configuration",
        &bodies,
        "the bad replication settings",
    );
}

const PULL_THROUGH_CACHE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "prefix" {
  type = string
}

variable "credential" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_secretsmanager_secret" "hub" {
  for_each    = toset(["first", "second"])
  name_prefix = "ecr-pullthroughcache/${var.prefix}-${each.key}-"
}

resource "aws_ecr_pull_through_cache_rule" "public" {
  ecr_repository_prefix = "${var.prefix}-public"
  upstream_registry_url = "public.ecr.aws"
}

resource "aws_ecr_pull_through_cache_rule" "hub" {
  ecr_repository_prefix = "${var.prefix}-hub"
  upstream_registry_url = "registry-1.docker.io"
  credential_arn        = aws_secretsmanager_secret.hub[var.credential].arn
}

resource "aws_ecr_pull_through_cache_rule" "private" {
  ecr_repository_prefix      = "${var.prefix}-private"
  upstream_registry_url      = "${data.aws_caller_identity.current.account_id}.dkr.ecr.us-west-2.amazonaws.com"
  upstream_repository_prefix = "myapp"
}
"#;

/// What ECR holds for a repository prefix: (upstream URL, credential ARN, upstream repository
/// prefix), or the error code it answers.
async fn cache_rule(
    ecr: &aws_sdk_ecr::Client,
    prefix: &str,
) -> Result<(String, Option<String>, Option<String>), String> {
    match ecr
        .describe_pull_through_cache_rules()
        .ecr_repository_prefixes(prefix)
        .send()
        .await
    {
        Ok(out) => {
            let r = &out.pull_through_cache_rules()[0];
            Ok((
                r.upstream_registry_url().unwrap_or_default().to_string(),
                r.credential_arn().map(str::to_string),
                r.upstream_repository_prefix().map(str::to_string),
            ))
        }
        Err(e) => Err(e.code().unwrap_or("?").to_string()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_through_cache_rules_live_their_whole_life() {
    let ecr = ecr().await;
    let prefix = unique("ptc");
    let stack = Stack::from_files(&[("main.tf", PULL_THROUGH_CACHE)]);
    let vars = |credential: &str| vec![format!("prefix={prefix}"), format!("credential={credential}")];
    let run = |cmd: &[&str], credential: &str| {
        let vs = vars(credential);
        stack.run(&[cmd, &["-var", &vs[0], "-var", &vs[1]]].concat())
    };
    let (public, hub, private) = (
        format!("{prefix}-public"),
        format!("{prefix}-hub"),
        format!("{prefix}-private"),
    );

    expect_code(&run(&["apply", "-auto-approve"], "first"), 0);
    let first = stack.state_id("aws_secretsmanager_secret.hub[\"first\"]");
    assert_eq!(
        cache_rule(&ecr, &public).await,
        Ok(("public.ecr.aws".into(), None, None))
    );
    assert_eq!(
        cache_rule(&ecr, &hub).await,
        Ok(("registry-1.docker.io".into(), Some(first.clone()), None))
    );
    assert_eq!(
        cache_rule(&ecr, &private).await,
        Ok((
            "123456789012.dkr.ecr.us-west-2.amazonaws.com".into(),
            None,
            Some("myapp".into())
        ))
    );
    assert_eq!(
        stack.state_id("aws_ecr_pull_through_cache_rule.hub"),
        hub,
        "the id is the prefix"
    );
    let state = stack.flat_state();
    let hub_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_ecr_pull_through_cache_rule.hub")
        .unwrap();
    assert_eq!(hub_state["attributes"]["registry_id"], "123456789012");
    expect_code(&run(&["plan", "-detailed-exitcode"], "first"), 0);

    // Another credential secret is put in place (UpdatePullThroughCacheRule).
    let second_vars = vars("second");
    let second_args = ["-var", second_vars[0].as_str(), "-var", second_vars[1].as_str()];
    stack.changes_in_place("aws_ecr_pull_through_cache_rule.hub", &second_args);
    let second = stack.state_id("aws_secretsmanager_secret.hub[\"second\"]");
    assert_eq!(cache_rule(&ecr, &hub).await.unwrap().1, Some(second.clone()));

    // Drift: a credential changed by hand is put back.
    ecr.update_pull_through_cache_rule()
        .ecr_repository_prefix(&hub)
        .credential_arn(&first)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &second_args);
    assert_eq!(cache_rule(&ecr, &hub).await.unwrap().1, Some(second));

    // Drift: a rule deleted by hand is made again.
    ecr.delete_pull_through_cache_rule()
        .ecr_repository_prefix(&public)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &second_args);
    assert!(cache_rule(&ecr, &public).await.is_ok());

    // Another upstream prefix replaces the rule, as in the provider (no update call takes it).
    stack.edit("main.tf", "\"myapp\"", "\"otherapp\"");
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"], "second"), 2);
    assert!(
        shown.contains("aws_ecr_pull_through_cache_rule.private must be replaced"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"], "second"), 0);
    assert_eq!(cache_rule(&ecr, &private).await.unwrap().2, Some("otherapp".into()));

    // Imported by the prefix, then a clean plan.
    stack.reimport_all(&second_args);
    assert_eq!(stack.state_id("aws_ecr_pull_through_cache_rule.private"), private);

    expect_code(&run(&["destroy", "-auto-approve"], "second"), 0);
    for p in [&public, &hub, &private] {
        assert_eq!(
            cache_rule(&ecr, p).await,
            Err("PullThroughCacheRuleNotFoundException".to_string()),
            "{p}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_through_cache_rules_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the pull through cache rules applied by Terraform") else {
        return;
    };
    let ecr = ecr().await;
    let prefix = unique("ptc");
    let stack = Stack::from_files(&[("main.tf", PULL_THROUGH_CACHE)]);
    let vars = ["-var", &format!("prefix={prefix}"), "-var", "credential=first"];
    terraform_applies(&tf, &stack, &["ecr", "secretsmanager", "sts"], &vars);
    let hub = format!("{prefix}-hub");
    assert!(cache_rule(&ecr, &hub).await.unwrap().1.is_some());
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        cache_rule(&ecr, &hub).await,
        Err("PullThroughCacheRuleNotFoundException".to_string())
    );
}

#[test]
fn bad_pull_through_cache_prefixes_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_ecr_pull_through_cache_rule",
        &[
            "ecr_repository_prefix = \"a\"\n  upstream_registry_url = \"public.ecr.aws\"",
            "ecr_repository_prefix = \"Upper\"\n  upstream_registry_url = \"public.ecr.aws\"",
            "ecr_repository_prefix = \"ok-prefix\"\n  upstream_registry_url = \"quay.io\"\n  upstream_repository_prefix = \"a-prefix-longer-than-thirty-characters\"",
            "ecr_repository_prefix = \"ok-prefix\"\n  upstream_registry_url = \"registry-1.docker.io\"\n  credential_arn = \"not-an-arn\"",
        ],
        "bad pull through cache rule values",
    );
}

const CREATION_TEMPLATES: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "prefix" {
  type = string
}

variable "description" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_iam_role" "ecr" {
  name_prefix = "rct-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecr.amazonaws.com" } }]
  })
}

resource "aws_kms_key" "images" {
  description             = "ECR images"
  deletion_window_in_days = 7
}

data "aws_iam_policy_document" "pull" {
  statement {
    sid     = "PrivateReadOnly"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_ecr_repository_creation_template" "cache" {
  prefix               = "${var.prefix}-cache"
  description          = var.description
  applied_for          = ["PULL_THROUGH_CACHE"]
  image_tag_mutability = "IMMUTABLE"
  custom_role_arn      = aws_iam_role.ecr.arn

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.images.arn
  }

  lifecycle_policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 5 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 5 }
      action       = { type = "expire" }
    }]
  })
  repository_policy = data.aws_iam_policy_document.pull.json

  resource_tags = {
    team = "platform"
  }
}

resource "aws_ecr_repository_creation_template" "replicated" {
  prefix      = "${var.prefix}/replicated"
  applied_for = ["REPLICATION", "PULL_THROUGH_CACHE"]
}
"#;

/// What ECR holds for a template prefix: (description, applied for, sorted; tag mutability,
/// encryption type, resource tags as `k=v`), or the error code it answers.
async fn creation_template(
    ecr: &aws_sdk_ecr::Client,
    prefix: &str,
) -> Result<(Option<String>, Vec<String>, Option<String>, Option<String>, Vec<String>), String> {
    match ecr
        .describe_repository_creation_templates()
        .prefixes(prefix)
        .send()
        .await
    {
        Ok(out) => {
            let t = &out.repository_creation_templates()[0];
            let mut applied: Vec<String> = t.applied_for().iter().map(|a| a.as_str().to_string()).collect();
            applied.sort();
            Ok((
                t.description().map(str::to_string),
                applied,
                t.image_tag_mutability().map(|m| m.as_str().to_string()),
                t.encryption_configuration()
                    .map(|e| e.encryption_type().as_str().to_string()),
                t.resource_tags()
                    .iter()
                    .map(|tag| format!("{}={}", tag.key(), tag.value()))
                    .collect(),
            ))
        }
        Err(e) => Err(e.code().unwrap_or("?").to_string()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn repository_creation_templates_live_their_whole_life() {
    let ecr = ecr().await;
    let prefix = unique("rct");
    let stack = Stack::from_files(&[("main.tf", CREATION_TEMPLATES)]);
    let vars = |description: &str| vec![format!("prefix={prefix}"), format!("description={description}")];
    let run = |cmd: &[&str], description: &str| {
        let vs = vars(description);
        stack.run(&[cmd, &["-var", &vs[0], "-var", &vs[1]]].concat())
    };
    let (cache, replicated) = (format!("{prefix}-cache"), format!("{prefix}/replicated"));

    expect_code(&run(&["apply", "-auto-approve"], "first"), 0);
    assert_eq!(
        creation_template(&ecr, &cache).await,
        Ok((
            Some("first".into()),
            vec!["PULL_THROUGH_CACHE".into()],
            Some("IMMUTABLE".into()),
            Some("KMS".into()),
            vec!["team=platform".into()]
        ))
    );
    let held = ecr
        .describe_repository_creation_templates()
        .prefixes(&cache)
        .send()
        .await
        .unwrap();
    let held = &held.repository_creation_templates()[0];
    assert_eq!(
        held.custom_role_arn(),
        Some(stack.state_str("aws_iam_role.ecr", "arn").as_str())
    );
    assert_eq!(
        held.encryption_configuration().and_then(|e| e.kms_key()),
        Some(stack.state_str("aws_kms_key.images", "arn").as_str())
    );
    let lifecycle: serde_json::Value = serde_json::from_str(held.lifecycle_policy().unwrap()).unwrap();
    assert_eq!(lifecycle["rules"][0]["selection"]["countNumber"], 5);
    assert_eq!(
        actions(held.repository_policy().unwrap()),
        serde_json::json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
    );
    assert_eq!(
        creation_template(&ecr, &replicated).await,
        Ok((
            None,
            vec!["PULL_THROUGH_CACHE".into(), "REPLICATION".into()],
            Some("MUTABLE".into()),
            None,
            vec![]
        ))
    );
    assert_eq!(
        stack.state_id("aws_ecr_repository_creation_template.cache"),
        cache,
        "the id is the prefix"
    );
    assert_eq!(
        stack.state_str("aws_ecr_repository_creation_template.cache", "registry_id"),
        "123456789012"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"], "first"), 0);

    // The description changes in place (UpdateRepositoryCreationTemplate).
    let second = vars("second");
    let second_args = ["-var", second[0].as_str(), "-var", second[1].as_str()];
    stack.changes_in_place("aws_ecr_repository_creation_template.cache", &second_args);
    assert_eq!(creation_template(&ecr, &cache).await.unwrap().0, Some("second".into()));

    // Drift: tag mutability and tags changed by hand are put back.
    ecr.update_repository_creation_template()
        .prefix(&cache)
        .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Mutable)
        .set_resource_tags(Some(vec![]))
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &second_args);
    let held = creation_template(&ecr, &cache).await.unwrap();
    assert_eq!(
        (held.2, held.4),
        (Some("IMMUTABLE".into()), vec!["team=platform".into()])
    );

    // Drift: a template deleted by hand is made again.
    ecr.delete_repository_creation_template()
        .prefix(&replicated)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &second_args);
    assert!(creation_template(&ecr, &replicated).await.is_ok());

    // Another prefix replaces the template, as in the provider.
    stack.edit("main.tf", "/replicated\"", "/mirrored\"");
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &second_args);
    assert!(
        shown.contains("aws_ecr_repository_creation_template.replicated must be replaced"),
        "{shown}"
    );
    let mirrored = format!("{prefix}/mirrored");
    assert!(creation_template(&ecr, &mirrored).await.is_ok());
    assert_eq!(
        creation_template(&ecr, &replicated).await,
        Err("TemplateNotFoundException".to_string())
    );

    // Imported by the prefix, then a clean plan.
    stack.reimport_all(&second_args);
    assert_eq!(
        stack.state_id("aws_ecr_repository_creation_template.replicated"),
        mirrored
    );

    expect_code(&run(&["destroy", "-auto-approve"], "second"), 0);
    for p in [&cache, &mirrored] {
        assert_eq!(
            creation_template(&ecr, p).await,
            Err("TemplateNotFoundException".to_string()),
            "{p}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn repository_creation_templates_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the repository creation templates applied by Terraform") else {
        return;
    };
    let ecr = ecr().await;
    let prefix = unique("rct");
    let stack = Stack::from_files(&[("main.tf", CREATION_TEMPLATES)]);
    let vars = ["-var", &format!("prefix={prefix}"), "-var", "description=first"];
    terraform_applies(&tf, &stack, &["ecr", "iam", "kms", "sts"], &vars);
    let cache = format!("{prefix}-cache");
    assert_eq!(creation_template(&ecr, &cache).await.unwrap().0, Some("first".into()));
    infractl_plans_clean(&stack, &vars);
    infractl_destroys_terraforms(&stack, &vars);
    assert_eq!(
        creation_template(&ecr, &cache).await,
        Err("TemplateNotFoundException".to_string())
    );
}

/// Values the provider refuses (its prefix length and pattern, `applied_for` values and count,
/// tag mutability and encryption types, description length, JSON policies, the role ARN):
/// refused by `validate` before any call, and by Terraform's `validate`.
#[test]
fn bad_repository_creation_template_values_are_refused_at_validate() {
    let long = "a".repeat(256);
    let bodies = [
        "prefix = \"x\"\n  applied_for = [\"REPLICATION\"]".to_string(),
        "prefix = \"UPPER!\"\n  applied_for = [\"REPLICATION\"]".to_string(),
        "prefix = \"ok\"\n  applied_for = []".to_string(),
        "prefix = \"ok\"\n  applied_for = [\"CREATE_ON_PUSH\"]".to_string(),
        "prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  image_tag_mutability = \"IMMUTABLE_WITH_EXCLUSION\"".to_string(),
        "prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  encryption_configuration {\n    encryption_type = \"BAD\"\n  }".to_string(),
        format!("prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  description = \"{long}\""),
        "prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  lifecycle_policy = \"{x\"".to_string(),
        "prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  repository_policy = \"nope\"".to_string(),
        "prefix = \"ok\"\n  applied_for = [\"REPLICATION\"]\n  custom_role_arn = \"role\"".to_string(),
    ];
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_ecr_repository_creation_template",
        &bodies,
        "bad repository creation template values",
    );
}
