//! `aws_autoscaling_group` on the emulator: a group launching from a launch template across two
//! subnets, attached to a target group, with suspended processes, metrics and tags, holds its
//! capacity in service once applied; sizes, processes, tags and attachments change in place; a
//! process suspended behind infractl's back is drift; an import plans clean; a create killed
//! before its answer is adopted; destroy drains the group and deletes it. An ECS capacity
//! provider scales the group for a cluster and changes its target in place. Lifecycle hooks are
//! put, changed, moved to another group and deleted. Target groups
//! attached as traffic sources of their own, or the older way, are registered and detached. Terraform plans
//! clean after infractl and back.

use crate::interop::cross_check;
use crate::killed_creates::apply_killed_when_held;
use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_autoscaling::types::AutoScalingGroup;

const GROUP: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_vpc" "v" { cidr_block = "10.74.0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.74.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.74.2.0/24"
  availability_zone = "us-east-1b"
}
resource "aws_launch_template" "t" {
  name_prefix   = "asg-"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_lb_target_group" "tg" {
  name     = "${var.name}-tg"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.v.id
}
resource "aws_autoscaling_group" "web" {
  name                = "${var.name}-web"
  min_size            = 1
  max_size            = 3
  desired_capacity    = 2
  min_elb_capacity    = 2
  vpc_zone_identifier = [aws_subnet.a.id, aws_subnet.b.id]
  target_group_arns   = [aws_lb_target_group.tg.arn]
  enabled_metrics     = ["GroupInServiceInstances"]
  suspended_processes = ["AZRebalance"]
  launch_template {
    id      = aws_launch_template.t.id
    version = "$Latest"
  }
  tag {
    key                 = "Name"
    value               = "web"
    propagate_at_launch = true
  }
  tag {
    key                 = "team"
    value               = "platform"
    propagate_at_launch = false
  }
}
resource "aws_ecs_capacity_provider" "cp" {
  name = "${var.name}-cp"
  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.web.arn
    managed_scaling {
      status          = "ENABLED"
      target_capacity = 80
    }
  }
  tags = { team = "platform" }
}
resource "aws_ecs_cluster" "c" { name = "${var.name}-cluster" }
resource "aws_ecs_cluster_capacity_providers" "c" {
  cluster_name       = aws_ecs_cluster.c.name
  capacity_providers = [aws_ecs_capacity_provider.cp.name]
}
"##;

async fn group(asg: &aws_sdk_autoscaling::Client, name: &str) -> Option<AutoScalingGroup> {
    let out = asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .unwrap();
    out.auto_scaling_groups().first().cloned()
}

fn tag<'a>(g: &'a AutoScalingGroup, key: &str) -> Option<(&'a str, bool)> {
    g.tags()
        .iter()
        .find(|t| t.key() == Some(key))
        .map(|t| (t.value().unwrap_or_default(), t.propagate_at_launch().unwrap_or(false)))
}

fn in_service(g: &AutoScalingGroup) -> usize {
    g.instances()
        .iter()
        .filter(|i| i.lifecycle_state().map(|s| s.as_str()) == Some("InService"))
        .count()
}

fn processes(g: &AutoScalingGroup) -> Vec<&str> {
    let mut p: Vec<&str> = g
        .suspended_processes()
        .iter()
        .filter_map(|p| p.process_name())
        .collect();
    p.sort_unstable();
    p
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_holds_its_capacity_changes_in_place_and_is_drained_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", GROUP)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let clean = text(&run(&["plan", "-detailed-exitcode"]));
    assert!(clean.contains("No changes"), "{clean}");

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-web", stack.name);
    assert_eq!(stack.state_id("aws_autoscaling_group.web"), name);
    let g = group(&asg, &name).await.expect("the group exists");
    assert_eq!(
        (g.min_size(), g.max_size(), g.desired_capacity()),
        (Some(1), Some(3), Some(2))
    );
    assert_eq!(in_service(&g), 2, "the apply waited for the capacity: {g:?}");
    let template = g.launch_template().unwrap();
    assert_eq!(
        template.launch_template_id(),
        Some(stack.state_id("aws_launch_template.t").as_str())
    );
    assert_eq!(template.version(), Some("$Latest"));
    let mut subnets: Vec<&str> = g.vpc_zone_identifier().unwrap().split(',').collect();
    subnets.sort_unstable();
    let mut want = vec![stack.state_id("aws_subnet.a"), stack.state_id("aws_subnet.b")];
    want.sort();
    assert_eq!(subnets, want);
    let tg = stack.state_str("aws_lb_target_group.tg", "arn");
    assert_eq!(g.target_group_arns(), std::slice::from_ref(&tg));
    // min_elb_capacity: the create waited for both instances to be healthy in the group.
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let health = elbv2
        .describe_target_health()
        .target_group_arn(&tg)
        .send()
        .await
        .unwrap();
    let healthy = health
        .target_health_descriptions()
        .iter()
        .filter(|d| d.target_health().and_then(|h| h.state()).map(|s| s.as_str()) == Some("healthy"))
        .count();
    assert_eq!(healthy, 2);
    assert_eq!(processes(&g), ["AZRebalance"]);
    assert_eq!(g.enabled_metrics()[0].metric(), Some("GroupInServiceInstances"));
    assert_eq!(tag(&g, "Name"), Some(("web", true)));
    assert_eq!(tag(&g, "team"), Some(("platform", false)));
    // The ownership tags are on the group, but not in state.
    assert!(tag(&g, "infractl:stack").is_some());
    let recorded = stack.state_attr("aws_autoscaling_group.web", "tag");
    assert_eq!(recorded.as_array().unwrap().len(), 2, "{recorded}");

    // The capacity provider scales that group for the cluster.
    let ecs = aws_sdk_ecs::Client::new(&sdk_config("us-east-1").await);
    let cp_name = format!("{}-cp", stack.name);
    let provider = || async {
        let out = ecs
            .describe_capacity_providers()
            .capacity_providers(&cp_name)
            .include(aws_sdk_ecs::types::CapacityProviderField::Tags)
            .send()
            .await
            .unwrap();
        out.capacity_providers()
            .iter()
            .find(|p| p.status().map(|s| s.as_str()) == Some("ACTIVE"))
            .cloned()
    };
    let p = provider().await.expect("the capacity provider is active");
    assert_eq!(
        stack.state_id("aws_ecs_capacity_provider.cp"),
        p.capacity_provider_arn().unwrap()
    );
    let g_arn = g.auto_scaling_group_arn().unwrap();
    let asgp = p.auto_scaling_group_provider().unwrap();
    assert_eq!(asgp.auto_scaling_group_arn(), g_arn);
    assert_eq!(asgp.managed_scaling().and_then(|m| m.target_capacity()), Some(80));
    assert!(p
        .tags()
        .iter()
        .any(|t| t.key() == Some("team") && t.value() == Some("platform")));
    let cluster = ecs
        .describe_clusters()
        .clusters(format!("{}-cluster", stack.name))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cluster.clusters()[0].capacity_providers(),
        std::slice::from_ref(&cp_name)
    );
    stack.edit("main.tf", "target_capacity = 80", "target_capacity = 90");
    stack.changes_in_place("aws_ecs_capacity_provider.cp", &args);
    let p = provider().await.unwrap();
    assert_eq!(
        p.auto_scaling_group_provider()
            .and_then(|a| a.managed_scaling())
            .and_then(|m| m.target_capacity()),
        Some(90)
    );

    // Capacity, processes, tags and attachments change in place.
    stack.edit("main.tf", "desired_capacity    = 2", "desired_capacity    = 3");
    stack.edit("main.tf", "[\"AZRebalance\"]", "[\"AZRebalance\", \"HealthCheck\"]");
    stack.edit(
        "main.tf",
        "value               = \"web\"",
        "value               = \"web-2\"",
    );
    stack.edit(
        "main.tf",
        "  tag {\n    key                 = \"team\"\n    value               = \"platform\"\n    propagate_at_launch = false\n  }\n",
        "",
    );
    stack.edit("main.tf", "[aws_lb_target_group.tg.arn]", "[]");
    stack.changes_in_place("aws_autoscaling_group.web", &args);
    let g = group(&asg, &name).await.unwrap();
    assert_eq!(g.desired_capacity(), Some(3));
    assert_eq!(in_service(&g), 3);
    assert_eq!(processes(&g), ["AZRebalance", "HealthCheck"]);
    assert_eq!(tag(&g, "Name"), Some(("web-2", true)));
    assert_eq!(tag(&g, "team"), None);
    assert!(g.target_group_arns().is_empty());

    // A process suspended behind infractl's back is drift, resumed by the next apply.
    asg.suspend_processes()
        .auto_scaling_group_name(&name)
        .scaling_processes("Launch")
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(shown.contains("suspended_processes"), "{shown}");
    assert_eq!(
        processes(&group(&asg, &name).await.unwrap()),
        ["AZRebalance", "HealthCheck"]
    );

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none(), "the group is deleted");
    assert!(provider().await.is_none(), "the capacity provider is deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_create_killed_before_its_answer_is_adopted() {
    let blueprint = r#"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "t" {
  name          = "${var.name}-lt"
  image_id      = "ami-12c6146b"
  instance_type = "t3.nano"
}
resource "aws_autoscaling_group" "g" {
  name_prefix        = "killed-"
  min_size           = 0
  max_size           = 1
  availability_zones = ["us-east-1a"]
  launch_template {
    name = aws_launch_template.t.name
  }
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["autoscaling:CreateAutoScalingGroup"]);
    let shown = expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    assert!(shown.contains("aws_autoscaling_group.g: adopting"), "{shown}");
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let id = stack.state_id("aws_autoscaling_group.g");
    assert!(id.starts_with("killed-"), "{id}");
    let all = asg.describe_auto_scaling_groups().send().await.unwrap();
    let made: Vec<&str> = all
        .auto_scaling_groups()
        .iter()
        .filter_map(|g| g.auto_scaling_group_name())
        .filter(|n| n.starts_with("killed-") && group_of_stack(&all, n, &stack.name))
        .collect();
    assert_eq!(made, [id.as_str()], "one group, the adopted one");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(group(&asg, &id).await.is_none());
}

