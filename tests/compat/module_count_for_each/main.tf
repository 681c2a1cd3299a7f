variable "networks" {
  type = map(string)
  default = {
    blue  = "10.10.0.0/16"
    green = "10.20.0.0/16"
  }
}

variable "copies" {
  type    = number
  default = 2
}

module "net" {
  source   = "./modules/thing"
  for_each = var.networks
  name     = each.key
  cidr     = each.value
}

module "copy" {
  source = "./modules/thing"
  count  = var.copies
  name   = "copy-${count.index}-${module.net["blue"].name}"
  cidr   = cidrsubnet("10.100.0.0/12", 4, count.index)
}

output "net_ids" {
  value = { for k, m in module.net : k => m.id }
}

output "copy_names" {
  value = module.copy[*].name
}
