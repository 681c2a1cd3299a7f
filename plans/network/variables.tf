variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-west-2"
}

variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "demo"

  validation {
    condition     = length(var.name) <= 20
    error_message = "name must be at most 20 characters."
  }
}

variable "cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "az_count" {
  description = "How many availability zones to spread subnets over."
  type        = number
  default     = 2
}

variable "app_port" {
  description = "Port the application tier listens on."
  type        = number
  default     = 8080
}
