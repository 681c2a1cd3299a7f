variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "region" {
  description = "Region of the endpoint services."
  type        = string
}

variable "cidr" {
  description = "The VPC's address range."
  type        = string
}

variable "azs" {
  description = "Availability zones, one public and one private subnet in each."
  type        = list(string)
}

variable "enable_nat_gateway" {
  description = "A NAT gateway for internet access from the private subnets (about $32 a month)."
  type        = bool
}

variable "interface_endpoints" {
  description = "Interface endpoint services the tasks reach privately."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs"]
}