fn group_of_stack(
    all: &aws_sdk_autoscaling::operation::describe_auto_scaling_groups::DescribeAutoScalingGroupsOutput,
    name: &str,
    stack: &str,
) -> bool {
    all.auto_scaling_groups()
        .iter()
        .filter(|g| g.auto_scaling_group_name() == Some(name))
        .any(|g| {
            g.tags()
                .iter()
                .any(|t| t.key() == Some("infractl:stack") && t.value() == Some(stack))
        })
}

/// Terraform and infractl keep a group the same way: each plans clean after the other applied
/// it (tags, processes, metrics, the launch template, the default termination policy).
#[test]
fn terraform_and_infractl_agree_on_a_group_either_way() {
    cross_check(
        "the aws_autoscaling_group cross-check",
        GROUP,
        "cross-check",
        Some(("10.74.", "10.75.")),
        &["ec2", "autoscaling", "elb", "elbv2", "ecs", "sts"],
    );
}

/// A group launching from a mixed instances policy: one template by name, per-type overrides
/// (one from another template), a partial distribution that AWS completes.
const MIXED: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "a" {
  name          = "${var.name}-a"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_launch_template" "b" {
  name          = "${var.name}-b"
  image_id      = "ami-12c6146b"
  instance_type = "m5.large"
}
resource "aws_autoscaling_group" "mixed" {
  name               = "${var.name}-mixed"
  min_size           = 0
  max_size           = 3
  desired_capacity   = 2
  availability_zones = ["us-east-1a"]
  # One instance of weight 2 is the capacity of 2: a wait counting instances would time out.
  wait_for_capacity_timeout = "3m"
  # Destroy lifts the protection to drain the group.
  protect_from_scale_in = true
  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity  = 0
      spot_allocation_strategy = "price-capacity-optimized"
    }
    launch_template {
      launch_template_specification {
        launch_template_name = aws_launch_template.a.name
      }
      override {
        instance_type     = "t3.large"
        weighted_capacity = "2"
      }
      override {
        instance_type     = "m5.large"
        weighted_capacity = "1"
        launch_template_specification {
          launch_template_id = aws_launch_template.b.id
        }
      }
    }
  }
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn a_mixed_instances_policy_is_sent_as_the_provider_sends_it_and_changes_in_place() {
    let stack = Stack::from_files(&[("main.tf", MIXED)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-mixed", stack.name);
    let template_a = stack.state_id("aws_launch_template.a");
    let template_b = stack.state_id("aws_launch_template.b");
    let g = group(&asg, &name).await.expect("the group exists");
    assert!(g.launch_template().is_none(), "the policy takes the template's place");
    // The emulator launches the first override for all the capacity: one instance weighing 2.
    assert_eq!(in_service(&g), 1, "{g:?}");
    assert_eq!(g.instances()[0].weighted_capacity(), Some("2"));
    assert_eq!(g.instances()[0].protected_from_scale_in(), Some(true));
    let policy = g.mixed_instances_policy().expect("the policy is on the group");
    let d = policy.instances_distribution().unwrap();
    assert_eq!(d.on_demand_base_capacity(), Some(0));
    // Unset, the percentage goes as 0 (the provider's zero value), the strategy as AWS's default.
    assert_eq!(d.on_demand_percentage_above_base_capacity(), Some(0));
    assert_eq!(d.spot_allocation_strategy(), Some("price-capacity-optimized"));
    assert_eq!(d.on_demand_allocation_strategy(), Some("prioritized"));
    let t = policy.launch_template().unwrap();
    let spec = t.launch_template_specification().unwrap();
    assert_eq!(spec.launch_template_id(), Some(template_a.as_str()));
    assert_eq!(spec.version(), Some("$Default"));
    let overrides: Vec<(Option<&str>, Option<&str>)> = t
        .overrides()
        .iter()
        .map(|o| (o.instance_type(), o.weighted_capacity()))
        .collect();
    assert_eq!(
        overrides,
        [(Some("t3.large"), Some("2")), (Some("m5.large"), Some("1"))]
    );
    let nested = t.overrides()[1].launch_template_specification().unwrap();
    assert_eq!(nested.launch_template_id(), Some(template_b.as_str()));
    let recorded = stack.state_attr("aws_autoscaling_group.mixed", "mixed_instances_policy");
    assert_eq!(
        recorded[0]["launch_template"][0]["launch_template_specification"][0]["launch_template_id"],
        template_a.as_str(),
        "{recorded}"
    );

    // The policy changes in place: another template by name (its id follows), the
    // percentage, a weight.
    stack.edit("main.tf", "aws_launch_template.a.name", "aws_launch_template.b.name");
    stack.edit(
        "main.tf",
        "      on_demand_base_capacity  = 0\n",
        "      on_demand_base_capacity  = 0\n      on_demand_percentage_above_base_capacity = 50\n",
    );
    stack.edit("main.tf", "weighted_capacity = \"2\"", "weighted_capacity = \"3\"");
    stack.changes_in_place("aws_autoscaling_group.mixed", &args);
    let g = group(&asg, &name).await.unwrap();
    let policy = g.mixed_instances_policy().unwrap();
    let t = policy.launch_template().unwrap();
    assert_eq!(
        t.launch_template_specification().unwrap().launch_template_id(),
        Some(template_b.as_str())
    );
    assert_eq!(t.overrides()[0].weighted_capacity(), Some("3"));
    assert_eq!(
        policy
            .instances_distribution()
            .unwrap()
            .on_demand_percentage_above_base_capacity(),
        Some(50)
    );

    // A change elsewhere keeps the policy.
    stack.edit("main.tf", "max_size           = 3", "max_size           = 4");
    stack.changes_in_place("aws_autoscaling_group.mixed", &args);
    let g = group(&asg, &name).await.unwrap();
    assert_eq!(g.max_size(), Some(4));
    assert!(g.mixed_instances_policy().is_some(), "{g:?}");

    stack.reimport_all(&args);
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

/// Terraform and infractl read and send a mixed instances policy alike: each plans clean after
/// the other applied it.
#[test]
fn terraform_and_infractl_agree_on_a_mixed_instances_policy_either_way() {
    group_cross_check("the mixed instances policy cross-check", MIXED, "mixed-check");
}

/// A group with an initial lifecycle hook, an instance maintenance policy and a warm pool.
const POOLED: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "t" {
  name          = "${var.name}-pooled"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "pooled" {
  name               = "${var.name}-pooled"
  min_size           = 1
  max_size           = 4
  desired_capacity   = 1
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.t.id
  }
  initial_lifecycle_hook {
    name                 = "warm-up"
    lifecycle_transition = "autoscaling:EC2_INSTANCE_LAUNCHING"
    default_result       = "CONTINUE"
    heartbeat_timeout    = 60
  }
  instance_maintenance_policy {
    min_healthy_percentage = 90
    max_healthy_percentage = 120
  }
  warm_pool {
    pool_state                  = "Stopped"
    min_size                    = 1
    max_group_prepared_capacity = 2
    instance_reuse_policy {
      reuse_on_scale_in = true
    }
  }
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn hooks_maintenance_and_warm_pool_are_set_changed_and_removed() {
    let stack = Stack::from_files(&[("main.tf", POOLED)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-pooled", stack.name);
    let hooks = asg
        .describe_lifecycle_hooks()
        .auto_scaling_group_name(&name)
        .send()
        .await
        .unwrap();
    let hook = &hooks.lifecycle_hooks()[0];
    assert_eq!(hooks.lifecycle_hooks().len(), 1);
    assert_eq!(
        (
            hook.lifecycle_hook_name(),
            hook.lifecycle_transition(),
            hook.heartbeat_timeout()
        ),
        (Some("warm-up"), Some("autoscaling:EC2_INSTANCE_LAUNCHING"), Some(60))
    );
    let g = group(&asg, &name).await.unwrap();
    assert_eq!(
        (g.min_size(), g.max_size(), g.desired_capacity()),
        (Some(1), Some(4), Some(1))
    );
    assert_eq!(in_service(&g), 1, "the sizes came after the hook: {g:?}");
    let policy = g.instance_maintenance_policy().unwrap();
    assert_eq!(
        (policy.min_healthy_percentage(), policy.max_healthy_percentage()),
        (Some(90), Some(120))
    );
    let pool = g.warm_pool_configuration().unwrap();
    assert_eq!(
        (pool.min_size(), pool.max_group_prepared_capacity()),
        (Some(1), Some(2))
    );
    assert_eq!(
        pool.instance_reuse_policy().and_then(|p| p.reuse_on_scale_in()),
        Some(true)
    );

    // Both change in place.
    stack.edit(
        "main.tf",
        "min_size                    = 1",
        "min_size                    = 0",
    );
    stack.edit("main.tf", "min_healthy_percentage = 90", "min_healthy_percentage = 80");
    stack.changes_in_place("aws_autoscaling_group.pooled", &args);
    let g = group(&asg, &name).await.unwrap();
    assert_eq!(
        g.instance_maintenance_policy().unwrap().min_healthy_percentage(),
        Some(80)
    );
    assert_eq!(g.warm_pool_configuration().unwrap().min_size(), Some(0));

    // Removed from the blueprint, the pool is drained and deleted and the policy cleared.
    let text = std::fs::read_to_string(stack.path.join("main.tf")).unwrap();
    let start = text.find("  instance_maintenance_policy {").unwrap();
    let end = text[start..].find("\n}\n").unwrap() + start;
    stack.edit("main.tf", &text[start..end], "");
    stack.changes_in_place("aws_autoscaling_group.pooled", &args);
    let g = group(&asg, &name).await.unwrap();
    assert!(g.instance_maintenance_policy().is_none(), "{g:?}");
    assert!(g.warm_pool_configuration().is_none(), "{g:?}");

    // A hook's change replaces the group (the provider's ForceNew).
    stack.edit("main.tf", "heartbeat_timeout    = 60", "heartbeat_timeout    = 90");
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_autoscaling_group.pooled must be replaced"),
        "{shown}"
    );

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

/// Terraform and infractl agree on hooks, the maintenance policy and a warm pool: each plans
/// clean after the other applied them.
#[test]
fn terraform_and_infractl_agree_on_hooks_and_warm_pools_either_way() {
    group_cross_check("the warm pool cross-check", POOLED, "pooled-check");
}

/// Attribute-based instance type selection: a launch template with requirements instead of a
/// type (and a network interface's connection tracking and ENA Express settings), and a group
/// whose override asks for its own.
const REQUIREMENTS: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "abs" {
  name     = "${var.name}-abs"
  image_id = "ami-12c6146b"
  instance_requirements {
    vcpu_count {
      min = 2
      max = 8
    }
    memory_mib {
      min = 4096
    }
    memory_gib_per_vcpu {
      min = 0.5
      max = 8
    }
    accelerator_count {
      max = 0
    }
    cpu_manufacturers    = ["intel", "amd"]
    instance_generations = ["current"]
    burstable_performance = "excluded"
    spot_max_price_percentage_over_lowest_price = 50
  }
  network_interfaces {
    device_index = 0
    connection_tracking_specification {
      tcp_established_timeout = 3600
      udp_timeout             = 60
    }
    ena_srd_specification {
      ena_srd_enabled = true
      ena_srd_udp_specification {
        ena_srd_udp_enabled = true
      }
    }
  }
}
resource "aws_autoscaling_group" "abs" {
  name               = "${var.name}-abs"
  min_size           = 0
  max_size           = 2
  availability_zones = ["us-east-1a"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.abs.id
      }
      override {
        instance_requirements {
          vcpu_count {
            min = 4
          }
          memory_mib {
            min = 8192
            max = 32768
          }
          excluded_instance_types = ["t2.*"]
        }
      }
    }
  }
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn instance_requirements_go_to_the_template_and_the_override() {
    let stack = Stack::from_files(&[("main.tf", REQUIREMENTS)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("us-east-1").await);
    let versions = ec2
        .describe_launch_template_versions()
        .launch_template_id(stack.state_id("aws_launch_template.abs"))
        .versions("$Latest")
        .send()
        .await
        .unwrap();
    let data = versions.launch_template_versions()[0].launch_template_data().unwrap();
    assert!(data.instance_type().is_none());
    let r = data
        .instance_requirements()
        .expect("the requirements are on the version");
    let vcpu = r.v_cpu_count().unwrap();
    assert_eq!((vcpu.min(), vcpu.max()), (Some(2), Some(8)));
    assert_eq!(
        r.memory_mib().and_then(|m| m.max()),
        None,
        "an unset maximum below the minimum is not sent"
    );
    assert_eq!(r.memory_gib_per_v_cpu().and_then(|m| m.min()), Some(0.5));
    assert_eq!(r.accelerator_count().and_then(|a| a.max()), Some(0));
    let mut makers: Vec<&str> = r.cpu_manufacturers().iter().map(|m| m.as_str()).collect();
    makers.sort_unstable();
    assert_eq!(makers, ["amd", "intel"]);
    assert_eq!(r.spot_max_price_percentage_over_lowest_price(), Some(50));
    let nic = &data.network_interfaces()[0];
    let tracking = nic.connection_tracking_specification().unwrap();
    assert_eq!(
        (
            tracking.tcp_established_timeout(),
            tracking.udp_stream_timeout(),
            tracking.udp_timeout()
        ),
        (Some(3600), None, Some(60))
    );
    let srd = nic.ena_srd_specification().unwrap();
    assert_eq!(srd.ena_srd_enabled(), Some(true));
    assert_eq!(
        srd.ena_srd_udp_specification().and_then(|u| u.ena_srd_udp_enabled()),
        Some(true)
    );

    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let g = group(&asg, &format!("{}-abs", stack.name)).await.unwrap();
    let policy = g.mixed_instances_policy().unwrap();
    let o = &policy.launch_template().unwrap().overrides()[0];
    let wanted = o.instance_requirements().expect("the override's requirements");
    assert_eq!(wanted.v_cpu_count().and_then(|v| v.min()), Some(4));
    assert_eq!(wanted.memory_mib().and_then(|m| m.max()), Some(32768));
    assert_eq!(wanted.excluded_instance_types(), ["t2.*".to_string()]);

    // A requirement changes the template in place (a new version) and the group in place.
    stack.edit(
        "main.tf",
        "max = 8\n    }\n    memory_mib",
        "max = 16\n    }\n    memory_mib",
    );
    stack.edit("main.tf", "max = 32768", "max = 65536");
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let g = group(&asg, &format!("{}-abs", stack.name)).await.unwrap();
    let o = &g
        .mixed_instances_policy()
        .unwrap()
        .launch_template()
        .unwrap()
        .overrides()[0];
    assert_eq!(
        o.instance_requirements().unwrap().memory_mib().and_then(|m| m.max()),
        Some(65536)
    );

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
}

/// Terraform and infractl read and send instance requirements alike, either way.
#[test]
fn terraform_and_infractl_agree_on_instance_requirements_either_way() {
    group_cross_check("the instance requirements cross-check", REQUIREMENTS, "abs-check");
}

/// Terraform and infractl plan clean after each other on `blueprint`, a group life test's
/// blueprint named `name` (it holds no networks, so nothing is moved).
fn group_cross_check(what: &str, blueprint: &str, name: &str) {
    cross_check(what, blueprint, name, None, &["ec2", "autoscaling", "sts"]);
}

/// A group whose instances are refreshed when its template version or its `Name` tag changes.
const REFRESHED: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "r" {
  name          = "${var.name}-refreshed"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "r" {
  name               = "${var.name}-refreshed"
  min_size           = 0
  max_size           = 3
  desired_capacity   = 2
  availability_zones = ["us-east-1a"]
  launch_template {
    id      = aws_launch_template.r.id
    version = aws_launch_template.r.latest_version
  }
  instance_refresh {
    strategy = "Rolling"
    triggers = ["tag"]
    preferences {
      instance_warmup        = "0"
      min_healthy_percentage = 50
      checkpoint_percentages = [50, 100]
      checkpoint_delay       = 0
      alarm_specification {
        alarms = ["${var.name}-canary"]
      }
    }
  }
  tag {
    key                 = "Name"
    value               = "first"
    propagate_at_launch = true
  }
}
"##;

/// The group's refreshes, newest first: (status, minimum healthy percentage, warm-up).
async fn refreshes(asg: &aws_sdk_autoscaling::Client, name: &str) -> Vec<(String, Option<i32>, Option<i32>)> {
    let out = asg
        .describe_instance_refreshes()
        .auto_scaling_group_name(name)
        .send()
        .await
        .unwrap();
    out.instance_refreshes()
        .iter()
        .map(|r| {
            let p = r.preferences();
            (
                r.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                p.and_then(|p| p.min_healthy_percentage()),
                p.and_then(|p| p.instance_warmup()),
            )
        })
        .collect()
}

fn instance_ids(g: &AutoScalingGroup) -> Vec<String> {
    let mut ids: Vec<String> = g
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn a_template_or_trigger_change_refreshes_the_instances_and_a_refresh_in_progress_is_cancelled() {
    let stack = Stack::from_files(&[("main.tf", REFRESHED)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-refreshed", stack.name);
    assert!(refreshes(&asg, &name).await.is_empty(), "a create refreshes nothing");
    let first = instance_ids(&group(&asg, &name).await.unwrap());
    assert_eq!(first.len(), 2);

    // A new template version: the group moves to it and its instances are replaced, with the
    // preferences as the blueprint gives them.
    stack.edit(
        "main.tf",
        "instance_type = \"t3.micro\"",
        "instance_type = \"t3.small\"",
    );
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_autoscaling_group.r will be updated in-place"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    assert_eq!(
        refreshes(&asg, &name).await,
        vec![("Successful".to_string(), Some(50), Some(0))]
    );
    let out = asg
        .describe_instance_refreshes()
        .auto_scaling_group_name(&name)
        .send()
        .await
        .unwrap();
    let prefs = out.instance_refreshes()[0].preferences().unwrap();
    assert_eq!(prefs.checkpoint_percentages(), &[50, 100]);
    assert_eq!(prefs.checkpoint_delay(), Some(0));
    assert_eq!(
        prefs.alarm_specification().map(|a| a.alarms().to_vec()),
        Some(vec![format!("{}-canary", stack.name)])
    );
    let second = instance_ids(&group(&asg, &name).await.unwrap());
    assert_eq!(second.len(), 2);
    assert!(first.iter().all(|i| !second.contains(i)), "{first:?} then {second:?}");

    // A change to the refresh settings alone starts nothing.
    stack.edit(
        "main.tf",
        "instance_warmup        = \"0\"",
        "instance_warmup        = \"900\"",
    );
    stack.changes_in_place("aws_autoscaling_group.r", &args);
    assert_eq!(refreshes(&asg, &name).await.len(), 1);

    // The trigger: a tag change starts one, which then takes its 15-minute warm-up.
    stack.edit(
        "main.tf",
        "value               = \"first\"",
        "value               = \"second\"",
    );
    stack.changes_in_place("aws_autoscaling_group.r", &args);
    let statuses = |r: Vec<(String, Option<i32>, Option<i32>)>| r.into_iter().map(|r| r.0).collect::<Vec<_>>();
    assert_eq!(statuses(refreshes(&asg, &name).await), ["InProgress", "Successful"]);

    // Another while it runs: the running one is cancelled, the new one started.
    stack.edit(
        "main.tf",
        "value               = \"second\"",
        "value               = \"third\"",
    );
    stack.changes_in_place("aws_autoscaling_group.r", &args);
    assert_eq!(
        statuses(refreshes(&asg, &name).await),
        ["InProgress", "Cancelled", "Successful"]
    );

    // A change no trigger names starts nothing.
    stack.edit("main.tf", "max_size           = 3", "max_size           = 4");
    stack.changes_in_place("aws_autoscaling_group.r", &args);
    assert_eq!(refreshes(&asg, &name).await.len(), 3);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

/// Terraform and infractl agree on a group with refresh settings: each plans clean after the
/// other applied it.
#[test]
fn terraform_and_infractl_agree_on_instance_refresh_settings_either_way() {
    group_cross_check("the instance refresh cross-check", REFRESHED, "refresh-check");
}

/// A group with two scheduled actions: a recurring one in a time zone that sets every size, and
/// a one-off window that leaves the desired capacity alone (-1).
const SCHEDULED: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "s" {
  name          = "${var.name}-scheduled"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "s" {
  name               = "${var.name}-scheduled"
  min_size           = 0
  max_size           = 4
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.s.id
  }
}
resource "aws_autoscaling_schedule" "mornings" {
  autoscaling_group_name = aws_autoscaling_group.s.name
  scheduled_action_name  = "mornings"
  recurrence             = "0 8 * * MON-FRI"
  time_zone              = "Europe/Paris"
  min_size               = 1
  max_size               = 4
  desired_capacity       = 2
}
resource "aws_autoscaling_schedule" "window" {
  autoscaling_group_name = aws_autoscaling_group.s.name
  scheduled_action_name  = "window"
  start_time             = "2031-01-01T08:00:00Z"
  end_time               = "2031-01-02T08:00:00Z"
  min_size               = 0
  max_size               = 2
  desired_capacity       = -1
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn scheduled_actions_are_put_changed_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", SCHEDULED)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-scheduled", stack.name);
    let actions = || async {
        let out = asg
            .describe_scheduled_actions()
            .auto_scaling_group_name(&name)
            .send()
            .await
            .unwrap();
        let mut all: Vec<_> = out.scheduled_update_group_actions().to_vec();
        all.sort_by(|a, b| a.scheduled_action_name().cmp(&b.scheduled_action_name()));
        all
    };
    let held = actions().await;
    assert_eq!(held.len(), 2);
    let (mornings, window) = (&held[0], &held[1]);
    assert_eq!(
        (mornings.recurrence(), mornings.time_zone()),
        (Some("0 8 * * MON-FRI"), Some("Europe/Paris"))
    );
    assert_eq!(
        (mornings.min_size(), mornings.max_size(), mornings.desired_capacity()),
        (Some(1), Some(4), Some(2))
    );
    assert_eq!(
        (window.min_size(), window.max_size(), window.desired_capacity()),
        (Some(0), Some(2), None),
        "-1 leaves the desired capacity out"
    );
    assert_eq!(window.start_time().map(|t| t.secs()), Some(1_925_020_800));
    assert_eq!(window.end_time().map(|t| t.secs()), Some(1_925_107_200));
    let arn = stack.flat_state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_autoscaling_schedule.mornings")
        .unwrap()["attributes"]["arn"]
        .clone();
    assert_eq!(arn, serde_json::json!(mornings.scheduled_action_arn().unwrap()));

    // Sizes and the recurrence change in place.
    stack.edit("main.tf", "desired_capacity       = 2", "desired_capacity       = 3");
    stack.edit("main.tf", "\"0 8 * * MON-FRI\"", "\"30 7 * * MON-FRI\"");
    stack.changes_in_place("aws_autoscaling_schedule.mornings", &args);
    let held = actions().await;
    assert_eq!(
        (held[0].recurrence(), held[0].desired_capacity()),
        (Some("30 7 * * MON-FRI"), Some(3))
    );

    // Deleted behind infractl's back: planned again. Imported by GROUP/ACTION: plans clean.
    asg.delete_scheduled_action()
        .auto_scaling_group_name(&name)
        .scheduled_action_name("window")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_autoscaling_schedule.window will be created"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

/// Terraform and infractl agree on scheduled actions, either way.
#[test]
fn terraform_and_infractl_agree_on_scheduled_actions_either_way() {
    group_cross_check("the scheduled actions cross-check", SCHEDULED, "schedule-check");
}

/// Two groups, an SNS topic and the role Auto Scaling publishes to it with, and two lifecycle
/// hooks: one with every setting, one with the fewest.
const HOOKED: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "h" {
  name          = "${var.name}-hooked"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "h" {
  for_each           = toset(["one", "two"])
  name               = "${var.name}-hooked-${each.key}"
  min_size           = 0
  max_size           = 2
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.h.id
  }
}
resource "aws_sns_topic" "h" {
  name = "${var.name}-hooks"
}
resource "aws_iam_role" "h" {
  name = "${var.name}-hooks"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "autoscaling.amazonaws.com" } }]
  })
}
resource "aws_autoscaling_lifecycle_hook" "launching" {
  name                    = "launching"
  autoscaling_group_name  = aws_autoscaling_group.h["one"].name
  lifecycle_transition    = "autoscaling:EC2_INSTANCE_LAUNCHING"
  default_result          = "CONTINUE"
  heartbeat_timeout       = 60
  notification_metadata   = jsonencode({ stage = "boot" })
  notification_target_arn = aws_sns_topic.h.arn
  role_arn                = aws_iam_role.h.arn
}
resource "aws_autoscaling_lifecycle_hook" "terminating" {
  name                   = "terminating"
  autoscaling_group_name = aws_autoscaling_group.h["one"].name
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  heartbeat_timeout      = 300
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn lifecycle_hooks_are_put_changed_moved_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", HOOKED)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let (one, two) = (
        format!("{}-hooked-one", stack.name),
        format!("{}-hooked-two", stack.name),
    );
    let hooks = |group: String| {
        let asg = asg.clone();
        async move {
            let out = asg
                .describe_lifecycle_hooks()
                .auto_scaling_group_name(group)
                .send()
                .await
                .unwrap();
            let mut all = out.lifecycle_hooks().to_vec();
            all.sort_by(|a, b| a.lifecycle_hook_name().cmp(&b.lifecycle_hook_name()));
            all
        }
    };
    let held = hooks(one.clone()).await;
    assert_eq!(held.len(), 2, "{held:?}");
    let (launching, terminating) = (&held[0], &held[1]);
    let topic = stack.state_str("aws_sns_topic.h", "arn");
    let role = stack.state_str("aws_iam_role.h", "arn");
    assert_eq!(
        (
            launching.lifecycle_transition(),
            launching.default_result(),
            launching.heartbeat_timeout(),
            launching.notification_metadata(),
            launching.notification_target_arn(),
            launching.role_arn(),
        ),
        (
            Some("autoscaling:EC2_INSTANCE_LAUNCHING"),
            Some("CONTINUE"),
            Some(60),
            Some(r#"{"stage":"boot"}"#),
            Some(topic.as_str()),
            Some(role.as_str()),
        )
    );
    assert_eq!(
        (
            terminating.default_result(),
            terminating.heartbeat_timeout(),
            terminating.role_arn()
        ),
        (Some("ABANDON"), Some(300), None),
        "AWS's default result, no role"
    );
    assert_eq!(
        stack.state_str("aws_autoscaling_lifecycle_hook.terminating", "default_result"),
        "ABANDON"
    );

    // The heartbeat and the metadata change in place.
    stack.edit(
        "main.tf",
        "heartbeat_timeout       = 60",
        "heartbeat_timeout       = 120",
    );
    stack.edit("main.tf", "stage = \"boot\"", "stage = \"ready\"");
    stack.changes_in_place("aws_autoscaling_lifecycle_hook.launching", &args);
    let held = hooks(one.clone()).await;
    assert_eq!(
        (held[0].heartbeat_timeout(), held[0].notification_metadata()),
        (Some(120), Some(r#"{"stage":"ready"}"#))
    );

    // Changed behind infractl's back: the next plan puts it back.
    asg.put_lifecycle_hook()
        .auto_scaling_group_name(&one)
        .lifecycle_hook_name("launching")
        .default_result("ABANDON")
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(shown.contains(r#"~ default_result"#), "{shown}");
    assert_eq!(hooks(one.clone()).await[0].default_result(), Some("CONTINUE"));

    // Deleted behind infractl's back: made again. Imported by GROUP/NAME: plans clean.
    asg.delete_lifecycle_hook()
        .auto_scaling_group_name(&one)
        .lifecycle_hook_name("terminating")
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_autoscaling_lifecycle_hook.terminating will be created"),
        "{shown}"
    );
    stack.reimport_all(&args);

    // Moved to the other group in place: the first group no longer holds it.
    stack.edit(
        "main.tf",
        "autoscaling_group_name = aws_autoscaling_group.h[\"one\"].name\n  lifecycle_transition   = \"autoscaling:EC2_INSTANCE_TERMINATING\"",
        "autoscaling_group_name = aws_autoscaling_group.h[\"two\"].name\n  lifecycle_transition   = \"autoscaling:EC2_INSTANCE_TERMINATING\"",
    );
    stack.changes_in_place("aws_autoscaling_lifecycle_hook.terminating", &args);
    let names = |hs: Vec<aws_sdk_autoscaling::types::LifecycleHook>| {
        hs.iter()
            .map(|h| h.lifecycle_hook_name().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(hooks(one.clone()).await), ["launching"]);
    assert_eq!(names(hooks(two.clone()).await), ["terminating"]);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &one).await.is_none());
    assert!(group(&asg, &two).await.is_none());
}

/// Terraform and infractl agree on lifecycle hooks, either way.
#[test]
fn terraform_and_infractl_agree_on_lifecycle_hooks_either_way() {
    cross_check(
        "the lifecycle hooks cross-check",
        HOOKED,
        "hook-check",
        None,
        &["ec2", "autoscaling", "sns", "iam", "sts"],
    );
}

/// A group with a policy of each kind: simple with a cooldown, step with two intervals, target
/// tracking on a predefined metric (disabled), on a named metric with dimensions, and on metric
/// math, and predictive scaling on a predefined metric pair.
const POLICIES: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_launch_template" "p" {
  name          = "${var.name}-policies"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_autoscaling_group" "p" {
  name               = "${var.name}-policies"
  min_size           = 0
  max_size           = 4
  availability_zones = ["us-east-1a"]
  launch_template {
    id = aws_launch_template.p.id
  }
}
resource "aws_autoscaling_policy" "simple" {
  name                   = "simple"
  autoscaling_group_name = aws_autoscaling_group.p.name
  adjustment_type        = "ChangeInCapacity"
  scaling_adjustment     = 2
  cooldown               = 120
}
resource "aws_autoscaling_policy" "step" {
  name                      = "step"
  autoscaling_group_name    = aws_autoscaling_group.p.name
  policy_type               = "StepScaling"
  adjustment_type           = "PercentChangeInCapacity"
  metric_aggregation_type   = "Maximum"
  estimated_instance_warmup = 60
  min_adjustment_magnitude  = 1
  step_adjustment {
    scaling_adjustment          = 10
    metric_interval_lower_bound = "0"
    metric_interval_upper_bound = "15.5"
  }
  step_adjustment {
    scaling_adjustment          = 30
    metric_interval_lower_bound = "15.5"
  }
}
resource "aws_autoscaling_policy" "cpu" {
  name                      = "cpu"
  autoscaling_group_name    = aws_autoscaling_group.p.name
  policy_type               = "TargetTrackingScaling"
  enabled                   = false
  estimated_instance_warmup = 120
  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value     = 55.5
    disable_scale_in = true
  }
}
resource "aws_autoscaling_policy" "named" {
  name                   = "named"
  autoscaling_group_name = aws_autoscaling_group.p.name
  policy_type            = "TargetTrackingScaling"
  target_tracking_configuration {
    customized_metric_specification {
      metric_name = "CPUUtilization"
      namespace   = "AWS/EC2"
      statistic   = "Average"
      unit        = "Percent"
      metric_dimension {
        name  = "AutoScalingGroupName"
        value = aws_autoscaling_group.p.name
      }
    }
    target_value = 40
  }
}
resource "aws_autoscaling_policy" "math" {
  name                   = "math"
  autoscaling_group_name = aws_autoscaling_group.p.name
  policy_type            = "TargetTrackingScaling"
  target_tracking_configuration {
    target_value = 100
    customized_metric_specification {
      metrics {
        id          = "backlog"
        return_data = false
        metric_stat {
          stat = "Sum"
          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"
            dimensions {
              name  = "QueueName"
              value = "work"
            }
          }
        }
      }
      metrics {
        id         = "per_instance"
        expression = "backlog / 2"
        label      = "Backlog per instance"
      }
    }
  }
}
resource "aws_autoscaling_policy" "forecast" {
  name                   = "forecast"
  autoscaling_group_name = aws_autoscaling_group.p.name
  policy_type            = "PredictiveScaling"
  predictive_scaling_configuration {
    mode                         = "ForecastAndScale"
    scheduling_buffer_time       = "10"
    max_capacity_breach_behavior = "IncreaseMaxCapacity"
    max_capacity_buffer          = "10"
    metric_specification {
      target_value = 40
      predefined_metric_pair_specification {
        predefined_metric_type = "ASGCPUUtilization"
      }
    }
  }
}
"##;

#[tokio::test(flavor = "multi_thread")]
async fn scaling_policies_of_each_kind_are_put_changed_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", POLICIES)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-policies", stack.name);
    let policies = || async {
        let out = asg
            .describe_policies()
            .auto_scaling_group_name(&name)
            .send()
            .await
            .unwrap();
        out.scaling_policies()
            .iter()
            .map(|p| (p.policy_name().unwrap().to_string(), p.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let held = policies().await;
    assert_eq!(held.len(), 6, "{:?}", held.keys());
    let simple = &held["simple"];
    assert_eq!(
        (simple.scaling_adjustment(), simple.cooldown(), simple.adjustment_type()),
        (Some(2), Some(120), Some("ChangeInCapacity"))
    );
    let step = &held["step"];
    let bounds: Vec<_> = step
        .step_adjustments()
        .iter()
        .map(|s| {
            (
                s.metric_interval_lower_bound(),
                s.metric_interval_upper_bound(),
                s.scaling_adjustment(),
            )
        })
        .collect();
    assert_eq!(
        bounds,
        [(Some(0.0), Some(15.5), Some(10)), (Some(15.5), None, Some(30))]
    );
    assert_eq!(
        (step.metric_aggregation_type(), step.estimated_instance_warmup()),
        (Some("Maximum"), Some(60))
    );
    let cpu = &held["cpu"];
    assert_eq!(cpu.enabled(), Some(false));
    let tracking = cpu.target_tracking_configuration().unwrap();
    assert_eq!(
        (tracking.target_value(), tracking.disable_scale_in()),
        (Some(55.5), Some(true))
    );
    let named = held["named"]
        .target_tracking_configuration()
        .unwrap()
        .customized_metric_specification()
        .unwrap();
    assert_eq!(
        (named.metric_name(), named.dimensions()[0].value()),
        (Some("CPUUtilization"), Some(name.as_str()))
    );
    let math = held["math"]
        .target_tracking_configuration()
        .unwrap()
        .customized_metric_specification()
        .unwrap();
    let ids: Vec<_> = math
        .metrics()
        .iter()
        .map(|m| (m.id(), m.expression(), m.return_data()))
        .collect();
    assert_eq!(
        ids,
        [
            (Some("backlog"), None, Some(false)),
            (Some("per_instance"), Some("backlog / 2"), Some(true))
        ]
    );
    let forecast = held["forecast"].predictive_scaling_configuration().unwrap();
    assert_eq!(
        (
            forecast.mode().map(|m| m.as_str()),
            forecast.max_capacity_buffer(),
            forecast.scheduling_buffer_time()
        ),
        (Some("ForecastAndScale"), Some(10), Some(10))
    );

    // Targets, steps and the enabled flag change in place.
    stack.edit("main.tf", "target_value     = 55.5", "target_value     = 60");
    stack.edit(
        "main.tf",
        "enabled                   = false",
        "enabled                   = true",
    );
    stack.changes_in_place("aws_autoscaling_policy.cpu", &args);
    stack.edit(
        "main.tf",
        "scaling_adjustment          = 30",
        "scaling_adjustment          = 40",
    );
    stack.changes_in_place("aws_autoscaling_policy.step", &args);
    let held = policies().await;
    let tracking = held["cpu"].target_tracking_configuration().unwrap();
    assert_eq!(
        (tracking.target_value(), held["cpu"].enabled()),
        (Some(60.0), Some(true))
    );
    assert_eq!(held["step"].step_adjustments()[1].scaling_adjustment(), Some(40));

    // Deleted behind infractl's back: planned again. Imported by GROUP/POLICY: plans clean.
    asg.delete_policy()
        .auto_scaling_group_name(&name)
        .policy_name("math")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("aws_autoscaling_policy.math will be created"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    stack.reimport_all(&args);

    // A setting its type does not take is refused before any call.
    std::fs::write(
        stack.path.join("bad.tf"),
        "resource \"aws_autoscaling_policy\" \"bad\" {\n  name                   = \"bad\"\n  autoscaling_group_name = \"g\"\n  policy_type            = \"StepScaling\"\n  scaling_adjustment     = 1\n}\n",
    )
    .unwrap();
    let shown = expect_code(&run(&["plan"]), 1);
    assert!(
        shown.contains("scaling_adjustment is only supported for policy type SimpleScaling"),
        "{shown}"
    );
    assert!(shown.contains("bad.tf"), "{shown}");
    std::fs::remove_file(stack.path.join("bad.tf")).unwrap();

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

/// Terraform and infractl agree on a policy of each kind, either way.
#[test]
fn terraform_and_infractl_agree_on_scaling_policies_either_way() {
    group_cross_check("the scaling policies cross-check", POLICIES, "policies-check");
}

/// The VPC, subnet, launch template and three target groups (blue, green, red) that the
/// traffic source blueprints share, in the VPC `10.$octet.0.0/16`, then the blueprint's own lines.
macro_rules! with_target_groups {
    ($octet:literal, $own:literal) => {
        concat!(
            r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
variable "sources" {
  type    = set(string)
  default = ["blue", "green"]
}
resource "aws_vpc" "v" { cidr_block = "10."##,
            $octet,
            r##".0.0/16" }
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10."##,
            $octet,
            r##".1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_launch_template" "t" {
  name_prefix   = "traffic-"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}
resource "aws_lb_target_group" "tg" {
  for_each = toset(["blue", "green", "red"])
  name     = "${var.name}-${each.key}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.v.id
}
"##,
            $own
        )
    };
}

/// A group whose two target groups are attached as traffic sources of their own, as the
/// autoscaling module attaches them (`for_each` over `traffic_source_attachments`), and a third
/// attached the older way (`aws_autoscaling_attachment`).
const TRAFFIC: &str = with_target_groups!(
    "75",
    r##"variable "attach_red" {
  type    = bool
  default = true
}
resource "aws_autoscaling_group" "web" {
  name                    = "${var.name}-traffic"
  min_size                = 1
  max_size                = 2
  desired_capacity        = 1
  desired_capacity_type   = "units"
  default_instance_warmup = 120
  vpc_zone_identifier     = [aws_subnet.a.id]
  launch_template {
    id      = aws_launch_template.t.id
    version = "$Latest"
  }
}
resource "aws_autoscaling_attachment" "red" {
  count                  = var.attach_red ? 1 : 0
  autoscaling_group_name = aws_autoscaling_group.web.id
  lb_target_group_arn    = aws_lb_target_group.tg["red"].arn
}
resource "aws_autoscaling_traffic_source_attachment" "this" {
  for_each               = var.sources
  autoscaling_group_name = aws_autoscaling_group.web.id
  traffic_source {
    identifier = aws_lb_target_group.tg[each.key].arn
    type       = "elbv2"
  }
}
"##
);

#[tokio::test(flavor = "multi_thread")]
async fn traffic_sources_are_attached_imported_and_detached() {
    let stack = Stack::from_files(&[("main.tf", TRAFFIC)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-traffic", stack.name);
    let sources = || async {
        let out = asg
            .describe_traffic_sources()
            .auto_scaling_group_name(&name)
            .send()
            .await
            .unwrap();
        let mut all: Vec<(String, String, String)> = out
            .traffic_sources()
            .iter()
            .map(|s| {
                let text = |v: Option<&str>| v.unwrap_or_default().to_string();
                (text(s.identifier()), text(s.r#type()), text(s.state()))
            })
            .collect();
        all.sort();
        all
    };
    let (blue, green) = (
        stack.state_id("aws_lb_target_group.tg[\"blue\"]"),
        stack.state_id("aws_lb_target_group.tg[\"green\"]"),
    );
    let mut expected = vec![
        (blue.clone(), "elbv2".to_string(), "Added".to_string()),
        (green.clone(), "elbv2".to_string(), "Added".to_string()),
    ];
    expected.sort();
    assert_eq!(sources().await, expected);
    assert_eq!(
        stack.state_id("aws_autoscaling_traffic_source_attachment.this[\"blue\"]"),
        format!("{name},elbv2,{blue}")
    );
    let targets = |tg: String| {
        let elb = elb.clone();
        async move {
            let out = elb.describe_target_health().target_group_arn(tg).send().await.unwrap();
            out.target_health_descriptions().len()
        }
    };
    assert_eq!(targets(green.clone()).await, 1, "the group's instance is registered");
    let held = group(&asg, &name).await.unwrap();
    assert_eq!(
        (held.desired_capacity_type(), held.default_instance_warmup()),
        (Some("units"), Some(120))
    );
    let red = stack.state_id("aws_lb_target_group.tg[\"red\"]");
    assert!(
        held.target_group_arns().contains(&red),
        "{:?}",
        held.target_group_arns()
    );
    assert_eq!(
        targets(red.clone()).await,
        1,
        "the older attachment registers the instance too"
    );
    let attachment = stack.state_id("aws_autoscaling_attachment.red[0]");
    assert!(attachment.starts_with(&format!("{name}-")), "{attachment}");

    // The older attachment detached behind infractl's back: planned again, then made again.
    asg.detach_load_balancer_target_groups()
        .auto_scaling_group_name(&name)
        .target_group_arns(&red)
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("aws_autoscaling_attachment.red[0] will be created"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(targets(red.clone()).await, 1);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Imported by its id (GROUP,TYPE,IDENTIFIER): plans clean.
    // `aws_autoscaling_attachment` has no import, in the provider either.
    stack.reimport_all_but(
        &[
            "aws_launch_template",
            "aws_autoscaling_group",
            "aws_autoscaling_attachment",
        ],
        &args,
    );

    // One source taken away: detached, its target group emptied, the other kept.
    let only_blue = [&args[..], &["-var", "sources=[\"blue\"]"]].concat();
    let shown = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &only_blue].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert_eq!(
        sources().await.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        [blue.as_str()]
    );
    assert_eq!(targets(green).await, 0, "the detached target group lost the instance");
    expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &only_blue].concat()),
        0,
    );

    // Detached behind infractl's back: planned again.
    asg.detach_traffic_sources()
        .auto_scaling_group_name(&name)
        .traffic_sources(
            aws_sdk_autoscaling::types::TrafficSourceIdentifier::builder()
                .identifier(&blue)
                .r#type("elbv2")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &only_blue].concat()),
        2,
    );
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");

    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &only_blue].concat()), 0);

    // The older attachment taken away: detached, its target group emptied.
    let no_red = [&only_blue[..], &["-var", "attach_red=false"]].concat();
    let shown = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &no_red].concat()), 0);
    assert!(shown.contains("0 added, 0 changed, 1 destroyed"), "{shown}");
    assert_eq!(targets(red).await, 0, "the detached target group lost the instance");
    assert!(!group(&asg, &name)
        .await
        .unwrap()
        .target_group_arns()
        .contains(&stack.state_id("aws_lb_target_group.tg[\"red\"]")));

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &no_red].concat()), 0);
    assert!(group(&asg, &name).await.is_none());
}

