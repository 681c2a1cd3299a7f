output "api_gateway_url" {
  description = "The HTTP API's URL (VITE_API_URL)."
  value       = module.http_api.api_endpoint
}

output "github_actions_role_arn" {
  description = "The deploy role (AWS_ROLE_TO_ASSUME)."
  value       = module.github_oidc.role_arn
}

output "sqs_queue_url" {
  description = "The job queue."
  value       = module.queue.queue_url
}

output "frontend_website_endpoint" {
  description = "The frontend's S3 website endpoint."
  value       = module.frontend.website_endpoint
}

output "ecr_repository_urls" {
  description = "Where CI pushes the images."
  value       = module.ecs.repository_urls
}

output "ecs_clusters" {
  description = "Cluster names by role."
  value       = module.ecs.cluster_names
}

output "ecs_services" {
  description = "Service names by role."
  value       = module.ecs.service_names
}

output "nat_gateway_ids" {
  description = "NAT gateways (none unless enable_nat_gateway)."
  value       = module.network.nat_gateway_ids
}

output "vpc_endpoint_ids" {
  description = "The VPC endpoints by service."
  value       = module.network.endpoint_ids
}
