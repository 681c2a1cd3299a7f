# TAP (seed 003): a FastAPI backend on ECS Fargate behind an HTTPS load balancer at
# api.<domain>; the React single-page app in a private S3 bucket served by CloudFront through
# origin access control, with SPA error routing, at <domain>; PostgreSQL 16 on RDS in private
# subnets with a password RDS generates and keeps in Secrets Manager; a wildcard ACM
# certificate validated through Route 53; Cognito with e-mail usernames, admin-only sign-up,
# Google as identity provider, a hosted-UI domain and an authorization-code client whose secret
# goes to Secrets Manager; GitHub Actions deploying through OIDC from `main` and `v*` tags;
# load balancer access logs to S3, alarms to SNS. Valid Terraform too (`terraform validate`).
#
# us-east-1 only: CloudFront takes certificates from that region alone.

terraform {
  required_version = ">= 1.11"

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

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  api_domain = "api.${var.domain_name}"
  # Records are managed here when the zone is (a new one, or an existing one named by id);
  # otherwise the validation records are an output for whoever keeps the domain's DNS.
  manage_dns = var.create_route53_zone || var.route53_zone_id != ""
}

module "network" {
  source = "./modules/network"

  name = var.project_name
  cidr = var.vpc_cidr
  azs  = slice(data.aws_availability_zones.available.names, 0, 2)

  container_port = var.container_port
}

module "dns" {
  source = "./modules/dns"

  domain_name     = var.domain_name
  create_zone     = var.create_route53_zone
  zone_id         = var.route53_zone_id
  manage_records  = local.manage_dns
  validation_wait = var.certificate_validation_timeout
}

module "storage" {
  source = "./modules/storage"

  name          = var.project_name
  account_id    = local.account_id
  force_destroy = var.force_destroy_buckets
  cors_origins  = ["https://${var.domain_name}"]
}

module "ecr" {
  source = "./modules/ecr"

  name         = "${var.project_name}-backend"
  force_delete = var.force_destroy_buckets
}

module "rds" {
  source = "./modules/rds"

  name                    = var.project_name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.private_subnet_ids
  client_security_group   = module.network.ecs_security_group_id
  instance_class          = var.db_instance_class
  allocated_storage       = var.db_allocated_storage
  backup_retention_period = var.db_backup_retention_days
  deletion_protection     = var.db_deletion_protection
  skip_final_snapshot     = var.db_skip_final_snapshot
}

module "cognito" {
  source = "./modules/cognito"

  name                 = var.project_name
  account_id           = local.account_id
  domain_name          = var.domain_name
  api_domain           = local.api_domain
  google_client_id     = var.google_client_id
  google_client_secret = var.google_client_secret
  secret_recovery_days = var.secret_recovery_window_days
}

module "observability" {
  source = "./modules/observability"

  name              = var.project_name
  account_id        = local.account_id
  log_retention     = var.log_retention_days
  alert_email       = var.alert_email
  force_destroy     = var.force_destroy_buckets
  alb_arn_suffix    = module.alb.arn_suffix
  target_arn_suffix = module.alb.target_group_arn_suffix
  db_identifier     = module.rds.identifier
}

module "alb" {
  source = "./modules/alb"

  name                 = var.project_name
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.public_subnet_ids
  security_group_id    = module.network.alb_security_group_id
  certificate_arn      = module.dns.certificate_arn
  container_port       = var.container_port
  access_logs_bucket   = module.observability.alb_logs_bucket
  access_logs_prefix   = "alb"
  idle_timeout         = var.alb_idle_timeout
  deregistration_delay = 30
  health_check_path    = "/health"
}

module "iam" {
  source = "./modules/iam"

