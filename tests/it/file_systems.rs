//! EFS (`aws_efs_file_system`, `aws_efs_mount_target`, `aws_efs_access_point`,
//! `aws_efs_file_system_policy`, `aws_efs_backup_policy`, `aws_efs_replication_configuration`):
//! an encrypted file system with lifecycle policies, a resource policy, backups and a replica in
//! another Region, a mount target in a subnet behind a
//! security group, and an access point with a POSIX user and a root directory, checked against
//! what the emulator holds (DescribeFileSystems, DescribeLifecycleConfiguration,
//! DescribeBackupPolicy, DescribeFileSystemPolicy, DescribeMountTargets and their security
//! groups, DescribeAccessPoints): a second plan clean, throughput, policies, backups, groups and
//! tags changed in place, drift made through the SDK found and put back (a removed resource
//! policy made again), the POSIX user changed (a replacement), imported by id, destroyed (gone
//! from the emulator); Terraform and infractl each plan clean after the other applied the same
//! blueprint; bad values refused at `validate`, as Terraform's `validate` refuses them.
use crate::interop::both_tools_plan_clean_after_the_other;
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, unique, write_zip, Stack, Terraform};
use aws_sdk_efs::Client;

const REGION: &str = "eu-west-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

variable "name" {
  type = string
}

variable "throughput_mode" {
  type    = string
  default = "bursting"
}

variable "mibps" {
  type    = number
  default = null
}

variable "archive" {
  type    = bool
  default = true
}

variable "group" {
  type    = string
  default = "first"
}

variable "uid" {
  type    = number
  default = 1000
}

variable "backups" {
  type    = string
  default = "ENABLED"
}

resource "aws_vpc" "main" {
  cidr_block = "10.71.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.71.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_security_group" "nfs" {
  for_each = toset(["first", "second"])
  name     = "${var.name}-${each.key}"
  vpc_id   = aws_vpc.main.id
}

resource "aws_efs_file_system" "shared" {
  creation_token                  = var.name
  encrypted                       = true
  throughput_mode                 = var.throughput_mode
  provisioned_throughput_in_mibps = var.mibps

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  dynamic "lifecycle_policy" {
    for_each = var.archive ? [1] : []
    content {
      transition_to_primary_storage_class = "AFTER_1_ACCESS"
    }
  }

  tags = {
    Name = var.name
  }
}

resource "aws_efs_mount_target" "a" {
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = aws_subnet.a.id
  security_groups = [aws_security_group.nfs[var.group].id]
}

resource "aws_efs_access_point" "app" {
  file_system_id = aws_efs_file_system.shared.id

  posix_user {
    gid = 1000
    uid = var.uid
  }

  root_directory {
    path = "/app"
    creation_info {
      owner_gid   = 1000
      owner_uid   = 1000
      permissions = "0755"
    }
  }

  tags = {
    Team = "storage"
  }
}

resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = aws_efs_file_system.shared.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_efs_backup_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id

  backup_policy {
    status = var.backups
  }
}

resource "aws_efs_replication_configuration" "dr" {
  source_file_system_id = aws_efs_file_system.shared.id

  destination {
    region = "eu-west-2"
  }
}

resource "aws_iam_role" "fn" {
  name = "${var.name}-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "reader" {
  function_name    = "${var.name}-reader"
  role             = aws_iam_role.fn.arn
  handler          = "index.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")

  vpc_config {
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_security_group.nfs["first"].id]
  }

  file_system_config {
    arn              = aws_efs_access_point.app.arn
    local_mount_path = "/mnt/shared"
  }

  depends_on = [aws_efs_mount_target.a]
}

output "dns_name" {
  value = aws_efs_file_system.shared.dns_name
}
"#;

