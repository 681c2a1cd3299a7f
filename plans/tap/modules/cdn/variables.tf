variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "bucket_id" {
  description = "The SPA bucket."
  type        = string
}

variable "bucket_arn" {
  description = "The SPA bucket's ARN (its policy's resource)."
  type        = string
}

variable "bucket_domain_name" {
  description = "The SPA bucket's regional domain name (the origin)."
  type        = string
}

variable "aliases" {
  description = "Domains the distribution answers for (need certificate_arn)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate in us-east-1; null for CloudFront's own."
  type        = string
  default     = null
}

variable "price_class" {
  description = "Edge locations."
  type        = string
}

variable "wait_for_deployment" {
  description = "Wait until Deployed."
  type        = bool
}
