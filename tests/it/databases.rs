//! RDS against the emulator: a PostgreSQL instance with an RDS-managed master password (its
//! secret in Secrets Manager), encrypted storage and 7-day backups in a private subnet group with
//! its own parameter group, beside one whose password the blueprint gives. Checks what the
//! emulator holds, a clean second plan, a change in place and drift read back, import by
//! Terraform's ids, that no password reaches state or output, and destroy to nothing. The same
//! for Aurora: a Serverless v2 PostgreSQL cluster with a managed password and its writer, and a
//! MySQL cluster with a given one; and adoption of RDS objects after state is lost.

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "eu-west-1";

/// The stack with `retention` days of backups and one setting in each parameter group.
fn blueprint(retention: u32, parameter: (&str, &str), cluster_timezone: &str) -> String {
    let (param_name, param_value) = parameter;
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

variable "legacy_password" {{
  type      = string
  sensitive = true
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.40.0.0/16"
}}

resource "aws_subnet" "private" {{
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.40.0.0/16", 8, 10 + count.index)
  availability_zone = "{REGION}${{["a", "b"][count.index]}}"
}}

resource "aws_security_group" "db" {{
  name   = "${{var.name}}-rds"
  vpc_id = aws_vpc.main.id
}}

resource "aws_db_subnet_group" "main" {{
  name       = "${{var.name}}-db"
  subnet_ids = aws_subnet.private[*].id
  tags       = {{ Tier = "private" }}
}}

resource "aws_db_parameter_group" "pg16" {{
  name   = "${{var.name}}-pg16"
  family = "postgres16"

  parameter {{
    name  = "{param_name}"
    value = "{param_value}"
  }}
}}

resource "aws_rds_cluster_parameter_group" "aurora" {{
  name        = "${{var.name}}-aurora16"
  family      = "aurora-postgresql16"
  description = "Aurora settings"

  parameter {{
    name         = "timezone"
    value        = "{cluster_timezone}"
    apply_method = "pending-reboot"
  }}
}}

resource "aws_db_instance" "main" {{
  identifier                  = "${{var.name}}-db"
  engine                      = "postgres"
  engine_version              = "16.3"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  storage_type                = "gp3"
  storage_encrypted           = true
  db_name                     = "tap"
  username                    = "tap_admin"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.main.name
  parameter_group_name        = aws_db_parameter_group.pg16.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  publicly_accessible         = false
  backup_retention_period     = {retention}
  backup_window               = "03:00-04:00"
  maintenance_window          = "Mon:04:30-Mon:05:30"
  apply_immediately           = true
  skip_final_snapshot         = true
  deletion_protection         = false
  tags                        = {{ App = "tap" }}
}}

resource "aws_db_instance" "legacy" {{
  identifier           = "${{var.name}}-legacy"
  engine               = "postgres"
  instance_class       = "db.t4g.micro"
  allocated_storage    = 20
  username             = "legacy"
  password             = var.legacy_password
  db_subnet_group_name = aws_db_subnet_group.main.name
  skip_final_snapshot  = true
}}

output "secret_arn" {{
  value = aws_db_instance.main.master_user_secret[0].secret_arn
}}

output "endpoint" {{
  value = aws_db_instance.main.endpoint
}}
"#
    )
}

