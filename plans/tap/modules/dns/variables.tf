variable "domain_name" {
  description = "The apex domain; the certificate covers it and its first-level subdomains."
  type        = string
}

variable "create_zone" {
  description = "Create the public hosted zone."
  type        = bool
}

variable "zone_id" {
  description = "An existing zone, when create_zone is false."
  type        = string
  default     = ""
}

variable "manage_records" {
  description = "Write the validation records into the zone."
  type        = bool
}

variable "validation_wait" {
  description = "How long to wait for the certificate to be issued."
  type        = string
}
