//! KMS keys with imported material and multi-Region replicas: an external key given material
//! (wrapped under the public key the emulator hands out, which it decrypts as AWS does, so
//! wrongly wrapped material fails), one left waiting for material, a replica in another Region
//! of the external key given the same material, and a replica of a multi-Region AWS_KMS key
//! made through a provider alias. Checked against what the emulator holds in both Regions, then
//! changed in place (an expiry imports the material again; the key disabled), drift put back,
//! replicas imported by their ids, destroyed (all pending deletion); and the same blueprint
//! applied by Terraform, then planned by infractl.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, provider_override_for, terraform_applies};
use crate::kms::metadata;
use crate::support::{each_case_refused_at_validate, expect_code, flat_state, sdk_config, Stack, Terraform};
use aws_sdk_kms::types::{ExpirationModelType, KeyMetadata, KeyState, MultiRegionKeyType, OriginType};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "replica"
  region = "eu-west-1"
}

variable "name" {
  type = string
}

variable "material" {
  type      = string
  sensitive = true
  default   = "Wblj06fduthWggmsT0cLVoIMOkeLbc2kVfMud77i/JY="
}

variable "valid_to" {
  type    = string
  default = null
}

variable "enabled" {
  type    = bool
  default = true
}

resource "aws_kms_external_key" "imported" {
  description             = "${var.name} imported"
  key_material_base64     = var.material
  valid_to                = var.valid_to
  enabled                 = var.enabled
  multi_region            = true
  deletion_window_in_days = 7
  tags                    = { Name = var.name }
}

resource "aws_kms_external_key" "waiting" {
  description             = "${var.name} waiting"
  deletion_window_in_days = 7
}

# No `enabled`: the provider disables a key given material unless told otherwise.
resource "aws_kms_replica_external_key" "imported" {
  provider                = aws.replica
  primary_key_arn         = aws_kms_external_key.imported.arn
  key_material_base64     = var.material
  description             = "${var.name} imported replica"
  deletion_window_in_days = 7
}

resource "aws_kms_key" "primary" {
  description             = "${var.name} primary"
  multi_region            = true
  deletion_window_in_days = 7
}

resource "aws_kms_replica_key" "replica" {
  provider                = aws.replica
  primary_key_arn         = aws_kms_key.primary.arn
  description             = "${var.name} replica"
  deletion_window_in_days = 7
  tags                    = { Name = var.name }
}

output "replica_state" {
  value = aws_kms_replica_external_key.imported.key_state
}
"#;

const PRIMARY_REGION: &str = "us-east-1";
const REPLICA_REGION: &str = "eu-west-1";

async fn tag(kms: &aws_sdk_kms::Client, id: &str, key: &str) -> Option<String> {
    let out = kms.list_resource_tags().key_id(id).send().await.unwrap();
    out.tags()
        .iter()
        .find(|t| t.tag_key() == key)
        .map(|t| t.tag_value().to_string())
}

