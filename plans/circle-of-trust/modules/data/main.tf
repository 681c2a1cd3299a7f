# The tables: conversations and jobs, provisioned (so Application Auto Scaling can move their
# capacity), point-in-time recovery and encryption on. Read and write capacity of each table,
# and of the jobs table's status index, track a utilisation target between min and max.

locals {
  tables = {
    conversations = aws_dynamodb_table.conversations.name
    jobs          = aws_dynamodb_table.jobs.name
  }

  # Every scalable capacity: tables and the jobs status index, read and write.
  scaled = merge(
    {
      for pair in setproduct(keys(local.tables), ["Read", "Write"]) :
      "${pair[0]}-${lower(pair[1])}" => {
        resource_id = "table/${local.tables[pair[0]]}"
        dimension   = "dynamodb:table:${pair[1]}CapacityUnits"
        metric      = "DynamoDB${pair[1]}CapacityUtilization"
      }
    },
    {
      for kind in ["Read", "Write"] :
      "jobs-status-index-${lower(kind)}" => {
        resource_id = "table/${aws_dynamodb_table.jobs.name}/index/status-index"
        dimension   = "dynamodb:index:${kind}CapacityUnits"
        metric      = "DynamoDB${kind}CapacityUtilization"
      }
    },
  )
}

resource "aws_dynamodb_table" "conversations" {
  name           = "${var.name}-conversations"
  billing_mode   = "PROVISIONED"
  read_capacity  = var.min_capacity
  write_capacity = var.min_capacity
  hash_key       = "conversation_id"
  range_key      = "created_at"

  attribute {
    name = "conversation_id"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  # Autoscaling moves the capacity.
  lifecycle {
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_dynamodb_table" "jobs" {
  name             = "${var.name}-jobs"
  billing_mode     = "PROVISIONED"
  read_capacity    = var.min_capacity
  write_capacity   = var.min_capacity
  hash_key         = "job_id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "job_id"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  global_secondary_index {
    name            = "status-index"
    hash_key        = "status"
    projection_type = "ALL"
    read_capacity   = var.min_capacity
    write_capacity  = var.min_capacity
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  lifecycle {
    ignore_changes = [read_capacity, write_capacity, global_secondary_index]
  }
}

resource "aws_appautoscaling_target" "capacity" {
  for_each = local.scaled

  service_namespace  = "dynamodb"
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.dimension
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "capacity" {
  for_each = local.scaled

  name               = "${var.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.capacity[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.capacity[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.capacity[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = var.target_utilization

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
  }
}
