//! Fargate and Fargate Spot against the emulator: a cluster's capacity providers and default
//! strategy (`aws_ecs_cluster_capacity_providers`), a worker service on a weighted Spot strategy
//! registered in Cloud Map, with Service Connect and deployment alarms, and an EC2 service with
//! placement strategies and constraints. Create, read back, plan clean, change weights and
//! settings in place, drift, import, destroy to nothing (the cluster's lists emptied).

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "us-west-2";

/// The blueprint, with the Spot weight, the alarm names' suffix and the placement field varied
/// between applies.
fn blueprint(spot_weight: u32, alarm: &str, spread_on: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_vpc" "this" {{
  cidr_block           = "10.62.0.0/16"
  enable_dns_hostnames = true
}}

resource "aws_subnet" "a" {{
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.62.1.0/24"
}}

resource "aws_security_group" "workers" {{
  name   = "${{var.name}}-workers"
  vpc_id = aws_vpc.this.id
}}

resource "aws_ecs_cluster" "this" {{
  name = var.name
}}

resource "aws_ecs_cluster_capacity_providers" "this" {{
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {{
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }}
  default_capacity_provider_strategy {{
    capacity_provider = "FARGATE_SPOT"
    weight            = {spot_weight}
  }}
}}

resource "aws_service_discovery_private_dns_namespace" "internal" {{
  name = "${{var.name}}.local"
  vpc  = aws_vpc.this.id
}}

resource "aws_service_discovery_service" "workers" {{
  name = "workers"
  dns_config {{
    namespace_id = aws_service_discovery_private_dns_namespace.internal.id
    dns_records {{
      ttl  = 10
      type = "SRV"
    }}
  }}
}}

resource "aws_service_discovery_http_namespace" "mesh" {{
  name = "${{var.name}}-mesh"
}}

resource "aws_cloudwatch_metric_alarm" "errors" {{
  alarm_name          = "${{var.name}}-errors-{alarm}"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 90
  period              = 60
  evaluation_periods  = 1
}}

resource "aws_ecs_task_definition" "worker" {{
  family                   = "${{var.name}}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{{
    name         = "worker"
    image        = "public.ecr.aws/docker/library/busybox:latest"
    essential    = true
    portMappings = [{{ name = "http", containerPort = 8080, protocol = "tcp" }}]
  }}])
}}

resource "aws_ecs_service" "workers" {{
  name                 = "workers"
  cluster              = aws_ecs_cluster.this.id
  task_definition      = aws_ecs_task_definition.worker.arn
  desired_count        = 2
  force_new_deployment = true

  capacity_provider_strategy {{
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }}
  capacity_provider_strategy {{
    capacity_provider = "FARGATE_SPOT"
    weight            = {spot_weight}
  }}

  network_configuration {{
    subnets         = [aws_subnet.a.id]
    security_groups = [aws_security_group.workers.id]
  }}

  service_registries {{
    registry_arn   = aws_service_discovery_service.workers.arn
    container_name = "worker"
    container_port = 8080
  }}

  service_connect_configuration {{
    enabled   = true
    namespace = aws_service_discovery_http_namespace.mesh.arn
    service {{
      port_name      = "http"
      discovery_name = "workers-{alarm}"
      client_alias {{
        port     = 8080
        dns_name = "workers"
      }}
    }}
  }}

  deployment_circuit_breaker {{
    enable   = true
    rollback = true
  }}

  alarms {{
    alarm_names = [aws_cloudwatch_metric_alarm.errors.alarm_name]
    enable      = true
    rollback    = true
  }}

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}}

resource "aws_ecs_task_definition" "placed" {{
  family                   = "${{var.name}}-placed"
  requires_compatibilities = ["EC2"]
  network_mode             = "bridge"
  container_definitions = jsonencode([{{
    name      = "placed"
    image     = "public.ecr.aws/docker/library/busybox:latest"
    essential = true
    memory    = 128
  }}])
}}

resource "aws_ecs_service" "placed" {{
  name            = "placed"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.placed.arn
  desired_count   = 1
  launch_type     = "EC2"

  ordered_placement_strategy {{
    type  = "spread"
    field = "{spread_on}"
  }}
  ordered_placement_strategy {{
    type  = "binpack"
    field = "memory"
  }}

  placement_constraints {{
    type = "distinctInstance"
  }}
}}
"#
    )
}

async fn service(ecs: &aws_sdk_ecs::Client, cluster: &str, name: &str) -> aws_sdk_ecs::types::Service {
    ecs.describe_services()
        .cluster(cluster)
        .services(name)
        .send()
        .await
        .unwrap()
        .services()[0]
        .clone()
}

