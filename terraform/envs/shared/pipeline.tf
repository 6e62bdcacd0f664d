# SES event pipeline: SES -> SNS -> SQS (+ DLQ) -> persister Lambda -> DynamoDB, one CMK.
# ses.tf wires the primary region's configuration sets to module.event_pipeline.sns_topic_arn; the
# standby region's topic delivers into the same queue (cross_region_topic_arns opens the queue and key).

variable "powertools_layer_arn" {
  type        = string
  description = "AWS-published Powertools for AWS Lambda (Python) v3 layer for python3.12 arm64 in var.region (versioned ARN)."
}

variable "persister_zip_path" {
  type        = string
  description = "Persister deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/persister.zip"
}

module "event_pipeline" {
  source = "../../modules/event_pipeline"

  name_prefix                 = local.name_prefix
  account_id                  = var.account_id
  region                      = var.region
  configuration_set_names     = local.configuration_set_names
  lambda_zip_path             = var.persister_zip_path
  powertools_layer_arn        = var.powertools_layer_arn
  deletion_protection_enabled = local.deletion_protection_enabled
  # Indexed, not splatted: a splat refers to the whole module and would make a cycle with its subscription.
  cross_region_topic_arns = var.standby_enabled ? [module.standby_region[0].event_topic_arn] : []
}

output "region" {
  description = "Primary region: SES, the pipeline, alarms (runbooks export it as AWS_REGION)."
  value       = var.region
}

output "sns_topic_arn" {
  description = "SES event topic (SNS event destination of every configuration set)."
  value       = module.event_pipeline.sns_topic_arn
}

output "queue_url" {
  description = "Event queue URL."
  value       = module.event_pipeline.queue_url
}

output "queue_arn" {
  description = "Event queue ARN (destination of a DLQ redrive)."
  value       = module.event_pipeline.queue_arn
}

output "dlq_url" {
  description = "Dead-letter queue URL."
  value       = module.event_pipeline.dlq_url
}

output "dlq_arn" {
  description = "Dead-letter queue ARN (source of a redrive)."
  value       = module.event_pipeline.dlq_arn
}

output "events_table_name" {
  description = "DynamoDB event table (EVENTS_TABLE_NAME for scripts/mail_status.py and audit_suppression.py)."
  value       = module.event_pipeline.table_name
}

output "persister_function_name" {
  description = "Persister Lambda function name."
  value       = module.event_pipeline.function_name
}

output "kms_key_arn" {
  description = "Pipeline CMK ARN."
  value       = module.event_pipeline.kms_key_arn
}

output "subscription_dlq_url" {
  description = "Dead-letter queue of the SNS -> SQS subscription (events SNS could not deliver)."
  value       = module.event_pipeline.subscription_dlq_url
}

output "standby_region" {
  description = "The standby SES region (null without one)."
  value       = var.standby_enabled ? var.standby_region : null
}

output "standby_subscription_dlq_url" {
  description = "The standby region's subscription dead-letter queue (its events SNS could not deliver to the primary's queue); null without a standby."
  value       = one(module.standby_region[*].subscription_dlq_url)
}

output "subscription_dlq_arn" {
  description = "ARN of the subscription dead-letter queue."
  value       = module.event_pipeline.subscription_dlq_arn
}
