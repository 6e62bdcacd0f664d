output "alarm_topic_arn" {
  description = "ARN of the critical alarm topic (subscribe paging tooling here); warnings go to `alarm_topic_arns_by_severity.warning`."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "ARN of the CMK encrypting the alarm topic."
  value       = aws_kms_key.this.arn
}

output "alarm_names" {
  description = "Names of every CloudWatch alarm the module creates."
  value       = sort(concat([for a in aws_cloudwatch_metric_alarm.this : a.alarm_name], [for a in aws_cloudwatch_metric_alarm.ratio : a.alarm_name], [aws_cloudwatch_metric_alarm.events_stopped.alarm_name]))
}

output "sending_disabled_rule_name" {
  description = "EventBridge rule forwarding SES 'Sending Status Disabled' to the alarm topic."
  value       = aws_cloudwatch_event_rule.sending_disabled.name
}

output "alarm_topic_arns_by_severity" {
  description = "The module's alarm topic per severity (`critical` is `alarm_topic_arn`); subscribe tooling by severity here."
  value       = { critical = aws_sns_topic.this.arn, warning = aws_sns_topic.warning.arn }
}

output "alarm_severities" {
  description = "Severity (`warning` or `critical`) of every alarm, by alarm name."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.this : a.alarm_name => a.tags.Severity },
    { for a in aws_cloudwatch_metric_alarm.ratio : a.alarm_name => a.tags.Severity },
    { (aws_cloudwatch_metric_alarm.events_stopped.alarm_name) = "critical" },
  )
}

output "critical_reputation_alarm_sets" {
  description = "Critical bounce- and complaint-rate alarm name -> configuration sets to pause (account-wide alarms: every set; per-set alarms: that set). The auto_pause module's `alarm_configuration_sets`."
  value       = local.critical_reputation_alarm_sets
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when dashboard_enabled = false)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
