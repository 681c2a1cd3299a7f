output "provider_arn" {
  description = "The GitHub OIDC provider."
  value       = local.provider_arn
}

output "role_arn" {
  description = "The deploy role (AWS_ROLE_TO_ASSUME in GitHub)."
  value       = aws_iam_role.deploy.arn
}
