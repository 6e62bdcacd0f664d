variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name, e.g. ses-production (the event_pipeline module's)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID of the archive. Passed in (not looked up) so ARNs and policies are known at plan time."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the event topic and the archive."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "topic_arn" {
  type        = string
  description = "ARN of the SES event topic (event_pipeline's topic_arn output); the archive subscribes to it beside the queue."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "infrequent_access_after_days" {
  type        = number
  description = "Days after which archived events move to S3 Standard-IA (S3 requires at least 30)."
  default     = 30

  validation {
    condition     = var.infrequent_access_after_days >= 30
    error_message = "infrequent_access_after_days must be at least 30 (S3 Standard-IA minimum)."
  }
}

variable "glacier_after_days" {
  type        = number
  description = "Days after which archived events move to S3 Glacier Instant Retrieval (still queryable by Athena). Must exceed infrequent_access_after_days by at least 30."
  default     = 180

  validation {
    condition     = var.glacier_after_days >= 60
    error_message = "glacier_after_days must be at least 60."
  }
}

variable "archive_retention_days" {
  type        = number
  description = "Days after which archived events are deleted; null keeps them (the default: the archive is the long-term record)."
  default     = null

  validation {
    condition     = var.archive_retention_days == null || try(var.archive_retention_days >= 90, false)
    error_message = "archive_retention_days must be null or at least 90 (Glacier Instant Retrieval bills 90 days minimum)."
  }
}

variable "buffering_interval_seconds" {
  type        = number
  description = "Firehose buffering interval: the longest an event waits before it is written to S3."
  default     = 300

  validation {
    condition     = var.buffering_interval_seconds >= 0 && var.buffering_interval_seconds <= 900
    error_message = "buffering_interval_seconds must be between 0 and 900."
  }
}

variable "buffering_size_mb" {
  type        = number
  description = "Firehose buffering size in MB (before compression)."
  default     = 64

  validation {
    condition     = var.buffering_size_mb >= 1 && var.buffering_size_mb <= 128
    error_message = "buffering_size_mb must be between 1 and 128."
  }
}

variable "partition_start_date" {
  type        = string
  description = "First day (yyyy/MM/dd) of the Athena partition projection: set it to the day the archive starts."
  default     = "2026/01/01"

  validation {
    condition     = can(regex("^20[0-9]{2}/(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])$", var.partition_start_date))
    error_message = "partition_start_date must be a date written yyyy/MM/dd, e.g. 2026/01/01."
  }
}

variable "athena_bytes_scanned_cutoff" {
  type        = number
  description = "Athena stops a query of the archive workgroup after scanning this many bytes (a cost guard)."
  default     = 10737418240 # 10 GiB

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB, the Athena minimum)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Firehose error log group."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 365, …, 3653)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource of the module."
  default     = {}
  nullable    = false
}

variable "ledger_enabled" {
  type        = bool
  description = "Run the daily delivery ledger over the archive (a scheduled Lambda, its metrics and alarms)."
  default     = false
  nullable    = false
}

variable "ledger_lambda_zip_path" {
  type        = string
  description = "Path of the ledger deployment zip built by `make package` (build/lambda/ledger.zip). Required when ledger_enabled."
  default     = null
}

variable "ledger_schedule_expression" {
  type        = string
  description = "When the ledger runs (UTC). It reports on the day two days back, so any time of day works."
  default     = "cron(30 0 * * ? *)"

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.ledger_schedule_expression))
    error_message = "ledger_schedule_expression must be an EventBridge cron(...) or rate(...) expression."
  }
}

variable "ledger_no_outcome_rate_threshold" {
  type        = number
  description = "Alarm when more than this fraction of a day's recipients (all configuration sets) had no outcome within 24 h."
  default     = 0.005

  validation {
    condition     = var.ledger_no_outcome_rate_threshold > 0 && var.ledger_no_outcome_rate_threshold < 1
    error_message = "ledger_no_outcome_rate_threshold must be a fraction between 0 and 1 (0.005 = 0.5 %)."
  }
}

variable "ledger_alarm_topic_arn" {
  type        = string
  description = "SNS topic the ledger alarms notify (the alarms module's topic); null creates the alarms without actions."
  default     = null

  validation {
    condition     = var.ledger_alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.ledger_alarm_topic_arn))
    error_message = "ledger_alarm_topic_arn must be null or an SNS topic ARN."
  }
}
