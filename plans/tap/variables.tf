variable "aws_region" {
  description = "Region of the whole system: us-east-1, where CloudFront takes its certificates."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = var.aws_region == "us-east-1"
    error_message = "CloudFront uses ACM certificates from us-east-1 only; this stack keeps one region."
  }
}

variable "environment" {
  description = "Environment name (a tag on everything)."
  type        = string
  default     = "poc"
}

variable "project_name" {
  description = "Prefix of every name."
  type        = string
  default     = "tap"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.project_name))
    error_message = "project_name: 2 to 20 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "domain_name" {
  description = "The SPA's domain; the API answers at api.<domain_name>."
  type        = string
}

variable "create_route53_zone" {
  description = "Create a public hosted zone for domain_name (then delegate the domain to its name servers)."
  type        = bool
  default     = true
}

variable "route53_zone_id" {
  description = "An existing hosted zone for domain_name, used when create_route53_zone is false. With neither, the validation records are an output to create by hand."
  type        = string
  default     = ""
}

variable "certificate_validation_timeout" {
  description = "How long to wait for ACM to issue the certificate."
  type        = string
  default     = "45m"
}

variable "vpc_cidr" {
  description = "The VPC's range (public subnets .1/.2, private .10/.11)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "container_port" {
  description = "Port the API listens on."
  type        = number
  default     = 8000
}

variable "image_tag" {
  description = "Tag of the backend image in ECR that the service runs (CI pushes it)."
  type        = string
  default     = "latest"
}

variable "desired_count" {
  description = "API tasks."
  type        = number
  default     = 1
}

variable "alb_idle_timeout" {
  description = "Seconds the load balancer keeps an idle connection."
  type        = number
  default     = 60
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Database storage in GiB (gp3)."
  type        = number
  default     = 20
}

variable "db_backup_retention_days" {
  description = "Days of automated backups."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (turn off before a destroy)."
  type        = bool
  default     = false
}

variable "db_skip_final_snapshot" {
  description = "Delete the database without a final snapshot."
  type        = bool
  default     = true
}

variable "google_client_id" {
  description = "Google OAuth client id (Google Cloud Console), for Cognito's Google identity provider; empty for none."
  type        = string
  default     = ""
}

variable "google_client_secret" {
  description = "Google OAuth client secret."
  type        = string
  default     = ""
  sensitive   = true
}

variable "github_repository" {
  description = "owner/name of the repository whose `main` branch and `v*` tags may deploy."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create GitHub's OIDC provider (false when the account already has it)."
  type        = bool
  default     = true
}

variable "bedrock_model_id" {
  description = "The Claude model the API invokes through Bedrock."
  type        = string
  default     = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

variable "cloudfront_price_class" {
  description = "CloudFront edge locations: PriceClass_100 is North America and Europe."
  type        = string
  default     = "PriceClass_100"
}

variable "cloudfront_wait_for_deployment" {
  description = "Wait until the distribution is Deployed (5 to 15 minutes on AWS)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days the API's logs are kept."
  type        = number
  default     = 30
}

variable "alert_email" {
  description = "Where alarms are mailed (confirmed by hand); empty for none."
  type        = string
  default     = ""
}

variable "jwt_secret_version" {
  description = "Raise to generate and write a new JWT signing key."
  type        = number
  default     = 1
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored (0 deletes at once)."
  type        = number
  default     = 7
}

variable "force_destroy_buckets" {
  description = "Empty buckets and the image repository on destroy."
  type        = bool
  default     = false
}
