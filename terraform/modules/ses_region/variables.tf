variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. ses-production: configuration sets are `<name_prefix>-<key>` in every region."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID (builds the ARNs of policy conditions at plan time)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "The region of this instance's aws provider (ARNs, MAIL FROM suffix)."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

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
  description = "Configuration sets by short name, created as `<name_prefix>-<key>`; all require TLS and publish reputation metrics. `event_types` null = all ten. See modules/ses_configuration_set."
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
  description = "Sending domains keyed by domain name; `configuration_set` is a key of `configuration_sets`. With `route53_zone_id` the records are created, otherwise listed in the `dns_records` output. See modules/ses_domain."
  nullable    = false
}

variable "account_suppressed_reasons" {
  type        = list(string)
  description = "Reasons for which SES adds recipients to the account suppression list in this region (BOUNCE, COMPLAINT)."
  default     = ["BOUNCE", "COMPLAINT"]
  nullable    = false
}

variable "eventbridge_enabled" {
  type        = bool
  description = "Also publish every configuration set's events to this region's default EventBridge bus."
  default     = false
  nullable    = false
}

variable "event_topic_enabled" {
  type        = bool
  description = "Create this region's own event topic (with its key and subscription DLQ), delivering into event_queue_arn: a standby region. false: publish to event_topic_arn (the primary region, whose topic is the event pipeline's)."
  default     = false
  nullable    = false
}

variable "event_topic_arn" {
  type        = string
  description = "SNS topic in this region that the configuration sets publish to when event_topic_enabled is false (event_pipeline's sns_topic_arn)."
  default     = null
}

variable "event_queue_arn" {
  type        = string
  description = "The primary region's event queue (event_pipeline's queue_arn): where this region's own topic delivers when event_topic_enabled."
  default     = null
}

variable "mail_from_region_suffix_enabled" {
  type        = bool
  description = "Append `-<region>` to every MAIL FROM subdomain (bounce -> bounce-us-east-1): SES checks the MAIL FROM MX for its own region, so a second region needs its own name. Off in the primary (its names stay as they are)."
  default     = false
  nullable    = false
}

variable "dmarc_enabled" {
  type        = bool
  description = "Publish each domain's DMARC record from this region. One record per domain: true in the primary region only, or the two regions would manage the same Route53 record."
  default     = true
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for the resources of this region's own event topic (the environments tag everything through provider default_tags)."
  default     = {}
  nullable    = false
}
