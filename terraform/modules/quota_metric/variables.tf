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
  description = "Region whose SES quota is published (the quota is per region); also the metric's Region dimension."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "metric_namespace" {
  type        = string
  description = "Custom CloudWatch namespace of SendQuotaUsage, SentLast24Hours, Max24HourSend and MaxSendRate."
  default     = "SesMailPlatform"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be a custom CloudWatch namespace (not AWS/...)."
  }
}

variable "schedule_expression" {
  type        = string
  description = "How often the quota is read and published. The quota alarms use 5-minute periods: keep it at most that."
  default     = "rate(5 minutes)"
  nullable    = false

  validation {
    condition     = contains(["rate(1 minute)", "rate(2 minutes)", "rate(5 minutes)"], var.schedule_expression)
    error_message = "schedule_expression must be rate(1 minute), rate(2 minutes) or rate(5 minutes) (the alarms evaluate 5-minute periods)."
  }
}

variable "lambda_zip_path" {
  type        = string
  description = "Path of the deployment zip built by `make package` (build/lambda/quota_metric.zip)."
}

variable "powertools_layer_arn" {
  type        = string
  description = "ARN of the AWS-published Powertools for AWS Lambda (Python) v3 layer for python3.12 arm64."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a Lambda layer version ARN."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrency (one run at a time is plenty). Needs unreserved account concurrency to spare: new accounts may have a limit of 10 with nothing reservable; then set null (no reservation) or request an increase."
  default     = 1

  validation {
    condition     = var.reserved_concurrency == null ? true : (var.reserved_concurrency >= 1 && var.reserved_concurrency <= 5)
    error_message = "reserved_concurrency must be between 1 and 5, or null."
  }
}

variable "runbook_base_url" {
  type        = string
  description = "Where runbooks live (the schedule rule's description names the quota runbook)."
  default     = "docs/runbooks"
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's log group."
  default     = 365
}

variable "log_level" {
  type        = string
  description = "POWERTOOLS_LOG_LEVEL of the function."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
