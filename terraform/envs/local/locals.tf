locals {
  environment = "local"
  name_prefix = "ses-${local.environment}"

  tags = {
    Project     = "ses-mail-platform"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}
