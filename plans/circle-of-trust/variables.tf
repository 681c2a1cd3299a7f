variable "aws_region" {
  description = "Region of the whole system."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name (a tag on everything)."
  type        = string
  default     = "production"
}

variable "project_name" {
  description = "Prefix of every name."
  type        = string
  default     = "circle-of-trust"
}

variable "s3_frontend_bucket" {
  description = "The frontend bucket's name (globally unique)."
  type        = string
}

variable "pingid_metadata_url" {
  description = "PingID SAML metadata, for the Cognito federation still to come (unused yet)."
  type        = string
  default     = ""
}

variable "domain_name" {
  description = "The frontend's domain (the API's CORS origin)."
  type        = string
}

variable "enable_nat_gateway" {
  description = "A NAT gateway (about $32 a month) instead of relying on the VPC endpoints alone."
  type        = bool
  default     = false
}

variable "vpc_cidr" {
  description = "The VPC's address range."
  type        = string
  default     = "10.0.0.0/16"
}

variable "api_port" {
  description = "The API's container port."
  type        = number
  default     = 8080
}

variable "api_task_cpu" {
  description = "API task CPU units."
  type        = number
  default     = 512
}

variable "api_task_memory" {
  description = "API task memory (MiB)."
  type        = number
  default     = 1024
}

variable "api_min_capacity" {
  description = "Fewest API tasks."
  type        = number
  default     = 2
}

variable "api_max_capacity" {
  description = "Most API tasks."
  type        = number
  default     = 10
}

variable "api_desired_count" {
  description = "API tasks to start with (null: api_min_capacity)."
  type        = number
  default     = null
}

variable "worker_task_cpu" {
  description = "Worker task CPU units."
  type        = number
  default     = 2048
}

variable "worker_task_memory" {
  description = "Worker task memory (MiB)."
  type        = number
  default     = 4096
}

variable "worker_min_capacity" {
  description = "Fewest workers (zero while the queue is empty)."
  type        = number
  default     = 0
}

variable "worker_max_capacity" {
  description = "Most workers."
  type        = number
  default     = 20
}

variable "worker_desired_count" {
  description = "Workers to start with (null: worker_min_capacity)."
  type        = number
  default     = null
}

variable "api_image_tag" {
  description = "The API image's first tag (CI deploys later ones)."
  type        = string
  default     = "latest"
}

variable "worker_image_tag" {
  description = "The worker image's first tag (CI deploys later ones)."
  type        = string
  default     = "latest"
}

variable "max_receive_count" {
  description = "Receives before a job moves to the dead-letter queue."
  type        = number
  default     = 3
}

variable "table_min_capacity" {
  description = "Least read/write capacity of each table and index."
  type        = number
  default     = 5
}

variable "table_max_capacity" {
  description = "Most read/write capacity of each table and index."
  type        = number
  default     = 100
}

variable "create_github_oidc_provider" {
  description = "Create GitHub's OIDC provider (false: the account has it already; it is looked up)."
  type        = bool
  default     = true
}

variable "github_repository" {
  description = "The repository (owner/name) whose workflows deploy."
  type        = string
  default     = "circle-of-trust/circle-of-trust"
}

variable "github_branch" {
  description = "The only branch that deploys."
  type        = string
  default     = "main"
}

variable "force_destroy_buckets" {
  description = "Empty the bucket and the repositories on destroy (throwaway environments)."
  type        = bool
  default     = false
}
