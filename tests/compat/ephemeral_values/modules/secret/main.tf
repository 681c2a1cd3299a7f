variable "value" {
  type      = string
  ephemeral = true
}

output "json" {
  value     = jsonencode({ password = var.value })
  ephemeral = true
}