/// A file system's creation token, name, encryption, throughput mode and provisioned
/// throughput, as the emulator holds them; `None` when it is gone.
async fn file_system(efs: &Client, id: &str) -> Option<(String, String, bool, String, Option<f64>)> {
    match efs.describe_file_systems().file_system_id(id).send().await {
        Ok(out) => out.file_systems().first().map(|fs| {
            (
                fs.creation_token().to_string(),
                fs.name().unwrap_or_default().to_string(),
                fs.encrypted().unwrap_or_default(),
                fs.throughput_mode().map(|t| t.as_str().to_string()).unwrap_or_default(),
                fs.provisioned_throughput_in_mibps(),
            )
        }),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_file_system_not_found()) => None,
        Err(e) => panic!("DescribeFileSystems {id}: {e:?}"),
    }
}

/// A file system's lifecycle policies, one `FIELD=VALUE` each.
async fn policies(efs: &Client, id: &str) -> Vec<String> {
    let out = efs
        .describe_lifecycle_configuration()
        .file_system_id(id)
        .send()
        .await
        .unwrap();
    out.lifecycle_policies()
        .iter()
        .map(
            |p| match (p.transition_to_ia(), p.transition_to_primary_storage_class()) {
                (Some(ia), _) => format!("ia={}", ia.as_str()),
                (_, Some(back)) => format!("primary={}", back.as_str()),
                _ => format!("{p:?}"),
            },
        )
        .collect()
}

