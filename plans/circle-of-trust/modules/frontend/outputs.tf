output "bucket" {
  description = "The frontend bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "The frontend bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "website_endpoint" {
  description = "The website's endpoint."
  value       = aws_s3_bucket_website_configuration.this.website_endpoint
}
