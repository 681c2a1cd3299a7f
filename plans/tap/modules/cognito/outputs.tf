output "user_pool_id" {
  value = aws_cognito_user_pool.this.id
}

output "client_id" {
  value = aws_cognito_user_pool_client.web.id
}

output "hosted_ui_url" {
  value = "https://${local.hosted_ui}"
}

output "client_secret_arn" {
  description = "The secret holding the client secret (an ARN; the value stays in Secrets Manager)."
  value       = aws_secretsmanager_secret.client_secret.arn
  depends_on  = [aws_secretsmanager_secret_version.client_secret]
}

output "parameter_arns" {
  value = [for p in aws_ssm_parameter.cognito : p.arn]
}

output "parameter_arns_by_env" {
  description = "Environment variable name => parameter ARN, for the task definition's secrets."
  value       = { for k, p in aws_ssm_parameter.cognito : k => p.arn }
}
