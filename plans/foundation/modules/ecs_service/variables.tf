variable "name" {
  type = string
}

variable "region" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids_public" {
  type = list(string)
}

variable "subnet_ids_private" {
  type = list(string)
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "container_image" {
  type = string
}

variable "cpu" {
  type = string
}

variable "memory" {
  type = string
}

variable "port" {
  type = number
}

variable "health_check_path" {
  type    = string
  default = "/health"
}

variable "desired_count" {
  type = number
}

variable "min_count" {
  type = number
}

variable "max_count" {
  type = number
}

variable "cpu_target" {
  type = number
}

variable "requests_per_target" {
  type = number
}

variable "env_vars" {
  type    = map(string)
  default = {}
}

variable "env_vars_secret_arns" {
  type = map(string)
}

variable "task_role_arn" {
  type = string
}

variable "execution_role_arn" {
  type = string
}

variable "log_retention_days" {
  type = number
}
