output "alarm_names" {
  description = "The alarms."
  value = [
    aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name,
    aws_cloudwatch_metric_alarm.api_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.api_cpu.alarm_name,
  ]
}
