output "metric" {
  description = "The published usage metric, `{namespace, metric_name, dimensions}`: pass it to the alarms module's `send_quota_metric`."
  value       = local.metric
}

output "function_name" {
  description = "Name of the quota publisher Lambda."
  value       = aws_lambda_function.this.function_name
}

output "schedule_rule_name" {
  description = "EventBridge rule that invokes the publisher."
  value       = aws_cloudwatch_event_rule.this.name
}
