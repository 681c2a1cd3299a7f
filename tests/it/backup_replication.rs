//! Cross-region replication of a DB instance's automated backups
//! (`aws_db_instance_automated_backups_replication`), as the rds module's `complete-postgres`
//! example makes it: the instance in one region, the replication through a provider alias for
//! another, encrypted with a KMS key of that region. Checked against what the emulator holds in
//! both regions (the replicated backup `replicating` once apply returns, the source instance
//! listing it), a clean second plan, a new retention period replacing it (the old backup
//! retained), a replication stopped behind infractl's back found and started again, import by
//! the backup's ARN, destroy (the source lists nothing, the backup is retained); the same
//! blueprint applied by Terraform then planned clean by infractl; values that are no ARNs
//! refused at `validate`, as Terraform refuses them.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, provider_override_for, terraform_applies};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};

const SOURCE: &str = "eu-west-1";
const DESTINATION: &str = "eu-central-1";
const ADDRESS: &str = "aws_db_instance_automated_backups_replication.this";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "replica"
  region = "eu-central-1"
}

variable "name" {
  type = string
}

variable "retention" {
  type    = number
  default = 14
}

resource "aws_db_instance" "main" {
  identifier                  = "${var.name}-pg"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  backup_retention_period     = 1
  skip_final_snapshot         = true
  apply_immediately           = true
}

resource "aws_kms_key" "replica" {
  provider                = aws.replica
  description             = "${var.name} replicated backups"
  deletion_window_in_days = 7
}

resource "aws_db_instance_automated_backups_replication" "this" {
  provider = aws.replica

  source_db_instance_arn = aws_db_instance.main.arn
  kms_key_id             = aws_kms_key.replica.arn
  retention_period       = var.retention
}
"#;

fn stack() -> Stack {
    Stack::from_files(&[("main.tf", BLUEPRINT)])
}

/// A replicated backup as the destination region describes it: (status, retention, KMS key,
/// source ARN); `None` when it holds no backup of that ARN.
async fn replicated(rds: &aws_sdk_rds::Client, arn: &str) -> Option<(String, i32, String, String)> {
    match rds
        .describe_db_instance_automated_backups()
        .db_instance_automated_backups_arn(arn)
        .send()
        .await
    {
        Ok(o) => o.db_instance_automated_backups().first().map(|b| {
            (
                b.status().unwrap_or_default().to_string(),
                b.backup_retention_period().unwrap_or_default(),
                b.kms_key_id().unwrap_or_default().to_string(),
                b.db_instance_arn().unwrap_or_default().to_string(),
            )
        }),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_db_instance_automated_backup_not_found_fault()) =>
        {
            None
        }
        Err(e) => panic!("DescribeDBInstanceAutomatedBackups {arn}: {e:?}"),
    }
}

