variable "name" {
  description = "Name prefix of everything in the stack (load balancer names allow 32 characters)."
  type        = string
  default     = "fargate-demo"
}

variable "region" {
  type    = string
  default = "us-west-2"
}

variable "cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway for both AZs (cheaper) instead of one per AZ."
  type        = bool
  default     = false
}

variable "image" {
  type    = string
  default = "public.ecr.aws/nginx/nginx:1.27"
}

variable "container_port" {
  type    = number
  default = 8080
}

variable "health_check_path" {
  type    = string
  default = "/health"
}

variable "task_cpu" {
  type    = string
  default = "256"
}

variable "task_memory" {
  type    = string
  default = "512"
}

variable "log_level" {
  type    = string
  default = "info"
}

variable "secret_arns" {
  description = "Environment variable name => Secrets Manager or SSM parameter ARN, injected by ECS."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "container_insights" {
  type    = bool
  default = true
}

variable "wait_for_steady_state" {
  description = "Make apply wait until the service's tasks are all running."
  type        = bool
  default     = false
}

variable "min_count" {
  type    = number
  default = 2
}

variable "max_count" {
  type    = number
  default = 6
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) autoscaling keeps the service at."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "Load balancer requests per task per minute autoscaling keeps the service at."
  type        = number
  default     = 1000
}
