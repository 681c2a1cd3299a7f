//! Application load balancer, target group, listeners, an ECS cluster and an ECR repository
//! against the emulator.

use crate::support::{expect_code, sdk_config, Stack};

fn blueprint(path: &str, delay: u32) -> String {
    let insights = if delay > 20 { "enabled" } else { "disabled" };
    let rule_path = if delay > 20 { "/api/*" } else { "/v2/*" };
    let mutability = if delay > 20 { "IMMUTABLE" } else { "MUTABLE" };
    let keep = if delay > 20 { 10 } else { 20 };
    format!(
        r#"
provider "aws" {{
  region = "us-east-2"
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.40.0.0/16"
}}

resource "aws_subnet" "public" {{
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = ["us-east-2a", "us-east-2b"][count.index]
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}

resource "aws_security_group" "alb" {{
  name   = "alb"
  vpc_id = aws_vpc.this.id
}}

resource "aws_lb" "api" {{
  name               = "api-${{substr(aws_vpc.this.id, 4, 6)}}"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id
  idle_timeout       = 120

  desync_mitigation_mode     = "strictest"
  xff_header_processing_mode = "preserve"
  preserve_host_header       = true
}}

resource "aws_lb" "nlb" {{
  name                             = "nlb-${{substr(aws_vpc.this.id, 4, 6)}}"
  load_balancer_type               = "network"
  subnets                          = aws_subnet.public[*].id
  dns_record_client_routing_policy = "partial_availability_zone_affinity"
}}

resource "aws_lb_target_group" "api" {{
  name                 = "api-${{substr(aws_vpc.this.id, 4, 6)}}"
  port                 = 8080
  protocol             = "HTTP"
  vpc_id               = aws_vpc.this.id
  target_type          = "ip"
  deregistration_delay = "{delay}"

  health_check {{
    path                = "{path}"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }}
}}

resource "aws_lb_listener" "http" {{
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"

  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }}
}}

resource "aws_lb_listener" "maintenance" {{
  load_balancer_arn = aws_lb.api.arn
  port              = 8081
  protocol          = "HTTP"

  default_action {{
    type = "fixed-response"

    fixed_response {{
      content_type = "text/plain"
      message_body = "down for maintenance"
      status_code  = "503"
    }}
  }}
}}

resource "aws_lb_listener_rule" "api" {{
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }}

  condition {{
    path_pattern {{
      values = ["{rule_path}"]
    }}
  }}
}}

resource "aws_ecr_repository" "api" {{
  name                 = "api-${{substr(aws_vpc.this.id, 4, 6)}}"
  image_tag_mutability = "{mutability}"
  force_delete         = true

  image_scanning_configuration {{
    scan_on_push = true
  }}
}}

resource "aws_ecr_lifecycle_policy" "api" {{
  repository = aws_ecr_repository.api.name
  policy = jsonencode({{
    rules = [{{
      rulePriority = 1
      description  = "keep {keep} images"
      selection    = {{ tagStatus = "any", countType = "imageCountMoreThan", countNumber = {keep} }}
      action       = {{ type = "expire" }}
    }}]
  }})
}}

resource "aws_ecs_cluster" "app" {{
  name = "app-${{substr(aws_vpc.this.id, 4, 6)}}"

  setting {{
    name  = "containerInsights"
    value = "{insights}"
  }}
}}

