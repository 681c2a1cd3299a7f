variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "region" {
  description = "Region of the services the roles reach."
  type        = string
}

variable "account_id" {
  description = "The account."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the deploying repository."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create GitHub's OIDC provider, or look the account's up."
  type        = bool
}

variable "ecr_repository_arn" {
  description = "The repository CI pushes to."
  type        = string
}

variable "spa_bucket_arn" {
  description = "The bucket CI syncs the SPA to."
  type        = string
}

variable "files_bucket_arn" {
  description = "The API's files bucket."
  type        = string
}

variable "distribution_arn" {
  description = "The distribution CI invalidates."
  type        = string
}

variable "secret_arns" {
  description = "Secrets the container is given."
  type        = list(string)
}

variable "parameter_arns" {
  description = "Parameters the container is given."
  type        = list(string)
}

variable "bedrock_model_id" {
  description = "The Claude model the API may invoke."
  type        = string
}