#[test]
fn terraform_and_infractl_agree_on_traffic_sources_either_way() {
    traffic_cross_check(
        "the traffic source cross-check",
        TRAFFIC,
        "traffic-check",
        ("10.75", "10.76"),
    );
}

/// The Terraform cross-check of a blueprint with target groups, its VPC moved to other CIDRs.
fn traffic_cross_check(what: &str, blueprint: &str, name: &str, cidrs: (&str, &str)) {
    cross_check(
        what,
        blueprint,
        name,
        Some(cidrs),
        &["ec2", "autoscaling", "elbv2", "sts"],
    );
}

#[test]
fn an_empty_traffic_source_and_an_attachment_of_nothing_or_both_are_refused() {
    crate::support::each_case_refused_at_validate(
        "aws_autoscaling_traffic_source_attachment",
        &[
            "autoscaling_group_name = \"g\"\n  traffic_source {\n    identifier = \"\"\n    type = \"elbv2\"\n  }",
            "autoscaling_group_name = \"g\"\n  traffic_source {\n    identifier = \"tg\"\n    type = \"\"\n  }",
        ],
        "traffic source values",
    );
    crate::support::each_case_refused_at_validate(
        "aws_autoscaling_attachment",
        &[
            "autoscaling_group_name = \"g\"",
            "autoscaling_group_name = \"g\"\n  elb = \"lb\"\n  lb_target_group_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/0123456789abcdef\"",
        ],
        "attachment values",
    );
}