output "dns" {{
  value = aws_lb.api.dns_name
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn alb_target_group_and_listeners() {
    let stack = Stack::from_files(&[("main.tf", &blueprint("/health", 30))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-2").await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(stack.state_file()).unwrap()).unwrap();
    let id_of = |addr: &str| {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == addr)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let lb_arn = id_of("aws_lb.api");
    let tg_arn = id_of("aws_lb_target_group.api");
    let lbs = elb
        .describe_load_balancers()
        .load_balancer_arns(&lb_arn)
        .send()
        .await
        .unwrap();
    let lb = &lbs.load_balancers()[0];
    assert_eq!(lb.state().and_then(|s| s.code()).map(|c| c.as_str()), Some("active"));
    assert_eq!(lb.availability_zones().len(), 2);
    let attrs = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    let idle = attrs
        .attributes()
        .iter()
        .find(|a| a.key() == Some("idle_timeout.timeout_seconds"))
        .and_then(|a| a.value());
    assert_eq!(idle, Some("120"));
    let attr = |attrs: &[aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute], key: &str| {
        attrs
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .map(str::to_string)
    };
    assert_eq!(
        attr(attrs.attributes(), "routing.http.desync_mitigation_mode").as_deref(),
        Some("strictest")
    );
    assert_eq!(
        attr(attrs.attributes(), "routing.http.xff_header_processing.mode").as_deref(),
        Some("preserve")
    );
    assert_eq!(
        attr(attrs.attributes(), "routing.http.preserve_host_header.enabled").as_deref(),
        Some("true")
    );
    let nlb = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(id_of("aws_lb.nlb"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr(nlb.attributes(), "dns_record.client_routing_policy").as_deref(),
        Some("partial_availability_zone_affinity")
    );
    assert_eq!(
        attr(nlb.attributes(), "routing.http.desync_mitigation_mode"),
        None,
        "no ALB setting on an NLB"
    );
    let tg = elb
        .describe_target_groups()
        .target_group_arns(&tg_arn)
        .send()
        .await
        .unwrap();
    let tg = &tg.target_groups()[0];
    assert_eq!(tg.health_check_path(), Some("/health"));
    assert_eq!(tg.target_type().map(|t| t.as_str()), Some("ip"));
    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 2);
    let http = listeners.listeners().iter().find(|l| l.port() == Some(80)).unwrap();
    assert_eq!(http.default_actions()[0].target_group_arn(), Some(tg_arn.as_str()));
    let maintenance = listeners.listeners().iter().find(|l| l.port() == Some(8081)).unwrap();
    assert_eq!(
        maintenance.default_actions()[0]
            .fixed_response_config()
            .and_then(|f| f.status_code()),
        Some("503")
    );
    let rule_arn = id_of("aws_lb_listener_rule.api");
    let rule_paths = |r: &aws_sdk_elasticloadbalancingv2::operation::describe_rules::DescribeRulesOutput| {
        r.rules()[0].conditions()[0]
            .path_pattern_config()
            .map(|p| p.values().to_vec())
            .unwrap_or_default()
    };
    let rules = elb.describe_rules().rule_arns(&rule_arn).send().await.unwrap();
    assert_eq!(rules.rules()[0].priority(), Some("10"));
    assert_eq!(rule_paths(&rules), ["/api/*"]);
    let ecr = aws_sdk_ecr::Client::new(&conf);
    let repo_name = id_of("aws_ecr_repository.api");
    let repos = ecr
        .describe_repositories()
        .repository_names(&repo_name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        repos.repositories()[0].image_tag_mutability().map(|m| m.as_str()),
        Some("IMMUTABLE")
    );
    assert_eq!(
        repos.repositories()[0]
            .image_scanning_configuration()
            .map(|s| s.scan_on_push()),
        Some(true)
    );
    let policy = ecr
        .get_lifecycle_policy()
        .repository_name(&repo_name)
        .send()
        .await
        .unwrap();
    assert!(
        policy.lifecycle_policy_text().unwrap().contains("\"countNumber\":10"),
        "{:?}",
        policy.lifecycle_policy_text()
    );
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let cluster_arn = id_of("aws_ecs_cluster.app");
    let insights = |c: &aws_sdk_ecs::operation::describe_clusters::DescribeClustersOutput| {
        c.clusters()[0]
            .settings()
            .iter()
            .find(|s| s.name().map(|n| n.as_str()) == Some("containerInsights"))
            .and_then(|s| s.value())
            .map(str::to_string)
    };
    let clusters = ecs
        .describe_clusters()
        .clusters(&cluster_arn)
        .include(aws_sdk_ecs::types::ClusterField::Settings)
        .send()
        .await
        .unwrap();
    assert_eq!(insights(&clusters).as_deref(), Some("enabled"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Health check path and deregistration delay change in place.
    std::fs::write(stack.path.join("main.tf"), blueprint("/ready", 10)).unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("aws_lb_target_group.api will be updated in-place"), "{t}");
    assert!(t.contains("aws_ecs_cluster.app will be updated in-place"), "{t}");
    assert!(t.contains("aws_lb_listener_rule.api will be updated in-place"), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let rules = elb.describe_rules().rule_arns(&rule_arn).send().await.unwrap();
    assert_eq!(rule_paths(&rules), ["/v2/*"]);
    let repos = ecr
        .describe_repositories()
        .repository_names(&repo_name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        repos.repositories()[0].image_tag_mutability().map(|m| m.as_str()),
        Some("MUTABLE")
    );
    let policy = ecr
        .get_lifecycle_policy()
        .repository_name(&repo_name)
        .send()
        .await
        .unwrap();
    assert!(policy.lifecycle_policy_text().unwrap().contains("\"countNumber\":20"));
    let clusters = ecs
        .describe_clusters()
        .clusters(&cluster_arn)
        .include(aws_sdk_ecs::types::ClusterField::Settings)
        .send()
        .await
        .unwrap();
    assert_eq!(insights(&clusters).as_deref(), Some("disabled"));
    let tg = elb
        .describe_target_groups()
        .target_group_arns(&tg_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tg.target_groups()[0].health_check_path(), Some("/ready"));
    let tga = elb
        .describe_target_group_attributes()
        .target_group_arn(&tg_arn)
        .send()
        .await
        .unwrap();
    let delay = tga
        .attributes()
        .iter()
        .find(|a| a.key() == Some("deregistration_delay.timeout_seconds"))
        .and_then(|a| a.value());
    assert_eq!(delay, Some("10"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    stack.reimport_all(&[]);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(
        elb.describe_load_balancers()
            .load_balancer_arns(&lb_arn)
            .send()
            .await
            .is_err(),
        "load balancer still exists"
    );
    assert!(
        elb.describe_target_groups()
            .target_group_arns(&tg_arn)
            .send()
            .await
            .is_err(),
        "target group still exists"
    );
}
