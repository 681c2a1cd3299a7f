# Dashboard (API latency p50/p95/p99, 4xx/5xx, ECS desired vs running, DynamoDB usage) and the
# alarms the foundation names, notifying an SNS topic.

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  api_dims = ["ApiName", var.api_name, "Stage", var.stage_name]
  ecs_dims = ["ClusterName", var.cluster_name, "ServiceName", var.service_name]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "API latency"
          region = var.region
          period = 60
          metrics = [
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p50" }]),
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p95" }]),
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p99" }]),
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "API errors"
          region = var.region
          period = 60
          stat   = "Sum"
          metrics = [
            concat(["AWS/ApiGateway", "4XXError"], local.api_dims),
            concat(["AWS/ApiGateway", "5XXError"], local.api_dims),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "ECS tasks desired vs running"
          region = var.region
          period = 60
          metrics = [
            concat(["ECS/ContainerInsights", "DesiredTaskCount"], local.ecs_dims),
            concat(["ECS/ContainerInsights", "RunningTaskCount"], local.ecs_dims),
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "DynamoDB usage"
          region = var.region
          period = 300
          stat   = "Sum"
          metrics = [
            for pair in setproduct(var.table_names, ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits"]) :
            ["AWS/DynamoDB", pair[1], "TableName", pair[0]]
          ]
        }
      },
    ]
  })
}

resource "aws_cloudwatch_metric_alarm" "latency_p95" {
  alarm_name          = "${var.name}-api-latency-p95"
  alarm_description   = "API p95 latency above ${var.latency_p95_threshold_ms} ms for 5 minutes"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  threshold           = var.latency_p95_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { ApiName = var.api_name, Stage = var.stage_name }
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "error_rate_5xx" {
  alarm_name          = "${var.name}-api-5xx-rate"
  alarm_description   = "More than ${var.error_rate_5xx_percent}% of requests fail with 5xx over 5 minutes"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 5
  threshold           = var.error_rate_5xx_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "rate"
    expression  = "100 * errors / MAX([errors, requests])"
    label       = "5xx rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      period      = 60
      stat        = "Sum"
      dimensions  = { ApiName = var.api_name, Stage = var.stage_name }
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      period      = 60
      stat        = "Sum"
      dimensions  = { ApiName = var.api_name, Stage = var.stage_name }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_tasks" {
  alarm_name          = "${var.name}-ecs-unhealthy-targets"
  alarm_description   = "The load balancer sees unhealthy ECS tasks for 2 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
