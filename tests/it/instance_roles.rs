//! IAM roles associated with a DB instance (`aws_db_instance_role_association`), as the rds
//! module's `role-association-postgres` example makes them: one association per feature of a
//! PostgreSQL instance (`for_each` over feature → role), each role with a path. Checked against
//! what the emulator holds (DescribeDBInstances' AssociatedRoles, every one ACTIVE once apply
//! returns: the emulator reports a new role PENDING first, as RDS does), a clean second plan,
//! another role for a feature replacing its association, an association removed behind
//! infractl's back found and made again, import by `INSTANCE,ROLE_ARN` (and a malformed id
//! refused), one association removed from the blueprint and gone, destroy to nothing; the same
//! blueprint applied by Terraform then planned clean by infractl; a role that is no ARN refused
//! at `validate`, as Terraform refuses it.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};

const REGION: &str = "eu-west-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

variable "name" {
  type = string
}

# Feature name => the role (of aws_iam_role.this) RDS uses for it.
variable "associations" {
  type = map(string)
  default = {
    s3Import = "s3"
    Lambda   = "lambda"
  }
}

resource "aws_iam_role" "this" {
  for_each = toset(["s3", "lambda", "export"])
  name     = "${var.name}-${each.key}"
  path     = "/rds/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_db_instance" "main" {
  identifier                  = "${var.name}-pg"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app_admin"
  manage_master_user_password = true
  backup_retention_period     = 0
  skip_final_snapshot         = true
  apply_immediately           = true
}

resource "aws_db_instance_role_association" "this" {
  for_each = var.associations

  db_instance_identifier = aws_db_instance.main.identifier
  feature_name           = each.key
  role_arn               = aws_iam_role.this[each.value].arn
}
"#;

fn stack() -> Stack {
    Stack::from_files(&[("main.tf", BLUEPRINT)])
}

/// The roles the emulator lists for the instance, as (feature, role ARN, status), sorted by
/// feature; `None` when the instance does not exist.
async fn associated(rds: &aws_sdk_rds::Client, instance: &str) -> Option<Vec<(String, String, String)>> {
    match rds
        .describe_db_instances()
        .db_instance_identifier(instance)
        .send()
        .await
    {
        Ok(o) => {
            let mut roles: Vec<(String, String, String)> = o
                .db_instances()
                .first()
                .expect("the instance")
                .associated_roles()
                .iter()
                .map(|r| {
                    (
                        r.feature_name().unwrap_or_default().to_string(),
                        r.role_arn().unwrap_or_default().to_string(),
                        r.status().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            roles.sort();
            Some(roles)
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_db_instance_not_found_fault()) => None,
        Err(e) => panic!("DescribeDBInstances {instance}: {e:?}"),
    }
}

/// The ARN IAM gives a role of the stack.
async fn role_arn(iam: &aws_sdk_iam::Client, name: &str) -> String {
    let out = iam.get_role().role_name(name).send().await.unwrap();
    out.role().unwrap().arn().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_role_associations_live_their_whole_life() {
    let stack = stack();
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let iam = aws_sdk_iam::Client::new(&conf);
    let instance = format!("{name}-pg");
    let s3 = role_arn(&iam, &format!("{name}-s3")).await;
    let lambda = role_arn(&iam, &format!("{name}-lambda")).await;
    let export = role_arn(&iam, &format!("{name}-export")).await;
    assert!(s3.contains(":role/rds/"), "the role keeps its path: {s3}");
    // ACTIVE as soon as apply returns: the create waited out PENDING.
    assert_eq!(
        associated(&rds, &instance).await.unwrap(),
        vec![
            ("Lambda".to_string(), lambda.clone(), "ACTIVE".to_string()),
            ("s3Import".to_string(), s3.clone(), "ACTIVE".to_string()),
        ]
    );
    let s3_address = "aws_db_instance_role_association.this[\"s3Import\"]";
    let lambda_address = "aws_db_instance_role_association.this[\"Lambda\"]";
    assert_eq!(stack.state_id(s3_address), format!("{instance},{s3}"));
    assert_eq!(stack.state_id(lambda_address), format!("{instance},{lambda}"));
    let state = stack.flat_state();
    let s3_state = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == s3_address)
        .unwrap();
    assert_eq!(s3_state["attributes"]["feature_name"], "s3Import");
    assert_eq!(s3_state["attributes"]["db_instance_identifier"], instance.as_str());
    assert_eq!(s3_state["attributes"]["role_arn"], s3.as_str());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another role for s3Import: every argument forces a new association.
    let swapped = "associations={ s3Import = \"export\", Lambda = \"lambda\" }";
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", swapped]), 2);
    assert!(shown.contains(&format!("{s3_address} must be replaced")), "{shown}");
    assert!(shown.contains("forces replacement"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", swapped]), 0);
    assert_eq!(
        associated(&rds, &instance).await.unwrap(),
        vec![
            ("Lambda".to_string(), lambda.clone(), "ACTIVE".to_string()),
            ("s3Import".to_string(), export.clone(), "ACTIVE".to_string()),
        ]
    );
    assert_eq!(stack.state_id(s3_address), format!("{instance},{export}"));
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", swapped]), 0);

    // Drift: the Lambda role taken off the instance by hand is found missing and added again.
    rds.remove_role_from_db_instance()
        .db_instance_identifier(&instance)
        .role_arn(&lambda)
        .feature_name("Lambda")
        .send()
        .await
        .unwrap();
    assert_eq!(associated(&rds, &instance).await.unwrap().len(), 1);
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", swapped]), 2);
    assert!(shown.contains(&format!("{lambda_address} will be created")), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", swapped]), 0);
    assert!(
        associated(&rds, &instance).await.unwrap().contains(&(
            "Lambda".to_string(),
            lambda.clone(),
            "ACTIVE".to_string()
        )),
        "the association was not made again"
    );

    // Import by INSTANCE,ROLE_ARN, then nothing to do; a malformed id is refused.
    for (address, role) in [(s3_address, &export), (lambda_address, &lambda)] {
        expect_code(&stack.run(&["state", "rm", address]), 0);
        let id = format!("{instance},{role}");
        expect_code(&run(&["import", "-var", swapped, address, &id]), 0);
        assert_eq!(stack.state_id(address), id);
    }
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", swapped]), 0);
    expect_code(&stack.run(&["state", "rm", lambda_address]), 0);
    let shown = text(&run(&["import", "-var", swapped, lambda_address, &instance]));
    assert!(shown.contains("DB-INSTANCE-ID,ROLE-ARN"), "{shown}");
    let absent = format!("{instance},{s3}");
    let out = run(&["import", "-var", swapped, lambda_address, &absent]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "imported an association that does not exist"
    );
    expect_code(
        &run(&[
            "import",
            "-var",
            swapped,
            lambda_address,
            &format!("{instance},{lambda}"),
        ]),
        0,
    );

    // One association left out of the blueprint: removed from the instance.
    let only_s3 = "associations={ s3Import = \"export\" }";
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", only_s3]), 2);
    assert!(
        shown.contains(&format!("{lambda_address} will be destroyed")),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve", "-var", only_s3]), 0);
    assert_eq!(
        associated(&rds, &instance).await.unwrap(),
        vec![("s3Import".to_string(), export.clone(), "ACTIVE".to_string())]
    );

    expect_code(&run(&["destroy", "-auto-approve", "-var", only_s3]), 0);
    assert!(associated(&rds, &instance).await.is_none(), "destroy left the instance");
    let left = iam.get_role().role_name(format!("{name}-export")).send().await;
    assert!(left.is_err(), "destroy left the role");
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_role_associations_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the DB instance role associations applied by Terraform") else {
        return;
    };
    let stack = stack();
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["iam", "sts", "rds"], &["-var", &var]);
    let rds = aws_sdk_rds::Client::new(&sdk_config(REGION).await);
    let roles = associated(&rds, &format!("{}-pg", stack.name)).await.unwrap();
    let features: Vec<(&str, &str)> = roles.iter().map(|(f, _, s)| (f.as_str(), s.as_str())).collect();
    assert_eq!(features, [("Lambda", "ACTIVE"), ("s3Import", "ACTIVE")]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    assert!(associated(&rds, &format!("{}-pg", stack.name)).await.is_none());
}

/// The association's and the session context's values the provider refuses at validate (a
/// role or an ARN that is no ARN): refused by infractl's `validate` at their lines, before any
/// call (the endpoint is a closed port), and by `terraform validate` where it is installed.
#[test]
fn a_role_arn_that_is_no_arn_is_refused_at_validate() {
    let body = r#"provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_instance_role_association" "a" {
  db_instance_identifier = "pg"
  feature_name           = "s3Import"
  role_arn               = "rds-s3-import"
}

data "aws_iam_session_context" "c" {
  arn = "assumed-role/deployer/ci"
}
"#;
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:8"), "{shown}");
    assert!(shown.contains("role_arn"), "{shown}");
    assert!(shown.contains("main.tf:12"), "{shown}");
    assert!(
        !shown.to_lowercase().contains("dispatch failure"),
        "an AWS call was made:\n{shown}"
    );
    let Some(tf) = Terraform::init("terraform validate of a role_arn that is no ARN") else {
        return;
    };
    std::fs::write(tf.work().join("main.tf"), body).unwrap();
    let out = tf.run(&["validate", "-json", "-no-color"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("validate -json");
    let mut lines: Vec<u64> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["range"]["start"]["line"].as_u64())
        .collect();
    lines.sort();
    assert_eq!(lines, [8, 12], "terraform validate: {doc}");
}
