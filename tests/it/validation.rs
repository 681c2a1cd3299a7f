//! Plan-time validation like the AWS provider's: a table of bad values, each refused by
//! `infractl validate` (with the file and line, the argument and what it allows, before any AWS
//! call) and by Terraform with the AWS provider 5.100 (`terraform validate`, or `terraform plan`
//! for what Terraform only checks there), and a table of edge values both accept.
//!
//! The Terraform side is skipped, with a message, where terraform or its provider mirror is not
//! installed; infractl's side always runs.

use crate::support::{expect_code, text, Stack, Terraform};

const NOWHERE: &str = "http://127.0.0.1:9";

/// When Terraform refuses a value: `terraform validate`, or only `terraform plan`.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Validate,
    Plan,
}

/// A bad value: label, resource type, body, the argument named in infractl's message, the
/// validator kind it exercises, and when Terraform refuses it.
struct Bad {
    label: &'static str,
    ty: &'static str,
    body: &'static str,
    argument: &'static str,
    kind: &'static str,
    stage: Stage,
}

const fn bad(
    label: &'static str,
    ty: &'static str,
    body: &'static str,
    argument: &'static str,
    kind: &'static str,
) -> Bad {
    Bad {
        label,
        ty,
        body,
        argument,
        kind,
        stage: Stage::Validate,
    }
}

const TG_ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1";

