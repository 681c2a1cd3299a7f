variable "vpc_id" {
  type = string
}

variable "base_cidr" {
  type    = string
  default = null
}

variable "customer_owned_ipv4_pool" {
  type    = string
  default = null
}

variable "map_customer_owned_ip_on_launch" {
  type    = bool
  default = null
}

resource "aws_subnet" "this" {
  vpc_id                          = var.vpc_id
  cidr_block                      = cidrsubnet(var.base_cidr, 8, 1)
  customer_owned_ipv4_pool        = var.customer_owned_ipv4_pool
  map_customer_owned_ip_on_launch = var.map_customer_owned_ip_on_launch
  outpost_arn                     = var.customer_owned_ipv4_pool == null ? null : "arn:aws:outposts:us-east-1:123456789012:outpost/op-1234567890abcdef0"
}
