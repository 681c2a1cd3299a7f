//! Settings the public modules write that infractl or the emulator once got wrong, found by
//! applying terraform-aws-modules examples end to end (`tests/modules/validate_examples.sh` with
//! `COMMAND=cycle`): a rule of every protocol written with ports -1 (security-group), a
//! versioning configuration with `mfa_delete = "Disabled"` and a suspended accelerate
//! configuration (s3-bucket), an Object Lock default retention set after an object was written
//! (s3-bucket's object example), an infrequent-access log group (cloudwatch), an IPv6-only subnet
//! (vpc's ipv6-only example), a prefix-list rule's description (security-group), Performance
//! Insights, a backup window that starts as the maintenance window ends and a read replica of a
//! Multi-AZ instance with a managed password (rds), an ACL owned by the account's canonical id
//! and a partitioned log layout (s3-bucket's complete example). Each is applied, checked on the
//! emulator, planned clean and destroyed.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }

resource "aws_vpc" "v" {
  cidr_block                       = "10.79.0.0/16"
  assign_generated_ipv6_cidr_block = true
}
resource "aws_subnet" "ipv6_only" {
  vpc_id                          = aws_vpc.v.id
  ipv6_native                     = true
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.v.ipv6_cidr_block, 8, 1)
  assign_ipv6_address_on_creation = true
  enable_resource_name_dns_aaaa_record_on_launch = true
}
resource "aws_security_group" "g" {
  name_prefix = "${var.name}-"
  vpc_id      = aws_vpc.v.id
}
resource "aws_security_group_rule" "all" {
  type              = "egress"
  security_group_id = aws_security_group.g.id
  from_port         = -1
  to_port           = -1
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
  description       = "All protocols"
}

resource "aws_ec2_managed_prefix_list" "p" {
  name           = "${var.name}-list"
  address_family = "IPv4"
  max_entries    = 2
  entry { cidr = "10.0.0.0/16" }
}
resource "aws_security_group_rule" "from_list" {
  type              = "ingress"
  security_group_id = aws_security_group.g.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  prefix_list_ids   = [aws_ec2_managed_prefix_list.p.id]
  self              = true
  description       = "From the list"
}

resource "aws_db_instance" "insights" {
  identifier                   = "${var.name}-db"
  engine                       = "mysql"
  instance_class               = "db.t3.micro"
  allocated_storage            = 20
  username                     = "admin"
  manage_master_user_password  = true
  multi_az                     = true
  backup_retention_period      = 1
  skip_final_snapshot          = true
  performance_insights_enabled = true
  backup_window                = "03:00-06:00"
  maintenance_window           = "Mon:00:00-Mon:03:00"
}
resource "aws_db_instance" "replica" {
  identifier          = "${var.name}-replica"
  replicate_source_db = aws_db_instance.insights.identifier
  instance_class      = "db.t3.micro"
  skip_final_snapshot = true
}

data "aws_canonical_user_id" "me" {}
resource "aws_s3_bucket" "logs" {
  bucket        = "${var.name}-logs"
  force_destroy = true
}
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule { object_ownership = "ObjectWriter" }
}
resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  access_control_policy {
    grant {
      grantee {
        id   = data.aws_canonical_user_id.me.id
        type = "CanonicalUser"
      }
      permission = "FULL_CONTROL"
    }
    grant {
      grantee {
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
        type = "Group"
      }
      permission = "WRITE"
    }
    grant {
      grantee {
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
        type = "Group"
      }
      permission = "READ_ACP"
    }
    owner { id = data.aws_canonical_user_id.me.id }
  }
  depends_on = [aws_s3_bucket_ownership_controls.logs]
}
resource "aws_s3_bucket_logging" "b" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "log/"
  target_object_key_format {
    partitioned_prefix { partition_date_source = "DeliveryTime" }
  }
  depends_on = [aws_s3_bucket_acl.logs]
}

resource "aws_s3_bucket" "b" {
  bucket              = var.name
  object_lock_enabled = true
  force_destroy       = true
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Disabled"
  }
}
resource "aws_s3_bucket_accelerate_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  status = "Suspended"
}
resource "aws_s3_object" "first" {
  bucket  = aws_s3_bucket.b.id
  key     = "first"
  content = "written before the retention"
}
resource "aws_s3_bucket_object_lock_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 1
    }
  }
  depends_on = [aws_s3_object.first, aws_s3_bucket_versioning.b]
}

