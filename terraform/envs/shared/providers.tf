# The primary region holds SES, the event pipeline, alarms and the status API; `aws.standby` holds the
# standby region's SES (module.standby_region) and its alarms. With the standby off, the alias points
# at the primary region and nothing uses it.
provider "aws" {
  region = var.region

  # Refuse to touch any account but the one this environment is for. Offline plans never learn the
  # account ID (no STS call), so the check can only run - and always runs - with real credentials.
  allowed_account_ids = var.offline_plan ? null : [var.account_id]

  # Offline plans in tests only (fake credentials, no STS/IMDS calls). Never set in real use.
  skip_credentials_validation = var.offline_plan
  skip_requesting_account_id  = var.offline_plan
  skip_metadata_api_check     = var.offline_plan

  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "standby"
  region = var.standby_enabled ? var.standby_region : var.region

  allowed_account_ids         = var.offline_plan ? null : [var.account_id]
  skip_credentials_validation = var.offline_plan
  skip_requesting_account_id  = var.offline_plan
  skip_metadata_api_check     = var.offline_plan

  default_tags {
    tags = local.tags
  }
}
