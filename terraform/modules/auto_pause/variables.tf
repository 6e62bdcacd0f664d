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
  description = "AWS account ID (configuration-set ARNs in the role policy are built at plan time)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "Region of the alarms and the configuration sets."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "alarm_configuration_sets" {
  type        = map(list(string))
  description = "Alarm name -> configuration sets it pauses. Typically each critical per-set reputation alarm -> its set, and the account-wide critical alarms -> every set (alarms module output `critical_reputation_alarm_sets`)."
  nullable    = false

  validation {
    condition     = length(var.alarm_configuration_sets) > 0 && alltrue([for sets in values(var.alarm_configuration_sets) : length(sets) > 0])
    error_message = "alarm_configuration_sets needs at least one alarm, each with at least one configuration set."
  }
  validation {
    condition     = alltrue([for sets in values(var.alarm_configuration_sets) : alltrue([for name in sets : can(regex("^[A-Za-z0-9_-]{1,64}$", name))])])
    error_message = "alarm_configuration_sets values must be configuration set names (letters, digits, '_' and '-')."
  }
  validation {
    condition     = alltrue([for alarm in keys(var.alarm_configuration_sets) : can(regex("-(bounce|complaint)-rate-critical$", alarm))])
    error_message = "auto-pause only follows critical bounce- or complaint-rate alarms (names ending -bounce-rate-critical or -complaint-rate-critical)."
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
  description = "The Lambda's deployment: `lambda_zip_path` (build/lambda/auto_pause.zip, from `make package`), the Powertools v3 python3.12 arm64 layer ARN, `reserved_concurrency` (1-5, or -1 for none: new accounts may have nothing reservable), `log_level`, `log_retention_days`. Validated by the eventbridge_function module."
  nullable    = false
}

variable "runbook_base_url" {
  type        = string
  description = "Where runbooks live (the rule's description names the reputation runbook, which says when to resume)."
  default     = "docs/runbooks"
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
