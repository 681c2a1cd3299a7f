variable "name" {
  description = "Prefix of the role's name."
  type        = string
}

variable "create_provider" {
  description = "Create the account's GitHub OIDC provider (false: it exists, look it up)."
  type        = bool
  default     = true
}

variable "thumbprints" {
  description = "Thumbprints of GitHub's OIDC certificate chain."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

variable "repository" {
  description = "The GitHub repository (owner/name) allowed to deploy."
  type        = string
}

variable "branch" {
  description = "The only branch whose workflows may deploy."
  type        = string
}

variable "repository_arns" {
  description = "ECR repositories CI pushes to."
  type        = list(string)
}

variable "service_arns" {
  description = "ECS services CI deploys."
  type        = list(string)
}

variable "task_role_arns" {
  description = "Roles CI may pass to ECS."
  type        = list(string)
}

variable "frontend_bucket_arn" {
  description = "The bucket CI syncs the frontend to."
  type        = string
}
