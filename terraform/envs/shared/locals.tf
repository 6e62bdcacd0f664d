locals {
  # local.environment and local.deletion_protection_enabled come from the root's own environment.tf.
  name_prefix = "ses-${local.environment}"

  tags = merge({
    Project     = "ses-mail-platform"
    Environment = local.environment
    ManagedBy   = "terraform"
  }, var.tags)
}
