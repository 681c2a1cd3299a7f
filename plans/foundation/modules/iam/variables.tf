variable "name" {
  type = string
}

variable "bedrock_model_arns" {
  description = "The only model ARNs the task may invoke."
  type        = list(string)
}

variable "table_arns" {
  type = list(string)
}

variable "uploads_bucket_arn" {
  type = string
}

variable "secret_arns" {
  type = list(string)
}
