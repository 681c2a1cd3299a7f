output "state_bucket" {
  value = aws_s3_bucket.state.bucket
}

output "lock_table" {
  value = aws_dynamodb_table.locks.name
}

output "backend_config" {
  description = "Settings for a backend \"s3\" block using this bucket and table."
  value = {
    bucket         = aws_s3_bucket.state.bucket
    region         = var.region
    dynamodb_table = aws_dynamodb_table.locks.name
    encrypt        = true
  }
}
