//! Load balancer and target group arguments kept outside the create call: IPAM pools, capacity
//! reservations, the PrivateLink security group setting, and the target group attributes
//! (load balancing, stickiness, target group health, unhealthy target handling), applied,
//! read back through the SDK, changed in place, and found again after drift.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_elasticloadbalancingv2::types::TargetGroupAttribute;
use aws_sdk_elasticloadbalancingv2::Client;

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "this" {
  cidr_block = "10.61.0.0/16"
}

resource "aws_subnet" "this" {
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}

resource "aws_security_group" "nlb" {
  name   = "nlb-${substr(aws_vpc.this.id, 4, 6)}"
  vpc_id = aws_vpc.this.id
}

resource "aws_lb" "alb" {
  name    = "alb-${substr(aws_vpc.this.id, 4, 6)}"
  subnets = aws_subnet.this[*].id

  ipam_pools {
    ipv4_ipam_pool_id = "ipam-pool-0123456789abcdef0"
  }

  minimum_load_balancer_capacity {
    capacity_units = 100
  }
}

resource "aws_lb" "nlb" {
  name               = "nlb-${substr(aws_vpc.this.id, 4, 6)}"
  load_balancer_type = "network"
  subnets            = aws_subnet.this[*].id
  security_groups    = [aws_security_group.nlb.id]

  enforce_security_group_inbound_rules_on_private_link_traffic = "off"
}

resource "aws_lb_target_group" "http" {
  name                              = "http-${substr(aws_vpc.this.id, 4, 6)}"
  port                              = 80
  protocol                          = "HTTP"
  vpc_id                            = aws_vpc.this.id
  load_balancing_algorithm_type     = "weighted_random"
  load_balancing_anomaly_mitigation = "on"
  load_balancing_cross_zone_enabled = "false"

  stickiness {
    type            = "lb_cookie"
    cookie_duration = 3600
  }

  target_group_health {
    dns_failover {
      minimum_healthy_targets_count = "2"
    }
    unhealthy_state_routing {
      minimum_healthy_targets_percentage = "50"
    }
  }
}

resource "aws_lb_target_group" "tcp" {
  name                   = "tcp-${substr(aws_vpc.this.id, 4, 6)}"
  port                   = 81
  protocol               = "TCP"
  vpc_id                 = aws_vpc.this.id
  connection_termination = true
  preserve_client_ip     = "false"

  stickiness {
    type = "source_ip"
  }

  target_health_state {
    enable_unhealthy_connection_termination = false
    unhealthy_draining_interval             = 600
  }
}
"#;

async fn tg_attrs(elb: &Client, arn: &str) -> Vec<TargetGroupAttribute> {
    elb.describe_target_group_attributes()
        .target_group_arn(arn)
        .send()
        .await
        .unwrap()
        .attributes()
        .to_vec()
}

