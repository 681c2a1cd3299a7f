variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "cidr" {
  description = "The VPC's range."
  type        = string
}

variable "azs" {
  description = "Availability zones, one public and one private subnet in each."
  type        = list(string)
}

variable "container_port" {
  description = "The API's port, open from the load balancer to the tasks."
  type        = number
  default     = 8000
}