/// A group naming its own traffic sources (a `dynamic` block over a set of target groups), how
/// it spreads over zones and which capacity reservations it launches into.
const INLINE: &str = with_target_groups!(
    "77",
    r##"variable "strategy" {
  type    = string
  default = "balanced-only"
}
variable "reserved" {
  type    = bool
  default = true
}
resource "aws_ec2_capacity_reservation" "r" {
  instance_type     = "t3.micro"
  instance_platform = "Linux/UNIX"
  availability_zone = "us-east-1a"
  instance_count    = 1
}
resource "aws_autoscaling_group" "web" {
  name                = "${var.name}-inline"
  min_size            = 1
  max_size            = 2
  desired_capacity    = 1
  vpc_zone_identifier = [aws_subnet.a.id]
  launch_template {
    id      = aws_launch_template.t.id
    version = "$Latest"
  }
  dynamic "traffic_source" {
    for_each = var.sources
    content {
      identifier = aws_lb_target_group.tg[traffic_source.value].arn
      type       = "elbv2"
    }
  }
  availability_zone_distribution {
    capacity_distribution_strategy = var.strategy
  }
  capacity_reservation_specification {
    capacity_reservation_preference = var.reserved ? "capacity-reservations-only" : "none"
    dynamic "capacity_reservation_target" {
      for_each = var.reserved ? [1] : []
      content {
        capacity_reservation_ids = [aws_ec2_capacity_reservation.r.id]
      }
    }
  }
}
"##
);

