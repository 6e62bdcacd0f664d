# CloudWatch alarms and the SES "Sending Status Disabled" route, each naming its runbook: once for the
# primary region (SES, event topic, queue, persister) and once for the standby (its SES reputation and
# quota, its event topic and subscription DLQ), in that region: alarms watch their own region's metrics
# and notify a topic of their own region, so the standby has its own alarm topic with the same subscribers.
# Warnings and criticals go to different topics (decision 0100); the quota alarms read the usage metric
# operations.tf publishes for each region.

variable "alarm_actions_by_severity" {
  type = object({
    warning  = optional(list(string), [])
    critical = optional(list(string), [])
  })
  description = "Extra alarm actions per severity in the primary region (e.g. the paging tool's SNS topic under critical, a ticketing topic under warning), on top of the module's own topics."
  default     = {}
  nullable    = false
}

variable "standby_alarm_actions_by_severity" {
  type = object({
    warning  = optional(list(string), [])
    critical = optional(list(string), [])
  })
  description = "Like alarm_actions_by_severity for the standby region's alarms (actions must live in that region)."
  default     = {}
  nullable    = false
}

variable "alarm_thresholds" {
  type = object({
    bounce_rate      = optional(object({ warning = optional(number, 0.025), critical = optional(number, 0.04) }), {})
    complaint_rate   = optional(object({ warning = optional(number, 0.0005), critical = optional(number, 0.0008) }), {})
    send_quota_usage = optional(object({ warning = optional(number, 0.8), critical = optional(number, 0.95) }), {})
  })
  description = "Warning and critical levels (fractions) of the reputation and quota-usage alarms; validated by modules/alarms."
  default     = {}
  nullable    = false
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "On-call email addresses subscribed to the alarm topic."
  default     = []
  nullable    = false
}

variable "alarm_https_endpoints" {
  type        = list(string)
  description = "Paging webhooks (https://) subscribed to the alarm topic."
  default     = []
  nullable    = false
}

variable "runbook_base_url" {
  type        = string
  description = "Base of runbook links in alarm descriptions (repository path or URL of the rendered docs/runbooks)."
  default     = "docs/runbooks"
}

module "alarms" {
  source = "../../modules/alarms"

  name_prefix               = local.name_prefix
  account_id                = var.account_id
  region                    = var.region
  configuration_set_names   = local.configuration_set_names
  queue_name                = module.event_pipeline.queue_name
  dlq_name                  = module.event_pipeline.dlq_name
  subscription_dlq_name     = module.event_pipeline.subscription_dlq_name
  event_topic_name          = module.event_pipeline.sns_topic_name
  function_name             = module.event_pipeline.function_name
  send_quota_metric         = module.quota_metric.metrics_by_region[var.region]
  thresholds                = var.alarm_thresholds
  alarm_actions_by_severity = var.alarm_actions_by_severity
  alarm_email_addresses     = var.alarm_email_addresses
  alarm_https_endpoints     = var.alarm_https_endpoints
  runbook_base_url          = var.runbook_base_url
}

module "standby_alarms" {
  source = "../../modules/alarms"
  count  = var.standby_enabled ? 1 : 0
  providers = {
    aws = aws.standby
  }

  # Region in the names: a page says which region's SES or topic it is about.
  name_prefix               = "${local.name_prefix}-${var.standby_region}"
  account_id                = var.account_id
  region                    = var.standby_region
  configuration_set_names   = local.configuration_set_names
  subscription_dlq_name     = module.standby_region[0].subscription_dlq_name
  event_topic_name          = module.standby_region[0].event_topic_name
  send_quota_metric         = module.quota_metric.metrics_by_region[var.standby_region]
  thresholds                = var.alarm_thresholds
  alarm_actions_by_severity = var.standby_alarm_actions_by_severity
  alarm_email_addresses     = var.alarm_email_addresses
  alarm_https_endpoints     = var.alarm_https_endpoints
  runbook_base_url          = var.runbook_base_url
}

output "standby_alarm_topic_arn" {
  description = "The standby region's alarm topic ARN (null without a standby)."
  value       = one(module.standby_alarms[*].alarm_topic_arn)
}

output "alarm_topic_arn" {
  description = "Critical alarm topic ARN (subscribe paging tooling here)."
  value       = module.alarms.alarm_topic_arn
}

output "alarm_topic_arns_by_severity" {
  description = "The primary region's alarm topics by severity (warning: email/tickets; critical: paging)."
  value       = module.alarms.alarm_topic_arns_by_severity
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the primary region (alarms, reputation, delivery per set, pipeline, quota)."
  value       = module.alarms.dashboard_name
}