resource "aws_cloudwatch_log_group" "infrequent" {
  name            = "/${var.name}/infrequent"
  log_group_class = "INFREQUENT_ACCESS"
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn settings_the_public_modules_write_apply_as_written_and_plan_clean() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let var = format!("name={name}");
    let run = |cmd: &[&str]| stack.run(&[cmd, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let s3 = aws_sdk_s3::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);

    let subnet_id = stack.state_id("aws_subnet.ipv6_only");
    let subnet = ec2
        .describe_subnets()
        .subnet_ids(&subnet_id)
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(subnet.ipv6_native(), Some(true));
    assert_eq!(subnet.cidr_block(), None);
    assert_eq!(subnet.available_ip_address_count(), Some(0));

    let group_id = stack.state_id("aws_security_group.g");
    let groups = ec2
        .describe_security_groups()
        .group_ids(&group_id)
        .send()
        .await
        .unwrap();
    let egress = groups.security_groups()[0].ip_permissions_egress();
    assert_eq!(egress.len(), 1, "{egress:?}");
    assert_eq!(egress[0].ip_protocol(), Some("-1"));
    assert_eq!(egress[0].ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
    assert_eq!(egress[0].ipv6_ranges()[0].cidr_ipv6(), Some("::/0"));

    let ingress = groups.security_groups()[0].ip_permissions();
    let from_list = ingress
        .iter()
        .find(|p| p.from_port() == Some(443))
        .expect("the 443 rule");
    assert_eq!(from_list.prefix_list_ids()[0].description(), Some("From the list"));
    assert_eq!(from_list.user_id_group_pairs()[0].description(), Some("From the list"));

    let rds = aws_sdk_rds::Client::new(&conf);
    let db = rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-db"))
        .send()
        .await
        .unwrap()
        .db_instances()[0]
        .clone();
    assert_eq!(db.performance_insights_enabled(), Some(true));
    assert_eq!(db.performance_insights_retention_period(), Some(7));
    assert_eq!(db.preferred_backup_window(), Some("03:00-06:00"));
    let replica = rds
        .describe_db_instances()
        .db_instance_identifier(format!("{name}-replica"))
        .send()
        .await
        .unwrap()
        .db_instances()[0]
        .clone();
    assert_eq!(replica.multi_az(), Some(false), "a replica is Multi-AZ only when asked");
    assert!(replica.master_user_secret().is_none(), "{replica:?}");

    let acl = s3.get_bucket_acl().bucket(format!("{name}-logs")).send().await.unwrap();
    let owner = s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .owner()
        .and_then(|o| o.id())
        .map(str::to_string);
    assert_eq!(
        acl.owner().and_then(|o| o.id()).map(str::to_string),
        owner,
        "one canonical id"
    );
    let logging = s3.get_bucket_logging().bucket(&name).send().await.unwrap();
    let source = logging
        .logging_enabled()
        .and_then(|l| l.target_object_key_format())
        .and_then(|f| f.partitioned_prefix())
        .and_then(|p| p.partition_date_source());
    assert_eq!(source.map(|s| s.as_str()), Some("DeliveryTime"));

    let versioning = s3.get_bucket_versioning().bucket(&name).send().await.unwrap();
    assert_eq!(versioning.status().map(|s| s.as_str()), Some("Enabled"));
    assert_eq!(versioning.mfa_delete().map(|m| m.as_str()), Some("Disabled"));
    let accelerate = s3
        .get_bucket_accelerate_configuration()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(accelerate.status().map(|s| s.as_str()), Some("Suspended"));
    let lock = s3.get_object_lock_configuration().bucket(&name).send().await.unwrap();
    let retention = lock
        .object_lock_configuration()
        .unwrap()
        .rule()
        .unwrap()
        .default_retention()
        .unwrap();
    assert_eq!(retention.mode().map(|m| m.as_str()), Some("GOVERNANCE"));
    assert_eq!(retention.days(), Some(1));

    let described = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/{name}/infrequent"))
        .send()
        .await
        .unwrap();
    let group = &described.log_groups()[0];
    assert_eq!(group.log_group_class().map(|c| c.as_str()), Some("INFREQUENT_ACCESS"));

    let plan = expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    assert!(plan.contains("No changes"), "{plan}");
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let gone = ec2.describe_subnets().subnet_ids(&subnet_id).send().await;
    assert!(gone.is_err(), "the subnet is gone: {gone:?}");
}