/// A file system's backup status and resource policy statement ids, as the emulator holds
/// them (`None` for each it has not).
async fn policies_of(efs: &Client, id: &str) -> (Option<String>, Option<Vec<String>>) {
    let backup = efs
        .describe_backup_policy()
        .file_system_id(id)
        .send()
        .await
        .ok()
        .and_then(|o| o.backup_policy().map(|p| p.status().as_str().to_string()));
    let sids = efs
        .describe_file_system_policy()
        .file_system_id(id)
        .send()
        .await
        .ok()
        .and_then(|o| o.policy().map(str::to_string))
        .map(|p| {
            let doc: serde_json::Value = serde_json::from_str(&p).unwrap();
            doc["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
                .collect()
        });
    (backup, sids)
}

/// The access points a function mounts (ARN and path), and its log format, as the emulator
/// holds them.
async fn mounts(lambda: &aws_sdk_lambda::Client, function: &str) -> (Vec<(String, String)>, String) {
    let out = lambda.get_function().function_name(function).send().await.unwrap();
    let config = out.configuration().unwrap();
    (
        config
            .file_system_configs()
            .iter()
            .map(|f| (f.arn().to_string(), f.local_mount_path().to_string()))
            .collect(),
        config
            .logging_config()
            .and_then(|l| l.log_format())
            .map(|f| f.as_str().to_string())
            .unwrap_or_default(),
    )
}

/// A mount target's subnet and security groups; `None` when it is gone.
async fn mount_target(efs: &Client, id: &str) -> Option<(String, Vec<String>)> {
    match efs.describe_mount_targets().mount_target_id(id).send().await {
        Ok(out) => {
            let subnet = out.mount_targets().first()?.subnet_id().to_string();
            let groups = efs
                .describe_mount_target_security_groups()
                .mount_target_id(id)
                .send()
                .await
                .unwrap();
            Some((subnet, groups.security_groups().to_vec()))
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_mount_target_not_found()) => None,
        Err(e) => panic!("DescribeMountTargets {id}: {e:?}"),
    }
}

/// An access point's POSIX uid, root path and tags (`KEY=VALUE`); `None` when it is gone.
async fn access_point(efs: &Client, id: &str) -> Option<(i64, String, Vec<String>)> {
    match efs.describe_access_points().access_point_id(id).send().await {
        Ok(out) => out.access_points().first().map(|ap| {
            (
                ap.posix_user().map(|u| u.uid()).unwrap_or(-1),
                ap.root_directory()
                    .and_then(|r| r.path())
                    .unwrap_or_default()
                    .to_string(),
                ap.tags().iter().map(|t| format!("{}={}", t.key(), t.value())).collect(),
            )
        }),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_access_point_not_found()) => None,
        Err(e) => panic!("DescribeAccessPoints {id}: {e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_system_its_mount_target_and_access_point_live_their_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    write_zip(
        &stack.path.join("fn.zip"),
        "index.py",
        "def handler(event, context):\n    return 1\n",
    );
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let efs = Client::new(&sdk_config(REGION).await);
    let fs = stack.state_id("aws_efs_file_system.shared");
    assert_eq!(
        file_system(&efs, &fs).await,
        Some((name.clone(), name.clone(), true, "bursting".into(), None))
    );
    assert_eq!(
        policies(&efs, &fs).await,
        ["ia=AFTER_30_DAYS", "primary=AFTER_1_ACCESS"]
    );
    assert_eq!(stack.state_str("aws_efs_file_system.shared", "name"), name);
    let outputs: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(outputs["dns_name"]["value"], format!("{fs}.efs.{REGION}.amazonaws.com"));
    let subnet = stack.state_id("aws_subnet.a");
    let first = stack.state_id("aws_security_group.nfs[\"first\"]");
    let second = stack.state_id("aws_security_group.nfs[\"second\"]");
    let mt = stack.state_id("aws_efs_mount_target.a");
    assert_eq!(
        mount_target(&efs, &mt).await,
        Some((subnet.clone(), vec![first.clone()]))
    );
    assert_eq!(
        stack.state_str("aws_efs_mount_target.a", "availability_zone_name"),
        "eu-west-1a"
    );
    let ap = stack.state_id("aws_efs_access_point.app");
    let (uid, path, ap_tags) = access_point(&efs, &ap).await.expect("the access point");
    assert_eq!((uid, path.as_str()), (1000, "/app"));
    assert!(ap_tags.contains(&"Team=storage".to_string()), "{ap_tags:?}");
    assert_eq!(
        policies_of(&efs, &fs).await,
        (Some("ENABLED".into()), Some(vec!["TlsOnly".to_string()]))
    );
    // The replica: a file system EFS made in eu-west-2, replicating.
    assert_eq!(stack.state_id("aws_efs_replication_configuration.dr"), fs);
    let replica = stack.state_attr("aws_efs_replication_configuration.dr", "destination")[0]["file_system_id"]
        .as_str()
        .unwrap()
        .to_string();
    let efs_dr = Client::new(&sdk_config("eu-west-2").await);
    let protection = |answer: aws_sdk_efs::operation::describe_file_systems::DescribeFileSystemsOutput| {
        answer.file_systems()[0]
            .file_system_protection()
            .and_then(|p| p.replication_overwrite_protection())
            .map(|p| p.as_str().to_string())
    };
    let answer = efs_dr
        .describe_file_systems()
        .file_system_id(&replica)
        .send()
        .await
        .unwrap();
    assert_eq!(protection(answer).as_deref(), Some("REPLICATING"));

    // The function mounts the access point (and AWS's default log settings come back).
    let lambda = aws_sdk_lambda::Client::new(&sdk_config(REGION).await);
    let ap_arn = stack.state_str("aws_efs_access_point.app", "arn");
    assert_eq!(
        mounts(&lambda, &format!("{name}-reader")).await,
        (vec![(ap_arn.clone(), "/mnt/shared".to_string())], "Text".to_string())
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: provisioned throughput, one policy fewer, the other security group.
    let changed = [
        "-var",
        "throughput_mode=provisioned",
        "-var",
        "mibps=8",
        "-var",
        "archive=false",
        "-var",
        "group=second",
        "-var",
        "backups=DISABLED",
    ];
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(shown.contains("0 to add, 3 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(
        file_system(&efs, &fs).await.map(|f| (f.3, f.4)),
        Some(("provisioned".into(), Some(8.0)))
    );
    assert_eq!(policies(&efs, &fs).await, ["ia=AFTER_30_DAYS"]);
    assert_eq!(
        mount_target(&efs, &mt).await,
        Some((subnet.clone(), vec![second.clone()]))
    );
    assert_eq!(policies_of(&efs, &fs).await.0.as_deref(), Some("DISABLED"));
    expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // Drift: policies cleared, mount target groups and access point tags changed by hand; all
    // found and put back.
    efs.put_lifecycle_configuration()
        .file_system_id(&fs)
        .set_lifecycle_policies(Some(vec![]))
        .send()
        .await
        .unwrap();
    efs.modify_mount_target_security_groups()
        .mount_target_id(&mt)
        .security_groups(&first)
        .send()
        .await
        .unwrap();
    efs.untag_resource()
        .resource_id(&ap)
        .tag_keys("Team")
        .send()
        .await
        .unwrap();
    efs.delete_file_system_policy()
        .file_system_id(&fs)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 2);
    assert!(
        shown.contains("1 to add, 3 to change, 0 to destroy"),
        "the removed policy is made again: {shown}"
    );
    expect_code(&run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(policies(&efs, &fs).await, ["ia=AFTER_30_DAYS"]);
    assert_eq!(
        mount_target(&efs, &mt).await,
        Some((subnet.clone(), vec![second.clone()]))
    );
    assert!(access_point(&efs, &ap)
        .await
        .unwrap()
        .2
        .contains(&"Team=storage".to_string()));
    assert_eq!(policies_of(&efs, &fs).await.1, Some(vec!["TlsOnly".to_string()]));

    // The POSIX user replaces the access point.
    let other_user = [&changed[..], &["-var", "uid=2000"]].concat();
    let shown = expect_code(&run(&[&["plan", "-detailed-exitcode"][..], &other_user].concat()), 2);
    assert!(shown.contains("aws_efs_access_point.app must be replaced"), "{shown}");
    assert!(
        shown.contains("aws_lambda_function.reader will be updated in-place"),
        "the function follows the new access point: {shown}"
    );
    expect_code(&run(&[&["apply", "-auto-approve"][..], &other_user].concat()), 0);
    let replaced = stack.state_id("aws_efs_access_point.app");
    assert_ne!(replaced, ap);
    assert!(access_point(&efs, &ap).await.is_none());
    assert_eq!(access_point(&efs, &replaced).await.map(|a| a.0), Some(2000));
    let new_arn = stack.state_str("aws_efs_access_point.app", "arn");
    assert_eq!(
        mounts(&lambda, &format!("{name}-reader")).await.0,
        vec![(new_arn, "/mnt/shared".to_string())]
    );

    // Imported by id, then clean.
    let mut vars = vec!["-var", var.as_str()];
    vars.extend(&other_user);
    stack.reimport_all(&vars);

    expect_code(&run(&[&["destroy", "-auto-approve"][..], &other_user].concat()), 0);
    assert!(access_point(&efs, &replaced).await.is_none());
    assert!(mount_target(&efs, &mt).await.is_none());
    assert!(file_system(&efs, &fs).await.is_none());
    // The replication ended; its destination stays, writable again, as in AWS.
    let ended = efs_dr
        .describe_replication_configurations()
        .file_system_id(&replica)
        .send()
        .await;
    assert!(
        ended
            .as_ref()
            .err()
            .and_then(|e| e.as_service_error())
            .is_some_and(|e| e.is_replication_not_found()),
        "{ended:?}"
    );
    let answer = efs_dr
        .describe_file_systems()
        .file_system_id(&replica)
        .send()
        .await
        .unwrap();
    assert_eq!(protection(answer).as_deref(), Some("ENABLED"));
    efs_dr
        .delete_file_system()
        .file_system_id(&replica)
        .send()
        .await
        .unwrap();
}

/// Terraform and infractl keep the same file system, mount target and access point the same
/// way: each plans clean after the other applied them (the generated creation token, the
/// protection AWS reports, the root directory and security groups AWS fills in).
#[test]
fn terraform_and_infractl_agree_on_a_file_system_either_way() {
    let Some(tf) = Terraform::find("the EFS cross-check") else {
        return;
    };
    let name = unique("efs");
    let blueprint = format!(
        r#"
provider "aws" {{
  region = "eu-west-1"
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.72.0.0/16"
}}

resource "aws_subnet" "a" {{
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.72.1.0/24"
  availability_zone = "eu-west-1a"
}}

resource "aws_efs_file_system" "shared" {{
  lifecycle_policy {{
    transition_to_ia = "AFTER_7_DAYS"
  }}

  tags = {{
    Name = "{name}"
  }}
}}

resource "aws_efs_mount_target" "a" {{
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = aws_subnet.a.id
}}

resource "aws_efs_backup_policy" "shared" {{
  file_system_id = aws_efs_file_system.shared.id

  backup_policy {{
    status = "ENABLED"
  }}
}}

resource "aws_efs_file_system_policy" "shared" {{
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = "*" }}
      Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
      Resource  = aws_efs_file_system.shared.arn
      Condition = {{ Bool = {{ "elasticfilesystem:AccessedViaMountTarget" = "true" }} }}
    }}]
  }})
}}

