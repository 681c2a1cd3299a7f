variable "name" {
  description = "Prefix of every name in the stack (collection names allow 32 characters)."
  type        = string
  default     = "troubleshooter"
}

variable "region" {
  type    = string
  default = "us-west-2"
}

variable "vpc_cidr" {
  type    = string
  default = "10.30.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway for both AZs (cheaper) instead of one per AZ (HA)."
  type        = bool
  default     = false
}

variable "container_image" {
  type    = string
  default = "public.ecr.aws/nginx/nginx:1.27"
}

variable "container_port" {
  type    = number
  default = 8080
}

variable "task_cpu" {
  type    = string
  default = "512"
}

variable "task_memory" {
  type    = string
  default = "1024"
}

variable "min_tasks" {
  type    = number
  default = 2
}

variable "max_tasks" {
  type    = number
  default = 10
}

variable "cpu_target_percent" {
  type    = number
  default = 65
}

variable "requests_per_target" {
  type    = number
  default = 1000
}

variable "stage_name" {
  type    = string
  default = "prod"
}

variable "api_rate_limit" {
  description = "Stage-wide steady-state requests per second."
  type        = number
  default     = 100
}

variable "api_burst_limit" {
  type    = number
  default = 200
}

variable "usage_plans" {
  type = map(object({
    rate_limit      = number
    burst_limit     = number
    quota_per_month = number
  }))
  default = {
    standard = { rate_limit = 100, burst_limit = 200, quota_per_month = 1000000 }
  }
}

variable "api_keys" {
  description = "Client name => usage plan."
  type        = map(string)
  default     = { web = "standard" }
}

variable "bedrock_model_ids" {
  description = "The only Bedrock models the API may invoke."
  type        = list(string)
  default     = ["anthropic.claude-3-5-sonnet-20240620-v1:0", "amazon.titan-embed-text-v2:0"]
}

variable "secret_names" {
  type    = list(string)
  default = ["model-api-key"]
}

variable "secret_recovery_window_days" {
  type    = number
  default = 7
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "uploads_expiration_days" {
  type    = number
  default = 90
}

variable "force_destroy_buckets" {
  type    = bool
  default = false
}

variable "alarm_emails" {
  type    = list(string)
  default = []
}

variable "latency_p95_threshold_ms" {
  type    = number
  default = 1000
}

variable "error_rate_5xx_percent" {
  type    = number
  default = 5
}
