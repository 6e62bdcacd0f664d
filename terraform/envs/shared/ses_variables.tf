# Inputs of ses.tf: the sending domains and configuration sets, the same in both regions.
# TLS is not an input here on purpose: every configuration set of this environment requires TLS.

variable "configuration_sets" {
  type = map(object({
    event_types        = optional(list(string))
    suppressed_reasons = optional(list(string), ["BOUNCE", "COMPLAINT"])
    sending_pool_name  = optional(string)
    dedicated_ip_pool = optional(object({
      name         = string
      scaling_mode = optional(string, "MANAGED")
    }))
    tracking_options = optional(object({
      custom_redirect_domain = string
      https_policy           = optional(string, "REQUIRE")
    }))
    engagement_tracking_enabled = optional(bool, false)
    max_delivery_seconds        = optional(number)
    vdm_options = optional(object({
      engagement_metrics        = optional(string)
      optimized_shared_delivery = optional(string)
    }))
  }))
  description = "SES configuration sets by short name (lower case, digits, '-'); each is created as `<name_prefix>-<key>`, e.g. ses-production-transactional, in the primary and (standby_enabled) the standby region. `event_types` null = all ten. See modules/ses_configuration_set for the fields."
  nullable    = false

  validation {
    condition     = length(var.configuration_sets) > 0 && alltrue([for key in keys(var.configuration_sets) : can(regex("^[a-z0-9][a-z0-9-]{0,40}$", key))])
    error_message = "configuration_sets needs at least one entry, keyed by a short name of lower-case letters, digits and '-' (at most 41 characters)."
  }
}

variable "sending_domains" {
  type = map(object({
    configuration_set                = string
    route53_zone_id                  = optional(string)
    mail_from_subdomain              = optional(string, "bounce")
    mail_from_behavior_on_mx_failure = optional(string, "USE_DEFAULT_VALUE")
    dmarc = optional(object({
      enabled          = optional(bool, true)
      policy           = optional(string, "none")
      subdomain_policy = optional(string)
      percent          = optional(number, 100)
      rua              = optional(list(string), [])
      ruf              = optional(list(string), [])
      dkim_alignment   = optional(string, "r")
      spf_alignment    = optional(string, "r")
    }), {})
  }))
  description = "SES sending domains keyed by domain name. `configuration_set` is a key of `configuration_sets` (the identity's default set). With `route53_zone_id` the DNS records are created; without it they appear in the `ses_dns_records` output for external DNS. See modules/ses_domain for the fields."
  nullable    = false
}

variable "ses_account_suppressed_reasons" {
  type        = list(string)
  description = "Reasons for which SES adds recipients to this account's suppression list (BOUNCE, COMPLAINT)."
  default     = ["BOUNCE", "COMPLAINT"]
  nullable    = false
}

variable "ses_eventbridge_enabled" {
  type        = bool
  description = "Also publish every configuration set's events to the account's default EventBridge bus."
  default     = false
  nullable    = false
}