/// Name and value of each parameter.
fn named_values(params: &[aws_sdk_rds::types::Parameter]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap_or_default().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_with_a_managed_password_backups_and_its_groups() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(7, ("log_min_duration_statement", "500"), "UTC"))]);
    let name = stack.name.clone();
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let vars = [
        "-var".to_string(),
        format!("name={name}"),
        "-var".to_string(),
        format!("legacy_password={canary}"),
    ];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let no_canary = |what: &str, t: &str| assert!(!t.contains(&canary), "{what} shows the password:\n{t}");

    no_canary("plan", &expect_code(&run(&["plan"]), 0));
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    no_canary("apply", &out);
    no_canary("state", &std::fs::read_to_string(stack.state_file()).unwrap());

    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let describe = |identifier: String| {
        let rds = rds.clone();
        async move {
            rds.describe_db_instances()
                .db_instance_identifier(identifier)
                .send()
                .await
                .ok()
                .and_then(|o| o.db_instances().first().cloned())
        }
    };
    let db = describe(format!("{name}-db")).await.expect("the instance exists");
    assert_eq!(db.engine(), Some("postgres"));
    assert_eq!(db.engine_version(), Some("16.3"));
    assert_eq!(db.db_instance_class(), Some("db.t4g.micro"));
    assert_eq!(db.storage_type(), Some("gp3"));
    assert_eq!(db.allocated_storage(), Some(20));
    assert_eq!(db.storage_encrypted(), Some(true));
    assert_eq!(db.publicly_accessible(), Some(false));
    assert_eq!(db.backup_retention_period(), Some(7));
    assert_eq!(db.preferred_backup_window(), Some("03:00-04:00"));
    assert_eq!(db.db_name(), Some("tap"));
    assert_eq!(db.master_username(), Some("tap_admin"));
    assert_eq!(
        db.db_subnet_group().and_then(|g| g.db_subnet_group_name()),
        Some(format!("{name}-db").as_str())
    );
    assert_eq!(db.db_subnet_group().map(|g| g.subnets().len()), Some(2));
    assert_eq!(
        db.db_parameter_groups()
            .first()
            .and_then(|g| g.db_parameter_group_name()),
        Some(format!("{name}-pg16").as_str())
    );
    let sg = stack.state_id("aws_security_group.db");
    assert_eq!(
        db.vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id())
            .collect::<Vec<_>>(),
        vec![sg.as_str()]
    );
    assert!(db
        .tag_list()
        .iter()
        .any(|t| t.key() == Some("App") && t.value() == Some("tap")));
    // The id is the resource id, as the provider's since 5.0.
    assert_eq!(
        stack.state_id("aws_db_instance.main"),
        db.dbi_resource_id().unwrap().to_string()
    );
    // RDS keeps the master password in a Secrets Manager secret of its own.
    let secret_arn = db
        .master_user_secret()
        .and_then(|s| s.secret_arn())
        .expect("a managed master secret")
        .to_string();
    sm.describe_secret()
        .secret_id(&secret_arn)
        .send()
        .await
        .expect("the managed secret exists");
    assert!(out.contains(&secret_arn), "the secret's ARN is an output:\n{out}");
    let params = rds
        .describe_db_parameters()
        .db_parameter_group_name(format!("{name}-pg16"))
        .source("user")
        .send()
        .await
        .unwrap();
    assert!(params
        .parameters()
        .iter()
        .any(|p| p.parameter_name() == Some("log_min_duration_statement") && p.parameter_value() == Some("500")));
    let user_params = |group: String| {
        let rds = rds.clone();
        async move {
            let out = rds
                .describe_db_parameters()
                .db_parameter_group_name(group)
                .source("user")
                .send()
                .await
                .unwrap();
            named_values(out.parameters())
        }
    };
    let cluster_params = |group: String| {
        let rds = rds.clone();
        async move {
            let out = rds
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(group)
                .source("user")
                .send()
                .await
                .unwrap();
            named_values(out.parameters())
        }
    };
    assert_eq!(
        cluster_params(format!("{name}-aurora16")).await,
        vec![("timezone".to_string(), "UTC".to_string())]
    );
    let legacy = describe(format!("{name}-legacy")).await.expect("the second instance");
    assert!(legacy.master_user_secret().is_none());
    assert_ne!(legacy.dbi_resource_id(), db.dbi_resource_id());

    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: 7 days of backups become 14, applied now; one parameter is reset to the
    // engine's default and another set; the cluster group's value changes.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(14, ("log_connections", "1"), "Europe/Dublin"),
    )
    .unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 3 changed, 0 destroyed"), "{out}");
    assert_eq!(
        user_params(format!("{name}-pg16")).await,
        vec![("log_connections".to_string(), "1".to_string())]
    );
    assert_eq!(
        cluster_params(format!("{name}-aurora16")).await,
        vec![("timezone".to_string(), "Europe/Dublin".to_string())]
    );
    no_canary("apply", &out);
    let after = describe(format!("{name}-db")).await.unwrap();
    assert_eq!(after.backup_retention_period(), Some(14));
    assert_eq!(after.dbi_resource_id(), db.dbi_resource_id(), "changed in place");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: retention changed outside is seen and put back.
    rds.modify_db_instance()
        .db_instance_identifier(format!("{name}-db"))
        .backup_retention_period(3)
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("backup_retention_period") && out.contains("3 -> 14"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        describe(format!("{name}-db")).await.unwrap().backup_retention_period(),
        Some(14)
    );

    // A new password is sent, and still kept out of state and output.
    let rotated = format!("rotated-{}", uuid::Uuid::new_v4().simple());
    let vars2 = [format!("-var=name={name}"), format!("-var=legacy_password={rotated}")];
    let out = expect_code(&stack.run(&["plan", "-detailed-exitcode", &vars2[0], &vars2[1]]), 2);
    assert!(out.contains("password") && !out.contains(&rotated), "{out}");
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &vars2[0], &vars2[1]]), 0);
    assert!(!out.contains(&rotated), "{out}");
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(
        !state.contains(&rotated) && !state.contains(&canary),
        "state holds a password"
    );
    assert!(state.contains("sha256:"), "state keeps the password's digest");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &vars2[0], &vars2[1]]), 0);

    // AWS refuses to delete a subnet group in use (the emulator is patched to, as AWS does).
    let refused = rds
        .delete_db_subnet_group()
        .db_subnet_group_name(format!("{name}-db"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&refused),
        Some("InvalidDBSubnetGroupStateFault")
    );

    stack.reimport_all(&[&vars2[0][..], &vars2[1][..]]);

    let out = expect_code(&stack.run(&["destroy", "-auto-approve", &vars2[0], &vars2[1]]), 0);
    assert!(!out.contains(&rotated), "{}", text(&stack.run(&["show"])));
    assert!(describe(format!("{name}-db")).await.is_none());
    assert!(describe(format!("{name}-legacy")).await.is_none());
    assert!(rds
        .describe_db_subnet_groups()
        .db_subnet_group_name(format!("{name}-db"))
        .send()
        .await
        .is_err());
    assert!(rds
        .describe_db_cluster_parameter_groups()
        .db_cluster_parameter_group_name(format!("{name}-aurora16"))
        .send()
        .await
        .map_or(true, |o| o.db_cluster_parameter_groups().is_empty()));
    // AWS answers DBParameterGroupNotFound; moto an empty list.
    assert!(rds
        .describe_db_parameter_groups()
        .db_parameter_group_name(format!("{name}-pg16"))
        .send()
        .await
        .map_or(true, |o| o.db_parameter_groups().is_empty()));
    // The managed secret goes with its instance.
    let gone = match sm.describe_secret().secret_id(&secret_arn).send().await {
        Err(_) => true,
        Ok(s) => s.deleted_date().is_some(),
    };
    assert!(gone, "the managed secret outlived its instance");
}