/// The issue's eleven, then one per validator kind and rule the vocabulary has.
fn bad_values() -> Vec<Bad> {
    vec![
        bad("a /33 CIDR", "aws_vpc", r#"cidr_block = "10.0.0.0/33""#, "cidr_block", "cidr_prefix_between"),
        bad("an octet over 255", "aws_vpc", r#"cidr_block = "10.0.0.300/24""#, "cidr_block", "cidr_prefix_between"),
        bad(
            "an unknown instance_tenancy",
            "aws_vpc",
            "cidr_block       = \"10.0.0.0/16\"\ninstance_tenancy = \"shared\"",
            "instance_tenancy",
            "one_of",
        ),
        bad(
            "an unknown billing_mode",
            "aws_dynamodb_table",
            "name         = \"t\"\nbilling_mode = \"ONDEMAND\"\nhash_key     = \"id\"\nattribute {\n  name = \"id\"\n  type = \"S\"\n}",
            "billing_mode",
            "one_of",
        ),
        bad(
            "an unknown comparison_operator",
            "aws_cloudwatch_metric_alarm",
            "alarm_name          = \"a\"\ncomparison_operator = \"Bigger\"\nevaluation_periods  = 1\nmetric_name         = \"m\"\nnamespace           = \"n\"\nperiod              = 60\nstatistic           = \"Average\"\nthreshold           = 1",
            "comparison_operator",
            "one_of",
        ),
        bad(
            "a log retention of 8 days",
            "aws_cloudwatch_log_group",
            "name              = \"g\"\nretention_in_days = 8",
            "retention_in_days",
            "int_in",
        ),
        bad(
            "an ALB name over 32 characters",
            "aws_lb",
            "name    = \"abcdefghijklmnopqrstuvwxyz0123456\"\nsubnets = [\"subnet-1\", \"subnet-2\"]",
            "name",
            "len_between",
        ),
        bad(
            "policy text that is not JSON",
            "aws_iam_policy",
            "name   = \"p\"\npolicy = \"{not json\"",
            "policy",
            "iam_policy",
        ),
        bad(
            "container definitions that are not JSON",
            "aws_ecs_task_definition",
            "family                = \"f\"\ncontainer_definitions = \"not json\"",
            "container_definitions",
            "json_array",
        ),
        bad(
            "a subnet CIDR with host bits set",
            "aws_subnet",
            "vpc_id     = \"vpc-1\"\ncidr_block = \"10.0.1.1/24\"",
            "cidr_block",
            "ipv4_cidr_network",
        ),
        bad(
            "a security group rule of an unknown type",
            "aws_security_group_rule",
            "type              = \"inbound\"\nsecurity_group_id = \"sg-1\"\nfrom_port         = 443\nto_port           = 443\nprotocol          = \"tcp\"\ncidr_blocks       = [\"10.0.0.0/8\"]",
            "type",
            "one_of",
        ),
        // One per remaining validator kind.
        bad(
            "a source IP that is no CIDR",
            "aws_lb_listener_rule",
            "listener_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/1/2\"\naction {\n  type             = \"forward\"\n  target_group_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1\"\n}\ncondition {\n  source_ip {\n    values = [\"10.0.0.0/33\"]\n  }\n}",
            "values",
            "cidr",
        ),
        bad(
            "an IPv4 network as an IPv6 route",
            "aws_route",
            "route_table_id              = \"rtb-1\"\ndestination_ipv6_cidr_block = \"10.0.0.0/8\"\ngateway_id                  = \"igw-1\"",
            "destination_ipv6_cidr_block",
            "ipv6_cidr_network",
        ),
        bad(
            "a private IP that is no address",
            "aws_nat_gateway",
            "subnet_id  = \"subnet-1\"\nprivate_ip = \"10.0.0.300\"",
            "private_ip",
            "ipv4_address",
        ),
        bad(
            "a target group port out of range",
            "aws_lb_target_group",
            "name     = \"t\"\nprotocol = \"HTTP\"\nport     = 70000\nvpc_id   = \"vpc-1\"",
            "port",
            "int_between",
        ),
        bad(
            "an unknown load balancing algorithm",
            "aws_lb_target_group",
            "name     = \"t\"\nprotocol = \"HTTP\"\nport     = 80\nvpc_id   = \"vpc-1\"\nload_balancing_algorithm_type = \"random\"",
            "load_balancing_algorithm_type",
            "one_of",
        ),
        bad(
            "an unknown stickiness type",
            "aws_lb_target_group",
            "name     = \"t\"\nprotocol = \"HTTP\"\nport     = 80\nvpc_id   = \"vpc-1\"\nstickiness {\n  type = \"cookie\"\n}",
            "type",
            "one_of",
        ),
        bad(
            "a DNS failover percentage over 100",
            "aws_lb_target_group",
            "name     = \"t\"\nprotocol = \"HTTP\"\nport     = 80\nvpc_id   = \"vpc-1\"\ntarget_group_health {\n  dns_failover {\n    minimum_healthy_targets_percentage = \"101\"\n  }\n}",
            "minimum_healthy_targets_percentage",
            "any_of",
        ),
        bad(
            "an unhealthy draining interval over 360000",
            "aws_lb_target_group",
            "name     = \"t\"\nprotocol = \"TCP\"\nport     = 80\nvpc_id   = \"vpc-1\"\ntarget_health_state {\n  enable_unhealthy_connection_termination = false\n  unhealthy_draining_interval             = 400000\n}",
            "unhealthy_draining_interval",
            "int_between",
        ),
        bad(
            "a PrivateLink security group setting other than on/off",
            "aws_lb",
            "name               = \"n\"\nload_balancer_type = \"network\"\nsubnets            = [\"subnet-1\"]\nenforce_security_group_inbound_rules_on_private_link_traffic = \"maybe\"",
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            "one_of",
        ),
        bad(
            "zero evaluation periods",
            "aws_cloudwatch_metric_alarm",
            "alarm_name          = \"a\"\ncomparison_operator = \"GreaterThanThreshold\"\nevaluation_periods  = 0\nmetric_name         = \"m\"\nnamespace           = \"n\"\nperiod              = 60\nstatistic           = \"Average\"\nthreshold           = 1",
            "evaluation_periods",
            "int_at_least",
        ),
        bad(
            "an ALB name with an underscore",
            "aws_lb",
            "name    = \"a_b\"\nsubnets = [\"subnet-1\", \"subnet-2\"]",
            "name",
            "matches",
        ),
        bad(
            "an ALB name with a leading hyphen",
            "aws_lb",
            "name    = \"-ab\"\nsubnets = [\"subnet-1\", \"subnet-2\"]",
            "name",
            "not_matches",
        ),
        bad(
            "a bucket policy that is not JSON",
            "aws_s3_bucket_policy",
            "bucket = \"b\"\npolicy = \"nope\"",
            "policy",
            "json",
        ),
        bad(
            "a role trust policy that is a JSON array",
            "aws_iam_role",
            "name               = \"r\"\nassume_role_policy = \"[]\"",
            "assume_role_policy",
            "iam_policy",
        ),
        bad(
            "an unknown ECS Exec logging",
            "aws_ecs_cluster",
            "name = \"c\"\nconfiguration {\n  execute_command_configuration {\n    logging = \"ALL\"\n  }\n}",
            "logging",
            "one_of",
        ),
        bad(
            "a Service Connect namespace that is a name",
            "aws_ecs_cluster",
            "name = \"c\"\nservice_connect_defaults {\n  namespace = \"local\"\n}",
            "namespace",
            "arn",
        ),
        bad(
            "an unknown engine lifecycle",
            "aws_db_instance",
            "engine                   = \"postgres\"\ninstance_class           = \"db.t4g.micro\"\nengine_lifecycle_support = \"extended\"",
            "engine_lifecycle_support",
            "one_of",
        ),
        bad(
            "a policy ARN that is a name",
            "aws_iam_role_policy_attachment",
            "role       = \"r\"\npolicy_arn = \"AdministratorAccess\"",
            "policy_arn",
            "arn",
        ),
        bad(
            "a secret recovery window of 3 days",
            "aws_secretsmanager_secret",
            "name                    = \"s\"\nrecovery_window_in_days = 3",
            "recovery_window_in_days",
            "any_of",
        ),
        bad(
            "a listener rule priority between the ranges",
            "aws_lb_listener_rule",
            "listener_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/1/2\"\npriority     = 60000\naction {\n  type             = \"forward\"\n  target_group_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1\"\n}\ncondition {\n  path_pattern {\n    values = [\"/\"]\n  }\n}",
            "priority",
            "any_of",
        ),
        Bad {
            stage: Stage::Plan,
            ..bad(
                "a timeout Go cannot parse",
                "aws_subnet",
                "vpc_id     = \"vpc-1\"\ncidr_block = \"10.0.1.0/24\"\ntimeouts {\n  create = \"10 minutes\"\n}",
                "create",
                "duration",
            )
        },
        // Rules between arguments.
        bad(
            "name and name_prefix together",
            "aws_security_group",
            "name        = \"a\"\nname_prefix = \"b\"",
            "name_prefix",
            "rule: conflicts",
        ),
        bad(
            "an association with neither subnet nor gateway",
            "aws_route_table_association",
            "route_table_id = \"rtb-1\"",
            "gateway_id",
            "rule: exactly one",
        ),
        bad(
            "a load balancer with no subnets",
            "aws_lb",
            "name = \"web\"",
            "subnet_mapping",
            "rule: exactly one",
        ),
        bad(
            "an empty composite alarm rule",
            "aws_cloudwatch_composite_alarm",
            "alarm_name = \"c\"\nalarm_rule = \"\"",
            "alarm_rule",
            "len_between",
        ),
        bad(
            "six alarm actions",
            "aws_cloudwatch_composite_alarm",
            "alarm_name    = \"c\"\nalarm_rule    = \"ALARM(\\\"a\\\")\"\nalarm_actions = [\"arn:aws:sns:us-east-1:123456789012:t0\", \"arn:aws:sns:us-east-1:123456789012:t1\", \"arn:aws:sns:us-east-1:123456789012:t2\", \"arn:aws:sns:us-east-1:123456789012:t3\", \"arn:aws:sns:us-east-1:123456789012:t4\", \"arn:aws:sns:us-east-1:123456789012:t5\"]",
            "alarm_actions",
            "items_at_most",
        ),
        bad("a two-letter template name", "aws_launch_template", "name = \"ab\"", "name", "len_between"),
        bad(
            "a template name with a space",
            "aws_launch_template",
            "name = \"web servers\"",
            "name",
            "matches",
        ),
        bad(
            "a nullable bool that is not a bool",
            "aws_launch_template",
            "ebs_optimized = \"yes\"",
            "ebs_optimized",
            "one_of",
        ),
        bad(
            "a metadata hop limit of 65",
            "aws_launch_template",
            "metadata_options {\n  http_put_response_hop_limit = 65\n}",
            "http_put_response_hop_limit",
            "int_between",
        ),
        bad(
            "an unknown EBS volume type",
            "aws_launch_template",
            "block_device_mappings {\n  ebs {\n    volume_type = \"gp9\"\n  }\n}",
            "volume_type",
            "one_of",
        ),
        bad(
            "a pinned default version beside update_default_version",
            "aws_launch_template",
            "default_version        = 2\nupdate_default_version = true",
            "default_version",
            "rule: conflicts",
        ),
        bad(
            "an unknown desired capacity unit",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\ndesired_capacity_type = \"cores\"\nlaunch_configuration = \"lc\"",
            "desired_capacity_type",
            "one_of",
        ),
        bad(
            "an On-Demand share over 100%",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nmixed_instances_policy {\n  instances_distribution {\n    on_demand_percentage_above_base_capacity = 101\n  }\n  launch_template {\n    launch_template_specification {\n      launch_template_name = \"t\"\n    }\n  }\n}",
            "on_demand_percentage_above_base_capacity",
            "int_between",
        ),
        bad(
            "an override weighing nothing",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nmixed_instances_policy {\n  launch_template {\n    launch_template_specification {\n      launch_template_name = \"t\"\n    }\n    override {\n      instance_type     = \"t3.large\"\n      weighted_capacity = \"0\"\n    }\n  }\n}",
            "weighted_capacity",
            "matches",
        ),
        bad(
            "a hook's heartbeat under 30 seconds",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nlaunch_configuration = \"lc\"\ninitial_lifecycle_hook {\n  name                 = \"h\"\n  lifecycle_transition = \"autoscaling:EC2_INSTANCE_LAUNCHING\"\n  heartbeat_timeout    = 10\n}",
            "heartbeat_timeout",
            "int_between",
        ),
        bad(
            "a maintenance ceiling under 100%",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nlaunch_configuration = \"lc\"\ninstance_maintenance_policy {\n  min_healthy_percentage = 90\n  max_healthy_percentage = 99\n}",
            "max_healthy_percentage",
            "any_of",
        ),
        bad(
            "a refresh warm-up below zero",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nlaunch_configuration = \"lc\"\ninstance_refresh {\n  strategy = \"Rolling\"\n  preferences {\n    instance_warmup = \"-1\"\n  }\n}",
            "instance_warmup",
            "any_of",
        ),
        bad(
            "a scheduled action starting at a time without its zone",
            "aws_autoscaling_schedule",
            "autoscaling_group_name = \"g\"\nscheduled_action_name  = \"s\"\nstart_time             = \"2031-01-01 08:00:00\"",
            "start_time",
            "matches",
        ),
        bad(
            "a scheduled capacity below zero",
            "aws_appautoscaling_scheduled_action",
            "name               = \"a\"\nservice_namespace  = \"dynamodb\"\nresource_id        = \"table/t\"\nscalable_dimension = \"dynamodb:table:ReadCapacityUnits\"\nschedule           = \"rate(1 hour)\"\nscalable_target_action {\n  max_capacity = -1\n}",
            "max_capacity",
            "any_of",
        ),
        bad(
            "a scheduled start that is no RFC 3339 time",
            "aws_appautoscaling_scheduled_action",
            "name               = \"a\"\nservice_namespace  = \"dynamodb\"\nresource_id        = \"table/t\"\nscalable_dimension = \"dynamodb:table:ReadCapacityUnits\"\nschedule           = \"rate(1 hour)\"\nstart_time         = \"2031-01-01 08:00\"\nscalable_target_action {\n  max_capacity = 2\n}",
            "start_time",
            "rfc3339",
        ),
        bad(
            "an endpoint policy that is not JSON",
            "aws_vpc_endpoint_policy",
            "vpc_endpoint_id = \"vpce-0123456789abcdef0\"\npolicy          = \"{not json\"",
            "policy",
            "json",
        ),
        bad(
            "a lifecycle hook heartbeat under 30 seconds",
            "aws_autoscaling_lifecycle_hook",
            "name                   = \"h\"\nautoscaling_group_name = \"g\"\nlifecycle_transition   = \"autoscaling:EC2_INSTANCE_LAUNCHING\"\nheartbeat_timeout      = 20",
            "heartbeat_timeout",
            "int_between",
        ),
        bad(
            "a lifecycle hook on a transition AWS does not have",
            "aws_autoscaling_lifecycle_hook",
            "name                   = \"h\"\nautoscaling_group_name = \"g\"\nlifecycle_transition   = \"autoscaling:EC2_INSTANCE_STOPPING\"",
            "lifecycle_transition",
            "one_of",
        ),
        bad(
            "a step bound that is no number",
            "aws_autoscaling_policy",
            "name                   = \"p\"\nautoscaling_group_name = \"g\"\npolicy_type            = \"StepScaling\"\nstep_adjustment {\n  scaling_adjustment          = 1\n  metric_interval_lower_bound = \"ten\"\n}",
            "metric_interval_lower_bound",
            "any_of",
        ),
        bad(
            "a predictive mode AWS does not know",
            "aws_autoscaling_policy",
            "name                   = \"p\"\nautoscaling_group_name = \"g\"\npolicy_type            = \"PredictiveScaling\"\npredictive_scaling_configuration {\n  mode = \"Forecast\"\n  metric_specification {\n    target_value = 40\n    predefined_metric_pair_specification {\n      predefined_metric_type = \"ASGCPUUtilization\"\n    }\n  }\n}",
            "mode",
            "one_of",
        ),
        bad(
            "a refresh trigger naming no argument of the group",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nlaunch_configuration = \"lc\"\ninstance_refresh {\n  strategy = \"Rolling\"\n  triggers = [\"tags\"]\n}",
            "triggers",
            "type check",
        ),
        bad(
            "a template naming a type beside requirements for one",
            "aws_launch_template",
            "instance_type = \"t3.micro\"\ninstance_requirements {\n  vcpu_count {\n    min = 1\n  }\n  memory_mib {\n    min = 512\n  }\n}",
            "instance_type",
            "rule: conflicts",
        ),
        bad(
            "a CPU maker AWS does not know",
            "aws_launch_template",
            "instance_requirements {\n  cpu_manufacturers = [\"intel\", \"arm\"]\n  vcpu_count {\n    min = 1\n  }\n  memory_mib {\n    min = 512\n  }\n}",
            "cpu_manufacturers",
            "one_of",
        ),
        bad(
            "an override asking for no vCPU at all",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nmixed_instances_policy {\n  launch_template {\n    launch_template_specification {\n      launch_template_name = \"t\"\n    }\n    override {\n      instance_requirements {\n        vcpu_count {\n          min = 0\n        }\n        memory_mib {\n          min = 512\n        }\n      }\n    }\n  }\n}",
            "min",
            "int_at_least",
        ),
        bad(
            "a group with both zones and subnets",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\navailability_zones = [\"us-east-1a\"]\nvpc_zone_identifier = [\"subnet-1\"]\nlaunch_configuration = \"lc\"",
            "availability_zones",
            "rule: conflicts",
        ),
        bad(
            "a launch template id with capitals",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nlaunch_template {\n  id = \"lt-0ABC\"\n}",
            "id",
            "matches",
        ),
        bad(
            "a capacity provider target of 101%",
            "aws_ecs_capacity_provider",
            "name = \"cp\"\nauto_scaling_group_provider {\n  auto_scaling_group_arn = \"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/g\"\n  managed_scaling {\n    target_capacity = 101\n  }\n}",
            "target_capacity",
            "int_between",
        ),
        bad(
            "a CodeDeploy application for Fargate",
            "aws_codedeploy_app",
            "name = \"a\"\ncompute_platform = \"Fargate\"",
            "compute_platform",
            "one_of",
        ),
        bad(
            "a rolling deployment type",
            "aws_codedeploy_deployment_group",
            "app_name = \"a\"\ndeployment_group_name = \"g\"\nservice_role_arn = \"arn:aws:iam::123456789012:role/r\"\ndeployment_style {\n  deployment_type = \"ROLLING\"\n}",
            "deployment_type",
            "one_of",
        ),
        bad(
            "a trigger on an event CodeDeploy does not send",
            "aws_codedeploy_deployment_group",
            "app_name = \"a\"\ndeployment_group_name = \"g\"\nservice_role_arn = \"arn:aws:iam::123456789012:role/r\"\ntrigger_configuration {\n  trigger_events = [\"DeploymentDone\"]\n  trigger_name = \"t\"\n  trigger_target_arn = \"arn:aws:sns:us-east-1:123456789012:t\"\n}",
            "trigger_events",
            "one_of",
        ),
        bad(
            "a service role that is not an ARN",
            "aws_codedeploy_deployment_group",
            "app_name = \"a\"\ndeployment_group_name = \"g\"\nservice_role_arn = \"deploy-role\"",
            "service_role_arn",
            "arn",
        ),
        bad(
            "an EC2 tag filter of an unknown type",
            "aws_codedeploy_deployment_group",
            "app_name = \"a\"\ndeployment_group_name = \"g\"\nservice_role_arn = \"arn:aws:iam::123456789012:role/r\"\nec2_tag_filter {\n  key = \"k\"\n  type = \"KEY\"\n}",
            "type",
            "one_of",
        ),
    ]
}

/// Values at the edge of what is allowed, which both tools accept.
fn good_values() -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("a /16 and /28 VPC", "aws_vpc", "cidr_block       = \"10.0.0.0/28\"\ninstance_tenancy = \"dedicated\"".into()),
        (
            "an ALB name of 32 characters",
            "aws_lb",
            "name    = \"abcdefghijklmnopqrstuvwxyz012345\"\nsubnets = [\"subnet-1\", \"subnet-2\"]".into(),
        ),
        ("a retention of 14 days", "aws_cloudwatch_log_group", "name = \"g\"\nretention_in_days = 14".into()),
        ("a recovery window of 0", "aws_secretsmanager_secret", "name = \"s\"\nrecovery_window_in_days = 0".into()),
        (
            "the default rule's priority",
            "aws_lb_listener_rule",
            format!("listener_arn = \"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/1/2\"\npriority = 99999\naction {{\n  type = \"forward\"\n  target_group_arn = \"{TG_ARN}\"\n}}\ncondition {{\n  path_pattern {{\n    values = [\"/\"]\n  }}\n}}"),
        ),
        (
            "a trust policy as an object",
            "aws_iam_role",
            "name = \"r\"\nassume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [] })".into(),
        ),
        (
            "a timeout in Go's spelling",
            "aws_subnet",
            "vpc_id = \"vpc-1\"\ncidr_block = \"10.0.1.0/24\"\ntimeouts {\n  create = \"1h30m\"\n}".into(),
        ),
        (
            "empty JSON documents, as modules pass for none",
            "aws_sqs_queue",
            "name = \"q\"\npolicy = \"\"\nredrive_policy = \"\"\nredrive_allow_policy = \"\"".into(),
        ),
        (
            "an instance lifetime of an hour, which the provider does not check",
            "aws_autoscaling_group",
            "min_size = 0\nmax_size = 1\nmax_instance_lifetime = 3600\nlaunch_configuration = \"lc\"".into(),
        ),
        ("an empty topic policy", "aws_sns_topic", "name = \"t\"\npolicy = \"\"\ndelivery_policy = \"\"".into()),
        (
            "IPv4 and IPv6 rule blocks",
            "aws_security_group_rule",
            "type = \"ingress\"\nsecurity_group_id = \"sg-1\"\nfrom_port = 0\nto_port = 0\nprotocol = \"-1\"\ncidr_blocks = [\"0.0.0.0/0\"]\nipv6_cidr_blocks = [\"::/0\"]".into(),
        ),
    ]
}

fn block(ty: &str, name: &str, body: &str) -> String {
    let body: String = body.lines().map(|l| format!("  {l}\n")).collect();
    format!("resource \"{ty}\" \"{name}\" {{\n{body}}}\n")
}

const PROVIDER: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";

#[test]
fn bad_values_are_refused_by_infractl_and_terraform_before_any_call() {
    let table = bad_values();
    let mut report = Vec::new();
    // infractl: one blueprint per value; validate refuses it at the argument's line.
    for b in &table {
        let text_tf = format!("{PROVIDER}{}", block(b.ty, "bad", b.body));
        let stack = Stack::from_files(&[("main.tf", &text_tf)]);
        let out = stack.run_with_endpoint(&["validate"], NOWHERE);
        let t = expect_code(&out, 1);
        assert!(
            t.contains(b.argument),
            "{}: the message names {}:\n{t}",
            b.label,
            b.argument
        );
        assert!(t.contains("main.tf:"), "{}: the message has a location:\n{t}", b.label);
        assert!(
            !t.to_lowercase().contains("dispatch failure"),
            "{}: an AWS call was made:\n{t}",
            b.label
        );
        // plan refuses it the same way, before any call, and writes no state.
        let t = expect_code(&stack.run_with_endpoint(&["plan"], NOWHERE), 1);
        assert!(t.contains(b.argument), "{}: plan:\n{t}", b.label);
        assert!(!stack.state_file().exists(), "{}: state written", b.label);
        let first = t
            .lines()
            .find(|l| l.starts_with("Error:"))
            .unwrap_or_default()
            .to_string();
        report.push((b.label, b.kind, first));
    }

    // Terraform: every validate-stage value in one configuration, each diagnostic matched to
    // its block by line; plan-stage values one at a time.
    let tf_verdicts: Vec<Option<String>> = match Terraform::init("the bad-value table") {
        None => vec![None; table.len()],
        Some(tf) => {
            let mut text_tf = PROVIDER.to_string();
            let mut spans = Vec::new();
            for (i, b) in table.iter().enumerate().filter(|(_, b)| b.stage == Stage::Validate) {
                let start = text_tf.lines().count() + 1;
                text_tf.push_str(&block(b.ty, &format!("case_{i}"), b.body));
                spans.push((i, start, text_tf.lines().count()));
            }
            std::fs::write(tf.work().join("main.tf"), &text_tf).unwrap();
            let out = tf.run(&["validate", "-json", "-no-color"]);
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("validate -json");
            let mut verdicts = vec![None; table.len()];
            for d in doc["diagnostics"].as_array().into_iter().flatten() {
                if d["severity"] != "error" {
                    continue;
                }
                let line = d["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
                if let Some((i, ..)) = spans.iter().find(|(_, a, b)| (*a..=*b).contains(&line)) {
                    verdicts[*i].get_or_insert_with(|| {
                        format!(
                            "{}: {}",
                            d["summary"].as_str().unwrap_or(""),
                            d["detail"].as_str().unwrap_or("")
                        )
                    });
                }
            }
            for (i, b) in table.iter().enumerate().filter(|(_, b)| b.stage == Stage::Plan) {
                let text_tf = format!(
                    "provider \"aws\" {{\n  region = \"us-east-1\"\n  skip_credentials_validation = true\n  skip_requesting_account_id = true\n  skip_metadata_api_check = true\n  endpoints {{\n    ec2 = \"{NOWHERE}\"\n    sts = \"{NOWHERE}\"\n  }}\n}}\n{}",
                    block(b.ty, "bad", b.body)
                );
                std::fs::write(tf.work().join("main.tf"), &text_tf).unwrap();
                let out = tf.run(&["plan", "-input=false", "-no-color", "-refresh=false"]);
                if !out.status.success() {
                    let t = text(&out);
                    verdicts[i] = Some(
                        t.lines()
                            .find(|l| l.starts_with("Error:"))
                            .unwrap_or("refused")
                            .to_string(),
                    );
                }
            }
            verdicts
        }
    };

    println!("\n| bad value | validator | infractl | Terraform 1.11 + AWS 5.100 |\n|---|---|---|---|");
    for ((label, kind, ours), theirs) in report.iter().zip(&tf_verdicts) {
        let theirs = match theirs {
            Some(t) => format!("refused: {}", t.chars().take(110).collect::<String>()),
            None => "not run".to_string(),
        };
        println!(
            "| {label} | {kind} | {} | {theirs} |",
            ours.trim_start_matches("Error: ")
        );
    }
    if tf_verdicts.iter().any(Option::is_some) {
        let accepted: Vec<&str> = table
            .iter()
            .zip(&tf_verdicts)
            .filter(|(_, v)| v.is_none())
            .map(|(b, _)| b.label)
            .collect();
        assert!(accepted.is_empty(), "Terraform accepted: {accepted:?}");
    }
}

/// One file holding every bad value Terraform refuses at validate: infractl reports each of
/// them, at a line of its own block, in one run (as `terraform validate` lists them all), not
/// only the first.
#[test]
fn every_bad_value_of_one_file_is_reported_in_one_run() {
    let table = bad_values();
    let mut text_tf = PROVIDER.to_string();
    let mut spans = Vec::new();
    for (i, b) in table.iter().enumerate().filter(|(_, b)| b.stage == Stage::Validate) {
        let start = text_tf.lines().count() + 1;
        text_tf.push_str(&block(b.ty, &format!("case_{i}"), b.body));
        spans.push((b.label, b.argument, start, text_tf.lines().count()));
    }
    let stack = Stack::from_files(&[("main.tf", &text_tf)]);
    let out = stack.run_with_endpoint(&["validate", "-json"], NOWHERE);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("validate -json");
    let errors: Vec<&str> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(doc["error_count"].as_u64(), Some(errors.len() as u64));
    let line_of = |e: &str| -> Option<usize> {
        let at = e.split("on main.tf:").nth(1)?;
        at.split(':').next()?.parse().ok()
    };
    for (label, argument, start, end) in &spans {
        let found = errors
            .iter()
            .any(|e| line_of(e).is_some_and(|l| (*start..=*end).contains(&l)) && e.contains(argument));
        assert!(
            found,
            "{label}: no error naming {argument} in lines {start}-{end}:\n{}",
            errors.join("\n")
        );
    }
    // Nothing but the table's values is refused.
    assert!(
        errors.len() >= spans.len() && errors.iter().all(|e| line_of(e).is_some()),
        "{}",
        errors.join("\n")
    );
    // The text form lists them too.
    let t = expect_code(&stack.run_with_endpoint(&["validate"], NOWHERE), 1);
    assert_eq!(t.matches("Error: ").count(), errors.len(), "{t}");
}

#[test]
fn edge_values_are_accepted_by_both() {
    let table = good_values();
    for (label, ty, body) in &table {
        let stack = Stack::from_files(&[("main.tf", &format!("{PROVIDER}{}", block(ty, "good", body)))]);
        let out = stack.run_with_endpoint(&["validate"], NOWHERE);
        assert_eq!(out.status.code(), Some(0), "{label}: infractl refused:\n{}", text(&out));
    }
    let Some(tf) = Terraform::init("the edge-value table") else {
        return;
    };
    let mut all = PROVIDER.to_string();
    for (i, (_, ty, body)) in table.iter().enumerate() {
        all.push_str(&block(ty, &format!("case_{i}"), body));
    }
    std::fs::write(tf.work().join("main.tf"), &all).unwrap();
    let out = tf.run(&["validate", "-no-color"]);
    assert!(out.status.success(), "terraform refused an edge value:\n{}", text(&out));
}

/// A value unknown at plan time is checked once known, at apply, before the call that would
/// send it: the VPC it comes from is created, the log group is refused and never created.
#[tokio::test(flavor = "multi_thread")]
async fn values_unknown_at_plan_are_checked_once_known() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
provider "aws" {
  region = "eu-west-2"
}

resource "aws_vpc" "v" {
  cidr_block = "10.7.0.0/16"
}

resource "aws_cloudwatch_log_group" "g" {
  name              = "validation-${aws_vpc.v.id}"
  retention_in_days = length(aws_vpc.v.id)
}
"#,
    )]);
    expect_code(&stack.run(&["validate"]), 0);
    let t = expect_code(&stack.run(&["plan"]), 0);
    assert!(t.contains("2 to add"), "{t}");
    let t = expect_code(&stack.run(&["apply", "-auto-approve"]), 1);
    assert!(t.contains("Invalid value for \"retention_in_days\""), "{t}");
    assert!(t.contains("main.tf:12"), "{t}");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&crate::support::sdk_config("eu-west-2").await);
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix("validation-")
        .send()
        .await
        .unwrap();
    assert!(groups.log_groups().is_empty(), "{:?}", groups.log_groups());
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
