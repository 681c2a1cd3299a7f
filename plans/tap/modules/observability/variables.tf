variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "account_id" {
  description = "The account (bucket name, log delivery path)."
  type        = string
}

variable "log_retention" {
  description = "Days the API's logs are kept."
  type        = number
}

variable "alert_email" {
  description = "Where alarms are mailed; empty for none."
  type        = string
}

variable "force_destroy" {
  description = "Empty the access-log bucket on destroy."
  type        = bool
}

variable "access_log_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 90
}

variable "alb_arn_suffix" {
  description = "The load balancer, as CloudWatch names it."
  type        = string
}

variable "target_arn_suffix" {
  description = "The target group, as CloudWatch names it."
  type        = string
}

variable "db_identifier" {
  description = "The database instance."
  type        = string
}
