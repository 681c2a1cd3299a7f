variable "endpoints" {
  type    = any
  default = {}
}

data "aws_vpc_endpoint_service" "this" {
  for_each = var.endpoints

  service      = try(each.value.service, null)
  service_name = try(each.value.service_name, null)
}
