# check blocks: assertions with a scoped data source, evaluated at plan and after apply; a
# failing or unknown assertion is a warning, never an error.
variable "expected_region" {
  type    = string
  default = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
  tags       = { Name = "compat-checks" }
}

check "region" {
  data "aws_region" "here" {}

  assert {
    condition     = data.aws_region.here.name == var.expected_region
    error_message = "Deployed in ${data.aws_region.here.name}, expected ${var.expected_region}."
  }
}

check "vpc_dns" {
  assert {
    condition     = aws_vpc.main.enable_dns_support
    error_message = "DNS support is off in ${aws_vpc.main.id}."
  }
  assert {
    condition     = can(cidrhost(aws_vpc.main.cidr_block, 0))
    error_message = "The VPC has no usable CIDR block."
  }
}
