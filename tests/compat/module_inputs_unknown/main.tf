# `terraform validate` checks every module for any value a caller could pass: a child module's
# variables are unknown there, whatever the call gives (here, nothing: the defaults are null).
# Known, these nulls would fail (cidrsubnet of null; a subnet's customer-owned pool set without
# the flag it requires). Unknown, they pass.
provider "aws" {
  region = "us-east-1"
}

module "net" {
  source = "./modules/net"
  vpc_id = "vpc-12345678"
}
