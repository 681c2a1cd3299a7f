variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the tasks."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the tasks."
  type        = list(string)
}

variable "link_security_group_id" {
  description = "API Gateway's VPC link group, the only source the API admits."
  type        = string
}

variable "discovery_service_arn" {
  description = "The Cloud Map service the API tasks register in."
  type        = string
}

variable "queue_url" {
  description = "The job queue."
  type        = string
}

variable "queue_arn" {
  description = "The job queue's ARN (task permissions)."
  type        = string
}

variable "queue_name" {
  description = "The job queue's name (the depth alarms' dimension)."
  type        = string
}

variable "table_arns" {
  description = "Tables the tasks use."
  type        = list(string)
}

variable "table_names" {
  description = "Tables the tasks use, by name (their environment)."
  type        = list(string)
}

variable "api_port" {
  description = "The API's container port."
  type        = number
  default     = 8080
}

variable "api_task_cpu" {
  description = "API task CPU units."
  type        = number
}

variable "api_task_memory" {
  description = "API task memory (MiB)."
  type        = number
}

variable "api_desired_count" {
  description = "API tasks to run."
  type        = number
}

variable "api_min_capacity" {
  description = "Fewest API tasks autoscaling leaves."
  type        = number
}

variable "api_max_capacity" {
  description = "Most API tasks autoscaling starts."
  type        = number
}

variable "api_cpu_target" {
  description = "Average CPU, in percent, the API's autoscaling aims for."
  type        = number
  default     = 70
}

variable "worker_task_cpu" {
  description = "Worker task CPU units."
  type        = number
}

variable "worker_task_memory" {
  description = "Worker task memory (MiB)."
  type        = number
}

variable "worker_desired_count" {
  description = "Worker tasks to run."
  type        = number
}

variable "worker_min_capacity" {
  description = "Fewest workers (zero: none while the queue is empty)."
  type        = number
}

variable "worker_max_capacity" {
  description = "Most workers."
  type        = number
}

variable "worker_scale_out_threshold" {
  description = "Visible jobs from which workers are added."
  type        = number
  default     = 10
}

variable "worker_spot_weight" {
  description = "Share of workers on Fargate Spot."
  type        = number
  default     = 4
}

variable "worker_on_demand_weight" {
  description = "Share of workers on on-demand Fargate, above the base."
  type        = number
  default     = 1
}

variable "worker_on_demand_base" {
  description = "Workers always on on-demand Fargate."
  type        = number
  default     = 0
}

variable "api_image_tag" {
  description = "The API image's first tag (CI deploys later ones)."
  type        = string
}

variable "worker_image_tag" {
  description = "The worker image's first tag (CI deploys later ones)."
  type        = string
}

variable "log_retention_days" {
  description = "Days container logs are kept."
  type        = number
  default     = 30
}

variable "force_delete_repositories" {
  description = "Delete repositories that still hold images (throwaway environments)."
  type        = bool
  default     = false
}