fn kind(m: &KeyMetadata) -> Option<&MultiRegionKeyType> {
    m.multi_region_configuration().and_then(|c| c.multi_region_key_type())
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_material_and_replicas_live_and_die_as_on_aws() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |args: &[&str]| stack.run(&[args, &["-var", &var]].concat());
    let shown = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("5 added, 0 changed, 0 destroyed"), "{shown}");

    let kms = aws_sdk_kms::Client::new(&sdk_config(PRIMARY_REGION).await);
    let replica_kms = aws_sdk_kms::Client::new(&sdk_config(REPLICA_REGION).await);
    let imported = stack.state_id("aws_kms_external_key.imported");
    let m = metadata(&kms, &imported).await;
    assert_eq!(m.origin(), Some(&OriginType::External));
    assert_eq!(m.key_state(), Some(&KeyState::Enabled), "the material was imported");
    assert_eq!(
        m.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialDoesNotExpire)
    );
    assert_eq!(kind(&m), Some(&MultiRegionKeyType::Primary));
    assert_eq!(tag(&kms, &imported, "Name").await.as_deref(), Some(stack.name.as_str()));
    assert_eq!(stack.state_str("aws_kms_external_key.imported", "key_state"), "Enabled");

    let waiting = stack.state_id("aws_kms_external_key.waiting");
    let m = metadata(&kms, &waiting).await;
    assert_eq!(m.key_state(), Some(&KeyState::PendingImport));
    assert!(!m.enabled());
    assert_eq!(stack.state_attr("aws_kms_external_key.waiting", "enabled"), false);
    assert_eq!(
        stack.state_attr("aws_kms_external_key.waiting", "expiration_model"),
        serde_json::Value::Null
    );

    // The replica of the external key shares its id, lives in the other Region, took the same
    // material (the emulator refuses other material) and was then disabled, as the provider
    // does when `enabled` is not set.
    let replica_ext = stack.state_id("aws_kms_replica_external_key.imported");
    assert_eq!(replica_ext, imported);
    let m = metadata(&replica_kms, &replica_ext).await;
    assert_eq!(kind(&m), Some(&MultiRegionKeyType::Replica));
    assert_eq!(m.key_state(), Some(&KeyState::Disabled));
    assert_eq!(
        m.description(),
        Some(format!("{} imported replica", stack.name).as_str())
    );
    assert_eq!(
        m.arn().unwrap(),
        stack.state_str("aws_kms_replica_external_key.imported", "arn")
    );
    assert!(m.arn().unwrap().contains(":eu-west-1:"));
    assert_eq!(
        stack.state_str("aws_kms_replica_external_key.imported", "primary_key_arn"),
        stack.state_str("aws_kms_external_key.imported", "arn")
    );

    let primary = stack.state_id("aws_kms_key.primary");
    let replica = stack.state_id("aws_kms_replica_key.replica");
    assert_eq!(replica, primary);
    let m = metadata(&replica_kms, &replica).await;
    assert_eq!(kind(&m), Some(&MultiRegionKeyType::Replica));
    assert_eq!(m.key_state(), Some(&KeyState::Enabled));
    assert_eq!(m.description(), Some(format!("{} replica", stack.name).as_str()));
    assert_eq!(
        tag(&replica_kms, &replica, "Name").await.as_deref(),
        Some(stack.name.as_str())
    );
    assert_eq!(
        tag(&kms, &primary, "Name").await,
        None,
        "tags are not shared with the primary"
    );
    let primary_m = metadata(&kms, &primary).await;
    assert_eq!(
        kind(&primary_m),
        Some(&MultiRegionKeyType::Primary),
        "the primary stays primary"
    );
    assert_eq!(primary_m.multi_region_configuration().unwrap().replica_keys().len(), 1);
    assert_eq!(
        stack.state_str("aws_kms_replica_key.replica", "key_spec"),
        "SYMMETRIC_DEFAULT"
    );
    assert_eq!(
        stack.state_attr("aws_kms_replica_key.replica", "key_rotation_enabled"),
        false
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // An expiry imports the material again, in place; disabling comes last.
    let valid_to = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let valid_to = valid_to
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let expiry = format!("valid_to={valid_to}");
    stack.changes_in_place("aws_kms_external_key.imported", &["-var", &var, "-var", &expiry]);
    let m = metadata(&kms, &imported).await;
    assert_eq!(m.expiration_model(), Some(&ExpirationModelType::KeyMaterialExpires));
    assert_eq!(
        m.valid_to().map(|t| t.secs()),
        Some(
            time::OffsetDateTime::parse(&valid_to, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp()
        )
    );
    assert_eq!(stack.state_str("aws_kms_external_key.imported", "valid_to"), valid_to);
    let changed = ["-var", &var, "-var", &expiry, "-var", "enabled=false"];
    stack.changes_in_place("aws_kms_external_key.imported", &changed);
    assert_eq!(metadata(&kms, &imported).await.key_state(), Some(&KeyState::Disabled));

    // Drift: the replica's description edited and its tag removed behind infractl's back.
    replica_kms
        .update_key_description()
        .key_id(&replica)
        .description("edited by hand")
        .send()
        .await
        .unwrap();
    replica_kms
        .untag_resource()
        .key_id(&replica)
        .tag_keys("Name")
        .send()
        .await
        .unwrap();
    let plan = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        plan.contains("aws_kms_replica_key.replica will be updated in-place"),
        "{plan}"
    );
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    let m = metadata(&replica_kms, &replica).await;
    assert_eq!(m.description(), Some(format!("{} replica", stack.name).as_str()));
    assert_eq!(
        tag(&replica_kms, &replica, "Name").await.as_deref(),
        Some(stack.name.as_str())
    );

    // The material is never read back, so only the types without it are imported by id (in
    // Terraform too an imported external key would be replaced to import its material).
    stack.reimport_all_but(&["aws_kms_external_key", "aws_kms_replica_external_key"], &changed[..]);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
    for (client, id) in [(&kms, &imported), (&kms, &waiting), (&kms, &primary)] {
        assert_eq!(
            metadata(client, id).await.key_state(),
            Some(&KeyState::PendingDeletion),
            "{id}"
        );
    }
    for id in [&replica_ext, &replica] {
        assert_eq!(
            metadata(&replica_kms, id).await.key_state(),
            Some(&KeyState::PendingDeletion),
            "{id}"
        );
    }
}

