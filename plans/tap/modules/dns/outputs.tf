output "zone_id" {
  value = local.zone_id
}

output "name_servers" {
  value = var.create_zone ? aws_route53_zone.this[0].name_servers : []
}

output "certificate_arn" {
  description = "The certificate, once issued (consumers wait for the validation)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "validation_records" {
  value = {
    for dvo in aws_acm_certificate.this.domain_validation_options : dvo.domain_name => {
      name  = dvo.resource_record_name
      type  = dvo.resource_record_type
      value = dvo.resource_record_value
    }
  }
}
