output "api_invoke_url" {
  value = module.apigw.invoke_url
}

output "alb_dns_name" {
  value = module.ecs_service.alb_dns_name
}

output "dashboard_name" {
  value = module.observability.dashboard_name
}

output "table_names" {
  value = [module.sessions_table.name, module.budgets_table.name]
}

output "bucket_names" {
  value = {
    uploads   = module.uploads.bucket_name
    artifacts = module.artifacts.bucket_name
    frontend  = module.frontend.bucket_name
  }
}

output "cache_endpoint" {
  value = aws_opensearchserverless_collection.cache.collection_endpoint
}
