output "configuration_set_name" {
  description = "Name of the configuration set (what senders pass as `ConfigurationSetName`)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set (for the SNS topic policy's `aws:SourceArn` and IAM conditions)."
  value       = aws_sesv2_configuration_set.this.arn
}

output "event_types" {
  description = "Event types published to the SNS topic (without OPEN and CLICK unless engagement tracking is on)."
  value       = sort(local.event_types)
}

output "sending_pool_name" {
  description = "Dedicated IP pool the set sends through (null: shared IPs)."
  value       = local.sending_pool_name
}

output "dedicated_ip_pool_arn" {
  description = "ARN of the dedicated IP pool created by this module (null when none)."
  value       = one(aws_sesv2_dedicated_ip_pool.this[*].arn)
}

output "eventbridge_destination_enabled" {
  description = "Whether events are also published to the default EventBridge bus."
  value       = var.eventbridge_enabled
}

output "engagement_tracking_enabled" {
  description = "Whether SES tracks opens and clicks for this set (adds a pixel, rewrites links)."
  value       = var.engagement_tracking_enabled
}

output "cloudwatch_destination_enabled" {
  description = "Whether event counts are published to CloudWatch with the `ses:configuration-set` dimension."
  value       = var.cloudwatch_metrics_enabled
}

output "vdm_requested" {
  description = "Whether the set turns a VDM feature on (the account needs VDM enabled: ses_account `vdm`)."
  value       = var.vdm_options == null ? false : contains([var.vdm_options.engagement_metrics, var.vdm_options.optimized_shared_delivery], "ENABLED")
}
