output "log_group_name" {
  value = aws_cloudwatch_log_group.api.name
}

output "alerts_topic_arn" {
  value = aws_sns_topic.alerts.arn
}

output "alb_logs_bucket" {
  description = "The access-log bucket, once ELB may write to it."
  value       = aws_s3_bucket.alb_logs.id
  depends_on  = [aws_s3_bucket_policy.alb_logs]
}
