# Repeated keys in an object constructor are valid HCL: the last value wins.
locals {
  listener = {
    port     = 80
    protocol = "HTTP"
    port     = 81
  }
  quoted = { "a" = 1, "a" = 2, a = 3 }
}

output "port" {
  value = local.listener.port
}

output "a" {
  value = local.quoted.a
}
