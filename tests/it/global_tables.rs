//! DynamoDB global tables (version 2019.11.21) against the emulator, as terraform-aws-modules'
//! dynamodb-table `global-tables` example writes them: a table with `replica` blocks. Checks
//! that each replica is a table of its own in its region (with its own stream, point-in-time
//! recovery and, with `propagate_tags`, the table's tags), that the table lists them, a clean
//! second plan, a replica added and another's recovery switched on in place, a replica removed
//! (its table deleted in its region), and destroy removing the table everywhere. The same
//! blueprint applied by Terraform plans clean in infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, Stack, Terraform};

const REGION: &str = "eu-west-1";

/// The table with a replica in each of `replicas` (region, point-in-time recovery).
fn blueprint(replicas: &[(&str, bool)]) -> String {
    let blocks: String = replicas
        .iter()
        .map(|(region, pitr)| {
            format!(
                "\n  replica {{\n    region_name            = \"{region}\"\n    point_in_time_recovery = {pitr}\n    propagate_tags         = true\n  }}\n"
            )
        })
        .collect();
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_dynamodb_table" "global" {{
  name             = var.name
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {{
    name = "id"
    type = "S"
  }}

  attribute {{
    name = "title"
    type = "S"
  }}

  global_secondary_index {{
    name            = "TitleIndex"
    hash_key        = "title"
    projection_type = "ALL"
  }}

  tags = {{
    Team = "data"
  }}
{blocks}}}
"#
    )
}

async fn ddb(region: &str) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&sdk_config(region).await)
}

/// The table's description in `region`, `None` when there is no such table there.
async fn table_in(region: &str, name: &str) -> Option<aws_sdk_dynamodb::types::TableDescription> {
    match ddb(region).await.describe_table().table_name(name).send().await {
        Ok(o) => o.table().cloned(),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("describe {name} in {region}: {e:?}"),
    }
}

/// The regions the table in its own region lists as replicas, sorted.
async fn listed(name: &str) -> Vec<String> {
    let t = table_in(REGION, name).await.expect("the table");
    let mut r: Vec<String> = t
        .replicas()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    r.sort();
    r
}

async fn pitr_in(region: &str, name: &str) -> bool {
    let out = ddb(region)
        .await
        .describe_continuous_backups()
        .table_name(name)
        .send()
        .await
        .unwrap();
    out.continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .map(|s| s.as_str().to_string())
        == Some("ENABLED".into())
}

async fn tags_in(region: &str, arn: &str) -> Vec<(String, String)> {
    let out = ddb(region)
        .await
        .list_tags_of_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    out.tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The `replica` blocks infractl's state holds.
fn state_replicas(stack: &Stack) -> Vec<serde_json::Value> {
    stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_dynamodb_table.global")
        .unwrap()["attributes"]["replica"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_global_table_gains_changes_and_loses_replicas_in_their_regions() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(&[("eu-west-2", false)]))]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |args: &[&str]| stack.run(&[args, &["-var", var.as_str()]].concat());

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(listed(&name).await, vec!["eu-west-2".to_string()]);
    let replica = table_in("eu-west-2", &name)
        .await
        .expect("the replica table in eu-west-2");
    let replica_arn = replica.table_arn().unwrap().to_string();
    assert!(replica_arn.contains(":eu-west-2:"), "{replica_arn}");
    assert!(replica.latest_stream_arn().is_some(), "the replica has its own stream");
    assert_eq!(replica.global_secondary_indexes().len(), 1, "the index is replicated");
    assert!(!pitr_in("eu-west-2", &name).await);
    assert!(
        tags_in("eu-west-2", &replica_arn)
            .await
            .contains(&("Team".to_string(), "data".to_string())),
        "propagate_tags copies the table's tags to the replica"
    );
    let held = state_replicas(&stack);
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["arn"], replica_arn.as_str());
    assert_eq!(held[0]["stream_arn"], replica.latest_stream_arn().unwrap());
    assert_eq!(held[0]["propagate_tags"], true);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Recovery switched on for one replica and a second replica added: in place.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&[("eu-west-2", true), ("eu-central-1", false)]),
    )
    .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_dynamodb_table.global will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        listed(&name).await,
        vec!["eu-central-1".to_string(), "eu-west-2".to_string()]
    );
    assert!(pitr_in("eu-west-2", &name).await);
    assert!(table_in("eu-central-1", &name).await.is_some());
    assert_eq!(
        table_in("eu-west-2", &name).await.unwrap().table_arn(),
        Some(replica_arn.as_str()),
        "the first replica was changed, not made again"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A replica removed from the blueprint is deleted in its region; the others stay.
    std::fs::write(stack.path.join("main.tf"), blueprint(&[("eu-central-1", false)])).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("will be updated in-place"), "{out}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(listed(&name).await, vec!["eu-central-1".to_string()]);
    assert!(table_in("eu-west-2", &name).await.is_none());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    for region in [REGION, "eu-west-2", "eu-central-1"] {
        assert!(table_in(region, &name).await.is_none(), "a table is left in {region}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_global_table_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the global table blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", &blueprint(&[("eu-west-2", true)]))]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["dynamodb", "sts", "iam"], &["-var", &var]);
    assert_eq!(listed(&stack.name).await, vec!["eu-west-2".to_string()]);
    assert!(pitr_in("eu-west-2", &stack.name).await);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(table_in(REGION, &stack.name).await.is_none());
    assert!(table_in("eu-west-2", &stack.name).await.is_none());
}
