variable "bucket" {
  description = "The frontend bucket's name."
  type        = string
}

variable "force_destroy" {
  description = "Empty the bucket on destroy (for throwaway environments)."
  type        = bool
  default     = false
}