const ADOPTED: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.41.0.0/16"
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.41.0.0/16", 8, count.index)
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

resource "aws_db_subnet_group" "main" {
  name_prefix = "adopt-"
  subnet_ids  = aws_subnet.private[*].id
}

resource "aws_db_parameter_group" "main" {
  name_prefix = "adopt-"
  family      = "postgres16"
}

resource "aws_rds_cluster_parameter_group" "main" {
  name_prefix = "adopt-"
  family      = "aurora-postgresql16"
}

resource "aws_db_instance" "main" {
  identifier_prefix           = "adopt-"
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.main.name
  parameter_group_name        = aws_db_parameter_group.main.name
  skip_final_snapshot         = true
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn generated_names_are_adopted_by_tags_when_state_is_lost() {
    let stack = Stack::from_files(&[("main.tf", ADOPTED)]);
    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let owned = || {
        let rds = rds.clone();
        let stack_name = stack.name.clone();
        async move {
            let out = rds.describe_db_instances().send().await.unwrap();
            out.db_instances()
                .iter()
                .filter(|i| {
                    i.tag_list()
                        .iter()
                        .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(stack_name.as_str()))
                })
                .filter_map(|i| i.db_instance_identifier().map(str::to_string))
                .collect::<Vec<_>>()
        }
    };
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let made = owned().await;
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(made[0].starts_with("adopt-"), "{made:?}");
    let group = stack.state_id("aws_db_subnet_group.main");
    let params = stack.state_id("aws_db_parameter_group.main");
    let cluster_params = stack.state_id("aws_rds_cluster_parameter_group.main");

    // State is lost (as after a run killed before it could save): the next apply adopts the
    // instance and both groups by their tags instead of making new ones.
    std::fs::remove_file(stack.state_file()).unwrap();
    let out = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("adopting"), "{out}");
    assert_eq!(owned().await, made);
    assert_eq!(stack.state_id("aws_db_subnet_group.main"), group);
    assert_eq!(stack.state_id("aws_db_parameter_group.main"), params);
    assert_eq!(stack.state_id("aws_rds_cluster_parameter_group.main"), cluster_params);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(owned().await.is_empty());
    assert!(rds
        .describe_db_subnet_groups()
        .db_subnet_group_name(&group)
        .send()
        .await
        .is_err());
}

/// An Aurora PostgreSQL Serverless v2 cluster with an RDS-managed password, its writer and its
/// groups, beside an Aurora MySQL cluster whose password the blueprint gives: `retention` days
/// of backups, `max_acu` capacity units at most and the writer's promotion `tier`.
fn aurora(retention: u32, max_acu: f64, tier: u32) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

variable "mysql_password" {{
  type      = string
  sensitive = true
}}

resource "aws_vpc" "main" {{
  cidr_block = "10.42.0.0/16"
}}

resource "aws_subnet" "private" {{
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.42.0.0/16", 8, count.index)
  availability_zone = "{REGION}${{["a", "b"][count.index]}}"
}}

resource "aws_security_group" "db" {{
  name   = "${{var.name}}-aurora"
  vpc_id = aws_vpc.main.id
}}

resource "aws_db_subnet_group" "main" {{
  name       = "${{var.name}}-aurora"
  subnet_ids = aws_subnet.private[*].id
}}

resource "aws_rds_cluster_parameter_group" "main" {{
  name   = "${{var.name}}-aurora-pg16"
  family = "aurora-postgresql16"
}}

resource "aws_rds_cluster" "main" {{
  cluster_identifier              = "${{var.name}}-pg"
  engine                          = "aurora-postgresql"
  engine_version                  = "16.4"
  database_name                   = "tap"
  master_username                 = "tap_admin"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.main.name
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.main.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  storage_encrypted               = true
  backup_retention_period         = {retention}
  preferred_backup_window         = "03:00-04:00"
  preferred_maintenance_window    = "Sun:05:00-Sun:06:00"
  apply_immediately               = true
  skip_final_snapshot             = true
  deletion_protection             = false
  tags                            = {{ App = "tap" }}

  serverlessv2_scaling_configuration {{
    min_capacity = 0.5
    max_capacity = {max_acu}
  }}
}}

