# The foundation stack of seed 000: VPC over two AZs with NAT, ALB -> ECS Fargate API with
# autoscaling, API Gateway REST API from openapi.json with usage plans and keys, DynamoDB
# sessions/budgets tables, OpenSearch Serverless vector collection for the semantic cache, S3
# uploads/artifacts/frontend buckets, CloudWatch logs/dashboard/alarms, least-privilege IAM and
# secrets referenced by ARN. Valid Terraform too.

terraform {
  required_version = ">= 1.4"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = var.name
      ManagedBy = "infractl"
    }
  }
}

data "aws_caller_identity" "current" {}

module "vpc" {
  source = "./modules/vpc"

  name               = var.name
  cidr               = var.vpc_cidr
  az_count           = 2
  single_nat_gateway = var.single_nat_gateway
}

module "sessions_table" {
  source = "./modules/dynamodb"

  table_name    = "${var.name}-sessions"
  hash_key      = "session_id"
  range_key     = "turn"
  ttl_attribute = "expires_at"
}

module "budgets_table" {
  source = "./modules/dynamodb"

  table_name = "${var.name}-budgets"
  hash_key   = "tenant_id"
}

module "uploads" {
  source = "./modules/s3"

  bucket_name     = "${var.name}-uploads-${data.aws_caller_identity.current.account_id}"
  versioning      = true
  force_destroy   = var.force_destroy_buckets
  expiration_days = var.uploads_expiration_days
}

module "artifacts" {
  source = "./modules/s3"

  bucket_name   = "${var.name}-artifacts-${data.aws_caller_identity.current.account_id}"
  versioning    = true
  force_destroy = var.force_destroy_buckets
}

module "frontend" {
  source = "./modules/s3"

  bucket_name   = "${var.name}-frontend-${data.aws_caller_identity.current.account_id}"
  force_destroy = var.force_destroy_buckets
}

# Secrets live in Secrets Manager; the blueprint only creates the containers and references
# them by ARN (values are set outside Terraform, so they never reach state).
resource "aws_secretsmanager_secret" "app" {
  for_each = toset(var.secret_names)

  name                    = "${var.name}/${each.value}"
  recovery_window_in_days = var.secret_recovery_window_days
}

module "iam" {
  source = "./modules/iam"

  name               = var.name
  bedrock_model_arns = [for m in var.bedrock_model_ids : "arn:aws:bedrock:${var.region}::foundation-model/${m}"]
  table_arns         = [module.sessions_table.table_arn, module.budgets_table.table_arn]
  uploads_bucket_arn = module.uploads.bucket_arn
  secret_arns        = [for s in aws_secretsmanager_secret.app : s.arn]
}

module "ecs_service" {
  source = "./modules/ecs_service"

  name                 = "${var.name}-api"
  region               = var.region
  cluster_name         = var.name
  vpc_id               = module.vpc.vpc_id
  subnet_ids_public    = module.vpc.subnet_ids_public
  subnet_ids_private   = module.vpc.subnet_ids_private
  container_image      = var.container_image
  cpu                  = var.task_cpu
  memory               = var.task_memory
  port                 = var.container_port
  desired_count        = var.min_tasks
  min_count            = var.min_tasks
  max_count            = var.max_tasks
  cpu_target           = var.cpu_target_percent
  requests_per_target  = var.requests_per_target
  task_role_arn        = module.iam.task_role_arn
  execution_role_arn   = module.iam.execution_role_arn
  log_retention_days   = var.log_retention_days
  env_vars_secret_arns = { for k, s in aws_secretsmanager_secret.app : upper(replace(k, "-", "_")) => s.arn }
  env_vars = {
    SESSIONS_TABLE = module.sessions_table.name
    BUDGETS_TABLE  = module.budgets_table.name
    UPLOADS_BUCKET = module.uploads.bucket_name
    CACHE_ENDPOINT = aws_opensearchserverless_collection.cache.collection_endpoint
  }
}

module "apigw" {
  source = "./modules/apigw"

  name               = "${var.name}-api"
  openapi_spec_path  = "${path.module}/openapi.json"
  stage_name         = var.stage_name
  stage_rate_limit   = var.api_rate_limit
  stage_burst_limit  = var.api_burst_limit
  usage_plans        = var.usage_plans
  api_keys           = var.api_keys
  log_retention_days = var.log_retention_days
}

# The semantic cache: a vector search collection, encrypted with an AWS-owned key, reachable
# by the task role only.
resource "aws_opensearchserverless_security_policy" "cache_encryption" {
  name = "${var.name}-cache-enc"
  type = "encryption"
  policy = jsonencode({
    Rules       = [{ ResourceType = "collection", Resource = ["collection/${var.name}-cache"] }]
    AWSOwnedKey = true
  })
}

resource "aws_opensearchserverless_security_policy" "cache_network" {
  name = "${var.name}-cache-net"
  type = "network"
  policy = jsonencode([{
    Rules           = [{ ResourceType = "collection", Resource = ["collection/${var.name}-cache"] }]
    AllowFromPublic = true
  }])
}

resource "aws_opensearchserverless_access_policy" "cache" {
  name = "${var.name}-cache"
  type = "data"
  policy = jsonencode([{
    Rules = [{
      ResourceType = "index"
      Resource     = ["index/${var.name}-cache/*"]
      Permission   = ["aoss:ReadDocument", "aoss:WriteDocument", "aoss:CreateIndex", "aoss:DescribeIndex"]
    }]
    Principal = [module.iam.task_role_arn]
  }])
}

resource "aws_opensearchserverless_collection" "cache" {
  name        = "${var.name}-cache"
  type        = "VECTORSEARCH"
  description = "Semantic cache of sanitized inputs"

  depends_on = [
    aws_opensearchserverless_security_policy.cache_encryption,
    aws_opensearchserverless_security_policy.cache_network,
  ]
}

module "observability" {
  source = "./modules/observability"

  name                     = var.name
  region                   = var.region
  api_name                 = "${var.name}-api"
  stage_name               = var.stage_name
  cluster_name             = module.ecs_service.cluster_name
  service_name             = module.ecs_service.service_name
  alb_arn_suffix           = module.ecs_service.alb_arn_suffix
  target_group_arn_suffix  = module.ecs_service.target_group_arn_suffix
  table_names              = [module.sessions_table.name, module.budgets_table.name]
  alarm_emails             = var.alarm_emails
  latency_p95_threshold_ms = var.latency_p95_threshold_ms
  error_rate_5xx_percent   = var.error_rate_5xx_percent
}
