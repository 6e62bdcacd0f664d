output "configuration_set_name" {
  description = "Name of the configuration set (what senders pass as `ConfigurationSetName`)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set (for the SNS topic policy's `aws:SourceArn` and IAM conditions)."
  value       = aws_sesv2_configuration_set.this.arn
}

output "event_types" {
  description = "Event types published to the SNS topic."
  value       = sort(var.event_types)
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
