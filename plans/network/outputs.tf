output "vpc_id" {
  value = aws_vpc.main.id
}

output "public_subnet_ids" {
  value = module.public.subnet_ids
}

output "private_subnet_ids" {
  value = module.private.subnet_ids
}

output "logs_bucket" {
  value = aws_s3_bucket.logs.bucket
}

output "app_security_group_id" {
  value = aws_security_group.app.id
}
