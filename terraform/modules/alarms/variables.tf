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
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alarm_email_addresses must be email addresses."
  }
}

variable "alarm_https_endpoints" {
  type        = list(string)
  description = "HTTPS endpoints (paging tool webhooks) subscribed to the alarm topic."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for u in var.alarm_https_endpoints : startswith(u, "https://")])
    error_message = "alarm_https_endpoints must be https:// URLs."
  }
}

variable "bounce_rate_warning" {
  type        = number
  description = "Reputation.BounceRate warning level, a fraction (0.025 = 2.5 %, half of the 5 % review threshold)."
  default     = 0.025

  validation {
    condition     = var.bounce_rate_warning > 0 && var.bounce_rate_warning < 0.05
    error_message = "bounce_rate_warning is a fraction below SES's 0.05 review threshold (e.g. 0.025 for 2.5 %)."
  }
}

variable "bounce_rate_critical" {
  type        = number
  description = "Reputation.BounceRate critical level, a fraction (0.04 = 4 %, 80 % of the 5 % review threshold)."
  default     = 0.04

  validation {
    condition     = var.bounce_rate_critical > 0 && var.bounce_rate_critical < 0.05
    error_message = "bounce_rate_critical is a fraction below SES's 0.05 review threshold (e.g. 0.04 for 4 %)."
  }
}

variable "complaint_rate_warning" {
  type        = number
  description = "Reputation.ComplaintRate warning level, a fraction (0.0005 = 0.05 %, half of the 0.1 % review threshold)."
  default     = 0.0005

  validation {
    condition     = var.complaint_rate_warning > 0 && var.complaint_rate_warning < 0.001
    error_message = "complaint_rate_warning is a fraction below SES's 0.001 review threshold (e.g. 0.0005 for 0.05 %)."
  }
}

variable "complaint_rate_critical" {
  type        = number
  description = "Reputation.ComplaintRate critical level, a fraction (0.0008 = 0.08 %, 80 % of the 0.1 % review threshold)."
  default     = 0.0008

  validation {
    condition     = var.complaint_rate_critical > 0 && var.complaint_rate_critical < 0.001
    error_message = "complaint_rate_critical is a fraction below SES's 0.001 review threshold (e.g. 0.0008 for 0.08 %)."
  }
}

variable "daily_send_threshold" {
  type        = number
  description = "Alarm when SES Send count over a day reaches this many. The quota (Max24HourSend) is not a metric: set this to ~80 % of the account's quota."

  validation {
    condition     = var.daily_send_threshold >= 1
    error_message = "daily_send_threshold must be a positive number of sends."
  }
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
