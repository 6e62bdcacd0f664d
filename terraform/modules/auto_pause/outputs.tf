output "function_name" {
  description = "Name of the auto-pause Lambda."
  value       = aws_lambda_function.this.function_name
}

output "rule_name" {
  description = "EventBridge rule matching the critical alarms' state changes."
  value       = aws_cloudwatch_event_rule.this.name
}

output "configuration_set_names" {
  description = "Configuration sets the function may pause."
  value       = local.set_names
}
