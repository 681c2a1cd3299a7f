# A small network stack: a VPC over two availability zones with public subnets routed to an
# internet gateway, private subnets, and a bucket for flow logs. Valid Terraform too.

terraform {
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
      Stack     = var.name
      ManagedBy = "infractl"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, var.az_count)
}

resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true

  tags = {
    Name = "${var.name}-vpc"
  }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.name}-igw"
  }
}

module "public" {
  source = "./modules/subnets"

  name          = "${var.name}-public"
  vpc_id        = aws_vpc.main.id
  vpc_cidr      = var.cidr
  azs           = local.azs
  netnum_offset = 0
  public        = true
}

module "private" {
  source = "./modules/subnets"

  name          = "${var.name}-private"
  vpc_id        = aws_vpc.main.id
  vpc_cidr      = var.cidr
  azs           = local.azs
  netnum_offset = 10
  public        = false
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  tags = {
    Name = "${var.name}-public"
  }
}

resource "aws_route_table_association" "public" {
  count = var.az_count

  subnet_id      = module.public.subnet_ids[count.index]
  route_table_id = aws_route_table.public.id
}

resource "aws_s3_bucket" "logs" {
  bucket_prefix = "${var.name}-logs-"
  force_destroy = true
}

resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "HTTPS from anywhere"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "App port from the web tier only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "App from web"
    from_port       = var.app_port
    to_port         = var.app_port
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }

  ingress {
    description = "Peers"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
