//! The Fargate stack (`plans/fargate`): VPC over two AZs with NAT, an ALB forwarding to an ECS
//! Fargate service with CPU and request-count autoscaling, task and execution roles. Applies,
//! plans clean, updates in place and by new revision, detects drift, imports every container
//! and autoscaling resource back, and destroys to nothing, each checked on the emulator.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};

const REGION: &str = "us-west-2";

fn vars(stack: &Stack, extra: &[&str]) -> Vec<String> {
    let mut v = vec!["-var".to_string(), format!("name={}", stack.name)];
    for e in extra {
        v.push("-var".into());
        v.push(e.to_string());
    }
    v
}

fn run(stack: &Stack, cmd: &[&str], extra: &[&str]) -> std::process::Output {
    let vars = vars(stack, extra);
    let mut args: Vec<&str> = cmd.to_vec();
    args.extend(vars.iter().map(String::as_str));
    stack.run(&args)
}

struct Clients {
    ecs: aws_sdk_ecs::Client,
    aas: aws_sdk_applicationautoscaling::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    iam: aws_sdk_iam::Client,
}

async fn clients() -> Clients {
    let conf = sdk_config(REGION).await;
    Clients {
        ecs: aws_sdk_ecs::Client::new(&conf),
        aas: aws_sdk_applicationautoscaling::Client::new(&conf),
        elb: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
        iam: aws_sdk_iam::Client::new(&conf),
    }
}

async fn service(c: &Clients, cluster: &str) -> aws_sdk_ecs::types::Service {
    let out = c
        .ecs
        .describe_services()
        .cluster(cluster)
        .services("api")
        .include(aws_sdk_ecs::types::ServiceField::Tags)
        .send()
        .await
        .unwrap();
    out.services()[0].clone()
}

async fn task_definition(c: &Clients, which: &str) -> aws_sdk_ecs::types::TaskDefinition {
    c.ecs
        .describe_task_definition()
        .task_definition(which)
        .send()
        .await
        .unwrap()
        .task_definition()
        .unwrap()
        .clone()
}

async fn target(c: &Clients, resource_id: &str) -> Option<aws_sdk_applicationautoscaling::types::ScalableTarget> {
    c.aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(resource_id)
        .send()
        .await
        .unwrap()
        .scalable_targets()
        .first()
        .cloned()
}

async fn policies(c: &Clients, resource_id: &str) -> Vec<aws_sdk_applicationautoscaling::types::ScalingPolicy> {
    c.aas
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource_id)
        .send()
        .await
        .unwrap()
        .scaling_policies()
        .iter()
        .filter(|p| p.resource_id() == resource_id)
        .cloned()
        .collect()
}

