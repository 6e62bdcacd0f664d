output "alarm_topic_arn" {
  description = "ARN of the alarm topic (subscribe on-call tooling here)."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "ARN of the CMK encrypting the alarm topic."
  value       = aws_kms_key.this.arn
}

output "alarm_names" {
  description = "Names of every CloudWatch alarm the module creates."
  value       = sort([for a in aws_cloudwatch_metric_alarm.this : a.alarm_name])
}

output "sending_disabled_rule_name" {
  description = "EventBridge rule forwarding SES 'Sending Status Disabled' to the alarm topic."
  value       = aws_cloudwatch_event_rule.sending_disabled.name
}
