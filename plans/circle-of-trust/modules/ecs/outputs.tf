output "cluster_names" {
  description = "Cluster names by role."
  value = {
    api     = aws_ecs_cluster.api.name
    workers = aws_ecs_cluster.workers.name
  }
}

output "cluster_arns" {
  description = "Cluster ARNs by role."
  value = {
    api     = aws_ecs_cluster.api.arn
    workers = aws_ecs_cluster.workers.arn
  }
}

output "service_names" {
  description = "Service names by role."
  value = {
    api    = aws_ecs_service.api.name
    worker = aws_ecs_service.worker.name
  }
}

output "repository_arns" {
  description = "ECR repository ARNs by app."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "repository_urls" {
  description = "ECR repository URLs by app."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "task_role_arns" {
  description = "Task and execution roles CI passes to ECS."
  value       = concat([aws_iam_role.execution.arn], [for r in aws_iam_role.task : r.arn])
}

output "log_group_names" {
  description = "Container log groups by app."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "service_arns" {
  description = "The services' ARNs (CI deploys them)."
  value       = [aws_ecs_service.api.id, aws_ecs_service.worker.id]
}
