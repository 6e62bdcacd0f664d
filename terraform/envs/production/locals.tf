locals {
  environment = "production"
  name_prefix = "ses-${local.environment}"

  tags = merge({
    Project     = "ses-mail-platform"
    Environment = local.environment
    ManagedBy   = "terraform"
  }, var.tags)
}
