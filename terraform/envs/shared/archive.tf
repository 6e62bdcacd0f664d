# Optional long-term event archive (S3 via Firehose, Athena) and its daily delivery ledger
# (sesmail.handlers.ledger): a second subscription of the primary region's event topic.

variable "event_archive_enabled" {
  type        = bool
  description = "Archive every event of the primary region's topic to S3 for Athena (modules/event_archive)."
  default     = false
  nullable    = false
}

variable "event_archive_ledger_enabled" {
  type        = bool
  description = "Run the daily delivery ledger over the archive (needs event_archive_enabled); its alarms (warnings) notify the warning alarm topic."
  default     = false
  nullable    = false

  validation {
    condition     = !var.event_archive_ledger_enabled || var.event_archive_enabled
    error_message = "event_archive_ledger_enabled needs event_archive_enabled."
  }
}

variable "event_archive_partition_start_date" {
  type        = string
  description = "First day (yyyy/MM/dd) of the archive's Athena partition projection: the day the archive starts."
  default     = "2026/01/01"
}

variable "ledger_zip_path" {
  type        = string
  description = "Ledger deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/ledger.zip"
}

module "event_archive" {
  source = "../../modules/event_archive"
  count  = var.event_archive_enabled ? 1 : 0

  name_prefix            = local.name_prefix
  account_id             = var.account_id
  region                 = var.region
  topic_arn              = module.event_pipeline.sns_topic_arn
  partition_start_date   = var.event_archive_partition_start_date
  ledger_enabled         = var.event_archive_ledger_enabled
  ledger_lambda_zip_path = var.event_archive_ledger_enabled ? var.ledger_zip_path : null
  ledger_alarm_topic_arn = module.alarms.alarm_topic_arns_by_severity.warning # the ledger alarms are warnings
}

output "archive_bucket_name" {
  description = "S3 bucket of the event archive and the ledger's daily reports (null when event_archive_enabled = false)."
  value       = one(module.event_archive[*].bucket_name)
}

output "archive_athena_workgroup_name" {
  description = "Athena workgroup of the archive's named queries (null when event_archive_enabled = false)."
  value       = one(module.event_archive[*].athena_workgroup_name)
}
