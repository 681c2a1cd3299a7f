output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "The VPC's address range."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (tasks, VPC link, interface endpoints)."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_ids" {
  description = "The NAT gateway, when enabled."
  value       = aws_nat_gateway.this[*].id
}

output "endpoint_ids" {
  description = "VPC endpoints by service."
  value       = merge({ s3 = aws_vpc_endpoint.s3.id }, { for k, e in aws_vpc_endpoint.interface : k => e.id })
}