fn cpu_target(policies: &[aws_sdk_applicationautoscaling::types::ScalingPolicy]) -> f64 {
    policies
        .iter()
        .find(|p| p.policy_name().ends_with("-cpu"))
        .and_then(|p| p.target_tracking_scaling_policy_configuration())
        .map(|t| t.target_value())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn fargate_service_behind_alb_with_autoscaling() {
    let stack = Stack::from_plan("fargate", "fg");
    let c = clients().await;
    let cluster = stack.name.clone();
    let resource_id = format!("service/{cluster}/api");

    let steady = ["wait_for_steady_state=true"];
    expect_code(&run(&stack, &["apply", "-auto-approve"], &steady), 0);

    // What the emulator holds: the service wired to the load balancer, in the private subnets.
    let svc = service(&c, &cluster).await;
    assert_eq!(svc.status(), Some("ACTIVE"));
    assert_eq!(svc.desired_count(), 2);
    assert_eq!(svc.running_count(), 2, "wait_for_steady_state waited for the tasks");
    assert_eq!(svc.launch_type().map(|l| l.as_str()), Some("FARGATE"));
    assert_eq!(svc.health_check_grace_period_seconds(), Some(30));
    let breaker = svc
        .deployment_configuration()
        .and_then(|d| d.deployment_circuit_breaker())
        .unwrap();
    assert!(breaker.enable() && breaker.rollback());
    let tg_arn = stack.state_id("aws_lb_target_group.api");
    assert_eq!(svc.load_balancers()[0].target_group_arn(), Some(tg_arn.as_str()));
    assert_eq!(svc.load_balancers()[0].container_port(), Some(8080));
    let vpc = svc.network_configuration().unwrap().awsvpc_configuration().unwrap();
    let private: Vec<String> = (0..2)
        .map(|i| stack.state_id(&format!("aws_subnet.private[{i}]")))
        .collect();
    let mut subnets = vpc.subnets().to_vec();
    subnets.sort();
    let mut expected = private.clone();
    expected.sort();
    assert_eq!(subnets, expected);
    assert_eq!(vpc.security_groups(), [stack.state_id("aws_security_group.service")]);
    assert!(svc
        .tags()
        .iter()
        .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(&stack.name)));

    // The task definition as ECS holds it, container definitions included.
    let td_rev1 = svc.task_definition().unwrap().to_string();
    assert!(td_rev1.ends_with(":1"), "{td_rev1}");
    let td = task_definition(&c, &td_rev1).await;
    assert_eq!(td.cpu(), Some("256"));
    assert_eq!(td.memory(), Some("512"));
    assert_eq!(td.network_mode().map(|m| m.as_str()), Some("awsvpc"));
    let exec_role = c
        .iam
        .get_role()
        .role_name(format!("{}-execution", stack.name))
        .send()
        .await
        .unwrap();
    assert_eq!(td.execution_role_arn(), exec_role.role().map(|r| r.arn()));
    let container = &td.container_definitions()[0];
    assert_eq!(container.image(), Some("public.ecr.aws/nginx/nginx:1.27"));
    let log = container.log_configuration().unwrap();
    assert_eq!(
        log.options().and_then(|o| o.get("awslogs-group")).map(String::as_str),
        Some(format!("/ecs/{}/api", stack.name).as_str())
    );

    // Autoscaling: the target and both target-tracking policies.
    let t = target(&c, &resource_id).await.unwrap();
    assert_eq!((t.min_capacity(), t.max_capacity()), (2, 6));
    assert_eq!(t.scalable_dimension(), &ScalableDimension::EcsServiceDesiredCount);
    let ps = policies(&c, &resource_id).await;
    assert_eq!(ps.len(), 2);
    assert_eq!(cpu_target(&ps), 60.0);
    let requests = ps.iter().find(|p| p.policy_name().ends_with("-requests")).unwrap();
    let label = requests
        .target_tracking_scaling_policy_configuration()
        .and_then(|t| t.predefined_metric_specification())
        .and_then(|m| m.resource_label())
        .unwrap();
    assert!(label.starts_with("app/") && label.contains("/targetgroup/"), "{label}");

    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &steady), 0);

    // Updates: a new image is a new revision (the old one deregistered) that the service moves
    // to in place; capacity and the CPU target change in place.
    let changed = ["image=nginx:1.28", "max_count=8", "cpu_target=70", steady[0]];
    let out = expect_code(&run(&stack, &["apply", "-auto-approve"], &changed), 0);
    assert!(out.contains("1 added, 3 changed, 1 destroyed"), "{out}");
    let svc = service(&c, &cluster).await;
    let td_rev2 = svc.task_definition().unwrap().to_string();
    assert!(td_rev2.ends_with(":2"), "{td_rev2}");
    assert_eq!(
        task_definition(&c, &td_rev1).await.status().map(|s| s.as_str()),
        Some("INACTIVE")
    );
    assert_eq!(
        task_definition(&c, &td_rev2).await.container_definitions()[0].image(),
        Some("nginx:1.28")
    );
    assert_eq!(target(&c, &resource_id).await.unwrap().max_capacity(), 8);
    assert_eq!(cpu_target(&policies(&c, &resource_id).await), 70.0);
    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &changed), 0);

    // Drift made outside infractl is seen and put back; the desired count is the autoscaler's
    // (ignore_changes) and is left alone.
    c.aas
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(&resource_id)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .max_capacity(12)
        .send()
        .await
        .unwrap();
    c.ecs
        .update_service()
        .cluster(&cluster)
        .service("api")
        .desired_count(5)
        .health_check_grace_period_seconds(99)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &changed), 2);
    assert!(out.contains("max_capacity") && out.contains("12 -> 8"), "{out}");
    assert!(out.contains("health_check_grace_period_seconds"), "{out}");
    assert!(!out.contains("desired_count"), "{out}");
    expect_code(&run(&stack, &["apply", "-auto-approve"], &changed), 0);
    assert_eq!(target(&c, &resource_id).await.unwrap().max_capacity(), 8);
    let svc = service(&c, &cluster).await;
    assert_eq!(svc.health_check_grace_period_seconds(), Some(30));
    assert_eq!(svc.desired_count(), 5);

    // Import: every resource of the stack forgotten and imported back by the id Terraform's
    // import takes (the steady-state flag lives only in state, so it is left at its default).
    let unflagged: Vec<String> = vars(&stack, &["image=nginx:1.28", "max_count=8", "cpu_target=70"]);
    let unflagged: Vec<&str> = unflagged.iter().map(String::as_str).collect();
    stack.reimport_all(&unflagged);

    // Every object deleted behind infractl's back (here by a second run on a copy of the state)
    // is noticed: the plan recreates all of them and changes nothing else.
    let copy = stack.state_file().with_extension("copy.json");
    std::fs::copy(stack.state_file(), &copy).unwrap();
    let copy_arg = format!("-state={}", copy.display());
    expect_code(&run(&stack, &["destroy", "-auto-approve", &copy_arg], &changed), 0);
    let out = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &changed), 2);
    let count = stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed")
        .count();
    assert!(count > 30, "{count} managed objects in state");
    assert!(
        out.contains(&format!("Plan: {count} to add, 0 to change, 0 to destroy.")),
        "{count} objects deleted outside:\n{out}"
    );
    expect_code(&run(&stack, &["apply", "-auto-approve"], &changed), 0);
    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &changed), 0);

    // Destroy leaves nothing behind.
    expect_code(&run(&stack, &["destroy", "-auto-approve"], &changed), 0);
    let clusters = c.ecs.describe_clusters().clusters(&cluster).send().await.unwrap();
    assert!(clusters.clusters().iter().all(|c| c.status() == Some("INACTIVE")));
    assert_eq!(
        task_definition(&c, &td_rev2).await.status().map(|s| s.as_str()),
        Some("INACTIVE")
    );
    assert!(target(&c, &resource_id).await.is_none());
    assert!(policies(&c, &resource_id).await.is_empty());
    let lbs = c
        .elb
        .describe_load_balancers()
        .names(format!("{}-alb", stack.name))
        .send()
        .await;
    assert!(lbs.map(|l| l.load_balancers().is_empty()).unwrap_or(true));
    assert!(c
        .iam
        .get_role()
        .role_name(format!("{}-task", stack.name))
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_container_definitions_fail_with_the_address_and_leave_state_clean() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
provider "aws" {
  region = "us-west-2"
}

resource "aws_ecs_task_definition" "bad" {
  family                = "bad-json"
  container_definitions = "[{\"name\": \"api\", \"image\": "
}
"#,
    )]);
    // Refused before any AWS call, as the provider's validator refuses it, with the location.
    let out = expect_code(&stack.run(&["apply", "-auto-approve"]), 1);
    assert!(out.contains("aws_ecs_task_definition.bad"), "{out}");
    assert!(out.contains("Invalid value for \"container_definitions\""), "{out}");
    assert!(out.contains("expected a JSON array"), "{out}");
    assert!(out.contains("main.tf:8"), "{out}");
    // No object recorded.
    let state = std::fs::read_to_string(stack.state_file()).unwrap_or_default();
    let doc: serde_json::Value = if state.is_empty() {
        serde_json::Value::Null
    } else {
        crate::support::flat_state(&state)
    };
    let recorded = doc["resources"].as_array().cloned().unwrap_or_default();
    assert!(
        !recorded.iter().any(|r| r["type"] == "aws_ecs_task_definition"),
        "{state}"
    );
}

