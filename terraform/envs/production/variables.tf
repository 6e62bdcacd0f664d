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
  description = "AWS region for SES and the event pipeline."
  default     = "eu-west-1"
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