fn value(attrs: &[TargetGroupAttribute], key: &str) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.key() == Some(key))
        .and_then(|a| a.value())
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread")]
async fn lb_and_target_group_attributes_round_trip() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let elb = Client::new(&sdk_config("eu-west-1").await);
    let (alb, nlb) = (stack.state_id("aws_lb.alb"), stack.state_id("aws_lb.nlb"));
    let (http, tcp) = (
        stack.state_id("aws_lb_target_group.http"),
        stack.state_id("aws_lb_target_group.tcp"),
    );

    // What the emulator holds.
    let lbs = elb
        .describe_load_balancers()
        .load_balancer_arns(&alb)
        .load_balancer_arns(&nlb)
        .send()
        .await
        .unwrap();
    let by_arn = |arn: &str| {
        lbs.load_balancers()
            .iter()
            .find(|l| l.load_balancer_arn() == Some(arn))
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_arn(&alb).ipam_pools().and_then(|p| p.ipv4_ipam_pool_id()),
        Some("ipam-pool-0123456789abcdef0")
    );
    assert_eq!(
        by_arn(&nlb).enforce_security_group_inbound_rules_on_private_link_traffic(),
        Some("off")
    );
    let capacity = |arn: String| {
        let elb = elb.clone();
        async move {
            elb.describe_capacity_reservation()
                .load_balancer_arn(arn)
                .send()
                .await
                .unwrap()
                .minimum_load_balancer_capacity()
                .and_then(|m| m.capacity_units())
        }
    };
    assert_eq!(capacity(alb.clone()).await, Some(100));
    let a = tg_attrs(&elb, &http).await;
    assert_eq!(
        value(&a, "load_balancing.algorithm.type").as_deref(),
        Some("weighted_random")
    );
    assert_eq!(
        value(&a, "load_balancing.algorithm.anomaly_mitigation").as_deref(),
        Some("on")
    );
    assert_eq!(value(&a, "load_balancing.cross_zone.enabled").as_deref(), Some("false"));
    assert_eq!(value(&a, "stickiness.enabled").as_deref(), Some("true"));
    assert_eq!(
        value(&a, "stickiness.lb_cookie.duration_seconds").as_deref(),
        Some("3600")
    );
    assert_eq!(
        value(&a, "target_group_health.dns_failover.minimum_healthy_targets.count").as_deref(),
        Some("2")
    );
    assert_eq!(
        value(
            &a,
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage"
        )
        .as_deref(),
        Some("50")
    );
    let t = tg_attrs(&elb, &tcp).await;
    assert_eq!(
        value(&t, "deregistration_delay.connection_termination.enabled").as_deref(),
        Some("true")
    );
    assert_eq!(value(&t, "preserve_client_ip.enabled").as_deref(), Some("false"));
    assert_eq!(value(&t, "stickiness.type").as_deref(), Some("source_ip"));
    assert_eq!(
        value(&t, "target_health_state.unhealthy.connection_termination.enabled").as_deref(),
        Some("false")
    );
    assert_eq!(
        value(&t, "target_health_state.unhealthy.draining_interval_seconds").as_deref(),
        Some("600")
    );
    let clean = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-no-color"]), 0);
    assert!(clean.contains("No changes"), "{clean}");

    // A change of each family, planned in place and applied.
    for (from, to) in [
        ("capacity_units = 100", "capacity_units = 200"),
        ("ipam-pool-0123456789abcdef0", "ipam-pool-0fedcba9876543210"),
        ("private_link_traffic = \"off\"", "private_link_traffic = \"on\""),
        ("\"weighted_random\"", "\"least_outstanding_requests\""),
        ("cookie_duration = 3600", "cookie_duration = 7200"),
        (
            "minimum_healthy_targets_count = \"2\"",
            "minimum_healthy_targets_count = \"off\"",
        ),
        (
            "unhealthy_draining_interval             = 600",
            "unhealthy_draining_interval = 30",
        ),
        ("connection_termination = true", "connection_termination = false"),
    ] {
        stack.edit("main.tf", from, to);
    }
    let plan = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-no-color"]), 2);
    assert!(plan.contains("0 to add, 4 to change, 0 to destroy"), "{plan}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(capacity(alb.clone()).await, Some(200));
    let lb = elb
        .describe_load_balancers()
        .load_balancer_arns(&alb)
        .send()
        .await
        .unwrap();
    assert_eq!(
        lb.load_balancers()[0].ipam_pools().and_then(|p| p.ipv4_ipam_pool_id()),
        Some("ipam-pool-0fedcba9876543210")
    );
    let lb = elb
        .describe_load_balancers()
        .load_balancer_arns(&nlb)
        .send()
        .await
        .unwrap();
    assert_eq!(
        lb.load_balancers()[0].enforce_security_group_inbound_rules_on_private_link_traffic(),
        Some("on")
    );
    let a = tg_attrs(&elb, &http).await;
    assert_eq!(
        value(&a, "load_balancing.algorithm.type").as_deref(),
        Some("least_outstanding_requests")
    );
    assert_eq!(
        value(&a, "stickiness.lb_cookie.duration_seconds").as_deref(),
        Some("7200")
    );
    assert_eq!(
        value(&a, "target_group_health.dns_failover.minimum_healthy_targets.count").as_deref(),
        Some("off")
    );
    let t = tg_attrs(&elb, &tcp).await;
    assert_eq!(
        value(&t, "target_health_state.unhealthy.draining_interval_seconds").as_deref(),
        Some("30")
    );
    assert_eq!(
        value(&t, "deregistration_delay.connection_termination.enabled").as_deref(),
        Some("false")
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Drift made outside: each found by a plan with no blueprint change.
    elb.modify_target_group_attributes()
        .target_group_arn(&http)
        .attributes(
            TargetGroupAttribute::builder()
                .key("load_balancing.algorithm.anomaly_mitigation")
                .value("off")
                .build(),
        )
        .attributes(
            TargetGroupAttribute::builder()
                .key("target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage")
                .value("off")
                .build(),
        )
        .send()
        .await
        .unwrap();
    elb.modify_capacity_reservation()
        .load_balancer_arn(&alb)
        .reset_capacity_reservation(true)
        .send()
        .await
        .unwrap();
    let drift = expect_code(&stack.run(&["plan", "-detailed-exitcode", "-no-color"]), 2);
    for what in [
        "load_balancing_anomaly_mitigation",
        "minimum_healthy_targets_percentage",
        "capacity_units",
    ] {
        assert!(drift.contains(what), "{what} not in {drift}");
    }
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(capacity(alb.clone()).await, Some(200));
    let a = tg_attrs(&elb, &http).await;
    assert_eq!(
        value(&a, "load_balancing.algorithm.anomaly_mitigation").as_deref(),
        Some("on")
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Taking the reservation away resets it.
    stack.edit(
        "main.tf",
        "minimum_load_balancer_capacity {\n    capacity_units = 200\n  }",
        "",
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(capacity(alb.clone()).await, None);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
