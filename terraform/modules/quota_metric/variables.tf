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
  description = "Region the function runs in; its SES quota is always published (the quota is per region, dimension Region)."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "regions" {
  type        = list(string)
  description = "Further regions whose quota the same function publishes (each into its own region's CloudWatch), e.g. the standby SES region. `region` (where the function runs) is always included."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "regions must look like eu-central-1."
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

variable "function" {
  type = object({
    lambda_zip_path      = string
    powertools_layer_arn = string
    reserved_concurrency = optional(number, 1)
    log_level            = optional(string, "INFO")
    log_retention_days   = optional(number, 365)
  })
  description = "The Lambda's deployment: `lambda_zip_path` (build/lambda/quota_metric.zip, from `make package`), the Powertools v3 python3.12 arm64 layer ARN, `reserved_concurrency` (1-5, or -1 for none: new accounts may have nothing reservable), `log_level`, `log_retention_days`. Validated by the eventbridge_function module."
  nullable    = false
}

variable "runbook_base_url" {
  type        = string
  description = "Where runbooks live (the schedule rule's description names the quota runbook)."
  default     = "docs/runbooks"
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
