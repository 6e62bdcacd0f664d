variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name, e.g. ses-production. Alarm names start with it (the alarm topic's aws:SourceArn condition relies on that)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID (builds ARNs for policy conditions at plan time)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "AWS region of SES and the alarms."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "configuration_set_names" {
  type        = list(string)
  description = "Configuration sets to alarm on individually (their reputation metrics must be enabled)."
  default     = []
  nullable    = false
}

variable "queue_name" {
  type        = string
  description = "Name of the SES event queue (event_pipeline output queue_name) null in a standby region's instance, which has no queue or persister: their alarms are left out."
  default     = null
}

variable "dlq_name" {
  type        = string
  description = "Name of the SES event dead-letter queue (event_pipeline output dlq_name) null in a standby region's instance, which has no queue or persister: their alarms are left out."
  default     = null
}

variable "subscription_dlq_name" {
  type        = string
  description = "Name of the SNS subscription's dead-letter queue (event_pipeline output subscription_dlq_name)."
}

variable "event_topic_name" {
  type        = string
  description = "Name of the SES event topic (event_pipeline output sns_topic_name): SNS delivery failures and the events-stopped alarm watch it."
}

variable "function_name" {
  type        = string
  description = "Name of the persister Lambda (event_pipeline output function_name) null in a standby region's instance, which has no queue or persister: their alarms are left out."
  default     = null
}

variable "runbook_base_url" {
  type        = string
  description = "Where runbooks live; each alarm description ends with <base>/<alarm-runbook>.md. A repository path by default, or an https URL to the rendered docs."
  default     = "docs/runbooks"

  validation {
    condition     = !endswith(var.runbook_base_url, "/")
    error_message = "runbook_base_url must not end with '/'."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "Email addresses subscribed to both alarm topics, warning and critical (each must confirm each subscription)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "alarm_https_endpoints" {
  type        = list(string)
  description = "HTTPS endpoints (paging tool webhooks) subscribed to the critical alarm topic only: warnings never page."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for u in var.alarm_https_endpoints : startswith(u, "https://")])
    error_message = "alarm_https_endpoints must be https:// URLs."
  }
}

variable "thresholds" {
  type = object({
    bounce_rate = optional(object({
      warning  = optional(number, 0.025)
      critical = optional(number, 0.04)
    }), {})
    complaint_rate = optional(object({
      warning  = optional(number, 0.0005)
      critical = optional(number, 0.0008)
    }), {})
    send_quota_usage = optional(object({
      warning  = optional(number, 0.8)
      critical = optional(number, 0.95)
    }), {})
  })
  description = "Warning and critical levels, all fractions: Reputation.BounceRate (default 0.025 / 0.04, half and 80 % of SES's 0.05 review threshold), Reputation.ComplaintRate (0.0005 / 0.0008 of 0.001) and the share of the 24-hour quota used (0.8 / 0.95, needs `send_quota_metric`)."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for level in values(var.thresholds.bounce_rate) : level > 0 && level < 0.05])
    error_message = "thresholds.bounce_rate levels are fractions below SES's 0.05 review threshold (e.g. 0.04 for 4 %)."
  }
  validation {
    condition     = alltrue([for level in values(var.thresholds.complaint_rate) : level > 0 && level < 0.001])
    error_message = "thresholds.complaint_rate levels are fractions below SES's 0.001 review threshold (e.g. 0.0008 for 0.08 %)."
  }
  validation {
    condition     = alltrue([for level in values(var.thresholds.send_quota_usage) : level > 0 && level <= 1])
    error_message = "thresholds.send_quota_usage levels are fractions of the 24-hour quota, above 0 and at most 1."
  }
  validation {
    condition     = alltrue([for kind, levels in var.thresholds : levels.warning < levels.critical])
    error_message = "each thresholds entry needs warning below critical."
  }
}

variable "alarm_actions_by_severity" {
  type = object({
    warning  = optional(list(string), [])
    critical = optional(list(string), [])
  })
  description = "Extra actions (SNS topic, Incident Manager response plan, ... ARNs) per severity, added to the module's own topic for that severity (`<name_prefix>-alarms` for critical, `<name_prefix>-alarms-warning` for warning). Typically the paging tool's topic under critical and a ticketing topic under warning."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for arn in concat(var.alarm_actions_by_severity.warning, var.alarm_actions_by_severity.critical) : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$", arn))])
    error_message = "alarm_actions_by_severity entries must be ARNs."
  }
}