/// A replica of a key that is not a multi-Region primary fails with KMS's code and message, at
/// the replica's address, and nothing is recorded for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_replica_of_a_single_region_key_is_refused_by_kms() {
    let blueprint = r#"
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "replica"
  region = "eu-west-1"
}

resource "aws_kms_key" "single" {
  description             = "single-Region"
  deletion_window_in_days = 7
}

resource "aws_kms_replica_key" "replica" {
  provider        = aws.replica
  primary_key_arn = aws_kms_key.single.arn
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let out = expect_code(&stack.run(&["apply", "-auto-approve"]), 1);
    assert!(out.contains("aws_kms_replica_key.replica"), "{out}");
    assert!(out.contains("UnsupportedOperationException"), "{out}");
    assert!(out.contains("is not a multi-Region primary key"), "{out}");
    let state = stack.flat_state();
    let addresses: Vec<&str> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["aws_kms_key.single"]);
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the imported-material KMS blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let services = ["kms", "sts"];
    let alias = provider_override_for(&services).replacen(
        "provider \"aws\" {\n",
        "provider \"aws\" {\n  alias = \"replica\"\n",
        1,
    );
    std::fs::write(stack.path.join("zz_replica_override.tf"), alias).unwrap();
    terraform_applies(&tf, &stack, &services, &["-var", &var]);
    let replica_kms = aws_sdk_kms::Client::new(&sdk_config(REPLICA_REGION).await);
    let kept = std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap();
    let kept = flat_state(&kept);
    let replica = kept["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_kms_replica_external_key.imported")
        .expect("Terraform recorded the replica")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Terraform too disabled the replica given material without `enabled`.
    assert_eq!(
        metadata(&replica_kms, &replica).await.key_state(),
        Some(&KeyState::Disabled)
    );
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

/// Values the provider refuses at validate: refused by infractl's `validate` at their lines,
/// before any call, and by `terraform validate`.
#[test]
fn key_values_terraform_refuses_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_kms_external_key",
        &[
            r#"valid_to = "2026-11-21 23:20:50""#,
            "deletion_window_in_days = 6",
            r#"policy = "{not json""#,
        ],
        "the external key values the provider refuses",
    );
    each_case_refused_at_validate(
        "aws_kms_replica_key",
        &[r#"primary_key_arn = "mrk-1234""#],
        "the replica key values the provider refuses",
    );
}
