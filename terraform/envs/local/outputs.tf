# Consumed by `make demo` and tests (names fixed by the lead's contract).
output "sns_topic_arn" {
  description = "SES event topic."
  value       = module.event_pipeline.sns_topic_arn
}

output "queue_url" {
  description = "Event queue URL."
  value       = module.event_pipeline.queue_url
}

output "dlq_url" {
  description = "Dead-letter queue URL."
  value       = module.event_pipeline.dlq_url
}

output "events_table_name" {
  description = "DynamoDB event table."
  value       = module.event_pipeline.table_name
}

output "configuration_set_names" {
  description = "Configuration set names the topic accepts events from."
  value       = local.configuration_set_names
}

output "alarm_topic_arn" {
  description = "Alarm topic."
  value       = module.alarms.alarm_topic_arn
}

output "kms_key_arn" {
  description = "Pipeline CMK."
  value       = module.event_pipeline.kms_key_arn
}

output "queue_arn" {
  description = "Event queue ARN."
  value       = module.event_pipeline.queue_arn
}

output "dlq_arn" {
  description = "Dead-letter queue ARN."
  value       = module.event_pipeline.dlq_arn
}

output "persister_function_name" {
  description = "Persister Lambda function name."
  value       = module.event_pipeline.function_name
}

output "region" {
  description = "Region used against the emulator."
  value       = var.region
}

output "subscription_dlq_url" {
  description = "Dead-letter queue of the SNS -> SQS subscription (events SNS could not deliver)."
  value       = module.event_pipeline.subscription_dlq_url
}

output "subscription_dlq_arn" {
  description = "ARN of the subscription dead-letter queue."
  value       = module.event_pipeline.subscription_dlq_arn
}
