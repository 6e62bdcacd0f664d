# Operating the sending side (decision 0101): the quota publisher (one function for the primary and the
# standby region, each region's metric in its own CloudWatch) and opt-in auto-pause of configuration
# sets when a critical reputation alarm fires (primary region; off unless auto_pause_enabled). With a
# standby region, the suppression sync copies the primary's suppression list to it every hour
# (docs/suppression-sync.md), so a failover never mails an address the primary suppressed.

variable "quota_metric_zip_path" {
  type        = string
  description = "Quota publisher deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/quota_metric.zip"
}

variable "auto_pause_enabled" {
  type        = bool
  description = "Pause the configuration sets mapped to a critical bounce- or complaint-rate alarm when it fires (never the account; resume by hand with scripts/sending.py)."
  default     = false
  nullable    = false
}

variable "auto_pause_zip_path" {
  type        = string
  description = "Auto-pause deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/auto_pause.zip"
}

variable "suppression_sync_zip_path" {
  type        = string
  description = "Suppression sync deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/suppression_sync.zip"
}

variable "operations_reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the quota, auto-pause and suppression sync functions (1-5), or -1 for none: new accounts may have a concurrency limit of 10 with nothing reservable."
  default     = 1
  nullable    = false
}

module "quota_metric" {
  source = "../../modules/quota_metric"

  name_prefix      = local.name_prefix
  account_id       = var.account_id
  region           = var.region
  regions          = var.standby_enabled ? [var.standby_region] : []
  runbook_base_url = var.runbook_base_url
  function = {
    lambda_zip_path      = var.quota_metric_zip_path
    powertools_layer_arn = var.powertools_layer_arn
    reserved_concurrency = var.operations_reserved_concurrency
  }
}

module "auto_pause" {
  source = "../../modules/auto_pause"
  count  = var.auto_pause_enabled ? 1 : 0

  name_prefix              = local.name_prefix
  account_id               = var.account_id
  region                   = var.region
  alarm_configuration_sets = module.alarms.critical_reputation_alarm_sets
  runbook_base_url         = var.runbook_base_url
  function = {
    lambda_zip_path      = var.auto_pause_zip_path
    powertools_layer_arn = var.powertools_layer_arn
    reserved_concurrency = var.operations_reserved_concurrency
  }
}

module "suppression_sync" {
  source = "../../modules/suppression_sync"
  count  = var.standby_enabled ? 1 : 0

  name_prefix      = local.name_prefix
  account_id       = var.account_id
  region           = var.region
  target_region    = var.standby_region
  runbook_base_url = var.runbook_base_url
  function = {
    lambda_zip_path      = var.suppression_sync_zip_path
    powertools_layer_arn = var.powertools_layer_arn
    reserved_concurrency = var.operations_reserved_concurrency
  }
}

output "quota_metric_function_name" {
  description = "The quota publisher Lambda (its logs: why SendQuotaUsage has no data)."
  value       = module.quota_metric.function_name
}

output "auto_pause_function_name" {
  description = "The auto-pause Lambda (null unless auto_pause_enabled)."
  value       = one(module.auto_pause[*].function_name)
}

output "suppression_sync_function_name" {
  description = "The suppression sync Lambda (null unless standby_enabled): its logs show each write, addresses masked."
  value       = one(module.suppression_sync[*].function_name)
}
