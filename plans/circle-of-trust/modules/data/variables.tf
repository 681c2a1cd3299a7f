variable "name" {
  description = "Prefix of the table names."
  type        = string
}

variable "min_capacity" {
  description = "Least read and write capacity units of each table and index."
  type        = number
  default     = 5
}

variable "max_capacity" {
  description = "Most read and write capacity units of each table and index."
  type        = number
  default     = 100
}

variable "target_utilization" {
  description = "Consumed capacity, in percent of provisioned, autoscaling aims for."
  type        = number
  default     = 70
}
