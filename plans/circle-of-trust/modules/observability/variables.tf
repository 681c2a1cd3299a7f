variable "name" {
  description = "Prefix of the alarm names."
  type        = string
}

variable "dlq_name" {
  description = "The dead-letter queue."
  type        = string
}

variable "max_receive_count" {
  description = "Receives before a job reaches the dead-letter queue (for the description)."
  type        = number
}

variable "api_id" {
  description = "The HTTP API."
  type        = string
}

variable "api_cluster" {
  description = "The API's cluster."
  type        = string
}

variable "api_service" {
  description = "The API's service."
  type        = string
}

variable "api_5xx_threshold" {
  description = "5xx answers in five minutes that raise the alarm."
  type        = number
  default     = 10
}