resource "aws_rds_cluster_instance" "writer" {{
  identifier          = "${{var.name}}-pg-1"
  cluster_identifier  = aws_rds_cluster.main.id
  engine              = aws_rds_cluster.main.engine
  engine_version      = aws_rds_cluster.main.engine_version
  instance_class      = "db.serverless"
  promotion_tier      = {tier}
  publicly_accessible = false
  apply_immediately   = true
}}

resource "aws_rds_cluster" "mysql" {{
  cluster_identifier  = "${{var.name}}-my"
  engine              = "aurora-mysql"
  master_username     = "admin"
  master_password     = var.mysql_password
  skip_final_snapshot = true
}}

output "cluster_secret_arn" {{
  value = aws_rds_cluster.main.master_user_secret[0].secret_arn
}}

output "writer_is_writer" {{
  value = aws_rds_cluster_instance.writer.writer
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn aurora_serverless_cluster_with_its_writer_changed_in_place_and_destroyed() {
    let stack = Stack::from_files(&[("main.tf", &aurora(7, 2.0, 0))]);
    let name = stack.name.clone();
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let vars = [format!("-var=name={name}"), format!("-var=mysql_password={canary}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let no_canary = |what: &str, t: &str| assert!(!t.contains(&canary), "{what} shows the password:\n{t}");

    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    no_canary("apply", &out);
    no_canary("state", &std::fs::read_to_string(stack.state_file()).unwrap());
    assert!(out.contains("writer_is_writer = true"), "{out}");

    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let cluster = |identifier: String| {
        let rds = rds.clone();
        async move {
            rds.describe_db_clusters()
                .db_cluster_identifier(identifier)
                .send()
                .await
                .ok()
                .and_then(|o| o.db_clusters().first().cloned())
        }
    };
    let instance = |identifier: String| {
        let rds = rds.clone();
        async move {
            rds.describe_db_instances()
                .db_instance_identifier(identifier)
                .send()
                .await
                .ok()
                .and_then(|o| o.db_instances().first().cloned())
        }
    };
    let pg = cluster(format!("{name}-pg")).await.expect("the cluster exists");
    assert_eq!(pg.engine(), Some("aurora-postgresql"));
    assert_eq!(pg.engine_version(), Some("16.4"));
    assert_eq!(pg.engine_mode(), Some("provisioned"));
    assert_eq!(pg.database_name(), Some("tap"));
    assert_eq!(pg.master_username(), Some("tap_admin"));
    assert_eq!(pg.storage_encrypted(), Some(true));
    assert_eq!(pg.backup_retention_period(), Some(7));
    assert_eq!(pg.preferred_backup_window(), Some("03:00-04:00"));
    assert_eq!(
        pg.preferred_maintenance_window().map(str::to_lowercase).as_deref(),
        Some("sun:05:00-sun:06:00")
    );
    assert_eq!(pg.db_subnet_group(), Some(format!("{name}-aurora").as_str()));
    assert_eq!(
        pg.db_cluster_parameter_group(),
        Some(format!("{name}-aurora-pg16").as_str())
    );
    let sg = stack.state_id("aws_security_group.db");
    assert_eq!(
        pg.vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id())
            .collect::<Vec<_>>(),
        vec![sg.as_str()]
    );
    let scaling = pg.serverless_v2_scaling_configuration().expect("Serverless v2 scaling");
    assert_eq!((scaling.min_capacity(), scaling.max_capacity()), (Some(0.5), Some(2.0)));
    assert!(pg
        .tag_list()
        .iter()
        .any(|t| t.key() == Some("App") && t.value() == Some("tap")));
    assert_eq!(stack.state_id("aws_rds_cluster.main"), format!("{name}-pg"));
    let secret_arn = pg
        .master_user_secret()
        .and_then(|s| s.secret_arn())
        .expect("a managed master secret")
        .to_string();
    sm.describe_secret()
        .secret_id(&secret_arn)
        .send()
        .await
        .expect("the managed secret exists");
    assert!(out.contains(&secret_arn), "the secret's ARN is an output:\n{out}");
    let members: Vec<_> = pg
        .db_cluster_members()
        .iter()
        .map(|m| {
            (
                m.db_instance_identifier().unwrap_or_default().to_string(),
                m.is_cluster_writer(),
            )
        })
        .collect();
    assert_eq!(members, vec![(format!("{name}-pg-1"), Some(true))]);
    let writer = instance(format!("{name}-pg-1")).await.expect("the writer exists");
    assert_eq!(writer.db_cluster_identifier(), Some(format!("{name}-pg").as_str()));
    assert_eq!(writer.db_instance_class(), Some("db.serverless"));
    assert_eq!(writer.publicly_accessible(), Some(false));
    assert_eq!(writer.promotion_tier(), Some(0));
    let my = cluster(format!("{name}-my")).await.expect("the MySQL cluster exists");
    assert!(my.master_user_secret().is_none());
    assert_eq!(my.engine(), Some("aurora-mysql"));

    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: 14 days of backups, up to 4 ACUs, the writer's tier; both applied now.
    std::fs::write(stack.path.join("main.tf"), aurora(14, 4.0, 1)).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    let after = cluster(format!("{name}-pg")).await.unwrap();
    assert_eq!(after.backup_retention_period(), Some(14));
    assert_eq!(
        after
            .serverless_v2_scaling_configuration()
            .and_then(|s| s.max_capacity()),
        Some(4.0)
    );
    assert_eq!(
        after.db_cluster_resource_id(),
        pg.db_cluster_resource_id(),
        "changed in place"
    );
    let writer_after = instance(format!("{name}-pg-1")).await.unwrap();
    assert_eq!(writer_after.promotion_tier(), Some(1));
    assert_eq!(
        writer_after.dbi_resource_id(),
        writer.dbi_resource_id(),
        "changed in place"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: retention changed outside is seen and put back.
    rds.modify_db_cluster()
        .db_cluster_identifier(format!("{name}-pg"))
        .backup_retention_period(3)
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("backup_retention_period") && out.contains("3 -> 14"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        cluster(format!("{name}-pg")).await.unwrap().backup_retention_period(),
        Some(14)
    );

    // A new MySQL password is sent in place, and still kept out of state and output.
    let rotated = format!("rotated-{}", uuid::Uuid::new_v4().simple());
    let vars2 = [format!("-var=name={name}"), format!("-var=mysql_password={rotated}")];
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &vars2[0], &vars2[1]]), 0);
    assert!(
        out.contains("0 added, 1 changed, 0 destroyed") && !out.contains(&rotated),
        "{out}"
    );
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(
        !state.contains(&rotated) && !state.contains(&canary),
        "state holds a password"
    );
    assert!(state.contains("sha256:"), "state keeps the password's digest");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &vars2[0], &vars2[1]]), 0);

    stack.reimport_all(&[&vars2[0][..], &vars2[1][..]]);

    // The writer goes before its cluster, which RDS refuses to delete with members.
    expect_code(&stack.run(&["destroy", "-auto-approve", &vars2[0], &vars2[1]]), 0);
    assert!(instance(format!("{name}-pg-1")).await.is_none());
    assert!(cluster(format!("{name}-pg")).await.is_none());
    assert!(cluster(format!("{name}-my")).await.is_none());
    let gone = match sm.describe_secret().secret_id(&secret_arn).send().await {
        Err(_) => true,
        Ok(s) => s.deleted_date().is_some(),
    };
    assert!(gone, "the managed secret outlived its cluster");
}

