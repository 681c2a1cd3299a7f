variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

output "id" {
  value = aws_vpc.this.id
}

output "name" {
  value = var.name
}