resource "aws_efs_replication_configuration" "dr" {{
  source_file_system_id = aws_efs_file_system.shared.id

  destination {{
    region = "eu-west-2"
  }}
}}

resource "aws_efs_access_point" "app" {{
  file_system_id = aws_efs_file_system.shared.id

  posix_user {{
    gid            = 1000
    uid            = 1000
    secondary_gids = [2000]
  }}
}}
"#
    );
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["efs", "ec2", "sts"]);
}

/// Bad values refused by `validate` at their lines before any call, and by `terraform
/// validate`: a performance mode, throughput mode, lifecycle rule and protection value EFS does
/// not have, a creation token over 64 characters, a KMS key that is no ARN, a backup status
/// other than ENABLED or DISABLED, a resource policy that is no JSON, a mount target address
/// that is no IPv4 address.
#[test]
fn bad_file_systems_and_mount_targets_are_refused_at_validate() {
    each_case_refused_at_validate(
        "aws_efs_file_system",
        &[
            "  performance_mode = \"fast\"",
            "  throughput_mode = \"turbo\"",
            "  lifecycle_policy {\n    transition_to_ia = \"AFTER_2_DAYS\"\n  }",
            "  protection {\n    replication_overwrite = \"MAYBE\"\n  }",
            &format!("  creation_token = \"{}\"", "t".repeat(65)),
            "  kms_key_id = \"my-key\"",
        ],
        "the bad file systems",
    );
    each_case_refused_at_validate(
        "aws_efs_replication_configuration",
        &["  source_file_system_id = \"fs-1\"\n  destination {\n    region = \"Europe\"\n  }"],
        "the bad replication configurations",
    );
    each_case_refused_at_validate(
        "aws_efs_backup_policy",
        &["  file_system_id = \"fs-1\"\n  backup_policy {\n    status = \"ON\"\n  }"],
        "the bad backup policies",
    );
    each_case_refused_at_validate(
        "aws_efs_file_system_policy",
        &["  file_system_id = \"fs-1\"\n  policy = \"{not json\""],
        "the bad file system policies",
    );
    each_case_refused_at_validate(
        "aws_efs_mount_target",
        &["  file_system_id = \"fs-1\"\n  subnet_id = \"subnet-1\"\n  ip_address = \"10.0.0\""],
        "the bad mount targets",
    );
}

