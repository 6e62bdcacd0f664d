variable "name_prefix" {
  type        = string
  description = "Prefix of every name (ses-<environment>)."
}

variable "account_id" {
  type        = string
  description = "AWS account ID (builds plan-known ARNs)."
}

variable "region" {
  type        = string
  description = "Region of the queues and the replay function; also the primary SES region."
}

variable "standby_region" {
  type        = string
  description = "Standby SES region the replay worker fails over to, or null for primary only."
  default     = null
}

variable "sending_domains" {
  type        = list(string)
  description = "Domain identities the replayed mails are sent from (SendEmail is allowed on exactly these, in both regions)."
}

variable "configuration_set_names" {
  type        = list(string)
  description = "Configuration sets the replayed mails name (the same names in both regions)."
}

variable "events_table" {
  type = object({
    name        = string
    arn         = string
    kms_key_arn = string
  })
  description = "Event table for the outbox trail (REF# items; EVENTS_TABLE_NAME), or null to keep no trail."
  default     = null
}

variable "function" {
  type = object({
    lambda_zip_path      = string
    powertools_layer_arn = optional(string)
    timeout_seconds      = optional(number, 60)
    reserved_concurrency = optional(number, 2)
    maximum_concurrency  = optional(number, 2)
    batch_size           = optional(number, 10)
    send_rate            = optional(number)
    rate_share           = optional(number)
    log_level            = optional(string, "INFO")
  })
  description = "The replay Lambda: `lambda_zip_path` (build/lambda/outbox_replay.zip, from `make package`). Its pace is per instance: keep maximum_concurrency low (2, the SQS minimum) or divide send_rate."
  nullable    = false

  validation {
    condition     = var.function.maximum_concurrency >= 2 && var.function.maximum_concurrency <= 10
    error_message = "function.maximum_concurrency must be 2 (the SQS event source minimum) to 10: each instance paces itself."
  }
  validation {
    condition     = var.function.reserved_concurrency == -1 || var.function.reserved_concurrency >= var.function.maximum_concurrency
    error_message = "function.reserved_concurrency must be -1 (none) or at least maximum_concurrency, or the poller throttles the function and mail cycles towards the DLQ."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives before an outbox message goes to the DLQ (the worker re-enqueues failed mail itself, so a receive count above 1 means the function crashed)."
  default     = 5
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the replay function's log group. Logs hold masked addresses only."
  default     = 365
  nullable    = false
}

variable "alarm_actions_by_severity" {
  type        = object({ critical = list(string), warning = list(string) })
  description = "What each severity notifies (the alarms module's topic first, then the environment's extra actions)."
}

variable "runbook_base_url" {
  type        = string
  description = "Base of the runbook links in alarm descriptions."
  default     = "docs/runbooks"
}

variable "not_draining_minutes" {
  type        = number
  description = "Outbox depth of at least one mail this long (5-minute periods) means the worker is not draining it."
  default     = 30
  nullable    = false
}

variable "outbox_age_threshold_seconds" {
  type        = number
  description = "OutboxAgeSeconds (now - first failure of a replayed mail) at or above this over 15 minutes alarms."
  default     = 900
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
}