const AURORA_ADOPTED: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

variable "name" {
  type = string
}

resource "aws_rds_cluster" "main" {
  cluster_identifier          = "${var.name}-adopt"
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = true
  skip_final_snapshot         = true

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 1
  }
}

resource "aws_rds_cluster_instance" "main" {
  identifier_prefix  = "adopt-"
  cluster_identifier = aws_rds_cluster.main.id
  engine             = aws_rds_cluster.main.engine
  instance_class     = "db.serverless"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn aurora_cluster_and_instance_are_adopted_when_state_is_lost() {
    let stack = Stack::from_files(&[("main.tf", AURORA_ADOPTED)]);
    let var = format!("-var=name={}", stack.name);
    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let owned = || {
        let rds = rds.clone();
        let stack_name = stack.name.clone();
        async move {
            let mine = |tags: &[aws_sdk_rds::types::Tag]| {
                tags.iter()
                    .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(stack_name.as_str()))
            };
            let clusters = rds.describe_db_clusters().send().await.unwrap();
            let instances = rds.describe_db_instances().send().await.unwrap();
            let mut names: Vec<String> = clusters
                .db_clusters()
                .iter()
                .filter(|c| mine(c.tag_list()))
                .filter_map(|c| c.db_cluster_identifier().map(str::to_string))
                .collect();
            names.extend(
                instances
                    .db_instances()
                    .iter()
                    .filter(|i| mine(i.tag_list()))
                    .filter_map(|i| i.db_instance_identifier().map(str::to_string)),
            );
            names
        }
    };
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let made = owned().await;
    assert_eq!(made.len(), 2, "{made:?}");
    assert_eq!(made[0], format!("{}-adopt", stack.name));
    assert!(made[1].starts_with("adopt-"), "{made:?}");

    // State is lost (as after a run killed before it could save): the next apply adopts the
    // cluster by its identifier and the instance by its tags instead of making new ones.
    std::fs::remove_file(stack.state_file()).unwrap();
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(out.contains("adopting"), "{out}");
    assert_eq!(owned().await, made);
    assert_eq!(stack.state_id("aws_rds_cluster_instance.main"), made[1]);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(owned().await.is_empty());
}

