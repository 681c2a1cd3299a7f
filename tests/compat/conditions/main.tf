# precondition and postcondition blocks on resources, data sources and outputs.
variable "cidr" {
  type    = string
  default = "10.41.0.0/16"
}

data "aws_availability_zones" "available" {
  state = "available"
  lifecycle {
    postcondition {
      condition     = length(self.names) >= 2
      error_message = "This stack needs two availability zones."
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = var.cidr
  lifecycle {
    precondition {
      condition     = tonumber(split("/", var.cidr)[1]) <= 20
      error_message = "The VPC needs at least a /20, not ${var.cidr}."
    }
    postcondition {
      condition     = self.enable_dns_support
      error_message = "DNS support must be on."
    }
  }
}

resource "aws_subnet" "a" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, count.index)
  availability_zone = data.aws_availability_zones.available.names[count.index]
  lifecycle {
    precondition {
      condition     = count.index < length(data.aws_availability_zones.available.names)
      error_message = "Not enough zones for subnet ${count.index}."
    }
  }
}

output "vpc_id" {
  value = aws_vpc.main.id
  precondition {
    condition     = startswith(aws_vpc.main.id, "vpc-")
    error_message = "Not a VPC id."
  }
}