/// A cluster whose ECS Exec sessions are encrypted with a key and logged to a log group and a
/// bucket under `prefix`, with managed storage keys and a Service Connect default namespace.
fn configured_cluster(prefix: &str, cloud_watch_encryption: bool) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_ecs_cluster" "exec" {{
  name = "${{var.name}}-exec"

  configuration {{
    execute_command_configuration {{
      kms_key_id = "arn:aws:kms:{REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      logging    = "OVERRIDE"

      log_configuration {{
        cloud_watch_encryption_enabled = {cloud_watch_encryption}
        cloud_watch_log_group_name     = "/aws/ecs/${{var.name}}"
        s3_bucket_name                 = "${{var.name}}-exec-logs"
        s3_bucket_encryption_enabled   = true
        s3_key_prefix                  = "{prefix}"
      }}
    }}

    managed_storage_configuration {{
      fargate_ephemeral_storage_kms_key_id = "arn:aws:kms:{REGION}:123456789012:key/ephemeral"
    }}
  }}

  service_connect_defaults {{
    namespace = "arn:aws:servicediscovery:{REGION}:123456789012:namespace/ns-1234567890"
  }}
}}
"#
    )
}

/// The exec log settings ECS holds for the cluster: (logging, key, log group, encrypted, prefix).
async fn exec_settings(ecs: &aws_sdk_ecs::Client, cluster: &str) -> (String, String, String, bool, String) {
    let out = ecs
        .describe_clusters()
        .clusters(cluster)
        .include(aws_sdk_ecs::types::ClusterField::Configurations)
        .send()
        .await
        .unwrap();
    let c = out.clusters().first().cloned().unwrap();
    let e = c
        .configuration()
        .and_then(|c| c.execute_command_configuration())
        .cloned()
        .unwrap();
    let l = e.log_configuration().cloned().unwrap();
    (
        e.logging().map(|l| l.as_str().to_string()).unwrap_or_default(),
        e.kms_key_id().unwrap_or_default().to_string(),
        l.cloud_watch_log_group_name().unwrap_or_default().to_string(),
        l.cloud_watch_encryption_enabled(),
        l.s3_key_prefix().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn cluster_exec_logging_storage_keys_and_service_connect_defaults() {
    let stack = Stack::from_files(&[("main.tf", &configured_cluster("exec", false))]);
    let c = clients().await;
    let name = format!("{}-exec", stack.name);

    expect_code(&run(&stack, &["apply", "-auto-approve"], &[]), 0);
    let (logging, key, group, encrypted, prefix) = exec_settings(&c.ecs, &name).await;
    assert_eq!(logging, "OVERRIDE");
    assert!(key.ends_with("key/1234abcd-12ab-34cd-56ef-1234567890ab"), "{key}");
    assert_eq!(group, format!("/aws/ecs/{}", stack.name));
    assert!(!encrypted);
    assert_eq!(prefix, "exec");
    let cluster = c
        .ecs
        .describe_clusters()
        .clusters(&name)
        .include(aws_sdk_ecs::types::ClusterField::Configurations)
        .send()
        .await
        .unwrap()
        .clusters()
        .first()
        .cloned()
        .unwrap();
    assert!(cluster
        .service_connect_defaults()
        .and_then(|d| d.namespace())
        .is_some_and(|n| n.ends_with("namespace/ns-1234567890")));
    assert_eq!(
        cluster
            .configuration()
            .and_then(|c| c.managed_storage_configuration())
            .and_then(|m| m.fargate_ephemeral_storage_kms_key_id()),
        Some(format!("arn:aws:kms:{REGION}:123456789012:key/ephemeral").as_str())
    );
    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 0);

    // Another prefix and encrypted CloudWatch logs: in place.
    std::fs::write(stack.path.join("main.tf"), configured_cluster("sessions", true)).unwrap();
    let out = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 2);
    assert!(out.contains("aws_ecs_cluster.exec will be updated in-place"), "{out}");
    expect_code(&run(&stack, &["apply", "-auto-approve"], &[]), 0);
    let (_, _, _, encrypted, prefix) = exec_settings(&c.ecs, &name).await;
    assert!(encrypted);
    assert_eq!(prefix, "sessions");
    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 0);

    // Logging switched off outside infractl is drift, put back by the next apply.
    c.ecs
        .update_cluster()
        .cluster(&name)
        .configuration(
            aws_sdk_ecs::types::ClusterConfiguration::builder()
                .execute_command_configuration(
                    aws_sdk_ecs::types::ExecuteCommandConfiguration::builder()
                        .logging(aws_sdk_ecs::types::ExecuteCommandLogging::None)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 2);
    assert!(out.contains("OVERRIDE"), "{out}");
    expect_code(&run(&stack, &["apply", "-auto-approve"], &[]), 0);
    assert_eq!(exec_settings(&c.ecs, &name).await.4, "sessions");
    expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 0);

    let vars = vars(&stack, &[]);
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    stack.reimport_all(&vars);
    expect_code(&run(&stack, &["destroy", "-auto-approve"], &[]), 0);
}

