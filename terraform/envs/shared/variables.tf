variable "account_id" {
  type        = string
  description = "AWS account ID this environment lives in; the provider refuses any other account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "Primary AWS region: SES, the event pipeline, alarms and the status API."
  default     = "eu-west-1"
}

variable "standby_enabled" {
  type        = bool
  description = "Keep SES ready to send in standby_region too: identities, configuration sets mirroring the primary's, an event topic delivering into the primary's queue, alarms (docs/decisions/0073-standby-region.md). See README \"Standby region\" for what Terraform cannot do there."
  default     = false
  nullable    = false
}

variable "standby_region" {
  type        = string
  description = "The standby SES region (used when standby_enabled); must differ from region."
  default     = "eu-central-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.standby_region)) && var.standby_region != var.region
    error_message = "standby_region must look like eu-central-1 and differ from region."
  }
}

variable "offline_plan" {
  type        = bool
  description = "Tests only: skip credential, account-ID and metadata lookups so a plan runs with fake credentials and no network."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Extra tags applied to every resource (merged over the defaults)."
  default     = {}
  nullable    = false
}
