# Terraform 1.10/1.11 ephemeral values: ephemeral variables, ephemeral resources, ephemeral
# module outputs and write-only arguments with their version companions.
variable "db_password" {
  type      = string
  ephemeral = true
  sensitive = true
  default   = null
}

resource "aws_ssm_parameter" "source" {
  name  = "/compat/ephemeral/source"
  type  = "SecureString"
  value = "placeholder"
}

ephemeral "aws_ssm_parameter" "source" {
  arn = aws_ssm_parameter.source.arn
}

ephemeral "aws_secretsmanager_secret_version" "previous" {
  count         = 0
  secret_id     = aws_secretsmanager_secret.db.id
  version_stage = "AWSPREVIOUS"
}

module "secret" {
  source = "./modules/secret"
  value  = coalesce(var.db_password, ephemeral.aws_ssm_parameter.source.value)
}

resource "aws_secretsmanager_secret" "db" {
  name = "compat/ephemeral/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = module.secret.json
  secret_string_wo_version = 1
}

resource "aws_ssm_parameter" "copy" {
  name             = "/compat/ephemeral/copy"
  type             = "SecureString"
  value_wo         = ephemeral.aws_ssm_parameter.source.value
  value_wo_version = 1
}

output "secret_version_id" {
  value = aws_secretsmanager_secret_version.db.version_id
}

output "was_sensitive" {
  value = ephemeralasnull(module.secret.json) == null
}
