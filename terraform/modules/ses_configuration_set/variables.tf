variable "name" {
  type        = string
  description = "Configuration set name, as senders pass it in `ConfigurationSetName` (and as domains reference it as their default)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits, '_' and '-'."
  }
}

variable "tls_policy" {
  type        = string
  description = "`REQUIRE`: SES delivers only over TLS (a receiving server without TLS gets no mail). `OPTIONAL` is refused unless `allow_insecure_tls = true`."
  default     = "REQUIRE"
  nullable    = false

  validation {
    condition     = contains(["REQUIRE", "OPTIONAL"], var.tls_policy)
    error_message = "tls_policy must be REQUIRE or OPTIONAL."
  }
}

variable "allow_insecure_tls" {
  type        = bool
  description = "Explicit opt-in needed for `tls_policy = \"OPTIONAL\"` (mail may then cross the internet in clear text)."
  default     = false
  nullable    = false
}

variable "suppressed_reasons" {
  type        = list(string)
  description = "Reasons that add a recipient to the account suppression list for mail sent through this set. An empty list opts the set out of suppression."
  default     = ["BOUNCE", "COMPLAINT"]
  nullable    = false

  validation {
    condition     = alltrue([for reason in var.suppressed_reasons : contains(["BOUNCE", "COMPLAINT"], reason)]) && length(distinct(var.suppressed_reasons)) == length(var.suppressed_reasons)
    error_message = "suppressed_reasons may only hold BOUNCE and COMPLAINT, each at most once."
  }
}

variable "sending_pool_name" {
  type        = string
  description = "Existing dedicated IP pool to send through. Null: shared IPs (or the pool created by `dedicated_ip_pool`)."
  default     = null

  validation {
    condition     = var.sending_pool_name == null ? true : can(regex("^[A-Za-z0-9_-]{1,64}$", var.sending_pool_name))
    error_message = "sending_pool_name must be 1-64 characters of letters, digits, '_' and '-'."
  }
}

variable "dedicated_ip_pool" {
  type = object({
    name         = string
    scaling_mode = optional(string, "MANAGED")
  })
  description = "Create a dedicated IP pool and send through it. `MANAGED` lets SES lease, warm up and scale the IPs; `STANDARD` uses IPs you request and assign. Null: no pool."
  default     = null

  validation {
    condition     = var.dedicated_ip_pool == null ? true : contains(["STANDARD", "MANAGED"], var.dedicated_ip_pool.scaling_mode)
    error_message = "dedicated_ip_pool.scaling_mode must be STANDARD or MANAGED."
  }

  validation {
    condition     = var.dedicated_ip_pool == null ? true : can(regex("^[A-Za-z0-9_-]{1,64}$", var.dedicated_ip_pool.name))
    error_message = "dedicated_ip_pool.name must be 1-64 characters of letters, digits, '_' and '-'."
  }
}

variable "vdm_options" {
  type = object({
    engagement_metrics        = optional(string)
    optimized_shared_delivery = optional(string)
  })
  description = "Virtual Deliverability Manager overrides for this set (`ENABLED` or `DISABLED`; null keeps the account setting). VDM is billed separately."
  default     = null

  validation {
    condition = var.vdm_options == null ? true : alltrue([
      for value in [var.vdm_options.engagement_metrics, var.vdm_options.optimized_shared_delivery] :
      value == null ? true : contains(["ENABLED", "DISABLED"], value)
    ])
    error_message = "vdm_options values must be ENABLED, DISABLED or null."
  }
}

variable "tracking_options" {
  type = object({
    custom_redirect_domain = string
    https_policy           = optional(string, "REQUIRE")
  })
  description = "Open/click tracking through your own domain (it must be a verified identity with a CNAME to the SES tracking endpoint). Null: SES's default tracking domain."
  default     = null

  validation {
    condition     = var.tracking_options == null ? true : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.tracking_options.custom_redirect_domain))
    error_message = "tracking_options.custom_redirect_domain must be a lower-case domain name such as track.example.com."
  }

  validation {
    condition     = var.tracking_options == null ? true : contains(["REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL"], var.tracking_options.https_policy)
    error_message = "tracking_options.https_policy must be REQUIRE, REQUIRE_OPEN_ONLY or OPTIONAL."
  }
}

variable "sns_topic_arn" {
  type        = string
  description = "SNS topic that receives the set's events (its policy must let ses.amazonaws.com publish for this configuration set)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.sns_topic_arn))
    error_message = "sns_topic_arn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ses-events."
  }
}

variable "event_types" {
  type        = list(string)
  description = "Event types published to SNS. Default: all ten, so support can answer any \"what happened to my mail\" question; OPEN and CLICK are dropped unless `engagement_tracking_enabled`."
  default     = ["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"]
  nullable    = false

  validation {
    condition = length(var.event_types) > 0 && alltrue([
      for t in var.event_types : contains(["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"], t)
    ])
    error_message = "event_types must be a non-empty list of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION."
  }
}

variable "eventbridge_enabled" {
  type        = bool
  description = "Also publish events to the account's default EventBridge bus (for rules in other teams' stacks)."
  default     = false
  nullable    = false
}

variable "eventbridge_event_types" {
  type        = list(string)
  description = "Event types sent to EventBridge when `eventbridge_enabled`."
  default     = ["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"]
  nullable    = false

  validation {
    condition = length(var.eventbridge_event_types) > 0 && alltrue([
      for t in var.eventbridge_event_types : contains(["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"], t)
    ])
    error_message = "eventbridge_event_types must be a non-empty list of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION."
  }
}

variable "engagement_tracking_enabled" {
  type        = bool
  description = "Track opens and clicks (SES adds a pixel and rewrites every link). Off by default, which is right for transactional mail: OPEN and CLICK are then dropped from every destination's event types, and `tracking_options` or VDM engagement metrics are refused. Marketing sets opt in, preferably with a custom HTTPS tracking domain (`tracking_options`)."
  default     = false
  nullable    = false
}

variable "max_delivery_seconds" {
  type        = number
  description = "Give up delivering after this many seconds (300-50400). Null: SES's default (about 14 hours). One-time codes and login links are worthless after minutes: a short limit turns a late delivery into a clear failure the sender can act on."
  default     = null

  validation {
    condition     = var.max_delivery_seconds == null ? true : (var.max_delivery_seconds >= 300 && var.max_delivery_seconds <= 50400 && floor(var.max_delivery_seconds) == var.max_delivery_seconds)
    error_message = "max_delivery_seconds must be a whole number of seconds from 300 (5 minutes) to 50400 (14 hours), or null."
  }
}

variable "cloudwatch_metrics_enabled" {
  type        = bool
  description = "Publish event counts to CloudWatch with the `ses:configuration-set` dimension (the delivery-health alarms and the dashboard need them; each metric is a billed custom metric)."
  default     = true
  nullable    = false
}

variable "cloudwatch_event_types" {
  type        = list(string)
  description = "Event types counted in CloudWatch when `cloudwatch_metrics_enabled`."
  default     = ["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY"]
  nullable    = false

  validation {
    condition = length(var.cloudwatch_event_types) > 0 && alltrue([
      for t in var.cloudwatch_event_types : contains(["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"], t)
    ])
    error_message = "cloudwatch_event_types must be a non-empty list of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION (OPEN and CLICK are not counted here)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for the configuration set and the dedicated IP pool."
  default     = {}
  nullable    = false
}