/// A task definition replaced with `create_before_destroy`, read back by
/// `data "aws_ecs_task_definition"` as terraform-aws-modules/ecs does, its image from AWS's public
/// Fluent Bit parameter.
const TRACKED_REVISIONS: &str = r#"
provider "aws" { region = "us-west-2" }
variable "name" { type = string }
variable "tag" { default = "one" }
data "aws_ssm_parameter" "fluentbit" { name = "/aws/service/aws-for-fluent-bit/stable" }
resource "aws_ecs_task_definition" "app" {
  family = var.name
  container_definitions = jsonencode([{
    name = "log_router", image = nonsensitive(data.aws_ssm_parameter.fluentbit.value), memory = 128,
    entrypoint = ["/entrypoint.sh", var.tag], firelensConfiguration = { type = "fluentbit" }
  }])
  lifecycle { create_before_destroy = true }
}
data "aws_ecs_task_definition" "latest" {
  task_definition = aws_ecs_task_definition.app.family
  depends_on      = [aws_ecs_task_definition.app]
}
data "aws_ecs_task_definition" "first" {
  task_definition = "${aws_ecs_task_definition.app.family}:1"
}
output "newest" { value = max(aws_ecs_task_definition.app.revision, data.aws_ecs_task_definition.latest.revision) }
output "latest_id" { value = data.aws_ecs_task_definition.latest.id }
output "first_status" { value = data.aws_ecs_task_definition.first.status }
output "first_containers" { value = jsondecode(data.aws_ecs_task_definition.first.container_definitions) }
"#;

