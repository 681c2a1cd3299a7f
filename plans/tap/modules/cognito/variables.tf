variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "account_id" {
  description = "Makes the hosted-UI prefix unique (prefixes are global)."
  type        = string
}

variable "domain_name" {
  description = "The SPA's domain (sign-out lands on its /login)."
  type        = string
}

variable "api_domain" {
  description = "The API's domain (the OAuth callback)."
  type        = string
}

variable "google_client_id" {
  description = "Google OAuth client id; empty for no Google sign-in."
  type        = string
}

variable "google_client_secret" {
  description = "Google OAuth client secret."
  type        = string
  sensitive   = true
}

variable "secret_recovery_days" {
  description = "Recovery window of the client-secret secret."
  type        = number
}
