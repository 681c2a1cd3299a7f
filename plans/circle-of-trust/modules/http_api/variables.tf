variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the tasks."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's address range (the link's egress)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the VPC link reaches the tasks from."
  type        = list(string)
}

variable "port" {
  description = "The API's container port."
  type        = number
}

variable "allowed_origins" {
  description = "CORS origins (the frontend)."
  type        = list(string)
}

variable "log_retention_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 30
}

variable "throttling_burst_limit" {
  description = "Burst of requests the default route takes."
  type        = number
  default     = 200
}

variable "throttling_rate_limit" {
  description = "Steady requests per second the default route takes."
  type        = number
  default     = 100
}
