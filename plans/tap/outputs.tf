output "spa_url" {
  description = "The single-page app."
  value       = local.manage_dns ? "https://${var.domain_name}" : "https://${module.cdn.domain_name}"
}

output "api_url" {
  description = "The API."
  value       = local.manage_dns ? "https://${local.api_domain}" : "https://${module.alb.dns_name}"
}

output "cloudfront_domain_name" {
  description = "The distribution's own name."
  value       = module.cdn.domain_name
}

output "cloudfront_distribution_id" {
  description = "For CI's cache invalidations."
  value       = module.cdn.distribution_id
}

output "alb_dns_name" {
  description = "The load balancer's name."
  value       = module.alb.dns_name
}

output "rds_endpoint" {
  description = "host:port of the database (private)."
  value       = module.rds.endpoint
}

output "rds_master_user_secret_arn" {
  description = "The secret RDS keeps the database password in (an ARN, not the password)."
  value       = module.rds.master_user_secret_arn
}

output "ecr_repository_url" {
  description = "Where CI pushes the backend image."
  value       = module.ecr.repository_url
}

output "spa_bucket" {
  description = "Where CI syncs the built SPA."
  value       = module.storage.spa_bucket_name
}

output "cognito_user_pool_id" {
  description = "The user pool."
  value       = module.cognito.user_pool_id
}

output "cognito_client_id" {
  description = "The web client (its secret is in Secrets Manager, never an output)."
  value       = module.cognito.client_id
}

output "cognito_hosted_ui" {
  description = "The hosted sign-in page."
  value       = module.cognito.hosted_ui_url
}

output "github_actions_role_arn" {
  description = "The role GitHub Actions assumes."
  value       = module.iam.github_actions_role_arn
}

output "certificate_validation_records" {
  description = "The CNAMEs ACM checks, for a domain whose DNS is kept elsewhere."
  value       = module.dns.validation_records
}

output "name_servers" {
  description = "Delegate the domain to these (when the zone was created here)."
  value       = module.dns.name_servers
}
