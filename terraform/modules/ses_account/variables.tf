variable "suppressed_reasons" {
  type        = list(string)
  description = "Reasons that add a recipient to the account-level suppression list (per account and region). Configuration sets may override it."
  default     = ["BOUNCE", "COMPLAINT"]
  nullable    = false

  validation {
    condition     = alltrue([for reason in var.suppressed_reasons : contains(["BOUNCE", "COMPLAINT"], reason)]) && length(distinct(var.suppressed_reasons)) == length(var.suppressed_reasons)
    error_message = "suppressed_reasons may only hold BOUNCE and COMPLAINT, each at most once."
  }
}

variable "vdm" {
  type = object({
    engagement_metrics        = optional(string, "DISABLED")
    optimized_shared_delivery = optional(string, "ENABLED")
  })
  description = "Enable Virtual Deliverability Manager for the account (billed per message). Null: VDM untouched. Set it when any configuration set's `vdm_options` enables a feature (ses_configuration_set output `vdm_requested`)."
  default     = null

  validation {
    condition     = var.vdm == null ? true : alltrue([for value in [var.vdm.engagement_metrics, var.vdm.optimized_shared_delivery] : contains(["ENABLED", "DISABLED"], value)])
    error_message = "vdm.engagement_metrics and vdm.optimized_shared_delivery must be ENABLED or DISABLED."
  }
}
