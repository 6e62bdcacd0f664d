# CloudWatch alarms and the SES "Sending Status Disabled" route, each naming its runbook: once for the
# primary region (SES, event topic, queue, persister) and once for the standby (its SES reputation and
# quota, its event topic and subscription DLQ), in that region: alarms watch their own region's metrics
# and notify a topic of their own region, so the standby has its own alarm topic with the same subscribers.

variable "daily_send_alarm_threshold" {
  type        = number
  description = "Alarm when SES sends this many messages in a day: ~80 % of the account's Max24HourSend (aws sesv2 get-account)."
}

variable "standby_daily_send_alarm_threshold" {
  type        = number
  description = "Like daily_send_alarm_threshold for standby_region, whose sending quota is its own (aws sesv2 get-account --region <standby_region>); null = daily_send_alarm_threshold."
  default     = null
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

  name_prefix             = local.name_prefix
  account_id              = var.account_id
  region                  = var.region
  configuration_set_names = local.configuration_set_names
  queue_name              = module.event_pipeline.queue_name
  dlq_name                = module.event_pipeline.dlq_name
  subscription_dlq_name   = module.event_pipeline.subscription_dlq_name
  event_topic_name        = module.event_pipeline.sns_topic_name
  function_name           = module.event_pipeline.function_name
  daily_send_threshold    = var.daily_send_alarm_threshold
  alarm_email_addresses   = var.alarm_email_addresses
  alarm_https_endpoints   = var.alarm_https_endpoints
  runbook_base_url        = var.runbook_base_url
}

module "standby_alarms" {
  source = "../../modules/alarms"
  count  = var.standby_enabled ? 1 : 0
  providers = {
    aws = aws.standby
  }

  # Region in the names: a page says which region's SES or topic it is about.
  name_prefix             = "${local.name_prefix}-${var.standby_region}"
  account_id              = var.account_id
  region                  = var.standby_region
  configuration_set_names = local.configuration_set_names
  subscription_dlq_name   = module.standby_region[0].subscription_dlq_name
  event_topic_name        = module.standby_region[0].event_topic_name
  daily_send_threshold    = coalesce(var.standby_daily_send_alarm_threshold, var.daily_send_alarm_threshold)
  alarm_email_addresses   = var.alarm_email_addresses
  alarm_https_endpoints   = var.alarm_https_endpoints
  runbook_base_url        = var.runbook_base_url
}

output "standby_alarm_topic_arn" {
  description = "The standby region's alarm topic ARN (null without a standby)."
  value       = one(module.standby_alarms[*].alarm_topic_arn)
}

output "alarm_topic_arn" {
  description = "Alarm topic ARN (subscribe on-call tooling here)."
  value       = module.alarms.alarm_topic_arn
}
