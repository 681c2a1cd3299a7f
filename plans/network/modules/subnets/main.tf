# One subnet per availability zone, carved out of the VPC's CIDR.

variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}

variable "netnum_offset" {
  type    = number
  default = 0
}

variable "public" {
  type    = bool
  default = false
}

resource "aws_subnet" "this" {
  for_each = { for i, az in var.azs : az => i }

  vpc_id                  = var.vpc_id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, var.netnum_offset + each.value)
  map_public_ip_on_launch = var.public

  tags = {
    Name = "${var.name}-${each.key}"
    Tier = var.public ? "public" : "private"
  }
}

output "subnet_ids" {
  value = [for az in var.azs : aws_subnet.this[az].id]
}