/// A MySQL option group with the audit plugin logging `events`, used by an instance.
fn options(events: &str, with_timezone: bool) -> String {
    let timezone = if with_timezone {
        r#"
  option {
    option_name = "TIME_ZONE"

    option_settings {
      name  = "TIME_ZONE"
      value = "Europe/Dublin"
    }
  }
"#
    } else {
        ""
    };
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_db_option_group" "audit" {{
  name                     = "${{var.name}}-audit"
  option_group_description = "Audit for MySQL 8.0"
  engine_name              = "mysql"
  major_engine_version     = "8.0"

  option {{
    option_name = "MARIADB_AUDIT_PLUGIN"

    option_settings {{
      name  = "SERVER_AUDIT_EVENTS"
      value = "{events}"
    }}
  }}
{timezone}
  tags = {{ App = "tap" }}
}}

resource "aws_db_option_group" "generated" {{
  name_prefix          = "og-"
  engine_name          = "mysql"
  major_engine_version = "8.0"
}}

resource "aws_db_instance" "mysql" {{
  identifier          = "${{var.name}}-mysql"
  engine              = "mysql"
  engine_version      = "8.0.35"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "admin"
  manage_master_user_password = true
  option_group_name   = aws_db_option_group.audit.name
  skip_final_snapshot = true
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn option_groups_are_created_changed_in_place_and_refused_while_in_use() {
    let stack = Stack::from_files(&[("main.tf", &options("CONNECT", true))]);
    let name = stack.name.clone();
    let var = format!("-var=name={name}");
    let conf = sdk_config(REGION).await;
    let rds = aws_sdk_rds::Client::new(&conf);
    let group = |n: String| {
        let rds = rds.clone();
        async move {
            rds.describe_option_groups()
                .option_group_name(n)
                .send()
                .await
                .ok()
                .and_then(|o| o.option_groups_list().first().cloned())
        }
    };
    let settings = |g: &aws_sdk_rds::types::OptionGroup| {
        let mut out: Vec<(String, String, String)> = g
            .options()
            .iter()
            .flat_map(|o| {
                o.option_settings().iter().map(|s| {
                    (
                        o.option_name().unwrap_or_default().to_string(),
                        s.name().unwrap_or_default().to_string(),
                        s.value().unwrap_or_default().to_string(),
                    )
                })
            })
            .collect();
        out.sort();
        out
    };
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());

    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    let audit = group(format!("{name}-audit")).await.expect("the option group exists");
    assert_eq!(audit.engine_name(), Some("mysql"));
    assert_eq!(audit.major_engine_version(), Some("8.0"));
    assert_eq!(audit.option_group_description(), Some("Audit for MySQL 8.0"));
    assert_eq!(
        settings(&audit),
        vec![
            t("MARIADB_AUDIT_PLUGIN", "SERVER_AUDIT_EVENTS", "CONNECT"),
            t("TIME_ZONE", "TIME_ZONE", "Europe/Dublin"),
        ]
    );
    let generated = stack.state_id("aws_db_option_group.generated");
    assert!(generated.starts_with("og-"), "{generated}");
    let made = group(generated.clone()).await.expect("the generated group exists");
    assert_eq!(made.option_group_description(), Some("Managed by Terraform"));
    let db = rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-mysql"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        db.db_instances()[0]
            .option_group_memberships()
            .first()
            .and_then(|m| m.option_group_name()),
        Some(format!("{name}-audit").as_str())
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    // In place: a setting changes and an option goes.
    std::fs::write(stack.path.join("main.tf"), options("CONNECT,QUERY", false)).unwrap();
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(out.contains("0 added, 1 changed, 0 destroyed"), "{out}");
    let after = group(format!("{name}-audit")).await.unwrap();
    assert_eq!(
        settings(&after),
        vec![t("MARIADB_AUDIT_PLUGIN", "SERVER_AUDIT_EVENTS", "CONNECT,QUERY")]
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);

    // AWS refuses to delete a group an instance uses (the emulator is patched to, as AWS does).
    let refused = rds
        .delete_option_group()
        .option_group_name(format!("{name}-audit"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&refused),
        Some("InvalidOptionGroupStateFault")
    );

    stack.reimport_all(&[&var]);

    // State is lost: the groups are adopted, by name and by tags under the prefix.
    std::fs::remove_file(stack.state_file()).unwrap();
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(out.contains("adopting"), "{out}");
    assert_eq!(stack.state_id("aws_db_option_group.generated"), generated);

    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(group(format!("{name}-audit")).await.is_none());
    assert!(group(generated).await.is_none());
}

/// A SQL Server instance in a time zone, an Oracle one with a national character set and a
/// PostgreSQL one with its Extended Support enrolment `lifecycle` and blue/green updates.
fn create_settings(timezone: &str, lifecycle: &str, blue_green: bool) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_db_instance" "mssql" {{
  identifier          = "${{var.name}}-mssql"
  engine              = "sqlserver-ex"
  instance_class      = "db.t3.small"
  allocated_storage   = 20
  username            = "app"
  password            = "correct-horse-battery"
  license_model       = "license-included"
  timezone            = "{timezone}"
  skip_final_snapshot = true
}}