variable "send_quota_metric" {
  type = object({
    namespace   = string
    metric_name = string
    dimensions  = map(string)
  })
  description = "The custom metric of the share of the 24-hour quota used (quota_metric module output `metric`). Null: no quota alarms (and the legacy `daily_send_threshold` alarm if that is set)."
  default     = null
}

variable "daily_send_threshold" {
  type        = number
  description = "Deprecated: the fixed `AWS/SES Send` daily-sum alarm, kept only while `send_quota_metric` is null. It counts messages over calendar-aligned days while the quota counts recipients over a rolling 24 hours; wire the quota_metric module instead."
  default     = null

  validation {
    condition     = var.daily_send_threshold == null ? true : var.daily_send_threshold >= 1
    error_message = "daily_send_threshold must be a positive number of sends (or null)."
  }
}

variable "delivery_health" {
  type = object({
    enabled                 = optional(bool, true)
    min_sends               = optional(number, 100)
    delay_rate_warning      = optional(number, 0.05)
    rejects_warning         = optional(number, 5)
    rendering_failures      = optional(number, 1)
    delivery_ratio_critical = optional(number, 0.9)
  })
  description = "Per-configuration-set delivery-health alarms on the CloudWatch event destination's metrics (dimension `ses:configuration-set`): DeliveryDelay/Send at or above `delay_rate_warning` (warning), Reject count per hour at or above `rejects_warning` (warning), RenderingFailure count at or above `rendering_failures` in 5 minutes (critical), Delivery/Send below `delivery_ratio_critical` over two hours (critical). Ratios only count once an hour has `min_sends` sends."
  default     = {}
  nullable    = false

  validation {
    condition = (
      var.delivery_health.delay_rate_warning > 0 && var.delivery_health.delay_rate_warning < 1 &&
      var.delivery_health.delivery_ratio_critical > 0 && var.delivery_health.delivery_ratio_critical < 1
    )
    error_message = "delivery_health.delay_rate_warning and delivery_ratio_critical are fractions between 0 and 1."
  }
  validation {
    condition     = var.delivery_health.min_sends >= 1 && var.delivery_health.rejects_warning >= 1 && var.delivery_health.rendering_failures >= 1
    error_message = "delivery_health.min_sends, rejects_warning and rendering_failures are counts of at least 1."
  }
}

variable "outbox_queue_name" {
  type        = string
  description = "Name of the failover outbox queue (sending failover), shown on the dashboard with its age. Null: no outbox panel."
  default     = null
}

variable "sending_metrics_namespace" {
  type        = string
  description = "Namespace of the sending library's metrics (Failovers, CircuitOpened, OutboxQueued, ...), shown on the dashboard. Null: no failover panel."
  default     = null
}

variable "dashboard_enabled" {
  type        = bool
  description = "Create the CloudWatch dashboard `<name_prefix>-mail` built from the same metric specs as the alarms."
  default     = true
  nullable    = false
}

variable "queue_oldest_message_age_seconds" {
  type        = number
  description = "Alarm when the oldest event in the queue is older than this (the persister is not keeping up or not running)."
  default     = 900

  validation {
    condition     = var.queue_oldest_message_age_seconds >= 60
    error_message = "queue_oldest_message_age_seconds must be at least 60."
  }
}

variable "queue_backlog_messages" {
  type        = number
  description = "Alarm when this many events wait in the queue for three consecutive 5-minute periods."
  default     = 10000

  validation {
    condition     = var.queue_backlog_messages >= 1
    error_message = "queue_backlog_messages must be at least 1."
  }
}

variable "events_stopped_periods" {
  type        = number
  description = "Consecutive 5-minute periods of SES sends with no event published before the events-stopped alarm fires (a single period can straddle SES's publishing delay)."
  default     = 3

  validation {
    condition     = var.events_stopped_periods >= 2 && var.events_stopped_periods <= 12
    error_message = "events_stopped_periods must be between 2 and 12 (10 minutes to an hour)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource of the module."
  default     = {}
  nullable    = false
}
