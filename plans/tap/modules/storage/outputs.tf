output "spa_bucket_id" {
  value = aws_s3_bucket.this["spa"].id
}

output "spa_bucket_name" {
  value = aws_s3_bucket.this["spa"].bucket
}

output "spa_bucket_arn" {
  value = aws_s3_bucket.this["spa"].arn
}

output "spa_bucket_regional_domain_name" {
  value = aws_s3_bucket.this["spa"].bucket_regional_domain_name
}

output "files_bucket_name" {
  value = aws_s3_bucket.this["files"].bucket
}

output "files_bucket_arn" {
  value = aws_s3_bucket.this["files"].arn
}