/// The revisions of `family` ECS holds with `status`, oldest first.
async fn revisions(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    status: aws_sdk_ecs::types::TaskDefinitionStatus,
) -> Vec<String> {
    let out = ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(status)
        .send()
        .await
        .unwrap();
    out.task_definition_arns()
        .iter()
        .map(|a| a.rsplit(':').next().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_definition_replaced_before_destroy_keeps_its_place_and_the_data_source_reads_the_newest() {
    use aws_sdk_ecs::types::TaskDefinitionStatus::{Active, Inactive};
    let stack = Stack::from_files(&[("main.tf", TRACKED_REVISIONS)]);
    let family = stack.name.clone();
    let c = clients().await;
    let outputs = |stack: &Stack| -> serde_json::Value {
        serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap()
    };

    expect_code(&run(&stack, &["apply", "-auto-approve"], &[]), 0);
    let td = task_definition(&c, &format!("{family}:1")).await;
    let container = &td.container_definitions()[0];
    // Written `entrypoint`, read as the provider's decoder reads it: ECS holds the entry point.
    assert_eq!(container.entry_point(), ["/entrypoint.sh", "one"]);
    let image = container.image().unwrap();
    assert!(
        image.ends_with(".amazonaws.com/aws-for-fluent-bit:2.32.5") && image.contains(".dkr.ecr.us-west-2."),
        "{image}"
    );
    let out = outputs(&stack);
    assert_eq!(out["newest"]["value"], 1);
    assert_eq!(out["latest_id"]["value"], td.task_definition_arn().unwrap());
    assert_eq!(out["first_status"]["value"], "ACTIVE");
    assert_eq!(out["first_containers"]["value"][0]["entryPoint"][1], "one");
    let clean = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &[]), 0);
    assert!(clean.contains("No changes"), "{clean}");

    // The replacement registers revision 2 before revision 1 is deregistered, and state keeps
    // the new one (both share the family as their id). Revision 1, which `first` names, was
    // read while it was still active (the old object goes after its dependents, data sources
    // read at apply included), so the next plan sees it deregistered, as Terraform's would.
    let replaced = expect_code(&run(&stack, &["apply", "-auto-approve"], &["tag=two"]), 0);
    assert!(replaced.contains("1 added, 0 changed, 1 destroyed"), "{replaced}");
    assert!(!replaced.contains("adopting"), "{replaced}");
    assert_eq!(revisions(&c.ecs, &family, Active).await, ["2"]);
    assert_eq!(revisions(&c.ecs, &family, Inactive).await, ["1"]);
    let state = stack.flat_state();
    let app = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_ecs_task_definition.app")
        .unwrap_or_else(|| panic!("the task definition left state: {state}"));
    let kept = app["attributes"]["arn"].as_str().unwrap();
    assert!(kept.ends_with(&format!("{family}:2")), "{app}");
    assert_eq!(app["deposed"], 0, "{app}");
    let out = outputs(&stack);
    assert_eq!(out["first_status"]["value"], "ACTIVE");
    let seen = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &["tag=two"]), 2);
    assert!(
        seen.contains("0 to add, 0 to change, 0 to destroy")
            && seen.contains(r#"first_status = "ACTIVE" -> "INACTIVE""#),
        "{seen}"
    );
    expect_code(&run(&stack, &["apply", "-auto-approve"], &["tag=two"]), 0);
    let clean = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &["tag=two"]), 0);
    assert!(clean.contains("No changes"), "{clean}");

    // A revision registered outside infractl is what the data source reads on the next plan;
    // a revision named by number still reads that one, deregistered or not.
    c.ecs
        .register_task_definition()
        .family(&family)
        .container_definitions(
            aws_sdk_ecs::types::ContainerDefinition::builder()
                .name("log_router")
                .image("busybox")
                .memory(128)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let drift = expect_code(&run(&stack, &["plan", "-detailed-exitcode"], &["tag=two"]), 2);
    assert!(drift.contains("newest") && drift.contains("2 -> 3"), "{drift}");
    expect_code(&run(&stack, &["apply", "-auto-approve"], &["tag=two"]), 0);
    let out = outputs(&stack);
    assert_eq!(out["newest"]["value"], 3);
    assert_eq!(out["first_status"]["value"], "INACTIVE");

    expect_code(&run(&stack, &["destroy", "-auto-approve"], &["tag=two"]), 0);
    assert_eq!(revisions(&c.ecs, &family, Active).await, ["3"]);
    let state = stack.flat_state();
    let managed = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed")
        .count();
    assert_eq!(managed, 0, "{state}");
}

#[test]
fn a_missing_task_definition_is_an_error_naming_the_data_source() {
    let stack = Stack::from_files(&[(
        "main.tf",
        "provider \"aws\" { region = \"us-west-2\" }\ndata \"aws_ecs_task_definition\" \"gone\" {\n  task_definition = \"no-such-family-infractl\"\n}\n",
    )]);
    let shown = expect_code(&stack.run(&["plan"]), 1);
    assert!(
        shown.contains("data.aws_ecs_task_definition.gone")
            && shown.contains("no-such-family-infractl")
            && shown.contains("main.tf:2"),
        "{shown}"
    );
}
