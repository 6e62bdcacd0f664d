variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. ses-production."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID (ARNs in policies are built at plan time)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "The primary region: the function runs here and copies this region's suppression list."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "target_region" {
  type        = string
  description = "The standby SES region whose suppression list receives the primary's entries."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.target_region)) && var.target_region != var.region
    error_message = "target_region must look like eu-central-1 and differ from region."
  }
}

variable "rate" {
  type        = number
  description = "SESv2 requests per second in each region (the management API allows about 1 per second per account and region)."
  default     = 1
  nullable    = false

  validation {
    condition     = var.rate > 0 && var.rate <= 1
    error_message = "rate must be above 0 and at most 1 request per second."
  }
}

variable "schedule_expression" {
  type        = string
  description = "How often the lists are compared and the standby written (`rate(...)` or `cron(...)`). Each run lists both lists in full: hourly keeps the listing cost small and the standby at most an hour behind."
  default     = "rate(1 hour)"
  nullable    = false

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be rate(...) or cron(...)."
  }
}

variable "metric_namespace" {
  type        = string
  description = "CloudWatch namespace of the EMF metrics SuppressionSyncWritten, SuppressionSyncFailed and SuppressionSyncPending."
  default     = "SesMailPlatform"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be a custom CloudWatch namespace (not AWS/...)."
  }
}

variable "function" {
  type = object({
    lambda_zip_path      = string
    powertools_layer_arn = string
    reserved_concurrency = optional(number, 1)
    log_level            = optional(string, "INFO")
    log_retention_days   = optional(number, 365)
  })
  description = "The Lambda's deployment: `lambda_zip_path` (build/lambda/suppression_sync.zip, from `make package`), the Powertools v3 python3.12 arm64 layer ARN, `reserved_concurrency` (1-5, or -1 for none: new accounts may have nothing reservable), `log_level`, `log_retention_days`. Validated by the eventbridge_function module."
  nullable    = false
}

variable "runbook_base_url" {
  type        = string
  description = "Where runbooks live (the schedule rule's description names the failover runbook)."
  default     = "docs/runbooks"
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