#[tokio::test(flavor = "multi_thread")]
async fn a_groups_own_traffic_sources_zone_distribution_and_reservations_are_sent_changed_and_read() {
    let stack = Stack::from_files(&[("main.tf", INLINE)]);
    let var = format!("name={}", stack.name);
    let base = ["-var", var.as_str()];
    let run = |extra: &[&str], a: &[&str]| stack.run(&[a, &base, extra].concat());
    expect_code(&run(&[], &["apply", "-auto-approve"]), 0);
    expect_code(&run(&[], &["plan", "-detailed-exitcode"]), 0);
    let asg = aws_sdk_autoscaling::Client::new(&sdk_config("us-east-1").await);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let name = format!("{}-inline", stack.name);
    let tg = |key: &str| stack.state_id(&format!("aws_lb_target_group.tg[\"{key}\"]"));
    let (blue, green, red) = (tg("blue"), tg("green"), tg("red"));
    let held_sources = |g: &AutoScalingGroup| {
        let mut all: Vec<(String, String)> = g
            .traffic_sources()
            .iter()
            .map(|s| {
                let owned = |v: Option<&str>| v.unwrap_or_default().to_string();
                (owned(s.identifier()), owned(s.r#type()))
            })
            .collect();
        all.sort();
        all
    };
    let pairs = |arns: &[&String]| {
        let mut all: Vec<(String, String)> = arns.iter().map(|a| (a.to_string(), "elbv2".to_string())).collect();
        all.sort();
        all
    };
    let targets = |tg: String| {
        let elb = elb.clone();
        async move {
            let out = elb.describe_target_health().target_group_arn(tg).send().await.unwrap();
            out.target_health_descriptions().len()
        }
    };

    let held = group(&asg, &name).await.unwrap();
    assert_eq!(held_sources(&held), pairs(&[&blue, &green]));
    let strategy = |g: &AutoScalingGroup| {
        g.availability_zone_distribution()
            .and_then(|d| d.capacity_distribution_strategy())
            .map(|s| s.as_str().to_string())
    };
    assert_eq!(strategy(&held).as_deref(), Some("balanced-only"));
    let reservation = held.capacity_reservation_specification().unwrap();
    assert_eq!(
        reservation.capacity_reservation_preference().map(|p| p.as_str()),
        Some("capacity-reservations-only")
    );
    let reserved_id = stack.state_id("aws_ec2_capacity_reservation.r");
    assert_eq!(
        reservation
            .capacity_reservation_target()
            .unwrap()
            .capacity_reservation_ids(),
        [reserved_id]
    );
    assert_eq!(
        targets(blue.clone()).await,
        1,
        "the group's instance is registered in blue"
    );
    assert_eq!(targets(green.clone()).await, 1, "and in green");
    assert_eq!(
        stack.state_attr("aws_autoscaling_group.web", "availability_zone_distribution")[0]
            ["capacity_distribution_strategy"],
        "balanced-only"
    );

    // An import reads all three back: the plan after it is clean.
    stack.reimport_all_but(&["aws_launch_template"], &base);

    // Another source set, strategy and preference: changed in place, the group kept.
    let changed = [
        "-var",
        "sources=[\"green\",\"red\"]",
        "-var",
        "strategy=balanced-best-effort",
        "-var",
        "reserved=false",
    ];
    let shown = expect_code(&run(&changed, &["apply", "-auto-approve"]), 0);
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    let held = group(&asg, &name).await.unwrap();
    assert_eq!(held_sources(&held), pairs(&[&green, &red]));
    assert_eq!(
        targets(blue.clone()).await,
        0,
        "blue was detached and lost the instance"
    );
    assert_eq!(targets(red.clone()).await, 1, "red was attached and holds the instance");
    assert_eq!(strategy(&held).as_deref(), Some("balanced-best-effort"));
    assert_eq!(
        held.capacity_reservation_specification()
            .and_then(|c| c.capacity_reservation_preference())
            .map(|p| p.as_str()),
        Some("none")
    );
    expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 0);

    // A source detached behind infractl's back is drift, and the next apply attaches it again.
    asg.detach_traffic_sources()
        .auto_scaling_group_name(&name)
        .traffic_sources(
            aws_sdk_autoscaling::types::TrafficSourceIdentifier::builder()
                .identifier(&red)
                .r#type("elbv2")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("traffic_source"), "{shown}");
    expect_code(&run(&changed, &["apply", "-auto-approve"]), 0);
    assert_eq!(held_sources(&group(&asg, &name).await.unwrap()), pairs(&[&green, &red]));
    expect_code(&run(&changed, &["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&changed, &["destroy", "-auto-approve"]), 0);
    assert!(group(&asg, &name).await.is_none());
}

#[test]
fn terraform_and_infractl_agree_on_a_groups_own_traffic_sources_either_way() {
    traffic_cross_check(
        "the group traffic source cross-check",
        INLINE,
        "inline-check",
        ("10.77", "10.78"),
    );
}

#[test]
fn bad_zone_distributions_reservations_and_traffic_sources_of_a_group_are_refused() {
    let group = "name = \"g\"\n  min_size = 0\n  max_size = 1\n  launch_configuration = \"lc\"\n  availability_zones = [\"us-east-1a\"]";
    let cases: Vec<String> = [
        "availability_zone_distribution {\n    capacity_distribution_strategy = \"balanced\"\n  }",
        "capacity_reservation_specification {\n    capacity_reservation_preference = \"open\"\n  }",
        "capacity_reservation_specification {\n    capacity_reservation_target {\n      capacity_reservation_ids = [\"cr-1\"]\n      capacity_reservation_resource_group_arns = [\"arn:aws:resource-groups:us-east-1:123456789012:group/g\"]\n    }\n  }",
        "traffic_source {\n    identifier = \"\"\n  }",
        "traffic_source {\n    identifier = \"tg\"\n  }\n  target_group_arns = [\"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/0123456789abcdef\"]",
        "traffic_source {\n    identifier = \"lb\"\n    type = \"elb\"\n  }\n  load_balancers = [\"lb\"]",
    ]
    .iter()
    .map(|block| format!("{group}\n  {block}"))
    .collect();
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    crate::support::each_case_refused_at_validate("aws_autoscaling_group", &bodies, "group block values");
}
