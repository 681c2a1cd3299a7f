variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two zones) of the subnet group."
  type        = list(string)
}

variable "client_security_group" {
  description = "The tasks' security group, the only one let in on 5432."
  type        = string
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "allocated_storage" {
  description = "Storage in GiB."
  type        = number
}

variable "backup_retention_period" {
  description = "Days of automated backups."
  type        = number
}

variable "deletion_protection" {
  description = "Refuse deletes."
  type        = bool
}

variable "skip_final_snapshot" {
  description = "No final snapshot on delete."
  type        = bool
}

variable "database_name" {
  description = "The application's database."
  type        = string
  default     = "tap"
}

variable "master_username" {
  description = "The master user (its password is RDS's to keep)."
  type        = string
  default     = "tap_admin"
}
