//! The lookup data sources on the emulator: objects made with the SDK (outside infractl), read
//! through a blueprint's data sources and outputs, and compared with what describe calls say;
//! the provider's errors when nothing or several objects match; the local ones (`aws_arn`,
//! `aws_elb_service_account`, `aws_default_tags`) against Terraform where it is installed.

use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use serde_json::json;

const REGION: &str = "eu-west-3";

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;

fn blueprint() -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
  default_tags {{
    tags = {{ Team = "core" }}
  }}
}}

variable "name" {{
  type = string
}}

data "aws_caller_identity" "me" {{}}

data "aws_iam_policy" "by_arn" {{
  arn = "arn:aws:iam::${{data.aws_caller_identity.me.account_id}}:policy/${{var.name}}/${{var.name}}-one"
}}

data "aws_iam_policy" "by_name" {{
  name = "${{var.name}}-one"
}}

data "aws_iam_policy" "by_path" {{
  name        = "${{var.name}}-one"
  path_prefix = "/${{var.name}}/"
}}

data "aws_iam_role" "task" {{
  name = "${{var.name}}-task"
}}

data "aws_ssm_parameter" "plain" {{
  name = "/${{var.name}}/plain"
}}

# A public parameter holding a JSON document, read as the ECS guide reads it.
data "aws_ssm_parameter" "ecs_ami" {{
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"
}}

data "aws_ssm_parameter" "secure" {{
  name = "/${{var.name}}/secure"
}}

data "aws_ssm_parameter" "encrypted" {{
  name            = "/${{var.name}}/secure"
  with_decryption = false
}}

data "aws_secretsmanager_secret" "by_name" {{
  name = "${{var.name}}/api"
}}

data "aws_secretsmanager_secret" "by_arn" {{
  arn = data.aws_secretsmanager_secret.by_name.arn
}}

data "aws_secretsmanager_secret_version" "current" {{
  secret_id = "${{var.name}}/api"
}}

data "aws_arn" "role" {{
  arn = data.aws_iam_role.task.arn
}}

data "aws_canonical_user_id" "me" {{}}

data "aws_elb_service_account" "here" {{}}

data "aws_elb_service_account" "frankfurt" {{
  region = "eu-central-1"
}}

data "aws_cloudwatch_log_group" "app" {{
  name = "/${{var.name}}/app"
}}

data "aws_ecr_repository" "app" {{
  name = "${{var.name}}-app"
}}

data "aws_ecs_cluster" "main" {{
  cluster_name = "${{var.name}}-main"
}}

data "aws_lb" "by_name" {{
  name = "${{var.name}}-lb"
}}

data "aws_lb" "by_arn" {{
  arn = data.aws_lb.by_name.arn
}}

data "aws_lb" "by_tags" {{
  tags = {{ Lookup = var.name }}
}}

data "aws_default_tags" "these" {{}}

output "policies" {{
  value = [for p in [data.aws_iam_policy.by_arn, data.aws_iam_policy.by_name, data.aws_iam_policy.by_path] : [p.arn, p.name, p.path, p.description, p.policy_id, jsondecode(p.policy), p.tags]]
}}
output "role" {{
  value = [data.aws_iam_role.task.arn, data.aws_iam_role.task.unique_id, jsondecode(data.aws_iam_role.task.assume_role_policy), data.aws_iam_role.task.max_session_duration, data.aws_iam_role.task.path, data.aws_iam_role.task.tags]
}}
output "plain" {{
  value = [data.aws_ssm_parameter.plain.arn, data.aws_ssm_parameter.plain.type, data.aws_ssm_parameter.plain.insecure_value, data.aws_ssm_parameter.plain.version]
}}
output "ecs_ami" {{
  value = jsondecode(data.aws_ssm_parameter.ecs_ami.insecure_value)["image_id"]
}}
output "secure" {{
  value = [data.aws_ssm_parameter.secure.insecure_value, data.aws_ssm_parameter.secure.type]
}}

