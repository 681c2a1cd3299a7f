variable "region" {
  description = "Region of the state bucket and lock table."
  type        = string
  default     = "us-west-2"
}

variable "state_bucket" {
  description = "Name of the S3 bucket that holds state (globally unique)."
  type        = string
  default     = "troubleshooter-terraform-state"
}

variable "lock_table" {
  description = "Name of the DynamoDB lock table."
  type        = string
  default     = "troubleshooter-terraform-locks"
}

variable "keep_old_versions_days" {
  description = "How long superseded state versions are kept."
  type        = number
  default     = 90
}
