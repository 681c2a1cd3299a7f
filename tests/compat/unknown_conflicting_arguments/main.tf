# Arguments the provider declares as conflicting (ConflictsWith) conflict only when both are
# known and set: at validate a module's inputs are unknown, so both of these are unknown and
# the configuration is valid (terraform-aws-modules/vpc's vpc-endpoints module is written so).
provider "aws" {
  region = "us-east-1"
}

module "endpoints" {
  source = "./modules/endpoints"
  endpoints = {
    s3  = { service = "s3" }
    sqs = { service_name = "com.amazonaws.us-east-1.sqs" }
  }
}
