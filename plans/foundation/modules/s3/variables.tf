variable "bucket_name" {
  type = string
}

variable "versioning" {
  type    = bool
  default = false
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "transition_to_ia_days" {
  type    = number
  default = 30
}

variable "expiration_days" {
  type    = number
  default = 365
}
