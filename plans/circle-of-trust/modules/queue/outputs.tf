output "queue_url" {
  description = "The job queue's URL."
  value       = aws_sqs_queue.jobs.id
}

output "queue_arn" {
  description = "The job queue's ARN."
  value       = aws_sqs_queue.jobs.arn
}

output "queue_name" {
  description = "The job queue's name (the CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.jobs.name
}

output "dlq_arn" {
  description = "The dead-letter queue's ARN."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "The dead-letter queue's name."
  value       = aws_sqs_queue.dlq.name
}
