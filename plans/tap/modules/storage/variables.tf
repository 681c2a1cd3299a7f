variable "name" {
  description = "Prefix of the bucket names."
  type        = string
}

variable "account_id" {
  description = "Suffix of the bucket names (bucket names are global)."
  type        = string
}

variable "force_destroy" {
  description = "Empty the buckets on destroy."
  type        = bool
  default     = false
}

variable "cors_origins" {
  description = "Origins allowed to use presigned URLs on the files bucket."
  type        = list(string)
  default     = ["https://localhost"]
}
