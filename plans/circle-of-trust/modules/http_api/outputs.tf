output "api_id" {
  description = "The HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "The API's invoke URL."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "execution_arn" {
  description = "The API's execution ARN."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "vpc_link_id" {
  description = "The VPC link."
  value       = aws_apigatewayv2_vpc_link.this.id
}

output "link_security_group_id" {
  description = "The VPC link's security group (the API tasks admit it)."
  value       = aws_security_group.link.id
}

output "discovery_service_arn" {
  description = "The Cloud Map service the API tasks register in."
  value       = aws_service_discovery_service.api.arn
}

output "namespace_name" {
  description = "The private DNS namespace."
  value       = aws_service_discovery_private_dns_namespace.this.name
}
