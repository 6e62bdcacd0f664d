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