/// The data sources find what the SDK made, as Terraform's find it: a file system by creation
/// token and by id (with its lifecycle policy, size and tags), a tag filter that must match one
/// file system exactly, and an access point by id; both tools give the same outputs.
#[tokio::test(flavor = "multi_thread")]
async fn data_sources_find_file_systems_and_access_points_as_terraform_does() {
    let efs = Client::new(&sdk_config(REGION).await);
    let lookup = unique("efs-lookup");
    let tag = |k: &str, v: &str| aws_sdk_efs::types::Tag::builder().key(k).value(v).build().unwrap();
    let mut made = Vec::new();
    for n in 0..2 {
        let fs = efs
            .create_file_system()
            .creation_token(format!("{lookup}-{n}"))
            .tags(tag("Name", &format!("{lookup}-{n}")))
            .tags(tag("Lookup", &lookup))
            .send()
            .await
            .unwrap();
        made.push(fs.file_system_id().to_string());
    }
    efs.put_lifecycle_configuration()
        .file_system_id(&made[0])
        .lifecycle_policies(
            aws_sdk_efs::types::LifecyclePolicy::builder()
                .transition_to_ia(aws_sdk_efs::types::TransitionToIaRules::After14Days)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ap = efs
        .create_access_point()
        .file_system_id(&made[1])
        .posix_user(aws_sdk_efs::types::PosixUser::builder().uid(7).gid(8).build().unwrap())
        .send()
        .await
        .unwrap()
        .access_point_id()
        .unwrap()
        .to_string();
    let blueprint = format!(
        r#"
provider "aws" {{
  region = "eu-west-1"
}}

data "aws_efs_file_system" "by_token" {{
  creation_token = "{lookup}-0"
}}

data "aws_efs_file_system" "by_id_and_tag" {{
  file_system_id = "{fs1}"
  tags           = {{ Lookup = "{lookup}" }}
}}

data "aws_efs_access_point" "ap" {{
  access_point_id = "{ap}"
}}

output "by_token" {{
  value = [
    data.aws_efs_file_system.by_token.id,
    data.aws_efs_file_system.by_token.dns_name,
    data.aws_efs_file_system.by_token.name,
    data.aws_efs_file_system.by_token.throughput_mode,
    data.aws_efs_file_system.by_token.size_in_bytes,
    data.aws_efs_file_system.by_token.lifecycle_policy[0].transition_to_ia,
    data.aws_efs_file_system.by_token.tags,
  ]
}}

output "by_id_and_tag" {{
  value = [
    data.aws_efs_file_system.by_id_and_tag.creation_token,
    data.aws_efs_file_system.by_id_and_tag.arn,
    length(data.aws_efs_file_system.by_id_and_tag.lifecycle_policy),
  ]
}}

output "ap" {{
  value = [
    data.aws_efs_access_point.ap.file_system_id,
    data.aws_efs_access_point.ap.posix_user[0].uid,
    data.aws_efs_access_point.ap.root_directory[0].path,
  ]
}}
"#,
        fs1 = made[1]
    );
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let values = |out: &serde_json::Value| ["by_token", "by_id_and_tag", "ap"].map(|k| out[k]["value"].clone());
    let [by_token, by_id, by_ap] = values(&out);
    assert_eq!(
        by_token,
        serde_json::json!([
            made[0],
            format!("{}.efs.{REGION}.amazonaws.com", made[0]),
            format!("{lookup}-0"),
            "bursting",
            0,
            "AFTER_14_DAYS",
            {"Name": format!("{lookup}-0"), "Lookup": lookup}
        ])
    );
    assert_eq!(
        by_id,
        serde_json::json!([
            format!("{lookup}-1"),
            format!(
                "arn:aws:elasticfilesystem:{REGION}:123456789012:file-system/{}",
                made[1]
            ),
            0
        ])
    );
    assert_eq!(by_ap, serde_json::json!([made[1], 7, "/"]));

    // A tag filter matching both, and one matching none, fail with the provider's words.
    for (tags, error) in [
        (format!("Lookup = \"{lookup}\""), "multiple EFS file systems matched"),
        (
            "Lookup = \"no-such-file-system\"".to_string(),
            "no matching EFS file system found",
        ),
    ] {
        let more = format!("data \"aws_efs_file_system\" \"ambiguous\" {{\n  tags = {{ {tags} }}\n}}\n");
        std::fs::write(stack.path.join("more.tf"), more).unwrap();
        let shown = expect_code(&stack.run(&["plan"]), 1);
        assert!(shown.contains(error) && shown.contains("more.tf:1"), "{shown}");
        std::fs::remove_file(stack.path.join("more.tf")).unwrap();
    }

    if let Some(tf) = Terraform::find("the EFS data sources read by Terraform") {
        // Terraform applies the same lookups (nothing to make: only data sources and outputs).
        let _terraform = crate::interop::terraform_applied(&tf, &stack, &["efs", "sts"], &[]);
        let shown = crate::interop::tf_ok(&tf, &stack.path, &["output", "-json"]);
        let theirs: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(values(&theirs), [by_token, by_id, by_ap], "Terraform reads the same");
    }
    efs.delete_access_point().access_point_id(&ap).send().await.unwrap();
    for fs in &made {
        efs.delete_file_system().file_system_id(fs).send().await.unwrap();
    }
}
