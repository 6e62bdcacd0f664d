# The durable outbox behind client-side failover (decision 0070; terraform/modules/outbox): queues, the
# replay Lambda draining them through the primary then the standby region, and their alarms, routed by
# severity like the rest. Off unless outbox_enabled.

variable "outbox_enabled" {
  type        = bool
  description = "Create the sending outbox, its replay Lambda and alarms (services send through FailoverSender)."
  default     = false
  nullable    = false
}

variable "outbox_replay_zip_path" {
  type        = string
  description = "Outbox replay deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/outbox_replay.zip"
}

module "outbox" {
  source = "../../modules/outbox"
  count  = var.outbox_enabled ? 1 : 0

  name_prefix             = local.name_prefix
  account_id              = var.account_id
  region                  = var.region
  standby_region          = var.standby_enabled ? var.standby_region : null
  sending_domains         = sort(keys(var.sending_domains))
  configuration_set_names = local.configuration_set_names
  events_table = {
    name        = module.event_pipeline.table_name
    arn         = module.event_pipeline.table_arn
    kms_key_arn = module.event_pipeline.kms_key_arn
  }
  alarm_actions_by_severity = {
    for severity, arn in module.alarms.alarm_topic_arns_by_severity : severity => concat([arn], var.alarm_actions_by_severity[severity])
  }
  runbook_base_url = var.runbook_base_url
  function = {
    lambda_zip_path      = var.outbox_replay_zip_path
    powertools_layer_arn = var.powertools_layer_arn
  }
}

output "outbox_queue_url" {
  description = "Outbox queue URL for FailoverSender (null unless outbox_enabled); senders need sqs:SendMessage on it and the key below through SQS."
  value       = one(module.outbox[*].queue_url)
}

output "outbox_kms_key_arn" {
  description = "CMK of the outbox queues (null unless outbox_enabled)."
  value       = one(module.outbox[*].kms_key_arn)
}
