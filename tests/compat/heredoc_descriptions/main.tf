variable "instance_class" {
  description = <<-EOT
    The instance class to use.
    Any class the engine supports.
  EOT
  type        = string
  default     = "db.t3.micro"
}

variable "port" {
  description = ("The port")
  type        = number
  default     = 5432
}

output "class" {
  description = <<EOF
The class in use.
EOF
  value       = var.instance_class
}
