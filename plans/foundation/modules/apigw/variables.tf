variable "name" {
  type = string
}

variable "openapi_spec_path" {
  type = string
}

variable "stage_name" {
  type = string
}

variable "stage_rate_limit" {
  type = number
}

variable "stage_burst_limit" {
  type = number
}

variable "usage_plans" {
  description = "Plan name => throttle (requests per second, burst) and monthly quota."
  type = map(object({
    rate_limit      = number
    burst_limit     = number
    quota_per_month = number
  }))
}

variable "api_keys" {
  description = "Client name => the usage plan its key belongs to."
  type        = map(string)
}

variable "log_retention_days" {
  type = number
}