/// A strategy as (provider, weight, base), in the order ECS holds it.
fn weights(items: &[aws_sdk_ecs::types::CapacityProviderStrategyItem]) -> Vec<(String, i32, i32)> {
    items
        .iter()
        .map(|i| (i.capacity_provider().to_string(), i.weight(), i.base()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn spot_capacity_providers_and_service_placement() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(4, "a", "attribute:ecs.availability-zone"))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("13 added"), "{out}");

    let conf = sdk_config(REGION).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let cluster_of = || async {
        ecs.describe_clusters()
            .clusters(&stack.name)
            .send()
            .await
            .unwrap()
            .clusters()[0]
            .clone()
    };
    let spot = |w: i32| vec![("FARGATE".to_string(), 1, 1), ("FARGATE_SPOT".to_string(), w, 0)];

    // The cluster's providers and default strategy.
    let cluster = cluster_of().await;
    assert_eq!(cluster.capacity_providers(), ["FARGATE", "FARGATE_SPOT"]);
    assert_eq!(weights(cluster.default_capacity_provider_strategy()), spot(4));

    // The worker service: the strategy (and no launch type), Cloud Map, Service Connect, alarms.
    let workers = service(&ecs, &stack.name, "workers").await;
    assert_eq!(weights(workers.capacity_provider_strategy()), spot(4));
    assert_eq!(workers.launch_type(), None, "the strategy decides, not a launch type");
    let registry = &workers.service_registries()[0];
    let sd_arn = {
        let state: serde_json::Value = stack.flat_state();
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == "aws_service_discovery_service.workers")
            .unwrap()["attributes"]["arn"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(sd_arn.contains(":service/srv-"), "{sd_arn}");
    assert_eq!(registry.registry_arn(), Some(sd_arn.as_str()));
    assert_eq!(registry.container_name(), Some("worker"));
    assert_eq!(registry.container_port(), Some(8080));
    let connect = workers.deployments()[0].service_connect_configuration().unwrap();
    assert!(connect.enabled());
    assert!(connect.namespace().unwrap().contains(":namespace/ns-"));
    assert_eq!(connect.services()[0].port_name(), "http");
    assert_eq!(connect.services()[0].discovery_name(), Some("workers-a"));
    assert_eq!(connect.services()[0].client_aliases()[0].port(), 8080);
    let alarms = workers.deployment_configuration().unwrap().alarms().unwrap();
    assert_eq!(alarms.alarm_names(), [format!("{}-errors-a", stack.name)]);
    assert!(alarms.enable() && alarms.rollback());

    // The EC2 service: placement strategy (in order) and constraint.
    let placed = service(&ecs, &stack.name, "placed").await;
    let strategy: Vec<(String, Option<String>)> = placed
        .placement_strategy()
        .iter()
        .map(|p| (p.r#type().unwrap().as_str().to_string(), p.field().map(str::to_string)))
        .collect();
    assert_eq!(
        strategy,
        [
            (
                "spread".to_string(),
                Some("attribute:ecs.availability-zone".to_string())
            ),
            ("binpack".to_string(), Some("memory".to_string())),
        ]
    );
    assert_eq!(
        placed.placement_constraints()[0].r#type().map(|t| t.as_str()),
        Some("distinctInstance")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: new Spot weights on the cluster and the service (force_new_deployment is set
    // and both strategies are non-empty), new alarm and discovery names, another spread field.
    std::fs::write(stack.path.join("main.tf"), blueprint(9, "b", "instanceId")).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_ecs_service.workers will be updated in-place"),
        "{out}"
    );
    assert!(out.contains("aws_ecs_service.placed will be updated in-place"), "{out}");
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("1 added, 3 changed, 1 destroyed"), "{out}");
    assert_eq!(
        weights(cluster_of().await.default_capacity_provider_strategy()),
        spot(9)
    );
    let workers = service(&ecs, &stack.name, "workers").await;
    assert_eq!(weights(workers.capacity_provider_strategy()), spot(9));
    let alarms = workers.deployment_configuration().unwrap().alarms().unwrap();
    assert_eq!(alarms.alarm_names(), [format!("{}-errors-b", stack.name)]);
    let connect = workers.deployments()[0].service_connect_configuration().unwrap();
    assert_eq!(connect.services()[0].discovery_name(), Some("workers-b"));
    let placed = service(&ecs, &stack.name, "placed").await;
    assert_eq!(placed.placement_strategy()[0].field(), Some("instanceId"));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Without force_new_deployment ECS cannot move a service to a new strategy in place: the
    // plan replaces it, as the provider's does (planned only; the file is put back).
    let current = blueprint(9, "b", "instanceId");
    let unforced = current
        .replace("force_new_deployment = true", "")
        .replace("weight            = 9", "weight            = 3");
    std::fs::write(stack.path.join("main.tf"), &unforced).unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(out.contains("aws_ecs_service.workers must be replaced"), "{out}");
    std::fs::write(stack.path.join("main.tf"), &current).unwrap();
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: the default strategy changed outside is put back.
    ecs.put_cluster_capacity_providers()
        .cluster(&stack.name)
        .capacity_providers("FARGATE")
        .default_capacity_provider_strategy(
            aws_sdk_ecs::types::CapacityProviderStrategyItem::builder()
                .capacity_provider("FARGATE")
                .weight(1)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let out = run(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("aws_ecs_cluster_capacity_providers.this will be updated in-place"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let cluster = cluster_of().await;
    assert_eq!(cluster.capacity_providers(), ["FARGATE", "FARGATE_SPOT"]);
    assert_eq!(weights(cluster.default_capacity_provider_strategy()), spot(9));

    // Import: every resource forgotten and found again by Terraform's import id.
    stack.reimport_all(&vars);

    // Destroying the capacity providers (and the services that depend on them) empties the
    // cluster's lists and leaves the cluster.
    let out = expect_code(
        &run(&[
            "destroy",
            "-auto-approve",
            "-target=aws_ecs_cluster_capacity_providers.this",
        ]),
        0,
    );
    assert!(out.contains("2 destroyed"), "{out}");
    let cluster = cluster_of().await;
    assert_eq!(cluster.status(), Some("ACTIVE"));
    assert!(cluster.capacity_providers().is_empty(), "{cluster:?}");
    assert!(cluster.default_capacity_provider_strategy().is_empty(), "{cluster:?}");

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let gone = ecs.describe_clusters().clusters(&stack.name).send().await.unwrap();
    assert!(
        gone.clusters().iter().all(|c| c.status() == Some("INACTIVE")),
        "{gone:?}"
    );
}
