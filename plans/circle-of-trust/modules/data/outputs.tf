output "table_arns" {
  description = "Table ARNs by role."
  value = {
    conversations = aws_dynamodb_table.conversations.arn
    jobs          = aws_dynamodb_table.jobs.arn
  }
}

output "table_names" {
  description = "Table names by role."
  value       = local.tables
}

output "jobs_stream_arn" {
  description = "The jobs table's stream."
  value       = aws_dynamodb_table.jobs.stream_arn
}
