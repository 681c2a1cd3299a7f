variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "vpc_id" {
  description = "The target group's VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets."
  type        = list(string)
}

variable "security_group_id" {
  description = "The load balancer's security group."
  type        = string
}

variable "certificate_arn" {
  description = "The issued certificate for the HTTPS listener."
  type        = string
}

variable "container_port" {
  description = "The API's port."
  type        = number
}

variable "access_logs_bucket" {
  description = "Bucket of the access logs (its policy lets ELB write)."
  type        = string
}

variable "access_logs_prefix" {
  description = "Prefix of the access logs."
  type        = string
}

variable "idle_timeout" {
  description = "Idle connection timeout in seconds."
  type        = number
}

variable "deregistration_delay" {
  description = "Seconds a leaving task keeps its connections."
  type        = number
}

variable "health_check_path" {
  description = "The API's health path."
  type        = string
}