/// The replications the source instance lists (their backup ARNs).
async fn listed_by_source(rds: &aws_sdk_rds::Client, instance: &str) -> Vec<String> {
    let out = rds
        .describe_db_instances()
        .db_instance_identifier(instance)
        .send()
        .await
        .unwrap();
    out.db_instances()[0]
        .db_instance_automated_backups_replications()
        .iter()
        .filter_map(|r| r.db_instance_automated_backups_arn().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_replications_live_their_whole_life() {
    let stack = stack();
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let source_rds = aws_sdk_rds::Client::new(&sdk_config(SOURCE).await);
    let rds = aws_sdk_rds::Client::new(&sdk_config(DESTINATION).await);
    let instance = format!("{name}-pg");
    let source_arn = stack.state_str("aws_db_instance.main", "arn");
    let key_arn = stack.state_str("aws_kms_key.replica", "arn");
    assert!(key_arn.contains(":eu-central-1:"), "{key_arn}");
    let first = stack.state_id(ADDRESS);
    assert!(
        first.starts_with("arn:aws:rds:eu-central-1:") && first.contains(":auto-backup:ab-"),
        "the id is the replicated backup's ARN in the destination region: {first}"
    );
    // Replicating as soon as apply returns: the create waited out `pending`.
    assert_eq!(
        replicated(&rds, &first).await,
        Some(("replicating".to_string(), 14, key_arn.clone(), source_arn.clone()))
    );
    assert_eq!(
        listed_by_source(&source_rds, &instance).await,
        std::slice::from_ref(&first)
    );
    assert_eq!(stack.state_attr(ADDRESS, "retention_period"), 14);
    assert_eq!(stack.state_str(ADDRESS, "kms_key_id"), key_arn);
    assert_eq!(stack.state_str(ADDRESS, "source_db_instance_arn"), source_arn);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new retention period replaces the replication: the old backup is retained.
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", "retention=7"]), 2);
    assert!(shown.contains(&format!("{ADDRESS} must be replaced")), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", "retention=7"]), 0);
    let second = stack.state_id(ADDRESS);
    assert_ne!(second, first);
    assert_eq!(replicated(&rds, &first).await.unwrap().0, "retained");
    assert_eq!(
        replicated(&rds, &second).await,
        Some(("replicating".to_string(), 7, key_arn.clone(), source_arn.clone()))
    );
    assert_eq!(
        listed_by_source(&source_rds, &instance).await,
        std::slice::from_ref(&second)
    );
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", "retention=7"]), 0);

    // Drift: replication stopped by hand is found gone and started again.
    rds.stop_db_instance_automated_backups_replication()
        .source_db_instance_arn(&source_arn)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", "retention=7"]), 2);
    assert!(shown.contains(&format!("{ADDRESS} will be created")), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", "retention=7"]), 0);
    let third = stack.state_id(ADDRESS);
    assert_eq!(replicated(&rds, &third).await.unwrap().0, "replicating");
    assert_eq!(
        listed_by_source(&source_rds, &instance).await,
        std::slice::from_ref(&third)
    );

    // Import by the backup's ARN, then nothing to do; a retained backup's ARN imports nothing.
    expect_code(&stack.run(&["state", "rm", ADDRESS]), 0);
    let out = run(&["import", "-var", "retention=7", ADDRESS, &first]);
    assert_ne!(out.status.code(), Some(0), "imported a replication that has ended");
    expect_code(&run(&["import", "-var", "retention=7", ADDRESS, &third]), 0);
    assert_eq!(stack.state_id(ADDRESS), third);
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", "retention=7"]), 0);

    expect_code(&run(&["destroy", "-auto-approve", "-var", "retention=7"]), 0);
    assert_eq!(replicated(&rds, &third).await.unwrap().0, "retained");
    let gone = source_rds
        .describe_db_instances()
        .db_instance_identifier(&instance)
        .send()
        .await;
    assert!(gone.is_err(), "destroy left the source instance");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_replication_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the backup replication applied by Terraform") else {
        return;
    };
    let stack = stack();
    let var = format!("name={}", stack.name);
    let services = ["iam", "sts", "rds", "kms"];
    // The alias's own override, beside the one terraform_applied writes for the default provider.
    let alias = provider_override_for(&services).replacen(
        "provider \"aws\" {\n",
        "provider \"aws\" {\n  alias = \"replica\"\n",
        1,
    );
    std::fs::write(stack.path.join("zz_replica_override.tf"), alias).unwrap();
    terraform_applies(&tf, &stack, &services, &["-var", &var]);
    let rds = aws_sdk_rds::Client::new(&sdk_config(DESTINATION).await);
    let source_rds = aws_sdk_rds::Client::new(&sdk_config(SOURCE).await);
    let listed = listed_by_source(&source_rds, &format!("{}-pg", stack.name)).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let arn = &listed[0];
    assert_eq!(replicated(&rds, arn).await.unwrap().0, "replicating");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert_eq!(replicated(&rds, arn).await.unwrap().0, "retained");
}

/// Values the provider refuses at validate (a source or key that is no ARN): refused by
/// infractl's `validate` at their lines, before any call, and by `terraform validate`.
#[test]
fn backup_replication_values_terraform_refuses_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_db_instance_automated_backups_replication",
        &[
            r#"source_db_instance_arn = "orders-db""#,
            r#"source_db_instance_arn = "arn:aws:rds:eu-west-1:123456789012:db:orders"
  kms_key_id = "alias/backups""#,
        ],
        "the backup replication values the provider refuses",
    );
}