  name                 = var.project_name
  region               = var.aws_region
  account_id           = local.account_id
  github_repository    = var.github_repository
  create_oidc_provider = var.create_oidc_provider
  ecr_repository_arn   = module.ecr.repository_arn
  spa_bucket_arn       = module.storage.spa_bucket_arn
  files_bucket_arn     = module.storage.files_bucket_arn
  distribution_arn     = module.cdn.distribution_arn
  secret_arns = [
    module.rds.master_user_secret_arn,
    module.cognito.client_secret_arn,
    aws_secretsmanager_secret.jwt.arn,
  ]
  parameter_arns   = module.cognito.parameter_arns
  bedrock_model_id = var.bedrock_model_id
}

module "ecs" {
  source = "./modules/ecs"

  name               = var.project_name
  region             = var.aws_region
  subnet_ids         = module.network.private_subnet_ids
  security_group_id  = module.network.ecs_security_group_id
  target_group_arn   = module.alb.target_group_arn
  execution_role_arn = module.iam.execution_role_arn
  task_role_arn      = module.iam.task_role_arn
  log_group_name     = module.observability.log_group_name
  image              = "${module.ecr.repository_url}:${var.image_tag}"
  container_port     = var.container_port
  desired_count      = var.desired_count
  cpu                = 256
  memory             = 512
  environment = {
    DB_HOST        = module.rds.address
    DB_PORT        = tostring(module.rds.port)
    DB_NAME        = module.rds.database_name
    CORS_ORIGINS   = jsonencode(["https://${var.domain_name}"])
    COOKIE_DOMAIN  = ".${var.domain_name}"
    COOKIE_SECURE  = "true"
    FILES_BUCKET   = module.storage.files_bucket_name
    BEDROCK_MODEL  = var.bedrock_model_id
    COGNITO_REGION = var.aws_region
  }
  # Only ARNs reach the task definition; ECS reads the values when a task starts.
  secrets = merge(
    {
      DB_USERNAME           = "${module.rds.master_user_secret_arn}:username::"
      DB_PASSWORD           = "${module.rds.master_user_secret_arn}:password::"
      JWT_SECRET_KEY        = aws_secretsmanager_secret.jwt.arn
      COGNITO_CLIENT_SECRET = module.cognito.client_secret_arn
    },
    module.cognito.parameter_arns_by_env,
  )

  # ECS refuses a target group no load balancer uses yet.
  depends_on = [module.alb]
}

module "cdn" {
  source = "./modules/cdn"

  name                = var.project_name
  bucket_id           = module.storage.spa_bucket_id
  bucket_arn          = module.storage.spa_bucket_arn
  bucket_domain_name  = module.storage.spa_bucket_regional_domain_name
  aliases             = local.manage_dns ? [var.domain_name] : []
  certificate_arn     = local.manage_dns ? module.dns.certificate_arn : null
  price_class         = var.cloudfront_price_class
  wait_for_deployment = var.cloudfront_wait_for_deployment
}

# The names users type: the SPA at the apex through CloudFront, the API at api.<domain> through
# the load balancer (alias records, IPv4 and IPv6).
resource "aws_route53_record" "spa" {
  for_each = local.manage_dns ? toset(["A", "AAAA"]) : toset([])

  zone_id = module.dns.zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = module.cdn.domain_name
    zone_id                = module.cdn.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "api" {
  for_each = local.manage_dns ? toset(["A", "AAAA"]) : toset([])

  zone_id = module.dns.zone_id
  name    = local.api_domain
  type    = each.key

  alias {
    name                   = module.alb.dns_name
    zone_id                = module.alb.zone_id
    evaluate_target_health = true
  }
}

# JWT_SECRET_KEY: generated by Secrets Manager for the run that writes it, sent through the
# write-only argument, kept only in Secrets Manager (not in state, not in plan files), read by
# the task at start. A new jwt_secret_version writes a new key.
ephemeral "aws_secretsmanager_random_password" "jwt" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "jwt" {
  name                    = "${var.project_name}/jwt-secret-key"
  description             = "Signs the API's session tokens"
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id                = aws_secretsmanager_secret.jwt.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.jwt.random_password
  secret_string_wo_version = var.jwt_secret_version
}
