# lifecycle.replace_triggered_by: whole resources, instances (count.index, each.key, constants)
# and attributes.
variable "revision" {
  type    = string
  default = "1"
}

resource "terraform_data" "revision" {
  input = var.revision
}

resource "aws_sns_topic" "events" {
  for_each = toset(["a", "b"])
  name     = "compat-events-${each.key}"
}

resource "aws_sqs_queue" "consumers" {
  for_each = toset(["a", "b"])
  name     = "compat-consumer-${each.key}"
  lifecycle {
    replace_triggered_by = [aws_sns_topic.events[each.key]]
  }
}

resource "aws_cloudwatch_log_group" "app" {
  count = 2
  name  = "/compat/app-${count.index}"
  lifecycle {
    replace_triggered_by = [
      terraform_data.revision,
      aws_sns_topic.events["a"].name,
    ]
  }
}
