# Circle of Trust (seed 001): an API on ECS Fargate (on demand) and workers on Fargate Spot in
# private subnets that reach AWS through VPC endpoints (NAT only with enable_nat_gateway); a
# public HTTP API reaching the API through a VPC link and Cloud Map; an SQS job queue with a
# dead-letter queue; DynamoDB tables with read/write autoscaling; the React frontend on an S3
# website; GitHub Actions deploying through OIDC with a role limited to one repository and
# branch; alarms. Valid Terraform too (`terraform validate`).

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = var.project_name
      Environment = var.environment
      ManagedBy   = "infractl"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

module "network" {
  source = "./modules/network"

  name               = var.project_name
  region             = var.aws_region
  cidr               = var.vpc_cidr
  azs                = slice(data.aws_availability_zones.available.names, 0, 2)
  enable_nat_gateway = var.enable_nat_gateway
}

module "queue" {
  source = "./modules/queue"

  name              = var.project_name
  max_receive_count = var.max_receive_count
}

module "data" {
  source = "./modules/data"

  name         = var.project_name
  min_capacity = var.table_min_capacity
  max_capacity = var.table_max_capacity
}

module "frontend" {
  source = "./modules/frontend"

  bucket        = var.s3_frontend_bucket
  force_destroy = var.force_destroy_buckets
}

module "http_api" {
  source = "./modules/http_api"

  name            = var.project_name
  vpc_id          = module.network.vpc_id
  vpc_cidr        = module.network.vpc_cidr
  subnet_ids      = module.network.private_subnet_ids
  port            = var.api_port
  allowed_origins = ["https://${var.domain_name}"]
}

module "ecs" {
  source = "./modules/ecs"

  name                      = var.project_name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  link_security_group_id    = module.http_api.link_security_group_id
  discovery_service_arn     = module.http_api.discovery_service_arn
  queue_url                 = module.queue.queue_url
  queue_arn                 = module.queue.queue_arn
  queue_name                = module.queue.queue_name
  table_arns                = values(module.data.table_arns)
  table_names               = values(module.data.table_names)
  api_port                  = var.api_port
  api_task_cpu              = var.api_task_cpu
  api_task_memory           = var.api_task_memory
  api_desired_count         = coalesce(var.api_desired_count, var.api_min_capacity)
  api_min_capacity          = var.api_min_capacity
  api_max_capacity          = var.api_max_capacity
  worker_task_cpu           = var.worker_task_cpu
  worker_task_memory        = var.worker_task_memory
  worker_desired_count      = coalesce(var.worker_desired_count, var.worker_min_capacity)
  worker_min_capacity       = var.worker_min_capacity
  worker_max_capacity       = var.worker_max_capacity
  api_image_tag             = var.api_image_tag
  worker_image_tag          = var.worker_image_tag
  force_delete_repositories = var.force_destroy_buckets
}

module "github_oidc" {
  source = "./modules/github_oidc"

  name                = var.project_name
  create_provider     = var.create_github_oidc_provider
  repository          = var.github_repository
  branch              = var.github_branch
  repository_arns     = values(module.ecs.repository_arns)
  service_arns        = module.ecs.service_arns
  task_role_arns      = module.ecs.task_role_arns
  frontend_bucket_arn = module.frontend.bucket_arn
}

module "observability" {
  source = "./modules/observability"

  name              = var.project_name
  dlq_name          = module.queue.dlq_name
  max_receive_count = var.max_receive_count
  api_id            = module.http_api.api_id
  api_cluster       = module.ecs.cluster_names["api"]
  api_service       = module.ecs.service_names["api"]
}
