# Bodies of blocks with no instances are never evaluated, and validate evaluates with every
# input variable unknown: values guarded by the same condition as count never fail.
variable "create" {
  type    = bool
  default = false
}

variable "subnets" {
  type    = list(string)
  default = []
}

variable "name" {
  type    = string
  default = null
}

resource "aws_vpc" "this" {
  count      = var.create ? 1 : 0
  cidr_block = var.subnets[0]
  tags = {
    Name = format("%s-vpc", var.name)
    Path = "${var.name}/vpc"
  }
}

resource "aws_vpc" "never" {
  count      = 0
  cidr_block = var.subnets[3]
}

resource "aws_subnet" "by_name" {
  for_each   = var.create ? toset(var.subnets) : toset([])
  vpc_id     = aws_vpc.this[0].id
  cidr_block = each.value
}

output "vpc_id" {
  value = try(aws_vpc.this[0].id, null)
}
