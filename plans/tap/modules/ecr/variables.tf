variable "name" {
  description = "The repository's name."
  type        = string
}

variable "force_delete" {
  description = "Delete the repository with its images on destroy."
  type        = bool
  default     = false
}