# Sensitive values never reach state or outputs (only their digests do): they are checked by
# where they go, copied into parameters infractl creates.
resource "aws_ssm_parameter" "decrypted" {{
  name  = "/${{var.name}}/copy/decrypted"
  type  = "SecureString"
  value = data.aws_ssm_parameter.secure.value
}}
resource "aws_ssm_parameter" "encrypted" {{
  name  = "/${{var.name}}/copy/encrypted"
  type  = "SecureString"
  value = data.aws_ssm_parameter.encrypted.value
}}
resource "aws_ssm_parameter" "secret" {{
  name  = "/${{var.name}}/copy/secret"
  type  = "SecureString"
  value = data.aws_secretsmanager_secret_version.current.secret_string
}}
output "secret" {{
  value = [data.aws_secretsmanager_secret.by_name.arn, data.aws_secretsmanager_secret.by_arn.name, data.aws_secretsmanager_secret.by_name.description, jsondecode(data.aws_secretsmanager_secret.by_name.policy), data.aws_secretsmanager_secret.by_name.tags, data.aws_secretsmanager_secret.by_name.created_date]
}}
output "secret_version" {{
  value = [data.aws_secretsmanager_secret_version.current.id, data.aws_secretsmanager_secret_version.current.version_id, data.aws_secretsmanager_secret_version.current.version_stages]
}}
output "arn" {{
  value = [data.aws_arn.role.partition, data.aws_arn.role.service, data.aws_arn.role.region, data.aws_arn.role.account, data.aws_arn.role.resource]
}}
output "canonical" {{
  value = [data.aws_canonical_user_id.me.id, data.aws_canonical_user_id.me.display_name]
}}
output "elb" {{
  value = [data.aws_elb_service_account.here.id, data.aws_elb_service_account.frankfurt.arn]
}}
output "log_group" {{
  value = [data.aws_cloudwatch_log_group.app.arn, data.aws_cloudwatch_log_group.app.retention_in_days, data.aws_cloudwatch_log_group.app.creation_time, data.aws_cloudwatch_log_group.app.tags]
}}
output "repository" {{
  value = [data.aws_ecr_repository.app.arn, data.aws_ecr_repository.app.repository_url, data.aws_ecr_repository.app.registry_id, data.aws_ecr_repository.app.image_tag_mutability, data.aws_ecr_repository.app.image_scanning_configuration[0].scan_on_push, data.aws_ecr_repository.app.most_recent_image_tags, data.aws_ecr_repository.app.tags]
}}
output "cluster" {{
  value = [data.aws_ecs_cluster.main.arn, data.aws_ecs_cluster.main.status, data.aws_ecs_cluster.main.running_tasks_count, data.aws_ecs_cluster.main.setting, data.aws_ecs_cluster.main.tags]
}}
output "lb" {{
  value = [for l in [data.aws_lb.by_name, data.aws_lb.by_arn, data.aws_lb.by_tags] : [l.arn, l.dns_name, l.vpc_id, sort(l.subnets), l.load_balancer_type, l.internal, l.access_logs[0].enabled, length(l.subnet_mapping), l.tags]]
}}
output "default_tags" {{
  value = data.aws_default_tags.these
}}
"#
    )
}

