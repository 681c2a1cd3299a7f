variable "name" {
  type = string
}

variable "region" {
  type = string
}

variable "api_name" {
  type = string
}

variable "stage_name" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "service_name" {
  type = string
}

variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "table_names" {
  type = list(string)
}

variable "alarm_emails" {
  type    = list(string)
  default = []
}

variable "latency_p95_threshold_ms" {
  type = number
}

variable "error_rate_5xx_percent" {
  type = number
}
