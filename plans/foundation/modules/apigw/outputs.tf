output "rest_api_id" {
  value = aws_api_gateway_rest_api.this.id
}

output "invoke_url" {
  value = aws_api_gateway_stage.this.invoke_url
}

output "api_key_ids" {
  value = { for k, v in aws_api_gateway_api_key.this : k => v.id }
}

output "usage_plan_ids" {
  value = { for k, v in aws_api_gateway_usage_plan.this : k => v.id }
}
