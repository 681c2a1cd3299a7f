variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "region" {
  description = "Region of the log group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
}

variable "security_group_id" {
  description = "The tasks' security group."
  type        = string
}

variable "target_group_arn" {
  description = "The load balancer's target group."
  type        = string
}

variable "execution_role_arn" {
  description = "Starts tasks."
  type        = string
}

variable "task_role_arn" {
  description = "The API's own role."
  type        = string
}

variable "log_group_name" {
  description = "Where the container logs go."
  type        = string
}

variable "image" {
  description = "The image the first deployment runs."
  type        = string
}

variable "container_port" {
  description = "The API's port."
  type        = number
}

variable "desired_count" {
  description = "Tasks."
  type        = number
}

variable "cpu" {
  description = "CPU units of a task."
  type        = number
}

variable "memory" {
  description = "MiB of a task."
  type        = number
}

variable "environment" {
  description = "Plain settings of the container."
  type        = map(string)
}

variable "secrets" {
  description = "Environment variable name => Secrets Manager or SSM ARN (optionally :json-key::)."
  type        = map(string)
}