/// Makes the objects the blueprint looks up, with the SDK; returns the load balancer's ARN.
async fn make_objects(name: &str, conf: &aws_config::SdkConfig) -> String {
    let iam = aws_sdk_iam::Client::new(conf);
    for (policy, path) in [("one", format!("/{name}/")), ("two", format!("/{name}/"))] {
        iam.create_policy()
            .policy_name(format!("{name}-{policy}"))
            .path(path)
            .description(format!("{policy} policy"))
            .policy_document(POLICY)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("Kind")
                    .value(policy)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    iam.create_role()
        .role_name(format!("{name}-task"))
        .path("/service/")
        .assume_role_policy_document(TRUST)
        .max_session_duration(7200)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("Role")
                .value("task")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let ssm = aws_sdk_ssm::Client::new(conf);
    for (param, kind, value) in [
        ("plain", aws_sdk_ssm::types::ParameterType::String, "db.internal:5432"),
        (
            "secure",
            aws_sdk_ssm::types::ParameterType::SecureString,
            "hunter2-secret",
        ),
    ] {
        ssm.put_parameter()
            .name(format!("/{name}/{param}"))
            .r#type(kind)
            .value(value)
            .send()
            .await
            .unwrap();
    }
    let sm = aws_sdk_secretsmanager::Client::new(conf);
    let secret = sm
        .create_secret()
        .name(format!("{name}/api"))
        .description("upstream API key")
        .secret_string("{\"key\":\"s3cr3t-value\"}")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("Use")
                .value("api")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.put_resource_policy()
        .secret_id(secret.arn().unwrap())
        .resource_policy(POLICY.replace("s3:ListBucket", "secretsmanager:GetSecretValue"))
        .send()
        .await
        .unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(conf);
    logs.create_log_group()
        .log_group_name(format!("/{name}/app"))
        .tags("App", "web")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name(format!("/{name}/app"))
        .retention_in_days(14)
        .send()
        .await
        .unwrap();
    let ecr = aws_sdk_ecr::Client::new(conf);
    ecr.create_repository()
        .repository_name(format!("{name}-app"))
        .image_tag_mutability(aws_sdk_ecr::types::ImageTagMutability::Immutable)
        .image_scanning_configuration(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                .scan_on_push(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ecs = aws_sdk_ecs::Client::new(conf);
    ecs.create_cluster()
        .cluster_name(format!("{name}-main"))
        .settings(
            aws_sdk_ecs::types::ClusterSetting::builder()
                .name(aws_sdk_ecs::types::ClusterSettingName::ContainerInsights)
                .value("enabled")
                .build(),
        )
        .tags(aws_sdk_ecs::types::Tag::builder().key("Env").value("test").build())
        .send()
        .await
        .unwrap();
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let vpc = ec2.create_vpc().cidr_block("10.81.0.0/16").send().await.unwrap();
    let vpc_id = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
    let mut subnets = Vec::new();
    for (i, az) in ["a", "b"].iter().enumerate() {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.81.{i}.0/24"))
            .availability_zone(format!("{REGION}{az}"))
            .send()
            .await
            .unwrap();
        subnets.push(s.subnet().unwrap().subnet_id().unwrap().to_string());
    }
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let lb = elb
        .create_load_balancer()
        .name(format!("{name}-lb"))
        .set_subnets(Some(subnets))
        .tags(
            aws_sdk_elasticloadbalancingv2::types::Tag::builder()
                .key("Lookup")
                .value(name)
                .build(),
        )
        .send()
        .await
        .unwrap();
    lb.load_balancers()[0].load_balancer_arn().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn lookup_data_sources_read_what_the_emulator_holds() {
    let stack = Stack::from_files(&[("main.tf", &blueprint())]);
    // IAM names allow no leading digit trouble, but keep them short for the LB's 32 characters.
    let name = format!("lk{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let conf = sdk_config(REGION).await;
    let lb_arn = make_objects(&name, &conf).await;
    let var = format!("name={name}");
    expect_code(&stack.run(&["apply", "-auto-approve", "-var", &var]), 0);
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    let v = |name: &str| out[name]["value"].clone();

    // IAM policy: the same object by ARN, by name and by name under a path prefix.
    let iam = aws_sdk_iam::Client::new(&conf);
    let listed = iam
        .list_policies()
        .path_prefix(format!("/{name}/"))
        .send()
        .await
        .unwrap();
    let one = listed
        .policies()
        .iter()
        .find(|p| p.policy_name() == Some(&format!("{name}-one")))
        .unwrap()
        .clone();
    let policy_arn = one.arn().unwrap().to_string();
    let account = policy_arn.split(':').nth(4).unwrap().to_string();
    let expected = json!([
        policy_arn,
        format!("{name}-one"),
        format!("/{name}/"),
        "one policy",
        one.policy_id().unwrap(),
        serde_json::from_str::<serde_json::Value>(POLICY).unwrap(),
        {"Kind": "one"}
    ]);
    assert_eq!(v("policies"), json!([expected, expected, expected]));

    let role = iam.get_role().role_name(format!("{name}-task")).send().await.unwrap();
    let role = role.role().unwrap();
    assert_eq!(
        v("role"),
        json!([
            role.arn(),
            role.role_id(),
            serde_json::from_str::<serde_json::Value>(TRUST).unwrap(),
            7200,
            "/service/",
            {"Role": "task"}
        ])
    );
    assert_eq!(
        v("arn"),
        json!(["aws", "iam", "", account, format!("role/service/{name}-task")])
    );

    let ssm = aws_sdk_ssm::Client::new(&conf);
    let plain = ssm.get_parameter().name(format!("/{name}/plain")).send().await.unwrap();
    let plain = plain.parameter().unwrap();
    assert_eq!(
        v("plain"),
        json!([plain.arn(), "String", "db.internal:5432", plain.version()])
    );
    let ami = ssm
        .get_parameter()
        .name("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id")
        .send()
        .await
        .unwrap();
    assert_eq!(v("ecs_ami"), json!(ami.parameter().unwrap().value()));
    let encrypted = ssm
        .get_parameter()
        .name(format!("/{name}/secure"))
        .with_decryption(false)
        .send()
        .await
        .unwrap();
    let encrypted = encrypted.parameter().unwrap().value().unwrap().to_string();
    // A SecureString has no insecure_value; without decryption its value is the ciphertext.
    assert_eq!(v("secure"), json!([null, "SecureString"]));
    let copy = |what: &'static str| {
        let ssm = ssm.clone();
        let name = name.clone();
        async move {
            let p = ssm
                .get_parameter()
                .name(format!("/{name}/copy/{what}"))
                .with_decryption(true)
                .send()
                .await
                .unwrap();
            p.parameter().unwrap().value().unwrap().to_string()
        }
    };
    assert_eq!(copy("decrypted").await, "hunter2-secret");
    assert_eq!(copy("encrypted").await, encrypted);

    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let secret = sm
        .describe_secret()
        .secret_id(format!("{name}/api"))
        .send()
        .await
        .unwrap();
    let secret_out = v("secret");
    assert_eq!(secret_out[0], json!(secret.arn()));
    assert_eq!(secret_out[1], json!(format!("{name}/api")));
    assert_eq!(secret_out[2], json!("upstream API key"));
    assert_eq!(
        secret_out[3]["Statement"][0]["Action"],
        json!("secretsmanager:GetSecretValue")
    );
    assert_eq!(secret_out[4], json!({"Use": "api"}));
    let created = secret_out[5].as_str().unwrap();
    assert_eq!(
        aws_smithy_types::DateTime::from_str(created, aws_smithy_types::date_time::Format::DateTime)
            .unwrap()
            .secs(),
        secret.created_date().unwrap().secs()
    );
    let current = sm
        .get_secret_value()
        .secret_id(format!("{name}/api"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        v("secret_version"),
        json!([
            format!("{name}/api|{}", current.version_id().unwrap()),
            current.version_id(),
            ["AWSCURRENT"]
        ])
    );
    assert_eq!(copy("secret").await, current.secret_string().unwrap());
    // Sensitive results reach outputs, never state: there they are digests.
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    for secret in ["s3cr3t-value", "hunter2-secret"] {
        assert!(!state.contains(secret), "{secret} in state");
    }

    let s3 = aws_sdk_s3::Client::new(&conf);
    let owner = s3.list_buckets().send().await.unwrap();
    let owner = owner.owner().unwrap();
    assert_eq!(
        v("canonical"),
        json!([owner.id(), owner.display_name().unwrap_or_default()])
    );
    assert_eq!(v("elb"), json!(["009996457667", "arn:aws:iam::054676820928:root"]));

    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/{name}/app"))
        .send()
        .await
        .unwrap();
    let group = &groups.log_groups()[0];
    assert_eq!(
        v("log_group"),
        json!([
            group.arn().unwrap().trim_end_matches(":*"),
            14,
            group.creation_time(),
            {"App": "web"}
        ])
    );

    let ecr = aws_sdk_ecr::Client::new(&conf);
    let repos = ecr
        .describe_repositories()
        .repository_names(format!("{name}-app"))
        .send()
        .await
        .unwrap();
    let repo = &repos.repositories()[0];
    assert_eq!(
        v("repository"),
        json!([
            repo.repository_arn(),
            repo.repository_uri(),
            repo.registry_id(),
            "IMMUTABLE",
            true,
            [],
            {}
        ])
    );

    let ecs = aws_sdk_ecs::Client::new(&conf);
    let clusters = ecs
        .describe_clusters()
        .clusters(format!("{name}-main"))
        .send()
        .await
        .unwrap();
    let cluster = &clusters.clusters()[0];
    assert_eq!(
        v("cluster"),
        json!([
            cluster.cluster_arn(),
            "ACTIVE",
            0,
            [{"name": "containerInsights", "value": "enabled"}],
            {"Env": "test"}
        ])
    );

    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let lbs = elb
        .describe_load_balancers()
        .load_balancer_arns(&lb_arn)
        .send()
        .await
        .unwrap();
    let lb = &lbs.load_balancers()[0];
    let mut subnets: Vec<&str> = lb.availability_zones().iter().filter_map(|z| z.subnet_id()).collect();
    subnets.sort();
    let expected = json!([
        lb_arn,
        lb.dns_name(),
        lb.vpc_id(),
        subnets,
        "application",
        false,
        false,
        2,
        {"Lookup": name}
    ]);
    assert_eq!(v("lb"), json!([expected, expected, expected]));
    assert_eq!(v("default_tags"), json!({"id": "aws", "tags": {"Team": "core"}}));
    expect_code(&stack.run(&["plan", "-detailed-exitcode", "-var", &var]), 0);

    // Lookups that match nothing or several fail with the provider's words, before any change.
    for (lookup, error) in [
        (
            "data \"aws_iam_policy\" \"x\" {\n  name = \"no-such-policy-${var.name}\"\n}\n",
            "no matching IAM Policy found",
        ),
        (
            "data \"aws_iam_policy\" \"x\" {\n  path_prefix = \"/${var.name}/\"\n}\n",
            "multiple IAM Policies matched; use additional constraints to reduce matches to a single IAM Policy",
        ),
        (
            "data \"aws_lb\" \"x\" {\n  tags = { Lookup = \"nothing-${var.name}\" }\n}\n",
            "Search returned 0 results, please revise so only one is returned",
        ),
        (
            "data \"aws_ssm_parameter\" \"x\" {\n  name = \"/${var.name}/missing\"\n}\n",
            "ParameterNotFound",
        ),
        (
            "data \"aws_elb_service_account\" \"x\" {\n  region = \"il-central-1\"\n}\n",
            "unsupported AWS Region: il-central-1",
        ),
    ] {
        std::fs::write(stack.path.join("missing.tf"), lookup).unwrap();
        let shown = expect_code(&stack.run(&["plan", "-var", &var]), 1);
        assert!(shown.contains(error), "{lookup}: {shown}");
    }
    std::fs::remove_file(stack.path.join("missing.tf")).unwrap();
    expect_code(&stack.run(&["destroy", "-auto-approve", "-var", &var]), 0);
}

/// `aws_arn`, `aws_elb_service_account` and `aws_default_tags` need no call: the same blueprint
/// planned by Terraform (offline: no credentials checked) and by infractl gives the same values.
#[test]
fn local_data_sources_agree_with_terraform() {
    let Some(tf) = Terraform::init("local_data_sources_agree_with_terraform") else {
        return;
    };
    let blueprint = r#"
provider "aws" {
  region                      = "cn-north-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  default_tags {
    tags = { Team = "core", Env = "dev" }
  }
}

locals {
  regions = ["af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2"]
  arns    = ["arn:aws:iam::123456789012:role/path/x:y", "arn:aws-cn:s3:::bucket/key", "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/a/b:*"]
}

data "aws_elb_service_account" "each" {
  for_each = toset(local.regions)
  region   = each.key
}

data "aws_elb_service_account" "here" {}

data "aws_arn" "each" {
  count = length(local.arns)
  arn   = local.arns[count.index]
}

data "aws_default_tags" "these" {}

output "values" {
  value = {
    elb  = { for k, v in data.aws_elb_service_account.each : k => [v.id, v.arn] }
    here = [data.aws_elb_service_account.here.id, data.aws_elb_service_account.here.arn]
    arns = [for a in data.aws_arn.each : [a.id, a.partition, a.service, a.region, a.account, a.resource]]
    tags = [data.aws_default_tags.these.id, data.aws_default_tags.these.tags]
  }
}
"#;
    std::fs::write(tf.work().join("main.tf"), blueprint).unwrap();
    let out = tf.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert!(out.status.success(), "terraform apply failed:\n{}", text(&out));
    let out = tf.run(&["output", "-json", "values"]);
    assert!(out.status.success(), "{}", text(&out));
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    // Nothing here calls AWS: an endpoint nobody answers on proves it.
    let dead = "http://127.0.0.1:9";
    expect_code(&stack.run_with_endpoint(&["apply", "-auto-approve"], dead), 0);
    let ours: serde_json::Value = serde_json::from_str(&expect_code(
        &stack.run_with_endpoint(&["output", "-json", "values"], dead),
        0,
    ))
    .unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(theirs["elb"].as_object().unwrap().len(), 26);
}