resource "aws_db_instance" "oracle" {{
  identifier               = "${{var.name}}-oracle"
  engine                   = "oracle-se2"
  instance_class           = "db.t3.small"
  allocated_storage        = 20
  username                 = "app"
  password                 = "correct-horse-battery"
  license_model            = "license-included"
  character_set_name       = "AL32UTF8"
  nchar_character_set_name = "AL16UTF16"
  skip_final_snapshot      = true
}}

resource "aws_db_instance" "pg" {{
  identifier               = "${{var.name}}-pg"
  engine                   = "postgres"
  instance_class           = "db.t4g.micro"
  allocated_storage        = 20
  username                 = "app"
  password                 = "correct-horse-battery"
  engine_lifecycle_support = "{lifecycle}"
  skip_final_snapshot      = true

  blue_green_update {{
    enabled = {blue_green}
  }}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_time_zone_character_sets_and_lifecycle() {
    const DISABLED: &str = "open-source-rds-extended-support-disabled";
    const ENROLLED: &str = "open-source-rds-extended-support";
    let stack = Stack::from_files(&[("main.tf", &create_settings("UTC", DISABLED, true))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let rds = aws_sdk_rds::Client::new(&sdk_config(REGION).await);
    let instance = |which: &str| {
        let rds = rds.clone();
        let id = format!("{}-{which}", stack.name);
        async move {
            rds.describe_db_instances()
                .db_instance_identifier(id)
                .send()
                .await
                .unwrap()
                .db_instances()
                .first()
                .cloned()
                .unwrap()
        }
    };

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(instance("mssql").await.timezone(), Some("UTC"));
    assert_eq!(instance("oracle").await.nchar_character_set_name(), Some("AL16UTF16"));
    assert_eq!(instance("pg").await.engine_lifecycle_support(), Some(DISABLED));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let blue_green = || {
        stack.flat_state()["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == "aws_db_instance.pg")
            .unwrap()["attributes"]["blue_green_update"][0]["enabled"]
            .clone()
    };
    assert_eq!(blue_green(), true);

    // Enrolment and blue/green updates change in place.
    std::fs::write(stack.path.join("main.tf"), create_settings("UTC", ENROLLED, false)).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("aws_db_instance.pg will be updated in-place"), "{out}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(instance("pg").await.engine_lifecycle_support(), Some(ENROLLED));
    assert_eq!(blue_green(), false);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A changed enrolment outside infractl is drift.
    rds.modify_db_instance()
        .db_instance_identifier(format!("{}-pg", stack.name))
        .engine_lifecycle_support(DISABLED)
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains(DISABLED), "{out}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(instance("pg").await.engine_lifecycle_support(), Some(ENROLLED));

    // Another time zone replaces the instance (plan only).
    std::fs::write(
        stack.path.join("main.tf"),
        create_settings("Central European Standard Time", ENROLLED, false),
    )
    .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("aws_db_instance.mssql must be replaced"), "{out}");

    // Blue/green updates exist for MySQL, MariaDB and PostgreSQL only.
    let refused = create_settings("UTC", ENROLLED, false).replace(
        "license_model       = \"license-included\"\n  timezone",
        "license_model       = \"license-included\"\n  blue_green_update {\n    enabled = true\n  }\n  timezone",
    );
    std::fs::write(stack.path.join("main.tf"), &refused).unwrap();
    let out = run(&["plan"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("\"blue_green_update.enabled\" cannot be set when \"engine\" is \"sqlserver-ex\""),
        "{shown}"
    );

    std::fs::write(stack.path.join("main.tf"), create_settings("UTC", ENROLLED, false)).unwrap();
    stack.reimport_all(&vars);
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}

/// A PostgreSQL primary with a read replica beside it (`replicate_source_db` its identifier,
/// `source` false: the replica promoted) and one in another region (its ARN), as
/// terraform-aws-modules' rds `replica-postgres` and `cross-region-replica-postgres` examples
/// write them: the replicas name no engine, user, password nor database.
fn replicas(class: &str, retention: u32, source: bool) -> String {
    let source = if source {
        "replicate_source_db     = aws_db_instance.primary.identifier"
    } else {
        ""
    };
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

provider "aws" {{
  alias  = "west"
  region = "us-west-2"
}}

variable "name" {{
  type = string
}}

resource "aws_db_instance" "primary" {{
  identifier              = "${{var.name}}-primary"
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = "db.t4g.micro"
  allocated_storage       = 20
  username                = "app"
  password                = "correct-horse-battery"
  backup_retention_period = 1
  skip_final_snapshot     = true
}}

resource "aws_db_instance" "replica" {{
  identifier              = "${{var.name}}-replica"
  {source}
  instance_class          = "{class}"
  backup_retention_period = {retention}
  backup_window           = "04:00-06:00"
  maintenance_window      = "Tue:00:00-Tue:03:00"
  apply_immediately       = true
  skip_final_snapshot     = true
  tags                    = {{ Role = "reader" }}
}}

resource "aws_db_instance" "cross" {{
  provider            = aws.west
  identifier          = "${{var.name}}-cross"
  replicate_source_db = aws_db_instance.primary.arn
  instance_class      = "db.t4g.micro"
  skip_final_snapshot = true
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn read_replicas_in_and_across_regions_changed_promoted_and_destroyed() {
    let stack = Stack::from_files(&[("main.tf", &replicas("db.t4g.micro", 3, true))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let here = aws_sdk_rds::Client::new(&sdk_config(REGION).await);
    let west = aws_sdk_rds::Client::new(&sdk_config("us-west-2").await);
    let find = |rds: &aws_sdk_rds::Client, which: &str| {
        let rds = rds.clone();
        let id = format!("{}-{which}", stack.name);
        async move {
            match rds.describe_db_instances().db_instance_identifier(id).send().await {
                Ok(o) => o.db_instances().first().cloned(),
                Err(e) if e.as_service_error().is_some_and(|s| s.is_db_instance_not_found_fault()) => None,
                Err(e) => panic!("{e:?}"),
            }
        }
    };
    let primary_id = format!("{}-primary", stack.name);
    let replica_id = format!("{}-replica", stack.name);

    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let primary = find(&here, "primary").await.expect("the primary");
    let replica = find(&here, "replica").await.expect("the replica");
    assert_eq!(
        replica.read_replica_source_db_instance_identifier(),
        Some(primary_id.as_str())
    );
    assert_eq!(replica.engine(), Some("postgres"), "the engine comes from the source");
    assert_eq!(replica.master_username(), Some("app"));
    // Backups and windows are set after creation with ModifyDBInstance, as the provider does.
    assert_eq!(replica.backup_retention_period(), Some(3));
    assert_eq!(replica.preferred_backup_window(), Some("04:00-06:00"));
    assert_eq!(replica.preferred_maintenance_window(), Some("tue:00:00-tue:03:00"));
    assert_ne!(replica.dbi_resource_id(), primary.dbi_resource_id());
    assert!(replica
        .tag_list()
        .iter()
        .any(|t| t.key() == Some("Role") && t.value() == Some("reader")));
    let cross = find(&west, "cross").await.expect("the cross-region replica");
    assert_eq!(
        cross.read_replica_source_db_instance_identifier(),
        primary.db_instance_arn()
    );
    assert!(cross.db_instance_arn().unwrap().contains(":us-west-2:"));
    let listed = primary.read_replica_db_instance_identifiers().to_vec();
    assert!(listed.contains(&replica_id), "{listed:?}");
    assert!(
        listed.contains(&cross.db_instance_arn().unwrap().to_string()),
        "{listed:?}"
    );
    let state = stack.flat_state();
    let attrs = |address: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap()["attributes"]
            .clone()
    };
    assert_eq!(
        attrs("aws_db_instance.replica")["replicate_source_db"],
        primary_id.as_str()
    );
    assert_eq!(attrs("aws_db_instance.replica")["password"], serde_json::Value::Null);
    assert_eq!(
        attrs("aws_db_instance.cross")["replicate_source_db"],
        primary.db_instance_arn().unwrap()
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another instance class is a change in place of the replica.
    std::fs::write(stack.path.join("main.tf"), replicas("db.t4g.small", 3, true)).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_db_instance.replica will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let changed = find(&here, "replica").await.unwrap();
    assert_eq!(changed.db_instance_class(), Some("db.t4g.small"));
    assert_eq!(changed.dbi_resource_id(), replica.dbi_resource_id());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Without replicate_source_db the replica is promoted to a standalone instance, in place.
    std::fs::write(stack.path.join("main.tf"), replicas("db.t4g.small", 5, false)).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_db_instance.replica will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let promoted = find(&here, "replica").await.unwrap();
    assert_eq!(promoted.read_replica_source_db_instance_identifier(), None);
    assert_eq!(promoted.dbi_resource_id(), replica.dbi_resource_id());
    assert_eq!(promoted.backup_retention_period(), Some(5));
    let primary = find(&here, "primary").await.unwrap();
    assert!(!primary.read_replica_db_instance_identifiers().contains(&replica_id));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A standalone instance cannot be made a replica again, as with the provider.
    std::fs::write(stack.path.join("main.tf"), replicas("db.t4g.small", 5, true)).unwrap();
    let out = run(&["apply", "-auto-approve"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("cannot elect new source database for replication"),
        "{shown}"
    );
    assert_eq!(
        find(&here, "replica")
            .await
            .unwrap()
            .read_replica_source_db_instance_identifier(),
        None
    );

    std::fs::write(stack.path.join("main.tf"), replicas("db.t4g.small", 5, false)).unwrap();
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(find(&here, "primary").await.is_none());
    assert!(find(&here, "replica").await.is_none());
    assert!(find(&west, "cross").await.is_none());
}
