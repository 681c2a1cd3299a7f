variable "name" {
  description = "Prefix of the queue names."
  type        = string
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
}

variable "visibility_timeout_seconds" {
  description = "How long a received job stays hidden from other workers."
  type        = number
  default     = 300
}
